"""synthdata's TabularGAN against ctgan.CTGAN and SDV's GaussianCopula: same data, same machine, same run.

    .venv/bin/python benchmarks/compare.py --data ../shared/data/adult.csv --target income --epochs 300
    .venv/bin/python benchmarks/compare.py --data ../shared/data/synthea/ma_1462/patients.csv --epochs 300

Every system gets the same stratified 80/20 split (random_state=0). TabularGAN and
CTGAN get the same epochs, batch size (500), pac (10), embedding (128) and network
sizes ((256, 256) each); each system is fitted in its own child process, so its peak
memory is its own. Per system: transformer fit + transform seconds, seconds per
epoch, fit seconds, seconds to sample 10k / 100k (/ 1M with --rows-1m) rows, peak
RSS, and the fidelity of as many rows as the training split by synthdata's evaluate,
SDMetrics' QualityReport and a train-synthetic-test-real on the real 20%. Two
synthdata rows: at the same epochs as ctgan, and at the same wall time (a time budget
of ctgan's fit time, see `equal_time_settings`). Speed ratios are ctgan / synthdata,
so above 1 means synthdata is faster. Results go to
benchmarks/results/<date>-<machine>-compare-<table>.json and .md.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

from data_split import Split, load_split
from lineup import Lineup, gan_architecture
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from scoring import fidelity_markdown, score_holdout

SAMPLE_SIZES = (10_000, 100_000)
MILLION = 1_000_000
# The targets of the speed work, as ctgan / synthdata ratios measured in the same run.
TARGET_RATIOS = {"transformer_seconds": 10.0, "seconds_per_epoch": 2.0, "sample_100000_seconds": 3.0}
# Each speed figure: its column in the table and the decimals it is shown with.
SPEED_FIGURES = {
    "transformer_seconds": ("transformer s", 2),
    "seconds_per_epoch": ("s/epoch", 3),
    "fit_seconds": ("fit s", 1),
    "sample_10000_seconds": ("sample 10k s", 2),
    "sample_100000_seconds": ("sample 100k s", 2),
    "sample_1000000_seconds": ("sample 1M s", 2),
    "peak_rss_after_fit_mb": ("peak RSS after fit MB", 0),
    "peak_rss_mb": ("peak RSS MB", 0),
}


def equal_time_settings(shared: dict, synthdata: dict, ctgan: dict) -> dict:
    """synthdata's settings for a fit as long as ctgan's.

    The budget is ctgan's fit seconds less what synthdata spends outside its epochs
    (measured in the equal-epochs fit), so the whole fit lasts as long as ctgan's. The
    epoch count is what the budget holds at the measured epoch time, not a huge number:
    the learning rate is scheduled over the epochs, so an epoch count the budget cuts
    short would train with a schedule that never decays.
    """
    overhead = synthdata["fit_seconds"] - sum(synthdata["epoch_seconds"])
    budget = max(ctgan["fit_seconds"] - overhead, 1.0)
    epochs = max(math.floor(budget / synthdata["seconds_per_epoch"]), 1)
    return {**shared, "epochs": epochs, "max_time": round(budget, 1)}


def speed_figures(result: dict) -> dict:
    figures = {key: result.get(key) for key in SPEED_FIGURES}
    for rows, seconds in result["sample_seconds"].items():
        figures[f"sample_{rows}_seconds"] = seconds
    return figures


def ratios(ctgan: dict, synthdata: dict) -> dict:
    """ctgan / synthdata for each speed figure both have (memory too: above 1, synthdata uses less)."""
    return {
        key: ctgan[key] / synthdata[key] for key in SPEED_FIGURES if ctgan.get(key) is not None and synthdata.get(key)
    }


def speed_markdown(systems: dict[str, dict], ratio: dict) -> str:
    header = ["system", "epochs", *(column for column, _ in SPEED_FIGURES.values())]
    rows = [
        [label, str(result["epochs_run"] or "–")]
        + [number(result["speed"][key], digits) for key, (_, digits) in SPEED_FIGURES.items()]
        for label, result in systems.items()
    ]
    rows.append(["**ctgan / synthdata**", ""] + [number(ratio.get(key), 1) for key in SPEED_FIGURES])
    return markdown_table(header, rows)


def targets_markdown(ratio: dict, synthdata: dict) -> str:
    lines = [
        f"- {key.replace('_', ' ')}: ctgan / synthdata = {number(ratio.get(key), 1)}x "
        f"(target >= {target:g}x) {'met' if ratio.get(key, 0) >= target else 'MISSED'}"
        for key, target in TARGET_RATIOS.items()
    ]
    for key in ("peak_rss_after_fit_mb", "peak_rss_mb"):
        if key in ratio:
            met = "met" if ratio[key] >= 1.0 else "MISSED"
            lines.append(
                f"- {SPEED_FIGURES[key][0]} no higher than ctgan's: {met} (ctgan / synthdata = {number(ratio[key], 2)})"
            )
    million = synthdata["speed"].get("sample_1000000_seconds")
    if million is not None:
        lines.append(
            f"- sample 1,000,000 rows in under 5 s: {number(million, 2)} s {'met' if million < 5 else 'MISSED'}"
        )
    return "\n".join(lines)


def speed_notes(split: Split) -> str:
    """What the speed columns measure, and what differs between the systems' outputs."""
    notes = (
        "transformer s: the data transformer alone (fit + transform of the training rows), timed before "
        "the fit; s/epoch: mean over the epochs run; fit s: the whole fit, transformer included; "
        "peak RSS: the child process's high-water mark after the fit, and over the whole child "
        "(timed sampling included)."
    )
    generated = [name for name in split.train.columns if name not in split.modelled_columns]
    if generated:
        notes += (
            f" synthdata's rows also carry the {len(generated)} generated columns ({', '.join(generated)}: "
            "ids and Faker values) that ctgan and GaussianCopula are not given; its sampling times include them."
        )
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="CSV (or any file read_table reads)")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--target", help="column to stratify the split on and to predict in TSTR")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rows-1m", action="store_true", help="also time sampling 1,000,000 rows")
    parser.add_argument("--max-rows", type=int, help="keep this many random rows (for quick trials)")
    arguments = parser.parse_args()

    machine = describe_machine(arguments.device)
    split = load_split(arguments.data, target=arguments.target, max_rows=arguments.max_rows)
    shared = gan_architecture(arguments.epochs)
    timed = [*SAMPLE_SIZES, *([MILLION] if arguments.rows_1m else [])]
    systems: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="synthdata-compare-") as workdir:
        lineup = Lineup(split, device=arguments.device, workdir=Path(workdir))
        systems["synthdata (equal epochs)"] = lineup.run("synthdata", "synthdata", shared, timed_sample_rows=timed)
        systems["ctgan"] = lineup.run("ctgan", "ctgan", shared, timed_sample_rows=timed)
        systems["SDV GaussianCopula"] = lineup.run("gaussian_copula", "gaussian_copula", {}, timed_sample_rows=timed)
        equal_time = equal_time_settings(shared, systems["synthdata (equal epochs)"], systems["ctgan"])
        systems["synthdata (equal wall time)"] = lineup.run("synthdata_equal_time", "synthdata", equal_time)
    print("scoring the real hold-out (the ceiling)", file=sys.stderr, flush=True)
    ceiling = score_holdout(split)
    for result in systems.values():
        result["speed"] = speed_figures(result)
    ratio = ratios(systems["ctgan"]["speed"], systems["synthdata (equal epochs)"]["speed"])

    results = {
        "benchmark": "compare",
        "data": str(arguments.data),
        "split": split.summary(),
        "settings": {"shared": shared, "device": arguments.device, "timed_sample_rows": timed},
        "machine": finish(machine),
        "systems": systems,
        "real_holdout": ceiling,
        "ratios_ctgan_over_synthdata": ratio,
    }
    markdown = "\n\n".join(
        [
            f"# synthdata, ctgan and SDV GaussianCopula on {split.name}",
            f"{split.sentence()}; {arguments.epochs} epochs, batch 500, "
            f"pac 10, (256, 256) networks for both GANs; device {arguments.device}. synthdata at equal wall time: "
            f"{equal_time['epochs']} epochs within a {equal_time['max_time']} s budget.",
            machine_markdown(results["machine"]),
            "## Speed (ratios: ctgan / synthdata at equal epochs; above 1, synthdata is faster)",
            speed_markdown(systems, ratio),
            targets_markdown(ratio, systems["synthdata (equal epochs)"]),
            speed_notes(split),
            f"## Fidelity ({len(split.train):,} synthetic rows against the training rows; TSTR on the real hold-out)",
            fidelity_markdown(ceiling, systems),
            "Load average (1 min) before / after each fit: "
            + "; ".join(
                f"{label} {r['load_average_before'][0]} / {r['load_average_after'][0]}" for label, r in systems.items()
            ),
        ]
    )
    for path in write_results(f"compare-{split.name}", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
