"""A sum on a share of real rows: a loan's balance is its amount less the principal paid, except charged-off loans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from synthdata import Schema
from synthdata.schema.constraints import Formula

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BALANCE = {"type": "formula", "column": "balance", "expression": "loan_amount - paid_principal"}


def loans() -> pd.DataFrame:
    # 600 real loans, the 7 charged-off ones among them: their balance is written off to 0
    return pd.read_csv(FIXTURES / "loan_balances.csv")


def holding(table: pd.DataFrame) -> pd.Series:
    return (table["loan_amount"] - table["balance"] - table["paid_principal"]).abs() <= 0.01


def balance_rules(table: pd.DataFrame) -> list[dict]:
    return [rule for rule in (c.to_dict() for c in Schema.infer(table).constraints) if rule.get("column") == "balance"]


def test_the_balance_is_found_as_a_formula_on_the_share_of_loans_that_hold_it():
    table = loans()
    assert (~holding(table)).sum() == 7 and (table.loc[~holding(table), "loan_status"] == "Charged Off").all()
    assert balance_rules(table) == [{**BALANCE, "share": 0.9883}]  # 593 of 600, rounded down


def test_no_formula_below_the_share_or_by_chance():
    table = loans()
    held = table.index[holding(table) & (table["balance"] > 0)]
    # 60 more loans written off: the rule now holds on 88.8% of loans, below the 90% it takes
    written_off = table.copy()
    written_off.loc[held[:60], "balance"] = 0.0
    assert holding(written_off).mean() == (593 - 60) / 600
    assert balance_rules(written_off) == []
    shuffled = table.assign(paid_principal=np.random.default_rng(0).permutation(table["paid_principal"]))
    assert balance_rules(shuffled) == []
    # without the charged-off loans it holds on every row: an exact formula
    repaid = table.loc[holding(table)].reset_index(drop=True)
    assert balance_rules(repaid) == [BALANCE]


def test_the_rule_round_trips_through_the_schema_file(tmp_path):
    schema = Schema.infer(loans())
    path = schema.save(tmp_path / "loans.yaml")
    assert "share: 0.9883" in path.read_text()
    again = Schema.load(path)
    assert [c.to_dict() for c in again.constraints] == [c.to_dict() for c in schema.constraints]
    assert isinstance(again.constraints[0], Formula) and again.constraints[0].share == 0.9883
