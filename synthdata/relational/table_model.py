"""One table of a database model: its columns apart from the keys, and its new primary keys.

Keys are never learned. The primary key and the foreign keys are taken out of the
table before its TabularGAN sees it: primary keys are made afresh by a generator
shaped like the real keys (`key_shapes`), foreign keys are filled in afterwards with
keys of the generated parents. The exception is a reference to a kept table that
the child's model learns as a column (see `references`). A kept table (see
`reference_tables`) has no model at all: its real rows are stored and come back as
they are, at any scale. A child table's model also learns the group of each
row's parent (a `__parent_group` column) so that its rows can be drawn for one
parent group at a time. A table with nothing left to learn (only keys, or only
generated columns such as ids and names) needs no network: its schema makes its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.io.catalog import TableCatalog
from synthdata.io.catalog_schema import apply_catalog
from synthdata.models.tabular_gan import TabularGAN
from synthdata.relational.key_shapes import key_column
from synthdata.schema import Column, Schema

GROUP_COLUMN = "__parent_group"


class TableModel:
    """What makes one table's rows: a fitted TabularGAN or a schema, plus the key's generator."""

    def __init__(
        self,
        *,
        columns: dict[str, str],
        key: Column | None,
        n_rows: int,
        groups: Sequence[str] = (),
        gan: TabularGAN | None = None,
        schema: Schema | None = None,
        kept: pd.DataFrame | None = None,
    ) -> None:
        self.columns = columns  # every column of the table, in order, with its dtype
        self.key = key
        self.n_rows = n_rows
        self.groups = list(groups)  # the parent groups the network was conditioned on
        self.gan = gan
        self.schema = schema
        self.kept = kept  # the real rows of a kept table

    @classmethod
    def keep(cls, frame: pd.DataFrame) -> TableModel:
        """A table copied as it is: its rows, keys included."""
        frame = frame.reset_index(drop=True)
        return cls(columns=_dtypes(frame), key=None, n_rows=len(frame), kept=frame)

    @classmethod
    def learn(
        cls,
        table: str,
        frame: pd.DataFrame,
        *,
        schema: Schema,
        primary_key: str | None,
        references: Sequence[str],
        declared: Schema | None,
        groups: np.ndarray | None,
        gan: TabularGAN,
        max_rows: int | None,
        rng: np.random.Generator,
    ) -> TableModel:
        """Fit `gan` on `frame` without its keys (the columns `schema` leaves out, see
        `learned_schema`), with the parent `groups` of its rows if given."""
        learned = frame[list(schema.columns)]
        if groups is not None:
            learned = learned.assign(**{GROUP_COLUMN: groups.astype(str)})
            schema = Schema(
                {**schema.columns, GROUP_COLUMN: Column(name=GROUP_COLUMN, type="categorical", dtype="object")},
                table=table,
                locale=schema.locale,
                constraints=schema.constraints,
            )
        generated = primary_key is not None and primary_key not in references
        key = key_column(frame[primary_key], primary_key, declared) if primary_key is not None and generated else None
        model = cls(columns=_dtypes(frame), key=key, n_rows=len(frame))
        if schema.modelled_columns and len(learned):
            if max_rows is not None and len(learned) > max_rows:
                learned = learned.iloc[np.sort(rng.choice(len(learned), size=max_rows, replace=False))]
            model.gan = gan.fit(learned, schema=schema)
            # Only groups the network has seen can be asked of it.
            model.groups = sorted(set(learned[GROUP_COLUMN])) if groups is not None else []
        else:
            model.schema = schema
        return model

    def rows(self, n: int, *, group: str | None, seed: int, with_group: bool = False) -> pd.DataFrame:
        """`n` rows of the learned columns, drawn for children of `group` (None: any), with the
        group each row was drawn as when `with_group`; a kept table's rows whatever `n`)."""
        if self.kept is not None:
            return self.kept.copy()
        if self.gan is None:
            assert self.schema is not None  # a table without a network has its schema
            return self.schema.generate(n, seed=seed)
        conditions = {GROUP_COLUMN: group} if group is not None and group in self.groups else None
        rows = self.gan.sample(n, conditions=conditions, seed=seed)
        return rows if with_group else rows.drop(columns=[GROUP_COLUMN], errors="ignore")

    def new_keys(self, n: int, *, seed: int, start: int | None = None) -> pd.Series | None:
        """`n` fresh primary key values (None for a table without a generated key);
        sequential keys from `start` when given (rows appended after existing ones)."""
        if self.key is None:
            return None
        key = replace(self.key, start=start) if start is not None else self.key
        schema = Schema({key.name: key}, primary_key=key.name)
        return schema.generate(n, seed=seed)[self.key.name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "key": {"name": self.key.name, **self.key.to_dict()} if self.key is not None else None,
            "n_rows": self.n_rows,
            "groups": self.groups,
            "schema": self.schema.to_dict() if self.schema is not None else None,
            "kept": _rows_to_dict(self.kept) if self.kept is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], gan: TabularGAN | None) -> TableModel:
        key = data["key"]
        return cls(
            columns=dict(data["columns"]),
            key=Column.from_dict(key["name"], {k: v for k, v in key.items() if k != "name"}) if key else None,
            n_rows=int(data["n_rows"]),
            groups=data["groups"],
            gan=gan,
            schema=Schema.from_dict(data["schema"]) if data["schema"] is not None else None,
            kept=_rows_from_dict(data["kept"], data["columns"]) if data["kept"] is not None else None,
        )


