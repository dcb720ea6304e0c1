"""Range, positive and negative: clipping that keeps point masses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints import Negative, Positive, Range

RNG = np.random.default_rng(0)


def test_range_clips_sampled_numbers_and_tightens_the_declaration(patients_path):
    patients = pd.read_csv(patients_path)
    rule = Range(column="LAT", min=-90, max=41.0).fit(patients)
    assert rule.is_valid(patients).mean() < 1.0
    repaired = rule.repair(patients, rng=RNG)
    assert repaired["LAT"].max() == 41.0 and rule.is_valid(repaired).all()
    declared = Column("LAT", "numerical", min=40.3, max=42.7)
    assert rule.transformed_columns([declared])[0].max == 41.0


def test_strict_bounds_step_inside_by_the_columns_precision():
    df = pd.DataFrame({"x": [0.0, 0.5, 2.0]})
    rule = Positive(column="x", strict=True).fit(df, columns={"x": Column("x", "numerical", decimals=2)})
    assert rule.is_valid(df).tolist() == [False, True, True]
    assert rule.repair(df, rng=RNG)["x"].tolist() == [0.01, 0.5, 2.0]
    ints = pd.DataFrame({"n": [-3, 0, 4]})
    assert Negative(column="n", strict=True).fit(ints).repair(ints, rng=RNG)["n"].tolist() == [-3, -1, -1]


def test_date_ranges_and_nulls():
    df = pd.DataFrame({"d": ["1890-05-01", None, "2000-02-29"]})
    rule = Range(column="d", min="1900-01-01").fit(df)
    assert rule.is_valid(df).tolist() == [False, True, True]
    assert rule.repair(df, rng=RNG)["d"].tolist() == ["1900-01-01", None, "2000-02-29"]


def test_a_range_needs_a_bound_and_numbers():
    with pytest.raises(SchemaError, match="min"):
        Range(column="x")
    with pytest.raises(SchemaError, match="categorical"):
        Range(column="g", min=0).fit(pd.DataFrame({"g": ["a", "b", "a"]}))
    assert Positive(column="x").to_dict() == {"type": "positive", "column": "x"}
