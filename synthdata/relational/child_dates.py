"""A child table's dates learned against its parents' dates, so the date rules hold on every row.

The network of a child table never sees its dates as calendar dates. Where a date
rule makes one of the child's dates fall on or after a parent's date (an encounter
on or after its patient's BIRTHDATE), the later of that parent date and the earliest
date the real table holds opens the row's window, and the window closes at the
earliest of the column's `on_or_before` parent dates that is set (DEATHDATE) and the
latest date the real table holds (the export's date). The real table's range bounds
the window because what was recorded outside it is not in the data: an export that
keeps only its last ten years of procedures has none before them, so a seeded one
must not either, whatever the patient's age. That column is learned as
its place in the window (`window_positions`: its share of the window, or its time
before the window's end, whichever rebuilds the real dates better), written as a
date between `EPOCH` and `EPOCH` plus the longest real window; the row's other dates
move with it, so what the table's own rules learn between them stays as it was (a
condition's STOP is still learned as its gap to START, in days). Each `equal_share`
rule gets a column of its own the network learns, "yes" where the real dates were
equal: it says which rows take the parent's date, so the share comes back with
whatever the rest of the row depends on.

Rebuilding the sampled rows: the anchored column is put at its place in the generated
parent's window, which it cannot leave, and the row's other dates keep their gaps to
it; a row whose indicator says "yes" moves its dates so that the column lands on the
parent's date (the gaps kept, except to a date an earlier indicator already set on a
parent's date, which stays there); then every date is clipped into its window: within
the table's real range (one range for all, so a row's dates stay in order), then on
or after each `on_or_after` parent date and on or before each
`on_or_before` one that is set. The clip is what makes the rules hold by
construction; placing the dates in their windows is what makes it rarely needed (no
pile-up of dates on a DEATHDATE). Rows without a parent keep the real anchors'
median as theirs. The two steps are apart (`placed`, then `settled`) so that a reference
a rule ties to the row's date can be pointed, in between, at the parent row whose date
fits the placed one (`dated_references`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.date_rules import DateRule, rules_of
from synthdata.relational.date_values import DateForm, date_forms
from synthdata.relational.layout import Link
from synthdata.relational.references import parent_positions
from synthdata.relational.window_positions import (
    EPOCH,
    Placement,
    best_placement,
    learned_position,
    nearest_day,
    placed_moment,
)

NAT = np.datetime64("NaT", "ns")
DAY = np.timedelta64(1, "D")
YES, NO = "yes", "no"


class ChildDates:
    """What a child table's model learns in place of its dates, and how its rows get them back."""

    def __init__(
        self,
        rules: Sequence[DateRule],
        forms: Mapping[str, DateForm],
        parent_forms: Mapping[str, DateForm],
        keys: Mapping[str, str],
        anchor: DateRule | None,
        fallback: np.datetime64 | None,
        latest: np.datetime64,
        span: np.timedelta64,
        placement: Placement = "share",
        orderings: Sequence[tuple[str, str]] = (),
        earliest: np.datetime64 = NAT,
    ) -> None:
        self.rules = list(rules)
        self.forms = dict(forms)  # the child's date columns, all moved with the anchor
        self.parent_forms = dict(parent_forms)  # by "parent.column"
        self.keys = dict(keys)  # each `via` column's parent key column
        self.anchor = anchor
        self.fallback = fallback
        self.latest = latest  # the table's latest real date, past which no row may fall (NaT: none)
        self.earliest = earliest  # and its earliest, before which none may fall
        self.span = span  # the longest real window of the anchored column: the learned line's length
        self.placement = placement  # how the anchored column is placed in its window (`window_positions`)
        self.orderings = [tuple(pair) for pair in orderings]  # (earlier, later) on every real row

    @classmethod
    def learn(
        cls,
        table: str,
        frame: pd.DataFrame,
        rules: Sequence[DateRule],
        links: Sequence[Link],
        frames: Mapping[str, pd.DataFrame],
        *,
        reparametrize: bool = True,
    ) -> ChildDates | None:
        """The dates of `table` against its parents by `rules` (None when it has none).

        `reparametrize` False keeps the dates and adds no column (a table whose schema
        the user declared): the rows are then only clipped into their windows."""
        forms = date_forms(frame)
        keys = {link.column: link.parent_column for link in links}
        parent_forms: dict[str, DateForm] = {}
        kept = []
        for rule in rules_of(table, rules):
            form = DateForm.of(frames[rule.parent][rule.parent_column]) if rule.parent in frames else None
            if rule.column in forms and rule.via in keys and form is not None:
                parent_forms[f"{rule.parent}.{rule.parent_column}"] = form
                kept.append(rule)
        if not kept:
            return None
        held = np.concatenate([form.read(frame[column]) for column, form in forms.items()])
        present = held[~np.isnat(held)]
        latest, earliest = (present.max(), present.min()) if len(present) else (NAT, NAT)
        orderings = row_orderings(frame, forms)
        dates = cls(kept, forms, parent_forms, keys, None, None, latest, DAY, orderings=orderings, earliest=earliest)
        if not reparametrize:
            dates.rules = [rule for rule in kept if rule.kind != "equal_share"]
            return dates if dates.rules else None
        positions = dates._positions(frame, frames)
        anchors = [rule for rule in kept if rule.kind == "on_or_after"]
        if anchors:
            dates.anchor = max(anchors, key=lambda rule: dates._anchor_quality(rule, frame, positions, frames))
            moments = dates._referenced(dates.anchor, positions, frames)
            present = moments[~np.isnat(moments)]
            dates.fallback = np.sort(present)[len(present) // 2] if len(present) else EPOCH
            start = dates._window_start(positions, frames)
            end = dates._window_end(dates.anchor.column, positions, frames)
            lengths = end - start
            dates.span = max(lengths[~np.isnat(lengths)].max(initial=DAY), DAY)
            own = dates.forms[dates.anchor.column].read(frame[dates.anchor.column])
            dates.placement = best_placement(own, start, end, dates.span, np.random.default_rng(0))
        return dates

    # -- what the network learns ------------------------------------------------------

    def indicator(self, rule: DateRule) -> str:
        """The column saying, per row, whether `rule.column` takes the parent's date."""
        return f"{rule.column} == {rule.parent}.{rule.parent_column}"

    @property
    def indicators(self) -> list[str]:
        return [self.indicator(rule) for rule in self.rules if rule.kind == "equal_share"]

    def learned_frame(self, frame: pd.DataFrame, frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        """The real rows as the network learns them: dates as offsets from the anchor, and
        an indicator column per `equal_share` rule."""
        positions = self._positions(frame, frames)
        learned = frame.copy()
        moments = {column: form.read(frame[column]) for column, form in self.forms.items()}
        for rule in self.rules:
            if rule.kind == "equal_share":
                referenced = self._referenced(rule, positions, frames)
                learned[self.indicator(rule)] = np.where(moments[rule.column] == referenced, YES, NO).astype(object)
        if self.anchor is not None:
            start = self._window_start(positions, frames)
            own = moments[self.anchor.column]
            end = self._window_end(self.anchor.column, positions, frames)
            placed = learned_position(self.placement, own, start, end, self.span)
            if self.forms[self.anchor.column].days:
                placed = nearest_day(placed)
            shift = np.where(np.isnat(own), EPOCH - start, placed - own)
            for column, form in self.forms.items():
                learned[column] = form.write(moments[column] + shift).to_numpy()
        return learned

    # -- rebuilding sampled rows ------------------------------------------------------

    def placed(
        self, rows: pd.DataFrame, found: Mapping[str, np.ndarray], made: Mapping[str, pd.DataFrame]
    ) -> dict[str, np.ndarray]:
        """The dates of sampled `rows` placed in their windows against the generated parents,
        before any takes a parent's date: what a reference chosen by date
        (`dated_references`) is chosen against. `found` holds each foreign key column's
        parent rows (-1: none), `made` the generated tables; `settled` finishes the rows."""
        moments = {column: form.read(rows[column]) for column, form in self.forms.items()}
        if self.anchor is not None:
            start = self._window_start(found, made)
            learned = moments[self.anchor.column]
            end = self._window_end(self.anchor.column, found, made)
            days = self.forms[self.anchor.column].days
            placed = placed_moment(self.placement, learned, start, end, self.span, days=days)
            shift = np.where(np.isnat(learned), start - EPOCH, placed - learned)
            moments = {column: values + shift for column, values in moments.items()}
        return moments

    def settled(
        self,
        rows: pd.DataFrame,
        moments: Mapping[str, np.ndarray],
        found: Mapping[str, np.ndarray],
        made: Mapping[str, pd.DataFrame],
    ) -> pd.DataFrame:
        """`rows` with their `placed` dates, those marked equal to a parent's moved onto it, all clipped
        into their windows."""
        moments = dict(moments)
        pinned = {column: np.zeros(len(rows), dtype=bool) for column in moments}
        for rule in self.rules:
            if rule.kind == "equal_share" and self.indicator(rule) in rows:
                chosen = rows[self.indicator(rule)].to_numpy() == YES
                self._take_parent_dates(rule, chosen, moments, pinned, found, made)
        clipped = {column: self._clipped(column, values, found, made) for column, values in moments.items()}
        restored = rows.drop(columns=self.indicators, errors="ignore")
        for column, values in self._in_order(moments, clipped).items():
            restored[column] = self.forms[column].write(values).to_numpy()
        return restored

    def _in_order(self, before: Mapping[str, np.ndarray], clipped: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """`clipped` with every ordering of the real rows kept (a medication stops on or
        after it starts). Each date is clipped into its own window, and a rule may bound
        one date of a pair and not the other (STOP before a death, START not): where the
        clip carried one across the other, the other follows it to the same day."""
        for earlier, later in self.orderings:
            first, last = clipped[earlier], clipped[later]
            crossed = ~np.isnat(first) & ~np.isnat(last) & (first > last)
            raised = crossed & (first > before[earlier])  # the earlier date was pushed up past the later
            clipped[later] = np.where(raised, first, last)
            clipped[earlier] = np.where(crossed & ~raised, last, first)
        return clipped

    def _take_parent_dates(
        self,
        rule: DateRule,
        chosen: np.ndarray,
        moments: dict[str, np.ndarray],
        pinned: dict[str, np.ndarray],
        found: Mapping[str, np.ndarray],
        made: Mapping[str, pd.DataFrame],
    ) -> None:
        """Move the dates of the `chosen` rows so that `rule.column` is the parent's date.

        Dates an earlier rule set on a parent's date (`pinned`) stay: a medication that
        starts on its encounter's day and is marked as stopping on it too stops that day,
        rather than having its START pushed back off the encounter by its usual length."""
        referenced = self._referenced(rule, found, made)
        chosen = chosen & ~np.isnat(referenced)
        own = moments[rule.column]
        shift = np.where(chosen & ~np.isnat(own), referenced - own, np.timedelta64(0, "ns"))
        for column in moments:
            moments[column] = moments[column] + np.where(pinned[column], np.timedelta64(0, "ns"), shift)
        moments[rule.column] = np.where(chosen, referenced, moments[rule.column])
        pinned[rule.column] |= chosen

    def _clipped(
        self, column: str, values: np.ndarray, found: Mapping[str, np.ndarray], made: Mapping[str, pd.DataFrame]
    ) -> np.ndarray:
        """`values` within the table's real range, then within each rule's bound: a parent born
        after the range still has its children on or after its birth (rules first)."""
        days = self.forms[column].days
        clipped = np.where(values > self.latest, self.latest, values)
        clipped = np.where(clipped < self.earliest, self.earliest, clipped)
        for kind, bound in (("on_or_after", np.maximum), ("on_or_before", np.minimum)):
            for rule in self.rules:
                if rule.column != column or rule.kind != kind:
                    continue
                limit = self._referenced(rule, found, made)
                if days:
                    # A date without a time stays within the window once its time is dropped.
                    floor = limit.astype("datetime64[D]").astype("datetime64[ns]")
                    limit = np.where((floor < limit) & (kind == "on_or_after"), floor + np.timedelta64(1, "D"), floor)
                limited = ~np.isnat(limit) & ~np.isnat(clipped)
                clipped[limited] = bound(clipped[limited], limit[limited])
        return clipped

    # -- parents' dates ---------------------------------------------------------------

    def _positions(self, frame: pd.DataFrame, frames: Mapping[str, pd.DataFrame]) -> dict[str, np.ndarray]:
        parents = {rule.via: rule.parent for rule in self.rules}
        return {via: parent_positions(frame[via], frames[parent][self.keys[via]]) for via, parent in parents.items()}

    def _referenced(
        self, rule: DateRule, positions: Mapping[str, np.ndarray], frames: Mapping[str, pd.DataFrame]
    ) -> np.ndarray:
        """The parent date of `rule` for each child row (NaT where there is no parent)."""
        where = positions[rule.via]
        values = self.parent_moments(rule, frames)
        if not len(values):
            return np.full(len(where), NAT)
        return np.where(where >= 0, values[np.maximum(where, 0)], NAT)

    def parent_moments(self, rule: DateRule, frames: Mapping[str, pd.DataFrame]) -> np.ndarray:
        """The dates of `rule`'s parent column, one per parent row."""
        return self.parent_forms[f"{rule.parent}.{rule.parent_column}"].read(frames[rule.parent][rule.parent_column])

    def _window_end(
        self, column: str, positions: Mapping[str, np.ndarray], frames: Mapping[str, pd.DataFrame]
    ) -> np.ndarray:
        """Where `column`'s window closes on each row: the earliest of its `on_or_before` parent
        dates that is set and the table's latest real date (NaT where neither is known)."""
        end = np.full(len(next(iter(positions.values()))), self.latest)
        for rule in self.rules:
            if (rule.column, rule.kind) == (column, "on_or_before"):
                bound = self._referenced(rule, positions, frames)
                end = np.where(np.isnat(end) | (bound < end), bound, end)
        return end

    def _window_start(self, positions: Mapping[str, np.ndarray], frames: Mapping[str, pd.DataFrame]) -> np.ndarray:
        """Where the anchored column's window opens on each row: the later of the anchor's parent
        date (the real anchors' median where there is no parent) and the table's earliest real date."""
        assert self.anchor is not None  # only an anchored column has a window
        start = self._with_fallback(self._referenced(self.anchor, positions, frames))
        return np.where(start < self.earliest, self.earliest, start)

    def _with_fallback(self, anchors: np.ndarray) -> np.ndarray:
        fallback = EPOCH if self.fallback is None else self.fallback
        return np.where(np.isnat(anchors), fallback, anchors)

    def _anchor_quality(
        self,
        rule: DateRule,
        frame: pd.DataFrame,
        positions: Mapping[str, np.ndarray],
        frames: Mapping[str, pd.DataFrame],
    ) -> tuple[float, float]:
        """How good an anchor `rule`'s parent date is: set for most rows, then close to the child's dates."""
        referenced = self._referenced(rule, positions, frames)
        own = self.forms[rule.column].read(frame[rule.column])
        both = ~np.isnat(referenced) & ~np.isnat(own)
        spread = float(np.std((own[both] - referenced[both]).astype(np.int64) / 86_400e9)) if both.any() else 0.0
        return float(both.mean()), -spread

    # -- the model file ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [rule.to_entry() for rule in self.rules],
            "forms": {column: form.to_dict() for column, form in self.forms.items()},
            "parent_forms": {column: form.to_dict() for column, form in self.parent_forms.items()},
            "keys": self.keys,
            "anchor": self.rules.index(self.anchor) if self.anchor is not None else None,
            "fallback": str(self.fallback) if self.fallback is not None else None,
            "latest": str(self.latest),
            "earliest": str(self.earliest),
            "span_ns": int(self.span.astype("timedelta64[ns]").astype(np.int64)),
            "placement": self.placement,
            "orderings": [list(pair) for pair in self.orderings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], links: Sequence[Link]) -> ChildDates:
        rules = [DateRule.from_entry(entry, links, "model file") for entry in data["rules"]]
        return cls(
            rules,
            {column: DateForm.from_dict(form) for column, form in data["forms"].items()},
            {column: DateForm.from_dict(form) for column, form in data["parent_forms"].items()},
            data["keys"],
            rules[data["anchor"]] if data["anchor"] is not None else None,
            np.datetime64(data["fallback"], "ns") if data["fallback"] is not None else None,
            np.datetime64(data["latest"], "ns"),
            np.timedelta64(data["span_ns"], "ns"),
            data["placement"],
            [tuple(pair) for pair in data["orderings"]],
            np.datetime64(data["earliest"], "ns"),
        )


def row_orderings(frame: pd.DataFrame, forms: Mapping[str, DateForm]) -> list[tuple[str, str]]:
    """Pairs (earlier, later) of the table's date columns in that order on every real row
    holding both, and holding it apart on at least one (equal columns are no ordering)."""
    moments = {column: form.read(frame[column]) for column, form in forms.items()}
    pairs = []
    for earlier, first in moments.items():
        for later, last in moments.items():
            both = ~np.isnat(first) & ~np.isnat(last)
            if (
                earlier != later
                and both.any()
                and (first[both] <= last[both]).all()
                and (first[both] < last[both]).any()
            ):
                pairs.append((earlier, later))
    return pairs


class WindowEnds:
    """Two dates of a parent that bound its children's window, kept in order in the parent's rows.

    An encounter on or after its patient's BIRTHDATE and on or before the DEATHDATE says
    the two are the ends of a span: a generated patient who died before being born
    would leave no day for any encounter. Where the real parents always hold the ends
    in order, generated parents whose ends come the wrong way round get the two values
    swapped (each stays a value its column can hold, and no bound gets a pile-up).
    """

    def __init__(self, pairs: Sequence[tuple[str, str]], forms: Mapping[str, DateForm]) -> None:
        self.pairs = [tuple(pair) for pair in pairs]
        self.forms = dict(forms)

    @classmethod
    def learn(cls, table: str, frame: pd.DataFrame, rules: Sequence[DateRule]) -> WindowEnds | None:
        """The ends of windows `rules` make of `table`'s dates, where the real rows keep them in order."""
        lows = {(rule.table, rule.column, rule.via, rule.parent_column) for rule in rules if rule.kind == "on_or_after"}
        pairs = {
            (low, rule.parent_column)
            for rule in rules
            if rule.parent == table and rule.kind == "on_or_before"
            for (child, column, via, low) in lows
            if (child, column, via) == (rule.table, rule.column, rule.via) and low != rule.parent_column
        }
        forms = date_forms(frame[[column for pair in pairs for column in pair if column in frame]])
        ordered = []
        for low, high in sorted(pairs):
            if low in forms and high in forms:
                early, late = forms[low].read(frame[low]), forms[high].read(frame[high])
                both = ~np.isnat(early) & ~np.isnat(late)
                if (early[both] <= late[both]).all():
                    ordered.append((low, high))
        return cls(ordered, forms) if ordered else None

    def repair(self, rows: pd.DataFrame) -> pd.DataFrame:
        """`rows` with each pair of ends in order."""
        repaired = rows.copy()
        for low, high in self.pairs:
            early, late = self.forms[low].read(repaired[low]), self.forms[high].read(repaired[high])
            broken = ~np.isnat(early) & ~np.isnat(late) & (early > late)
            if broken.any():
                repaired[low] = self.forms[low].write(np.where(broken, late, early)).to_numpy()
                repaired[high] = self.forms[high].write(np.where(broken, early, late)).to_numpy()
        return repaired

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": [list(pair) for pair in self.pairs], "forms": {c: f.to_dict() for c, f in self.forms.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowEnds:
        return cls(
            [(low, high) for low, high in data["pairs"]],
            {column: DateForm.from_dict(form) for column, form in data["forms"].items()},
        )
