"""The SQL table a DataFrame is written into: column types, NOT NULL and the keys.

A new table should look like one a person would have created: integers as BIGINT,
text with its declared VARCHAR length, dates as timestamps, the key as PRIMARY KEY,
references as FOREIGN KEY. Declared facts (the catalog of a table being copied or
replaced, or a schema's primary key) win; the DataFrame's dtypes fill in the rest,
except that a foreign key column takes the type of the key it points to, which the
database demands. Types are SQLAlchemy's generic ones so each database gets its own
spelling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from synthdata.errors import SynthDataError
from synthdata.io.catalog import ColumnFacts, ForeignKey, SqlKind

# MySQL and MariaDB cannot index TEXT, and round DATETIME to whole seconds unless told.
_MYSQL_KEY_LENGTH = 255
_TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
_TIMESTAMP_TZ = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def column_names(frame: pd.DataFrame, target: str) -> list[str]:
    """The frame's column names as SQL column names: text, present and distinct."""
    names = [str(name) for name in frame.columns]
    if any(name == "" for name in names):
        raise SynthDataError(f"cannot write to {target}: a column has an empty name; rename it")
    if len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise SynthDataError(f"cannot write to {target}: columns {repeated} appear more than once; rename them")
    return names


def table_definition(
    name: str,
    frame: pd.DataFrame,
    *,
    dialect: str,
    declared: Mapping[str, ColumnFacts] | None = None,
    primary_key: tuple[str, ...] = (),
    foreign_keys: Sequence[ForeignKey] = (),
    metadata: sa.MetaData | None = None,
) -> sa.Table:
    """A `sa.Table` for the frame's columns, ready to `create`.

    Every foreign key's referred table must already be in `metadata` (created or
    reflected there), which the new table joins; a table may reference itself.
    """
    declared = declared or {}
    metadata = metadata if metadata is not None else sa.MetaData()
    names = column_names(frame, repr(name))
    types = {
        column_name: _declared_type(declared[column_name])
        if column_name in declared
        else _dtype_type(frame.iloc[:, position])
        for position, column_name in enumerate(names)
    }
    own = [key for key in foreign_keys if key.referred_table == name]
    referred = _referred_columns(name, [key for key in foreign_keys if key not in own], metadata)
    for key in own:
        if not set(key.referred_columns) <= set(names):
            raise SynthDataError(
                f"table {name!r} references its own columns {list(key.referred_columns)}, which it lacks"
            )
    referred_types = {column: target.type for column, target in referred.items()}
    referred_types.update(
        {column: types[target] for key in own for column, target in zip(key.columns, key.referred_columns, strict=True)}
    )
    columns = []
    for position, column_name in enumerate(names):
        facts = declared.get(column_name)
        keyed = column_name in primary_key or column_name in referred_types or bool(facts and facts.unique)
        sql_type = types[column_name] if facts else referred_types.get(column_name, types[column_name])
        if dialect in ("mysql", "mariadb") and keyed and isinstance(sql_type, sa.Text):
            longest = frame.iloc[:, position].dropna().astype(str).str.len().max()
            sql_type = sa.String(max(_MYSQL_KEY_LENGTH, int(0 if pd.isna(longest) else longest)))
        columns.append(
            sa.Column(
                column_name,
                sql_type,
                primary_key=column_name in primary_key,
                nullable=column_name not in primary_key and (facts is None or facts.nullable),
                unique=bool(facts and facts.unique and column_name not in primary_key),
                autoincrement=False,
            )
        )
    constraints = [
        sa.ForeignKeyConstraint(list(key.columns), [referred[column] for column in key.columns])
        for key in foreign_keys
        if key not in own
    ]
    table = sa.Table(name, metadata, *columns, *constraints)
    for key in own:
        table.append_constraint(
            sa.ForeignKeyConstraint(list(key.columns), [table.columns[c] for c in key.referred_columns])
        )
    return table


def _referred_columns(name: str, foreign_keys: Sequence[ForeignKey], metadata: sa.MetaData) -> dict[str, sa.Column]:
    """Each foreign key column of the new table, mapped to the column of another table it references."""
    referred: dict[str, sa.Column] = {}
    for key in foreign_keys:
        parent = metadata.tables.get(key.referred_table)
        missing = [column for column in key.referred_columns if parent is None or column not in parent.columns]
        if parent is None or missing or len(key.columns) != len(key.referred_columns):
            raise SynthDataError(
                f"table {name!r} references {key.referred_table}({', '.join(key.referred_columns)}), "
                "which is not written before it; write the referenced table first"
            )
        referred.update(
            {column: parent.columns[target] for column, target in zip(key.columns, key.referred_columns, strict=True)}
        )
    return referred


def _declared_type(facts: ColumnFacts) -> sa.types.TypeEngine:
    kinds: dict[SqlKind, sa.types.TypeEngine] = {
        "integer": sa.BigInteger(),
        "decimal": sa.Numeric(facts.precision, facts.scale),
        "float": sa.Double(),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
        "timestamp": _TIMESTAMP_TZ if facts.timezone else _TIMESTAMP,
        "time": sa.Time(),
        "string": sa.String(facts.length) if facts.length else sa.Text(),
        "binary": sa.LargeBinary(),
        "json": sa.JSON(),
    }
    return kinds.get(facts.kind, sa.Text())


def _dtype_type(column: pd.Series) -> sa.types.TypeEngine:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return sa.Boolean()
    if pd.api.types.is_unsigned_integer_dtype(dtype) and dtype.itemsize == 8:
        return sa.Numeric(20, 0)
    if pd.api.types.is_integer_dtype(dtype):
        return sa.BigInteger()
    if pd.api.types.is_float_dtype(dtype):
        return sa.Double()
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _TIMESTAMP_TZ
    if pd.api.types.is_datetime64_dtype(dtype):
        return _TIMESTAMP
    return sa.Text()
