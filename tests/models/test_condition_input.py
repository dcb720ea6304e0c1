"""How `sample(conditions=...)` reads what a caller passes, including the odd cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import SynthDataError, TabularGAN


@pytest.fixture(scope="module")
def small_model():
    rng = np.random.default_rng(0)
    group = rng.choice(["alpha", "beta", None], size=600, p=[0.6, 0.3, 0.1])
    frame = pd.DataFrame({"x": rng.normal(10, 2, 600).round(2), "group": group})
    return TabularGAN(epochs=2, batch_size=100, verbose=False).fit(frame)


def test_a_single_expression_string_is_one_condition(small_model):
    rows = small_model.sample(50, conditions="group=beta")
    assert (rows["group"] == "beta").all()


def test_null_can_be_asked_for_when_the_column_has_nulls(small_model):
    rows = small_model.sample(40, conditions={"group": None})
    assert rows["group"].isna().all()


def test_conditions_of_the_wrong_type_are_refused(small_model):
    with pytest.raises(SynthDataError, match="mapping"):
        small_model.sample(10, conditions=5)


@pytest.mark.parametrize(
    "conditions, message",
    [
        ({"x": (12, 8)}, "no value lies"),
        (["x>12", "x<12"], "no value lies"),
        ({"x": (float("nan"), 3)}, "not a number"),
    ],
)
def test_empty_ranges_are_refused_before_sampling(small_model, conditions, message):
    with pytest.raises(SynthDataError, match=message):
        small_model.sample(10, conditions=conditions)
