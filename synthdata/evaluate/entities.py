"""Entity-level realism: can a classifier tell real parents-with-histories from synthetic ones?

Per-table metrics compare patients with patients and encounters with encounters; a
database can pass them all and still hold people whose histories give them away
(twelve encounters all in one week, a first visit at 90). Here each parent row
becomes one entity: its own columns plus features of its history in one child
table, namely how many children it has, the age (years since the parent's first date, else the
calendar year) at its first and last child, the mean gap between consecutive
children in days, its most common child type and how many children it has of each
of the real data's most common types. The cross-validated ROC AUC of a real-vs-
synthetic classifier on those entities is the score (0.5: indistinguishable). The
real parents are split in two to give the ceiling: the AUC of real against real
hold-out, which is what a perfect synthesizer would reach on this many entities.
`evaluate_database` (synthdata/evaluate/database.py) runs this for every parent table
of a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.evaluate.detection import detect
from synthdata.evaluate.kinds import MetricKind
from synthdata.io import read_database_catalog, read_table
from synthdata.relational.date_values import DateForm, date_forms

DAYS_PER_YEAR = 365.25
# The child type's most common values counted per parent.
TOP_TYPES = 5
# Parent columns with more distinct values than this share of rows are identifiers or names.
MAX_DISTINCT_SHARE = 0.5
MAX_TYPE_VALUES = 500
# An event type repeats: a column with more distinct values than this share of rows is a key.
TYPE_SHARE = 0.05

Tables = str | Mapping[str, pd.DataFrame]


@dataclass
class EntityRealism:
    """The entity-level detection result: AUC of real against synthetic entities, the ceiling
    (real against real hold-out), how many entities each side had, the features used, and
    how much the classifier leaned on each (`importance`: the AUC lost when it is shuffled)."""

    parent: str
    child: str
    auc: float
    ceiling: float
    entities: int
    features: list[str]
    importance: pd.DataFrame = field(repr=False)


def entity_realism(
    real: Tables,
    synthetic: Tables,
    *,
    parent: str,
    child: str,
    via: str | None = None,
    key: str | None = None,
    date: str | None = None,
    type_column: str | None = None,
    seed: int = 0,
) -> EntityRealism:
    """Entity-level detection of `parent` rows with their `child` histories.

    `real` and `synthetic` are database URLs or DataFrames by table name. `via` is the
    child's foreign key column and `key` the parent's key (read from the catalog of a
    URL, else `key` defaults to the parent column holding most `via` values); `date` is
    the child's date column and `type_column` its event type (defaults: the child's first
    date column, and its text column with the most values, up to 500 and 5% of its rows)."""
    real_tables, synthetic_tables = read_tables(real, (parent, child)), read_tables(synthetic, (parent, child))
    if via is None:
        via = _foreign_key(real, parent, child)
    for tables, side in ((real_tables, "real"), (synthetic_tables, "synthetic")):
        if via not in tables[child].columns:
            raise SynthDataError(f"The {side} table {child!r} has no column {via!r}; name the foreign key with via=.")
    key = key or _parent_key(real_tables[parent], real_tables[child][via])
    spec = _HistorySpec.learn(
        real_tables[parent], real_tables[child], key=key, via=via, date=date, type_column=type_column
    )
    real_entities = spec.entities(real_tables[parent], real_tables[child], via)
    synthetic_entities = spec.entities(synthetic_tables[parent], synthetic_tables[child], via)
    rng = np.random.default_rng(seed)
    halves = rng.permutation(len(real_entities)) % 2 == 0
    first, second = real_entities[halves], real_entities[~halves]
    if min(len(first), len(second), len(synthetic_entities)) < 10:
        raise SynthDataError(f"Entity-level detection needs at least 20 real and 10 synthetic {parent!r} rows.")
    kinds = spec.kinds(real_entities)
    ceiling = detect(first, second, kinds, seed=seed).auc
    found = detect(first, synthetic_entities, kinds, seed=seed)
    return EntityRealism(parent, child, found.auc, ceiling, len(first), list(kinds), found.features)


@dataclass
class _HistorySpec:
    """Which parent columns describe an entity, and how its child history is summarised."""

    key: str
    columns: list[str]
    forms: dict[str, DateForm]
    birth: str | None
    date: str | None
    date_form: DateForm | None
    type_column: str | None
    top_types: list[str]

    @classmethod
    def learn(
        cls,
        parents: pd.DataFrame,
        children: pd.DataFrame,
        *,
        key: str,
        via: str,
        date: str | None,
        type_column: str | None,
    ) -> _HistorySpec:
        forms = date_forms(parents)
        columns = [
            name
            for name in parents.columns
            if name != key
            and (name in forms or parents[name].nunique() <= MAX_DISTINCT_SHARE * parents[name].notna().sum())
        ]
        child_forms = date_forms(children)
        if date is not None and date not in child_forms:
            raise SynthDataError(f"Column {date!r} of the child table does not hold dates; name a date column.")
        date = date or next(iter(child_forms), None)
        if type_column is None:
            candidates = [
                name
                for name in children.columns
                if name not in child_forms
                and name != via
                and children[name].dtype == object
                and 2 <= children[name].nunique() <= min(MAX_TYPE_VALUES, TYPE_SHARE * len(children))
            ]
            type_column = max(candidates, key=lambda name: children[name].nunique(), default=None)
        top = children[type_column].value_counts().index[:TOP_TYPES].tolist() if type_column else []
        return cls(
            key,
            columns,
            {name: forms[name] for name in columns if name in forms},
            next(iter(forms), None),
            date,
            child_forms.get(date) if date else None,
            type_column,
            [str(value) for value in top],
        )

    def entities(self, parents: pd.DataFrame, children: pd.DataFrame, via: str) -> pd.DataFrame:
        """One row per parent: its columns (dates as years) and its history's features."""
        entities = pd.DataFrame(index=pd.RangeIndex(len(parents)))
        for name in self.columns:
            values = parents[name]
            entities[name] = _years(self.forms[name].read(values)) if name in self.forms else values.to_numpy()
        owner = pd.Index(parents[self.key]).get_indexer(children[via])
        history = children.assign(__owner=owner)[owner >= 0]
        counts = np.bincount(history["__owner"], minlength=len(parents))
        entities["history: count"] = counts
        if self.date is not None and self.date_form is not None:
            moments = self.date_form.read(history[self.date])
            events = pd.DataFrame({"owner": history["__owner"].to_numpy(), "at": _years(moments)}).dropna()
            events = events.sort_values(["owner", "at"], kind="stable")
            grouped = events.groupby("owner")["at"]
            origin = _years(self.forms[self.birth].read(parents[self.birth])) if self.birth else np.zeros(len(parents))
            entities["history: age at first"] = grouped.min().reindex(entities.index).to_numpy() - origin
            entities["history: age at last"] = grouped.max().reindex(entities.index).to_numpy() - origin
            gaps = events.assign(gap=grouped.diff() * DAYS_PER_YEAR).groupby("owner")["gap"].mean()
            entities["history: mean gap (days)"] = gaps.reindex(entities.index).to_numpy()
        if self.type_column is not None:
            types = history[self.type_column].astype(str)
            tally = pd.DataFrame({"owner": history["__owner"].to_numpy(), "type": types.to_numpy()})
            sizes = tally.groupby(["owner", "type"]).size().reset_index(name="n")
            modal = sizes.sort_values(["owner", "n"], ascending=[True, False], kind="stable").drop_duplicates("owner")
            modal = modal.set_index("owner")["type"]
            entities["history: most common type"] = modal.reindex(entities.index).to_numpy()
            for value in self.top_types:
                entities[f"history: {value}"] = np.bincount(history["__owner"][types == value], minlength=len(parents))
        return entities

    def kinds(self, entities: pd.DataFrame) -> dict[str, MetricKind]:
        return {
            str(name): "numerical" if pd.api.types.is_numeric_dtype(entities[name].dtype) else "categorical"
            for name in entities.columns
        }


