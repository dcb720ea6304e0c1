"""Writing rows to a CSV, TSV, Parquet, JSON Lines or JSON file, atomically.

Rows go to a temporary file beside the target and the finished file is renamed onto
the target in one step (`os.replace`), so a reader sees the old file or the complete
new one, never a part; a failure or an interrupt removes the temporary file. Writing
in chunks keeps memory bounded for outputs of any size. A name ending in .gz
(`x.csv.gz`) writes gzip-compressed text. Given the table's schema, delimited text
writes each decimal column with its real number of places (`0.00`, not `0.0`).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.io.file_formats import FileFormat, file_format, is_gzip
from synthdata.io.file_source import read_file
from synthdata.io.sink import ColumnCheck, IfExists, TableSink
from synthdata.io.text_layout import detect_layout
from synthdata.output_files import temporary_beside
from synthdata.schema import Schema

if TYPE_CHECKING:
    import pyarrow.parquet as pq


class _ChunkWriter:
    """Writes successive chunks of one table in one format to an open file."""

    def __init__(self, handle: IO) -> None:
        self.handle = handle

    def write(self, chunk: pd.DataFrame) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Write whatever the format needs after the last row."""


class _DelimitedWriter(_ChunkWriter):
    """Text rows; `decimals` gives the places each decimal column is written with."""

    def __init__(self, handle: IO, *, delimiter: str, decimals: dict[str, int] | None = None) -> None:
        super().__init__(handle)
        self.delimiter = delimiter
        self.decimals = decimals or {}
        self.header_written = False

    def write(self, chunk: pd.DataFrame) -> None:
        chunk = _with_fixed_places(chunk, self.decimals)
        chunk.to_csv(self.handle, sep=self.delimiter, index=False, header=not self.header_written, lineterminator="\n")
        self.header_written = True


