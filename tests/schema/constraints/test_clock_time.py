"""`clock_time`: HHMM times of day learned as minutes since midnight, written back as times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema import Column
from synthdata.schema.constraints import ClockTime, constraint_from_dict

TIMES = pd.DataFrame({"dep": [5.0, 1259.0, 1300.0, 2400.0, np.nan]})
COLUMNS = {"dep": Column(name="dep", type="integer", dtype="float64", nullable=0.2)}


def fitted() -> ClockTime:
    return ClockTime(column="dep").fit(TIMES, columns=COLUMNS)


def test_the_model_sees_minutes_and_one_minute_apart_is_one_apart():
    minutes = fitted().transform(TIMES)["dep"]
    assert minutes.tolist()[:4] == [5.0, 779.0, 780.0, 1440.0] and np.isnan(minutes.iloc[4])
    [declared] = fitted().transformed_columns(list(COLUMNS.values()))
    assert (declared.min, declared.max) == (5.0, 1440.0)


def test_any_number_the_model_draws_comes_back_a_time_of_day():
    drawn = pd.DataFrame({"dep": [779.4, 845.0, -30.0, 5000.0, np.nan]})
    back = fitted().reverse_transform(drawn, rng=np.random.default_rng(0))["dep"]
    assert back.tolist()[:4] == [1259.0, 1405.0, 5.0, 2400.0] and np.isnan(back.iloc[4])
    assert fitted().is_valid(back.to_frame()).all()


def test_a_value_that_is_no_time_is_refused_and_repaired_without_a_model():
    broken = pd.DataFrame({"dep": [1465.0, 1200.0]})
    with pytest.raises(SchemaError, match=r"breaks 'clock_time dep.*1 rows"):
        ClockTime(column="dep").fit(broken, columns=COLUMNS)
    assert fitted().repair(broken, rng=np.random.default_rng(0))["dep"].tolist() == [1459.0, 1200.0]


def test_round_trips_with_its_learned_range():
    again = constraint_from_dict(fitted().to_dict())
    assert again.to_dict() == fitted().to_dict() and again.range_ == [5.0, 1440.0]
