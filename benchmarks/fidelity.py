"""The fidelity table: synthdata with its default settings beside GaussianCopula and ctgan, in one run.

    .venv/bin/python benchmarks/fidelity.py --data ../shared/data/adult.csv --target income --epochs 300

Stratified 80/20 split with random_state=0; each system is fitted on the 80% in its
own child process and samples as many rows as the 80% holds. Rows of the table: the
real 20% hold-out scored as if it were synthetic (the ceiling; its TSTR trains on the
real 80%), synthdata's TabularGAN with its defaults (`--synthdata-epochs` overrides
the epochs only), SDV's GaussianCopulaSynthesizer, and ctgan.CTGAN with its defaults
at `--epochs`. Columns: SDMetrics' QualityReport (quality, column shapes, pair trends),
synthdata's own quality as a cross-check, the 5-fold HistGradientBoosting detection
AUC, train-synthetic-test-real accuracy and F1 of the rarer class on the real 20%, and
the fit seconds. Results go to benchmarks/results/<date>-<machine>-fidelity-<table>.json and .md.
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
from scoring import fidelity_markdown, score_holdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV (or any file read_table reads)")
    parser.add_argument("--target", help="column to stratify the split on and to predict in TSTR")
    parser.add_argument("--epochs", type=int, default=300, help="ctgan's epochs")
    parser.add_argument("--synthdata-epochs", type=int, help="synthdata's epochs (default: its own default)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--max-rows", type=int, help="keep this many random rows (for quick trials)")
    arguments = parser.parse_args()

    machine = describe_machine(arguments.device)
    split = load_split(arguments.data, target=arguments.target, max_rows=arguments.max_rows)
    synthdata_settings = {} if arguments.synthdata_epochs is None else {"epochs": arguments.synthdata_epochs}
    with tempfile.TemporaryDirectory(prefix="synthdata-fidelity-") as workdir:
        lineup = Lineup(split, device=arguments.device, workdir=Path(workdir))
        systems = {
            "synthdata (defaults)": lineup.run("synthdata", "synthdata", synthdata_settings),
            "SDV GaussianCopula": lineup.run("gaussian_copula", "gaussian_copula", {}),
            f"ctgan 0.12.1, {arguments.epochs} epochs": lineup.run(
                "ctgan", "ctgan", gan_architecture(arguments.epochs)
            ),
        }
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
    }
    markdown = "\n\n".join([
        f"# Fidelity on {split.name}",
        f"{split.sentence()}; each system samples as many rows as the training rows. Device {arguments.device}.",
        machine_markdown(results["machine"]),
        fidelity_markdown(ceiling, systems),
    ])
    for path in write_results(f"fidelity-{split.name}", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
