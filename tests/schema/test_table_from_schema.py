"""Test data from a schema alone, including the two shipped example schemas."""

from __future__ import annotations

import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import ConstraintError, SynthDataError
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"


def test_patients_schema_samples_valid_rows():
    schema = Schema.load(SCHEMAS / "patients.yaml")
    table = schema.sample(2000, seed=0)
    assert list(table.columns) == list(schema.columns) and table["Id"].is_unique
    assert schema.is_valid(table).all()
    born, died = pd.to_datetime(table["BIRTHDATE"]), pd.to_datetime(table["DEATHDATE"])
    assert (died.dropna() >= born[died.notna()]).all()
    assert table["DEATHDATE"].isna().mean() == pytest.approx(0.9, abs=0.03)
    assert table["ZIP"].str.fullmatch(r"\d{5}").all() and table["SSN"].is_unique


def test_ecommerce_schema_computes_totals_and_ships_after_ordering():
    schema = Schema.load(SCHEMAS / "ecommerce_orders.yaml")
    orders = schema.sample(3000, seed=1)
    assert schema.is_valid(orders).all() and orders["email"].is_unique
    expected = orders["quantity"] * orders["unit_price"] * (1 - orders["discount_percent"] / 100)
    assert (orders["total"] - expected).abs().max() <= 0.005 + 1e-9
    waiting = orders["status"].isin(["processing", "cancelled"])
    assert orders.loc[waiting, "shipped_at"].isna().all() and orders.loc[~waiting, "shipped_at"].notna().all()
    assert orders["customer_id"].nunique() < 0.5 * len(orders)  # about three orders per customer


def test_same_seed_same_table():
    schema = Schema.load(SCHEMAS / "ecommerce_orders.yaml")
    pd.testing.assert_frame_equal(schema.sample(200, seed=3), schema.sample(200, seed=3))
    assert not schema.sample(200, seed=4)["order_id"].equals(schema.sample(200, seed=3)["order_id"])


def test_rules_that_cannot_hold_are_refused():
    schema = Schema.from_dict(
        {
            "columns": {"a": {"type": "integer", "min": 1, "max": 2}},
            "constraints": [{"type": "unique", "columns": ["a"]}],
        }
    )
    with pytest.raises(ConstraintError, match="unique"):
        schema.sample(50, seed=0)
    with pytest.raises(SynthDataError, match="whole number"):
        schema.sample(-1)
