"""What rejection's cap costs and gives now that categories are redrawn after it.

    .venv/bin/python benchmarks/reject_cap.py --data ../shared/data/adult.csv --target income [--caps 0.95 0.8 0.5]

The realness classifier keeps a drawn row with probability `min(1, ratio / cap)`,
the cap a quantile of the drawn rows' ratios (synthdata.models.reject.STAGE_CAPS):
a higher quantile follows the ratio further and keeps fewer rows, and every row it
drops is a generator pass sampling pays for. One TabularGAN is fitted on the 80%
(same split as fidelity.py); for each cap the three stages are fitted again on its
generator, in order, as `fit` fits them, and the model samples as many rows as the
training rows (scored as in fidelity.py) and 100,000 rows (timed). "no rejection"
fits calibration and the redraw alone. Results go to
benchmarks/results/<date>-<machine>-reject-cap-<table>.json and .md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from data_split import load_split
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from scoring import fidelity_markdown, score_holdout, score_synthetic

from synthdata import TabularGAN
from synthdata.models.calibrate import Calibrate
from synthdata.models.pipeline import SamplingPipeline
from synthdata.models.redraw import Redraw
from synthdata.models.reject import Reject

TIMED_ROWS = 100_000


def refitted(model: TabularGAN, encoded, cap: float | None) -> SamplingPipeline:
    """The model's generator with its stages fitted again, rejection capped at `cap` (None: no rejection)."""
    transformer, device = model.transformer_, model.device_
    pipeline = SamplingPipeline(model.generator_, transformer, model.category_counts_, model.embedding_dim, device)
    stages = [Calibrate(transformer, device), Redraw(transformer, device)]
    if cap is not None:
        stages.insert(1, Reject(transformer, device, caps=(cap,)))
    for stage in stages:
        pipeline.fit(stage, encoded, model.seed)
    return pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--target")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--caps", type=float, nargs="+", default=[0.95, 0.9, 0.8, 0.6])
    arguments = parser.parse_args()

    machine = describe_machine("cpu")
    split = load_split(arguments.data, target=arguments.target)
    started = time.perf_counter()
    model = TabularGAN(epochs=arguments.epochs, device="cpu", verbose=False).fit(split.train, schema=split.schema)
    fit_seconds = time.perf_counter() - started
    encoded = model.transformer_.transform(model.schema_.transform(split.train), rng=np.random.default_rng(0))
    systems, timing = {}, []
    for cap in [*arguments.caps, None]:
        label = f"cap at the {cap:.2f} quantile" if cap is not None else "no rejection"
        started = time.perf_counter()
        model.pipeline_ = refitted(model, encoded, cap)
        stage_seconds = time.perf_counter() - started
        reject = model.pipeline_.stage("reject")
        kept = reject.kept_share if isinstance(reject, Reject) else 1.0
        started = time.perf_counter()
        model.sample(TIMED_ROWS)
        sample_seconds = time.perf_counter() - started
        rows = model.sample(len(split.train), seed=1)
        systems[label] = {"fit_seconds": None, "scores": score_synthetic(split, rows)}
        timing.append([label, number(kept), number(stage_seconds, 1), number(sample_seconds, 2)])
    results = {
        "benchmark": "reject-cap",
        "split": split.summary(),
        "epochs": model.epochs_,
        "generator_fit_seconds": fit_seconds,
        "machine": finish(machine),
        "real_holdout": score_holdout(split),
        "systems": systems,
        "timing": timing,
    }
    markdown = "\n\n".join(
        [
            f"# Rejection's cap, with the redraw after it, on {split.name}",
            f"{split.sentence()}; one TabularGAN at {model.epochs_} epochs (fit with its stages: "
            f"{fit_seconds:.1f} s); the stages fitted again for each cap on the same generator.",
            machine_markdown(results["machine"]),
            markdown_table(
                ["rejection", "share of drawn rows kept", "stages' fit s", f"sample {TIMED_ROWS:,} s"], timing
            ),
            fidelity_markdown(results["real_holdout"], systems),
        ]
    )
    for path in write_results(f"reject-cap-{split.name}", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
