"""Reading files in every state they arrive in: the good, the odd and the broken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SynthDataError
from synthdata.io.file_source import read_file


def write_bytes(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def test_reads_the_real_adult_table(adult_path, adult):
    frame = read_file(adult_path)
    pd.testing.assert_frame_equal(frame, adult)


def test_keeps_zip_codes_with_leading_zeros_as_text(patients_path):
    frame = read_file(patients_path)
    assert frame["ZIP"].dtype == object
    assert "00000" in set(frame["ZIP"])
    assert frame["INCOME"].dtype == np.int64
    assert frame["LAT"].dtype == np.float64


def test_leading_zero_rules(tmp_path):
    path = write_bytes(
        tmp_path,
        "codes.csv",
        b"zip,plain,decimal,long_id,long_with_null,int_id\n"
        b"01740,1,0.5,12345678901234567891,1234567890123456789,1234567890123456789\n"
        b"00000,2,1.25,22345678901234567891,,2234567890123456789\n",
    )
    frame = read_file(path)
    assert list(frame["zip"]) == ["01740", "00000"]
    assert frame["plain"].dtype == np.int64
    assert frame["decimal"].dtype == np.float64
    # A float column cannot hold 19 digits, an int64 column can.
    assert frame["long_with_null"].iloc[0] == "1234567890123456789"
    assert frame["int_id"].dtype == np.int64


def test_missing_file_names_it(tmp_path):
    with pytest.raises(SynthDataError, match=r"nothere\.csv does not exist"):
        read_file(tmp_path / "nothere.csv")


def test_folder_is_not_a_file(tmp_path):
    folder = tmp_path / "table.csv"
    folder.mkdir()
    with pytest.raises(SynthDataError, match="is a folder"):
        read_file(folder)


def test_unreadable_file_says_permission_denied(open_folder, unprivileged):
    path = write_bytes(open_folder, "secret.csv", b"a,b\n1,2\n")
    path.chmod(0)
    message = unprivileged(lambda: read_file(path))
    assert message.startswith("SynthDataError: cannot read")
    assert "secret.csv: permission denied" in message


def test_file_in_a_folder_one_may_not_enter(open_folder, unprivileged):
    locked = open_folder / "locked"
    locked.mkdir()
    path = write_bytes(locked, "inside.csv", b"a\n1\n")
    locked.chmod(0)
    try:
        message = unprivileged(lambda: read_file(path))
    finally:
        locked.chmod(0o700)
    assert message.startswith("SynthDataError: cannot read")
    assert "inside.csv: permission denied" in message


def test_zero_byte_file(tmp_path):
    with pytest.raises(SynthDataError, match=r"empty.csv is empty \(0 bytes\)"):
        read_file(write_bytes(tmp_path, "empty.csv", b""))


@pytest.mark.parametrize("name", ["header.csv", "header.tsv"])
def test_header_only(tmp_path, name):
    with pytest.raises(SynthDataError, match=f"{name} has a header but no rows"):
        read_file(write_bytes(tmp_path, name, b"a,b,c\n" if name.endswith("csv") else b"a\tb\n"))


def test_blank_lines_only(tmp_path):
    with pytest.raises(SynthDataError, match="no header and no rows"):
        read_file(write_bytes(tmp_path, "blank.csv", b"\n\n\n"))


@pytest.mark.parametrize("size", [200, 100_000])
def test_binary_garbage(tmp_path, size):
    garbage = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    for name in ("garbage.csv", "garbage.jsonl"):
        with pytest.raises(SynthDataError, match=f"{name} does not look like a text table"):
            read_file(write_bytes(tmp_path, name, garbage))


def test_garbage_parquet(tmp_path):
    with pytest.raises(SynthDataError, match=r"bad\.parquet is not a readable Parquet file"):
        read_file(write_bytes(tmp_path, "bad.parquet", b"PAR1 this is not parquet at all"))


def test_truncated_parquet(tmp_path):
    path = tmp_path / "whole.parquet"
    pd.DataFrame({"a": range(1000)}).to_parquet(path)
    cut = write_bytes(tmp_path, "cut.parquet", path.read_bytes()[:-100])
    with pytest.raises(SynthDataError, match=r"cut\.parquet is not a readable Parquet file"):
        read_file(cut)


def test_row_with_too_many_fields_names_the_row(tmp_path):
    path = write_bytes(tmp_path, "ragged.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n")
    with pytest.raises(SynthDataError, match=r"ragged.csv, row 4 .* has 4 fields where the header has 3"):
        read_file(path)


def test_row_with_too_few_fields_names_the_row(tmp_path):
    path = write_bytes(tmp_path, "short.csv", b"a,b,c\n1,2,3\n4,5\n7,8,9\n")
    with pytest.raises(SynthDataError, match=r"short.csv, row 3 .* has 2 fields where the header has 3"):
        read_file(path)


def test_trailing_empty_fields_are_nulls_not_ragged(tmp_path):
    frame = read_file(write_bytes(tmp_path, "nulls.csv", b"a,b,c\n1,2,\n4,5,6\n"))
    assert frame["c"].isna().tolist() == [True, False]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_sniffed(tmp_path, delimiter):
    rows = [["name", "price", "zip"], ["Ann, Jr.", "1,5", "01740"], ["Bob", "2", "02139"]]
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    frame = read_file(write_bytes(tmp_path, "other.csv", text.encode()))
    assert list(frame.columns) == ["name", "price", "zip"]
    assert frame["name"].tolist() == ["Ann, Jr.", "Bob"]
    assert frame["zip"].tolist() == ["01740", "02139"]


def test_tsv_extension_means_tabs(tmp_path):
    frame = read_file(write_bytes(tmp_path, "t.tsv", b"a\tb\nx,5\t2\n"))
    assert frame.to_dict("list") == {"a": ["x,5"], "b": [2]}


def test_single_column_file(tmp_path):
    frame = read_file(write_bytes(tmp_path, "one.csv", b"city\nParis\nLyon\n"))
    assert frame["city"].tolist() == ["Paris", "Lyon"]


def test_latin1_file_is_decoded(tmp_path):
    text = "name,city\nJos\u00e9,Z\u00fcrich\nRen\u00e9e,S\u00e3o Paulo\n"
    frame = read_file(write_bytes(tmp_path, "latin.csv", text.encode("latin-1")))
    assert frame["city"].tolist() == ["Z\u00fcrich", "S\u00e3o Paulo"]


def test_latin1_after_a_long_ascii_start(tmp_path):
    body = "".join(f"row{i},plain\n" for i in range(10_000))
    text = "name,city\n" + body + "Jos\u00e9,Z\u00fcrich\n"
    frame = read_file(write_bytes(tmp_path, "late.csv", text.encode("latin-1")))
    assert frame["city"].iloc[-1] == "Z\u00fcrich"


def test_utf8_bom_is_stripped_from_the_first_column(tmp_path):
    frame = read_file(write_bytes(tmp_path, "bom.csv", "\ufeffId,value\n1,caf\u00e9\n".encode()))
    assert list(frame.columns) == ["Id", "value"]
    assert frame["value"].tolist() == ["caf\u00e9"]


def test_utf16_with_bom(tmp_path):
    frame = read_file(write_bytes(tmp_path, "wide.csv", "a,b\n1,x\n".encode("utf-16")))
    assert frame.to_dict("list") == {"a": [1], "b": ["x"]}


def test_quoted_newlines_and_delimiters(tmp_path):
    content = b'id,note\n1,"first line\nsecond line"\n2,"a, b and ""c"""\n'
    frame = read_file(write_bytes(tmp_path, "notes.csv", content))
    assert frame["note"].tolist() == ["first line\nsecond line", 'a, b and "c"']


