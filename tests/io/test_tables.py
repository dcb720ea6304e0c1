"""The public entry points route every kind of source and target, and refuse bad options clearly."""

from __future__ import annotations

import pandas as pd
import pytest

import synthdata
from synthdata.errors import SynthDataError
from synthdata.io import is_database_url, open_sink, read_table, write_table


def test_exported_from_the_package():
    assert synthdata.read_table is read_table
    assert synthdata.write_table is write_table
    assert synthdata.open_sink is open_sink


def test_dataframe_passes_through(adult):
    assert read_table(adult) is adult


def test_max_rows_samples_files_and_frames_alike(adult_path, adult):
    from_file = read_table(adult_path, max_rows=1000, seed=4)
    from_frame = read_table(adult, max_rows=1000, seed=4)
    pd.testing.assert_frame_equal(from_file, from_frame)
    assert len(from_file) == 1000
    assert not from_file.equals(read_table(adult_path, max_rows=1000, seed=5))


def test_path_given_as_string_or_path(patients_path):
    pd.testing.assert_frame_equal(read_table(str(patients_path)), read_table(patients_path))


@pytest.mark.parametrize("option", [{"table": "t"}, {"query": "select 1"}])
def test_database_options_on_a_file_are_refused(patients_path, option):
    with pytest.raises(SynthDataError, match="only applies to database URLs"):
        read_table(patients_path, **option)


def test_source_of_the_wrong_type():
    with pytest.raises(SynthDataError, match="expected a file path, a database URL or a DataFrame, not int"):
        read_table(42)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sqlite:///shop.db", True),
        ("postgresql+psycopg://u:p@h/db", True),
        ("mysql://root@127.0.0.1/test", True),
        ("data/shop.csv", False),
        ("C:\\data\\shop.csv", False),
        ("-", False),
    ],
)
def test_database_urls_are_told_from_paths(text, expected):
    assert is_database_url(text) is expected


def test_write_table_returns_rows_and_round_trips(tmp_path, patients_path):
    patients = read_table(patients_path)
    assert write_table(patients, tmp_path / "p.jsonl") == len(patients)
    pd.testing.assert_frame_equal(read_table(tmp_path / "p.jsonl"), patients)


def test_dash_means_csv_on_standard_output(capsys):
    write_table(pd.DataFrame({"zip": ["01740"]}), "-")
    assert capsys.readouterr().out == "zip\n01740\n"


def test_format_given_explicitly(tmp_path):
    path = tmp_path / "rows.out"
    with open_sink(path, fmt="jsonl") as sink:
        sink.write(pd.DataFrame({"a": [1]}))
    assert path.read_text() == '{"a":1}\n'


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: write_table(pd.DataFrame({"a": [1]}), p, if_exists="overwrite"), "if_exists must be one of"),
        (lambda p: write_table([1, 2], p), "takes a pandas DataFrame, not list"),
        (lambda p: open_sink(p, fmt="xlsx"), "unknown file format 'xlsx'"),
        (lambda p: open_sink("-", fmt="parquet"), "standard output takes CSV only"),
        (lambda p: open_sink(p, table="t"), "only applies to database URLs"),
    ],
)
def test_bad_write_options(tmp_path, call, message):
    with pytest.raises(SynthDataError, match=message):
        call(tmp_path / "out.csv")
