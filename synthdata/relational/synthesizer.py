"""DatabaseSynthesizer: learn a whole database, then sample it or seed test databases from it.

It wires the relational pieces together and owns nothing else. The layout says
which tables there are and how they reference each other; each table gets a
TableModel (its TabularGAN, keys left out); each child table a ChildRelation along
its primary parent (children per parent, children given the parent) and a
SecondaryReference for each other foreign key. Reference tables are kept as they
are (`reference_tables`), and references the database does not declare are found in
the data first (`inferred_references`). Sampling walks the tables parents first:
kept tables as they are, root tables (and tables whose parents are all kept) by row
count times `scale`, every other child table as the children of the parents just
generated, keys made afresh and references pointing at them. Dates follow the
rules found across the foreign keys (`date_rules`): a child's dates are learned
against its parents' and rebuilt on the generated parents (`child_dates`), a reference
those rules tie to the child's date pointed at the parent row whose date fits
(`dated_references`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from synthdata.device import DeviceName
from synthdata.errors import NotFittedError, SynthDataError
from synthdata.io import DatabaseSink, open_database_sink, read_database_catalog, read_table
from synthdata.io.sink import IfExists
from synthdata.models.tabular_gan import TabularGAN
from synthdata.relational.binning import Cells, coded_columns
from synthdata.relational.child_dates import ChildDates, WindowEnds
from synthdata.relational.date_rules import DateRule, find_date_rules
from synthdata.relational.dated_references import dated_references
from synthdata.relational.inferred_references import infer_references
from synthdata.relational.layout import DatabaseLayout, SchemaSource, TableMode
from synthdata.relational.model_file import load_database_model, network_member, save_database_model
from synthdata.relational.reference_tables import ReferenceTableRule
from synthdata.relational.references import (
    SecondaryReference,
    choose_primary,
    learn_references,
    parent_positions,
    take,
)
from synthdata.relational.relation import ChildRelation
from synthdata.relational.table_model import TableModel, learned_schema
from synthdata.relational.window_cover import WindowCover
from synthdata.schema import Schema
from synthdata.wording import quoted

DatabaseSource = str | Mapping[str, pd.DataFrame]


class DatabaseSynthesizer:
    """A model of a whole database: every table, and the foreign keys between them.

    >>> model = DatabaseSynthesizer(epochs=100).fit("sqlite:///shop.db")
    >>> model.seed("postgresql://localhost/test", scale=0.1)

    The table options (`epochs`, `batch_size`, `max_time`, `calibrate`, `refine`,
    `redraw`, `device`) apply to each table's TabularGAN; `max_rows` caps the rows each network
    is fitted on (counts of children are always learned from every row).
    `context_columns` and `min_group_parents` say how finely a child depends on its
    parent: grouped by up to that many parent columns, in groups of at least that many
    real parents.
    `primary_parents` names, per child table, the foreign key column to generate it
    from, where the default choice (see `references`) is not the right one, and
    `parent_columns` the parent columns to group its children by, where the columns
    the data suggests are not the ones that matter.
    `table_modes` keeps (`"keep"`) or synthesizes (`"synthesize"`) tables against the
    reference-table rule (see `reference_tables`), and `infer_references` finds the
    references a database holds without declaring them (see `inferred_references`);
    both show in `database_schema()`, a schema document to edit and fit with.
    So do the date rules found across the foreign keys (`date_rules`, see
    `date_rules`): seeded rows keep every one of them.
    """

    def __init__(
        self,
        *,
        epochs: int | None = None,
        batch_size: int = 500,
        max_time: str | float | None = None,
        max_rows: int | None = 1_000_000,
        calibrate: bool = True,
        refine: bool = True,
        redraw: bool = True,
        context_columns: int = 2,
        min_group_parents: int = 20,
        primary_parents: Mapping[str, str] | None = None,
        parent_columns: Mapping[str, Sequence[str]] | None = None,
        table_modes: Mapping[str, TableMode] | None = None,
        infer_references: bool = True,
        date_rules: bool = True,
        device: DeviceName = "auto",
        random_seed: int = 0,
        verbose: bool = True,
        epsilon: float | None = None,
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.max_time = max_time
        self.max_rows = max_rows
        self.calibrate = calibrate
        self.refine = refine
        self.redraw = redraw
        self.context_columns = context_columns
        self.min_group_parents = min_group_parents
        self.primary_parents = dict(primary_parents or {})
        self.parent_columns = {table: list(columns) for table, columns in (parent_columns or {}).items()}
        self.table_modes = dict(table_modes or {})
        self.infer_references = infer_references
        self.date_rules = date_rules
        self.device = device
        self.random_seed = random_seed
        self.verbose = verbose
        self.epsilon = epsilon

    # -- fitting -----------------------------------------------------------------

    def fit(
        self, data: DatabaseSource, *, schema: SchemaSource | Mapping[str, Schema] | None = None
    ) -> DatabaseSynthesizer:
        """Learn every table of `data`: a database URL, or DataFrames by table name.

        Tables and foreign keys come from the database's catalog (plus the references
        found in the data, unless `infer_references` is off), or from `schema`: a
        multi-table schema file or mapping (`tables` and `foreign_keys`, `mode` per
        table), or a Schema per table. Returns self.
        """
        if self.epsilon is not None:
            raise SynthDataError(
                "Differential privacy (epsilon) is single-table for now: a row of a parent table reaches its "
                "children too. Fit each table with TabularGAN(epsilon=...) or `synthdata fit URL --table T --epsilon E`."
            )
        frames, layout = self._read(data, schema)
        if schema is None and self.infer_references:
            layout = infer_references(layout, frames)
        rng = np.random.default_rng(self.random_seed)
        self.date_rules_ = self._find_date_rules(layout, frames)
        layout.date_rules = [rule.to_entry() for rule in self.date_rules_]
        self.layout_ = layout
        self.dates_: dict[str, ChildDates | None] = {}
        self.windows_: dict[str, WindowEnds | None] = {}
        self.models_: dict[str, TableModel] = {}
        self.relations_: dict[str, ChildRelation] = {}
        self.references_: dict[str, list[SecondaryReference]] = {}
        rule = ReferenceTableRule(layout, frames, {**layout.modes, **self.table_modes})
        schemas: dict[str, Schema] = {}
        parent_codes: dict[str, list[tuple[Cells, np.ndarray]]] = {}
        with tqdm(layout.tables, desc="Fitting", unit="table", disable=not _show_progress(self.verbose)) as tables:
            for name in tables:
                tables.set_postfix(table=name)
                schemas[name] = self._fit_table(name, frames, schemas, parent_codes, rule, rng)
        layout.modes = rule.modes
        return self

    def _find_date_rules(self, layout: DatabaseLayout, frames: Mapping[str, pd.DataFrame]) -> list[DateRule]:
        """The date rules a schema document gives, else those found in the data (none when off)."""
        if layout.date_rules is not None:
            return [DateRule.from_entry(entry, layout.links) for entry in layout.date_rules]
        return find_date_rules(layout.links, frames) if self.date_rules else []

    def _fit_table(
        self,
        name: str,
        frames: Mapping[str, pd.DataFrame],
        schemas: Mapping[str, Schema],
        parent_codes: dict[str, list[tuple[Cells, np.ndarray]]],
        rule: ReferenceTableRule,
        rng: np.random.Generator,
    ) -> Schema:
        """Learn table `name`; returns its learned schema. `parent_codes` keeps each parent
        table's cells (see ParentContext) for all of its children."""
        layout, frame = self.layout_, frames[name]
        links = layout.parents_of(name)
        primary_key = layout.primary_keys.get(name)
        references = [link.column for link in links]
        declared = layout.schemas.get(name)
        kept = [table for table, mode in rule.modes.items() if mode == "keep"]
        primary = choose_primary(name, layout, frames, named=self.primary_parents.get(name), kept=kept)
        secondary = learn_references(name, primary, layout, frames, kept)
        categories = [reference.link.column for reference in secondary if reference.mode == "learned"]
        keys = ([primary_key] if primary_key else []) + references
        self.windows_[name] = WindowEnds.learn(name, frame, self.date_rules_)
        dates = ChildDates.learn(name, frame, self.date_rules_, links, frames, reparametrize=declared is None)
        real_columns, frame = frame.columns, dates.learned_frame(frame, frames) if dates is not None else frame
        schema = learned_schema(
            name, frame, keys=keys, declared=declared, catalog=layout.catalogs.get(name), categories=categories
        )
        if rule.decide(name, schema) == "keep":
            # A kept table is copied: no network, no relation, and its references stay as they are.
            self.models_[name], self.references_[name] = TableModel.keep(frames[name]), []
            self.dates_[name] = None
            return schema
        groups = None
        if primary is not None:
            if primary.parent not in parent_codes:
                parent_codes[primary.parent] = coded_columns(
                    frames[primary.parent], schemas[primary.parent], min_rows=self.min_group_parents
                )
            relation, groups = ChildRelation.learn(
                primary,
                {**frames, name: frame},
                parent_schema=schemas[primary.parent],
                child_schema=schema,
                context_columns=self.context_columns,
                min_parents=self.min_group_parents,
                parent_columns=self.parent_columns.get(name),
                parent_codes=parent_codes[primary.parent],
                cover=WindowCover.learn(dates, primary, frames[name]),
            )
            self.relations_[name] = relation
            groups = groups if len(set(groups)) > 1 else None
        self.references_[name] = secondary
        self.dates_[name] = dates
        model = self.models_[name] = TableModel.learn(
            name,
            frame,
            schema=schema,
            primary_key=primary_key,
            references=[column for column in references if column not in categories],
            declared=declared,
            groups=groups,
            gan=self._network(),
            max_rows=self.max_rows,
            rng=rng,
        )
        # The seeded table has the real columns; the date indicators stay with the network.
        model.columns = {column: dtype for column, dtype in model.columns.items() if column in real_columns}
        return schema

    def _network(self) -> TabularGAN:
        return TabularGAN(
            epochs=self.epochs,
            batch_size=self.batch_size,
            max_time=self.max_time,
            calibrate=self.calibrate,
            refine=self.refine,
            redraw=self.redraw,
            device=self.device,
            seed=self.random_seed,
            verbose=self.verbose,
        )

    def _read(
        self, data: DatabaseSource, schema: SchemaSource | Mapping[str, Schema] | None
    ) -> tuple[dict[str, pd.DataFrame], DatabaseLayout]:
        if isinstance(data, str):
            catalog = read_database_catalog(data)
            if not catalog.tables:
                raise SynthDataError("The database has no tables; there is nothing to learn.")
            frames = {name: read_table(data, table=name, verbose=self.verbose) for name in catalog.order}
            if schema is None:
                return frames, DatabaseLayout.from_catalog(catalog)
            layout = DatabaseLayout.from_schema(schema, catalog.order)
            layout.catalogs = dict(catalog.tables)
            return frames, layout
        if not isinstance(data, Mapping) or not data or not all(isinstance(f, pd.DataFrame) for f in data.values()):
            raise SynthDataError(
                f"fit expects a database URL or a mapping of table names to DataFrames, got {type(data).__name__}."
            )
        frames = {str(name): frame.reset_index(drop=True) for name, frame in data.items()}
        if schema is None:
            return frames, DatabaseLayout(list(frames), dict.fromkeys(frames), [])
        return frames, DatabaseLayout.from_schema(schema, frames)

    # -- sampling ----------------------------------------------------------------

    def sample(self, scale: float = 1.0, *, seed: int | None = None) -> dict[str, pd.DataFrame]:
        """A synthetic copy of the database, parents first.

        Every synthesized table gets `scale` times its real rows (up to rounding): root
        tables by count, child tables as the real children per parent times the parents
        generated (see `relation`). Kept reference tables come back whole at any scale,
        since their children point at all of their rows."""
        return dict(self._generate(scale, seed))

    def seed(
        self, url: str, *, scale: float = 1.0, if_exists: IfExists = "fail", seed: int | None = None
    ) -> dict[str, int]:
        """Create the tables at `url` (keys and foreign keys declared) and fill them, all in one
        transaction where the database allows it; returns the rows written per table.

        `if_exists` applies to the model's tables together: "fail" if any exists,
        "append" to them (sequential keys continue after the largest key there, the
        foreign keys of the new rows point at the new parents, and a kept table gets
        only those of its rows that are not there yet), or "replace" them.
        """
        layout = self._fitted().layout_
        declarations = {name: layout.declaration(name) for name in layout.tables}
        with open_database_sink(url, list(declarations.values()), if_exists=if_exists, verbose=self.verbose) as sink:
            starts = self._key_starts(sink) if if_exists == "append" else {}
            for name, frame in self._generate(scale, seed, starts):
                if if_exists == "append" and self.models_[name].kept is not None:
                    key = declarations[name].primary_key or tuple(frame.columns)
                    frame = _rows_not_present(frame, sink.existing_rows(name, key), key)
                    if frame.empty:
                        continue
                sink.write(name, frame)
        return dict(sink.rows_written)

    def _key_starts(self, sink: DatabaseSink) -> dict[str, int]:
        """Where each table's sequential keys continue when rows are appended to it."""
        starts = {}
        for name in self.layout_.tables:
            key = self.models_[name].key
            if key is None or key.format != "sequential":
                continue
            largest = sink.largest_value(name, key.name)
            if largest is None:
                continue
            try:
                starts[name] = int(largest) + 1
            except (TypeError, ValueError):
                raise SynthDataError(
                    f"cannot append to table {name!r}: its key {key.name!r} holds {quoted(largest)}, not a "
                    "whole number the new keys could follow; seed a new database or replace the tables"
                ) from None
        return starts

    def _generate(
        self, scale: float, seed: int | None, starts: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        self._fitted()
        if not isinstance(scale, (int, float)) or not scale > 0:
            raise SynthDataError(f"scale must be a number above 0, got {scale!r}.")
        base = self.random_seed if seed is None else seed
        made: dict[str, pd.DataFrame] = {}
        for index, name in enumerate(self.layout_.tables):
            start = (starts or {}).get(name)
            made[name] = self._generate_table(name, scale, made, _Seeds(base, index), start)
            yield name, made[name]

    def _generate_table(
        self, name: str, scale: float, made: dict[str, pd.DataFrame], seeds: _Seeds, start: int | None = None
    ) -> pd.DataFrame:
        model, relation = self.models_[name], self.relations_.get(name)
        if model.kept is not None:
            return model.rows(model.n_rows, group=None, seed=0)
        rng = np.random.default_rng(seeds.stream(0))
        if relation is None:
            n = max(1, round(model.n_rows * scale)) if model.n_rows else 0
            rows, owners = model.rows(n, group=None, seed=seeds.stream(1)), np.full(n, -1)
        else:
            rows, owners = relation.children(
                model,
                made[relation.link.parent],
                rng=rng,
                seed_of=lambda group, round_index: seeds.stream(2, group, round_index),
            )
        rows = rows.reset_index(drop=True)
        keys = model.new_keys(len(rows), seed=seeds.stream(1), start=start)
        filled: dict[str, pd.Series] = {model.key.name: keys} if keys is not None and model.key is not None else {}
        found = {relation.link.column: owners} if relation is not None else {}
        outside = {relation.link: relation.outside} if relation is not None else {}
        for reference in self.references_[name]:
            link = reference.link
            if reference.mode == "learned":
                # The model drew the kept parent's real keys; the positions serve derived references.
                found[link.column] = parent_positions(rows[link.column], made[link.parent][link.parent_column])
            else:
                found[link.column] = reference.positions(found, made, len(rows), rng)
                outside[link] = reference.outside
        dates = self.dates_.get(name)
        if dates is not None:
            moments = dates.placed(rows, found, made)
            self._point_by_date(name, rows, moments, found, made, rng)
            rows = dates.settled(rows, moments, found, made)
        windows = self.windows_.get(name)
        if windows is not None:
            rows = windows.repair(rows)
        for link in self.layout_.parents_of(name):
            if link not in outside:
                continue
            referenced = keys if link.parent == name else made[link.parent][link.parent_column]
            if referenced is None:
                raise SynthDataError(f"The foreign key {link} points at its own table, which has no primary key.")
            positions = found[link.column]
            filled[link.column] = outside[link].fill(take(referenced, positions), positions < 0, referenced, rng)
        table = pd.DataFrame(
            {column: filled[column] if column in filled else rows[column] for column in model.columns},
            index=pd.RangeIndex(len(rows)),
        )
        key = self.layout_.declaration(name).primary_key
        return table.drop_duplicates(subset=list(key), ignore_index=True) if len(key) > 1 else table

    def _point_by_date(
        self,
        name: str,
        rows: pd.DataFrame,
        moments: Mapping[str, np.ndarray],
        found: dict[str, np.ndarray],
        made: Mapping[str, pd.DataFrame],
        rng: np.random.Generator,
    ) -> None:
        """Point the references of `name` a date rule ties to the rows' dates at the parent rows whose
        dates fit (`dated_references`), then copy the derived references from them again."""
        dates, relation = self.dates_[name], self.relations_.get(name)
        assert dates is not None  # only tables with date rules have references chosen by date
        references = dated_references(name, self.layout_, dates)
        for reference in references:
            primary = relation if relation is not None and relation.link == reference.link else None
            groups = primary.labels(made[reference.link.parent]) if primary is not None else None
            found[reference.link.column] = reference.positions(rows, moments, found, made, dates, groups)
        for secondary in self.references_[name] if references else []:
            if secondary.mode == "derived":
                found[secondary.link.column] = secondary.positions(found, made, len(rows), rng)

    # -- persistence -------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted model to one `.synth` file (atomically); returns the path."""
        self._fitted()
        tables: dict[str, dict[str, Any]] = {}
        networks: dict[str, TabularGAN] = {}
        for index, name in enumerate(self.layout_.tables):
            model = self.models_[name]
            member = network_member(index) if model.gan is not None else None
            if member is not None and model.gan is not None:
                networks[member] = model.gan
            tables[name] = {
                "model": model.to_dict(),
                "network": member,
                "relation": self.relations_[name].to_dict() if name in self.relations_ else None,
                "references": [reference.to_dict() for reference in self.references_[name]],
                "dates": dates.to_dict() if (dates := self.dates_.get(name)) is not None else None,
                "windows": windows.to_dict() if (windows := self.windows_.get(name)) is not None else None,
            }
        meta = {"options": self.get_params(), "layout": self.layout_.to_dict(), "tables": tables}
        return save_database_model(path, meta, networks)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, device: DeviceName = "auto") -> DatabaseSynthesizer:
        """Read a model written by `save`; the file is checked, never unpickled."""
        meta, networks = load_database_model(path, device=device)
        try:
            model = cls(**{**meta["options"], "device": device})
            model.layout_ = DatabaseLayout.from_dict(meta["layout"])
            model.models_, model.relations_, model.references_ = {}, {}, {}
            model.dates_, model.windows_ = {}, {}
            for name, table in meta["tables"].items():
                network = networks[table["network"]] if table["network"] is not None else None
                model.models_[name] = TableModel.from_dict(table["model"], network)
                if table["relation"] is not None:
                    model.relations_[name] = ChildRelation.from_dict(table["relation"])
                model.references_[name] = [SecondaryReference.from_dict(item) for item in table["references"]]
                dates = table["dates"]
                links = model.layout_.parents_of(name)
                model.dates_[name] = ChildDates.from_dict(dates, links) if dates is not None else None
                windows = table["windows"]
                model.windows_[name] = WindowEnds.from_dict(windows) if windows is not None else None
            missing = [name for name in model.layout_.tables if name not in model.models_]
            if missing:
                raise KeyError(f"tables {missing}")
        except (KeyError, TypeError, ValueError, SynthDataError) as error:
            raise SynthDataError(
                f"The model file {path} is inconsistent ({type(error).__name__}: {error}); "
                "it was damaged or edited. Fit the model again."
            ) from None
        return model

    def info(self) -> dict[str, Any]:
        """What the model is: each table's rows learned, what it is generated from and how."""
        self._fitted()
        tables = {}
        for name in self.layout_.tables:
            relation = self.relations_.get(name)
            tables[name] = {
                "rows": self.models_[name].n_rows,
                "primary_key": self.layout_.primary_keys.get(name),
                "parent": str(relation.link) if relation is not None else None,
                "grouped_by": relation.context.columns if relation is not None else [],
                "groups": len(relation.context.groups) if relation is not None else 0,
                "counts_by_cover": relation is not None and relation.cover is not None,
                "mode": self.layout_.modes.get(name, "synthesize"),
                "references": {str(item.link): item.mode for item in self.references_[name]},
                "date_rules": [rule.describe() for rule in dates.rules] if (dates := self.dates_.get(name)) else [],
                "inferred_references": {
                    str(link): link.resolves for link in self.layout_.parents_of(name) if not link.declared
                },
            }
        return {"tables": tables, "options": self.get_params()}

    def database_schema(self) -> dict[str, Any]:
        """The database as this model sees it, as a schema document: each table's primary key and
        mode (`keep` or `synthesize`), every reference, those found in the data marked
        `inferred: true` with the share of real rows they resolve in, and the date rules across
        the references (`date_rules`: `rule` on_or_after, on_or_before or equal_share, the child
        `table.column`, the foreign key `via` and the parent date it `references`, with the real
        `share`). Edit it (change a mode,
        delete a reference) and pass it to `fit(..., schema=...)` to fit again on your terms."""
        return self._fitted().layout_.schema_document()

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters given to `__init__` (sklearn convention)."""
        return {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "max_time": self.max_time,
            "max_rows": self.max_rows,
            "calibrate": self.calibrate,
            "refine": self.refine,
            "redraw": self.redraw,
            "context_columns": self.context_columns,
            "min_group_parents": self.min_group_parents,
            "primary_parents": self.primary_parents,
            "parent_columns": self.parent_columns,
            "table_modes": self.table_modes,
            "infer_references": self.infer_references,
            "date_rules": self.date_rules,
            "device": self.device,
            "random_seed": self.random_seed,
            "verbose": self.verbose,
            "epsilon": self.epsilon,
        }

    def _fitted(self) -> DatabaseSynthesizer:
        if not hasattr(self, "models_"):
            raise NotFittedError("This DatabaseSynthesizer is not fitted yet; call fit(url) first.")
        return self


class _Seeds:
    """Independent random streams for one table of one sampling call."""

    def __init__(self, base: int, table: int) -> None:
        self.base, self.table = base, table

    def stream(self, *purpose: int) -> int:
        return int(np.random.SeedSequence([self.base, self.table, *purpose]).generate_state(1)[0])


def _show_progress(verbose: bool) -> bool:
    return verbose and sys.stderr.isatty()


def _rows_not_present(rows: pd.DataFrame, present: pd.DataFrame | None, key: Sequence[str]) -> pd.DataFrame:
    """The rows of a kept table whose `key` is not among the `present` ones (None: a new table).

    A kept table is the same rows in every seed, so appending it again would repeat
    its keys; its children point at all of its rows, which the target then holds once.
    Keys are compared as text without trailing blanks, since the database may hand them
    back as another type, or padded to a CHAR column's length."""
    if present is None or present.empty:
        return rows
    held = _key_index(present, key)
    return rows[~_key_index(rows, key).isin(held)].reset_index(drop=True)


def _key_index(rows: pd.DataFrame, key: Sequence[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(rows[list(key)].astype(str).apply(lambda values: values.str.rstrip()))