def test_unsupported_extension(tmp_path):
    with pytest.raises(SynthDataError, match=r"book.xlsx has extension '.xlsx'.*\.csv"):
        read_file(write_bytes(tmp_path, "book.xlsx", b"PK\x03\x04"))


def test_json_records_and_lines(tmp_path):
    # An integer with a null stays an integer (pandas alone would read 1.0).
    expected = pd.DataFrame(
        {"zip": ["01740", np.nan], "n": pd.array([1, None], dtype="Int64"), "day": ["2020-01-01", "2021-02-03"]}
    )
    records = b'[{"zip":"01740","n":1,"day":"2020-01-01"},{"zip":null,"n":null,"day":"2021-02-03"}]'
    lines = b'{"zip":"01740","n":1,"day":"2020-01-01"}\n{"zip":null,"n":null,"day":"2021-02-03"}\n'
    pd.testing.assert_frame_equal(read_file(write_bytes(tmp_path, "r.json", records)), expected)
    pd.testing.assert_frame_equal(read_file(write_bytes(tmp_path, "r.ndjson", lines)), expected)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", b'{"a": [1, 2', "bad.json is not valid JSON"),
        ("scalars.json", b"[1, 2, 3]", "scalars.json holds JSON values that are not objects"),
        ("bad.jsonl", b'{"a": 1}\nnot json\n', "bad.jsonl, line 2, is not valid JSON Lines"),
        ("empty.json", b"[]", "empty.json has no rows"),
    ],
)
def test_broken_json(tmp_path, name, content, message):
    with pytest.raises(SynthDataError, match=message):
        read_file(write_bytes(tmp_path, name, content))


def test_parquet_keeps_types(tmp_path):
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2020-01-01", None]),
            "n": pd.array([1, None], dtype="Int64"),
            "flag": [True, False],
            "zip": ["01740", "00000"],
        }
    )
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path)
    pd.testing.assert_frame_equal(read_file(path), frame)
