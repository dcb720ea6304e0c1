"""A column's values as plain numbers, and back in the column's own form.

Constraints compare and subtract: BIRTHDATE <= DEATHDATE, TOTAL = PRICE * QTY,
LAT between -90 and 90. Whatever the column holds (floats, nullable integers, date
strings in a format, time-zone-aware timestamps), a `NumberView` reads it as float64
(NaN for nulls) and writes numbers back in the same representation, so constraints
work in one currency and the user gets their own format back. Dates count days when
the column holds dates only, seconds when it has times.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.dates import parse

_UNIT_NANOSECONDS = {"D": 86_400 * 10**9, "s": 10**9}
_TIME_CODES = ("%H", "%I", "%M", "%S", "%f", "%p", "%X", "%c", "%T")


@dataclass
class NumberView:
    """How one column maps to numbers: its kind, date format and unit, decimals and dtype."""

    column: str
    kind: Literal["number", "datetime"]
    dtype: str
    integer: bool = False
    decimals: int | None = None
    format: str | None = None
    unit: Literal["D", "s"] | None = None
    tz: str | None = None

    @classmethod
    def learn(cls, series: pd.Series | None, column: Column) -> NumberView:
        """The view of a column, from its declaration and (when given) its data."""
        dtype = column.dtype or (str(series.dtype) if series is not None else "float64")
        if column.type == "datetime":
            return cls._learn_datetime(series, column, dtype)
        if column.type not in ("numerical", "integer"):
            raise SchemaError(f"Column '{column.name}' is {column.type}; this constraint needs numbers or dates.")
        return cls(
            column=column.name,
            kind="number",
            dtype=dtype,
            integer=column.type == "integer",
            decimals=column.decimals,
        )

    @classmethod
    def _learn_datetime(cls, series: pd.Series | None, column: Column, dtype: str) -> NumberView:
        tz = None
        if series is not None and isinstance(series.dtype, pd.DatetimeTZDtype):
            tz = str(series.dtype.tz)
        elif column.format is not None and column.format.endswith(("Z", "%z")):
            tz = "UTC"
        unit: Literal["D", "s"]
        if column.format is not None:
            unit = "s" if any(code in column.format for code in _TIME_CODES) else "D"
        elif series is not None:
            moments = parse(series.dropna(), None)
            unit = "D" if bool((moments == moments.dt.normalize()).all()) else "s"
        else:
            unit = "s"
        return cls(column=column.name, kind="datetime", dtype=dtype, format=column.format, unit=unit, tz=tz)

    @property
    def step(self) -> float:
        """The smallest difference the column can show: what "strictly greater" adds."""
        if self.kind == "datetime" or self.integer:
            return 1.0
        return 10.0 ** -(self.decimals if self.decimals is not None else 9)

    def to_numbers(self, series: pd.Series) -> np.ndarray:
        """Float64 values (days or seconds since 1970 for dates), NaN for nulls."""
        if self.kind == "number":
            numbers = pd.to_numeric(series, errors="coerce")
            return numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        moments = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else parse(series, self.format)
        if isinstance(moments.dtype, pd.DatetimeTZDtype):
            moments = moments.dt.tz_convert("UTC").dt.tz_localize(None)
        nanoseconds = moments.astype("datetime64[ns]").to_numpy().astype(np.int64).astype(np.float64)
        nanoseconds[moments.isna().to_numpy()] = np.nan
        return nanoseconds / _UNIT_NANOSECONDS[self.unit or "s"]

    def bound_to_number(self, bound: Any) -> float:
        """A declared bound (a number, or a date in ISO form or the column's format) as a number."""
        if self.kind == "number":
            return float(bound)
        iso = dataclasses.replace(self, format=None).to_numbers(pd.Series([bound], dtype=object))[0]
        if not np.isnan(iso) or self.format is None:
            return float(iso)
        return float(self.to_numbers(pd.Series([bound], dtype=object))[0])

    def round(self, numbers: np.ndarray) -> np.ndarray:
        """Numbers rounded to what the column can hold (whole days, seconds, decimals)."""
        if self.kind == "datetime" or self.integer:
            return np.round(numbers)
        return np.round(numbers, self.decimals) if self.decimals is not None else numbers

    def from_numbers(self, numbers: np.ndarray, index: pd.Index | None = None) -> pd.Series:
        """Numbers back in the column's representation and dtype (NaN becomes null)."""
        numbers = self.round(np.asarray(numbers, dtype=np.float64))
        numbers[~np.isfinite(numbers)] = np.nan
        if self.kind == "datetime":
            return self._to_datetimes(numbers, index)
        missing = np.isnan(numbers)
        if self.dtype.startswith(("int", "uint")) and not missing.any():
            return pd.Series(numbers.astype(self.dtype), index=index)
        if self.dtype.startswith(("int", "Int", "uint", "UInt")):
            return pd.Series(numbers, index=index).astype("Int64" if self.dtype[0] in "iu" else self.dtype)
        if self.dtype in ("object", "string", "str"):
            text = [_number_text(value, self) for value in numbers]
            return pd.Series(text, index=index, dtype=object)
        return pd.Series(numbers, index=index, dtype=self.dtype if self.dtype.startswith("float") else "float64")

    def _to_datetimes(self, numbers: np.ndarray, index: pd.Index | None) -> pd.Series:
        nanoseconds = numbers * _UNIT_NANOSECONDS[self.unit or "s"]
        moments = pd.Series(pd.to_datetime(nanoseconds, unit="ns"), index=index)
        if self.tz is not None:
            moments = moments.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        if self.format is None:
            return moments
        text = moments.dt.strftime(self.format)
        return text.astype(object).where(moments.notna(), np.nan)

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NumberView:
        return cls(**data)


def _number_text(value: float, view: NumberView) -> str | float:
    if np.isnan(value):
        return np.nan
    if view.integer:
        return str(int(value))
    return f"{value:.{view.decimals}f}" if view.decimals is not None else repr(float(value))
