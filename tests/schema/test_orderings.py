"""Pairs of dates where one never precedes the other are found, and the gap between
them is what the model learns: sampled courses keep their real lengths."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata import Schema, TabularGAN
from synthdata.schema.constraints import Inequality
from synthdata.schema.infer import infer_columns
from synthdata.schema.orderings import MIN_ROWS_WITH_BOTH, ordered_date_pairs

COURSES = {"penicillin": 10, "amoxicillin": 7, "prednisone": 5}


def prescriptions(rows: int, seed: int = 0) -> pd.DataFrame:
    """Courses of fixed length starting any day over 20 years; a third still running;
    a billing date that comes before or after the start."""
    rng = np.random.default_rng(seed)
    drug = rng.choice(list(COURSES), rows)
    start = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 7_300, rows), unit="D")
    stop = start + pd.to_timedelta([COURSES[d] for d in drug], unit="D")
    billed = start + pd.to_timedelta(rng.integers(-30, 30, rows), unit="D")
    running = rng.random(rows) < 0.33
    return pd.DataFrame(
        {
            "START": start.strftime("%Y-%m-%d"),
            "STOP": pd.Series(stop.strftime("%Y-%m-%d")).where(~running, None),
            "BILLED": billed.strftime("%Y-%m-%d"),
            "DRUG": drug,
        }
    )


def pairs(df: pd.DataFrame) -> list[tuple[str, str]]:
    return ordered_date_pairs(df, infer_columns(df))


def test_the_stop_date_follows_the_start_and_nothing_else_is_ordered():
    df = prescriptions(2_000)
    assert pairs(df) == [("START", "STOP")]
    assert "inequality START <= STOP" in [c.describe() for c in Schema.infer(df).constraints]


def test_a_gap_as_wide_as_the_dates_is_left_to_the_dates():
    rng = np.random.default_rng(0)
    born = pd.Timestamp("1920-01-01") + pd.to_timedelta(rng.integers(0, 25_000, 1_000), unit="D")
    died = born + pd.to_timedelta(rng.integers(0, 30_000, 1_000), unit="D")
    df = pd.DataFrame({"BIRTHDATE": born.strftime("%Y-%m-%d"), "DEATHDATE": died.strftime("%Y-%m-%d")})
    assert (pd.to_datetime(df["DEATHDATE"]) >= pd.to_datetime(df["BIRTHDATE"])).all()
    assert pairs(df) == []


def test_one_stop_before_its_start_breaks_the_pair():
    df = prescriptions(2_000)
    df.loc[5, "STOP"] = "1990-01-01"
    assert pairs(df) == []


def test_too_few_rows_with_both_dates_find_nothing():
    df = prescriptions(MIN_ROWS_WITH_BOTH)  # a third have no stop date
    assert pairs(df) == []


def test_a_date_joins_one_pair_only():
    df = prescriptions(2_000)
    df["PAID"] = (pd.to_datetime(df["STOP"]) + pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d")
    found = pairs(df)
    columns = [name for pair in found for name in pair]
    assert len(columns) == len(set(columns))
    assert found == [("STOP", "PAID")]  # the closest pair (3 days) goes first


def test_sampled_courses_keep_their_real_lengths():
    real = prescriptions(3_000, seed=1)
    schema = Schema.infer(real)
    assert any(isinstance(c, Inequality) for c in schema.constraints)
    sample = TabularGAN(epochs=30, batch_size=200, verbose=False).fit(real, schema=schema).sample(3_000)
    both = sample.dropna(subset=["STOP"])
    days = (pd.to_datetime(both["STOP"]) - pd.to_datetime(both["START"])).dt.days
    assert (days >= 0).all()
    assert days.isin(list(COURSES.values())).mean() > 0.9
    assert abs(sample["STOP"].isna().mean() - real["STOP"].isna().mean()) < 0.04
