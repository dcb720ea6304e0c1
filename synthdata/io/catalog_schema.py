"""A table's schema from its data and its database catalog together.

Inference from values guesses; the catalog knows. Where the database declares
something (NOT NULL, UNIQUE, the primary key, a foreign key, a boolean, a decimal's
scale, an enumeration's members) that declaration overrides the guess, so a model
fitted on a database table honours the rules the database itself enforces.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from synthdata.io.catalog import ColumnFacts, TableCatalog, read_catalog
from synthdata.io.sql_source import read_sql
from synthdata.schema import Column, Schema


def infer_schema_from_database(
    url: str,
    table: str,
    *,
    max_rows: int | None = None,
    seed: int | np.random.Generator = 0,
    verbose: bool = True,
) -> Schema:
    """The schema of `table` at `url`: inferred from (a sample of) its rows, corrected by its catalog."""
    frame = read_sql(url, table=table, max_rows=max_rows, seed=seed, verbose=verbose)
    return apply_catalog(Schema.infer(frame, table=table), read_catalog(url, table))


def apply_catalog(schema: Schema, catalog: TableCatalog) -> Schema:
    """`schema` with every column the catalog declares facts about set to them (a new Schema)."""
    columns = {
        name: _declared(column, catalog.columns[name]) if name in catalog.columns else column
        for name, column in schema.columns.items()
    }
    primary_key = schema.primary_key
    if len(catalog.primary_key) == 1 and catalog.primary_key[0] in columns:
        primary_key = catalog.primary_key[0]
    declared = {key["column"] for key in schema.foreign_keys}
    foreign_keys = schema.foreign_keys + [
        {"column": name, "references": column.references}
        for name, column in columns.items()
        if column.references and name not in declared
    ]
    return Schema(
        columns,
        table=schema.table,
        primary_key=primary_key,
        locale=schema.locale,
        constraints=schema.constraints,
        foreign_keys=foreign_keys,
    )


def _declared(column: Column, facts: ColumnFacts) -> Column:
    """`column` with what `facts` declares written over what the values suggested."""
    changes: dict = {}
    if not facts.nullable:
        changes["nullable"] = 0.0
    if facts.unique or facts.primary_key:
        changes["unique"] = True
    if facts.references:
        changes["references"] = facts.references
    if facts.kind == "boolean" and column.type in ("integer", "categorical"):
        changes.update(type="boolean", min=None, max=None, values=None)
    if facts.kind == "decimal" and column.type == "numerical" and facts.scale is not None:
        changes["decimals"] = facts.scale
    if facts.values and column.type == "categorical" and not isinstance(column.values, dict):
        changes["values"] = list(facts.values)
    return dataclasses.replace(column, **changes) if changes else column
