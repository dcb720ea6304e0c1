"""Tables checked against schemas: counts and first offending rows."""

from __future__ import annotations

import pandas as pd
import pytest

from synthdata import Schema, SynthDataError, read_table
from synthdata.schema.constraints import constraint_from_dict
from tests.conftest import REPO

PATIENTS_SCHEMA = REPO / "schemas" / "patients.yaml"


@pytest.fixture()
def patients(patients_path) -> pd.DataFrame:
    return read_table(patients_path, verbose=False)


def test_the_real_table_fits_its_schema(patients):
    report = Schema.load(PATIENTS_SCHEMA).validate(patients)
    assert report.ok, str(report)
    assert str(report) == "111 rows: valid"


def test_every_kind_of_problem_is_counted_with_rows(patients):
    broken = patients.astype({"LAT": object}).drop(columns=["SSN"]).assign(EXTRA=1)
    broken.loc[3, "BIRTHDATE"] = "2099-01-01"
    broken.loc[4, "BIRTHDATE"] = "31/12/1990"
    broken.loc[5, "LAT"] = "north"
    broken.loc[7, "Id"] = broken.loc[8, "Id"]
    broken.loc[9, "DRIVERS"] = "D123"
    broken.loc[10, "GENDER"] = "X"
    broken.loc[11, "CITY"] = "Atlantis"
    report = Schema.load(PATIENTS_SCHEMA).validate(broken)
    found = {(problem.where, problem.kind): problem for problem in report.problems}
    assert ("table", "missing columns") in found and ("table", "unknown columns") in found
    assert found[("column 'Id'", "duplicate")].rows == [8]
    assert found[("column 'BIRTHDATE'", "range")].rows == [3]
    assert found[("column 'BIRTHDATE'", "type")].rows == [4]
    assert found[("column 'LAT'", "type")].count == 1
    assert found[("column 'DRIVERS'", "type")].rows == [9]
    assert found[("column 'GENDER'", "value")].rows == [10]
    combinations = found[("constraint 'fixed_combinations on CITY, COUNTY, STATE, FIPS, ZIP'", "constraint")]
    assert combinations.rows == [11]
    assert not report.ok and report.to_dict()["problems"][0]["where"] == "table"


def test_inferred_schema_validates_its_own_table_and_catches_others(adult):
    schema = Schema.infer(adult)
    assert schema.validate(adult).ok
    other = adult.assign(age=adult["age"] + 0.5)
    assert any(problem.message.endswith("values are not whole numbers") for problem in schema.validate(other).problems)
    with pytest.raises(SynthDataError, match="DataFrame"):
        schema.validate([1, 2])


def test_a_rule_learned_from_data_is_checked_against_the_data_given():
    # fixed_combinations without listed combinations learns them, as a fit does
    shops = pd.DataFrame({"CITY": ["Omaha", "Lincoln"] * 30, "STATE": ["NE", "IA"] * 30, "PRICE": [1.0, 2.0] * 30})
    learned = Schema.infer(shops)
    learned.constraints = [constraint_from_dict({"type": "fixed_combinations", "columns": ["CITY", "STATE"]})]
    report = learned.validate(shops)
    assert report.ok, str(report)
    assert not learned.constraints[0].fitted  # the schema itself is left as it was
    # a rule that needs no data is checked row by row, as before
    learned.constraints = [constraint_from_dict({"type": "formula", "column": "PRICE", "expression": "PRICE_2 / 2"})]
    priced = shops.assign(PRICE_2=shops["PRICE"] * 2)
    priced.loc[4, "PRICE"] = 9.0
    learned.columns["PRICE_2"] = Schema.infer(priced).columns["PRICE_2"]
    [problem] = [problem for problem in learned.validate(priced).problems if problem.kind == "constraint"]
    assert problem.rows == [4] and problem.count == 1


def test_a_rule_on_a_share_is_checked_by_how_many_rows_hold_it():
    loans = read_table(REPO / "tests" / "fixtures" / "loan_balances.csv", verbose=False)
    schema = Schema.infer(loans)
    assert schema.validate(loans).ok, str(schema.validate(loans))
    held = ((loans["loan_amount"] - loans["balance"] - loans["paid_principal"]).abs() <= 0.01) & (loans["balance"] > 0)
    written_off = loans.copy()
    written_off.loc[loans.index[held][:60], "balance"] = 0.0
    report = schema.validate(written_off)
    assert [problem.kind for problem in report.problems] == ["share"]
    assert "holds on 88.8% of 600 rows, well below the share the schema states (98.8%)" in str(report)
    # a few rows fewer than the real share are chance, not a broken rule
    fewer = loans.copy()
    fewer.loc[loans.index[held][:3], "balance"] = 0.0
    assert schema.validate(fewer).ok
