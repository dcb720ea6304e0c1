"""Which metric family each column belongs to, and the tidy view of a table the metrics read.

The schema says what a column *is*; the metrics need only the four families SDMetrics
knows: numbers and dates are compared as distributions on a line, categories and
booleans as frequencies. Generated kinds (ids, Faker values, free text, constants,
references) carry no learned statistics and are left out, as SDMetrics leaves out its
id and PII columns. Preparing a table once (numbers as float64, dates as datetime64)
keeps every metric free of parsing and of the dtype quirks of each source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError, SynthDataError
from synthdata.schema import Column, Schema

MetricKind = Literal["numerical", "datetime", "categorical", "boolean"]
CONTINUOUS_KINDS: frozenset[str] = frozenset({"numerical", "datetime"})

_KIND_OF_TYPE: dict[str, MetricKind] = {
    "numerical": "numerical",
    "integer": "numerical",
    "datetime": "datetime",
    "categorical": "categorical",
    "boolean": "boolean",
}


def evaluated_columns(real: pd.DataFrame, schema: Schema | None) -> dict[str, Column]:
    """The schema's columns that the metrics compare, in table order.

    Without a schema the kinds are inferred from the real table, so that a synthetic
    table with odd dtypes cannot change what is measured.
    """
    columns = (schema if schema is not None else Schema.infer(real)).columns
    chosen = {name: column for name, column in columns.items() if column.type in _KIND_OF_TYPE}
    if not chosen:
        raise SchemaError(
            "No column to evaluate: every column is an id, Faker, text, constant or reference "
            "column. Declare the statistical columns in the schema (numerical, integer, "
            "categorical, boolean or datetime)."
        )
    return chosen


def metric_kinds(columns: Mapping[str, Column]) -> dict[str, MetricKind]:
    """Each evaluated column's metric family."""
    return {name: _KIND_OF_TYPE[column.type] for name, column in columns.items()}


def prepare_table(frame: pd.DataFrame, columns: Mapping[str, Column], *, role: str) -> pd.DataFrame:
    """The evaluated columns with numbers as float64 (infinities as nulls) and dates as naive datetime64[ns].

    `role` names the table ("real", "synthetic", "holdout") in error messages.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SynthDataError(f"The {role} table must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise SynthDataError(
            f"The {role} table lacks column(s) {', '.join(map(repr, missing))}; "
            "evaluate tables with the same columns, or pass a schema that leaves them out."
        )
    repeated = sorted({name for name in frame.columns[frame.columns.duplicated()] if name in columns})
    if repeated:
        raise SynthDataError(
            f"The {role} table has more than one column named {', '.join(map(repr, repeated))}; "
            "rename or drop the copies."
        )
    if len(frame) == 0:
        raise SynthDataError(f"The {role} table has no rows; there is nothing to compare.")
    prepared = {}
    for name, column in columns.items():
        kind = _KIND_OF_TYPE[column.type]
        series = frame[name].reset_index(drop=True)
        if kind == "numerical":
            prepared[name] = _as_numbers(series, role)
        elif kind == "datetime":
            prepared[name] = _as_datetimes(series, column.format, role)
        else:
            prepared[name] = series.astype(object).where(series.notna(), np.nan)
    return pd.DataFrame(prepared, index=pd.RangeIndex(len(frame)))


def as_float(series: pd.Series) -> np.ndarray:
    """A prepared continuous column as float64, dates as nanoseconds, nulls as NaN."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.to_numpy(dtype="int64", na_value=0).astype(np.float64)
        values[series.isna().to_numpy()] = np.nan
        return values
    return series.to_numpy(dtype=np.float64)


def _as_numbers(series: pd.Series, role: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("float64")
    try:
        numbers = pd.to_numeric(series, errors="raise")
    except (ValueError, TypeError) as error:
        raise SynthDataError(
            f"Column '{series.name}' of the {role} table should hold numbers but has "
            f"non-numeric values ({error}); fix the data or declare the column's type in the schema."
        ) from None
    # An infinity has no place on a histogram or in a range; it counts as a null.
    return numbers.astype("float64").replace([np.inf, -np.inf], np.nan)


def _as_datetimes(series: pd.Series, date_format: str | None, role: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = series
    else:
        try:
            dates = pd.to_datetime(series, format=date_format or "mixed", errors="raise")
        except (ValueError, TypeError) as error:
            hint = f"format '{date_format}'" if date_format else "a recognisable date format"
            raise SynthDataError(
                f"Column '{series.name}' of the {role} table has values that are not dates in "
                f"{hint} ({error}); fix the data or declare `format:` in the schema."
            ) from None
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates.astype("datetime64[ns]")
