"""A child's reference to a row of its owner's, pointed at the row whose date fits the child's.

A procedure references its patient and one of that patient's encounters, and takes
the encounter's date on 96% of real rows (an `equal_share` rule). The encounter a
generated row hangs off is handed to it by its relation (how many procedures an
encounter of its group has) or drawn, with no regard to the date its network gave
the row: Synthea records procedures only in the export's last ten years, the network
places them there (`window_positions`), and the row could then take the date of any
of the patient's encounters, years earlier. So once a row's dates are placed in their window, and
before any of them takes a parent's date, such a reference is pointed again at a
parent row of the row's owner (an encounter of the row's patient) whose date fits:

- for the rows whose indicator puts them on the parent's date, the nearest (on the
  ordering rule's side, if one binds the two);
- for every other row where an ordering rule binds the two (an allergy starts on or
  before its encounter), the nearest on the rule's side but not on the row's date;
- for no other row, but one pointing at another owner's parent row: the nearest of
  its owner's not on the row's date, so the reference and the owner always agree.

Where the reference is the one the row was generated from, only parent rows of the
group it was generated for qualify (the drawn one always does), so what the row
looks like for its parent stays true. A reference qualifies when the child also
references the table its parent references (the owner); one whose parent date
anchors the row's window is left alone, the dates having been placed in that
parent's window already. One `merge_asof` per reference, by owner and group.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from synthdata.relational.child_dates import YES, ChildDates
from synthdata.relational.date_rules import DateRule
from synthdata.relational.layout import DatabaseLayout, Link
from synthdata.relational.references import parent_positions

Direction = Literal["backward", "forward", "nearest"]
# Which side of the child's date the parent's date must be on, by the rule binding them.
DIRECTIONS: dict[str, Direction] = {"on_or_after": "backward", "on_or_before": "forward", "equal_share": "nearest"}


@dataclass(frozen=True)
class DatedReference:
    """The child's `link` chosen by `rule`'s dates among the parent rows of the row's owner.

    `owner` is the child's reference to the owning table, `parent_owner` the parent's
    reference to it; `indicator` the column whose YES rows are on the parent's date (None:
    no `equal_share` rule), `ordered` whether `rule` is an ordering rule binding every row."""

    rule: DateRule
    link: Link
    owner: Link
    parent_owner: Link
    indicator: str | None
    ordered: bool

    def positions(
        self,
        rows: pd.DataFrame,
        moments: Mapping[str, np.ndarray],
        found: Mapping[str, np.ndarray],
        made: Mapping[str, pd.DataFrame],
        dates: ChildDates,
        groups: np.ndarray | None,
    ) -> np.ndarray:
        """Each row's parent row (-1: none): the fitting one where the row is tied to its date or
        pointed at another owner's, the one in `found` otherwise. `groups` are the parent rows'
        groups where the reference is the one the rows were generated from."""
        current = found[self.link.column]
        owner = found[self.owner.column]
        parents = made[self.link.parent]
        parent_owner = parent_positions(
            parents[self.parent_owner.column], made[self.owner.parent][self.owner.parent_column]
        )
        codes = pd.factorize(groups)[0] if groups is not None else np.zeros(len(parents), dtype=np.int64)
        at = moments[self.rule.column]
        held = current >= 0
        foreign = held & (parent_owner[np.maximum(current, 0)] != owner)
        marked = self.indicator is not None and self.indicator in rows
        tied = rows[self.indicator].to_numpy() == YES if marked else np.zeros(len(rows), dtype=bool)
        movable = held & (owner >= 0) & ~np.isnat(at) & (tied | self.ordered | foreign)
        group = codes[np.maximum(current, 0)]
        parent_at = dates.parent_moments(self.rule, made)
        candidates = pd.DataFrame(
            {"at": parent_at, "owner": parent_owner, "group": codes, "parent": np.arange(len(parents))}
        )
        candidates = candidates[~np.isnat(parent_at) & (parent_owner >= 0)].sort_values("at", kind="stable")
        chosen = current.copy()
        # A row pointed at another owner's parent row has no group among its owner's rows to keep;
        # one not tied to its parent's date is not put on it.
        for stray, exact in itertools.product((False, True), (True, False)):
            rows_moved = np.flatnonzero(movable & (foreign == stray) & (tied == exact))
            by = ["owner"] if stray else ["owner", "group"]
            left = pd.DataFrame({"at": at[rows_moved], "owner": owner[rows_moved], "group": group[rows_moved]})
            chosen[rows_moved] = _nearest_on_side(
                left, candidates, by, DIRECTIONS[self.rule.kind], exact, current[rows_moved]
            )
        return chosen


def _nearest_on_side(
    left: pd.DataFrame, candidates: pd.DataFrame, by: list[str], direction: Direction, exact: bool, current: np.ndarray
) -> np.ndarray:
    """For each `left` row, the candidate of its `by` keys nearest its date on `direction`'s side, else
    the nearest on either side, else one on its very date (if not `exact`, first without it), else
    its `current` parent. `candidates` are sorted by date."""
    found = current.copy()
    missing = np.ones(len(left), dtype=bool)
    for side, on_the_date in dict.fromkeys(((direction, exact), ("nearest", exact), ("nearest", True))):
        pending = left[missing].assign(order=np.flatnonzero(missing)).sort_values("at", kind="stable")
        if pending.empty:
            break
        matched = pd.merge_asof(pending, candidates, on="at", by=by, direction=side, allow_exact_matches=on_the_date)
        hit = matched["parent"].notna().to_numpy()
        slots = matched["order"].to_numpy()[hit]
        found[slots] = matched["parent"].to_numpy()[hit].astype(np.int64)
        missing[slots] = False
    return found


def dated_references(table: str, layout: DatabaseLayout, dates: ChildDates) -> list[DatedReference]:
    """The references of `table` chosen by date: one per link a date rule of `dates` goes through to
    a parent of the child's owner, by its ordering rule if it has one, else its first `equal_share`
    rule, and on the parent's date for the rows that rule's indicator says are."""
    links = {link.column: link for link in layout.parents_of(table)}
    anchored = dates.anchor.via if dates.anchor is not None else None
    references = []
    for via, link in links.items():
        rules = [rule for rule in dates.rules if rule.via == via]
        owned = _owner(link, links.values(), layout)
        if via == anchored or not rules or owned is None:
            continue
        ordering = [rule for rule in rules if rule.kind != "equal_share"]
        equal = [rule for rule in rules if rule.kind == "equal_share"]
        indicator = dates.indicator(equal[0]) if equal else None
        references.append(DatedReference((ordering or equal)[0], link, *owned, indicator, bool(ordering)))
    return references


def _owner(link: Link, links: Iterable[Link], layout: DatabaseLayout) -> tuple[Link, Link] | None:
    """The child's link to a table `link`'s parent also references, with the parent's link to it."""
    for owner in links:
        for parent_owner in layout.parents_of(link.parent):
            if owner != link and (owner.parent, owner.parent_column) == (
                parent_owner.parent,
                parent_owner.parent_column,
            ):
                return owner, parent_owner
    return None
