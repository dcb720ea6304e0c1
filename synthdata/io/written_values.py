"""Columns of a text table read as what their text says, not as pandas guesses.

pandas reads a column of integers with blanks as floats (69 comes back as 69.0), a
column of `true/false` as Python booleans (written back as True/False), and numbers
with a decimal comma or thousands separators as text (which inference would then take
for an id pattern and regenerate). Each of these would change the user's data on the
way through; here the written text decides instead:

- integers with blanks become pandas' nullable Int64;
- booleans keep their spelling (they stay text unless written True/False);
- text that is numbers with commas becomes numbers when every value of the column
  reads one way. Thousands separators (`28,172`, `1,234.5`) are tried first, then a
  decimal comma (`22,29`, `1.234,5`); in a semicolon-separated file, where a comma is
  free to be the decimal mark, the order is reversed. A column that fits the first
  reading is read that way, so `28,172` in a comma-separated file is 28172.
- numbers whose text a number cannot reproduce (ZIP 01740, ids longer than a float
  holds) stay text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

# Text a number cannot reproduce: leading zeros (01740, 00000), or integers too long
# for a float's 15-16 significant digits (only lossy when the column became float).
_LEADING_ZEROS = r"^\s*[+-]?0\d"
_LONG_INTEGER = r"^\s*[+-]?\d{16,}\s*$"
_INTEGER = r"\s*[+-]?\d+\s*"
_PANDAS_BOOLEANS = frozenset({"True", "False"})
_THOUSANDS = re.compile(r"\s*[+-]?(\d{1,3}(,\d{3})*|\d+)(\.\d+)?\s*")
_DECIMAL_COMMA = re.compile(r"\s*[+-]?(\d{1,3}(\.\d{3})*|\d+)(,\d+)?\s*")


def read_as_written(
    frame: pd.DataFrame, text_of: Callable[[list[int]], pd.DataFrame], *, delimiter: str
) -> pd.DataFrame:
    """`frame` with its columns changed where their text says so; `text_of(positions)`
    reads those columns of the same file again, as strings."""
    restored: dict[int, pd.Series] = {}
    typed = [position for position in range(frame.shape[1]) if _typed_by_pandas(frame.iloc[:, position])]
    if typed:
        text = text_of(typed)
        for position, column in zip(typed, text.columns, strict=True):
            written = _typed_as_written(frame.iloc[:, position], text[column])
            if written is not None:
                restored[position] = written
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if values.dtype == object and position not in typed:
            numbers = comma_numbers(values, delimiter=delimiter)
            if numbers is not None:
                restored[position] = numbers
    if not restored:
        return frame
    frame = frame.copy()
    for position, values in restored.items():
        frame.isetitem(position, values)
    return frame


def _typed_by_pandas(values: pd.Series) -> bool:
    """Whether pandas made the column's text into numbers or booleans."""
    return pd.api.types.is_numeric_dtype(values.dtype) or _holds_booleans(values)


def _typed_as_written(values: pd.Series, written: pd.Series) -> pd.Series | None:
    """A numeric or boolean column as its text says, or None when pandas' reading keeps it."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or _holds_booleans(values):
        return None if set(written.dropna().unique()) <= _PANDAS_BOOLEANS else written
    lossy = written.str.contains(_LEADING_ZEROS, na=False)
    if pd.api.types.is_float_dtype(dtype):
        lossy |= written.str.contains(_LONG_INTEGER, na=False)
    if lossy.any():
        return written
    integers = written.dropna().str.fullmatch(_INTEGER)
    if pd.api.types.is_float_dtype(dtype) and len(integers) and integers.all():
        return values.astype("Int64")
    return None


def whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns of whole numbers and nulls as Int64: how pandas reads JSON integers
    with nulls (a JSON file written from floats says 1.0, which reads back the same way)."""
    whole = [
        position
        for position, dtype in enumerate(frame.dtypes)
        if pd.api.types.is_float_dtype(dtype) and _whole_with_nulls(frame.iloc[:, position])
    ]
    if not whole:
        return frame
    frame = frame.copy()
    for position in whole:
        frame.isetitem(position, frame.iloc[:, position].astype("Int64"))
    return frame


def _whole_with_nulls(values: pd.Series) -> bool:
    present = values.dropna().to_numpy()
    return 0 < len(present) < len(values) and bool(((present == present.round()) & (abs(present) < 2**53)).all())


def _holds_booleans(values: pd.Series) -> bool:
    """Whether an object column holds booleans and nulls only (pandas' reading of true/false with blanks)."""
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "boolean"


def comma_numbers(written: pd.Series, *, delimiter: str) -> pd.Series | None:
    """Numbers written with commas as numbers (see the module docstring), or None."""
    present = written.dropna()
    if present.empty or not present.str.contains(",", regex=False).any():
        return None
    # (pattern, grouping mark, decimal mark)
    readings = [(_THOUSANDS, ",", "."), (_DECIMAL_COMMA, ".", ",")]
    if delimiter == ";":
        readings.reverse()
    for pattern, grouping, decimal in readings:
        if not present.str.fullmatch(pattern).all():
            continue
        digits = written.str.replace(grouping, "", regex=False).str.replace(decimal, ".", regex=False)
        numbers = pd.to_numeric(digits.str.strip())
        if pd.api.types.is_float_dtype(numbers.dtype) and not present.str.contains(decimal, regex=False).any():
            return numbers.astype("Int64")
        return numbers
    return None
