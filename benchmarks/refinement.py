"""What the two steps after the generator give: one fitted model, sampled with and
without rejection by the realness classifier and the redraw of categories.

    .venv/bin/python benchmarks/refinement.py --data ../shared/data/adult.csv --target income [--epochs N]

Same split as the fidelity table (stratified 80/20, random_state=0). One TabularGAN
with its defaults is fitted on the 80%; the generator, calibration, classifier and
conditionals are then the same for the four rows of the table, which differ only in
which stages sampling runs (`sample(stages=...)`; every row is calibrated: without
"reject" every drawn row is kept, with the scalar maps fitted for the kept rows;
without "redraw" the categories stay as drawn; the redraw's offsets are fitted for the
rows rejection keeps, so "redraw only" draws with offsets meant for other rows). Every
sample is as large as the training rows and scored as in fidelity.py. Results go to
benchmarks/results/<date>-<machine>-refinement-<table>.json and .md.
"""

from __future__ import annotations

import argparse
import time

from data_split import load_split
from machine import describe_machine, finish
from result_files import machine_markdown, write_results
from scoring import fidelity_markdown, score_holdout, score_synthetic

from synthdata import TabularGAN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV (or any file read_table reads)")
    parser.add_argument("--target", help="column to stratify the split on and to predict in TSTR")
    parser.add_argument("--epochs", type=int, help="training epochs [default: TabularGAN's]")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    arguments = parser.parse_args()

    machine = describe_machine(arguments.device)
    split = load_split(arguments.data, target=arguments.target)
    started = time.perf_counter()
    model = TabularGAN(epochs=arguments.epochs, device=arguments.device, verbose=False)
    model.fit(split.train, schema=split.schema)
    fit_seconds = time.perf_counter() - started
    steps = {
        "the generator's rows": ("calibrate",),
        "rejection only": ("calibrate", "reject"),
        "redraw only": ("calibrate", "redraw"),
        "rejection, then redraw (the default)": ("calibrate", "reject", "redraw"),
    }
    systems = {}
    for label, stages in steps.items():
        started = time.perf_counter()
        rows = model.sample(len(split.train), stages=stages)
        systems[label] = {
            "fit_seconds": fit_seconds,
            "sample_seconds": time.perf_counter() - started,
            "scores": score_synthetic(split, rows),
        }
    reject = model.pipeline_.stage("reject")
    kept_share = reject.kept_share if reject is not None else None
    results = {
        "benchmark": "refinement",
        "data": str(arguments.data),
        "split": split.summary(),
        "epochs": model.epochs_,
        "kept_share": kept_share,
        "machine": finish(machine),
        "real_holdout": score_holdout(split),
        "systems": systems,
    }
    sampling = ", ".join(f"{label} {result['sample_seconds']:.2f} s" for label, result in systems.items())
    markdown = "\n\n".join(
        [
            f"# Rejection by the realness classifier and the redraw of categories on {split.name}",
            f"{split.sentence()}; one TabularGAN with its defaults at {model.epochs_} epochs, sampled "
            f"with and without each step ({len(split.train):,} rows each; share of drawn rows kept: "
            f"{kept_share if kept_share is None else f'{kept_share:.3f}'}; sampling time: {sampling}).",
            machine_markdown(results["machine"]),
            fidelity_markdown(results["real_holdout"], systems),
        ]
    )
    for path in write_results(f"refinement-{split.name}", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
