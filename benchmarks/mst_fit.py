"""Fit smartnoise-synth's MST on a CSV and sample from it: `python benchmarks/mst_fit.py SPEC.json`.

smartnoise-synth pins an opacus that synthdata's environment cannot share, so dp.py
runs this script with the interpreter of an environment of its own; it imports
nothing from the benchmarks or from synthdata. The spec names the training CSV,
which columns are categories (their values are the public domain, as MST users
give it) and which are continuous (binned, with bounds found by snsynth's
preprocessor out of its own share of epsilon), the epsilon and delta, and where the
sampled CSV and the result (the epsilon spent and the fit's seconds) go.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from snsynth import Synthesizer
from snsynth.transform import BinTransformer, LabelTransformer
from snsynth.transform.table import TableTransformer


def transformer(train: pd.DataFrame, spec: dict) -> TableTransformer:
    """Categories as labels, continuous columns in `bins` bins; a null flag only where the column has nulls."""
    columns = []
    for name in train.columns:
        nullable = bool(train[name].isna().any())
        if name in spec["continuous"]:
            columns.append(BinTransformer(bins=spec["bins"], nullable=nullable))
        else:
            columns.append(LabelTransformer(nullable=nullable))
    return TableTransformer(columns)


def run(spec: dict) -> dict:
    """Fit MST as `spec` says, write `rows` sampled rows to spec['sample_path'] and say what was spent."""
    train = pd.read_csv(spec["train_path"])
    table = transformer(train, spec)
    synthesizer = Synthesizer.create("mst", epsilon=spec["epsilon"], delta=spec["delta"])
    started = time.perf_counter()
    synthesizer.fit(train, transformer=table, preprocessor_eps=spec["preprocessor_epsilon"])
    fit_seconds = time.perf_counter() - started
    sampled = pd.DataFrame(synthesizer.sample(spec["rows"]), columns=train.columns)
    sampled.to_csv(spec["sample_path"], index=False)
    preprocessor_spent = table.odometer.spent[0]
    return {
        "fit_seconds": fit_seconds,
        "privacy": {
            "epsilon": preprocessor_spent + synthesizer.epsilon,
            "delta": spec["delta"],
            "preprocessor_epsilon": preprocessor_spent,
        },
        "smartnoise_synth": version("smartnoise-synth"),
    }


if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text())
    Path(spec["result_path"]).write_text(json.dumps(run(spec)))
