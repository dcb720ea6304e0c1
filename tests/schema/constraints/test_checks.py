"""Unique, not_null and regex."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.constraints import NotNull, Regex, Unique

RNG = np.random.default_rng(0)


def test_unique_flags_later_duplicates_and_ignores_nulls():
    df = pd.DataFrame({"a": [1, 1, 2, None, None], "b": ["x", "x", "x", "y", "y"]})
    assert Unique(columns=["a", "b"]).is_valid(df).tolist() == [True, False, True, True, True]
    assert Unique(columns="b").is_valid(df).tolist() == [True, False, False, True, False]


def test_not_null_fills_from_the_columns_own_values(patients_path):
    patients = pd.read_csv(patients_path)
    rule = NotNull(column="MARITAL").fit(patients)
    repaired = rule.repair(patients, rng=RNG)
    assert rule.is_valid(repaired).all()
    assert set(repaired["MARITAL"]) <= set(patients["MARITAL"].dropna())
    everything_missing = pd.DataFrame({"MARITAL": [None, None]})
    assert rule.repair(everything_missing, rng=RNG)["MARITAL"].tolist() == [rule.fallback_] * 2


def test_regex_matches_whole_values(patients_path):
    patients = pd.read_csv(patients_path)
    assert Regex(column="SSN", pattern=r"999-\d{2}-\d{4}").is_valid(patients).all()
    assert not Regex(column="SSN", pattern=r"\d{3}").is_valid(patients).any()
    with pytest.raises(SchemaError, match="not a valid regular expression"):
        Regex(column="SSN", pattern="(")


def test_a_regex_the_real_rows_break_fails_at_fit_naming_an_example():
    codes = pd.DataFrame({"CODE": ["X" * 100, "S12345678", None]})
    rule = Regex(column="CODE", pattern=r"S\d{8}")
    with pytest.raises(
        SchemaError, match=r"regex CODE ~ S\\d\{8\}' on 1 of 3 rows \(first rows: \[0\], such as 'X{40}\.\.\.'\)"
    ):
        rule.fit(codes)
    assert Regex(column="CODE", pattern=r"S\d{8}").fit(codes.iloc[1:]).fitted
    assert Regex(column="CODE", pattern=r"S\d{8}").fit(None).fitted
