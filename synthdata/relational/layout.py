"""The shape of a database: its tables, their primary keys and the foreign keys between them.

It comes from the database's own catalog, from a multi-table schema (a file, or a
mapping with `tables` and `foreign_keys`, Synthea's `schema.json` included), or from
one Schema per table with its `foreign_keys`. The layout puts the tables in an
order where every parent comes before the tables that reference it, and refuses up
front, with the tables named, what cannot be generated that way: references between
tables in a cycle, keys of several columns, and references to a column that is not
the parent's primary key (keys are made afresh, so only primary keys can be pointed
at). A table referencing itself is fine: its rows point at earlier rows.

Besides the declared foreign keys, a layout may hold references found in the data
(`inferred_references`): they are modelled like declared ones but never declared in
a seeded database, since some of their values point nowhere. Each table has a mode,
`keep` (copied as it is, see `reference_tables`) or `synthesize`; both the modes and
the inferred references are written in the schema document (`schema_document`) the
user can edit and fit with again, and so are the date rules found across the foreign
keys (`date_rules`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from synthdata.errors import SchemaError
from synthdata.io.catalog import DatabaseCatalog, ForeignKey, TableCatalog
from synthdata.schema import Schema

SchemaSource = str | os.PathLike | Mapping[str, Any]
TableMode = Literal["keep", "synthesize"]
MODES: tuple[str, ...] = ("keep", "synthesize")


@dataclass(frozen=True)
class Link:
    """One foreign key: `table.column` holds values of `parent.parent_column`.

    `declared` is False for a reference found in the data, whose real rows resolve in
    the `resolves` share (nulls and values outside the parent being the rest).
    """

    table: str
    column: str
    parent: str
    parent_column: str
    declared: bool = field(default=True, compare=False)
    resolves: float | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.table}.{self.column} -> {self.parent}.{self.parent_column}"


@dataclass
class DatabaseLayout:
    """Tables in parents-first order, each table's primary key, the links, and declarations.

    `catalogs` holds what a database declared about a table's columns (types,
    lengths, NOT NULL), so a seeded copy is created alike; `schemas` the per-table
    schemas a schema file declared in full; `modes` the tables a schema file (or the
    reference-table rule) said to keep or synthesize.
    """

    tables: list[str]
    primary_keys: dict[str, str | None]
    links: list[Link]
    catalogs: dict[str, TableCatalog] = field(default_factory=dict)
    schemas: dict[str, Schema] = field(default_factory=dict)
    modes: dict[str, TableMode] = field(default_factory=dict)
    # The date rules across foreign keys, as the schema document writes them (see `date_rules`);
    # None until found in the data or read from a document that has them.
    date_rules: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        self._check()
        self.tables = _parents_first(self.tables, self.links)

    # -- where layouts come from ---------------------------------------------------

    @classmethod
    def from_catalog(cls, catalog: DatabaseCatalog) -> DatabaseLayout:
        """The tables and foreign keys a database declares."""
        links = []
        for table in catalog.tables.values():
            for key in table.foreign_keys:
                _refuse_composite(table.name, key)
                links.append(Link(table.name, key.columns[0], key.referred_table, key.referred_columns[0]))
        primary_keys = {
            name: table.primary_key[0] if len(table.primary_key) == 1 else None
            for name, table in catalog.tables.items()
        }
        return cls(list(catalog.order), primary_keys, links, catalogs=dict(catalog.tables))

    @classmethod
    def from_schema(cls, source: SchemaSource | Mapping[str, Schema], tables: Iterable[str]) -> DatabaseLayout:
        """The layout a multi-table schema declares for `tables` (the tables there are; the
        schema's other tables are left out, and a reference to one of them is refused)."""
        names = list(tables)
        if isinstance(source, Mapping) and source and all(isinstance(value, Schema) for value in source.values()):
            return cls._from_schemas(dict(source), {}, names, [])
        document, where = _read_document(source)
        declared = document.get("tables", {})
        if not isinstance(declared, Mapping):
            raise SchemaError(f"{where}: `tables` must map each table name to its schema.")
        schemas, keys, modes = {}, {}, {}
        for name, spec in declared.items():
            if isinstance(spec, Mapping) and "mode" in spec:
                modes[str(name)] = _mode(spec["mode"], name, where)
            if isinstance(spec, Mapping) and isinstance(spec.get("columns"), Mapping):
                spec = {key: value for key, value in spec.items() if key != "mode"}
                schemas[str(name)] = Schema.from_dict(spec, source=f"{where}: table {name}")
            elif isinstance(spec, Mapping):
                keys[str(name)] = spec.get("primary_key")
        links = [_link_from_entry(entry, where) for entry in document.get("foreign_keys") or []]
        layout = cls._from_schemas(schemas, keys, names, links)
        layout.modes = {name: mode for name, mode in modes.items() if name in names}
        rules = document.get("date_rules")
        if rules is not None and not isinstance(rules, list):
            raise SchemaError(f"{where}: `date_rules` must be a list of rules (or left out to find them).")
        layout.date_rules = (
            [rule for rule in rules if not isinstance(rule, Mapping) or rule.get("table") in names]
            if rules is not None
            else None
        )
        return layout

    @classmethod
    def _from_schemas(
        cls, schemas: dict[str, Schema], keys: dict[str, str | None], names: list[str], links: list[Link]
    ) -> DatabaseLayout:
        for name, schema in schemas.items():
            for key in schema.foreign_keys:
                parent, _, parent_column = str(key["references"]).rpartition(".")
                links.append(Link(name, key["column"], parent, parent_column))
        present = [link for link in dict.fromkeys(links) if link.table in names]
        primary_keys = {name: schemas[name].primary_key if name in schemas else keys.get(name) for name in names}
        return cls(names, primary_keys, present, schemas={name: schemas[name] for name in names if name in schemas})

    # -- questions the synthesizer asks ----------------------------------------------

    def parents_of(self, table: str) -> list[Link]:
        """The links from `table` to the tables it references, itself included."""
        return [link for link in self.links if link.table == table]

    def declaration(self, table: str) -> TableCatalog:
        """What the seeded table is created with: declared column types, its keys and references."""
        catalog = self.catalogs.get(table)
        primary = self.primary_keys.get(table)
        key: tuple[str, ...] = (primary,) if primary else ()
        if catalog is not None:
            key = catalog.primary_key or key
        references = tuple(
            ForeignKey((link.column,), link.parent, (link.parent_column,))
            for link in self.parents_of(table)
            if link.declared
        )
        return TableCatalog(
            name=table,
            columns=dict(catalog.columns) if catalog is not None else {},
            primary_key=key,
            unique=catalog.unique if catalog is not None else (),
            foreign_keys=references,
        )

    def _check(self) -> None:
        known = set(self.tables)
        for link in self.links:
            if link.table not in known or link.parent not in known:
                missing = link.table if link.table not in known else link.parent
                raise SchemaError(f"The foreign key {link} names table {missing!r}, which is not in the database.")
            if self.primary_keys.get(link.parent) != link.parent_column:
                raise SchemaError(
                    f"The foreign key {link} points at {link.parent}.{link.parent_column}, which is not the primary "
                    f"key of {link.parent!r}; keys are generated afresh, so references must point at primary keys "
                    "(declare it as the primary key, or drop the foreign key)."
                )

    def schema_document(self) -> dict[str, Any]:
        """The layout as a multi-table schema the user can edit and fit with (`from_schema`):
        each table's primary key and mode, every reference, the inferred ones marked with
        the share of real rows they resolve in (delete an entry to drop it)."""
        tables = {
            name: {"primary_key": self.primary_keys.get(name), "mode": self.modes.get(name, "synthesize")}
            for name in self.tables
        }
        references = []
        for link in self.links:
            entry: dict[str, Any] = {
                "table": link.table,
                "column": link.column,
                "references": f"{link.parent}.{link.parent_column}",
            }
            if not link.declared:
                entry.update(inferred=True, resolves=link.resolves)
            references.append(entry)
        document: dict[str, Any] = {"tables": tables, "foreign_keys": references}
        if self.date_rules is not None:
            document["date_rules"] = [dict(rule) for rule in self.date_rules]
        return document

    # -- the model file ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "primary_keys": self.primary_keys,
            "links": [asdict(link) for link in self.links],
            "catalogs": {name: catalog.to_dict() for name, catalog in self.catalogs.items()},
            "modes": self.modes,
            "date_rules": self.date_rules,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatabaseLayout:
        return cls(
            list(data["tables"]),
            dict(data["primary_keys"]),
            [Link(**link) for link in data["links"]],
            catalogs={name: TableCatalog.from_dict(catalog) for name, catalog in data["catalogs"].items()},
            modes=dict(data["modes"]),
            date_rules=data["date_rules"],
        )


def _mode(value: Any, table: str, where: str) -> TableMode:
    if value not in MODES:
        raise SchemaError(f"{where}: table {table!r} has mode {value!r}; write `mode: keep` or `mode: synthesize`.")
    return value


def _refuse_composite(table: str, key: ForeignKey) -> None:
    if len(key.columns) != 1:
        raise SchemaError(
            f"Table {table!r} references {key.referred_table} through several columns ({', '.join(key.columns)}); "
            "only single-column foreign keys can be generated."
        )


def _link_from_entry(entry: Any, where: str) -> Link:
    """A foreign key written `{table, column, references: parent.column}` or Synthea's `{child_table, ...}`."""
    if isinstance(entry, Mapping) and {"child_table", "child_column", "parent_table", "parent_column"} <= set(entry):
        return Link(entry["child_table"], entry["child_column"], entry["parent_table"], entry["parent_column"])
    if (
        isinstance(entry, Mapping)
        and {"table", "column", "references"} <= set(entry)
        and "." in str(entry["references"])
    ):
        parent, _, parent_column = str(entry["references"]).rpartition(".")
        inferred = bool(entry.get("inferred", False))
        return Link(
            entry["table"],
            entry["column"],
            parent,
            parent_column,
            declared=not inferred,
            resolves=entry.get("resolves"),
        )
    raise SchemaError(f"{where}: foreign key {entry!r} is not written as {{table, column, references: parent.column}}.")


def _read_document(source: SchemaSource) -> tuple[Mapping[str, Any], str]:
    if isinstance(source, Mapping):
        return source, "schema"
    path = Path(source)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SchemaError(f"Cannot read the schema file {path}: {error.strerror}.") from None
    except yaml.YAMLError as error:
        raise SchemaError(f"{path}: not valid YAML or JSON ({error}).") from None
    if not isinstance(document, Mapping) or "tables" not in document:
        raise SchemaError(
            f"{path} is not a multi-table schema: it needs `tables` (each table's schema) and `foreign_keys`."
        )
    return document, str(path)


def _parents_first(tables: list[str], links: list[Link]) -> list[str]:
    """The tables ordered so that parents come first, keeping the given order where free."""
    waiting = {
        table: {link.parent for link in links if link.table == table and link.parent != table} for table in tables
    }
    ordered: list[str] = []
    while waiting:
        ready = [table for table, parents in waiting.items() if not parents - set(ordered)]
        if not ready:
            cycle = [str(link) for link in links if link.table in waiting and link.parent in waiting]
            raise SchemaError(
                f"Tables {sorted(waiting)} reference each other in a cycle ({'; '.join(cycle)}); synthdata cannot "
                "write one before the other. Drop one of these foreign keys, or fit the tables separately."
            )
        ordered.extend(ready)
        for table in ready:
            del waiting[table]
    return ordered
