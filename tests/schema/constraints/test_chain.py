"""Several constraints together, through a Schema, as the model uses them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import SchemaError

PATIENT_RULES = [
    {"type": "range", "column": "DEATHDATE", "max": "2020-12-31"},
    {"type": "inequality", "low": "BIRTHDATE", "high": "DEATHDATE"},
    {"type": "fixed_combinations", "columns": ["CITY", "COUNTY", "FIPS", "ZIP"]},
    {"type": "range", "column": "LAT", "min": -90, "max": 90},
    {"type": "positive", "column": "HEALTHCARE_EXPENSES"},
    {"type": "unique", "columns": ["Id"]},
]


@pytest.fixture()
def patients(patients_path) -> pd.DataFrame:
    return pd.read_csv(patients_path)


def fitted_schema(df: pd.DataFrame, rules: list[dict]) -> Schema:
    schema = Schema.infer(df)
    schema.constraints = Schema.from_dict({"columns": {}, "constraints": rules}).constraints
    return schema.fit_constraints(df)


def test_model_pipeline_round_trip_on_patients(patients):
    real = patients[pd.to_datetime(patients["DEATHDATE"]).isna() | (patients["DEATHDATE"] <= "2020-12-31")]
    schema = fitted_schema(real, PATIENT_RULES)
    reshaped = schema.transform(real)
    after = [column.name for column in schema.columns_after_transform()]
    assert after == list(reshaped.columns)
    assert "DEATHDATE - BIRTHDATE" in after and "CITY+COUNTY+FIPS+ZIP" in after
    restored = schema.reverse_transform(reshaped)
    pd.testing.assert_frame_equal(restored, real)
    assert schema.is_valid(restored).all()


def test_garbage_from_a_model_comes_back_valid(patients):
    schema = fitted_schema(patients, PATIENT_RULES[1:])
    reshaped = schema.transform(patients)
    rng = np.random.default_rng(0)
    noisy = reshaped.assign(
        **{
            "DEATHDATE - BIRTHDATE": rng.normal(0, 5000, len(reshaped)),
            "LAT": rng.normal(0, 200, len(reshaped)),
            "HEALTHCARE_EXPENSES": rng.normal(0, 1000, len(reshaped)),
        }
    )
    modelled_only = noisy[[c.name for c in schema.columns_after_transform() if c.is_modelled]]
    restored = schema.reverse_transform(modelled_only)
    assert schema.is_valid(restored).all()  # Id is absent, so `unique` passes for now
    assert "Id" not in restored and restored.columns[0] == "BIRTHDATE"


def test_fitted_chain_survives_the_model_file(patients):
    schema = fitted_schema(patients, PATIENT_RULES[1:])
    copy = Schema.from_dict(json.loads(json.dumps(schema.to_dict())))
    pd.testing.assert_frame_equal(copy.transform(patients), schema.transform(patients))
    assert [c.name for c in copy.columns_after_transform()] == [c.name for c in schema.columns_after_transform()]


def test_chained_inequalities_run_in_a_safe_order():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 2.5, 5.0], "c": [4.0, 3.0, 9.0]})
    schema = fitted_schema(
        df, [{"type": "inequality", "low": "a", "high": "b"}, {"type": "inequality", "low": "b", "high": "c"}]
    )
    reshaped = schema.transform(df)
    assert list(reshaped.columns) == ["a", "b - a", "c - b"]
    pd.testing.assert_frame_equal(schema.reverse_transform(reshaped), df)


def test_conflicting_rules_are_refused():
    df = pd.DataFrame({"p": [1.0, 2.0], "q": [2.0, 3.0], "t": [2.0, 6.0]})
    with pytest.raises(SchemaError, match="rebuilt by both"):
        fitted_schema(
            df,
            [
                {"type": "formula", "column": "t", "expression": "p * q"},
                {"type": "inequality", "low": "p", "high": "t"},
            ],
        )
    with pytest.raises(SchemaError, match=r"constraints\.0\.type: .sometimes. is not one of"):
        Schema.from_dict({"columns": {}, "constraints": [{"type": "sometimes"}]})
