"""A text table comes back as it was written: integers, decimals, booleans, commas, gzip.

Each case is a small CSV written here, read with `read_table`, and (for the round
trips) fitted for one epoch and sampled back to a file, to check what the output
file's text looks like.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from synthdata import SynthDataError, TabularGAN, read_table, write_table
from synthdata_cli.main import main

ROWS = 60
TINY = {
    "epochs": 1,
    "batch_size": 30,
    "embedding_dim": 8,
    "generator_dims": (16,),
    "critic_dims": (16,),
    "verbose": False,
}


def table_text() -> str:
    """Ages with blanks, FIPS codes with blanks, prices in cents, true/false."""
    lines = ["age,FIPS,price,active"]
    for i in range(ROWS):
        age = "" if i % 7 == 0 else str(20 + i % 50)
        fips = "" if i % 9 == 0 else str(31001 + 2 * (i % 5))
        lines.append(f"{age},{fips},{i % 5}.{i % 10}{i % 3},{'true' if i % 2 else 'false'}")
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_integers_with_blanks_are_integers_and_booleans_keep_their_spelling(tmp_path):
    frame = read_table(write(tmp_path, "t.csv", table_text()))
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
        "age": "Int64",
        "FIPS": "Int64",
        "price": "float64",
        "active": "object",
    }
    assert set(frame["active"]) == {"true", "false"}
    assert read_table(write(tmp_path, "p.csv", "a\nTrue\nFalse\n"))["a"].dtype == bool


def test_a_round_trip_writes_integers_decimals_and_booleans_as_they_were(tmp_path):
    real = read_table(write(tmp_path, "t.csv", table_text()))
    model = TabularGAN(**TINY).fit(real)
    sample = model.sample(200)
    assert str(sample["age"].dtype) == "Int64" and str(sample["FIPS"].dtype) == "Int64"
    write_table(sample, tmp_path / "out.csv", schema=model.schema_)
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert written["age"].str.fullmatch(r"\d+|").all()
    assert written["FIPS"].str.fullmatch(r"310\d\d|").all() and (written["FIPS"] != "").any()
    assert written["price"].str.fullmatch(r"\d\.\d\d").all()
    assert set(written["active"]) <= {"true", "false"}


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ('x\n"22,29"\n"1,5"\n', [22.29, 1.5]),  # a decimal comma
        ('x\n"28,172"\n"1,234,567"\n12\n', [28172, 1234567, 12]),  # thousands separators
        ('x\n"1,234.5"\n"28,172"\n', [1234.5, 28172.0]),
        ('x\n"1.234,5"\n"2,25"\n', [1234.5, 2.25]),  # dots group, the comma is the decimal mark
    ],
)
def test_numbers_with_commas_are_numbers(tmp_path, text, numbers):
    values = read_table(write(tmp_path, "c.csv", text))["x"]
    assert pd.api.types.is_numeric_dtype(values.dtype)
    assert [None if pd.isna(value) else value for value in values] == numbers


def test_a_semicolon_file_reads_the_comma_as_its_decimal_mark(tmp_path):
    values = read_table(write(tmp_path, "s.csv", "x;y\n28,172;a\n1,5;b\n"))["x"]
    assert values.tolist() == [28.172, 1.5]


def test_text_that_is_not_all_numbers_stays_text(tmp_path):
    assert read_table(write(tmp_path, "t.csv", 'x\n"22,29"\n"a,b"\n'))["x"].tolist() == ["22,29", "a,b"]


def test_comma_decimals_are_learned_as_numbers_not_ids(tmp_path):
    text = "x\n" + "".join(f'"{20 + i % 9},{i:02d}"\n' for i in range(ROWS))
    model = TabularGAN(**TINY).fit(read_table(write(tmp_path, "c.csv", text)))
    assert (model.schema_.columns["x"].type, model.schema_.columns["x"].decimals) == ("numerical", 2)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("a,a,b", r"has a header with 'a' repeated in columns 1, 2 \(of 3\); give every column its own name"),
        (",b,", r"has a header with no name in columns 1, 3 \(of 3\)"),
    ],
)
def test_repeated_or_empty_column_names_are_refused(tmp_path, header, message):
    with pytest.raises(SynthDataError, match=message):
        read_table(write(tmp_path, "h.csv", f"{header}\n1,2,3\n"))


def test_gzip_csv_is_read_and_written_by_its_name(tmp_path):
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(table_text())
    real = read_table(path)
    assert len(real) == ROWS and str(real["age"].dtype) == "Int64"
    write_table(real, tmp_path / "copy.csv.gz", schema=TabularGAN(**TINY).fit(real).schema_)
    with gzip.open(tmp_path / "copy.csv.gz", "rt", encoding="utf-8") as handle:
        assert handle.read() == table_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy.csv.gz", "t.csv.gz"]


def test_a_damaged_gzip_file_is_one_clear_error(tmp_path):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(SynthDataError, match=r"t\.csv\.gz is not a readable gzip file"):
        read_table(path)


def test_a_json_lines_error_names_the_line(tmp_path):
    with pytest.raises(SynthDataError, match=r"b.jsonl, line 3, is not valid JSON Lines"):
        read_table(write(tmp_path, "b.jsonl", '{"a": 1}\n{"a": 2}\n{"a": \n'))
    with pytest.raises(SynthDataError, match=r"l.jsonl, line 2, is not valid JSON Lines"):
        read_table(write(tmp_path, "l.jsonl", '{"a": 1}\n[1, 2]\n'))


def test_sample_writes_decimals_with_their_places(tmp_path):
    model = TabularGAN(**TINY).fit(read_table(write(tmp_path, "t.csv", table_text())))
    model.save(tmp_path / "t.synth")
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["sample", "-m", str(tmp_path / "t.synth"), "-n", "50", "-o", str(output), "-q"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in output.read_text().splitlines()[1:]]
    assert all(len(price.split(".")[1]) == 2 for _, _, price, _ in rows)
    assert {active for *_, active in rows} <= {"true", "false"}
    assert not any("." in age or "." in fips for age, fips, *_ in rows)
