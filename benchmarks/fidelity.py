"""The fidelity table: synthdata's defaults beside MOSTLY AI, GaussianCopula and ctgan, in one run.

    .venv/bin/python benchmarks/fidelity.py --data ../shared/data/adult.csv --target income --epochs 300

Stratified 80/20 split with random_state=0; each system is fitted on the 80% in its
own child process and samples as many rows as the 80% holds. Rows of the table: the
real 20% hold-out scored as if it were synthetic (the ceiling; its TSTR trains on the
real 80%), synthdata's TabularGAN with its defaults (`--synthdata-epochs` overrides
the epochs only), MOSTLY AI's engine (TabularARGN) with its defaults, SDV's
GaussianCopulaSynthesizer, and ctgan.CTGAN with its defaults at `--epochs`;
`--systems` runs a subset. Columns: SDMetrics' QualityReport (quality, column shapes, pair trends),
synthdata's own quality as a cross-check, the 5-fold HistGradientBoosting detection
AUC, train-synthetic-test-real accuracy and F1 of the rarer class on the real 20%, and
the fit seconds. `--rules` adds a second table: for each rule synthdata's schema finds
inside the training rows, the share of rows holding it in the real hold-out and in each
system's rows (see rules_held.py). Results go to
benchmarks/results/<date>-<machine>-fidelity-<table>[-<systems>].json and .md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from data_split import load_split
from lineup import Lineup, gan_architecture
from machine import describe_machine, finish
from result_files import machine_markdown, write_results
from rules_held import found_rules, rules_markdown, rules_payload, share_holding
from scoring import fidelity_markdown, score_holdout

SYSTEM_NAMES = ("synthdata", "mostlyai", "gaussian_copula", "ctgan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV (or any file read_table reads)")
    parser.add_argument("--target", help="column to stratify the split on and to predict in TSTR")
    parser.add_argument("--epochs", type=int, default=300, help="ctgan's epochs")
    parser.add_argument("--synthdata-epochs", type=int, help="synthdata's epochs (default: its own default)")
    parser.add_argument("--mostlyai-epochs", type=int, help="the engine's max_epochs (default: its own default)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--max-rows", type=int, help="keep this many random rows (for quick trials)")
    parser.add_argument("--rules", action="store_true", help="also the share of rows holding each rule found")
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEM_NAMES),
        help=f"comma-separated subset of {', '.join(SYSTEM_NAMES)} (default: all)",
    )
    arguments = parser.parse_args()

    machine = describe_machine(arguments.device)
    split = load_split(arguments.data, target=arguments.target, max_rows=arguments.max_rows)
    synthdata_settings = {} if arguments.synthdata_epochs is None else {"epochs": arguments.synthdata_epochs}
    mostlyai_settings = {} if arguments.mostlyai_epochs is None else {"max_epochs": arguments.mostlyai_epochs}
    with tempfile.TemporaryDirectory(prefix="synthdata-fidelity-") as workdir:
        lineup = Lineup(split, device=arguments.device, workdir=Path(workdir))
        entries = {
            "synthdata": (
                "synthdata " + ("(defaults)" if synthdata_settings == {} else f"({arguments.synthdata_epochs} epochs)"),
                synthdata_settings,
            ),
            "mostlyai": (
                "MOSTLY AI engine 2.7.3 "
                + ("(defaults)" if mostlyai_settings == {} else f"({arguments.mostlyai_epochs} epochs)"),
                mostlyai_settings,
            ),
            "gaussian_copula": ("SDV GaussianCopula", {}),
            "ctgan": (f"ctgan 0.12.1, {arguments.epochs} epochs", gan_architecture(arguments.epochs)),
        }
        systems = {}
        chosen = _chosen(arguments.systems)
        rules = found_rules(split) if arguments.rules else []
        shares = {"real 20% hold-out": [share_holding(rule, split.holdout) for rule in rules]}
        for system in chosen:
            label, settings = entries[system]
            systems[label] = lineup.run(system, system, settings)
            sampled = lineup.sample_of(system)
            shares[label] = [share_holding(rule, sampled) for rule in rules]
    print("scoring the real hold-out (the ceiling)", file=sys.stderr, flush=True)
    ceiling = score_holdout(split)
    results = {
        "benchmark": "fidelity",
        "data": str(arguments.data),
        "split": split.summary(),
        "device": arguments.device,
        "machine": finish(machine),
        "real_holdout": ceiling,
        "systems": systems,
        "rules": rules_payload(rules, shares),
    }
    markdown = "\n\n".join(
        [
            f"# Fidelity on {split.name}",
            f"{split.sentence()}; each system samples as many rows as the training rows. Device {arguments.device}.",
            machine_markdown(results["machine"]),
            fidelity_markdown(ceiling, systems),
            *(
                ["Share of rows holding each rule found in the training rows:", rules_markdown(rules, shares)]
                if rules
                else []
            ),
        ]
    )
    # a subset is named after its systems, so it never overwrites a whole table of the same day
    subset = "" if set(chosen) == set(SYSTEM_NAMES) else "-" + "-".join(chosen)
    for path in write_results(f"fidelity-{split.name}{subset}", results, markdown):
        print(path)
    print(markdown)


def _chosen(names: str) -> list[str]:
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SYSTEM_NAMES))
    if unknown or not chosen:
        raise SystemExit(f"--systems takes a subset of {', '.join(SYSTEM_NAMES)}; got {names!r}")
    return chosen


if __name__ == "__main__":
    main()
