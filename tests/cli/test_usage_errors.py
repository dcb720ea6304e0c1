"""What a user notices first: usage errors exit 2, messages are short and speak the
command line, counts read right, and the commands refuse options that would be ignored."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from synthdata_cli.main import main


def run(folder: Path, *args: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def folder(tmp_path_factory, patients_path) -> Path:
    folder = tmp_path_factory.mktemp("usage")
    shutil.copy(patients_path, folder / "patients.csv")
    result = run(folder, "fit", "patients.csv", "--epochs", "1", "-q")
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize(
    "args, mentions",
    [
        (("fit", "patients.csv", "--batch-size", "15"), "multiple of the pack size"),
        (("fit", "patients.csv", "--max-time", "abc"), "Cannot read the time budget 'abc'"),
        (("fit", "patients.csv", "--device", "tpu"), "Unknown device 'tpu'"),
        (("fit", "patients.csv", "--table", "people"), "--table applies to a database URL"),
        (("schema", "infer", "patients.csv", "--query", "select 1"), "--query applies to a database URL"),
        (
            ("sample", "-m", "patients.synth", "-n", "5", "-o", "x.csv", "--to", "sqlite:///x.db", "--table", "t"),
            "-o and --to",
        ),
        (("sample", "-m", "patients.synth", "--schema", "s.yaml", "-n", "5"), "--schema generates without a model"),
        (("sample", "-n", "5", "-o", "x.csv", "--force", "--if-exists", "append"), "give one of them"),
    ],
)
def test_usage_errors_exit_2_before_any_work(folder, args, mentions):
    result = run(folder, *args)
    assert result.exit_code == 2, result.output
    assert mentions in result.stderr and "Traceback" not in result.stderr


def test_a_format_against_the_file_name_is_refused(folder):
    result = run(folder, "sample", "-n", "5", "-o", "rows.csv", "--format", "parquet", "-q")
    assert result.exit_code == 1 and "named as a csv file but the format asked for is parquet" in result.stderr
    assert not (folder / "rows.csv").exists()


def test_not_equal_and_repeated_conditions_from_the_command_line(folder):
    result = run(folder, "sample", "-n", "40", "-o", "-", "-q", "--where", "GENDER!=M")
    assert result.exit_code == 0, result.output
    genders = {line.split(",")[14] for line in result.stdout.splitlines()[1:]}
    assert genders == {"F"}
    both = run(folder, "sample", "-n", "5", "-o", "-", "--where", "GENDER=M", "--where", "GENDER=F")
    assert both.exit_code == 1 and "cannot be both 'M' and 'F'" in both.stderr
    empty = run(folder, "sample", "-n", "5", "-o", "-", "--where", "LAT=")
    assert empty.exit_code == 1 and "has no value" in empty.stderr


def test_a_data_file_given_as_a_schema_is_not_repeated_in_the_error(adult_path, folder):
    result = run(folder, "schema", "validate", str(adult_path))
    assert result.exit_code == 1
    assert len(result.stderr) < 1_000 and "characters) is not of type 'object'" in result.stderr


def test_counts_read_right(folder):
    info = run(folder, "info", "patients.synth")
    assert "1 epoch in" in info.stdout
    schema = folder / "one.yaml"
    schema.write_text("version: 1\ncolumns:\n  GENDER: {type: categorical}\n")
    (folder / "one.csv").write_text("GENDER,EXTRA\nF,1\n")
    checked = run(folder, "schema", "validate", str(schema), "one.csv")
    assert "1 row, 1 problem:" in checked.stdout
    assert "1 column, 0 constraints" in checked.output


def test_an_existing_table_names_the_command_line_option(folder):
    target = ("sample", "-n", "5", "--to", f"sqlite:///{folder / 'rows.db'}", "--table", "rows", "-q")
    assert run(folder, *target).exit_code == 0
    again = run(folder, *target)
    assert again.exit_code == 1 and "--if-exists append or replace" in again.stderr


def test_info_lists_constraints_and_offers_json(folder):
    schema = folder / "ordered.yaml"
    inferred = run(folder, "schema", "infer", "patients.csv")
    schema.write_text(
        inferred.stdout.split("constraints:")[0] + "constraints:\n  - {type: range, column: LAT, min: 39, max: 44}\n"
    )
    assert (
        run(
            folder, "fit", "patients.csv", "--schema", str(schema), "-o", "ranged.synth", "--epochs", "1", "-q"
        ).exit_code
        == 0
    )
    shown = run(folder, "info", "ranged.synth")
    assert 'constraints:\n  {type: "range", column: "LAT", min: 39, max: 44}' in shown.stdout
    as_json = run(folder, "info", "ranged.synth", "--json")
    document = json.loads(as_json.stdout)
    assert document["constraints"] == [{"type": "range", "column": "LAT", "min": 39, "max": 44}]
    assert document["training"]["epochs_run"] == 1


def test_a_database_model_shows_its_tables_and_sample_points_to_seed(folder):
    database = folder / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.execute("create table customers (id integer primary key, segment text)")
        connection.execute(
            "create table orders (order_id integer primary key, customer_id integer references customers(id), amount real)"
        )
        connection.executemany("insert into customers values (?, ?)", [(i, "ab"[i % 2]) for i in range(1, 41)])
        connection.executemany("insert into orders values (?, ?, ?)", [(i, 1 + i % 40, i * 1.5) for i in range(1, 101)])
    assert run(folder, "fit", f"sqlite:///{database}", "-o", "shop.synth", "--epochs", "1", "-q").exit_code == 0
    shown = run(folder, "info", "shop.synth")
    assert shown.exit_code == 0, shown.output
    assert "2 tables, 140 rows learned" in shown.stdout and "orders.customer_id -> customers.id" in shown.stdout
    sampled = run(folder, "sample", "-m", "shop.synth", "-n", "5", "-o", "x.csv")
    assert sampled.exit_code == 1 and "is a database model" in sampled.stderr and "synthdata seed" in sampled.stderr


def test_a_closed_pipe_ends_quietly_after_rows_were_written(folder):
    command = f"{sys.executable} -m synthdata_cli sample -m patients.synth -n 300000 -o - -q | head -3"
    result = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=300)
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


def test_dirty_rows_load_into_mariadb(folder, mariadb_url):
    args = ("-m", "patients.synth", "-n", "300", "--dirty", "0.3", "--to", mariadb_url, "--table", "dirty", "-q")
    result = run(folder, "sample", *args)
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(mariadb_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM dirty").scalar() == 300
        assert connection.exec_driver_sql("SELECT count(*) FROM dirty WHERE LAT IS NULL").scalar() > 0
    engine.dispose()
