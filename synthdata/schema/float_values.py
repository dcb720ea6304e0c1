"""Numbers and datetimes as floats, and back in the column's own form.

The model sees every numeric or datetime column as float64 (datetimes as seconds
since the epoch). Coming back, values are clipped to the real range, rounded to the
real number of decimal places (integers to whole numbers), and returned in the
input's dtype: a string date column comes back as strings in its format, a
time-zone-aware column in its zone, an integer column as integers.

It belongs to the schema, not to the encoders of synthdata.transform: inference reads
dates as the model will (synthdata.schema.orderings), and the encoders import the
schema, never the other way round.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema.column import Column
from synthdata.schema.dates import pandas_format, parse

MICROSECONDS_PER_SECOND = 1_000_000


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
            f"Column {column.name!r} holds infinite values; replace them with nulls or finite numbers before fitting."
        )
    return values


def from_floats(values: np.ndarray, column: Column) -> pd.Series:
    """Floats (NaN for nulls) back to the column's range, precision and dtype."""
    low, high = _bounds(column)
    clipped = np.clip(values, low, high) if low is not None else values
    if column.type == "datetime":
        return _seconds_to_datetimes(clipped, column)
    decimals = 0 if column.type == "integer" else column.decimals
    if decimals is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            clipped = np.round(clipped, decimals)
        if low is not None:
            clipped = _clip_inside(clipped, low, high, decimals)
    return _restore_numeric_dtype(clipped, column)


def _clip_inside(values: np.ndarray, low: float, high: float, decimals: int) -> np.ndarray:
    """Rounded values kept within [low, high]: rounding 2.294472948 to 2.29447295 would
    step past a real maximum of 2.294472948, so the bounds are rounded inwards (and
    rounding 1e308 to 8 places, which overflows to infinity, comes back to 1e308)."""
    step = 10.0**decimals
    with np.errstate(over="ignore", invalid="ignore"):
        inner_low, inner_high = np.ceil(low * step) / step, np.floor(high * step) / step
    if not (np.isfinite(inner_low) and np.isfinite(inner_high)) or inner_low > inner_high:
        inner_low, inner_high = low, high
    return np.clip(values, inner_low, inner_high)


def _bounds(column: Column) -> tuple[Any, Any]:
    if column.min is None or column.max is None:
        return None, None
    if column.type == "datetime":
        return tuple(
            _moment(bound).as_unit("us").asm8.astype(np.int64) / MICROSECONDS_PER_SECOND
            for bound in (column.min, column.max)
        )
    return float(column.min), float(column.max)


def _moment(bound: Any) -> pd.Timestamp:
    """A datetime bound (ISO text, or what a schema file declares) as a naive UTC
    timestamp, the clock the model's seconds count on. pd.Timestamp reads any year,
    where parsing a column of text stops at pandas' nanosecond range (1677-2262)."""
    moment = pd.Timestamp(bound)
    return moment.tz_convert("UTC").tz_localize(None) if moment.tzinfo is not None else moment


def _datetimes_to_seconds(series: pd.Series, column: Column) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
    else:
        try:
            # utc=True reads offsets correctly and leaves naive values at the same clock time
            parsed = pd.to_datetime(series, format=pandas_format(column.format) if column.format else "mixed", utc=True)
        except (ValueError, TypeError, OverflowError) as error:
            parsed = _dates_in_several_formats(series, column, error)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    # Microseconds hold a datetime64 of any unit (years 1500 or 2500 included) and
    # finer steps than float seconds keep anyway.
    microseconds = parsed.astype("datetime64[us]").to_numpy().astype("int64").astype(float)
    microseconds[parsed.isna().to_numpy()] = np.nan
    return microseconds / MICROSECONDS_PER_SECOND


