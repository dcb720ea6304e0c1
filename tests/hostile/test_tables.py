"""Messy tables into TabularGAN: the table's own shape back, or one clear SynthDataError.

Named cases pin down each kind of mess (and each bug it once caused); the property
test lets hypothesis combine them, with names and sizes nobody thought of. Every fit
is one epoch of small networks: what is tested is the way in and out, not fidelity.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings

from synthdata import SynthDataError, TabularGAN

from .expectations import SMALL, check_sample, fit_and_sample, time_limit
from .strategies import MANY_ROWS, hostile_frames

N = 120
RNG = np.random.default_rng(0)
DAYS = pd.date_range("2020-01-01", periods=N, freq="D")
HOURS = pd.date_range("2020-01-01", periods=N, freq="h", tz="Europe/Paris")


def _cycle(values, n=N, dtype=None) -> pd.Series:
    return pd.Series([values[i % len(values)] for i in range(n)], dtype=dtype)


# Tables that must come back in their own shape.
GIVEN_BACK = {
    "floats with nulls": {"x": _cycle([1.0, np.nan, 3.5, 2.0])},
    "float32 and float16": {"a": _cycle([1.5, 2.5, 3.25], dtype="float32"), "b": _cycle([1.5, 2.5], dtype="float16")},
    "nullable Float64": {"x": _cycle([1.5, None, 3.25], dtype="Float64")},
    "sparse floats": {"x": _cycle([0.0, 0.0, 1.5]).astype("Sparse[float64, nan]")},
    "more decimals than kept": {"x": RNG.normal(size=N)},
    "nullable Int64": {"x": _cycle([1, None, 3, 4], dtype="Int64")},
    "int8 and uint8 limits": {"a": _cycle([-128, 127, 0], dtype="int8"), "b": _cycle([0, 255, 7], dtype="uint8")},
    "int64 limits": {"x": _cycle([2**63 - 1, -(2**63), 0], dtype="int64")},
    "uint64 beyond int64": {"x": _cycle([2**63 + 5, 2**64 - 1, 1], dtype="uint64")},
    "integers beyond int64 as objects": {"x": _cycle([2**70, -(2**80), 5, None], dtype=object)},
    "integers beyond int64 in an id column": {"id": _cycle([-(2**63) - 1000, 2**63 + 7, None], dtype=object)},
    "19-digit integers a float cannot tell apart": {"x": _cycle([-9223372036854775386, -9223372036854775809])},
    "huge floats": {"x": _cycle([1e308, -1e308, 0.0])},
    "one huge outlier among small floats": {"x": _cycle([1e308, -1.0, 0.0, 1.0, 2.0, 0.5, 1.5])},
    "subnormal floats": {"x": _cycle([1e-308, 5e-324, 0.0, 1.0])},
    "bool": {"x": _cycle([True, False, True])},
    "boolean with nulls": {"x": _cycle([True, None, False], dtype="boolean")},
    "bool objects with nulls": {"x": _cycle([True, None, False])},
    "yes/no text": {"x": _cycle(["yes", "no", None])},
    "category with unused categories": {"x": pd.Categorical(_cycle(["a", "b"]), categories=["a", "b", "z"])},
    "category with nulls": {"x": pd.Categorical(_cycle(["a", None, "b"]))},
    "string dtype with nulls": {"x": _cycle(["a", None, "b"], dtype="string")},
    "numbers and text mixed": {"x": _cycle([1, "a", 2.5, None, "b"])},
    # Nearly every row its own value: an id made afresh, beside a column to learn.
    "numbers as text with one word": {"x": [str(i) for i in range(2000)] + ["abc"], "y": RNG.normal(size=2001)},
    "mixed date formats": {"x": list(DAYS[:60].strftime("%Y-%m-%d")) + list(DAYS[60:].strftime("%d/%m/%Y"))},
    "Decimal objects": {"x": _cycle([Decimal("1.5"), Decimal("2.25"), None])},
    "datetime64": {"x": pd.Series(DAYS)},
    "datetime64 with NaT": {"x": pd.Series(DAYS).where(DAYS.day % 3 > 0)},
    "datetime64 with a time zone": {"x": pd.Series(HOURS)},
    "datetime64 to the nanosecond": {"x": pd.to_datetime(_cycle([1, 2, 3]) + 1_600_000_000_000_000_000)},
    "datetime64[s] beyond pandas' nanosecond range": {
        "x": pd.Series(np.array(["1500-01-01", "2500-01-01", "2000-01-01"] * 40, dtype="datetime64[s]"))
    },
    "ISO date text": {"x": pd.Series(DAYS.strftime("%Y-%m-%d"), dtype=object)},
    "US date text": {"x": pd.Series(DAYS.strftime("%m/%d/%Y"), dtype=object)},
    "German date text": {"x": pd.Series(DAYS.strftime("%d.%m.%Y"), dtype=object)},
    "date text with offsets": {"x": pd.Series(HOURS.strftime("%Y-%m-%dT%H:%M:%S%z"), dtype=object)},
    "ISO text with colon offsets": {"x": pd.Series([moment.isoformat() for moment in HOURS], dtype=object)},
    "date objects": {"x": _cycle([dt.date(2020, 1, 1), dt.date(2021, 6, 30)])},
    "Timestamp objects in one zone": {"x": pd.Series(list(HOURS), dtype=object)},
    "all null": {"x": [None] * N, "y": _cycle([1, 2, 3, 4, 5])},
    "constant": {"x": [5] * N, "y": RNG.normal(size=N)},
    "unicode and blank names": {"é ü": RNG.normal(size=N), " ": _cycle([0, 1, 2]), "": _cycle(["a", "b"])},
    "names the CLI and SQL parse": {
        "a=b": _cycle(["x", "y"]),
        "c>=d": RNG.normal(size=N),
        'q"; DROP TABLE t; --': _cycle([1, 2, 3, 4]),
    },
    "10,000 distinct strings": {"x": [f"v{i}" for i in range(10_000)], "y": np.arange(10_000) % 7},
    "a 10,000-category dtype": {"x": pd.Categorical([f"c{i}" for i in range(10_000)]), "y": np.arange(10_000) % 3},
    "100,000-character strings": {"x": _cycle(["a" * 100_000, "b" * 100_000, "c"])},
    "control characters and emoji": {"x": _cycle(["a\x00b", "\x1b[31mred", "tab\there", "🙂", "\u202e"])},
    "two rows": {"x": [1.5, 2.5], "y": ["a", "b"]},
    "60 columns": {f"c{i}": RNG.normal(size=N) for i in range(60)},
}

# Tables that cannot be learned as they are: the error names the column and the remedy.
REFUSED = {
    "no rows": ({"x": pd.Series([], dtype=float)}, r"no rows.*at least one row"),
    "one row": ({"x": [1.5], "y": ["a"]}, r"'x': constant, 'y': constant.*Schema\.infer\(df\)\.sample"),
    "only nulls": ({"x": [None] * N}, r"'x': constant.*nothing to fit"),
    "infinities": ({"x": _cycle([1.0, np.nan, np.inf, -np.inf, 2.0])}, r"'x' holds infinite values.*replace them"),
    "repeated names": (pd.DataFrame([[1, 2]] * N, columns=["a", "a"]), r"unique; repeated: \['a'\]"),
    "integer names": ({0: RNG.normal(size=N)}, r"must be text, but 0 is int; rename"),
    "tuple names": (
        pd.DataFrame(RNG.normal(size=(N, 2)), columns=pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")])),
        r"must be text",
    ),
    "durations": ({"x": pd.to_timedelta(np.arange(N), unit="s")}, r"'x' holds timedelta64\[ns\] values.*total_seconds"),
    "complex numbers": ({"x": np.arange(N) + 1j}, r"'x' holds complex128 values.*convert"),
    "periods": ({"x": pd.period_range("2020-01", periods=N, freq="M")}, r"'x' holds period\[M\] values"),
    "intervals": ({"x": pd.interval_range(0, N)}, r"'x' holds interval"),
    "bytes": ({"x": _cycle([b"a", b"b"])}, r"'x' holds bytes values"),
    "lists": ({"x": _cycle([[1], [2]])}, r"'x' holds list values"),
    "dicts": ({"x": _cycle([{"a": 1}, {"b": 2}])}, r"'x' holds dict values"),
    "integers beyond a float": ({"x": _cycle([10**400, 1, 2], dtype=object)}, r"'x' holds integers beyond.*as text"),
    "dates that fit no format": (
        {"x": list(DAYS[:60].strftime("%Y-%m-%d")) + ["2020-13-45"] * 60},
        r"'x' holds dates.*fit no date format.*`format:`",
    ),
    "mixed time zones in objects": (
        {"x": _cycle([pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-01", tz="US/Eastern")])},
        r"'x' holds dates in more than one time zone.*utc=True",
    ),
}


@pytest.mark.parametrize("name", list(GIVEN_BACK))
def test_messy_tables_come_back_in_their_own_shape(name):
    frame = pd.DataFrame(GIVEN_BACK[name])
    model, sample = fit_and_sample(frame)
    check_sample(frame, model, sample)


@pytest.mark.parametrize("name", list(REFUSED))
def test_unlearnable_tables_are_one_clear_error(name):
    data, message = REFUSED[name]
    with pytest.raises(SynthDataError, match=message):
        fit_and_sample(pd.DataFrame(data))


def test_nothing_is_left_for_pandas_or_torch_to_raise():
    """Non-frames and options in the wrong shape are refused before any work starts."""
    with pytest.raises(SynthDataError, match="DataFrame"):
        TabularGAN(**SMALL).fit({"x": [1, 2]})
    with pytest.raises(SynthDataError, match="no columns"):
        TabularGAN(**SMALL).fit(pd.DataFrame(index=range(5)))
    frame = pd.DataFrame(GIVEN_BACK["floats with nulls"])
    for seed in (-1, 2**64, 1.5, "7", None, True):
        with pytest.raises(SynthDataError, match="seed must be a whole number"):
            TabularGAN(seed=seed, **SMALL).fit(frame)
    model, _ = fit_and_sample(frame)
    for seed in (-1, 2**64, 1.5, "7"):
        with pytest.raises(SynthDataError, match="seed must be a whole number"):
            model.sample(5, seed=seed)


def test_a_saved_model_of_messy_columns_samples_the_same_after_loading(tmp_path):
    cases = ("uint64 beyond int64", "Timestamp objects in one zone", "category with nulls", "string dtype with nulls")
    frame = pd.DataFrame({case: GIVEN_BACK[case]["x"] for case in cases})
    model, sample = fit_and_sample(frame)
    loaded = TabularGAN.load(model.save(tmp_path / "messy.synth"))
    pd.testing.assert_frame_equal(loaded.sample(50), sample)


def test_null_shares_survive_a_short_fit():
    """Each kind keeps its nulls, neither losing them nor letting them take over (a short
    fit of small networks is not precise, so the bound is loose)."""
    n = 1000
    missing = np.random.default_rng(1).random(n) < 0.3
    frame = pd.DataFrame(
        {
            "float": pd.Series(np.random.default_rng(2).normal(size=n)).where(~missing),
            "Int64": pd.Series(np.arange(n) % 50, dtype="Int64").where(~missing),
            "boolean": pd.Series(np.arange(n) % 2 == 0, dtype="boolean").where(~missing),
            "category": pd.Series(pd.Categorical(np.asarray(["a", "b", "c"])[np.arange(n) % 3])).where(~missing),
            "dates": pd.Series(pd.date_range("2020-01-01", periods=n, freq="D").strftime("%d.%m.%Y")).where(~missing),
        }
    )
    model = TabularGAN(epochs=30, batch_size=100, **SMALL).fit(frame)
    sample = model.sample(2000)
    check_sample(frame, model, sample, n=2000)
    for name in frame.columns:
        assert abs(sample[name].isna().mean() - missing.mean()) < 0.25, name


def _clear_error_or_own_shape(frame: pd.DataFrame) -> None:
    with time_limit(120):
        try:
            model, sample = fit_and_sample(frame)
        except SynthDataError as error:
            assert_actionable(str(error), frame)
            event(f"refused: {ERROR_KINDS.search(str(error)).group(0) if ERROR_KINDS.search(str(error)) else 'other'}")
            return
    event("fitted and sampled")
    check_sample(frame, model, sample)


ERROR_KINDS = re.compile(
    r"no rows|must be unique|must be text|No column is learned|infinite|holds \w+ values|fit no date format|time zone"
)


ACTIONS = re.compile(r"\b(add|use|declare|convert|replace|rename|drop|store|generate|point|fit|clean)\b", re.IGNORECASE)
WHOLE_TABLE = re.compile(r"no rows|no columns|must be unique|must be text|No column is learned")


def assert_actionable(message: str, frame: pd.DataFrame) -> None:
    """The message names a column (or says the problem is the whole table) and a remedy."""
    named = WHOLE_TABLE.search(message) or any(
        repr(str(name)) in message or f"'{name}'" in message for name in frame.columns
    )
    assert named, f"names no column: {message}"
    assert ACTIONS.search(message), f"says nothing to do: {message}"


QUICK = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
THOROUGH = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@QUICK
@given(frame=hostile_frames())
def test_any_small_table_gives_its_shape_back_or_a_clear_error(frame):
    _clear_error_or_own_shape(frame)


@settings(QUICK, max_examples=3)
@given(frame=hostile_frames(rows=MANY_ROWS))
def test_a_few_tables_of_thousands_of_rows(frame):
    _clear_error_or_own_shape(frame)


@pytest.mark.slow
@THOROUGH
@given(frame=hostile_frames())
def test_many_small_tables(frame):
    _clear_error_or_own_shape(frame)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(frame=hostile_frames(rows=MANY_ROWS, max_columns=6))
def test_many_tables_of_thousands_of_rows(frame):
    _clear_error_or_own_shape(frame)
