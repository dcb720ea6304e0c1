"""How a delimited text file is laid out: its encoding and its delimiter.

Files arrive from spreadsheets and other systems in whatever shape those produce:
UTF-8 with or without a byte-order mark, Latin-1, semicolons or tabs instead of
commas. Looking at the first block of bytes settles all of it before pandas reads
the file, and tells a text table from binary content, which would otherwise come
back as a one-column table of garbage.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthdata.errors import SynthDataError
from synthdata.io.file_formats import is_gzip

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_RECORDS = 50
# Text has almost no control characters; random or binary bytes have about one in
# eight. Anything above this share is not a text table.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_CODES = np.array([code for code in range(32) if code not in b"\t\n\r\f"] + [127])


@dataclass(frozen=True)
class TextLayout:
    """The encoding and delimiter a delimited text file was written with."""

    encoding: str
    delimiter: str


def read_sample(path: Path) -> bytes:
    """The first block of the file (decompressed for .gz), enough to judge its layout."""
    if not is_gzip(path):
        with open(path, "rb") as handle:
            return handle.read(SAMPLE_BYTES)
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        raise SynthDataError(
            f"{path} is not a readable gzip file ({error}); check that it is complete, or drop the .gz"
        ) from None


def detect_encoding(path: Path, sample: bytes) -> str:
    """UTF-8 (a BOM is dropped), UTF-16 when it says so, else Latin-1, which decodes anything."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_binary(sample):
        raise SynthDataError(
            f"{path} does not look like a text table (it holds binary content); point to a CSV, Parquet or JSON file"
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if error.start < len(sample) - 3:
            return "latin-1"
    return "utf-8-sig"


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    counts = np.bincount(np.frombuffer(sample, dtype=np.uint8), minlength=256)
    return counts[_CONTROL_CODES].sum() > _MAX_CONTROL_SHARE * max(len(sample), 1)


def detect_delimiter(sample: bytes, encoding: str, *, truncated: bool) -> str:
    """The candidate delimiter that splits the first records into the most, equally many, fields.

    Records are split with the csv module so that delimiters inside quoted values do
    not count. A file whose records agree on one field for every candidate is a
    one-column table and gets the comma.
    """
    text = sample.decode(encoding, errors="replace")
    if truncated and "\n" in text:
        text = text.rsplit("\n", 1)[0]
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        # newline="": a lone \r ends a record, as it does for pandas, instead of failing the csv module
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = list(itertools.islice(reader, _SNIFF_RECORDS))
        records = [record for record in records if record]
        if not records:
            continue
        fields = len(records[0])
        agreeing = sum(len(record) == fields for record in records)
        if fields > best_fields and agreeing >= 0.9 * len(records):
            best, best_fields = delimiter, fields
    return best


def detect_layout(path: Path, *, delimiter: str | None = None) -> TextLayout:
    """The layout of the text table at `path`; `delimiter` fixes the delimiter instead of sniffing it."""
    sample = read_sample(path)
    encoding = detect_encoding(path, sample)
    if delimiter is None:
        delimiter = detect_delimiter(sample, encoding, truncated=len(sample) == SAMPLE_BYTES)
    return TextLayout(encoding=encoding, delimiter=delimiter)


def header_names(path: Path, layout: TextLayout) -> list[str]:
    """The column names of the file's first record, as written."""
    text = read_sample(path).decode(layout.encoding, errors="replace")
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter), [])
