"""Declared rules that cannot hold together are refused before any fitting, naming them."""

from __future__ import annotations

import pandas as pd
import pytest

from synthdata import Schema, TabularGAN
from synthdata.errors import SchemaError, SynthDataError
from tests.schema.rules.loans import loan_table

FIT = {"epochs": 1, "refine": False, "redraw": False, "calibrate": False, "verbose": False}


def declared(loans: pd.DataFrame, constraints: list[dict]) -> Schema:
    document = Schema.infer(loans).to_dict()
    return Schema.from_dict({**document, "constraints": constraints})


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        # a total its formula computes out of the declared range
        (
            [
                {"type": "formula", "column": "total_pymnt", "expression": "total_rec_prncp + total_rec_int + fees"},
                {"type": "range", "column": "total_pymnt", "max": 10},
            ],
            r"'formula total_pymnt = .*' is broken on 100% of the real rows by 'range total_pymnt <= 10'",
        ),
        # bounds that leave an ordering no room
        (
            [
                {"type": "range", "column": "open_acc", "min": 100},
                {"type": "range", "column": "total_acc", "max": 50},
                {"type": "inequality", "low": "open_acc", "high": "total_acc"},
            ],
            r"'inequality open_acc <= total_acc' is broken on 100% of the real rows by 'range 100 <= open_acc'",
        ),
        ([{"type": "range", "column": "fees", "min": 10, "max": 5}], r"leaves no value"),
        (
            [{"type": "formula", "column": "total_pymnt", "expression": "total_rec_prncp + refunds"}],
            r"names 'refunds', which the table does not have",
        ),
        (
            [{"type": "formula", "column": "total_pymnt", "expression": "total_rec_prncp + application_type"}],
            r"'application_type' is categorical; this constraint needs numbers",
        ),
        (
            [
                {"type": "formula", "column": "total_pymnt", "expression": "total_rec_prncp + total_rec_int + fees"},
                {"type": "formula", "column": "total_rec_prncp", "expression": "total_pymnt - total_rec_int - fees"},
            ],
            r"in a circle",
        ),
    ],
)
def test_rules_that_cannot_be_met_fail_before_the_model_trains(constraints, message):
    loans = loan_table()
    schema = declared(loans, constraints)
    model = TabularGAN(**FIT)
    with pytest.raises(SynthDataError, match=message) as raised:
        model.fit(loans, schema=schema)
    assert isinstance(raised.value, SchemaError) and "\n" not in str(raised.value)
    assert not hasattr(model, "history_")  # refused up front, not after training and rejecting


def test_rules_that_can_hold_together_pass_and_hold():
    loans = loan_table()
    schema = declared(
        loans,
        [
            {"type": "formula", "column": "total_pymnt", "expression": "total_rec_prncp + total_rec_int + fees"},
            {"type": "range", "column": "fees", "max": 40},  # narrower than the data: the sum follows it
            {"type": "inequality", "low": "open_acc", "high": "total_acc"},
        ],
    )
    rows = TabularGAN(**FIT).fit(loans, schema=schema).sample(300)
    assert schema.is_valid(rows).all() and rows["fees"].max() <= 40
