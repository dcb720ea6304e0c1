"""Values from declarations: distributions, truncation, categories, dates."""

from __future__ import annotations

import numpy as np
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.declared import declared_values
from synthdata.schema.row_random import RowRandom

N = 20_000


def draw(column: Column, seed: int = 0):
    return declared_values(column, RowRandom.for_rows(seed, N))


def test_normal_truncated_exactly_at_min():
    values = draw(Column("x", "numerical", distribution={"normal": {"mean": 1, "std": 2}}, min=0, decimals=2))
    assert values.min() >= 0 and (values == values.round(2)).all()
    assert (values < 0.1).mean() < 0.05  # no pile-up on the bound


def test_integers_from_discrete_and_continuous_distributions():
    poisson = draw(Column("q", "integer", distribution={"poisson": {"lam": 3}}, min=1, max=6))
    assert set(poisson) == {1, 2, 3, 4, 5, 6} and poisson.mean() == pytest.approx(2.99, abs=0.05)
    uniform = draw(Column("u", "integer", min=1, max=3))
    assert np.allclose(uniform.value_counts(normalize=True).sort_index(), [1 / 3] * 3, atol=0.02)
    assert str(uniform.dtype) == "int64"


@pytest.mark.parametrize(
    ("distribution", "mean"),
    [
        ({"lognormal": {"mean": 0, "sigma": 0.5}}, np.exp(0.125)),
        ({"exponential": {"scale": 2}}, 2.0),
        ({"uniform": {"low": 2, "high": 4}}, 3.0),
    ],
)
def test_other_distributions(distribution, mean):
    assert draw(Column("x", "numerical", distribution=distribution)).mean() == pytest.approx(mean, rel=0.05)


def test_categories_booleans_nulls_and_dates():
    categories = draw(Column("s", "categorical", values={"a": 0.8, "b": 0.2}, nullable=0.25))
    assert categories.isna().mean() == pytest.approx(0.25, abs=0.02)
    assert (categories == "a").sum() / categories.notna().sum() == pytest.approx(0.8, abs=0.02)
    assert set(draw(Column("b", "boolean"))) == {True, False}
    dates = draw(Column("d", "datetime", format="%d/%m/%Y", min="2020-01-01", max="2020-12-31"))
    assert dates.str.fullmatch(r"\d{2}/\d{2}/2020").all()


def test_declarations_that_cannot_be_sampled():
    with pytest.raises(SchemaError, match="values"):
        draw(Column("s", "categorical"))
    with pytest.raises(SchemaError, match="distribution"):
        draw(Column("x", "numerical"))
    with pytest.raises(SchemaError, match="takes mean, std"):
        draw(Column("x", "numerical", distribution={"normal": {"mu": 1}}))
    with pytest.raises(SchemaError, match="min"):
        draw(Column("d", "datetime"))
