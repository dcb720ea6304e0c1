"""Hypothesis strategies for messy tables: every dtype a DataFrame meets in the wild.

Hypothesis draws the shape of a table (rows, column kinds, names, which edge cases a
column holds, a seed); the values themselves come from NumPy seeded by that draw, so
a table of thousands of rows costs one draw instead of thousands, and a failing
example still shrinks to the kind and the flags that broke it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%dT%H%M%S")
TIME_ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata")
KINDS = (
    "float",
    "int",
    "Int64",
    "bool",
    "boolean",
    "category",
    "mixed",
    "datetime",
    "datetime_tz",
    "date_text",
    "all_null",
    "constant",
    "high_cardinality",
    "huge_int",
    "long_text",
)

# Names people give columns, hostile ones included: blanks, unicode, quotes, operators
# the CLI's --where parses, SQL.
NAMES = st.one_of(
    st.sampled_from(["x", "id", "age", " ", "", "é ü", "名前", "a=b", "c>=d", 'q"; DROP TABLE t; --', "zip_code"]),
    st.text(min_size=0, max_size=12),
)
# Mostly tables a model can learn; empty and one- or two-row tables a quarter of the time.
ROWS = st.one_of(st.sampled_from([0, 1, 2]), st.integers(3, 60), st.integers(3, 60), st.integers(3, 60))
MANY_ROWS = st.integers(2000, 4000)


@st.composite
def hostile_frames(draw, *, rows=ROWS, max_columns: int = 4) -> pd.DataFrame:
    """A DataFrame of 1..max_columns columns of any kind in KINDS, names possibly repeated."""
    n = draw(rows)
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=max_columns))
    # Repeated names one time in four: they are refused at once, and the rest is worth fitting.
    unique = draw(st.sampled_from([True, True, True, False]))
    names = draw(st.lists(NAMES, min_size=len(kinds), max_size=len(kinds), unique=unique))
    columns = [draw(column_values(kind, n)) for kind in kinds]
    frame = pd.DataFrame(dict(enumerate(columns)))
    frame.columns = names
    return frame


@st.composite
def column_values(draw, kind: str, n: int) -> pd.Series:
    """`n` values of one kind, with the edge cases the draw asks for."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    null_share = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 0.95]))
    nulls = rng.random(n) < null_share
    return _MAKERS[kind](draw, rng, n, nulls)


def _float(draw, rng, n, nulls):
    values = rng.normal(draw(st.floats(-1e6, 1e6)), draw(st.floats(1e-6, 1e6)), n)
    values = np.round(values, draw(st.integers(0, 12)))
    specials = draw(
        st.lists(st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 0.0, -0.0, 1e308, np.inf, -np.inf]), max_size=3)
    )
    values[: len(specials)] = specials[:n]
    values[nulls] = np.nan
    return pd.Series(values, dtype=draw(st.sampled_from(["float64", "float32", "Float64"])))


def _int(draw, rng, n, nulls):
    dtype = draw(st.sampled_from(["int64", "int32", "int8", "uint8", "uint64"]))
    info = np.iinfo(dtype)
    low = draw(st.integers(int(info.min), int(info.max)))
    high = draw(st.integers(low, int(info.max)))
    values = rng.integers(low, high, n, dtype=dtype, endpoint=True)
    return pd.Series(values, dtype=dtype)


def _nullable_int(draw, rng, n, nulls):
    values = pd.array(rng.integers(-1000, 1000, n), dtype="Int64")
    values[nulls] = pd.NA
    return pd.Series(values)


def _bool(draw, rng, n, nulls):
    return pd.Series(rng.random(n) < draw(st.floats(0, 1)))


def _nullable_bool(draw, rng, n, nulls):
    values = pd.array(rng.random(n) < 0.5, dtype="boolean")
    values[nulls] = pd.NA
    as_objects = draw(st.booleans())
    return pd.Series(values).astype(object).where(~nulls, None) if as_objects else pd.Series(values)


def _category(draw, rng, n, nulls):
    labels = draw(st.lists(st.text(max_size=8), min_size=1, max_size=12, unique=True))
    values = pd.Series(np.asarray(labels, dtype=object)[rng.integers(0, len(labels), n)], dtype=object)
    values[nulls] = None
    unused = draw(st.lists(st.text(max_size=8), max_size=2))
    return values.astype(pd.CategoricalDtype(list(dict.fromkeys([*labels, *unused]))))


def _mixed(draw, rng, n, nulls):
    pool = draw(
        st.lists(
            st.one_of(
                st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6)
            ),
            min_size=1,
            max_size=10,
        )
    )
    values = pd.Series([pool[i] for i in rng.integers(0, len(pool), n)], dtype=object)
    values[nulls] = draw(st.sampled_from([None, np.nan]))
    return values


def _moments(draw, rng, n) -> pd.DatetimeIndex:
    start = pd.Timestamp(draw(st.datetimes(min_value=pd.Timestamp("1700-01-01"), max_value=pd.Timestamp("2200-01-01"))))
    seconds = rng.integers(0, draw(st.sampled_from([1, 60, 86_400, 10**9])), n)
    return start + pd.to_timedelta(seconds, unit="s")


def _datetime(draw, rng, n, nulls):
    return pd.Series(_moments(draw, rng, n)).where(~nulls)


def _datetime_tz(draw, rng, n, nulls):
    moments = _moments(draw, rng, n).tz_localize("UTC").tz_convert(draw(st.sampled_from(TIME_ZONES)))
    return pd.Series(moments).where(~nulls)


def _date_text(draw, rng, n, nulls):
    text = pd.Series(_moments(draw, rng, n).strftime(draw(st.sampled_from(DATE_FORMATS))), dtype=object)
    return text.where(~nulls, None)


def _all_null(draw, rng, n, nulls):
    return pd.Series([draw(st.sampled_from([None, np.nan]))] * n, dtype=draw(st.sampled_from(["object", "float64"])))


def _constant(draw, rng, n, nulls):
    value = draw(
        st.one_of(st.integers(-(10**9), 10**9), st.text(max_size=8), st.booleans(), st.floats(allow_nan=False))
    )
    return pd.Series([value] * n)


def _high_cardinality(draw, rng, n, nulls):
    prefix = draw(st.text(alphabet="abcXYZ-_ ", max_size=4))
    distinct = max(n * draw(st.sampled_from([1, 1, 2])) // 2, 1)
    return pd.Series([f"{prefix}{i}" for i in rng.permutation(n) % distinct], dtype=object)


def _huge_int(draw, rng, n, nulls):
    base = draw(st.integers(2**63, 2**90))
    values = pd.Series(
        [
            base * int(sign) + int(offset)
            for sign, offset in zip(rng.choice([-1, 1], n), rng.integers(0, 1000, n), strict=True)
        ],
        dtype=object,
    )
    values[nulls] = None
    return values


def _long_text(draw, rng, n, nulls):
    length = draw(st.sampled_from([200, 5_000, 100_000]))
    letters = draw(st.lists(st.characters(), min_size=1, max_size=4))
    values = pd.Series([letters[i] * length for i in rng.integers(0, len(letters), n)], dtype=object)
    values[nulls] = None
    return values


_MAKERS = {
    "float": _float,
    "int": _int,
    "Int64": _nullable_int,
    "bool": _bool,
    "boolean": _nullable_bool,
    "category": _category,
    "mixed": _mixed,
    "datetime": _datetime,
    "datetime_tz": _datetime_tz,
    "date_text": _date_text,
    "all_null": _all_null,
    "constant": _constant,
    "high_cardinality": _high_cardinality,
    "huge_int": _huge_int,
    "long_text": _long_text,
}
