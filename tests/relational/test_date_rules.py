"""Date rules across foreign keys: found in a real Synthea slice, kept on every seeded row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import DatabaseSynthesizer, SynthDataError
from synthdata.relational.child_dates import ChildDates, row_orderings
from synthdata.relational.date_rules import find_date_rules
from synthdata.relational.date_values import date_forms
from synthdata.relational.layout import DatabaseLayout
from synthdata.relational.references import parent_positions
from synthdata.relational.window_positions import best_placement

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


def rebuilt_on(
    name: str, ma_tables, parents: dict[str, pd.DataFrame], *, indicators: str | None = None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The real rows of `name` as its network learns them, rebuilt on `parents` in place of the
    real ones (every indicator set to `indicators` when given): what sampling does, without a fit."""
    frames, schema = ma_tables
    layout = DatabaseLayout.from_schema(schema, frames)
    links = layout.parents_of(name)
    dates = ChildDates.learn(name, frames[name], find_date_rules(layout.links, frames), links, frames)
    assert dates is not None
    learned = dates.learned_frame(frames[name], frames)
    if indicators is not None:
        learned[dates.indicators] = indicators
    made = {**frames, **parents}
    found = {
        link.column: parent_positions(frames[name][link.column], frames[link.parent][link.parent_column])
        for link in links
    }
    return dates.settled(learned, dates.placed(learned, found, made), found, made), made


def latest_date(frame: pd.DataFrame, columns: list[str]) -> pd.Timestamp:
    return max(pd.to_datetime(frame[column]).max() for column in columns)


def test_the_learned_dates_rebuild_the_real_ones_on_the_real_parents(ma_tables):
    frames = ma_tables[0]
    for name in ("encounters", "conditions", "medications"):
        rebuilt, _ = rebuilt_on(name, ma_tables, {})
        # Nulls are written as None, read from the CSV as NaN: the same missing date.
        pd.testing.assert_frame_equal(rebuilt[frames[name].columns].fillna("-"), frames[name].fillna("-"))


def test_no_child_date_falls_after_the_latest_real_one_when_the_parents_are_born_later(ma_tables):
    """A patient born 30 years later than a real one has less of a life to be seen in: its
    history is fitted into it, not pushed past the export's date. One born after that date
    still has its history on or after its birth: the rules come first."""
    patients = ma_tables[0]["patients"].copy()
    birth = pd.to_datetime(patients["BIRTHDATE"]) + pd.DateOffset(years=30)
    death = pd.to_datetime(patients["DEATHDATE"])
    patients["BIRTHDATE"] = birth.where(death.isna() | (birth < death), death).dt.strftime("%Y-%m-%d")
    unborn = set(patients.loc[birth > latest_date(ma_tables[0]["encounters"], ["DATE"]), "ID"])
    for name, columns in (
        ("encounters", ["DATE"]),
        ("conditions", ["START", "STOP"]),
        ("careplans", ["START", "STOP"]),
    ):
        rebuilt, _ = rebuilt_on(name, ma_tables, {"patients": patients})
        seen = rebuilt[~rebuilt["PATIENT"].isin(unborn)]
        assert len(seen) > 100 and latest_date(seen, columns) <= latest_date(ma_tables[0][name], columns)
        born = pd.to_datetime(patients.set_index("ID").loc[rebuilt["PATIENT"], "BIRTHDATE"]).to_numpy()
        assert (pd.to_datetime(rebuilt[columns[0]]).to_numpy() >= born).all()


def share_on_deathdate(rows: pd.DataFrame, patients: pd.DataFrame, column: str) -> float:
    """Share of the rows of patients who died dated on the day they died."""
    died = referenced_dates(rows, "PATIENT", patients, "DEATHDATE")
    dead = ~np.isnat(died)
    return float((pd.to_datetime(rows[column]).to_numpy()[dead] == died[dead]).mean())


def test_dead_patients_events_are_not_piled_onto_their_deathdate(ma_tables):
    """Patients who die 20 years sooner than the real ones: their events spread over the shorter
    life as the real ones spread over theirs, not clipped onto the day of death."""
    frames = ma_tables[0]
    patients = frames["patients"].copy()
    birth, death = pd.to_datetime(patients["BIRTHDATE"]), pd.to_datetime(patients["DEATHDATE"])
    sooner = (death - pd.DateOffset(years=20)).where(death - pd.DateOffset(years=20) > birth, death)
    patients["DEATHDATE"] = sooner.dt.strftime("%Y-%m-%d")
    # Conditions not on their encounter's day: those on it follow the encounters, rebuilt first.
    for name, column in (("encounters", "DATE"), ("conditions", "START")):
        rebuilt, _ = rebuilt_on(name, ma_tables, {"patients": patients}, indicators="no")
        real_share = share_on_deathdate(frames[name], frames["patients"], column)
        assert share_on_deathdate(rebuilt, patients, column) <= real_share + 0.03


def test_a_stop_marked_equal_to_the_encounter_moves_alone(ma_tables):
    """A medication that starts and stops on its encounter's day does both: the STOP taking the
    encounter's date does not push START back off it."""
    rebuilt, made = rebuilt_on("medications", ma_tables, {}, indicators="yes")
    on_encounter = referenced_dates(rebuilt, "ENCOUNTER", made["encounters"], "DATE")
    start, stop = pd.to_datetime(rebuilt["START"]).to_numpy(), pd.to_datetime(rebuilt["STOP"]).to_numpy()
    assert (start == on_encounter).all()
    assert (np.isnat(stop) | (stop == on_encounter)).all()


