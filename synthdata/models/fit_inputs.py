"""What `TabularGAN` checks before it learns data: the table, its schema and the seed,
each refused with a message that says what to change."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema import Schema
from synthdata.schema.column import Column


def checked_frame(data: pd.DataFrame) -> pd.DataFrame:
    """`data` with a fresh index, or a SynthDataError saying what keeps it from being learned."""
    if not isinstance(data, pd.DataFrame):
        raise SynthDataError(f"fit expects a pandas DataFrame, got {type(data).__name__}.")
    if data.shape[1] == 0:
        raise SynthDataError("The table has no columns; there is nothing to learn.")
    if len(data) == 0:
        raise SynthDataError("The table has no rows; fit needs at least one row of data.")
    duplicated = data.columns[data.columns.duplicated()].unique().tolist()
    if duplicated:
        raise SynthDataError(f"Column names must be unique; repeated: {duplicated}. Rename or drop the copies.")
    return data.reset_index(drop=True)


def check_schema_covers(schema: Schema, data: pd.DataFrame) -> None:
    """The schema declares exactly the columns of `data`."""
    missing = [name for name in schema.columns if name not in data.columns]
    if missing:
        raise SynthDataError(f"The schema declares columns the data lacks: {missing}.")
    undeclared = [name for name in data.columns if name not in schema.columns]
    if undeclared:
        raise SynthDataError(
            f"The data has columns the schema does not declare: {undeclared}; add them to the "
            f"schema or drop them from the data."
        )


def learned_columns(schema: Schema) -> list[Column]:
    """The columns of the reshaped table (`Schema.transform`) that the model learns: at
    least one, or there is nothing to fit."""
    modelled = [c for c in schema.columns_after_transform() if c.is_modelled]
    if not modelled:
        kinds = ", ".join(f"{c.name!r}: {c.type}" for c in list(schema.columns.values())[:8])
        raise SynthDataError(
            f"No column is learned from data ({kinds}); there is nothing to fit. Generate "
            f"the table from its schema alone: Schema.infer(df).sample(n)."
        )
    return modelled


def check_seed(seed: Any) -> int:
    """A seed numpy and torch both take: a whole number from 0 to 2**63 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise SynthDataError(f"seed must be a whole number from 0 to 2**63 - 1, got {seed!r}.")
    return int(seed)
