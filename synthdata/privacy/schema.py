"""The schema of a DP fit: declared (public), or inferred from names and dtypes only.

`Schema.infer` reads values (cardinalities, patterns, min/max, category lists, rules
between columns), which would leak rows without a budget. Under DP the kind of each
column follows from its name (keys and personal data are generated, never learned)
and its storage type (pandas dtype): both are metadata of the table, not of any row,
and are listed as public in the privacy record. Facts the fit needs from values are
released by `preprocessing` and charged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema import Schema
from synthdata.schema.column import Column
from synthdata.schema.names import LOCATION_PROVIDERS, name_words, provider_for_name

DECLARED_PUBLIC = "the declared schema: column kinds, declared min/max, declared category lists, generated columns"
INFERRED_PUBLIC = (
    "column names and storage types (pandas dtypes), from which each column's kind follows; "
    "the number of rows (it sets the DP-SGD sampling rate)"
)


def private_schema(data: pd.DataFrame, declared: Schema | None) -> tuple[Schema, str]:
    """The schema to fit under DP and what it treats as public. A declared schema is
    public as given, but it may not hold constraints: fitting them reads the rows."""
    if declared is None:
        return Schema({str(name): _column(str(name), data[name]) for name in data.columns}), INFERRED_PUBLIC
    if declared.constraints:
        kinds = sorted({constraint.to_dict().get("type", "?") for constraint in declared.constraints})
        raise SynthDataError(
            f"The schema declares constraints ({', '.join(kinds)}); fitting them reads the rows outside the "
            f"privacy budget. Remove them from the schema for a DP fit (epsilon), or fit without epsilon."
        )
    return declared, DECLARED_PUBLIC


def _column(name: str, series: pd.Series) -> Column:
    dtype = series.dtype
    facts: dict[str, Any] = {"name": name, "dtype": str(dtype)}
    words = name_words(name)
    if words and words[-1] in ("id", "uuid", "key"):
        if pd.api.types.is_integer_dtype(dtype):
            return Column(type="id", format="sequential", start=1, unique=True, **facts)
        return Column(type="id", format="uuid", unique=True, **facts)
    provider = provider_for_name(name)
    if provider is not None and provider not in LOCATION_PROVIDERS:
        return Column(type="faker", provider=provider, **facts)
    if pd.api.types.is_bool_dtype(dtype):
        return Column(type="boolean", **facts)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return Column(type="datetime", **facts)
    if pd.api.types.is_integer_dtype(dtype):
        return Column(type="integer", **facts)
    if pd.api.types.is_float_dtype(dtype):
        return Column(type="numerical", **facts)
    return Column(type="categorical", **facts)
