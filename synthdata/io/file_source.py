"""Reading a table from a CSV, TSV, Parquet, JSON Lines or JSON file, whatever state it is in.

Files are the most common way in and the most often broken one: missing, unreadable,
empty, binary, ragged, written with semicolons or in Latin-1. Each of those becomes a
SynthDataError naming the file and what to do, never a pandas traceback. Columns are
read with pandas' own type inference, corrected where it would change what was
written (see `written_values`): integers with blanks stay integers, booleans keep their
spelling, numbers with commas are numbers, ZIP codes like 01740 stay text, so synthetic
output can be written back in the same form. A header with a repeated or an empty
name is refused rather than renamed (pandas would make them `a.1` and `Unnamed: 0`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from synthdata.errors import SynthDataError, file_errors
from synthdata.io.file_formats import file_format
from synthdata.io.text_layout import TextLayout, detect_encoding, detect_layout, header_names, read_sample
from synthdata.io.written_values import read_as_written, whole_numbers_as_integers


def read_file(path: Path) -> pd.DataFrame:
    """The table in the file at `path`, in the format its extension names."""
    fmt = file_format(path)
    check_readable(path)
    if fmt == "parquet":
        frame = _read_parquet(path)
    elif fmt in ("json", "jsonl"):
        frame = _read_json(path, lines=fmt == "jsonl")
    else:
        frame = _read_delimited(path, delimiter="\t" if fmt == "tsv" else None)
    if len(frame) == 0:
        what = "a header but no rows" if len(frame.columns) else "no rows"
        raise SynthDataError(f"{path} has {what}; add data rows or point to another file")
    return frame


def check_readable(path: Path) -> None:
    """Fail with what to do when `path` is missing, a folder, unreadable or empty."""
    with file_errors(f"read {path}", denied="; change its permissions or copy it somewhere readable"):
        if not path.exists():
            raise SynthDataError(f"{path} does not exist; check the path and the working folder")
        if path.is_dir():
            raise SynthDataError(f"{path} is a folder; point to a file inside it")
        with open(path, "rb"):
            size = path.stat().st_size
    if size == 0:
        raise SynthDataError(f"{path} is empty (0 bytes); point to a file with a header and rows")


def _with_latin1_fallback(read: Callable[[str], pd.DataFrame], encoding: str) -> tuple[pd.DataFrame, str]:
    """Read with `encoding`; a file that only looked like UTF-8 in its first block is Latin-1."""
    try:
        return read(encoding), encoding
    except UnicodeDecodeError:
        if encoding == "latin-1":
            raise
        return read("latin-1"), "latin-1"


def _read_delimited(path: Path, *, delimiter: str | None) -> pd.DataFrame:
    layout = detect_layout(path, delimiter=delimiter)
    _check_header(path, header_names(path, layout))

    def read(encoding: str) -> pd.DataFrame:
        return pd.read_csv(path, sep=layout.delimiter, encoding=encoding, low_memory=False)

    try:
        frame, encoding = _with_latin1_fallback(read, layout.encoding)
        layout = TextLayout(encoding=encoding, delimiter=layout.delimiter)
    except pd.errors.EmptyDataError:
        raise SynthDataError(f"{path} holds no header and no rows; point to a file with a header and rows") from None
    except pd.errors.ParserError as error:
        raise _ragged_row_error(path, layout) or SynthDataError(
            f"cannot parse {path}: {_first_line(error)}; check that it is a delimited text table"
        ) from None
    if len(frame.columns) > 1 and frame.iloc[:, -1].isna().any():
        # A row with too few fields also ends in nulls; only a structural check tells them apart.
        short = _ragged_row_error(path, layout)
        if short is not None:
            raise short

    def text_of(positions: list[int]) -> pd.DataFrame:
        return pd.read_csv(
            path, sep=layout.delimiter, encoding=layout.encoding, usecols=positions, dtype=str, low_memory=False
        )

    return read_as_written(frame, text_of, delimiter=layout.delimiter)


def _check_header(path: Path, names: list[str]) -> None:
    """Refuse repeated or empty column names, which pandas would silently rename."""
    problems = []
    empty = [str(position) for position, name in enumerate(names, start=1) if not name.strip()]
    if empty:
        problems.append(f"no name in column{'s' if len(empty) > 1 else ''} {', '.join(empty)}")
    for name in dict.fromkeys(names):
        positions = [str(position) for position, other in enumerate(names, start=1) if other == name]
        if name.strip() and len(positions) > 1:
            problems.append(f"{name!r} repeated in columns {', '.join(positions)}")
    if problems:
        raise SynthDataError(
            f"{path} has a header with {'; '.join(problems)} (of {len(names)}); give every column its own name"
        )


def _ragged_row_error(path: Path, layout: TextLayout) -> SynthDataError | None:
    """The error for the first row whose field count differs from the header's, or None."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    found = []

    def record(row: pacsv.InvalidRow) -> str:
        found.append(row)
        return "error"

    with contextlib.suppress(pa.ArrowException):
        pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False, encoding="utf8" if layout.encoding == "utf-8-sig" else layout.encoding
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=layout.delimiter, newlines_in_values=True, invalid_row_handler=record
            ),
            convert_options=pacsv.ConvertOptions(include_columns=[]),
        )
    if not found:
        return None
    row = found[0]
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(layout.delimiter, repr(layout.delimiter))
    fields = f"{row.actual_columns} field" + ("" if row.actual_columns == 1 else "s")
    return SynthDataError(
        f"{path}, row {row.number} (counting the header as row 1) has {fields} where the header has "
        f"{row.expected_columns} ({shown}-separated); quote values that contain the delimiter, or fix that row"
    )


def _read_json(path: Path, *, lines: bool) -> pd.DataFrame:
    kind, expected = ("JSON Lines", "one JSON object per line") if lines else ("JSON", "an array of objects")

    def read(encoding: str) -> pd.DataFrame:
        # JSON is typed already: keep its strings as strings and its numbers as numbers.
        return pd.read_json(path, orient="records", lines=lines, dtype=False, convert_dates=False, encoding=encoding)

    encoding = detect_encoding(path, read_sample(path))
    try:
        frame, encoding = _with_latin1_fallback(read, encoding)
    except (ValueError, AttributeError, TypeError) as error:
        # pandas fails with AttributeError or TypeError on a line that is JSON but no object.
        where = _first_line_not_an_object(path, encoding) if lines else ""
        raise SynthDataError(f"{path}{where} is not valid {kind} ({_first_line(error)}); expected {expected}") from None
    if not all(isinstance(name, str) for name in frame.columns):
        where = _first_line_not_an_object(path, encoding) if lines else ""
        raise SynthDataError(f"{path}{where} holds {kind} values that are not objects; expected {expected}")
    return whole_numbers_as_integers(frame)


def _first_line_not_an_object(path: Path, encoding: str) -> str:
    """ ", line N" for the first line of a JSON Lines file that is not one JSON object, else ""."""
    with open(path, encoding=encoding, errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                return f", line {number},"
            if not isinstance(value, dict):
                return f", line {number},"
    return ""


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow as pa
    except ImportError:
        raise SynthDataError("reading Parquet needs pyarrow: pip install 'synthdata[parquet]'") from None
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except (pa.ArrowException, OSError) as error:
        raise SynthDataError(
            f"{path} is not a readable Parquet file ({_first_line(error)}); check that it is complete"
        ) from None


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
