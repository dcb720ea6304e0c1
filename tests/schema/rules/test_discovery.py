"""Each kind of rule inside rows is found on real data, and not found where one row breaks it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.schema.constraints import EqualShare, Formula, Inequality, NullIf
from tests.schema.rules.loans import broken, loan_table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def rules(df: pd.DataFrame) -> list[dict]:
    return [constraint.to_dict() for constraint in Schema.infer(df).constraints]


def found(df: pd.DataFrame, kind: str) -> list[dict]:
    return [rule for rule in rules(df) if rule["type"] == kind]


def test_a_total_of_two_parts_is_found_on_real_houses_and_one_broken_row_leaves_it_on_a_share():
    # Ames houses (modeldata), rows where the ground living area is both floors
    houses = pd.read_csv(FIXTURES / "ames_areas.csv")
    total = {"type": "formula", "column": "Gr_Liv_Area", "expression": "First_Flr_SF + Second_Flr_SF"}
    assert found(houses, "formula") == [total]
    # no longer a rule of every row, but of all rows but one
    share = np.floor((1 - 1 / len(houses)) * 10_000) / 10_000
    assert found(broken(houses, "Gr_Liv_Area"), "formula") == [{**total, "share": share}]


def test_sums_of_three_and_a_balance_are_solved_for_a_column_that_holds_their_decimals():
    loans = loan_table()
    formulas = {rule["column"]: rule["expression"] for rule in found(loans, "formula")}
    assert formulas["total_pymnt"] == "total_rec_prncp + total_rec_int + fees"
    # loan_amnt holds whole dollars, so the cents-valued principal is the one computed
    assert formulas["total_rec_prncp"] == "loan_amnt - out_prncp"
    # off by 5 cents on one row: a total of all rows but one
    after = {rule["column"]: rule for rule in found(broken(loans, "total_pymnt", by=0.05), "formula")}
    assert after["total_pymnt"]["share"] == np.floor((1 - 1 / len(loans)) * 10_000) / 10_000


def test_a_column_of_zeros_does_not_join_an_identity():
    loans = loan_table()
    loans["waived"] = 0.0
    assert all("waived" not in rule["expression"] for rule in found(loans, "formula"))


def test_orderings_of_years_are_found_on_real_employees_and_age_over_education_is_not():
    # IBM attrition (modeldata): years in the role <= at the company <= working
    staff = pd.read_csv(FIXTURES / "attrition_years.csv")
    assert found(staff, "inequality") == [
        {"type": "inequality", "low": "YearsInCurrentRole", "high": "YearsAtCompany"},
        {"type": "inequality", "low": "YearsAtCompany", "high": "TotalWorkingYears"},
    ]
    at_row_3 = staff.loc[3, "YearsAtCompany"]
    staff.loc[3, "YearsInCurrentRole"] = at_row_3 + 1  # one employee longer in the role than at the company
    # no longer a rule of every row: an ordering on the share of rows that hold it
    [in_role] = [rule for rule in found(staff, "inequality") if rule["low"] == "YearsInCurrentRole"]
    assert in_role == {
        "type": "inequality",
        "low": "YearsInCurrentRole",
        "high": "YearsAtCompany",
        "share": round(1 - 1 / len(staff), 4),
    }
    # older than one's years of schooling on every row, but as much by chance
    rng = np.random.default_rng(0)
    people = pd.DataFrame({"age": rng.integers(17, 90, 500), "education_num": rng.integers(1, 16, 500)})
    assert found(people, "inequality") == []


def test_equal_on_most_rows_is_a_share_and_two_mostly_zero_counts_are_not():
    loans = loan_table()
    [share] = found(loans, "equal_share")
    assert (share["column"], share["equals"]) == ("num_actv_rev_tl", "num_rev_tl")
    assert 0.95 <= share["share"] < 1.0
    rng = np.random.default_rng(1)
    zeros = pd.DataFrame(
        {
            "delinquencies": np.where(rng.random(500) < 0.95, 0, rng.integers(1, 5, 500)),
            "collections": np.where(rng.random(500) < 0.95, 0, rng.integers(1, 5, 500)),
        }
    )
    assert found(zeros, "equal_share") == []


def test_structural_nulls_are_found_on_real_prescriptions_and_by_a_category():
    # Synthea ne_111: a reason's description is empty exactly when its code is
    medications = pd.read_csv(FIXTURES / "medication_costs.csv")
    assert {"type": "null_if", "column": "REASONDESCRIPTION", "condition": "REASONCODE is None"} in rules(medications)
    loans = loan_table()
    assert found(loans, "null_if") == [
        {"type": "null_if", "column": "annual_inc_joint", "condition": "application_type == 'Individual'"}
    ]
    loans.loc[loans.index[loans.application_type == "Individual"][0], "annual_inc_joint"] = 50_000.0
    assert found(loans, "null_if") == []


def test_a_product_is_found_on_real_prescriptions_and_lost_with_one_broken_row():
    medications = pd.read_csv(FIXTURES / "medication_costs.csv")
    assert {"type": "formula", "column": "TOTALCOST", "expression": "BASE_COST * DISPENSES"} in rules(medications)
    assert all(rule.get("column") != "TOTALCOST" for rule in rules(broken(medications, "TOTALCOST", by=0.5)))


def test_an_amortised_instalment_is_found_within_the_rate_rounding_and_not_when_off():
    loans = loan_table()
    [instalment] = [rule for rule in found(loans, "formula") if rule["column"] == "installment"]
    assert instalment["expression"] == "loan_amnt * (int_rate / 1200) / (1 - (1 + int_rate / 1200) ** (-term))"
    assert instalment["tolerance"] == pytest.approx(0.002)
    off = broken(loans, "installment", by=5.0)
    assert all(rule["column"] != "installment" for rule in found(off, "formula"))


def test_every_rule_found_round_trips_through_the_schema_file(tmp_path):
    schema = Schema.infer(loan_table())
    kinds = {type(constraint) for constraint in schema.constraints}
    assert {Formula, Inequality, EqualShare, NullIf} <= kinds
    path = tmp_path / "loans.yaml"
    schema.save(path)
    assert Schema.load(path) == schema
    schema.fit_constraints(loan_table())
    assert Schema.from_dict(schema.to_dict()) == schema
