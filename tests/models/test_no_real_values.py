"""No real value of a column where nearly every row has its own ends up in a model file or a sample.

Each hostile table holds one such column beside a plain number: huge integers, dates
written in three formats, unique strings with spaces, floats with more digits than a
float holds. Whatever kind inference gives them, their values must be generated
afresh (ids) or learned (dates), never stored as a category list and sampled back.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from synthdata import TabularGAN

ROWS = 120
DAYS = pd.date_range("2001-01-01", periods=ROWS, freq="5D")
FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
HOSTILE = {
    "huge integers": ([str(2**70 + i) for i in range(ROWS)], "id"),
    "huge integers as objects": (pd.Series([2**70 + i for i in range(ROWS)], dtype=object), "id"),
    "dates in three formats": ([day.strftime(FORMATS[i % 3]) for i, day in enumerate(DAYS)], "datetime"),
    "unique strings": ([f"{chr(97 + i % 26)}-{i} x{'Q' * (i % 3)}" for i in range(ROWS)], "id"),
    "unique floats as text": ([f"0.{i:020d}7" for i in range(ROWS)], "id"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_unique_real_values_stay_out_of_the_model_file_and_the_samples(name, tmp_path):
    values, kind = HOSTILE[name]
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=ROWS), "hostile": values})
    model = TabularGAN(epochs=1, batch_size=60, embedding_dim=8, generator_dims=(16,), critic_dims=(16,), verbose=False)
    model.fit(frame)
    assert model.schema_.columns["hostile"].type == kind
    real = {str(value) for value in frame["hostile"]}
    if kind == "datetime":
        # A learned column keeps its range: the first and last dates are the bounds.
        real -= {str(frame["hostile"].iloc[0]), str(frame["hostile"].iloc[-1])}
    path = tmp_path / "model.synth"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        stored = b"".join(archive.read(entry) for entry in archive.namelist()).decode("latin-1")
    assert not [value for value in real if value in stored]
    if kind == "id":
        assert not real & {str(value) for value in model.sample(500)["hostile"]}
