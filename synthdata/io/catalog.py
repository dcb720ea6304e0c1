"""What a database says about its tables: column types, NULL rules, keys and references.

Data alone cannot tell a ZIP code column from a number, a 12-character code from free
text, or a key from a value; the catalog can. These facts, read through SQLAlchemy's
inspector in one dialect-neutral form, feed schema inference, let a table be
recreated with the same types, and give the foreign keys and the dependency order a
whole database is modelled and seeded in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from synthdata.errors import SynthDataError
from synthdata.io.sql_url import create_engine, database_errors, masked, parse_url, refuse_missing_sqlite_file

SqlKind = Literal[
    "integer", "decimal", "float", "boolean", "date", "timestamp", "time", "string", "binary", "json", "other"
]


@dataclass(frozen=True)
class ColumnFacts:
    """One column as the database declares it.

    `kind` is the family of its type; `length` is a string's declared maximum,
    `precision`/`scale` a decimal's digits, `timezone` whether a timestamp keeps one,
    `values` an enumeration's members, `references` the "table.column" a
    single-column foreign key points to.
    """

    name: str
    kind: SqlKind
    sql_type: str
    nullable: bool
    primary_key: bool = False
    unique: bool = False
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool = False
    values: tuple[str, ...] | None = None
    references: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one table that must match a key of another (several columns for a composite key)."""

    columns: tuple[str, ...]
    referred_table: str
    referred_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableCatalog:
    """One table: its columns in order, primary key, unique column sets and foreign keys."""

    name: str
    columns: dict[str, ColumnFacts]
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ready for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableCatalog:
        """The catalog `to_dict` wrote (a model file keeps the tables it was fitted on this way)."""
        columns = {
            name: ColumnFacts(**{**facts, "values": tuple(facts["values"]) if facts["values"] else None})
            for name, facts in data["columns"].items()
        }
        return cls(
            name=data["name"],
            columns=columns,
            primary_key=tuple(data["primary_key"]),
            unique=tuple(tuple(names) for names in data["unique"]),
            foreign_keys=tuple(
                ForeignKey(tuple(key["columns"]), key["referred_table"], tuple(key["referred_columns"]))
                for key in data["foreign_keys"]
            ),
        )