def test_dates_are_placed_in_their_window_the_way_that_rebuilds_them_best(ma_tables):
    """Synthea records the last years before the export (or the death) whoever the patient:
    its encounters are learned as time before their window's end. Dates spread over their
    whole windows are learned as shares of them."""
    frames, schema = ma_tables
    layout = DatabaseLayout.from_schema(schema, frames)
    rules = find_date_rules(layout.links, frames)
    encounters = ChildDates.learn("encounters", frames["encounters"], rules, layout.parents_of("encounters"), frames)
    assert encounters is not None and encounters.placement == "before_end"
    rng = np.random.default_rng(0)
    start = np.datetime64("1930-01-01", "ns") + rng.integers(0, 70 * 365, 2000).astype("timedelta64[D]")
    end = np.full(2000, np.datetime64("2020-01-01", "ns"))
    spread = start + ((end - start) * rng.random(2000)).astype("timedelta64[ns]")
    assert best_placement(spread, start, end, end.max() - start.min(), rng) == "share"


def test_a_clip_that_carries_one_date_across_another_takes_the_other_with_it(ma_tables):
    """A rule may bound one date of a pair and not the other: here STOP before the patient's
    death (START not), START on or after the birth (STOP not). Where the clip into the
    windows carries one date across the other, the other follows it to the same day."""
    frames, schema = ma_tables
    medications = frames["medications"]
    assert row_orderings(medications, date_forms(medications)) == [("START", "STOP")]
    links = DatabaseLayout.from_schema(schema, frames).links
    one_sided = [
        rule
        for rule in find_date_rules(links, frames)
        if (rule.table, rule.parent) != ("medications", "patients")
        or (rule.column, rule.kind) in (("START", "on_or_after"), ("STOP", "on_or_before"))
    ]
    dates = ChildDates.learn("medications", medications, one_sided, links, frames)
    assert dates is not None and dates.orderings == [("START", "STOP")]
    # the first patient died before the START, the last was born after the STOP
    patients = pd.DataFrame(
        {
            "ID": ["died", "alive", "alive too", "born late"],
            "BIRTHDATE": ["1950-01-01", "1950-01-01", "1950-01-01", "2001-01-01"],
            "DEATHDATE": ["2000-06-01", None, None, None],
        }
    )
    moments = {
        "START": np.array(["2001-01-01", "2001-01-01", "2001-01-01", "1999-01-01"], dtype="datetime64[ns]"),
        "STOP": np.array(["2003-01-01", "2002-01-01", "NaT", "2000-06-01"], dtype="datetime64[ns]"),
    }
    rows = pd.DataFrame({column: dates.forms[column].write(values) for column, values in moments.items()})
    settled = dates.settled(rows, moments, {"PATIENT": np.arange(4)}, {**frames, "patients": patients})
    # the STOP clipped to the death takes the START down with it; a START pushed up to the
    # birth takes the STOP up with it; rows in order, or with one date missing, stay as they are
    assert list(settled["START"]) == ["2000-06-01", "2001-01-01", "2001-01-01", "2001-01-01"]
    assert list(settled["STOP"][[0, 1, 3]]) == ["2000-06-01", "2002-01-01", "2001-01-01"]
    assert pd.isna(settled["STOP"][2])


def earliest_date(frame: pd.DataFrame, column: str) -> np.datetime64:
    return pd.to_datetime(frame[column]).min().to_datetime64()


def test_child_dates_stay_within_the_years_the_real_table_records(sampled, ma_tables):
    """Synthea keeps only the export's last ten years of procedures and immunizations. A
    generated patient's history must not reach before them: neither by placing the rows
    early in a long life, nor by giving a patient who died before them an ordinary number
    of encounters to carry the rows."""
    frames = ma_tables[0]
    patients = sampled["patients"]
    for name in ("procedures", "immunizations"):
        rows, earliest = sampled[name], earliest_date(frames[name], "DATE")
        assert len(rows) > 200
        assert (pd.to_datetime(rows["DATE"]).to_numpy() < earliest).mean() <= 0.05
    # Real patients who died before the records begin hold a share of the encounters near nothing.
    earliest = earliest_date(frames["procedures"], "DATE")

    def share_of_the_early_dead(encounters: pd.DataFrame, people: pd.DataFrame) -> float:
        died = referenced_dates(encounters, "PATIENT", people, "DEATHDATE")
        return float((~np.isnat(died) & (died < earliest)).mean())

    real = share_of_the_early_dead(frames["encounters"], frames["patients"])
    assert real < 0.03 and share_of_the_early_dead(sampled["encounters"], patients) <= real + 0.03


def test_a_child_date_is_placed_within_the_real_tables_range(ma_tables):
    """Patients who die two years after the records begin: their procedures are placed in the part
    of their lives the records cover, not spread back over the years before."""
    frames = ma_tables[0]
    earliest = earliest_date(frames["procedures"], "DATE")
    patients = frames["patients"].copy()
    death = pd.Timestamp(earliest) + pd.DateOffset(years=2)
    born_before = pd.to_datetime(patients["BIRTHDATE"]) < death
    patients.loc[born_before, "DEATHDATE"] = death.strftime("%Y-%m-%d")
    rebuilt, _ = rebuilt_on("procedures", ma_tables, {"patients": patients}, indicators="no")
    dying = rebuilt["PATIENT"].isin(patients.loc[born_before, "ID"]).to_numpy()
    at = pd.to_datetime(rebuilt["DATE"]).to_numpy()[dying]
    assert len(at) > 500 and (at >= earliest).all() and (at <= death.to_datetime64()).all()