def _years(moments: np.ndarray) -> np.ndarray:
    """Moments as fractional calendar years (NaN for none)."""
    days = moments.astype("datetime64[s]").astype(np.float64) / 86_400.0
    days[np.isnat(moments)] = np.nan
    return 1970.0 + days / DAYS_PER_YEAR


def read_tables(source: Tables, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The tables `names` of a database URL or of a mapping of DataFrames."""
    if isinstance(source, str):
        return {name: read_table(source, table=name, verbose=False) for name in names}
    missing = [name for name in names if name not in source]
    if missing:
        raise SynthDataError(f"The database has no table {missing[0]!r}; its tables are {sorted(source)}.")
    return {name: source[name].reset_index(drop=True) for name in names}


def _foreign_key(source: Tables, parent: str, child: str) -> str:
    if isinstance(source, str):
        catalog = read_database_catalog(source)
        for key in catalog.tables[child].foreign_keys:
            if key.referred_table == parent:
                return key.columns[0]
    raise SynthDataError(f"Name the column of {child!r} that references {parent!r} with via=.")


def _parent_key(parents: pd.DataFrame, references: pd.Series) -> str:
    shares = {name: references.isin(parents[name]).mean() for name in parents.columns if parents[name].is_unique}
    if not shares or max(shares.values()) == 0:
        raise SynthDataError("No unique column of the parent holds the child's references; name it with key=.")
    return max(shares, key=lambda name: shares[name])
