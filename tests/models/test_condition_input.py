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


def test_two_bounds_on_one_column_make_a_range(small_model):
    rows = small_model.sample(60, conditions=["x>=9", "x<=11"])
    assert rows["x"].between(9, 11).all()


def test_repeated_bounds_keep_the_tightest(small_model):
    rows = small_model.sample(40, conditions=["x>=8", "x>=9.5", "x<13", "x<=11"])
    assert rows["x"].between(9.5, 11).all()


@pytest.mark.parametrize(
    "conditions, message",
    [
        (["group=alpha", "group=beta"], "cannot be both 'alpha' and 'beta'"),
        (["x=9", "x=11"], "cannot be both '9' and '11'"),
        (["group=alpha", "group!=alpha"], "for anything but it"),
        (["x=10", "x!=10"], "for anything but it"),
        (["x>=12", "x<=11"], "no value lies"),
    ],
)
def test_conditions_on_one_column_that_cannot_hold_together_are_refused(small_model, conditions, message):
    with pytest.raises(SynthDataError, match=message):
        small_model.sample(10, conditions=conditions)


def test_a_repeated_equal_value_is_one_condition(small_model):
    rows = small_model.sample(30, conditions=["group=beta", "group=beta"])
    assert (rows["group"] == "beta").all()


def test_not_equal_excludes_a_category(small_model):
    rows = small_model.sample(80, conditions=["group!=alpha"])
    assert not (rows["group"] == "alpha").any()
    assert (rows["group"] == "beta").any()


def test_not_equal_reads_the_column_name_without_the_bang(small_model):
    with pytest.raises(SynthDataError, match="never holds 'gamma'"):
        small_model.sample(10, conditions=["group!=gamma"])


def test_not_equal_excludes_a_number(small_model):
    rows = small_model.sample(40, conditions=["x>=9", "x<=11", "x!=10"])
    assert rows["x"].between(9, 11).all() and not (rows["x"] == 10).any()


@pytest.mark.parametrize("expression", ["x=", "group=", "x>=", "group!="])
def test_an_empty_value_is_refused_for_every_kind_of_column(small_model, expression):
    with pytest.raises(SynthDataError, match="has no value"):
        small_model.sample(10, conditions=[expression])


def test_a_region_too_rare_is_named_as_written_not_as_a_python_object(small_model):
    with pytest.raises(SynthDataError) as raised:
        small_model.sample(10, conditions=["x>=1000"])
    assert "x >= 1000" in str(raised.value) and "Interval(" not in str(raised.value)
