"""Round numbers: a column written in fives or thousands gets them back, others keep their digits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.schema.round_steps import RoundSteps


def _share_of_multiples(values: np.ndarray, step: float) -> float:
    return float(np.mean(np.abs(values / step - np.round(values / step)) < 1e-9))


def test_hours_written_in_fives_come_back_in_fives(adult: pd.DataFrame) -> None:
    hours = adult["hours-per-week"].to_numpy(dtype=float)
    steps = RoundSteps.fit(hours, unit=1.0)
    assert steps.rounds
    # what a model gives back: the right spread, digits anywhere
    made = np.clip(hours + np.random.default_rng(0).normal(0, 3, len(hours)), 1, None).round()
    rounded = steps.apply(made, rng=np.random.default_rng(1))
    for step in (5.0, 10.0):
        assert abs(_share_of_multiples(rounded, step) - _share_of_multiples(hours, step)) < 0.03, step
    assert np.abs(rounded - made).max() <= 5.0


def test_columns_round_only_by_chance_learn_no_step(adult: pd.DataFrame) -> None:
    # ages and weights have random digits; education-num's common 10 is a value, not a grid of tens
    for name in ("age", "fnlwgt", "education-num"):
        steps = RoundSteps.fit(adult[name].to_numpy(dtype=float), unit=1.0)
        assert not steps.rounds, name
        values = adult[name].to_numpy(dtype=float)[:100]
        assert (steps.apply(values, rng=np.random.default_rng(0)) == values).all()


def test_rounding_up_never_lowers_a_value_and_the_state_round_trips(adult: pd.DataFrame) -> None:
    gains = adult["capital-gain"].to_numpy(dtype=float)
    steps = RoundSteps.fit(adult["hours-per-week"].to_numpy(dtype=float) * 100, unit=1.0)
    again = RoundSteps.from_state(steps.state())
    raised = again.apply(gains + 0.4, rng=np.random.default_rng(0), rounding="up")
    assert (raised >= gains + 0.4).all()
    np.testing.assert_array_equal(again.shares_, steps.shares_)
