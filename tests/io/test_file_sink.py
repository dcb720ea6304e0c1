"""Writing files: formats round-trip, chunks stream, and nothing half-written is ever left."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SynthDataError
from synthdata.io.file_sink import FileSink, StdoutSink
from synthdata.io.file_source import read_file


def assert_same_table(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal values and dtypes, whichever null marker (None or NaN) a format gives text columns."""
    pd.testing.assert_frame_equal(actual.where(actual.notna(), np.nan), expected.where(expected.notna(), np.nan))


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl", ".json"])
def test_real_table_round_trips_in_every_format(tmp_path, patients_path, suffix):
    patients = read_file(patients_path)
    path = tmp_path / f"patients{suffix}"
    with FileSink(path) as sink:
        sink.write(patients)
    assert sink.rows_written == len(patients)
    assert_same_table(read_file(path), patients)
    assert leftovers(tmp_path) == []


def test_zip_codes_are_written_back_as_the_same_text(tmp_path, patients_path):
    with FileSink(tmp_path / "out.csv") as sink:
        sink.write(read_file(patients_path))
    with open(patients_path, newline="") as original, open(tmp_path / "out.csv", newline="") as written:
        before = [row["ZIP"] for row in csv.DictReader(original)]
        after = [row["ZIP"] for row in csv.DictReader(written)]
    assert after == before


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".json"])
def test_chunks_stream_into_one_table(tmp_path, adult, suffix):
    path = tmp_path / f"adult{suffix}"
    with FileSink(path) as sink:
        for start in range(0, len(adult), 5000):
            sink.write(adult.iloc[start : start + 5000])
    pd.testing.assert_frame_equal(read_file(path), adult)


def test_header_is_written_once_and_columns_are_reordered(tmp_path):
    path = tmp_path / "t.csv"
    with FileSink(path) as sink:
        sink.write(pd.DataFrame({"a": [1], "b": ["x"]}))
        sink.write(pd.DataFrame({"b": ["y"], "a": [2]}))
    assert path.read_text() == "a,b\n1,x\n2,y\n"


def test_chunk_with_other_columns_is_refused_and_nothing_written(tmp_path):
    path = tmp_path / "t.csv"
    with pytest.raises(SynthDataError, match=r"missing \['b'\], unexpected \['c'\]"), FileSink(path) as sink:
        sink.write(pd.DataFrame({"a": [1], "b": [2]}))
        sink.write(pd.DataFrame({"a": [1], "c": [2]}))
    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_interrupt_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\nold\n")
    with pytest.raises(KeyboardInterrupt), FileSink(path, if_exists="replace") as sink:
        sink.write(pd.DataFrame({"a": np.arange(100_000)}))
        assert leftovers(tmp_path) != []
        raise KeyboardInterrupt
    assert path.read_text() == "a\nold\n"
    assert leftovers(tmp_path) == []


def test_existing_file_is_not_overwritten_by_default(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\nold\n")
    with pytest.raises(SynthDataError, match=r"t\.csv already exists"):
        FileSink(path)
    assert path.read_text() == "a\nold\n"
    assert leftovers(tmp_path) == []


def test_replace(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    with FileSink(path, if_exists="replace") as sink:
        sink.write(pd.DataFrame({"b": ["x"]}))
    pd.testing.assert_frame_equal(read_file(path), pd.DataFrame({"b": ["x"]}))


def test_append_keeps_the_existing_delimiter(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("zip;n\n01740;1\n")
    with FileSink(path, if_exists="append") as sink:
        sink.write(pd.DataFrame({"n": [2], "zip": ["00000"]}))
    assert path.read_text() == "zip;n\n01740;1\n00000;2\n"


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".json"])
def test_append_to_other_formats(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    first = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    with FileSink(path) as sink:
        sink.write(first)
    with FileSink(path, if_exists="append") as sink:
        sink.write(first)
    pd.testing.assert_frame_equal(read_file(path), pd.concat([first, first], ignore_index=True))


def test_append_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SynthDataError, match=r"missing \['b'\]"), FileSink(path, if_exists="append") as sink:
        sink.write(pd.DataFrame({"a": [3]}))
    assert path.read_text() == "a,b\n1,2\n"


def test_missing_folder(tmp_path):
    with pytest.raises(SynthDataError, match=r"the folder .*nowhere does not exist; create it first"):
        FileSink(tmp_path / "nowhere" / "t.csv")


def test_target_that_is_a_folder(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(SynthDataError, match=r"out\.csv is a folder"):
        FileSink(tmp_path / "out.csv", if_exists="replace")


def test_unwritable_folder(open_folder, unprivileged):
    message = unprivileged(lambda: FileSink(open_folder / "t.csv"))
    assert message.startswith("SynthDataError: cannot write")
    assert "permission denied" in message
    assert list(open_folder.iterdir()) == []


def test_parquet_chunk_with_other_types_is_refused(tmp_path):
    path = tmp_path / "t.parquet"
    with pytest.raises(SynthDataError, match="give every column one type"), FileSink(path) as sink:
        sink.write(pd.DataFrame({"a": [1, 2]}))
        sink.write(pd.DataFrame({"a": ["not a number"]}))
    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_stdout_sink_streams_csv(capsys):
    with StdoutSink() as sink:
        sink.write(pd.DataFrame({"a": [1], "b": ["x, y"]}))
        sink.write(pd.DataFrame({"a": [2], "b": ["z"]}))
    assert capsys.readouterr().out == 'a,b\n1,"x, y"\n2,z\n'


def test_closed_pipe_is_one_line_on_stderr(io_script):
    script = """
import pandas as pd
from synthdata.errors import SynthDataError
from synthdata.io.tables import open_sink
try:
    with open_sink("-") as sink:
        for _ in range(100):
            sink.write(pd.DataFrame({"a": range(10_000)}))
except SynthDataError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
"""
    child = subprocess.Popen(io_script(script), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "a\n"
    child.stdout.close()
    assert child.wait() == 1
    lines = child.stderr.read().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("standard output was closed after")


def test_a_closed_pipe_counts_the_rows_that_reached_it(io_script):
    script = """
import pandas as pd
from synthdata.io.tables import open_sink
try:
    with open_sink("-") as sink:
        for _ in range(100):
            sink.write(pd.DataFrame({"a": range(10_000)}))
except BrokenPipeError as error:
    print(error, file=sys.stderr)
    sys.exit(3)
"""
    child = subprocess.Popen(io_script(script), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [child.stdout.readline() for _ in range(3_000)]
    assert lines[-1] == "2998\n"
    child.stdout.close()
    assert child.wait() == 3
    written = int(child.stderr.read().split(" after ")[1].split(" rows")[0].replace(",", ""))
    assert 2_048 <= written < 1_000_000
