"""Derived columns: dropped before learning, computed after sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints import Formula

RNG = np.random.default_rng(0)
ORDERS = pd.DataFrame({"PRICE": [9.99, 5.25, 100.0], "QTY": [3, 2, 1], "TOTAL": [29.97, 10.5, 100.0]})
DECLARED = {"TOTAL": Column("TOTAL", "numerical", decimals=2, dtype="float64")}


def test_total_is_dropped_and_recomputed_rounded():
    rule = Formula(column="TOTAL", expression="PRICE * QTY").fit(ORDERS, columns=DECLARED)
    reshaped = rule.transform(ORDERS)
    assert "TOTAL" not in reshaped
    sampled = reshaped.assign(PRICE=[1.115, 2.0, 3.333])
    restored = rule.reverse_transform(sampled, rng=RNG)
    assert restored["TOTAL"].tolist() == [3.35, 4.0, 3.33] or restored["TOTAL"].tolist() == [3.34, 4.0, 3.33]
    assert rule.is_valid(restored).all()


def test_data_that_breaks_the_formula_is_refused():
    wrong = ORDERS.assign(TOTAL=[29.97, 11.0, 100.0])
    with pytest.raises(SchemaError, match=r"1 rows \(first rows: \[1\]\)"):
        Formula(column="TOTAL", expression="PRICE * QTY").fit(wrong, columns=DECLARED)
    with pytest.raises(SchemaError, match="itself"):
        Formula(column="TOTAL", expression="TOTAL * 2")


def test_integer_results_stay_integers():
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [4, 6]})
    rule = Formula(column="c", expression="a + b").fit(df)
    restored = rule.reverse_transform(rule.transform(df), rng=RNG)
    pd.testing.assert_frame_equal(restored, df)
