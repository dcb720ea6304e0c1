"""Date columns of a database table, read as moments and written back as they came.

Cross-table date rules compare a child's dates with its parent's, so both must be
read the same way whatever their form: text in one strftime format (a CSV export,
a SQLite TEXT column), or datetime values. A `DateForm` remembers a column's form:
dates are read as naive UTC moments (`datetime64[ns]`) to compute with, and written
back in the column's own format and awareness, so a seeded table reads like the real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.dates import find_format, parse

# Values sampled to find a text column's format.
SAMPLE = 200


@dataclass(frozen=True)
class DateForm:
    """How one date column holds its dates: `text` is its strftime format (None for
    datetime values), `utc` whether its moments carry a time zone, `days` whether every
    real value falls on midnight (dates without times, kept so)."""

    text: str | None
    utc: bool
    days: bool

    @classmethod
    def of(cls, values: pd.Series) -> DateForm | None:
        """The column's form, or None when it does not hold dates."""
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            moments = _naive(values)
            return cls(None, getattr(values.dtype, "tz", None) is not None, _on_days(moments))
        present = values.dropna()
        if not len(present) or not all(isinstance(value, str) for value in present.iloc[:SAMPLE]):
            return None
        try:
            text = find_format(str(values.name), present.iloc[:SAMPLE].astype(str).tolist())
        except SchemaError:
            return None
        if text is None:
            return None
        parsed = parse(present, text)
        if parsed.isna().any():
            return None
        return cls(text, getattr(parsed.dtype, "tz", None) is not None, _on_days(_naive(parsed)))

    def read(self, values: pd.Series) -> np.ndarray:
        """The values as naive UTC moments (NaT for nulls)."""
        if self.text is None and pd.api.types.is_datetime64_any_dtype(values.dtype):
            return _naive(values)
        return _naive(parse(values.astype(object).where(values.notna(), None), self.text))

    def write(self, moments: np.ndarray) -> pd.Series:
        """`moments` (naive UTC) in the column's own form."""
        series = pd.Series(moments.astype("datetime64[ns]"))
        if self.days:
            series = series.dt.floor("D")
        if self.utc:
            series = series.dt.tz_localize("UTC")
        if self.text is None:
            return series
        return series.dt.strftime(self.text).astype(object).where(series.notna(), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DateForm:
        return cls(data["text"], bool(data["utc"]), bool(data["days"]))


def date_forms(frame: pd.DataFrame) -> dict[str, DateForm]:
    """The date columns of `frame`, by name, with their forms."""
    forms = {}
    for name in frame.columns:
        form = DateForm.of(frame[name])
        if form is not None:
            forms[str(name)] = form
    return forms


def _naive(values: pd.Series) -> np.ndarray:
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")


def _on_days(moments: np.ndarray) -> bool:
    present = moments[~np.isnat(moments)]
    return bool((present == present.astype("datetime64[D]")).all())
