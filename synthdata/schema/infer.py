"""Guessing each column's kind from a DataFrame, so that a table needs no schema file.

The guess decides what the model may learn: numbers, categories, booleans and dates
are modelled; identifiers, personal data, free text and constants are generated
afresh, so that no real name, SSN or key ever reaches a model file. When in doubt
between "categorical" and "personal", the column's name decides (see `names`); when
in doubt between "categorical" and "id or text", cardinality and shape decide: a
string column where most rows have their own value is never one-hot encoded.

Only bounded samples of values are examined for patterns and formats; counting
distinct values and nulls uses pandas over the whole column. A million-row table is
inferred in seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column, json_scalar
from synthdata.schema.dates import find_format, parse, to_iso
from synthdata.schema.names import (
    DOCUMENT_PROVIDERS,
    LOCATION_PROVIDERS,
    is_code_name,
    is_key_name,
    name_words,
    provider_for_name,
)
from synthdata.schema.string_shapes import (
    UUID,
    alphabet_pattern,
    format_of_values,
    learn_pattern,
    sample_strings,
    share_matching,
)

_FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "off"})
_TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "on"})
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_LEADING_ZERO = re.compile(r"-?0\d")
_FULL_ADDRESS = re.compile(r".*\D\d{5}(-\d{4})?\b.*|.*[\n,].*")

# Categories listed in the schema (with their shares) only up to this many: enough to
# sample test data from the schema alone, never a dump of a high-cardinality column.
MAX_LISTED_VALUES = 20
# Most decimals a float column keeps; beyond this the digits are noise.
MAX_DECIMALS = 8
# Rows needed before cardinality says anything about a column.
MIN_ROWS_FOR_SHAPE = 20
# A city or ZIP column is categorical (the model keeps where people live together with
# everything else) unless nearly every row has its own value.
PERSONAL_LOCATION_SHARE = 0.9
# Free text: long values, or many words per value.
# A column where at least this share of rows hold a value of their own is made of
# identifiers whatever its values look like (huge integers, codes, odd strings): listed
# as categories, its real values would be stored in the model file and sampled back.
NEARLY_UNIQUE_SHARE = 0.9
TEXT_MEAN_LENGTH = 40
TEXT_MEAN_WORDS = 6
ISO_WITH_OFFSET = "%Y-%m-%dT%H:%M:%S%z"


# Values a column may hold for synthdata to learn it: text, numbers, booleans, dates.
_LEARNABLE_VALUES = (str, int, float, bool, np.number, np.bool_, dt.date, Decimal)


def infer_columns(df: pd.DataFrame, *, table: str | None = None) -> dict[str, Column]:
    """One Column per DataFrame column, in order."""
    names = [name for name in df.columns if not isinstance(name, str)]
    if names:
        raise SchemaError(
            f"Column names must be text, but {names[0]!r} is {type(names[0]).__name__}; rename the "
            f"columns first, e.g. df.columns = [str(name) for name in df.columns]."
        )
    repeated = df.columns[df.columns.duplicated()].unique().tolist()
    if repeated:
        raise SchemaError(f"Column names must be unique; repeated: {repeated}. Rename or drop the copies.")
    return {name: infer_column(name, df.iloc[:, position], table=table) for position, name in enumerate(df.columns)}


def choose_primary_key(columns: dict[str, Column], table: str | None) -> str | None:
    """The column that identifies rows: a unique id with no nulls, preferring id/<table>_id."""
    keys = [column.name for column in columns.values() if column.type == "id" and column.unique and not column.nullable]
    named = [name for name in keys if is_key_name(name, table)]
    return next(iter(named or keys), None)


def infer_column(name: str, series: pd.Series, *, table: str | None = None) -> Column:
    """The kind and facts of one column (see the module docstring for the rules)."""
    present = series.dropna()
    nullable = round(1.0 - len(present) / len(series), 6) if len(series) else 0.0
    facts: dict[str, Any] = {"name": name, "dtype": str(series.dtype), "nullable": nullable}
    if present.empty:
        return Column(type="constant", value=None, **facts)
    _check_learnable(name, present)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return Column(type="boolean", **facts)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetime_column(present, None, facts)
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical_column(present, facts)
    if pd.api.types.is_numeric_dtype(dtype):
        return _number_column(present, facts, table)
    if pd.api.types.infer_dtype(present, skipna=True) == "datetime":
        moments = _moments_of_objects(name, present)
        column = _datetime_column(moments, None, facts)
        if moments.dt.tz is not None:
            # An object column comes back as text: with the offset, it names the same moments.
            column.format = ISO_WITH_OFFSET
        return column
    return _string_column(present, facts, table)


def _check_learnable(name: str, present: pd.Series) -> None:
    """Refuse values no kind can learn (durations, complex numbers, bytes, lists...)
    with what to convert them to, before they fail somewhere deep in a fit."""
    dtype = present.dtype
    foreign: str | None
    if dtype.kind in "cm" or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)):
        foreign = str(dtype)
    elif dtype == np.dtype(object):
        kinds = pd.unique(present.map(type))
        foreign = next((kind.__name__ for kind in kinds if not issubclass(kind, _LEARNABLE_VALUES)), None)
    else:
        return
    if foreign is not None:
        raise SchemaError(
            f"Column {name!r} holds {foreign} values, which synthdata cannot learn; convert them to "
            f"numbers, text or dates first (e.g. .dt.total_seconds() for durations, .astype(str) "
            f"for others), or drop the column."
        )


def _moments_of_objects(name: str, present: pd.Series) -> pd.Series:
    """Python datetimes in an object column as one datetime64 column."""
    try:
        return pd.to_datetime(present)
    except (ValueError, TypeError):
        raise SchemaError(
            f"Column {name!r} holds dates in more than one time zone; convert it with "
            f"pd.to_datetime(df['{name}'], utc=True) before fitting."
        ) from None


def _number_column(present: pd.Series, facts: dict[str, Any], table: str | None) -> Column:
    name = facts["name"]
    distinct = present.nunique()
    unique = distinct == len(present)
    if distinct == 1:
        return Column(type="constant", value=json_scalar(present.iloc[0]), **facts)
    values = present.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise SchemaError(
            f"Column {name!r} holds infinite values (or numbers beyond a 64-bit float); replace them "
            f"with nulls or finite numbers, or store the column as text."
        )
    low, high = values.min(), values.max()
    integral = pd.api.types.is_integer_dtype(present.dtype) or bool(np.all(values == np.round(values)))
    if integral and unique and _is_sequence(name, table, low, high, len(values)):
        return Column(type="id", format="sequential", start=int(low), unique=True, **facts)
    if integral and is_code_name(name):
        return _categorical_column(present, facts)
    if integral:
        return Column(type="integer", min=int(low), max=int(high), unique=unique, **facts)
    return Column(
        type="numerical",
        min=float(low),
        max=float(high),
        decimals=_decimals(values),
        unique=unique,
        **facts,
    )


def _string_column(present: pd.Series, facts: dict[str, Any], table: str | None) -> Column:
    name = facts["name"]
    distinct = pd.unique(present)
    unique = len(distinct) == len(present)
    sample = sample_strings(distinct)
    labels = _boolean_labels(distinct)
    if labels is not None:
        return Column(type="boolean", values=labels, **facts)
    if len(distinct) == 1:
        return Column(type="constant", value=json_scalar(distinct[0]), **facts)
    if share_matching(UUID, sample) == 1.0:
        if unique:
            return Column(type="id", format="uuid", unique=True, **facts)
        # How many rows share a parent: what a generated reference should repeat like.
        rows_per_value = round(len(present) / len(distinct), 3)
        return Column(type="reference", args={"rows_per_value": rows_per_value}, **facts)
    date_format = find_format(name, sample)
    if date_format is not None:
        return _datetime_column(present, date_format, facts)
    many = len(distinct) >= MIN_ROWS_FOR_SHAPE and len(distinct) > 0.5 * len(present)
    numeric = share_matching(_NUMBER, sample) == 1.0
    provider = provider_for_name(name)
    if provider in LOCATION_PROVIDERS and len(distinct) < PERSONAL_LOCATION_SHARE * len(present):
        provider = None
    if provider in DOCUMENT_PROVIDERS:
        pattern = learn_pattern(sample)
        if pattern is not None:
            return Column(type="id", format="pattern", pattern=pattern, unique=unique, **facts)
    if provider == "street_address" and share_matching(_FULL_ADDRESS, sample) >= 0.9:
        provider = "address"
    if provider is None and not numeric:
        provider = format_of_values(sample)
    if provider is not None:
        return Column(type="faker", provider=provider, unique=unique, **facts)
    if numeric:
        return _numeric_string_column(present, sample, unique, facts, table)
    if many:
        pattern = learn_pattern(sample)
        if pattern is not None:
            return Column(type="id", format="pattern", pattern=pattern, unique=unique, **facts)
        if _is_free_text(sample):
            longest = max(len(value) for value in sample)
            return Column(type="text", args={"max_nb_chars": max(5, longest)}, unique=unique, **facts)
    return _categorical_column(present, facts)


def _numeric_string_column(
    present: pd.Series, sample: list[str], unique: bool, facts: dict[str, Any], table: str | None
) -> Column:
    """Numbers stored as text: codes when zero-padded (ZIP 00501), numbers otherwise."""
    if any(_LEADING_ZERO.match(value) for value in sample):
        if unique:
            pattern = learn_pattern(sample)  # None for codes too long to repeat: they become uuids
            return Column(type="id", format="pattern" if pattern else "uuid", pattern=pattern, unique=True, **facts)
        return _categorical_column(present, facts)
    try:
        numbers = pd.to_numeric(present, errors="coerce")
    except OverflowError:
        raise SchemaError(
            f"Column {facts['name']!r} holds integers beyond the range of a 64-bit float; store "
            f"them as text (e.g. .astype(str)) or scale them."
        ) from None
    if numbers.isna().any() or numbers.nunique() < len(pd.unique(present)):
        # Text the sample did not show, numbers beyond a float, or digits a float cannot
        # hold (two 19-digit integers becoming one float): values, not quantities.
        return _categorical_column(present, facts)
    return _number_column(numbers, facts, table)


def _datetime_column(present: pd.Series, date_format: str | None, facts: dict[str, Any]) -> Column:
    moments = parse(present, date_format) if date_format is not None else present
    moments = moments.dropna()
    unreadable = len(present) - len(moments)
    if unreadable > 0.02 * len(present):
        raise SchemaError(
            f"Column '{facts['name']}' reads as dates in format {date_format!r} but {unreadable} of "
            f"{len(present)} values do not fit it; declare its `format:` (or `type:`) in the schema."
        )
    return Column(
        type="datetime",
        format=date_format,
        min=to_iso(moments.min()),
        max=to_iso(moments.max()),
        unique=moments.nunique() == len(present),
        **facts,
    )


def _categorical_column(present: pd.Series, facts: dict[str, Any]) -> Column:
    shares = present.value_counts(normalize=True, sort=True)
    # A Categorical dtype lists categories no row holds; only held values count.
    if _nearly_unique(int((shares > 0).sum()), len(present)):
        return _fresh_id_column(present, facts)
    values = None
    if len(shares) <= MAX_LISTED_VALUES and all(isinstance(value, str) for value in shares.index):
        values = {value: round(float(share), 4) for value, share in shares.items()}
    return Column(type="categorical", values=values, unique=len(shares) == len(present), **facts)


def _nearly_unique(distinct: int, rows: int) -> bool:
    """Whether nearly every row has its own value: too many for cardinality to be chance."""
    return distinct >= MIN_ROWS_FOR_SHAPE and distinct >= NEARLY_UNIQUE_SHARE * rows


def _fresh_id_column(present: pd.Series, facts: dict[str, Any]) -> Column:
    """An id generated afresh in the shape of the values, for a column no category list may hold."""
    distinct = pd.unique(present)
    sample = sample_strings(distinct)
    pattern = learn_pattern(sample) or alphabet_pattern(sample)
    return Column(type="id", format="pattern", pattern=pattern, unique=len(distinct) == len(present), **facts)


def _boolean_labels(distinct: np.ndarray) -> list[Any] | None:
    """[false label, true label] when the column holds exactly one of each, else None."""
    if len(distinct) != 2:
        return None
    words = [str(value).strip().lower() for value in distinct]
    if words[0] in _FALSE_WORDS and words[1] in _TRUE_WORDS:
        return [json_scalar(distinct[0]), json_scalar(distinct[1])]
    if words[1] in _FALSE_WORDS and words[0] in _TRUE_WORDS:
        return [json_scalar(distinct[1]), json_scalar(distinct[0])]
    return None


def _is_sequence(name: str, table: str | None, low: float, high: float, count: int) -> bool:
    """Unique integers that are a key: named like one, or a gap-free run of many values."""
    key_like = is_key_name(name, table) or name_words(name)[-1:] == ("id",)
    # Generated ids are int64: a run that would pass its limits is just a number column.
    fits = float(np.iinfo(np.int64).min) <= low and high + count < float(np.iinfo(np.int64).max)
    return fits and (key_like or (count >= MIN_ROWS_FOR_SHAPE and high - low + 1 == count))


def _is_free_text(sample: list[str]) -> bool:
    lengths = np.array([len(value) for value in sample])
    words = np.array([value.count(" ") + 1 for value in sample])
    return lengths.mean() >= TEXT_MEAN_LENGTH or words.mean() >= TEXT_MEAN_WORDS


def _decimals(values: np.ndarray) -> int:
    """The most decimal places any value shows (of a bounded sample), capped."""
    sample = values[np.linspace(0, len(values) - 1, min(len(values), 1000)).astype(np.int64)]
    scale = np.maximum(1.0, np.abs(sample))
    for places in range(MAX_DECIMALS + 1):
        if np.all(np.abs(sample - np.round(sample, places)) <= 1e-9 * scale):
            return places
    return MAX_DECIMALS
