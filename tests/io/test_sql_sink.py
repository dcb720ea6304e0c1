"""Writing to databases: round trips, hostile names, all-or-nothing, declared types, masked passwords."""

from __future__ import annotations

import signal
import subprocess

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata.errors import SynthDataError
from synthdata.io.catalog import read_catalog
from synthdata.io.sql_sink import SqlSink
from synthdata.io.sql_source import read_sql
from synthdata.io.sql_url import parse_url
from synthdata.io.tables import open_sink, write_table
from synthdata.schema import Schema

HOSTILE_TABLES = ['x"; DROP TABLE y; --', "Robert'); --"]
HOSTILE_COLUMN = 'x"; DROP TABLE y; --'


def sample_frame(rows: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": np.arange(rows, dtype=np.int64),
            "visits": pd.array(np.where(np.arange(rows) % 5 == 0, None, rng.integers(0, 9, rows)), dtype="Int64"),
            "amount": np.where(np.arange(rows) % 7 == 0, np.nan, rng.normal(50, 10, rows).round(2)),
            "active": np.arange(rows) % 3 == 0,
            "seen": pd.Timestamp("2024-01-01 08:30:00.250") + pd.to_timedelta(np.arange(rows), unit="min"),
            "note": [["", None, 'a, "quoted"\nline', "Robert'); --", "\\N", "plain"][i % 6] for i in range(rows)],
            HOSTILE_COLUMN: [f"v{i}" for i in range(rows)],
        }
    )


