"""Differentially private fits on a real table: fidelity at several epsilons against no DP.

    python benchmarks/dp.py ../shared/data/adult.csv --target income --epsilons 1 3 10 --epochs 10

Every system is fitted on the same 80% and scored against the same 20% hold-out
(benchmarks/scoring.py: SDMetrics quality, detection AUC, train-synthetic-test-real).
The DP rows report the epsilon the privacy record says was spent; a DP fit for which
--epochs is too many at its epsilon (the noise multiplier would pass the bound)
runs half as many, and so on. The no-DP row uses
the same epochs with the sampling stages on, as a default fit would. Times on a
shared machine are not benchmarks; the Markdown says so and shows fidelity only.
"""

from __future__ import annotations

import argparse
import time

from data_split import load_split
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from scoring import score_holdout, score_synthetic

from synthdata import SynthDataError, TabularGAN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--target", required=True)
    parser.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--max-rows", type=int, default=None)
    arguments = parser.parse_args()
    split = load_split(arguments.data, target=arguments.target, max_rows=arguments.max_rows)
    machine = describe_machine("cpu")
    systems: dict[str, dict] = {}
    for epsilon in [*arguments.epsilons, None]:
        epochs = arguments.epochs
        while True:
            started = time.perf_counter()
            try:
                model = TabularGAN(epsilon=epsilon, epochs=epochs, device="cpu", verbose=False).fit(split.train)
                break
            except SynthDataError:  # too many epochs for this epsilon: fewer, each less noisy
                if epochs is None or epochs == 1:
                    raise
                epochs = max(1, epochs // 2)
        seconds = time.perf_counter() - started
        synthetic = model.sample(len(split.train))
        name = f"synthdata eps={epsilon:g}" if epsilon is not None else "synthdata no DP"
        systems[name] = {
            "fit_seconds": round(seconds, 1),
            "epochs": model.epochs_,
            "privacy": model.privacy_,
            "scores": score_synthetic(split, synthetic),
        }
        print(name, systems[name]["scores"]["sdmetrics"], flush=True)
    results = {
        "split": split.summary(),
        "holdout_ceiling": score_holdout(split),
        "systems": systems,
        "machine": finish(machine),
    }
    write_results(f"dp-{split.name}", results, _markdown(split.sentence(), results))


def _markdown(sentence: str, results: dict) -> str:
    rows = []
    for name, system in results["systems"].items():
        scores = system["scores"]
        spent = system["privacy"]["epsilon"] if system["privacy"] else None
        rows.append(
            [
                name,
                number(spent, 2),
                str(system["epochs"]),
                number(scores["sdmetrics"].get("quality")),
                number(scores["synthdata_evaluate"].get("detection_auc")),
                number((scores["tstr"] or {}).get("accuracy")),
            ]
        )
    return "\n\n".join(
        [
            "# Differentially private fits",
            sentence,
            markdown_table(
                ["system", "epsilon spent", "epochs", "SDMetrics quality", "detection AUC", "TSTR accuracy"], rows
            ),
            "The machine was shared with other work during the run: fit times are in the JSON "
            "only and are not benchmarks. MOSTLY AI's engine with differential privacy and "
            "smartnoise-synth MST were not run in this pass.",
            machine_markdown(results["machine"]),
        ]
    )


if __name__ == "__main__":
    main()
