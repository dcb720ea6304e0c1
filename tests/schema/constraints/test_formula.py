"""Derived columns: dropped before learning, computed after sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints import Formula, constraint_from_dict

RNG = np.random.default_rng(0)
ORDERS = pd.DataFrame({"PRICE": [9.99, 5.25, 100.0], "QTY": [3, 2, 1], "TOTAL": [29.97, 10.5, 100.0]})
DECLARED = {"TOTAL": Column("TOTAL", "numerical", decimals=2, dtype="float64")}


def test_total_is_dropped_and_recomputed_rounded():
    rule = Formula(column="TOTAL", expression="PRICE * QTY").fit(ORDERS, columns=DECLARED)
    reshaped = rule.transform(ORDERS)
    assert "TOTAL" not in reshaped
    sampled = reshaped.assign(PRICE=[1.115, 2.0, 3.333])
    restored = rule.reverse_transform(sampled, rng=RNG)
    assert restored["TOTAL"].tolist() == [3.35, 4.0, 3.33] or restored["TOTAL"].tolist() == [3.34, 4.0, 3.33]
    assert rule.is_valid(restored).all()


def test_data_that_breaks_the_formula_is_refused():
    wrong = ORDERS.assign(TOTAL=[29.97, 11.0, 100.0])
    with pytest.raises(SchemaError, match=r"1 rows \(first rows: \[1\]\)"):
        Formula(column="TOTAL", expression="PRICE * QTY").fit(wrong, columns=DECLARED)
    with pytest.raises(SchemaError, match="itself"):
        Formula(column="TOTAL", expression="TOTAL * 2")


def test_integer_results_stay_integers():
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [4, 6]})
    rule = Formula(column="c", expression="a + b").fit(df)
    restored = rule.reverse_transform(rule.transform(df), rng=RNG)
    pd.testing.assert_frame_equal(restored, df)


LOANS = pd.read_csv(Path(__file__).resolve().parents[2] / "fixtures" / "loan_balances.csv")


def test_a_formula_on_a_share_learns_its_residual_zero_where_it_holds():
    rule = Formula(column="balance", expression="loan_amount - paid_principal", share=0.9883).fit(LOANS)
    model_view = rule.transform(LOANS)
    residual = model_view["balance - (loan_amount - paid_principal)"]
    assert "balance" not in model_view and (residual == 0).sum() == 593
    charged_off = (LOANS["loan_status"] == "Charged Off").to_numpy()
    assert (residual[charged_off] < 0).all() and rule.real_share_ == 593 / 600
    back = rule.reverse_transform(model_view, rng=RNG)
    assert back.columns.tolist() == LOANS.columns.tolist()
    pd.testing.assert_frame_equal(back, LOANS)
    # other inputs, as a model samples them: computed where the residual is zero, each miss
    # kept, within the column's bounds (balances of 0, the least inferred, stay at 0)
    sampled = model_view.assign(paid_principal=model_view["paid_principal"] + 100.0)
    rebuilt = rule.reverse_transform(sampled, rng=RNG)
    assert np.allclose(rebuilt["balance"], np.maximum(LOANS["balance"] - 100.0, 0.0), atol=1e-6)
    kept = (LOANS["balance"] >= 100) & ~charged_off
    assert rule.held_share(rebuilt) == kept.mean() and rule.is_valid(LOANS.assign(balance=0.0)).all()
    again = constraint_from_dict(rule.to_dict())
    assert again.to_dict() == rule.to_dict() and again.residual_column in again.transform(LOANS)


def test_a_formula_on_a_share_refuses_what_its_residual_cannot_carry():
    with pytest.raises(SchemaError, match="share must be between 0 and 1"):
        Formula(column="balance", expression="loan_amount - paid_principal", share=1.0)
    gaps = LOANS.assign(paid_principal=LOANS["paid_principal"].where(LOANS.index != 3))
    with pytest.raises(SchemaError, match=r"1 rows hold 'balance' where an input of the formula is missing"):
        Formula(column="balance", expression="loan_amount - paid_principal", share=0.99).fit(gaps)
