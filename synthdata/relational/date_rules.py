"""Rules between a child's dates and the dates of the rows it references, found in the data.

Within a row, a later date is learned as its gap to the earlier one. Across a
foreign key the same kinds of rule hold and matter as much: an encounter falls
within its patient's life (on or after BIRTHDATE, on or before DEATHDATE when there
is one), a condition is recorded on its encounter's day in a share of cases. For
every foreign key and every pair of a child date with a date of the referenced
table, the real rows where both are set say which of these hold:

- `on_or_after` / `on_or_before`: on at least `HOLDS` of them (a few stray real
  rows do not hide a rule the seeded rows then keep on all of theirs);
- `equal_share`: the dates are equal on a share of them between `MIN_SHARE` and
  all, with the parent's date set for nearly every child (a share of children of the
  few parents that have the date could not be learned).

The rules are written in the database schema document (`date_rules`), where the user
reads, edits or deletes them; `child_dates` makes the seeded rows keep them. All of it
is vectorised: one join per foreign key, one comparison per pair of dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.relational.date_values import date_forms
from synthdata.relational.layout import Link
from synthdata.relational.references import parent_positions

RuleKind = Literal["on_or_after", "on_or_before", "equal_share"]
KINDS: tuple[str, ...] = ("on_or_after", "on_or_before", "equal_share")
# Share of real rows (both dates set) an ordering must hold on to be a rule.
HOLDS = 0.995
# Smallest share of equal dates worth learning, and the share of children whose parent
# must hold the date for it to be learned.
MIN_SHARE = 0.05
MIN_PARENT_SET = 0.9
# Fewest rows with both dates set to judge a pair by.
MIN_ROWS = 20


@dataclass(frozen=True)
class DateRule:
    """`table.column` against `parent.parent_column` of the row its `via` foreign key references.

    `share` is the share of real rows (both dates set) it held on: for an ordering the
    rows in order, for `equal_share` the rows with equal dates, which the seeded rows
    reproduce."""

    table: str
    column: str
    kind: RuleKind
    via: str
    parent: str
    parent_column: str
    share: float

    def describe(self) -> str:
        sign = {"on_or_after": ">=", "on_or_before": "<=", "equal_share": "=="}[self.kind]
        text = f"{self.table}.{self.column} {sign} {self.parent}.{self.parent_column} (via {self.via})"
        return text + (f" on {self.share:.1%} of rows" if self.kind == "equal_share" else "")

    def to_entry(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "rule": self.kind,
            "via": self.via,
            "references": f"{self.parent}.{self.parent_column}",
            "share": round(self.share, 4),
        }

    @classmethod
    def from_entry(cls, entry: Any, links: Sequence[Link], where: str = "schema") -> DateRule:
        """A rule written as `to_entry` writes it, its `via` one of `links`."""
        needed = {"table", "column", "rule", "via", "references"}
        if not isinstance(entry, Mapping) or not needed <= set(entry):
            raise SchemaError(
                f"{where}: date rule {entry!r} must give table, column, rule, via and references (parent.column)."
            )
        if entry["rule"] not in KINDS:
            raise SchemaError(
                f"{where}: date rule {entry!r} has rule {entry['rule']!r}; use one of {', '.join(KINDS)}."
            )
        parent, _, parent_column = str(entry["references"]).rpartition(".")
        link = next((link for link in links if (link.table, link.column) == (entry["table"], entry["via"])), None)
        if link is None or link.parent != parent:
            raise SchemaError(
                f"{where}: date rule {entry!r} goes via {entry['table']}.{entry['via']}, which is not a foreign key "
                f"to {parent!r}; name the foreign key column that references it."
            )
        share = entry.get("share", 1.0)
        if not isinstance(share, (int, float)) or not 0.0 < share <= 1.0:
            raise SchemaError(f"{where}: date rule {entry!r} has share {share!r}; give a number in (0, 1].")
        return cls(entry["table"], entry["column"], entry["rule"], entry["via"], parent, parent_column, float(share))


def find_date_rules(links: Sequence[Link], frames: Mapping[str, pd.DataFrame]) -> list[DateRule]:
    """The date rules that hold in `frames` across `links` (references of a table to itself aside)."""
    forms = {name: date_forms(frame) for name, frame in frames.items()}
    moments = {
        name: {column: form.read(frames[name][column]) for column, form in table_forms.items()}
        for name, table_forms in forms.items()
    }
    rules: list[DateRule] = []
    for link in links:
        if link.parent == link.table or not moments[link.table] or not moments[link.parent]:
            continue
        positions = parent_positions(frames[link.table][link.column], frames[link.parent][link.parent_column])
        resolved = positions >= 0
        for column, child in moments[link.table].items():
            for parent_column, parent in moments[link.parent].items():
                referenced = np.where(resolved, parent[np.maximum(positions, 0)], np.datetime64("NaT"))
                rules += _rules_of_pair(link, column, parent_column, child, referenced)
    return rules


def _rules_of_pair(
    link: Link, column: str, parent_column: str, child: np.ndarray, referenced: np.ndarray
) -> list[DateRule]:
    both = ~np.isnat(child) & ~np.isnat(referenced)
    if both.sum() < MIN_ROWS:
        return []
    here, there = child[both], referenced[both]
    after, before, equal = (here >= there).mean(), (here <= there).mean(), (here == there).mean()
    found = []
    rule = (link.table, column)
    if equal < HOLDS:
        if after >= HOLDS:
            found.append(DateRule(*rule, "on_or_after", link.column, link.parent, parent_column, float(after)))
        if before >= HOLDS:
            found.append(DateRule(*rule, "on_or_before", link.column, link.parent, parent_column, float(before)))
    parent_set = both.sum() / max((~np.isnat(child)).sum(), 1)
    if equal >= MIN_SHARE and parent_set >= MIN_PARENT_SET:
        found.append(DateRule(*rule, "equal_share", link.column, link.parent, parent_column, float(equal)))
    return found


def rules_of(table: str, rules: Sequence[DateRule]) -> list[DateRule]:
    return [rule for rule in rules if rule.table == table]
