"""How much of a child table's recorded time a parent's window covers, and the counts drawn by it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.child_dates import ChildDates
from synthdata.relational.counts import ChildCounts
from synthdata.relational.date_rules import find_date_rules
from synthdata.relational.layout import DatabaseLayout
from synthdata.relational.relation import ChildRelation
from synthdata.relational.table_model import learned_schema
from synthdata.relational.window_cover import WindowCover


def encounter_cover(ma_tables) -> WindowCover:
    frames, schema = ma_tables
    layout = DatabaseLayout.from_schema(schema, frames)
    links = layout.parents_of("encounters")
    dates = ChildDates.learn("encounters", frames["encounters"], find_date_rules(layout.links, frames), links, frames)
    cover = WindowCover.learn(dates, links[0], frames["encounters"])
    assert cover is not None and (cover.start, cover.ends) == ("BIRTHDATE", ["DEATHDATE"])
    return WindowCover.from_dict(cover.to_dict())


def test_a_patient_who_died_before_the_records_has_none_of_them(ma_tables):
    frames = ma_tables[0]
    patients = frames["patients"]
    shares = encounter_cover(ma_tables).shares(patients)
    death = pd.to_datetime(patients["DEATHDATE"])
    assert (shares[(death < "2000-01-01").to_numpy()] < 0.05).all()
    assert (shares[(death.isna() & (pd.to_datetime(patients["BIRTHDATE"]) < "2000-01-01")).to_numpy()] > 0.9).all()


def test_counts_are_drawn_by_cover_before_group(ma_tables):
    """Real patients who died before the records began had next to no encounters; a generated one
    gets as few, in whatever group it falls."""
    frames = ma_tables[0]
    patients = frames["patients"]
    cover = encounter_cover(ma_tables)
    counts = frames["encounters"].groupby("PATIENT").size().reindex(patients["ID"], fill_value=0).to_numpy()
    groups = np.where(pd.to_datetime(patients["BIRTHDATE"]) < "1960-01-01", "old", "young").astype(object)
    cells = cover.cells(patients)
    model = ChildCounts.from_dict(ChildCounts.learn(counts, groups, cells, min_parents=20).to_dict())
    early = patients.assign(DEATHDATE="1995-06-01")
    early = early[pd.to_datetime(early["BIRTHDATE"]) < "1995-06-01"].reset_index(drop=True)
    rng = np.random.default_rng(0)
    early_groups = np.where(pd.to_datetime(early["BIRTHDATE"]) < "1960-01-01", "old", "young").astype(object)
    drawn = model.draw(early_groups, rng, cover.cells(early))
    assert drawn.mean() <= counts[cells == "cover 0"].mean() + 1 < counts.mean()
    # Without a cover, the group's histogram as before.
    assert model.draw(early_groups, rng).mean() > 5


def test_children_are_drawn_by_their_parents_cover_as_well_as_their_number(ma_tables):
    """A real patient who died before the records has one encounter, its death certificate. Its
    encounters are labelled apart from those of its group's patients alive through the records, so
    a generated one gets what it had: labelled by group alone, its one encounter was an ordinary one
    and the death certificates went to the living (medications on a death certificate's date are
    rare, so the share on their encounter's date fell from 0.57 to 0.45 on ma_1462)."""
    frames, schema = ma_tables
    layout = DatabaseLayout.from_schema(schema, frames)
    link = layout.parents_of("encounters")[0]
    relation, groups = ChildRelation.learn(
        link,
        frames,
        parent_schema=learned_schema("patients", frames["patients"], keys=["ID"], declared=None, catalog=None),
        child_schema=learned_schema(
            "encounters", frames["encounters"], keys=["ID", "PATIENT"], declared=None, catalog=None
        ),
        context_columns=2,
        min_parents=20,
        parent_columns=["GENDER"],
        cover=encounter_cover(ma_tables),
    )
    certificate = (frames["encounters"]["DESCRIPTION"] == "Death Certification").to_numpy()
    labels = groups.astype(str)
    none_recorded, all_recorded = np.char.endswith(labels, "cover 0"), np.char.endswith(labels, "cover 2")
    assert none_recorded.sum() >= 20 and certificate[none_recorded].mean() > 0.9
    assert certificate[all_recorded].mean() < 0.05
    # A generated patient who died before the records is drawn from those rows.
    patients = frames["patients"]
    early = patients[pd.to_datetime(patients["BIRTHDATE"]) < "1990-01-01"].assign(DEATHDATE="1995-06-01")
    assert set(relation.labels(early.reset_index(drop=True))) <= set(labels[none_recorded])