def learned_schema(
    table: str,
    frame: pd.DataFrame,
    *,
    keys: Sequence[str],
    declared: Schema | None,
    catalog: TableCatalog | None,
    categories: Sequence[str] = (),
) -> Schema:
    """The schema of the columns a table's model learns (all but `keys`): the declared one's, or one
    inferred from the data and corrected by the database catalog; `categories` are references
    learned as categories whatever their values look like."""
    left_out = [key for key in keys if key not in categories]
    schema = _schema_without(table, frame, keys=left_out, declared=declared, catalog=catalog)
    if not categories:
        return schema
    columns = {
        name: Column(name=name, type="categorical", dtype=str(frame[name].dtype)) if name in categories else column
        for name, column in schema.columns.items()
    }
    return Schema(columns, table=table, locale=schema.locale, constraints=schema.constraints)


def _schema_without(
    table: str, frame: pd.DataFrame, *, keys: Sequence[str], declared: Schema | None, catalog: TableCatalog | None
) -> Schema:
    learned = frame.drop(columns=list(dict.fromkeys(keys)))
    if declared is not None:
        undeclared = [name for name in learned.columns if name not in declared.columns]
        if undeclared:
            raise SchemaError(f"Table {table!r} has columns {undeclared} that its schema does not declare; add them.")
        return Schema(
            {name: column for name, column in declared.columns.items() if name in learned.columns},
            table=table,
            locale=declared.locale,
            constraints=declared.constraints,
        )
    schema = Schema.infer(learned, table=table)
    schema = apply_catalog(schema, catalog) if catalog is not None else schema
    return Schema(schema.columns, table=table, locale=schema.locale, constraints=schema.constraints)


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(name): str(dtype) for name, dtype in frame.dtypes.items()}


def _rows_to_dict(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """A kept table's rows as JSON, exactly: values by column (floats as their shortest exact
    text), nulls as None, dates as ISO text."""
    rows = {}
    for name, values in frame.items():
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
        rows[str(name)] = [None if _is_null(value) else _plain(value) for value in values.tolist()]
    return rows


def _rows_from_dict(rows: dict[str, list[Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(dtypes))
    for name, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%dT%H:%M:%S.%f")
        elif dtype != "object":
            frame[name] = frame[name].astype(dtype)
    return frame


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT or value is pd.NA


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) else str(value)
