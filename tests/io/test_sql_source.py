"""Reading tables and queries from databases: dtypes, bounded samples, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata.errors import SynthDataError
from synthdata.io.sql_source import read_sql
from synthdata.io.sql_url import parse_url


def sorted_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.sort_values(column).reset_index(drop=True)


def test_table_reads_with_settled_dtypes(shop_url):
    customers = sorted_by(read_sql(shop_url, table="customers", verbose=False), "id")
    assert len(customers) == 2_000
    dtypes = customers.dtypes.astype(str).to_dict()
    assert dtypes == {
        "id": "int64",
        "code": "object",
        "balance": "float64",
        "active": "boolean",
        "born": "datetime64[ns]",
        "seen": "datetime64[ns]",
        "visits": "Int64",
        "note": "object",
    }
    row = customers.iloc[11]
    assert (row["code"], row["balance"], row["visits"]) == ("C00011", 2.75, 11)
    assert row["born"] == pd.Timestamp("1950-05-02")
    assert customers["visits"].isna().sum() == 400
    assert row["note"].startswith("line one\nline two, with 'quotes'")
    assert customers["active"].isna().sum() == len(range(0, 2_000, 7))


def test_real_table_round_trips(database_url, adult, table_name):
    part = adult.head(3_000)
    engine = sa.create_engine(parse_url(database_url))
    part.to_sql(table_name, engine, index=False)
    engine.dispose()
    read = read_sql(database_url, table=table_name, verbose=False)
    columns = list(part.columns)
    pd.testing.assert_frame_equal(
        read.sort_values(columns).reset_index(drop=True), part.sort_values(columns).reset_index(drop=True)
    )


def test_max_rows_gives_a_bounded_deterministic_sample(shop_url):
    first = read_sql(shop_url, table="customers", max_rows=150, seed=3, chunk_rows=128, verbose=False)
    again = read_sql(shop_url, table="customers", max_rows=150, seed=3, chunk_rows=128, verbose=False)
    other = read_sql(shop_url, table="customers", max_rows=150, seed=4, chunk_rows=128, verbose=False)
    assert len(first) == 150 and first["id"].is_unique
    assert set(first["id"]) <= set(range(2_000))
    pd.testing.assert_frame_equal(first, again)
    assert set(first["id"]) != set(other["id"])
    assert first.dtypes.equals(read_sql(shop_url, table="customers", verbose=False).dtypes)


def test_query_results_get_dates_and_numbers(shop_url):
    frame = read_sql(
        shop_url,
        query="SELECT c.code, c.born, c.balance, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id "
        "WHERE o.amount < 30",
        verbose=False,
    )
    assert len(frame) == 20
    assert pd.api.types.is_datetime64_any_dtype(frame["born"]) or shop_url.startswith("sqlite")
    assert frame["balance"].dtype == np.float64
    assert frame["amount"].dtype == np.float64


def test_missing_table_names_the_tables_there(shop_url):
    with pytest.raises(SynthDataError, match=r"no table 'clients' in .*its tables are .*'customers'"):
        read_sql(shop_url, table="clients", verbose=False)


def test_empty_table(database_url, table_name):
    engine = sa.create_engine(parse_url(database_url))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE {table_name} (a INTEGER)")
    engine.dispose()
    with pytest.raises(SynthDataError, match=f"table '{table_name}' in .* has no rows"):
        read_sql(database_url, table=table_name, verbose=False)


def test_bad_query_is_one_clear_line(shop_url):
    with pytest.raises(SynthDataError) as caught:
        read_sql(shop_url, query="SELECT nosuchcolumn FROM customers", verbose=False)
    message = str(caught.value)
    assert message.startswith("cannot read from ")
    assert "nosuchcolumn" in message and "\n" not in message


@pytest.mark.parametrize("options", [{}, {"table": "customers", "query": "SELECT 1"}])
def test_table_or_query(sqlite_url, options):
    with pytest.raises(SynthDataError, match="either a table or a query"):
        read_sql(sqlite_url, **options)


def test_missing_sqlite_file_is_not_created(tmp_path):
    path = tmp_path / "nothere.db"
    with pytest.raises(SynthDataError, match=r"nothere\.db does not exist"):
        read_sql(f"sqlite:///{path}", table="t")
    assert not path.exists()
