"""The public ways in and out: `read_table`, `write_table` and `open_sink`.

One call reads or writes a table wherever it lives, a DataFrame, a file or a
database, so the CLI and user code never branch on where data comes from. These
functions only route; the files and databases modules do the work.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.io.catalog import TableCatalog
from synthdata.io.file_sink import FileSink, StdoutSink
from synthdata.io.file_source import read_file
from synthdata.io.reservoir import sample_rows
from synthdata.io.sink import IF_EXISTS, IfExists, TableSink
from synthdata.io.sql_sink import SqlSink
from synthdata.io.sql_source import read_sql
from synthdata.schema import Schema

Source: TypeAlias = str | os.PathLike[str] | pd.DataFrame
Target: TypeAlias = str | os.PathLike[str]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_database_url(text: str) -> bool:
    """Whether `text` is a SQLAlchemy database URL (``dialect[+driver]://...``) rather than a path."""
    return bool(_URL.match(text))


def read_table(
    source: Source,
    *,
    table: str | None = None,
    query: str | None = None,
    max_rows: int | None = None,
    seed: int | np.random.Generator = 0,
    verbose: bool = True,
) -> pd.DataFrame:
    """The table at `source`: a DataFrame, a file path, or a database URL with `table` or `query`.

    Files are read by extension (.csv, .tsv, .parquet, .jsonl/.ndjson, .json as an
    array of records). Database URLs are SQLAlchemy's (sqlite:///shop.db,
    postgresql://host/db, mysql://root@host/db); their rows are streamed in chunks
    with a progress bar (when `verbose` and on a terminal). With `max_rows`, a uniform
    random sample of at most that many rows is returned, in table order, the same
    one for the same `seed`, and memory stays bounded by it. Anything wrong with the
    source raises SynthDataError saying what and where.
    """
    if isinstance(source, pd.DataFrame):
        _refuse_database_options(table, query, "a DataFrame")
        return sample_rows(source, max_rows, seed=seed)
    text = _source_text(source)
    if is_database_url(text):
        return read_sql(text, table=table, query=query, max_rows=max_rows, seed=seed, verbose=verbose)
    _refuse_database_options(table, query, text)
    return sample_rows(read_file(Path(text)), max_rows, seed=seed)


def open_sink(
    target: Target,
    *,
    table: str | None = None,
    if_exists: IfExists = "fail",
    fmt: str | None = None,
    schema: Schema | TableCatalog | None = None,
    verbose: bool = True,
) -> TableSink:
    """A destination for rows written in chunks, committed at the end of a `with` block.

    `target` is a file path (format from its extension or `fmt`), ``-`` for CSV on
    standard output, or a database URL with `table`. `if_exists` says what to do
    when the file or table is already there: "fail" (the default), "append" or
    "replace". Nothing becomes visible until the block ends without an exception:
    files are renamed into place, database rows are committed in one transaction
    (a replaced table is swapped for the fully loaded new one). A new database table
    takes its types from the dtypes and from `schema`: a synthdata Schema gives the
    primary key, a TableCatalog (see `read_catalog`) every column's declared type,
    length, NOT NULL and key; a CSV or TSV file (or standard output) writes each
    decimal column of a synthdata Schema with its number of places. `sink.description`
    names the target with any password masked.
    """
    if if_exists not in IF_EXISTS:
        raise SynthDataError(f"if_exists must be one of {', '.join(IF_EXISTS)}, got {if_exists!r}")
    text = _source_text(target)
    if is_database_url(text):
        if fmt is not None:
            raise SynthDataError(f"a file format ({fmt!r}) does not apply to a database")
        return SqlSink(text, table=table, if_exists=if_exists, schema=schema, verbose=verbose)
    _refuse_database_options(table, None, text)
    if text == "-":
        if fmt not in (None, "csv"):
            raise SynthDataError(f"standard output takes CSV only, not {fmt!r}")
        return StdoutSink(schema=schema if isinstance(schema, Schema) else None)
    return FileSink(Path(text), fmt=fmt, if_exists=if_exists, schema=schema if isinstance(schema, Schema) else None)


def write_table(
    frame: pd.DataFrame,
    target: Target,
    *,
    table: str | None = None,
    if_exists: IfExists = "fail",
    schema: Schema | TableCatalog | None = None,
    verbose: bool = True,
) -> int:
    """Write `frame` to `target` (a file path, ``-`` or a database URL with `table`) all at once.

    Atomic: the target ends up with the old content or the complete new one, never
    a part. Returns the number of rows written.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SynthDataError(f"write_table takes a pandas DataFrame, not {type(frame).__name__}")
    with open_sink(target, table=table, if_exists=if_exists, schema=schema, verbose=verbose) as sink:
        sink.write(frame)
    return sink.rows_written


def _source_text(source: Any) -> str:
    try:
        return os.fsdecode(source)
    except TypeError:
        raise SynthDataError(
            f"expected a file path, a database URL or a DataFrame, not {type(source).__name__}"
        ) from None


def _refuse_database_options(table: str | None, query: str | None, source: str) -> None:
    if table is not None or query is not None:
        option = "table" if table is not None else "query"
        raise SynthDataError(f"{option}= only applies to database URLs, and {source} is not one")
