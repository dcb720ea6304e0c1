"""Dates written as strings: finding their one format, and reading and writing them.

A date column from a CSV file is text until someone says how to read it. Inference
tries the formats people use, on a sample, and keeps the one that reads the most
values as the column's primary format. A column written in several formats (exports
merged from different systems) is still a date column: each value is read in the
primary format when it fits, else in the candidate format that reads the most of the
remaining values, so a value that fits two formats (01/02/2020, month-first or
day-first) is read the way most of its column is. Only values that fit no format at
all make the column fail. Synthetic dates are written in the primary format, so the
output reads like most of the input.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

from synthdata.errors import SchemaError

# Tried in this order: ISO forms first, then month-first before day-first (US data
# is the common case; a day above 12 rules month-first out on its own).
CANDIDATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y%m%dT%H%M%S",
)

_LOOKS_LIKE_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}.*)?|\d{8}T\d{6}")

# A column is a date column when this share of its sampled values read in one format.
MAJORITY = 0.98


def looks_like_dates(values: list[str]) -> bool:
    """A cheap first test: every sampled value has the digits and separators of a date."""
    return bool(values) and all(_LOOKS_LIKE_DATE.fullmatch(value.strip()) for value in values)


def find_format(name: str, values: list[str]) -> str | None:
    """The primary strftime format of the sampled values, or None if they are not dates.

    The primary format is the one that reads the most values; the others must each
    fit some candidate format (see the module docstring). Raises SchemaError when
    most values are dates but some fit no format.
    """
    if not looks_like_dates(values):
        return None
    sample = pd.Series(values, dtype=object)
    best, best_share = None, 0.0
    for fmt in CANDIDATE_FORMATS:
        share = parse_one(sample, fmt).notna().mean()
        if share == 1.0:
            return fmt
        if share > best_share:
            best, best_share = fmt, share
    if best is not None and parse(sample, best).notna().all():
        return best
    if best is not None and best_share >= 0.5:
        raise SchemaError(
            f"Column '{name}' holds dates ({best!r} in {best_share:.0%} of sampled values) and values "
            "that fit no date format; clean those values, or declare the column's `format:` or `type:` in the schema."
        )
    return None


def parse(values: pd.Series, fmt: str | None) -> pd.Series:
    """Read dates in the primary format `fmt`, and values it cannot read in the other
    candidate formats (see the module docstring); values no format reads become NaT.
    """
    parsed = parse_one(values, fmt)
    if fmt is None:
        return parsed
    aware = pandas_format(fmt).endswith("%z")
    # Formats of the other awareness give timestamps that cannot share one column.
    others = [other for other in CANDIDATE_FORMATS if other != fmt and pandas_format(other).endswith("%z") == aware]
    unread = parsed.isna() & values.notna()
    while unread.any() and others:
        rest = values[unread]
        readings = {other: parse_one(rest, other) for other in others}
        best = max(others, key=lambda other: readings[other].notna().sum())
        if readings[best].notna().sum() == 0:
            break
        parsed = parsed.where(~unread, readings[best].reindex(parsed.index))
        others.remove(best)
        unread = parsed.isna() & values.notna()
    return parsed


def parse_one(values: pd.Series, fmt: str | None) -> pd.Series:
    """Read dates with one format; values that do not fit become NaT.

    A format ending in Z or %z gives UTC timestamps, others naive ones. None means the
    values are already datetimes (or ISO strings pandas reads on its own).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt is None:
            return pd.to_datetime(values, errors="coerce")
        readable = pandas_format(fmt)
        parsed = pd.to_datetime(values, format=readable, errors="coerce", utc=readable.endswith("%z"))
    if readable != fmt:
        # %z also reads offsets such as -0500, which a format ending in a literal Z does not hold.
        parsed = parsed.where(values.astype(str).str.endswith("Z"))
    return parsed


def pandas_format(fmt: str) -> str:
    """The format pandas reads `fmt` with: a literal trailing Z becomes %z, which pandas
    reads on its fast path (a literal Z goes through its slow strptime one)."""
    return fmt[:-1] + "%z" if fmt.endswith("Z") and not fmt.endswith("%Z") else fmt


def to_iso(moment: pd.Timestamp) -> str:
    """A JSON-able ISO string: a plain date when the time is midnight, else a timestamp."""
    if moment == moment.normalize() and moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d")
    return moment.isoformat()
