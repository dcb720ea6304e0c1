"""Any bytes at all, named like a table: read_table gives a DataFrame or one SynthDataError.

The broken files people meet (empty, binary, ragged, Latin-1, BOM...) have their own
tests in tests/io; here hypothesis writes text from the characters that confuse
parsers (quotes, delimiters, lone carriage returns, byte-order marks) in several
encodings, and nothing but a table or a SynthDataError may come back.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthdata import SynthDataError, read_table

PIECES = st.sampled_from(
    [
        ",",
        ";",
        "\t",
        "|",
        '"',
        "'",
        "\n",
        "\r",
        "\r\n",
        " ",
        "a",
        "é",
        "€",
        "1",
        "2.5",
        "-",
        "e",
        "\\",
        "\ufeff",
        "NaN",
        "null",
        "1e400",
        "2020-01-01",
        '""',
        "\u2028",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\x00",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    pieces=st.lists(PIECES, max_size=60),
    suffix=st.sampled_from([".csv", ".tsv", ".json", ".jsonl"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
)
def test_any_text_reads_as_a_table_or_one_clear_error(pieces, suffix, encoding, tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / f"table{suffix}"
    path.write_bytes("".join(pieces).encode(encoding, errors="replace"))
    try:
        frame = read_table(path)
    except SynthDataError as error:
        assert str(path) in str(error)
        return
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_old_mac_line_ends_are_line_ends(newline, tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(newline.join(["a;b", "1;x", "2;y", ""]).encode())
    frame = read_table(path)
    assert list(frame.columns) == ["a", "b"] and frame["b"].tolist() == ["x", "y"]
