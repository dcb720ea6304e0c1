"""New keys shaped like the real ones: same type, length, alphabet and pattern, still unique.

A seeded table is loaded into a copy of the real DDL, so a regenerated key must fit
where the real one did: a `CHAR(2)` carrier code cannot take a UUID, an INTEGER key
cannot take text. The generator of a key is therefore learned from its values:

- a key declared (or inferred) as an id keeps that generator (uuid, pattern);
- whole numbers stay a sequence of whole numbers, starting where the real ones start;
- text gets the pattern its values share (`[0-9A-Z]{2}`, `N\\d{3}[A-Z]{2}`), or, when
  their shapes vary (`N10156`, `N102UW`), their common literal prefix followed by the
  alphabet they use, as many characters as the shortest to the longest real key
  (`N[0-9A-Z]{3,5}`);
- only text with no usable shape (spaces, too few possible values) falls back to UUIDs.

A pattern must offer at least `SPARE` times as many values as there are real keys,
so that unique keys can still be drawn at a larger scale.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema import Column, Schema
from synthdata.schema.ids import PatternGenerator
from synthdata.schema.string_shapes import learn_pattern, sample_strings

SPARE = 4
_CLASSES = (
    (r"0-9", str.isdigit),
    (r"A-Z", lambda char: char.isascii() and char.isupper()),
    (r"a-z", lambda char: char.isascii() and char.islower()),
)


def key_column(values: pd.Series, name: str, declared: Schema | None = None) -> Column:
    """How new values of the key column `name` are generated (see the module docstring)."""
    column = declared.columns.get(name) if declared is not None else None
    if column is not None and column.type == "id":
        return column
    dtype = str(values.dtype)
    present = values.dropna()
    if pd.api.types.is_integer_dtype(values.dtype) or _whole_numbers(present):
        start = int(present.min()) if len(present) else 1
        return Column(name=name, type="id", format="sequential", start=max(start, 0), dtype=dtype)
    inferred = Schema.infer(values.to_frame(name), table=None).columns[name]
    if inferred.type == "id" and inferred.format == "uuid":
        return Column(name=name, type="id", format="uuid", dtype=dtype)
    pattern = key_pattern(present.astype(str))
    if pattern is None:
        return Column(name=name, type="id", format="uuid", dtype=dtype)
    return Column(name=name, type="id", format="pattern", pattern=pattern, unique=True, dtype=dtype)


def key_pattern(values: pd.Series) -> str | None:
    """A regular expression the text values share, with room for `SPARE` times as many of them."""
    distinct = pd.unique(values.to_numpy(dtype=object))
    if len(distinct) == 0 or any(" " in value or not value for value in distinct):
        return None
    needed = SPARE * len(distinct)
    sample = sample_strings(np.asarray(distinct, dtype=object))
    for pattern in (learn_pattern(sample), _prefix_and_alphabet(list(distinct))):
        if pattern is not None and _fits(pattern, distinct, needed):
            return pattern
    return None


def _prefix_and_alphabet(values: list[str]) -> str | None:
    """The common literal prefix, then the classes of characters the rest uses, as long as they run."""
    prefix = _common_prefix(values)
    rests = [value[len(prefix) :] for value in values]
    chars = set("".join(rests))
    if not chars:
        return None
    alphabet = "".join(spelled for spelled, test in _CLASSES if any(test(char) for char in chars))
    alphabet += "".join(re.escape(char) for char in sorted(chars) if not any(test(char) for _, test in _CLASSES))
    shortest, longest = min(map(len, rests)), max(map(len, rests))
    repeat = f"{{{shortest}}}" if shortest == longest else f"{{{shortest},{longest}}}"
    return re.escape(prefix) + f"[{alphabet}]" + repeat


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    length = 0
    while length < min(len(first), len(last)) - 1 and first[length] == last[length] and not first[length].isdigit():
        length += 1
    return first[:length]


def _fits(pattern: str, distinct: np.ndarray, needed: int) -> bool:
    """Whether every real key matches the pattern and it offers enough values."""
    try:
        generator = PatternGenerator(pattern)
    except SchemaError:  # a learned pattern the generator cannot draw is simply not used
        return False
    compiled = re.compile(pattern)
    return generator.size >= needed and all(compiled.fullmatch(str(value)) for value in distinct)


def _whole_numbers(values: pd.Series) -> bool:
    if not pd.api.types.is_float_dtype(values.dtype) or values.empty:
        return False
    numbers = values.to_numpy(dtype=float)
    return bool(np.all(numbers == np.round(numbers)))
