"""BIRTHDATE <= DEATHDATE and friends: the gap reparametrization and its repair."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.constraints import Inequality, constraint_from_dict

RNG = np.random.default_rng(0)


@pytest.fixture()
def patients(patients_path) -> pd.DataFrame:
    return pd.read_csv(patients_path)


def test_death_date_becomes_a_gap_in_days_and_comes_back_exactly(patients):
    rule = Inequality(low="BIRTHDATE", high="DEATHDATE").fit(patients)
    reshaped = rule.transform(patients)
    assert "DEATHDATE" not in reshaped and "DEATHDATE - BIRTHDATE" in reshaped
    gaps = reshaped["DEATHDATE - BIRTHDATE"].dropna()
    assert (gaps >= 0).all() and (gaps == gaps.round()).all()
    restored = rule.reverse_transform(reshaped, rng=RNG)
    pd.testing.assert_series_equal(restored["DEATHDATE"], patients["DEATHDATE"])
    assert list(restored.columns) == list(patients.columns)


def test_negative_gaps_from_a_model_are_clipped(patients):
    rule = Inequality(low="BIRTHDATE", high="DEATHDATE", strict=True).fit(patients)
    reshaped = rule.transform(patients)
    reshaped["DEATHDATE - BIRTHDATE"] = -5.0
    restored = rule.reverse_transform(reshaped, rng=RNG)
    assert rule.is_valid(restored).all()
    born, died = pd.to_datetime(restored["BIRTHDATE"]), pd.to_datetime(restored["DEATHDATE"])
    earliest = born.where(born > "1981-11-06", pd.Timestamp("1981-11-06")) + pd.Timedelta(days=1)
    assert (died == earliest).all()  # a day after birth, and not before the earliest death seen


def test_declared_gap_column_is_a_bounded_integer(patients):
    rule = Inequality(low="BIRTHDATE", high="DEATHDATE").fit(patients)
    from synthdata import Schema

    columns = rule.transformed_columns(list(Schema.infer(patients).columns.values()))
    gap = next(column for column in columns if column.name == "DEATHDATE - BIRTHDATE")
    assert (gap.type, gap.min) == ("integer", 0.0) and gap.max > 20_000
    assert gap.nullable == pytest.approx(0.9, abs=0.01)


def test_timestamps_with_zone_count_seconds(synthea):
    encounters = pd.read_csv(synthea / "ne_111" / "encounters.csv", nrows=300)
    rule = Inequality(low="START", high="STOP").fit(encounters)
    reshaped = rule.transform(encounters)
    assert reshaped["STOP - START"].iloc[0] == 15 * 60
    restored = rule.reverse_transform(reshaped, rng=RNG)
    assert restored["STOP"].tolist() == encounters["STOP"].tolist()


def test_floats_keep_their_decimals_and_strictness():
    df = pd.DataFrame({"low": [1.25, 2.5, np.nan], "high": [1.5, 2.75, 3.0]})
    rule = Inequality(low="low", high="high", strict=True).fit(df, columns=None)
    assert rule.mode_ == "clip"  # a high without a low would be lost in a gap
    broken = pd.DataFrame({"low": [1.25, 5.0, 2.0], "high": [1.0, np.nan, 2.0]})
    repaired = rule.repair(broken, rng=RNG)
    assert repaired["low"].tolist()[::2] == [1.0, 2.0] and np.isnan(repaired["high"].iloc[1])
    assert repaired["high"].tolist()[::2] == [1.25, 2.01]
    assert rule.is_valid(repaired).all()


def test_data_that_breaks_the_rule_is_refused_with_rows():
    df = pd.DataFrame({"a": [1, 5, 2], "b": [2, 3, 2]})
    with pytest.raises(SchemaError, match=r"1 rows \(first rows: \[1\]\)"):
        Inequality(low="a", high="b").fit(df)
    with pytest.raises(SchemaError, match="both sides"):
        Inequality(low="a", high="d").fit(df.assign(d=["2020-01-01", "2021-01-01", "2022-01-01"]))


def test_learned_state_survives_json(patients):
    rule = Inequality(low="BIRTHDATE", high="DEATHDATE").fit(patients)
    copy = constraint_from_dict(json.loads(json.dumps(rule.to_dict())))
    pd.testing.assert_frame_equal(copy.transform(patients), rule.transform(patients))


def _multiples(values: pd.Series, step: float) -> float:
    return float((values % step == 0).mean())


def test_a_round_high_rebuilt_from_a_low_with_digits_keeps_its_round_numbers(adult):
    """Hours worked in fives, above a figure with random digits: the rebuilt hours are round again."""
    rng = np.random.default_rng(0)
    hours = adult["hours-per-week"].astype(float)
    rows = pd.DataFrame({"floor": (hours - rng.uniform(0, 10, len(hours))).round(2), "hours": hours})
    rule = Inequality(low="floor", high="hours").fit(rows)
    reshaped = rule.transform(rows)
    # a model's gaps: the right size, digits anywhere
    reshaped["hours - floor"] = (reshaped["hours - floor"] + rng.normal(0, 2, len(rows))).clip(0, None)
    again = constraint_from_dict(json.loads(json.dumps(rule.to_dict())))
    restored = again.reverse_transform(reshaped, rng=RNG)
    assert again.is_valid(restored).all()
    for step in (5.0, 10.0):
        assert abs(_multiples(restored["hours"], step) - _multiples(hours, step)) < 0.05, step


def test_a_high_as_round_as_its_low_is_not_rounded_again(adult):
    """Both sides in fives: the gap carries the roundness, so `high` learns no steps of its own."""
    hours = adult["hours-per-week"].astype(float)
    rows = pd.DataFrame({"hours": hours, "household hours": hours + 5.0 * (adult["age"] % 4)})
    assert Inequality(low="hours", high="household hours").fit(rows).high_steps_ is None
