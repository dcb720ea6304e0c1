"""A table's schema: its columns, key, locale, constraints and foreign keys.

`Schema` is the one object the rest of synthdata passes around: inferred from data
(`Schema.infer`), read from a schema file (`Schema.load`), stored inside a model
file (`to_dict`/`from_dict`, plain JSON, learned constraint state included). Kinds
are decided per column (see `infer`); constraints live in `constraints`.

What a model does with a schema, in this order:

    schema.fit_constraints(df)                 # learn what the constraints need
    df_t = schema.transform(df)                # reparametrized: gaps, combined columns
    learn = [c for c in schema.columns_after_transform() if c.is_modelled]
    ...                                        # fit on df_t[learn], sample rows_t
    rows = schema.reverse_transform(rows_t)    # the user's modelled columns, repaired
    keep = schema.is_valid(rows)               # the rest, for bounded rejection
    generated = schema.generate(n, seed=..., context=rows)   # ids, Faker, constants

`is_valid` skips rules over columns a frame lacks, so it can be asked before the
generated columns exist and again on the finished table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from synthdata.errors import SchemaError
from synthdata.output_files import write_text_atomically
from synthdata.schema.column import Column
from synthdata.schema.constraints import (
    Constraint,
    ConstraintChain,
    FixedCombinations,
    Inequality,
    NotNull,
    Unique,
    constraint_from_dict,
)
from synthdata.schema.dependencies import determined_groups, observed_combinations, pair_determined_groups
from synthdata.schema.dirty import make_dirty
from synthdata.schema.faker_check import check_faker_column
from synthdata.schema.file_check import check_format, read_schema_file
from synthdata.schema.generate import generate_columns
from synthdata.schema.ids import PatternGenerator
from synthdata.schema.infer import choose_primary_key, infer_columns
from synthdata.schema.orderings import ordered_date_pairs
from synthdata.schema.rules import discover_rules
from synthdata.schema.table_from_schema import sample_table
from synthdata.schema.validate import ValidationReport, validate_table

FORMAT_VERSION = 1


class Schema:
    """Columns in table order, plus what holds across them.

    `columns` maps names to `Column`s in the table's order. `constraints` are rules
    every generated row obeys; `foreign_keys` are `{column, references: "table.column"}`
    mappings that tie this table to others.
    """

    def __init__(
        self,
        columns: Mapping[str, Column],
        *,
        table: str | None = None,
        primary_key: str | None = None,
        locale: str = "en_US",
        constraints: Iterable[Constraint | Mapping[str, Any]] = (),
        foreign_keys: Iterable[Mapping[str, str]] = (),
        version: int = FORMAT_VERSION,
    ) -> None:
        if version > FORMAT_VERSION:
            raise SchemaError(
                f"Schema version {version} is newer than this synthdata reads ({FORMAT_VERSION}); upgrade synthdata."
            )
        self.columns: dict[str, Column] = dict(columns)
        self.table = table
        self.primary_key = primary_key
        self.locale = locale
        self.constraints: list[Constraint] = [constraint_from_dict(c) for c in constraints]
        self.foreign_keys = [dict(key) for key in foreign_keys]
        self.version = version
        if primary_key is not None and primary_key not in self.columns:
            raise SchemaError(f"primary_key '{primary_key}' is not a column of the schema.")
        _check_generated(self.columns.values(), locale)

    @classmethod
    def infer(cls, df: pd.DataFrame, *, table: str | None = None) -> Schema:
        """The schema a DataFrame suggests: every column's kind, facts and the primary key."""
        if not isinstance(df, pd.DataFrame):
            raise SchemaError(f"Schema.infer needs a pandas DataFrame, got {type(df).__name__}.")
        columns = infer_columns(df, table=table)
        # columns another column determines are learned as one (see schema.dependencies)
        combined = [
            FixedCombinations(columns=group, combinations=observed_combinations(df, group))
            for group in determined_groups(df, columns)
        ]
        # a later date is learned as its gap to an earlier one (see schema.orderings)
        ordered = [Inequality(low=earlier, high=later) for earlier, later in ordered_date_pairs(df, columns)]
        # sums, equalities, numeric orderings, structural nulls... (see schema.rules)
        learned: list[Constraint] = [*combined, *ordered]
        found = discover_rules(df, columns, learned)
        # values a pair of columns fixes (a distance by origin and destination), among the rest
        touched = {name for constraint in [*learned, *found] for name in constraint.columns}
        paired = [
            FixedCombinations(columns=group, combinations=observed_combinations(df, group))
            for group in pair_determined_groups(df, columns, grouped=touched)
        ]
        return cls(
            columns,
            table=table,
            primary_key=choose_primary_key(columns, table),
            constraints=[*combined, *paired, *ordered, *found],
        )

    @property
    def modelled_columns(self) -> list[Column]:
        """The columns the model learns from data, in table order (the rest are generated)."""
        return [column for column in self.columns.values() if column.is_modelled]

    # -- constraints, in the order a model calls them ---------------------------------

    def fit_constraints(self, df: pd.DataFrame | None) -> Schema:
        """Learn what each constraint needs from the real table (None: declarations only)."""
        self._chain().fit(df, columns=self.columns)
        return self

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """The user's frame reparametrized for the model (see `columns_after_transform`)."""
        return self._chain().transform(df)

    def columns_after_transform(self) -> list[Column]:
        """The columns of `transform`'s output, in order: gaps numerical, combinations
        categorical, derived columns gone, everything else as declared."""
        return self._chain().columns_after_transform(list(self.columns.values()))

    def reverse_transform(self, df: pd.DataFrame, *, seed: int | np.random.Generator | None = None) -> pd.DataFrame:
        """Sampled rows back in the user's columns, in schema order, with every
        constraint that can be repaired in place made to hold. `seed` drives the few
        random repairs (a null filled where a value is required)."""
        restored = self._chain().reverse_transform(df, rng=np.random.default_rng(seed if seed is not None else 0))
        return self._in_schema_order(restored)

    def is_valid(self, df: pd.DataFrame) -> pd.Series:
        """Per row, whether every constraint holds (rules over absent columns pass)."""
        return self._chain().is_valid(df)

    # -- generated columns ---------------------------------------------------------

    def generate(
        self,
        n: int,
        *,
        seed: int | np.random.Generator | None = 0,
        context: pd.DataFrame | None = None,
        row_offset: int = 0,
    ) -> pd.DataFrame:
        """The generated columns (id, faker, text, constant, reference) for `n` rows.

        `context` is the frame of modelled columns already sampled for these rows
        (for `from:` bindings); `row_offset` is the number of the first row, so that
        sequential ids continue and every row's values stay the same however the rows
        are chunked. The primary key and `unique` columns never repeat within a call.
        """
        unique = {c.columns[0] for c in self.constraints if isinstance(c, Unique) and len(c.columns) == 1}
        required = {c.column for c in self.constraints if isinstance(c, NotNull)}
        if self.primary_key is not None:
            unique.add(self.primary_key)
            required.add(self.primary_key)
        return generate_columns(
            self.columns.values(),
            n,
            seed=seed,
            locale=self.locale,
            context=context,
            row_offset=row_offset,
            unique=unique,
            required=required,
        )

    def validate(self, df: pd.DataFrame) -> ValidationReport:
        """Check a table against the schema: missing or unknown columns, values of the
        wrong kind or outside declared values and bounds, null or repeated keys, and
        broken constraints, each with a count and the first offending rows."""
        return validate_table(self, df)

    # -- test data without a model -------------------------------------------------

    def sample(
        self,
        n: int,
        *,
        seed: int | np.random.Generator | None = 0,
        dirty: float = 0.0,
        marker: str | None = None,
        finite: bool = False,
    ) -> pd.DataFrame:
        """`n` rows from the declarations alone (distributions, Faker, ids), every
        constraint holding; `dirty` then replaces that share of cells by edge cases
        (see `make_dirty`)."""
        table = sample_table(self, n, seed=seed)
        if dirty or marker is not None:
            table = self.make_dirty(table, dirty, seed=seed, marker=marker, finite=finite)
        return table

    def make_dirty(
        self,
        df: pd.DataFrame,
        share: float,
        *,
        seed: int | np.random.Generator | None = 0,
        marker: str | None = None,
        finite: bool = False,
    ) -> pd.DataFrame:
        """`df` with about `share` of its cells replaced by edge cases of their kind
        (nulls, odd strings, limits, boundary dates). The primary key stays intact,
        `not_null` columns get no nulls and unique columns no repeats, so the table
        still loads; `marker` names a column listing, per row, the columns dirtied;
        `finite` leaves out infinities, for a destination that cannot store them
        (`sink.stores_infinity` is False: MySQL, MariaDB)."""
        protected = {self.primary_key} if self.primary_key else set()
        required = {c.column for c in self.constraints if isinstance(c, NotNull)} | protected
        unique = {c.name for c in self.columns.values() if c.unique} | {
            c.columns[0] for c in self.constraints if isinstance(c, Unique) and len(c.columns) == 1
        }
        return make_dirty(
            df,
            self.columns,
            share,
            seed=seed,
            protected=protected,
            required=required,
            unique=unique,
            marker=marker,
            finite=finite,
        )

    def _chain(self) -> ConstraintChain:
        return ConstraintChain(self.constraints)

    def _in_schema_order(self, df: pd.DataFrame) -> pd.DataFrame:
        ordered = [name for name in self.columns if name in df.columns]
        return df[ordered + [name for name in df.columns if name not in self.columns]]

    def to_dict(self) -> dict[str, Any]:
        """The schema as plain JSON-able data, in schema-file layout."""
        out: dict[str, Any] = {"version": self.version}
        if self.table is not None:
            out["table"] = self.table
        if self.primary_key is not None:
            out["primary_key"] = self.primary_key
        out["locale"] = self.locale
        out["columns"] = {name: column.to_dict() for name, column in self.columns.items()}
        if self.constraints:
            out["constraints"] = [constraint.to_dict() for constraint in self.constraints]
        if self.foreign_keys:
            out["foreign_keys"] = [dict(key) for key in self.foreign_keys]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "schema") -> Schema:
        """Build a schema from `to_dict` output or a parsed schema file, checked against
        the format (schemas/synthdata.schema.json)."""
        if isinstance(data, Mapping) and isinstance(data.get("version"), int) and data["version"] > FORMAT_VERSION:
            raise SchemaError(
                f"{source} has format version {data['version']}, newer than this synthdata reads "
                f"({FORMAT_VERSION}); upgrade synthdata."
            )
        check_format(data, source=source)
        columns = {str(name): Column.from_dict(str(name), spec) for name, spec in data["columns"].items()}
        return cls(
            columns,
            table=data.get("table"),
            primary_key=data.get("primary_key"),
            locale=data.get("locale", "en_US"),
            constraints=data.get("constraints", ()),
            foreign_keys=data.get("foreign_keys", ()),
            version=int(data.get("version", FORMAT_VERSION)),
        )

    @classmethod
    def load(cls, path: str | Path) -> Schema:
        """Read a schema file (YAML with the safe loader, or JSON), checked against the
        format with line numbers in every message."""
        path = Path(path)
        data = read_schema_file(path)
        try:
            return cls.from_dict(data, source=str(path))
        except SchemaError as error:
            message = str(error)
            raise SchemaError(message if str(path) in message else f"{path}: {message}") from None

    def save(self, path: str | Path, *, as_json: bool | None = None) -> Path:
        """Write the schema file through a temporary name renamed into place: JSON when
        `as_json` (by default, for a .json suffix), YAML otherwise. Returns the path."""
        path = Path(path)
        if as_json is None:
            as_json = path.suffix.lower() == ".json"
        return write_text_atomically(path, self.to_json() if as_json else self.to_yaml())

    def to_yaml(self) -> str:
        """The schema file as YAML text, columns in table order."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def to_json(self) -> str:
        """The schema file as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        kinds = ", ".join(f"{name}: {column.type}" for name, column in self.columns.items())
        return f"Schema(table={self.table!r}, primary_key={self.primary_key!r}, columns={{{kinds}}})"


def _check_generated(columns: Iterable[Column], locale: str) -> None:
    """Id patterns and Faker columns that could never give values (or would stall) are
    refused when the schema is built, whether from a file, a model file or code."""
    for column in columns:
        if column.type == "id" and column.pattern and column.format in (None, "pattern"):
            PatternGenerator(column.pattern, what=f"Id column '{column.name}'")
        elif column.type in ("faker", "text"):
            check_faker_column(column, locale)
