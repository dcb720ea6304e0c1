"""Round trips of the DataTransformer on real tables."""

import json

import numpy as np
import pandas as pd
import pytest

from synthdata.schema import Schema
from synthdata.transform.table import DataTransformer


def _round_trip(frame: pd.DataFrame) -> tuple[DataTransformer, pd.DataFrame]:
    modelled = Schema.infer(frame).modelled_columns
    rng = np.random.default_rng(0)
    transformer = DataTransformer().fit(frame, modelled, rng=rng)
    encoded = transformer.transform(frame, rng=rng)
    assert encoded.shape == (len(frame), transformer.output_dim)
    return transformer, transformer.inverse_transform(encoded, rng=rng)


def test_adult_round_trip_is_exact_for_discrete_and_integer_columns_and_keeps_round_numbers(adult):
    transformer, back = _round_trip(adult)
    for column in transformer.columns_:
        name = column.name
        assert back[name].dtype == adult[name].dtype, name
        if column.type == "categorical" and not transformer.encoders_[name].has_pool:
            assert (back[name] == adult[name]).all(), name
        if column.type == "integer" and name not in transformer.round_steps_:
            # values beyond four standard deviations of their mode are clipped
            assert (back[name] == adult[name]).mean() > 0.99, name
    # hours are written in fives: decoded from a mode they are rounded to drawn steps, and
    # the point mass (40 hours, half the rows) comes back exactly
    assert list(transformer.round_steps_) == ["hours-per-week"]
    assert (back["hours-per-week"][adult["hours-per-week"] == 40] == 40).all()
    assert (back["hours-per-week"] % 5 == 0).mean() >= (adult["hours-per-week"] % 5 == 0).mean()
    again = DataTransformer.from_state(json.loads(json.dumps(transformer.state())))
    assert again.round_steps_["hours-per-week"].state() == transformer.round_steps_["hours-per-week"].state()


def test_one_hot_width_stays_bounded_for_high_cardinality(adult):
    frame = adult.assign(code=[f"k{i % 5000}" for i in range(len(adult))])
    columns = Schema.infer(frame).columns
    transformer = DataTransformer().fit(
        frame, [c for c in columns.values() if c.is_modelled], rng=np.random.default_rng(0)
    )
    assert transformer.output_dim < 400


def test_synthea_patients_dates_and_nulls_round_trip(synthea):
    patients = pd.read_csv(synthea / "ma_1462" / "patients.csv")
    _, back = _round_trip(patients)
    assert back["BIRTHDATE"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert back["DEATHDATE"].isna().sum() == patients["DEATHDATE"].isna().sum()
    same = back["BIRTHDATE"] == patients["BIRTHDATE"]
    assert same.mean() > 0.95


def test_timezone_aware_datetimes_keep_their_zone():
    stamps = pd.Series(pd.date_range("2020-01-01", periods=500, freq="7h", tz="Europe/Berlin"))
    frame = pd.DataFrame({"when": stamps, "kind": ["a", "b"] * 250})
    _, back = _round_trip(frame)
    assert str(back["when"].dtype) == str(stamps.dtype)
    assert back["when"].between(stamps.min(), stamps.max()).all()


@pytest.mark.parametrize("dtype", ["Int64", "float64", "int32"])
def test_numeric_dtypes_come_back(dtype):
    values = pd.Series(np.arange(1000) % 37, dtype=dtype)
    if dtype == "Int64":
        values[::10] = pd.NA
    frame = pd.DataFrame({"x": values})
    _, back = _round_trip(frame)
    assert str(back["x"].dtype) == dtype
    assert back["x"].isna().sum() == values.isna().sum()


def test_categorical_columns_keep_their_category_order_and_dtype():
    rng = np.random.default_rng(0)
    levels = [str(number) for number in range(1, 11)]  # sorted as text: '1', '10', '2', ...
    frame = pd.DataFrame(
        {
            "grade": pd.Categorical(rng.choice(levels, 300), categories=levels),
            "size": pd.Categorical(
                rng.choice(["small", "large"], 300), categories=["small", "medium", "large"], ordered=True
            ),
        }
    )
    columns = Schema.infer(frame).modelled_columns
    fitted = DataTransformer().fit(frame, columns, rng=rng)
    transformer = DataTransformer.from_state(json.loads(json.dumps(fitted.state())))
    back = transformer.inverse_transform(transformer.transform(frame, rng=rng), rng=rng)
    for name in ("grade", "size"):
        assert back[name].dtype == frame[name].dtype, name
    assert back["grade"].tolist() == frame["grade"].tolist()