def _with_fixed_places(chunk: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Float columns with a known number of places as text with exactly that many."""
    fixed = {}
    for name, places in decimals.items():
        if name in chunk.columns and pd.api.types.is_float_dtype(chunk[name].dtype):
            values = chunk[name].to_numpy(dtype=float, na_value=np.nan)
            present = ~np.isnan(values)
            text = np.full(len(values), None, dtype=object)
            text[present] = np.char.mod(f"%.{places}f", values[present])
            fixed[name] = text
    return chunk.assign(**fixed) if fixed else chunk


def schema_decimals(schema: Schema | None) -> dict[str, int]:
    """The places of each decimal column the schema declares."""
    if schema is None:
        return {}
    return {
        name: column.decimals
        for name, column in schema.columns.items()
        if column.type == "numerical" and column.decimals
    }


class _JsonLinesWriter(_ChunkWriter):
    def write(self, chunk: pd.DataFrame) -> None:
        if len(chunk):
            self.handle.write(chunk.to_json(orient="records", lines=True, date_format="iso"))


class _JsonArrayWriter(_ChunkWriter):
    """One JSON array of objects, streamed: the brackets are written once, around all chunks."""

    def __init__(self, handle: IO) -> None:
        super().__init__(handle)
        self.handle.write("[")
        self.empty = True

    def write(self, chunk: pd.DataFrame) -> None:
        body = chunk.to_json(orient="records", date_format="iso")[1:-1]
        if body:
            self.handle.write(body if self.empty else "," + body)
            self.empty = False

    def close(self) -> None:
        self.handle.write("]\n")


class _ParquetWriter(_ChunkWriter):
    """One Parquet file whose row groups are the chunks; the first chunk fixes the column types."""

    def __init__(self, handle: IO) -> None:
        super().__init__(handle)
        self.writer: pq.ParquetWriter | None = None

    def write(self, chunk: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            if self.writer is None:
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                self.writer = pq.ParquetWriter(self.handle, table.schema)
            else:
                table = pa.Table.from_pandas(chunk, schema=self.writer.schema, preserve_index=False)
        except (pa.ArrowException, ValueError) as error:
            raise SynthDataError(
                f"cannot write these rows as Parquet ({error}); give every column one type throughout"
            ) from None
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _chunk_writer(fmt: FileFormat, handle: IO, *, delimiter: str | None, decimals: dict[str, int]) -> _ChunkWriter:
    if fmt == "parquet":
        return _ParquetWriter(handle)
    if fmt == "jsonl":
        return _JsonLinesWriter(handle)
    if fmt == "json":
        return _JsonArrayWriter(handle)
    return _DelimitedWriter(handle, delimiter=delimiter or ("\t" if fmt == "tsv" else ","), decimals=decimals)


class FileSink(TableSink):
    """Rows written to a temporary file beside `path` and renamed onto it at commit.

    `if_exists="append"` copies the existing rows into the new file first (a CSV keeps
    its delimiter), so appending is as atomic as writing.
    """

    def __init__(
        self, path: Path, *, fmt: str | None = None, if_exists: IfExists = "fail", schema: Schema | None = None
    ) -> None:
        self.path = path
        self.description = str(path)
        self.format = file_format(path, fmt)
        self.if_exists = if_exists
        self.rows_written = 0
        existing = self._existing_rows()
        delimiter = None
        if existing is not None and self.format in ("csv", "tsv"):
            delimiter = detect_layout(path).delimiter
        self._check_columns = ColumnCheck(str(path))
        self._temporary = temporary_beside(path)
        self._open = False
        try:
            self._file = open(self._temporary, "wb")  # noqa: SIM115 - closed at commit or abort
            self._handle: IO[Any] = self._file
            if is_gzip(path):
                # A binary file object; typeshed does not count GzipFile as a typing.IO.
                self._handle = cast(IO[bytes], gzip.GzipFile(fileobj=self._file, mode="wb"))
            if self.format != "parquet":
                self._handle = io.TextIOWrapper(self._handle, encoding="utf-8", newline="")
            self._writer = _chunk_writer(
                self.format, self._handle, delimiter=delimiter, decimals=schema_decimals(schema)
            )
            self._open = True
            if existing is not None:
                self._write_rows(existing)
        except BaseException:
            # No sink reaches the caller to abort: a failure or an interrupt here cleans up itself.
            self.abort()
            self._temporary.unlink(missing_ok=True)
            raise

    def _existing_rows(self) -> pd.DataFrame | None:
        if self.path.is_dir():
            raise SynthDataError(f"{self.path} is a folder; give a file name to write to")
        if not self.path.exists() or self.if_exists == "replace":
            return None
        if self.if_exists == "fail":
            raise SynthDataError(
                f"{self.path} already exists; remove it, choose another name, or replace or append "
                "(--force or --if-exists on the command line, if_exists= in Python)"
            )
        return read_file(self.path)

    def _write_rows(self, chunk: pd.DataFrame) -> None:
        chunk = self._check_columns(chunk)
        try:
            self._writer.write(chunk)
        except OSError as error:
            self.abort()
            raise SynthDataError(f"cannot write {self.path}: {error.strerror or error}; nothing was written") from None

    def write(self, chunk: pd.DataFrame) -> None:
        if not self._open:
            raise SynthDataError(f"the output to {self.path} is already closed")
        self._write_rows(chunk)
        self.rows_written += len(chunk)

    def commit(self) -> None:
        if not self._open:
            return
        try:
            self._writer.close()
            self._close_layers()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            if self.if_exists == "fail" and self.path.exists():
                raise SynthDataError(f"{self.path} appeared while it was being written; nothing was written")
            os.replace(self._temporary, self.path)
        except OSError as error:
            self.abort()
            raise SynthDataError(f"cannot write {self.path}: {error.strerror or error}; nothing was written") from None
        except BaseException:
            self.abort()
            raise
        self._open = False

    def abort(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            # The writer may be mid-way through a failed chunk, and closing flushes into a full
            # disk: the file is thrown away anyway.
            with contextlib.suppress(Exception):
                self._writer.close()
            with contextlib.suppress(Exception):
                self._close_layers()
            with contextlib.suppress(OSError):
                self._file.close()
        finally:
            self._temporary.unlink(missing_ok=True)

    def _close_layers(self) -> None:
        """Flush the text and gzip layers into the file (the gzip trailer included), leaving it open."""
        layer = self._handle
        if isinstance(layer, io.TextIOWrapper):
            layer.flush()
            layer = layer.detach()
        if layer is not self._file:
            layer.close()
        self._handle = self._file


class OutputClosedError(SynthDataError, BrokenPipeError):
    """Standard output was closed by its reader (`| head`): a SynthDataError for callers of
    the library, a BrokenPipeError for a command line that ends quietly, as `head` expects."""


class StdoutSink(TableSink):
    """CSV rows printed to standard output as they come: a pipe cannot be taken back.

    Rows go out in flushed blocks, so `rows_written` counts rows that reached the pipe
    (a block cut short by a closed pipe is not counted).
    """

    BLOCK_ROWS = 1024

    def __init__(self, *, schema: Schema | None = None) -> None:
        self.rows_written = 0
        self.description = "standard output"
        self._writer = _DelimitedWriter(sys.stdout, delimiter=",", decimals=schema_decimals(schema))
        self._check_columns = ColumnCheck(self.description)

    def write(self, chunk: pd.DataFrame) -> None:
        chunk = self._check_columns(chunk)
        for start in range(0, max(len(chunk), 1), self.BLOCK_ROWS):
            block = chunk.iloc[start : start + self.BLOCK_ROWS]
            try:
                self._writer.write(block)
                sys.stdout.flush()
            except BrokenPipeError:
                self._silence_closed_pipe()
                raise OutputClosedError(
                    f"standard output was closed after {self.rows_written:,} rows; the rest were not written"
                ) from None
            self.rows_written += len(block)

    def commit(self) -> None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            self._silence_closed_pipe()

    def abort(self) -> None:
        self.commit()

    @staticmethod
    def _silence_closed_pipe() -> None:
        """Point standard output at /dev/null, so the interpreter's last flush does not fail again."""
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
