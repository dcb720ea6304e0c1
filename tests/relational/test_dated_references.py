"""References chosen by date: a child's encounter is one of its patient's, and its date fits the child's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.relational.child_dates import ChildDates
from synthdata.relational.date_rules import find_date_rules
from synthdata.relational.dated_references import dated_references
from synthdata.relational.layout import DatabaseLayout
from synthdata.relational.references import parent_positions


def encounter_dates(child: pd.DataFrame, encounters: pd.DataFrame) -> np.ndarray:
    positions = parent_positions(child["ENCOUNTER"], encounters["ID"])
    assert (positions >= 0).all()
    return pd.to_datetime(encounters["DATE"]).to_numpy()[positions]


def repointed(
    name: str, ma_tables, *, foreign: float = 0.0, earlier: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The real rows of `name` as its network learns them, each handed a random encounter of its
    patient (a `foreign` share of them any patient's), as a relation that ignores dates hands them;
    then their encounters chosen by date and their dates rebuilt. An `earlier` share of the
    encounters is dated up to 20 years sooner, as a network that spreads them over the patient's
    life dates them. Returns the real rows, the rebuilt ones and the encounters."""
    frames, schema = ma_tables
    layout = DatabaseLayout.from_schema(schema, frames)
    child, encounters = frames[name], frames["encounters"].copy()
    dates = ChildDates.learn(name, child, find_date_rules(layout.links, frames), layout.parents_of(name), frames)
    assert dates is not None
    learned = dates.learned_frame(child, frames)
    rng = np.random.default_rng(0)
    sooner = pd.to_timedelta(rng.integers(0, 20 * 365, len(encounters)) * (rng.random(len(encounters)) < earlier), "D")
    encounters["DATE"] = (pd.to_datetime(encounters["DATE"]) - sooner).dt.strftime("%Y-%m-%d")
    frames = {**frames, "encounters": encounters}
    found = {
        link.column: parent_positions(child[link.column], frames[link.parent]["ID"]) for link in layout.parents_of(name)
    }
    owners = parent_positions(encounters["PATIENT"], frames["patients"]["ID"])
    by_owner = pd.Series(np.arange(len(encounters))).groupby(owners).apply(np.asarray)
    drawn = np.array([rng.choice(by_owner[owner]) for owner in found["PATIENT"]])
    stray = rng.random(len(child)) < foreign
    found["ENCOUNTER"] = np.where(stray, rng.integers(0, len(encounters), len(child)), drawn)
    moments = dates.placed(learned, found, frames)
    for reference in dated_references(name, layout, dates):
        found[reference.link.column] = reference.positions(learned, moments, found, frames, dates, None)
    rebuilt = dates.settled(learned, moments, found, frames)
    rebuilt["ENCOUNTER"] = encounters["ID"].to_numpy()[found["ENCOUNTER"]]
    return child, rebuilt, encounters


def test_the_encounter_a_date_rule_ties_is_chosen_by_date_among_the_patients(ma_tables):
    layout = DatabaseLayout.from_schema(ma_tables[1], ma_tables[0])
    frames = ma_tables[0]
    rules = find_date_rules(layout.links, frames)
    for name in ("procedures", "allergies"):
        dates = ChildDates.learn(name, frames[name], rules, layout.parents_of(name), frames)
        assert dates is not None
        (reference,) = dated_references(name, layout, dates)
        assert (reference.link.column, reference.owner.column, reference.parent_owner.table) == (
            "ENCOUNTER",
            "PATIENT",
            "encounters",
        )
        # An allergy starts on or before its encounter on every real row: that side binds every row.
        assert reference.rule.kind == ("equal_share" if name == "procedures" else "on_or_before")
        assert reference.indicator == f"{reference.rule.column} == encounters.DATE"
    # An encounter's own date anchors its window: its patient is not chosen again.
    encounters = ChildDates.learn("encounters", frames["encounters"], rules, layout.parents_of("encounters"), frames)
    assert encounters is not None and dated_references("encounters", layout, encounters) == []


@pytest.mark.parametrize("name", ["procedures", "immunizations", "medications"])
def test_every_encounter_is_its_patients_and_rows_on_its_date_keep_it(name, ma_tables):
    real, rebuilt, encounters = repointed(name, ma_tables, foreign=0.2)
    owner = encounters.set_index("ID").loc[rebuilt["ENCOUNTER"], "PATIENT"].to_numpy()
    assert (owner == rebuilt["PATIENT"].to_numpy()).all()
    column = "DATE" if "DATE" in real else "START"
    on_encounter = pd.to_datetime(rebuilt[column]).to_numpy() == encounter_dates(rebuilt, encounters)
    real_share = (pd.to_datetime(real[column]).to_numpy() == encounter_dates(real, encounters)).mean()
    assert on_encounter.mean() == pytest.approx(real_share, abs=0.02)


@pytest.mark.parametrize("name", ["procedures", "immunizations"])
def test_dates_taken_from_the_encounter_keep_their_distribution(name, ma_tables):
    """Synthea records procedures and immunizations only in the export's last ten years; taken
    from an encounter of any date of the patient's, a fifth of them fell before."""
    real, rebuilt, _ = repointed(name, ma_tables, earlier=0.3)
    earliest = pd.to_datetime(real["DATE"]).min()
    assert (pd.to_datetime(rebuilt["DATE"]) < earliest).mean() < 0.02


def test_an_ordering_rule_to_the_encounter_holds_on_every_row_and_puts_none_on_its_date(ma_tables):
    """Every allergy is moved to an encounter on or after its START, but only those its indicator
    marks onto the encounter's very date."""
    real, rebuilt, encounters = repointed("allergies", ma_tables)
    start, on = pd.to_datetime(rebuilt["START"]).to_numpy(), encounter_dates(rebuilt, encounters)
    assert (start <= on).all()
    real_share = (pd.to_datetime(real["START"]).to_numpy() == encounter_dates(real, encounters)).mean()
    assert (start == on).mean() == pytest.approx(real_share, abs=0.02)


def test_sampled_children_hang_off_their_patients_encounters(ma_model):
    sampled = ma_model.sample(seed=3)
    encounters = sampled["encounters"].set_index("ID")
    for name in ("conditions", "medications", "procedures", "immunizations", "careplans", "allergies"):
        child = sampled[name]
        assert len(child) and (encounters.loc[child["ENCOUNTER"], "PATIENT"].to_numpy() == child["PATIENT"]).all()
