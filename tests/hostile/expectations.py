"""What a fit on any table must give back: the table's columns, dtypes and values.

`fit_and_sample` is the one call every hostile table goes through; `check_sample`
states, column by column, what "matches the input" means: the same columns in the
same order and dtypes, categories only from the real ones, numbers and dates within
the real range, no nulls where the real column had none, only nulls where it had
nothing else. Generated columns (ids, Faker values, text) are new by design, so
only their dtype and null rules are held to the input.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from synthdata import TabularGAN
from synthdata.schema.dates import parse

# Small networks: these tests are about what goes in and comes out, not about fidelity.
SMALL = {"embedding_dim": 16, "generator_dims": (32,), "critic_dims": (32,), "verbose": False}
# The widest span a column may take: 100 categories and the pool of rare ones. Wider
# would mean the model one-hot encodes an id or free-text column.
MAX_SPAN_WIDTH = 101


def fit_and_sample(frame: pd.DataFrame, n: int = 50, *, seed: int = 0) -> tuple[TabularGAN, pd.DataFrame]:
    """A one-epoch fit on `frame` and `n` rows from it."""
    model = TabularGAN(epochs=1, batch_size=100, seed=seed, **SMALL).fit(frame)
    return model, model.sample(n)


def check_sample(real: pd.DataFrame, model: TabularGAN, sample: pd.DataFrame, n: int = 50) -> None:
    """Assert that `sample` is `n` rows shaped like `real` (see the module docstring)."""
    assert max(span.width for span in model.transformer_.spans_) <= MAX_SPAN_WIDTH
    assert list(sample.columns) == list(real.columns)
    assert len(sample) == n
    # a rare_values column makes its rare values afresh, so it may hold values the real one never did
    fresh = {c.column for c in model.schema_.constraints if c.type == "rare_values"}
    for name in real.columns:
        check_column(real[name], sample[name], model.schema_.columns[str(name)], fresh=str(name) in fresh)


def check_column(real: pd.Series, synthetic: pd.Series, column, *, fresh: bool = False) -> None:
    where = f"column {real.name!r} ({column.type})"
    assert str(synthetic.dtype) == str(real.dtype), f"{where}: dtype {synthetic.dtype}, real {real.dtype}"
    if real.notna().all():
        assert synthetic.notna().all(), f"{where}: nulls where the real column has none"
    if real.isna().all():
        assert synthetic.isna().all(), f"{where}: values where the real column has only nulls"
    values = synthetic.dropna()
    present = real.dropna()
    if values.empty:
        return
    if column.type in ("categorical", "boolean") and not fresh:
        unknown = set(values) - set(present)
        assert not unknown, f"{where}: values the real column never held: {list(unknown)[:3]}"
    elif column.type in ("numerical", "integer"):
        numbers, bounds = _as_floats(values), _as_floats(present)
        assert bounds.min() <= numbers.min() and numbers.max() <= bounds.max(), (
            f"{where}: {numbers.min()}..{numbers.max()} outside {bounds.min()}..{bounds.max()}"
        )
        if column.type == "integer":
            assert np.all(numbers == np.round(numbers)), f"{where}: fractions in an integer column"
    elif column.type == "datetime":
        moments, bounds = _as_moments(values, column), _as_moments(present, column)
        assert moments.notna().all(), f"{where}: dates that do not read in format {column.format!r}"
        assert bounds.min() <= moments.min() and moments.max() <= bounds.max(), f"{where}: dates out of range"
    elif column.type == "constant":
        assert (values == present.iloc[0]).all(), f"{where}: not the constant {present.iloc[0]!r}"


def _as_floats(values: pd.Series) -> np.ndarray:
    return np.array([float(value) for value in values], dtype=float)


def _as_moments(values: pd.Series, column) -> pd.Series:
    """Dates on one clock (UTC; naive ones as written), so any two columns compare."""
    if pd.api.types.infer_dtype(values) == "string":
        values = parse(values, column.format)
    elif not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values, utc=True)
    if values.dt.tz is None:
        return values.dt.tz_localize("UTC")
    return values.dt.tz_convert("UTC")


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when the block runs longer than `seconds`."""

    def expire(signum, frame):
        raise AssertionError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome_within(seconds: float, call: Callable[[], object]) -> tuple[str, str]:
    """(exception type name or "ok", message) of `call()` run in a forked child, which is
    killed after `seconds`: a regex stuck in the C engine never sees SIGALRM, a child can be
    ended anyway."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            call()
            report = ["ok", ""]
        except BaseException as error:
            report = [type(error).__name__, str(error)[:2000]]
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        raise AssertionError(f"still running after {seconds} s: a hang")
    with os.fdopen(read_end, "rb") as pipe:
        name, message = json.loads(pipe.read() or b'["died", "the child wrote nothing"]')
    return name, message
