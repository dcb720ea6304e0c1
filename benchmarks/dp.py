"""Differentially private fits on a real table: fidelity at several epsilons against no DP and two DP references.

    python benchmarks/dp.py ../shared/data/adult.csv --target income --epsilons 1 3 10 --epochs 10

Every system is fitted on the same 80% and scored against the same 20% hold-out
(benchmarks/scoring.py: SDMetrics quality, detection AUC, train-synthetic-test-real).
The DP rows report the epsilon each system says it spent. A synthdata DP fit for
which --epochs is too many at its epsilon (the noise multiplier would pass the
bound) runs half as many, and so on; the no-DP row uses the same epochs with the
sampling stages on, as a default fit would. The references, at each epsilon with
the same delta as synthdata's default:

- MOSTLY AI's engine (TabularARGN with DP-SGD, in a child process as in
  lineup.py), its value protection given `--bounds-share` of epsilon;
- smartnoise-synth's MST, which needs an environment of its own (`--snsynth-python`;
  skipped with the reason printed when that interpreter is absent), run through
  mst_fit.py on the categories as codes and the numbers binned, its preprocessor
  finding the bins' bounds with `--bounds-share` of epsilon.

Times on a shared machine are not benchmarks; the Markdown says so and shows fidelity only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from data_split import Split, as_numbers, dates_as_text, in_dtype, load_split
from lineup import Lineup
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from scoring import score_holdout, score_synthetic

from synthdata import SynthDataError, TabularGAN
from synthdata.privacy.budget import default_delta

SNSYNTH_PYTHON = "/work/snsynthenv/bin/python"
SYSTEMS = ("synthdata", "mostlyai", "mst")
MST_SCRIPT = Path(__file__).resolve().parent / "mst_fit.py"
# MOSTLY AI's DP-SGD defaults, written out so that the Markdown states what ran
MOSTLYAI_NOISE_MULTIPLIER = 1.5
MOSTLYAI_MAX_GRAD_NORM = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--target", required=True)
    parser.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    parser.add_argument("--epochs", type=int, default=None, help="synthdata's epochs (default: its own)")
    parser.add_argument("--max-rows", type=int, default=None)
    parser.add_argument("--mostlyai-epochs", type=int, help="the engine's max_epochs (default: its own, 100)")
    parser.add_argument(
        "--bounds-share", type=float, default=0.1, help="share of a reference's epsilon spent on value ranges"
    )
    parser.add_argument("--mst-bins", type=int, default=20, help="bins of each continuous column for MST")
    parser.add_argument("--snsynth-python", default=SNSYNTH_PYTHON, help="python of the smartnoise-synth environment")
    parser.add_argument("--parse-dates", nargs="*", default=[], help="text columns to parse as dates before fitting")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of {', '.join(SYSTEMS)}")
    parser.add_argument("--label", help="appended to the result files' name, keeping an earlier run's of the same day")
    arguments = parser.parse_args()
    split = load_split(
        arguments.data, target=arguments.target, max_rows=arguments.max_rows, parse_dates=arguments.parse_dates
    )
    machine = describe_machine("cpu")
    delta = default_delta(len(split.train))
    wanted = set(arguments.systems.split(","))
    results = {
        "split": split.summary(),
        "holdout_ceiling": score_holdout(split),
        "systems": {},
        "dp_settings": dp_settings(arguments, delta),
        "notes": [],
        "machine": machine,
    }
    name = f"dp-{split.name}" + ("" if wanted == set(SYSTEMS) else "-" + "-".join(sorted(wanted)))
    name += f"-{arguments.label}" if arguments.label else ""

    def save(systems: dict[str, dict]) -> None:
        """Write what has run so far: a long run stopped early still leaves its rows."""
        results["systems"] |= systems
        results["machine"] = finish(machine)
        write_results(name, results, _markdown(split.sentence(), results))

    if "synthdata" in wanted:
        synthdata_fits(split, arguments.epsilons, arguments.epochs, save)
    with tempfile.TemporaryDirectory(prefix="synthdata-dp-") as workdir:
        lineup = Lineup(split, device="cpu", workdir=Path(workdir))
        for epsilon in arguments.epsilons if "mostlyai" in wanted else []:
            settings = mostlyai_settings(epsilon, delta, arguments.bounds_share, arguments.mostlyai_epochs)
            save({f"MOSTLY AI engine eps={epsilon:g}": lineup.run(f"mostlyai-eps{epsilon:g}", "mostlyai", settings)})
        if "mst" in wanted and Path(arguments.snsynth_python).exists():
            save(mst_fits(split, arguments, delta, Path(workdir), results["notes"]))
        elif "mst" in wanted:
            results["notes"].append(f"smartnoise-synth MST was skipped: {arguments.snsynth_python} does not exist.")
            print(results["notes"][-1], flush=True)
    save({})


def synthdata_fits(
    split: Split, epsilons: list[float], epochs: int | None, save: Callable[[dict[str, dict]], None]
) -> None:
    """synthdata's TabularGAN at each epsilon and without DP, in this process, each saved as it ends."""
    for epsilon in [*epsilons, None]:
        fit_epochs = epochs
        while True:
            started = time.perf_counter()
            try:
                model = TabularGAN(epsilon=epsilon, epochs=fit_epochs, device="cpu", verbose=False).fit(split.train)
                break
            except SynthDataError:  # too many epochs for this epsilon: fewer, each less noisy
                if fit_epochs is None or fit_epochs == 1:
                    raise
                fit_epochs = max(1, fit_epochs // 2)
        seconds = time.perf_counter() - started
        synthetic = model.sample(len(split.train))
        name = f"synthdata eps={epsilon:g}" if epsilon is not None else "synthdata no DP"
        system = {
            "fit_seconds": round(seconds, 1),
            "epochs": model.epochs_,
            "privacy": model.privacy_,
            "scores": score_synthetic(split, synthetic),
        }
        save({name: system})
        print(name, system["scores"]["sdmetrics"], flush=True)


def mostlyai_settings(epsilon: float, delta: float, bounds_share: float, max_epochs: int | None) -> dict:
    """TabularARGN's options for one DP fit (systems.py's MostlyAISystem adds the column encodings).

    The engine's value protection (DP value ranges and rare categories) costs
    value_protection_epsilon on top of training and counts inside max_epsilon;
    its default of 1 would use all of epsilon=1, so it gets the same share as MST's bounds."""
    return {
        **({} if max_epochs is None else {"max_epochs": max_epochs}),
        "differential_privacy": {
            "max_epsilon": epsilon,
            "delta": delta,
            "noise_multiplier": MOSTLYAI_NOISE_MULTIPLIER,
            "max_grad_norm": MOSTLYAI_MAX_GRAD_NORM,
            "value_protection_epsilon": bounds_share * epsilon,
        },
    }


def mst_fits(
    split: Split, arguments: argparse.Namespace, delta: float, workdir: Path, notes: list[str]
) -> dict[str, dict]:
    """smartnoise-synth's MST at each epsilon, each fit in a child of the snsynth environment;
    a fit that fails adds its error's last line to `notes`."""
    frame, categories = mst_frame(split)
    train_path = workdir / "mst-train.csv"
    frame.to_csv(train_path, index=False)
    continuous = [name for name in frame.columns if name not in categories]
    systems = {}
    for epsilon in arguments.epsilons:
        stem = workdir / f"mst-eps{epsilon:g}"
        spec = {
            "train_path": str(train_path),
            "sample_path": f"{stem}.sample.csv",
            "result_path": f"{stem}.result.json",
            "continuous": continuous,
            "bins": arguments.mst_bins,
            "epsilon": epsilon,
            "delta": delta,
            "preprocessor_epsilon": arguments.bounds_share * epsilon if continuous else 0.0,
            "rows": len(split.train),
        }
        Path(f"{stem}.spec.json").write_text(json.dumps(spec))
        print(f"[{time.strftime('%H:%M:%S')}] MST eps={epsilon:g}: fitting", flush=True)
        child = subprocess.run(
            [arguments.snsynth_python, str(MST_SCRIPT), f"{stem}.spec.json"],
            check=False,
            capture_output=True,
            text=True,
        )
        print(child.stderr, end="", flush=True)
        if child.returncode != 0:
            error = (child.stderr.strip().splitlines() or [f"exit code {child.returncode}"])[-1]
            notes.append(f"smartnoise-synth MST eps={epsilon:g} failed: {error}")
            print(notes[-1], flush=True)
            continue
        result = json.loads(Path(spec["result_path"]).read_text())
        sampled = mst_readable(split, pd.read_csv(spec["sample_path"]), categories)
        systems[f"smartnoise-synth {result['smartnoise_synth']} MST eps={epsilon:g}"] = {
            "fit_seconds": round(result["fit_seconds"], 1),
            "epochs": None,
            "privacy": result["privacy"],
            "settings": {key: spec[key] for key in ("bins", "epsilon", "delta", "preprocessor_epsilon")},
            "scores": score_synthetic(split, sampled),
        }
    return systems


def mst_frame(split: Split) -> tuple[pd.DataFrame, dict[str, pd.Index]]:
    """The modelled training columns as MST reads them: each category as the code of its
    value (a null its own code, and every dtype comes back exactly), numbers and dates as floats."""
    frame = pd.DataFrame(index=split.train.index)
    categories = {}
    for name in split.modelled_columns:
        column = split.schema.columns[name]
        if column.type in ("categorical", "boolean"):
            frame[name], categories[name] = pd.factorize(split.train[name])
        else:
            frame[name] = as_numbers(split.train[name], column)
    return frame, categories


def mst_readable(split: Split, sampled: pd.DataFrame, categories: dict[str, pd.Index]) -> pd.DataFrame:
    """MST's rows back in the training rows' values: codes to categories, days to dates, numbers to their dtype."""
    readable = pd.DataFrame(index=sampled.index)
    for name in split.modelled_columns:
        column = split.schema.columns[name]
        if name in categories:
            readable[name] = sampled[name].map(dict(enumerate(categories[name])))
        elif column.type == "datetime":
            readable[name] = dates_as_text(pd.to_datetime(sampled[name], unit="D"), column.format)
        else:
            readable[name] = in_dtype(sampled[name], split.train[name].dtype)
    return readable


def dp_settings(arguments: argparse.Namespace, delta: float) -> dict[str, str]:
    """One sentence per system saying what its DP settings were."""
    share = f"{arguments.bounds_share:.0%} of epsilon"
    epochs = "100 (its default)" if arguments.mostlyai_epochs is None else str(arguments.mostlyai_epochs)
    return {
        "synthdata": (
            f"TabularGAN(epsilon=eps) with its defaults (delta={delta:.3g}; its mechanisms, their one Rényi-DP "
            "accountant and what it took as public are in the JSON's privacy record); the epsilon column is the record's."
        ),
        f"MOSTLY AI engine {version('mostlyai-engine')}": (
            f"TabularARGN(differential_privacy={{max_epsilon: eps, delta: {delta:.3g}, "
            f"noise_multiplier: {MOSTLYAI_NOISE_MULTIPLIER}, max_grad_norm: {MOSTLYAI_MAX_GRAD_NORM}, "
            f"value_protection_epsilon: {share}}}), max_epochs {epochs}, column kinds as in fidelity.py; "
            "the epsilon column is the one its progress messages give for the checkpoint it kept "
            "(training and value protection)."
        ),
        "smartnoise-synth MST": (
            f"Synthesizer.create('mst', epsilon=eps, delta={delta:.3g}); categories as the training rows' values "
            f"(the domain taken as public, as MST users do; a null is a category of its own); numbers and dates in "
            f"{arguments.mst_bins} equal bins between bounds its preprocessor finds with {share} (split among "
            "those columns, taken out of MST's epsilon), with a null flag where the column has nulls. "
            "AIM was not run."
        ),
    }


def _markdown(sentence: str, results: dict) -> str:
    ceiling = {"scores": results["holdout_ceiling"], "privacy": None, "epochs": None}
    rows = []
    for name, system in {"real 20% hold-out (TSTR trains on the real 80%)": ceiling, **results["systems"]}.items():
        scores = system["scores"]
        spent = system["privacy"]["epsilon"] if system["privacy"] else None
        rows.append(
            [
                name,
                number(spent, 2),
                "–" if system["epochs"] is None else f"{system['epochs']:g}",
                number(scores["sdmetrics"].get("quality")),
                number(scores["sdmetrics"].get("column_shapes")),
                number(scores["sdmetrics"].get("column_pair_trends")),
                number(scores["synthdata_evaluate"].get("detection_auc")),
                number((scores["tstr"] or {}).get("accuracy")),
            ]
        )
    header = [
        "system",
        "epsilon spent",
        "epochs",
        "SDMetrics quality",
        "column shapes",
        "pair trends",
        "detection AUC",
        "TSTR accuracy",
    ]
    settings = [f"- {system}: {sentence}" for system, sentence in results["dp_settings"].items()]
    return "\n\n".join(
        [
            "# Differentially private fits",
            sentence,
            markdown_table(header, rows),
            "DP settings:\n\n" + "\n".join(settings),
            *results["notes"],
            "The machine was shared with other work during the run: fit times are in the JSON "
            "only and are not benchmarks.",
            machine_markdown(results["machine"]),
        ]
    )


if __name__ == "__main__":
    main()
