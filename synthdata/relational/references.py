"""Which parent row each generated child points at, for every foreign key of a child table.

A child table is generated from one parent, its primary parent (an encounter from
its patient): that link decides how many children each parent has and what they
look like. Its other foreign keys are filled in one of four ways, learned from the
real rows:

- derived: when a parent row already holds the same reference and the real rows
  agree with it, it is copied from there: a condition's patient is its encounter's
  patient, an encounter's organization its provider's. The primary parent is asked
  first, then the parents drawn for the other keys;
- learned: a reference to a kept table (see `reference_tables`) with at most
  `MAX_LEARNED_KEYS` distinct values is a column of the child's model like any other:
  the kept rows keep their real keys, so the model learns which carrier flies from
  which airport, and the real share of values outside the parent comes back with it;
- drawn: otherwise a parent row is drawn for each child, the generated parents
  weighted like real ones (a few providers see most encounters), a kept parent's
  rows exactly as often as the real children used each of them; the real share of
  children without a parent keeps null or, for an inferred reference, a value the
  parent does not hold (`unresolved`);
- earlier: a table referencing itself points each row at itself or an earlier row,
  so rows can be written in order.

The primary parent, unless the caller names it, is chosen among the links to
synthesized tables no other link can be derived from: one whose parents (nearly)
all have children, the one reaching the most distinct parents among those. A table
whose parents are all kept has no primary parent and is generated like a root.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.relational.counts import Histogram
from synthdata.relational.layout import DatabaseLayout, Link
from synthdata.relational.unresolved import OutsideValues

# Share of real rows that must agree before a reference is copied from the primary parent.
AGREEMENT = 0.99
# Share of parent rows with children above which a parent is taken to own them.
OWNING_COVERAGE = 0.9
# A reference to a kept table with at most this many distinct values is learned as a column.
MAX_LEARNED_KEYS = 200


def parent_positions(values: pd.Series, parent_keys: pd.Series) -> np.ndarray:
    """For each value, the position of the parent row holding it as its key (-1 for none or null)."""
    return pd.Index(parent_keys).get_indexer(values)


def choose_primary(
    table: str,
    layout: DatabaseLayout,
    frames: Mapping[str, pd.DataFrame],
    *,
    named: str | None = None,
    kept: Collection[str] = (),
) -> Link | None:
    """The link a child table is generated from (None for a root table, or one whose parents
    are all `kept`)."""
    candidates = [link for link in layout.parents_of(table) if link.parent != table and link.parent not in kept]
    if named is not None:
        chosen = [link for link in candidates if link.column == named]
        if not chosen:
            raise SchemaError(
                f"Table {table!r} has no foreign key column {named!r} to generate it from; its foreign keys are "
                f"{[link.column for link in candidates] or 'none'}."
            )
        return chosen[0]
    if not candidates:
        return None
    implied = {
        other
        for link in candidates
        for other in candidates
        if other != link and _copied_column(link, other, layout, frames) is not None
    }
    free = [link for link in candidates if link not in implied] or candidates
    return max(free, key=lambda link: _ownership(link, frames))


def _ownership(link: Link, frames: Mapping[str, pd.DataFrame]) -> tuple[bool, int]:
    """How much a parent owns its children: whether (nearly) every parent row has some, then how many
    distinct parents are referenced. A patient owns encounters; a provider sees some of them."""
    referenced = frames[link.table][link.column].dropna()
    parents = frames[link.parent][link.parent_column]
    covered = parents.isin(referenced).mean() if len(parents) else 0.0
    return bool(covered >= OWNING_COVERAGE), int(referenced.nunique())


def _copied_column(
    primary: Link, other: Link, layout: DatabaseLayout, frames: Mapping[str, pd.DataFrame]
) -> str | None:
    """The primary parent's column that holds `other`'s reference for nearly every real child, if any."""
    child, parent = frames[primary.table], frames[primary.parent]
    owners = parent_positions(child[primary.column], parent[primary.parent_column])
    present = (owners >= 0) & child[other.column].notna().to_numpy()
    for via in layout.parents_of(primary.parent):
        if (via.parent, via.parent_column) != (other.parent, other.parent_column) or not present.any():
            continue
        copied = parent[via.column].to_numpy()[owners[present]]
        if np.mean(child[other.column].to_numpy()[present] == copied) >= AGREEMENT:
            return via.column
    return None


def learn_references(
    table: str,
    primary: Link | None,
    layout: DatabaseLayout,
    frames: Mapping[str, pd.DataFrame],
    kept: Collection[str] = (),
) -> list[SecondaryReference]:
    """How each foreign key of `table` but the primary one is filled in, in an order where every
    derived reference comes after the one it is copied from.

    A reference is derived from the primary parent where it can be, else from the parent
    of a drawn reference (an encounter's organization from its provider), else learned
    or drawn.
    """
    others = [link for link in layout.parents_of(table) if link != primary]
    first = {
        link: SecondaryReference.learn(link, [primary] if primary else [], layout, frames, kept) for link in others
    }
    drawn = [link for link, reference in first.items() if reference.mode == "drawn"]
    settled = {
        link: SecondaryReference.learn(link, [source for source in drawn if source != link], layout, frames, kept)
        if reference.mode in ("drawn", "learned")
        else reference
        for link, reference in first.items()
    }
    # A reference copied from a drawn one must not be the source of another.
    for link, reference in settled.items():
        source = reference.source
        if reference.mode == "derived" and source is not None and source != primary and settled[source].mode != "drawn":
            settled[link] = first[link]
    return sorted(settled.values(), key=lambda reference: reference.mode == "derived")


@dataclass
class SecondaryReference:
    """How one foreign key other than the primary one is filled in.

    A derived reference copies `via` from the parent row of the child's `source`
    link (the primary link, or one drawn before it). `null_share` is the share of
    real children whose reference resolves nowhere; `parent_weights` how often each
    row of a kept parent was referenced.
    """

    link: Link
    mode: Literal["derived", "drawn", "earlier", "learned"]
    source: Link | None = None
    via: str | None = None
    null_share: float = 0.0
    weights: Histogram | None = None
    parent_weights: list[int] | None = None
    outside: OutsideValues = field(default_factory=OutsideValues)

    @classmethod
    def learn(
        cls,
        link: Link,
        sources: list[Link],
        layout: DatabaseLayout,
        frames: Mapping[str, pd.DataFrame],
        kept: Collection[str] = (),
    ) -> SecondaryReference:
        """Derived from the first of `sources` whose parent rows hold it, else learned or drawn
        (or earlier)."""
        child = frames[link.table]
        values = child[link.column]
        if link.parent == link.table:
            return cls(link, "earlier", null_share=float(values.isna().mean()))
        for source in sources:
            via = _copied_column(source, link, layout, frames)
            if via is not None:
                return cls(link, "derived", source=source, via=via)
        if link.parent in kept and values.nunique() <= MAX_LEARNED_KEYS:
            return cls(link, "learned")
        parent_keys = frames[link.parent][link.parent_column]
        positions = parent_positions(values, parent_keys)
        per_parent = np.bincount(positions[positions >= 0], minlength=len(parent_keys))
        null_share = float((positions < 0).mean())
        outside = OutsideValues.learn(values, positions)
        if link.parent in kept:
            return cls(link, "drawn", null_share=null_share, parent_weights=per_parent.tolist(), outside=outside)
        return cls(link, "drawn", null_share=null_share, weights=Histogram.of(per_parent), outside=outside)

    def positions(
        self,
        found: Mapping[str, np.ndarray],
        made: Mapping[str, pd.DataFrame],
        n: int,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """For each of `n` children, the row of the parent it references (-1: null).

        `found` holds the positions already settled for the child's other foreign key
        columns, `made` the tables generated so far; for a reference to the child's own
        table the positions are rows of the child itself.
        """
        if self.mode == "derived":
            assert self.source is not None  # a derived reference copies the one it names
            copied = take(made[self.source.parent][self.via], found[self.source.column])
            return parent_positions(copied, made[self.link.parent][self.link.parent_column])
        if self.mode == "earlier":
            return self._with_nulls(np.floor(rng.random(n) * (np.arange(n) + 1)).astype(np.int64), rng)
        parents = len(made[self.link.parent])
        if parents == 0:
            return np.full(n, -1)
        if self.parent_weights is not None:
            weights = np.asarray(self.parent_weights, dtype=float)
            return self._with_nulls(rng.choice(len(weights), size=n, p=weights / weights.sum()), rng)
        assert self.weights is not None  # drawn and learned references hold their children's histogram
        weights = self.weights.draw(parents, rng).astype(float)
        weights = weights if weights.sum() > 0 else np.ones(parents)
        return self._with_nulls(rng.choice(parents, size=n, p=weights / weights.sum()), rng)

    def _with_nulls(self, positions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.where(rng.random(len(positions)) < self.null_share, -1, positions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": vars(self.link),
            "mode": self.mode,
            "source": vars(self.source) if self.source is not None else None,
            "via": self.via,
            "null_share": self.null_share,
            "weights": self.weights.to_dict() if self.weights is not None else None,
            "parent_weights": self.parent_weights,
            "outside": self.outside.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SecondaryReference:
        weights = Histogram.from_dict(data["weights"]) if data["weights"] is not None else None
        source = Link(**data["source"]) if data["source"] is not None else None
        return cls(
            Link(**data["link"]),
            data["mode"],
            source,
            data["via"],
            data["null_share"],
            weights,
            data["parent_weights"],
            OutsideValues.from_dict(data["outside"]),
        )


def take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """`values` at `positions`, null where a position is -1, in a dtype that can hold the nulls."""
    missing = positions < 0
    if not missing.any():
        return values.iloc[positions].reset_index(drop=True)
    if pd.api.types.is_integer_dtype(values.dtype):
        values = values.astype("Int64")
    if len(values) == 0:
        return pd.Series([None] * len(positions), dtype=values.dtype)
    return values.iloc[np.maximum(positions, 0)].reset_index(drop=True).mask(missing)
