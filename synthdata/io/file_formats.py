"""Which file formats synthdata reads and writes, told apart by extension.

Reading and writing agree on one table of extensions so that whatever `write_table`
produces, `read_table` reads back. Delimited text may be gzip-compressed (`.csv.gz`,
`.tsv.gz`): the format is the inner extension's, and the `.gz` says how the bytes
are stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from synthdata.errors import SynthDataError

FileFormat = Literal["csv", "tsv", "parquet", "jsonl", "json"]

FORMATS_BY_SUFFIX: dict[str, FileFormat] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "tsv",
    ".tsv.gz": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
SUPPORTED = ", ".join(FORMATS_BY_SUFFIX)


def file_format(path: Path, fmt: str | None = None) -> FileFormat:
    """The format of `path`: `fmt` when given, else the one its extension names."""
    if fmt is not None:
        if fmt not in FORMATS_BY_SUFFIX.values():
            raise SynthDataError(
                f"unknown file format {fmt!r}; use one of {', '.join(sorted(set(FORMATS_BY_SUFFIX.values())))}"
            )
        named = FORMATS_BY_SUFFIX.get(path.suffix.lower())
        if named is not None and named != fmt:
            raise SynthDataError(
                f"{path} is named as a {named} file but the format asked for is {fmt}; "
                f"name the file for its format (e.g. .{fmt}), or leave the format to the name"
            )
        return fmt  # type: ignore[return-value]
    suffix = "".join(path.suffixes[-2:]).lower() if is_gzip(path) else path.suffix.lower()
    if suffix not in FORMATS_BY_SUFFIX:
        shown = f"extension {suffix!r}" if suffix else "no extension"
        raise SynthDataError(
            f"{path} has {shown}, which synthdata cannot read or write; "
            f"use {SUPPORTED}, or a database URL such as sqlite:///file.db"
        )
    return FORMATS_BY_SUFFIX[suffix]


def is_gzip(path: Path) -> bool:
    """Whether the file's name says its bytes are gzip-compressed."""
    return path.suffix.lower() == ".gz"
