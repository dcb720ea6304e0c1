"""How a table is shown to ctgan.CTGAN, and how its output is read back.

ctgan takes numbers and named discrete columns only: it cannot parse dates, refuses
nulls in continuous columns, and has no notion of identifiers. So it is given the
modelled columns of the schema, dates as days since 1970 (nulls filled with the median
day), and, for each continuous column with nulls, a discrete `<name>.null` flag it
learns like any other category; reading back turns flagged values into nulls and day
numbers into dates in the column's format. This is the usual way to feed ctgan such
columns (SDV's wrapper does the same with its own transformers), and it costs ctgan
one extra one-hot span per nullable column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from data_split import as_numbers

from synthdata import Schema

_NULL_FLAG = ".null"


@dataclass
class CtganFrame:
    """The encoding of one schema's modelled columns for ctgan; `encode` fits it, `decode` inverts it."""

    schema: Schema
    columns: list[str]

    def encode(self, table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        """The table ctgan fits on, and the names of its discrete columns."""
        encoded: dict[str, pd.Series] = {}
        discrete: list[str] = []
        self.nullable_: list[str] = []
        for name in self.columns:
            column = self.schema.columns[name]
            if column.type in ("categorical", "boolean"):
                encoded[name] = table[name].astype(object).where(table[name].notna(), "<null>")
                discrete.append(name)
                continue
            values = as_numbers(table[name], column)
            missing = values.isna()
            if missing.any():
                self.nullable_.append(name)
                encoded[name + _NULL_FLAG] = missing.map({True: "null", False: "value"})
                discrete.append(name + _NULL_FLAG)
                values = values.fillna(values.median())
            encoded[name] = values
        return pd.DataFrame(encoded), discrete

    def decode(self, sampled: pd.DataFrame) -> pd.DataFrame:
        """ctgan's rows with the original columns: nulls restored, day numbers back to dates."""
        decoded = {}
        for name in self.columns:
            column = self.schema.columns[name]
            values = sampled[name]
            if column.type in ("categorical", "boolean"):
                decoded[name] = values.where(values != "<null>", None)
                continue
            if name in self.nullable_:
                values = values.where(sampled[name + _NULL_FLAG] != "null")
            if column.type == "datetime":
                dates = pd.Timestamp("1970-01-01") + pd.to_timedelta(values.round(), unit="D")
                decoded[name] = dates.dt.strftime(column.format).where(values.notna(), None) if column.format else dates
            else:
                decoded[name] = values
        return pd.DataFrame(decoded)
