"""Values for a modelled column from its declaration alone, when there is no data.

A schema with no table behind it still describes test data: categories with
weights, numbers from a named distribution, dates in a range. Each distribution
is drawn by its inverse CDF from row-addressed uniforms (see `row_random`), so a
row's value depends only on the seed and the row number, and `min`/`max` truncate
it exactly (the uniform is squeezed into the allowed part of the CDF) rather than
by rejection or by piling values on the bounds.

    amount:  {type: numerical, distribution: {normal: {mean: 50, std: 10}}, min: 0}
    qty:     {type: integer, distribution: {poisson: {lam: 3}}}
    status:  {type: categorical, values: {active: 0.7, churned: 0.3}}
    created: {type: datetime, min: "2020-01-01", max: "2024-12-31"}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.values import NumberView
from synthdata.schema.row_random import RowRandom

# name -> (scipy distribution builder from the declared parameters, parameter names)
DISTRIBUTIONS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "uniform": (lambda low, high: stats.uniform(loc=low, scale=high - low), ("low", "high")),
    "normal": (lambda mean, std: stats.norm(loc=mean, scale=std), ("mean", "std")),
    "lognormal": (lambda mean, sigma: stats.lognorm(s=sigma, scale=np.exp(mean)), ("mean", "sigma")),
    "poisson": (lambda lam: stats.poisson(mu=lam), ("lam",)),
    "exponential": (lambda scale: stats.expon(scale=scale), ("scale",)),
}


def declared_values(column: Column, random: RowRandom) -> pd.Series:
    """One value per row of the column, as declared, with its null share."""
    if column.type == "categorical":
        values = _categories(column, random)
    elif column.type == "boolean":
        values = _booleans(column, random)
    elif column.type == "datetime":
        values = _datetimes(column, random)
    elif column.type in ("numerical", "integer"):
        values = _numbers(column, random)
    else:
        raise SchemaError(f"Column '{column.name}' is {column.type}, which is generated, not declared-sampled.")
    if column.nullable:
        values = values.where(random.child("null").uniform() >= column.nullable, None)
    return values


def _categories(column: Column, random: RowRandom) -> pd.Series:
    if not column.values:
        raise SchemaError(
            f"Column '{column.name}' is categorical without `values:`; list them (with weights, "
            "e.g. {a: 0.7, b: 0.3}) to sample without data."
        )
    labels, weights = _labels_and_weights(column.values)
    picks = random.child("category").choice(len(labels), weights)
    return pd.Series(np.array(labels, dtype=object)[picks])


def _booleans(column: Column, random: RowRandom) -> pd.Series:
    if isinstance(column.values, Mapping):
        labels, weights = _labels_and_weights(column.values)
    else:
        labels, weights = list(column.values or [False, True]), None
    picks = random.child("boolean").choice(len(labels), weights)
    return pd.Series(np.array(labels, dtype=object)[picks]).infer_objects()


def _labels_and_weights(values: list[Any] | Mapping[Any, float]) -> tuple[list[Any], np.ndarray | None]:
    if isinstance(values, Mapping):
        weights = np.array([float(weight) for weight in values.values()])
        if (weights < 0).any() or weights.sum() <= 0:
            raise SchemaError(f"Category weights must be non-negative and not all zero: {dict(values)}.")
        return list(values.keys()), weights
    return list(values), None


def _numbers(column: Column, random: RowRandom) -> pd.Series:
    low = -np.inf if column.min is None else float(column.min)
    high = np.inf if column.max is None else float(column.max)
    numbers = _truncated(column, _distribution(column, low, high), low, high, random)
    view = NumberView(
        column.name,
        "number",
        column.dtype or ("int64" if column.type == "integer" else "float64"),
        integer=column.type == "integer",
        decimals=column.decimals,
    )
    return view.from_numbers(numbers)


def _datetimes(column: Column, random: RowRandom) -> pd.Series:
    if column.min is None or column.max is None:
        raise SchemaError(f"Datetime column '{column.name}' needs `min:` and `max:` dates to sample without data.")
    view = NumberView.learn(None, column)
    low, high = view.bound_to_number(column.min), view.bound_to_number(column.max)
    if np.isnan(low) or np.isnan(high) or high < low:
        raise SchemaError(
            f"Datetime column '{column.name}' has unreadable or reversed min/max: {column.min}, {column.max}."
        )
    numbers = low + random.child("moment").uniform() * (high - low)
    return view.from_numbers(np.clip(np.floor(numbers) if view.unit == "D" else numbers, low, high))


def _distribution(column: Column, low: float, high: float):
    declared = column.distribution
    if not declared:
        if not (np.isfinite(low) and np.isfinite(high)):
            raise SchemaError(
                f"Column '{column.name}' needs a `distribution:` (uniform, normal, lognormal, poisson, "
                "exponential) or both `min:` and `max:` to sample without data."
            )
        half = 0.5 if column.type == "integer" else 0.0  # whole numbers get equal shares after rounding
        declared = {"uniform": {"low": low - half, "high": high + half}}
    if len(declared) != 1 or next(iter(declared)) not in DISTRIBUTIONS:
        raise SchemaError(
            f"Column '{column.name}': `distribution:` must name one of {', '.join(DISTRIBUTIONS)}, got {declared}."
        )
    name, parameters = next(iter(declared.items()))
    build, expected = DISTRIBUTIONS[name]
    if set(parameters or {}) != set(expected):
        raise SchemaError(f"Column '{column.name}': the {name} distribution takes {', '.join(expected)}.")
    try:
        return build(**{key: float(value) for key, value in parameters.items()})
    except (TypeError, ValueError) as error:
        raise SchemaError(f"Column '{column.name}': bad {name} parameters {parameters}: {error}.") from None


def _truncated(column: Column, distribution, low: float, high: float, random: RowRandom) -> np.ndarray:
    """Inverse-CDF draws restricted to [low, high]: the uniform maps into [F(low), F(high)].

    A continuous distribution declared for an integer column is rounded, so each
    bound keeps the half unit around it.
    """
    discrete = _is_discrete(distribution)
    rounded = column.type == "integer" and not discrete
    reach = 0.5 if rounded else 0.0
    lowest = 0.0
    if np.isfinite(low):
        lowest = distribution.cdf(np.ceil(low) - 1 if discrete else low - reach)
    highest = distribution.cdf(high + reach) if np.isfinite(high) else 1.0
    if not highest > lowest:
        raise SchemaError(f"Column '{column.name}': its distribution puts no weight between min and max.")
    numbers = distribution.ppf(lowest + random.child("number").uniform() * (highest - lowest))
    return np.clip(np.round(numbers) if rounded else numbers, low, high)


def _is_discrete(distribution) -> bool:
    return isinstance(distribution.dist, stats.rv_discrete)
