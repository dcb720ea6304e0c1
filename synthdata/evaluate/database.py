"""`evaluate_database`: how real a synthetic database's entities look, one parent table at a time.

Per-table metrics (`evaluate`) cannot see that a patient's encounters make no sense
together. Here every table that other tables reference is judged as entities: each of
its rows with its history in one child table (`entities.entity_realism`), the child
being the largest of the tables that reference it and hold a date (patients with their
encounters, encounters with their immunizations). The result is a `DatabaseReport`:
one AUC per parent table (0.5: a classifier cannot tell real entities from synthetic
ones), beside the AUC of real entities against a real hold-out, the ceiling a perfect
synthesizer reaches on that many entities.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthdata.errors import SynthDataError
from synthdata.evaluate.entities import EntityRealism, Tables, entity_realism, read_tables
from synthdata.evaluate.report import json_ready, write_json, write_page
from synthdata.io import read_database_catalog
from synthdata.relational.date_values import date_forms
from synthdata.relational.layout import DatabaseLayout, Link, SchemaSource
from synthdata.version import __version__


@dataclass
class DatabaseReport:
    """Entity-level realism per parent table, and the parent tables it could not judge, with why."""

    entities: list[EntityRealism]
    skipped: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def entity(self, parent: str) -> EntityRealism:
        """The result for the parent table `parent`."""
        for found in self.entities:
            if found.parent == parent:
                return found
        reason = self.skipped.get(parent, "it is not referenced by a child table with a date")
        raise SynthDataError(f"No entity-level result for table {parent!r}: {reason}.")

    def to_dict(self) -> dict[str, Any]:
        """Every result as plain JSON data."""
        entities = [
            {
                "parent": found.parent,
                "child": found.child,
                "auc": found.auc,
                "ceiling": found.ceiling,
                "entities": found.entities,
                "features": found.importance.to_dict(orient="records"),
            }
            for found in self.entities
        ]
        plain: dict[str, Any] = json_ready({"entities": entities, "skipped": self.skipped, "settings": self.settings})
        return plain

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write `to_dict()` as JSON; returns the path written."""
        return write_json(self.to_dict(), path)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write a self-contained HTML page; returns the path."""
        return write_page(path, lambda html: html.render_database_report(self))

    def __str__(self) -> str:
        lines = ["synthdata database evaluation: entity-level detection ROC AUC (0.5: indistinguishable)"]
        lines += [
            f"  {found.parent} with their {found.child}: {found.auc:.4f} "
            f"(real hold-out {found.ceiling:.4f}, {found.entities:,} entities)"
            for found in self.entities
        ]
        lines += [f"  {parent}: not judged ({reason})" for parent, reason in self.skipped.items()]
        return "\n".join(lines)


def evaluate_database(
    real: Tables,
    synthetic: Tables,
    *,
    schema: SchemaSource | None = None,
    parents: Sequence[str] | None = None,
    seed: int = 0,
) -> DatabaseReport:
    """Entity-level detection of every parent table of `real` (or only of `parents`) against `synthetic`.

    Both are database URLs or DataFrames by table name. The foreign keys come from
    `schema` (a multi-table schema file or mapping, as `DatabaseSynthesizer` takes and
    writes) or else from the catalog of the `real` URL."""
    layout = _layout(real, schema)
    unknown = sorted(set(parents or ()) - set(layout.tables))
    if unknown:
        raise SynthDataError(f"The database has no table {unknown[0]!r}; its tables are {layout.tables}.")
    real_tables, synthetic_tables = read_tables(real, layout.tables), read_tables(synthetic, layout.tables)
    entities, skipped = [], {}
    for parent in layout.tables if parents is None else parents:
        link = _history(layout, parent, real_tables)
        if link is None:
            continue
        try:
            entities.append(
                entity_realism(
                    real_tables,
                    synthetic_tables,
                    parent=parent,
                    child=link.table,
                    via=link.column,
                    key=link.parent_column,
                    seed=seed,
                )
            )
        except SynthDataError as error:
            skipped[parent] = str(error).rstrip(".")
    return DatabaseReport(entities, skipped, {"synthdata_version": __version__, "seed": seed})


def _layout(real: Tables, schema: SchemaSource | None) -> DatabaseLayout:
    if schema is None and isinstance(real, str):
        return DatabaseLayout.from_catalog(read_database_catalog(real))
    if schema is None:
        raise SynthDataError("Tables given as DataFrames carry no foreign keys; pass schema= (a database schema).")
    return DatabaseLayout.from_schema(schema, read_database_catalog(real).order if isinstance(real, str) else real)


def _history(layout: DatabaseLayout, parent: str, tables: dict[str, Any]) -> Link | None:
    """The child table whose rows make a `parent` row's history: the largest that references it and holds a date."""
    children = [link for link in layout.links if link.parent == parent and link.table != parent]
    dated = [link for link in children if date_forms(tables[link.table])]
    return max(dated, key=lambda link: len(tables[link.table]), default=None)