@dataclass(frozen=True)
class DatabaseCatalog:
    """Every table of a database, with `order` listing parents before the tables that reference them."""

    tables: dict[str, TableCatalog] = field(default_factory=dict)
    order: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data, ready for JSON."""
        return asdict(self)


def read_catalog(url: str, table: str) -> TableCatalog:
    """The catalog facts of `table` in the database at `url`."""
    with _inspected(url) as (inspector, connection, parsed):
        if not inspector.has_table(table):
            raise missing_table_error(table, inspector, parsed)
        return table_catalog(inspector, connection, table)


def read_database_catalog(url: str) -> DatabaseCatalog:
    """The catalog facts of every table in the database at `url`, parents first."""
    with _inspected(url) as (inspector, connection, _):
        names = [name for name, _ in inspector.get_sorted_table_and_fkc_names() if name is not None]
        tables = {name: table_catalog(inspector, connection, name) for name in names}
    return DatabaseCatalog(tables=tables, order=tuple(names))


@contextmanager
def _inspected(url: str) -> Iterator[tuple[sa.Inspector, sa.Connection, sa.URL]]:
    """An inspector on a read-only connection to `url`; database errors become SynthDataErrors."""
    parsed = parse_url(url)
    refuse_missing_sqlite_file(parsed)
    engine = create_engine(parsed, read_only=True)
    try:
        with database_errors(parsed, "cannot read the catalog of"), engine.connect() as connection:
            yield sa.inspect(connection), connection, parsed
    finally:
        engine.dispose()


def missing_table_error(table: str, inspector: sa.Inspector, url: sa.URL) -> SynthDataError:
    """The error for a table that is not there, listing the ones that are."""
    names = inspector.get_table_names()
    shown = ", ".join(repr(name) for name in names[:20]) + (", ..." if len(names) > 20 else "")
    known = f"its tables are {shown}" if names else "it has no tables"
    return SynthDataError(f"no table {table!r} in {masked(url)}; {known}")


def table_catalog(inspector: sa.Inspector, connection: sa.Connection, table: str) -> TableCatalog:
    """The catalog facts of `table`, read on an open connection."""
    primary_key = tuple(inspector.get_pk_constraint(table).get("constrained_columns") or ())
    unique = _unique_column_sets(inspector, connection, table)
    foreign_keys = tuple(
        ForeignKey(
            columns=tuple(key["constrained_columns"]),
            referred_table=_qualified(key.get("referred_schema"), key["referred_table"]),
            referred_columns=tuple(key["referred_columns"]),
        )
        for key in inspector.get_foreign_keys(table)
    )
    references = {
        key.columns[0]: f"{key.referred_table}.{key.referred_columns[0]}"
        for key in foreign_keys
        if len(key.columns) == 1
    }
    single_unique = {names[0] for names in unique if len(names) == 1}
    if len(primary_key) == 1:
        single_unique.add(primary_key[0])
    columns = {}
    for column in inspector.get_columns(table):
        name = column["name"]
        columns[name] = ColumnFacts(
            name=name,
            nullable=bool(column["nullable"]) and name not in primary_key,
            primary_key=name in primary_key,
            unique=name in single_unique,
            references=references.get(name),
            **_type_facts(column["type"], connection.dialect),
        )
    return TableCatalog(name=table, columns=columns, primary_key=primary_key, unique=unique, foreign_keys=foreign_keys)


def _qualified(schema: str | None, table: str) -> str:
    return f"{schema}.{table}" if schema else table


def _unique_column_sets(inspector: sa.Inspector, connection: sa.Connection, table: str) -> tuple[tuple[str, ...], ...]:
    """Unique constraints and unique indexes alike: either way the values may not repeat."""
    sets = [tuple(constraint["column_names"]) for constraint in inspector.get_unique_constraints(table)]
    # An index on an expression names no column there (None): it constrains the expression, not the columns.
    for index in inspector.get_indexes(table):
        names = [name for name in index["column_names"] if name is not None]
        if index.get("unique") and len(names) == len(index["column_names"]):
            sets.append(tuple(names))
    if connection.dialect.name == "sqlite":
        sets += _sqlite_inline_unique(connection, table)
    return tuple(dict.fromkeys(names for names in sets if names and all(names)))


def _sqlite_inline_unique(connection: sa.Connection, table: str) -> list[tuple[str, ...]]:
    """SQLite keeps a column's own UNIQUE clause as an automatic index the inspector does not list."""
    indexes = connection.execute(
        sa.text("SELECT name FROM pragma_index_list(:table) WHERE \"unique\" AND origin = 'u'"), {"table": table}
    ).scalars()
    return [
        tuple(
            connection.execute(
                sa.text("SELECT name FROM pragma_index_info(:index) ORDER BY seqno"), {"index": index}
            ).scalars()
        )
        for index in list(indexes)
    ]


def _type_facts(sql_type: sa.types.TypeEngine, dialect: sa.Dialect) -> dict[str, Any]:
    """The kind of a column type and the sizes it declares."""
    try:
        spelled = sql_type.compile(dialect=dialect)
    except sa.exc.CompileError:
        spelled = repr(sql_type)
    facts: dict[str, Any] = {"sql_type": spelled, "kind": kind_of(sql_type)}
    if isinstance(sql_type, sa.String) and sql_type.length:
        facts["length"] = sql_type.length
    if isinstance(sql_type, sa.Enum):
        facts["values"] = tuple(sql_type.enums)
    if isinstance(sql_type, sa.Numeric) and not isinstance(sql_type, sa.Float):
        facts["precision"] = sql_type.precision
        facts["scale"] = sql_type.scale
    if isinstance(sql_type, sa.DateTime):
        facts["timezone"] = bool(sql_type.timezone)
    return facts


def kind_of(sql_type: sa.types.TypeEngine) -> SqlKind:
    """The family of a SQL type, whatever the dialect calls it."""
    # MySQL and MariaDB spell BOOLEAN as TINYINT(1).
    if isinstance(sql_type, sa.Boolean) or (isinstance(sql_type, mysql.TINYINT) and sql_type.display_width == 1):
        return "boolean"
    families: list[tuple[type, SqlKind]] = [
        (sa.Integer, "integer"),
        (sa.Float, "float"),
        (sa.Numeric, "decimal"),
        (sa.DateTime, "timestamp"),
        (sa.Date, "date"),
        (sa.Time, "time"),
        (sa.String, "string"),
        (sa.JSON, "json"),
        (sa.LargeBinary, "binary"),
        (sa.BINARY, "binary"),
        (sa.VARBINARY, "binary"),
    ]
    for family, kind in families:
        if isinstance(sql_type, family):
            return kind
    return "other"
