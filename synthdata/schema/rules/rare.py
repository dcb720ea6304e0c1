"""Finding high-cardinality text columns whose long tail must be generated, not copied.

A categorical column with more distinct values than the model keeps as one-hot
slots (job titles, employer names) has a tail of values held by one or two rows;
copying them back, even drawn by frequency, copies what identifies a person. Such a
column gets a `rare_values` rule (see that constraint).
"""

from __future__ import annotations

import pandas as pd

from synthdata.schema.column import Column
from synthdata.schema.constraints.rare_values import DEFAULT_MIN_ROWS, RareValues, tail_provider_for

# Columns with more distinct values than this have a tail the one-hot slots cannot hold.
MIN_DISTINCT = 100


def rare_value_rules(df: pd.DataFrame, columns: dict[str, Column]) -> list[RareValues]:
    """A `rare_values` rule for each text column with many values, some held by few rows."""
    rules = []
    for name, column in columns.items():
        if column.type != "categorical" or name not in df.columns:
            continue
        counts = df[name].value_counts()
        text = pd.api.types.infer_dtype(counts.index, skipna=True) == "string"
        if text and len(counts) > MIN_DISTINCT and (counts < DEFAULT_MIN_ROWS).any():
            rules.append(RareValues(column=name, provider=tail_provider_for(name)))
    return rules
