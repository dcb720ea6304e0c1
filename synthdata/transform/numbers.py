"""Numbers and datetimes as floats, and back in the column's own form.

The model sees every numeric or datetime column as float64 (datetimes as seconds
since the epoch). Coming back, values are clipped to the real range, rounded to the
real number of decimal places (integers to whole numbers), and returned in the
input's dtype: a string date column comes back as strings in its format, a
time-zone-aware column in its zone, an integer column as integers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema.column import Column

NANOSECONDS_PER_SECOND = 1_000_000_000


def to_floats(series: pd.Series, column: Column) -> np.ndarray:
    """The column's values as float64, NaN for nulls."""
    if column.type == "datetime":
        return _datetimes_to_seconds(series, column)
    if series.dtype == bool:
        return series.to_numpy(dtype=float)
    numbers = pd.to_numeric(series, errors="coerce")
    unparsed = numbers.isna() & series.notna()
    if unparsed.any():
        example = series[unparsed].iloc[0]
        raise SynthDataError(
            f"Column {column.name!r} is declared {column.type} but holds {example!r} "
            f"(row {int(np.flatnonzero(unparsed.to_numpy())[0])}); clean the column or "
            f"declare it categorical in the schema."
        )
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        raise SynthDataError(
            f"Column {column.name!r} holds infinite values; replace them with nulls or "
            f"finite numbers before fitting."
        )
    return values


def from_floats(values: np.ndarray, column: Column) -> pd.Series:
    """Floats (NaN for nulls) back to the column's range, precision and dtype."""
    low, high = _bounds(column)
    clipped = np.clip(values, low, high) if low is not None else values
    if column.type == "datetime":
        return _seconds_to_datetimes(clipped, column)
    if column.type == "integer":
        clipped = np.round(clipped)
    elif column.decimals is not None:
        clipped = np.round(clipped, column.decimals)
    return _restore_numeric_dtype(clipped, column)


def _bounds(column: Column) -> tuple[Any, Any]:
    if column.min is None or column.max is None:
        return None, None
    if column.type == "datetime":
        return _datetimes_to_seconds(pd.Series([column.min, column.max]), column)
    return float(column.min), float(column.max)


def _datetimes_to_seconds(series: pd.Series, column: Column) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
    else:
        try:
            # utc=True reads offsets correctly and leaves naive values at the same clock time
            parsed = pd.to_datetime(series, format=column.format or "mixed", utc=True)
        except (ValueError, TypeError) as error:
            raise SynthDataError(
                f"Column {column.name!r} does not parse as dates in format "
                f"{column.format!r}: {error}; declare its `format:` in the schema."
            ) from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    nanoseconds = parsed.astype("datetime64[ns]").to_numpy().astype("int64").astype(float)
    nanoseconds[parsed.isna().to_numpy()] = np.nan
    return nanoseconds / NANOSECONDS_PER_SECOND


def _seconds_to_datetimes(seconds: np.ndarray, column: Column) -> pd.Series:
    is_null = np.isnan(seconds)
    seconds = np.round(seconds / _resolution(column)) * _resolution(column)
    nanoseconds = np.where(is_null, 0, np.round(seconds * NANOSECONDS_PER_SECOND)).astype("int64")
    stamps = pd.Series(pd.to_datetime(nanoseconds, unit="ns"))
    stamps[is_null] = pd.NaT
    dtype = column.dtype or "object"
    if dtype.startswith("datetime64"):
        target = pd.DatetimeTZDtype(tz=dtype.split(", ", 1)[1].rstrip("]")) if ", " in dtype else None
        if target is not None:
            return stamps.dt.tz_localize("UTC").dt.tz_convert(target.tz)
        return stamps.astype(dtype)
    text = stamps.dt.strftime(column.format or "%Y-%m-%dT%H:%M:%S")
    return text.where(~is_null, None).astype(object)


def _resolution(column: Column) -> float:
    """Seconds per step of the column's values: whole days when its format has no time."""
    if column.format is not None and not any(code in column.format for code in ("%H", "%I", "%M", "%S", "%X", "%c", "%s")):
        return 86_400.0
    return 1.0


def _restore_numeric_dtype(values: np.ndarray, column: Column) -> pd.Series:
    dtype = column.dtype or "float64"
    has_null = np.isnan(values).any()
    if dtype in ("bool", "boolean"):
        return pd.Series(values).astype("boolean" if has_null else "bool")
    if dtype.startswith(("int", "uint")) and not has_null:
        return pd.Series(values.astype(dtype))
    if dtype.startswith(("Int", "UInt")) or (dtype.startswith(("int", "uint")) and has_null):
        return pd.Series(values).astype(dtype[0].upper() + dtype[1:])
    if dtype == "object":
        as_objects = pd.Series(values, dtype=object)
        if column.type == "integer":
            as_objects = pd.Series(
                [None if np.isnan(v) else int(v) for v in values.tolist()], dtype=object
            )
        return as_objects.where(~np.isnan(values), None)
    return pd.Series(values.astype(dtype if dtype.startswith("float") else "float64"))
