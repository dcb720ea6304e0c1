"""One table of a database model: its columns apart from the keys, and its new primary keys.

Keys are never learned. The primary key and the foreign keys are taken out of the
table before its TabularGAN sees it: primary keys are made afresh by the id
generator of the key's schema column, foreign keys are filled in afterwards with
keys of the generated parents. A child table's model also learns the group of each
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
    ) -> None:
        self.columns = columns  # every column of the table, in order, with its dtype
        self.key = key
        self.n_rows = n_rows
        self.groups = list(groups)  # the parent groups the network was conditioned on
        self.gan = gan
        self.schema = schema

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
        model = cls(
            columns={str(name): str(dtype) for name, dtype in frame.dtypes.items()},
            key=_key_column(frame, primary_key, declared) if primary_key not in references else None,
            n_rows=len(frame),
        )
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
        group each row was drawn as when `with_group`."""
        if self.gan is None:
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
        )


def learned_schema(
    table: str, frame: pd.DataFrame, *, keys: Sequence[str], declared: Schema | None, catalog: TableCatalog | None
) -> Schema:
    """The schema of the columns a table's model learns (all but `keys`): the declared one's, or one
    inferred from the data and corrected by the database catalog."""
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


def _key_column(frame: pd.DataFrame, primary_key: str | None, declared: Schema | None) -> Column | None:
    """How the primary key is generated: as declared or inferred when that is an id, else a sequence or uuids."""
    if primary_key is None:
        return None
    column = (declared.columns.get(primary_key) if declared is not None else None) or Schema.infer(
        frame[[primary_key]], table=None
    ).columns[primary_key]
    if column.type == "id":
        return column
    if pd.api.types.is_integer_dtype(frame[primary_key].dtype):
        return Column(name=primary_key, type="id", format="sequential", start=1, dtype=str(frame[primary_key].dtype))
    return Column(name=primary_key, type="id", format="uuid", dtype=str(frame[primary_key].dtype))
