"""How much of a child table's recorded time a parent row's window covers.

A patient's encounters are drawn by the patient's group (gender, age), but how many
there are depends as much on how much of the patient's life falls in the years the
export records: Synthea keeps mostly its last ten years, so a patient who died
before them has next to no encounters, whatever the age. Drawn by group alone, such
a patient gets an ordinary history, squeezed into a life the records do not reach.

Where a date rule opens a child's window at a date of its primary parent (an
encounter on or after the patient's BIRTHDATE) and closes it at others (on or before
the DEATHDATE), the parent's cover is the share of the real child dates that fall in
that window: F(end) - F(start), F the distribution of the real dates of the anchored
column (kept as quantiles). It is 0 for a patient who died before the records begin,
1 for one alive through all of them. The cover is cut into three cells (none of the
records, part of them, nearly all) and the number of children is drawn by group and
cell (`ChildCounts`), so a parent's history is as long as its real peers' with as much
recorded time; the children's rows are drawn by group and cell too, so it is made of
what theirs held (a patient who died before the records has its death certificate). Finer cells would split the parents who saw all the records by birth
year, which the groups already do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.child_dates import ChildDates
from synthdata.relational.date_values import DateForm
from synthdata.relational.layout import Link

QUANTILES = 101
# Below the first edge a window holds next to none of the records, from the second nearly all.
CELL_EDGES = np.array([0.05, 0.95])


class WindowCover:
    """A parent row's window (its `start` date to the earliest set of its `ends`) as a share of
    the child's real dates, and that share's cell."""

    def __init__(self, start: str, ends: Sequence[str], forms: Mapping[str, DateForm], quantiles: np.ndarray) -> None:
        self.start = start
        self.ends = list(ends)
        self.forms = dict(forms)
        self.quantiles = np.asarray(quantiles, dtype=np.int64)  # the child's real dates, ns since 1970

    @classmethod
    def learn(cls, dates: ChildDates | None, link: Link, child: pd.DataFrame) -> WindowCover | None:
        """The cover of `link`'s parent rows, where the child's anchored window is set by that parent."""
        anchor = dates.anchor if dates is not None else None
        if dates is None or anchor is None or (anchor.via, anchor.parent) != (link.column, link.parent):
            return None
        ends = [
            rule.parent_column
            for rule in dates.rules
            if (rule.column, rule.kind, rule.via) == (anchor.column, "on_or_before", link.column)
        ]
        forms = {name: dates.parent_forms[f"{link.parent}.{name}"] for name in [anchor.parent_column, *ends]}
        moments = dates.forms[anchor.column].read(child[anchor.column])
        present = moments[~np.isnat(moments)].astype(np.int64)
        if not len(present):
            return None
        quantiles = np.quantile(present, np.linspace(0.0, 1.0, QUANTILES)).astype(np.int64)
        return cls(anchor.parent_column, ends, forms, quantiles)

    def shares(self, parents: pd.DataFrame) -> np.ndarray:
        """Each parent row's cover in [0, 1] (a missing start opens the window at the first real date)."""
        probabilities = np.linspace(0.0, 1.0, QUANTILES)

        def share_before(moments: np.ndarray, missing: float) -> np.ndarray:
            at = np.interp(moments.astype(np.int64).astype(float), self.quantiles.astype(float), probabilities)
            return np.where(np.isnat(moments), missing, at)

        start = share_before(self.forms[self.start].read(parents[self.start]), 0.0)
        end = np.ones(len(parents))
        for name in self.ends:
            end = np.minimum(end, share_before(self.forms[name].read(parents[name]), 1.0))
        return np.clip(end - start, 0.0, 1.0)

    def cells(self, parents: pd.DataFrame) -> np.ndarray:
        """Each parent row's cell of cover, as a label."""
        return np.char.add("cover ", np.digitize(self.shares(parents), CELL_EDGES).astype(str)).astype(object)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "ends": self.ends,
            "forms": {name: form.to_dict() for name, form in self.forms.items()},
            "quantiles": self.quantiles.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowCover:
        forms = {name: DateForm.from_dict(form) for name, form in data["forms"].items()}
        return cls(data["start"], data["ends"], forms, np.array(data["quantiles"]))