def _dates_in_several_formats(series: pd.Series, column: Column, error: Exception) -> pd.Series:
    """A column written in more than one date format, each value read in the format it fits
    (see schema.dates); `error` is why the primary format alone failed."""
    parsed = parse(series, column.format) if column.format else series.iloc[:0]
    if column.format is None or (parsed.isna() & series.notna()).any():
        reason = str(error).splitlines()[0]
        raise SynthDataError(
            f"Column {column.name!r} does not parse as dates in format "
            f"{column.format!r}: {reason}; declare its `format:` in the schema."
        ) from None
    return parsed


def _seconds_to_datetimes(seconds: np.ndarray, column: Column) -> pd.Series:
    is_null = np.isnan(seconds)
    seconds = np.round(seconds / _resolution(column)) * _resolution(column)
    microseconds = np.where(is_null, 0, np.round(seconds * MICROSECONDS_PER_SECOND)).astype("int64")
    stamps = pd.Series(microseconds.astype("datetime64[us]"))
    dtype = column.dtype or "object"
    target = pd.api.types.pandas_dtype(dtype) if dtype.startswith("datetime64") else None
    if target is not None:
        stamps = stamps.astype(f"datetime64[{np.datetime_data(target.base)[0]}]")
    if column.min is not None and column.max is not None:
        # Rounding to the column's resolution may step past a bound held to the nanosecond.
        stamps = stamps.clip(_moment(column.min), _moment(column.max))
    stamps[is_null] = pd.NaT
    if isinstance(target, pd.DatetimeTZDtype):
        return stamps.dt.tz_localize("UTC").dt.tz_convert(target.tz)
    if target is not None:
        return stamps
    if column.format is not None and "%z" in column.format:
        stamps = stamps.dt.tz_localize("UTC")
    text = stamps.dt.strftime(column.format or "%Y-%m-%dT%H:%M:%S")
    return text.where(~is_null, None).astype(object)


def _resolution(column: Column) -> float:
    """Seconds per step of the column's values: whole days when its format has no time."""
    if column.format is not None and not any(
        code in column.format for code in ("%H", "%I", "%M", "%S", "%X", "%c", "%s")
    ):
        return 86_400.0
    return 1.0


def _restore_numeric_dtype(values: np.ndarray, column: Column) -> pd.Series:
    dtype = column.dtype or "float64"
    has_null = np.isnan(values).any()
    if dtype in ("bool", "boolean"):
        return pd.Series(values).astype("boolean" if has_null else "bool")
    if dtype.lower().startswith(("int", "uint")):
        values = _within_integer_range(values, dtype)
    if dtype.startswith(("int", "uint")) and not has_null:
        return pd.Series(values.astype(dtype))
    if dtype.startswith(("Int", "UInt")) or (dtype.startswith(("int", "uint")) and has_null):
        return pd.Series(values).astype(dtype[0].upper() + dtype[1:])
    if dtype == "object":
        as_objects = pd.Series(values, dtype=object)
        if column.type == "integer":
            as_objects = pd.Series([None if np.isnan(v) else int(v) for v in values.tolist()], dtype=object)
        return as_objects.where(~np.isnan(values), None)
    if dtype.startswith(("Float", "Sparse")):
        return pd.Series(values).astype(dtype)
    return pd.Series(values.astype(dtype if dtype.startswith("float") else "float64"))


def _within_integer_range(values: np.ndarray, dtype: str) -> np.ndarray:
    """Values clipped to what the integer dtype holds: float(2**63 - 1) rounds up to
    2**63, which would wrap around to -2**63 when cast."""
    info = np.iinfo(np.dtype(dtype.lower()))
    low, high = float(info.min), float(info.max)
    if high > info.max:
        high = np.nextafter(high, -np.inf)
    return np.clip(values, low, high)


def declared_bounds(column: Column) -> tuple[float, float] | None:
    """The column's declared min and max on the model's number line (seconds for
    datetimes), or None when either is missing."""
    low, high = _bounds(column)
    return None if low is None else (float(low), float(high))
