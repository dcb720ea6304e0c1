"""Writes the pinned rows that tests/models/test_pinned_rows.py compares against. Run
from the repository root, at the commit the fixtures are meant to pin (their README
names it):

    .venv/bin/python -m tests.models.pinned_fits

It writes the fitted rows for the CPU it runs on (see `fitted_folder`). The format-1
model file is read, never written: only a commit of format 1 could write it, and its
rows are sampled from the file as it is.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import torch

from synthdata import TabularGAN

FOLDER = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[2]
ADULT = ROOT.parent / "shared" / "data" / "adult.csv"
ADULT_ROWS = 1000
SAMPLED_ROWS = 400
# The kernels torch dispatches on a CPU (AVX2, AVX-512) sum floats in different orders,
# and a fit's rounding moves every weight after the first steps, so the rows of a seeded
# fit are pinned once per CPU capability. Sampling a saved file does not train and
# samples the same rows on both (the format-1 file's rows are shared).
CAPABILITY = torch.backends.cpu.get_cpu_capability().lower()

# (name, table, fit options, sample calls): every stage is fitted on the Adult slice
# (1,000 rows, past the classifiers' 500-row minimum); the 300 medication rows fit
# the calibration alone.
FITS = {
    "adult": {"epochs": 3, "batch_size": 200, "seed": 3},
    "medications": {"epochs": 4, "batch_size": 100, "seed": 5},
    # saved as the format-1 file: small networks keep it small, all stages fitted
    "adult-file": {
        "epochs": 2,
        "batch_size": 200,
        "seed": 7,
        "embedding_dim": 16,
        "generator_dims": (32,),
        "critic_dims": (32,),
    },
}
SAMPLES = {
    "adult": {"plain": {}, "condition": {"conditions": {"sex": " Female"}}, "range": {"conditions": ["age>=40"]}},
    "medications": {"plain": {}, "seed": {"seed": 11}},
    "adult-file": {"plain": {}, "condition": {"conditions": {"sex": " Female"}}},
}


def tables() -> dict[str, pd.DataFrame]:
    adult = pd.read_csv(ADULT, nrows=ADULT_ROWS)
    return {
        "adult": adult,
        "adult-file": adult,
        "medications": pd.read_csv(ROOT / "tests" / "fixtures" / "medication_costs.csv"),
    }


def fitted_folder(capability: str = CAPABILITY) -> Path:
    """Where the rows of the seeded fits are pinned for CPUs of `capability`."""
    return FOLDER / f"fitted-{capability}"


def pinned_path(name: str, label: str) -> Path:
    """The file pinning sample call `label` of fit `name` on this CPU."""
    folder = FOLDER if name == "adult-file" else fitted_folder()
    return folder / f"pinned-{name}-{label}.csv"


def main() -> None:
    torch.set_num_threads(1)
    fitted_folder().mkdir(exist_ok=True)
    for name, table in tables().items():
        if name == "adult-file":
            model = TabularGAN.load(FOLDER / "format1-adult.synth", device="cpu")
        else:
            model = TabularGAN(verbose=False, **FITS[name]).fit(table)
        for label, options in SAMPLES[name].items():
            model.sample(SAMPLED_ROWS, **options).to_csv(pinned_path(name, label), index=False)


if __name__ == "__main__":
    main()
