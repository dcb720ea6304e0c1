"""Cells of categorical, numeric and date columns, and how associated two columns of cells are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.binning import NULL, Cells, association, correlation_ratio
from synthdata.schema import Column


def test_categories_keep_the_frequent_ones_and_pool_the_rest():
    values = pd.Series(["a"] * 30 + ["b"] * 20 + ["c"] * 2 + [None] * 3)
    cells = Cells.learn(values, Column("kind", "categorical"), min_rows=10)
    codes = cells.codes(pd.Series(["a", "c", "zzz", None]))
    assert list(codes) == ["kind=a", "kind=(other)", "kind=(other)", NULL]
    assert Cells.from_dict(cells.to_dict()) == cells


def test_dates_written_as_text_fall_into_quartiles():
    days = pd.Series(pd.date_range("2000-01-01", periods=400).strftime("%d/%m/%Y"))
    cells = Cells.learn(days, Column("day", "datetime", format="%d/%m/%Y"))
    codes = cells.codes(pd.Series(["01/01/2000", "31/12/2099", None]))
    assert list(codes) == ["day:1/4", "day:4/4", NULL]
    assert pd.Series(cells.codes(days)).value_counts().between(95, 105).all()


def test_a_column_that_cannot_split_the_rows_has_no_cells():
    assert Cells.learn(pd.Series([1.0] * 10), Column("x", "numerical")) is None
    assert Cells.learn(pd.Series(["x"] * 10), Column("x", "text")) is None


def test_association_and_correlation_ratio():
    rng = np.random.default_rng(0)
    first = rng.choice(["a", "b", "c"], 5000)
    assert association(first, first) > 0.99
    assert association(first, rng.choice(["x", "y"], 5000)) < 0.05
    numbers = np.where(first == "a", 10.0, 0.0) + rng.normal(0, 1, 5000)
    assert correlation_ratio(first, numbers) > 0.9
    assert correlation_ratio(first, rng.normal(0, 1, 5000)) < 0.05
