"""Date rules across foreign keys: found in a real Synthea slice, kept on every seeded row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import DatabaseSynthesizer, SynthDataError
from synthdata.relational.date_rules import find_date_rules
from synthdata.relational.layout import DatabaseLayout

from .conftest import QUICK, synthea_tables


def referenced_dates(child: pd.DataFrame, via: str, parent: pd.DataFrame, column: str) -> np.ndarray:
    positions = pd.Index(parent["ID"]).get_indexer(child[via])
    assert (positions >= 0).all()
    return pd.to_datetime(parent[column]).to_numpy()[positions]


@pytest.fixture(scope="module")
def sampled(ma_model) -> dict[str, pd.DataFrame]:
    return ma_model.sample(seed=3)


def real_rules(ma_tables) -> dict[tuple[str, str, str, str], float]:
    frames, schema = ma_tables
    rules = find_date_rules(DatabaseLayout.from_schema(schema, frames).links, frames)
    return {(rule.table, rule.column, rule.kind, f"{rule.parent}.{rule.parent_column}"): rule.share for rule in rules}


def test_rules_found_across_the_foreign_keys_of_the_real_slice(ma_tables):
    rules = real_rules(ma_tables)
    assert rules[("encounters", "DATE", "on_or_after", "patients.BIRTHDATE")] == 1.0
    assert rules[("encounters", "DATE", "on_or_before", "patients.DEATHDATE")] >= 0.995
    frames = ma_tables[0]
    at = pd.to_datetime(frames["conditions"]["START"]).to_numpy()
    same = at == referenced_dates(frames["conditions"], "ENCOUNTER", frames["encounters"], "DATE")
    assert rules[("conditions", "START", "equal_share", "encounters.DATE")] == pytest.approx(same.mean())
    # A condition is recorded on or before its encounter on most rows, not on enough to be a rule.
    assert ("conditions", "START", "on_or_after", "encounters.DATE") not in rules
    assert ("conditions", "START", "on_or_before", "encounters.DATE") not in rules


def test_an_encounter_never_falls_outside_its_patients_life(sampled):
    encounters, patients = sampled["encounters"], sampled["patients"]
    at = pd.to_datetime(encounters["DATE"]).to_numpy()
    birth = referenced_dates(encounters, "PATIENT", patients, "BIRTHDATE")
    death = referenced_dates(encounters, "PATIENT", patients, "DEATHDATE")
    assert len(encounters) > 500 and not np.isnat(at).any()
    assert (at >= birth).all()
    assert (np.isnat(death) | (at <= death)).all()
    # Dates are written as the real ones are, days without times.
    assert encounters["DATE"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_every_child_date_stays_within_its_patients_life_and_its_own_order(sampled):
    for name in ("conditions", "medications", "careplans"):
        child = sampled[name]
        birth = referenced_dates(child, "PATIENT", sampled["patients"], "BIRTHDATE")
        death = referenced_dates(child, "PATIENT", sampled["patients"], "DEATHDATE")
        start, stop = pd.to_datetime(child["START"]).to_numpy(), pd.to_datetime(child["STOP"]).to_numpy()
        assert (start >= birth).all() and (np.isnat(death) | (start <= death)).all()
        assert (np.isnat(stop) | (stop >= start)).all()
        assert (np.isnat(stop) | np.isnat(death) | (stop <= death)).all()


def test_a_date_equal_to_its_parents_on_a_share_of_rows_comes_out_near_that_share(sampled, ma_tables):
    rules = real_rules(ma_tables)
    for name in ("conditions", "procedures"):
        column = "START" if name == "conditions" else "DATE"
        child = sampled[name]
        same = pd.to_datetime(child[column]).to_numpy() == referenced_dates(
            child, "ENCOUNTER", sampled["encounters"], "DATE"
        )
        assert same.mean() == pytest.approx(rules[(name, column, "equal_share", "encounters.DATE")], abs=0.1)


def test_rules_are_written_in_the_database_schema_and_edited_there(ma_model, ma_tables, synthea):
    document = ma_model.database_schema()
    written = {(rule["table"], rule["column"], rule["rule"], rule["references"]) for rule in document["date_rules"]}
    assert ("encounters", "DATE", "on_or_after", "patients.BIRTHDATE") in written
    assert ma_model.info()["tables"]["encounters"]["date_rules"] == [
        "encounters.DATE >= patients.BIRTHDATE (via PATIENT)",
        "encounters.DATE <= patients.DEATHDATE (via PATIENT)",
    ]
    schema = ma_tables[1]
    frames = synthea_tables(synthea / "ma_1462", 30, seed=2)[0]
    # Keep only the rules of encounters: the other tables are then learned without any.
    edited = {
        **schema,
        "date_rules": [rule for rule in document["date_rules"] if rule["table"] == "encounters"],
    }
    refit = DatabaseSynthesizer(**{**QUICK, "epochs": 1}).fit(frames, schema=edited)
    assert refit.database_schema()["date_rules"] == edited["date_rules"]
    assert refit.info()["tables"]["conditions"]["date_rules"] == []
    wrong = {**schema, "date_rules": [{**edited["date_rules"][0], "via": "CODE"}]}
    with pytest.raises(SynthDataError, match="not a foreign key to 'patients'"):
        DatabaseSynthesizer(**QUICK).fit(frames, schema=wrong)
    unknown = {**schema, "date_rules": [{**edited["date_rules"][0], "rule": "after"}]}
    with pytest.raises(SynthDataError, match="use one of on_or_after, on_or_before, equal_share"):
        DatabaseSynthesizer(**QUICK).fit(frames, schema=unknown)