def read_back(url: str, table: str) -> pd.DataFrame:
    return read_sql(url, table=table, verbose=False).sort_values("id").reset_index(drop=True)


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(parse_url(url))
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def execute(url: str, statement: str) -> None:
    engine = sa.create_engine(parse_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


def test_new_table_round_trips_values_and_dtypes(database_url, table_name):
    frame = sample_frame()
    assert write_table(frame, database_url, table=table_name, verbose=False) == len(frame)
    pd.testing.assert_frame_equal(read_back(database_url, table_name), frame)


@pytest.mark.parametrize("hostile", HOSTILE_TABLES)
def test_hostile_names_round_trip_and_touch_nothing_else(database_url, hostile):
    execute(database_url, "CREATE TABLE y (keep INTEGER)")
    execute(database_url, "INSERT INTO y VALUES (1)")
    before = table_names(database_url)
    frame = sample_frame(50)
    write_table(frame, database_url, table=hostile, verbose=False)
    write_table(frame, database_url, table=hostile, if_exists="append", verbose=False)
    write_table(frame, database_url, table=hostile, if_exists="replace", verbose=False)
    pd.testing.assert_frame_equal(read_back(database_url, hostile), frame)
    assert table_names(database_url) == before | {hostile}
    assert read_sql(database_url, table="y", verbose=False)["keep"].tolist() == [1]
    execute(database_url, "DROP TABLE y")


def test_existing_table_is_refused_by_default(database_url, table_name):
    write_table(sample_frame(10), database_url, table=table_name, verbose=False)
    with pytest.raises(SynthDataError, match=f"table '{table_name}' already exists in .*--if-exists append"):
        write_table(sample_frame(20), database_url, table=table_name, verbose=False)
    assert len(read_back(database_url, table_name)) == 10


def test_append_adds_rows_and_refuses_unknown_columns(database_url, table_name):
    frame = sample_frame(10)
    write_table(frame, database_url, table=table_name, verbose=False)
    write_table(frame[["id", "note"]], database_url, table=table_name, if_exists="append", verbose=False)
    read = read_back(database_url, table_name)
    assert len(read) == 20 and read["amount"].isna().sum() == 10 + 2
    with pytest.raises(SynthDataError, match=r"has no columns \['extra'\]"):
        write_table(frame.assign(extra=1), database_url, table=table_name, if_exists="append", verbose=False)
    assert len(read_back(database_url, table_name)) == 20


def test_replace_swaps_in_the_new_rows_and_leaves_no_staging_table(database_url, table_name):
    before = table_names(database_url)
    write_table(sample_frame(10), database_url, table=table_name, verbose=False)
    replacement = pd.DataFrame({"id": [7, 8], "label": ["new", "rows"]})
    write_table(replacement, database_url, table=table_name, if_exists="replace", verbose=False)
    pd.testing.assert_frame_equal(read_back(database_url, table_name), replacement)
    assert table_names(database_url) == before | {table_name}


def keyed_by_id() -> Schema:
    schema = Schema.infer(sample_frame(10))
    schema.primary_key = "id"
    return schema


@pytest.mark.parametrize("if_exists", ["fail", "append", "replace"])
def test_a_failure_part_way_writes_nothing(database_url, table_name, if_exists):
    before = table_names(database_url)
    if if_exists != "fail":
        write_table(sample_frame(10), database_url, table=table_name, schema=keyed_by_id(), verbose=False)
    with (
        pytest.raises(SynthDataError, match=f"cannot write table '{table_name}' to "),
        open_sink(database_url, table=table_name, if_exists=if_exists, schema=keyed_by_id(), verbose=False) as sink,
    ):
        rows = sample_frame(300).assign(id=np.arange(1000, 1300))
        sink.write(rows)
        sink.write(rows)  # the same ids again: a primary key violation
    if if_exists == "fail":
        assert table_names(database_url) == before
    else:
        assert len(read_back(database_url, table_name)) == 10
        assert table_names(database_url) == before | {table_name}


def test_an_interrupt_keeps_the_old_rows(database_url, table_name):
    write_table(sample_frame(10), database_url, table=table_name, verbose=False)
    before = table_names(database_url)
    with (
        pytest.raises(KeyboardInterrupt),
        open_sink(database_url, table=table_name, if_exists="replace", verbose=False) as sink,
    ):
        sink.write(sample_frame(1000))
        raise KeyboardInterrupt
    pd.testing.assert_frame_equal(read_back(database_url, table_name), sample_frame(10))
    assert table_names(database_url) == before


def test_declared_types_come_from_a_catalog(shop_url, table_name):
    customers = read_sql(shop_url, table="customers", verbose=False)
    catalog = read_catalog(shop_url, "customers")
    write_table(customers, shop_url, table=table_name, schema=catalog, verbose=False)
    copy = read_catalog(shop_url, table_name).columns
    assert copy["code"].length == 12 and not copy["code"].nullable and copy["code"].unique
    assert copy["id"].primary_key
    assert (copy["balance"].precision, copy["balance"].scale) == (10, 2)
    assert copy["born"].kind == "date"


def test_replace_keeps_the_declared_types_of_the_old_table(shop_url, table_name):
    customers = read_sql(shop_url, table="customers", verbose=False)
    write_table(customers, shop_url, table=table_name, schema=read_catalog(shop_url, "customers"), verbose=False)
    write_table(customers.head(5), shop_url, table=table_name, if_exists="replace", verbose=False)
    replaced = read_catalog(shop_url, table_name)
    assert replaced.primary_key == ("id",) and replaced.columns["code"].length == 12


def test_primary_key_from_a_schema(database_url, table_name):
    frame = pd.DataFrame({"order_id": ["A-1", "A-2"], "qty": [1, 2]})
    schema = Schema.infer(frame)
    schema.primary_key = "order_id"
    write_table(frame, database_url, table=table_name, schema=schema, verbose=False)
    assert read_catalog(database_url, table_name).primary_key == ("order_id",)


@pytest.mark.db
def test_password_is_masked_in_descriptions_and_errors(postgresql_url, table_name):
    url = parse_url(postgresql_url).set(password="VerySecret123")
    text = url.render_as_string(hide_password=False)
    write_table(sample_frame(3), text, table=table_name, verbose=False)
    with pytest.raises(SynthDataError) as caught:
        write_table(sample_frame(3), text, table=table_name, verbose=False)
    assert "VerySecret123" not in str(caught.value) and ":***@" in str(caught.value)
    with pytest.raises(SynthDataError) as caught:
        read_sql(text, table="nosuchtable", verbose=False)
    assert "VerySecret123" not in str(caught.value) and ":***@" in str(caught.value)
    sink = SqlSink(text, table=table_name, if_exists="append", verbose=False)
    sink.abort()
    assert "VerySecret123" not in sink.description and ":***@" in sink.description


@pytest.mark.parametrize(
    ("options", "message"),
    [({}, "needs the name of the table"), ({"table": "t", "fmt": "csv"}, "does not apply to a database")],
)
def test_bad_database_write_options(sqlite_url, options, message):
    with pytest.raises(SynthDataError, match=message):
        open_sink(sqlite_url, **options)


def test_duplicate_column_names_are_refused(sqlite_url):
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(SynthDataError, match=r"columns \['a'\] appear more than once"):
        write_table(frame, sqlite_url, table="t", verbose=False)


# The writer that gets killed: it replaces the table chunk by chunk and reports each chunk.
KILLED_WRITER = """
import numpy as np, pandas as pd
from synthdata.io.tables import open_sink
url, table, chunks, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open_sink(url, table=table, if_exists="replace", verbose=False) as sink:
    for index in range(chunks):
        sink.write(pd.DataFrame({"id": np.arange(index * rows, (index + 1) * rows), "label": "new"}))
        print(index, flush=True)
"""


def test_a_killed_writer_leaves_the_old_rows_or_the_new_never_a_part(database_url, table_name, io_script):
    old = pd.DataFrame({"id": np.arange(100), "label": "old"})
    write_table(old, database_url, table=table_name, verbose=False)
    before = table_names(database_url)
    writer = subprocess.Popen(
        io_script(KILLED_WRITER, database_url, table_name, "20", "20000"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported = [writer.stdout.readline() for _ in range(2)]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert reported == ["0\n", "1\n"], writer.stderr.read()
    assert writer.returncode == -signal.SIGKILL, "the writer finished before it could be killed mid-way"
    read = read_back(database_url, table_name)
    pd.testing.assert_frame_equal(read, old)
    # MySQL commits DDL on its own, so a killed load can leave its staging table behind; never the target.
    leftovers = table_names(database_url) - before
    assert all(name.startswith("_synthdata_") for name in leftovers)
    for name in leftovers:
        execute(database_url, f"DROP TABLE {name}")
