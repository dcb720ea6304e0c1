"""How much of a child table's recorded time a parent's window covers, and the counts drawn by it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.child_dates import ChildDates
from synthdata.relational.counts import ChildCounts
from synthdata.relational.date_rules import find_date_rules
from synthdata.relational.layout import DatabaseLayout
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
