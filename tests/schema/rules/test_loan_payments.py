"""Rules on real loans (openintro's loans_full_schema, Lending Club): an ordering on a share, a sparse term."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import SchemaError
from synthdata.schema.constraints import Inequality

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def loans() -> pd.DataFrame:
    # 1,000 real loans, 8 of them with late fees paid
    return pd.read_csv(FIXTURES / "loan_payments.csv")


def constraints(df: pd.DataFrame) -> list[dict]:
    return [constraint.to_dict() for constraint in Schema.infer(df).constraints]


def test_credit_used_within_the_limit_on_a_share_of_loans_is_found_at_that_share():
    table = loans()
    real = float((table["total_credit_utilized"] <= table["total_credit_limit"]).mean())
    assert 0.95 < real < 1.0
    assert {
        "type": "inequality",
        "low": "total_credit_utilized",
        "high": "total_credit_limit",
        "share": round(real, 4),
    } in constraints(table)
    # open credit lines never exceed the total: an ordering on every row, with no share
    assert {"type": "inequality", "low": "open_credit_lines", "high": "total_credit_lines"} in constraints(table)


def test_an_ordering_by_chance_or_on_too_few_rows_is_not_found():
    table = loans()
    shuffled = table.assign(total_credit_utilized=np.random.default_rng(0).permutation(table["total_credit_utilized"]))
    assert all(rule.get("low") != "total_credit_utilized" for rule in constraints(shuffled))
    over = table.index[table["total_credit_utilized"] <= table["total_credit_limit"]][:40]
    mostly_over = table.copy()
    mostly_over.loc[over, "total_credit_utilized"] = mostly_over.loc[over, "total_credit_limit"] + 1
    assert all(rule.get("low") != "total_credit_utilized" for rule in constraints(mostly_over))


def test_late_fees_paid_on_few_loans_complete_the_total():
    table = loans()
    assert {
        "type": "formula",
        "column": "paid_total",
        "expression": "paid_principal + paid_interest + paid_late_fees",
    } in constraints(table)
    fee = table.index[table["paid_late_fees"] != 0][0]
    broken = table.copy()
    broken.loc[fee, "paid_late_fees"] += 5.0
    # no longer a rule of every row: what is left is the sum without fees, on the loans without them
    without_fees = (broken["paid_late_fees"] == 0).mean()
    assert [rule for rule in constraints(broken) if rule.get("column") == "paid_total"] == [
        {
            "type": "formula",
            "column": "paid_total",
            "expression": "paid_principal + paid_interest",
            "share": without_fees,
        }
    ]


def test_an_ordering_on_a_share_learns_its_exceptions_and_round_trips():
    table = loans()
    rule = Inequality(low="total_credit_utilized", high="total_credit_limit", share=0.981).fit(table)
    model_view = rule.transform(table)
    assert (model_view["total_credit_limit - total_credit_utilized"] >= 0).all()
    exceptions = model_view["total_credit_limit < total_credit_utilized"]
    assert exceptions.mean() == pytest.approx(1 - 0.981, abs=1e-9)
    back = rule.reverse_transform(model_view, rng=np.random.default_rng(0))
    others = [name for name in table.columns if name != "total_credit_limit"]
    pd.testing.assert_frame_equal(back[others], table[others], check_dtype=False)
    # limits are written in hundreds far more than utilisations: rebuilt ones are rounded
    # up to drawn steps, so the exceptions come back exactly and the others never lower
    limit, real = back["total_credit_limit"], table["total_credit_limit"]
    assert rule.high_steps_ is not None
    assert (limit[exceptions] == real[exceptions]).all() and (limit >= real).all()
    assert (limit % 100 == 0).mean() >= (real % 100 == 0).mean()
    assert rule.is_valid(table).all() and rule.repair(table, rng=np.random.default_rng(0)).equals(table)
    assert Schema.from_dict({"columns": {}, "constraints": [rule.to_dict()]}).constraints[0].to_dict() == rule.to_dict()
    with pytest.raises(SchemaError, match="share must be between 0 and 1"):
        Inequality(low="a", high="b", share=1.0)
