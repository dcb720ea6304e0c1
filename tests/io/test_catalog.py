"""Catalog facts read the same way from SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from synthdata.errors import SynthDataError
from synthdata.io.catalog import ForeignKey, TableCatalog, read_catalog, read_database_catalog
from synthdata.io.sql_url import parse_url


def test_column_types_and_constraints(shop_url):
    customers = read_catalog(shop_url, "customers")
    columns = customers.columns
    assert list(columns) == ["id", "code", "balance", "active", "born", "seen", "visits", "note"]
    assert customers.primary_key == ("id",)
    assert columns["id"].primary_key and columns["id"].unique and not columns["id"].nullable
    assert columns["code"].kind == "string" and columns["code"].length == 12
    assert not columns["code"].nullable and columns["code"].unique
    assert (columns["balance"].kind, columns["balance"].precision, columns["balance"].scale) == ("decimal", 10, 2)
    assert columns["active"].kind == "boolean"
    assert columns["born"].kind == "date"
    assert columns["seen"].kind == "timestamp" and not columns["seen"].timezone
    assert columns["visits"].kind == "integer" and columns["visits"].nullable
    assert columns["note"].kind == "string" and columns["note"].length is None


def test_foreign_keys_and_composite_unique(shop_url):
    orders = read_catalog(shop_url, "orders")
    assert orders.foreign_keys == (ForeignKey(("customer_id",), "customers", ("id",)),)
    assert orders.columns["customer_id"].references == "customers.id"
    assert ("customer_id", "amount") in orders.unique
    assert not orders.columns["customer_id"].unique
    assert orders.to_dict()["columns"]["amount"]["kind"] == "float"


def test_database_catalog_lists_parents_first(shop_url):
    catalog = read_database_catalog(shop_url)
    assert {"customers", "orders"} <= set(catalog.tables)
    assert catalog.order.index("customers") < catalog.order.index("orders")
    assert catalog.tables["orders"].columns["customer_id"].references == "customers.id"


def test_missing_table_lists_the_tables(shop_url):
    with pytest.raises(SynthDataError, match=r"no table 'custmers' in .*; its tables are .*'customers'"):
        read_catalog(shop_url, "custmers")


def test_sqlite_unique_written_on_the_column(sqlite_url):
    engine = sa.create_engine(parse_url(sqlite_url))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE people (id INTEGER PRIMARY KEY, ssn TEXT UNIQUE, name TEXT)")
    engine.dispose()
    columns = read_catalog(sqlite_url, "people").columns
    assert columns["ssn"].unique and not columns["name"].unique


@pytest.mark.db
def test_mariadb_boolean_is_tinyint_one(mariadb_url, table_name):
    engine = sa.create_engine(parse_url(mariadb_url))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE {table_name} (flag BOOLEAN, small TINYINT)")
    engine.dispose()
    columns = read_catalog(mariadb_url, table_name).columns
    assert (columns["flag"].kind, columns["small"].kind) == ("boolean", "integer")


@pytest.mark.db
def test_postgresql_timezones_and_enums(postgresql_url, table_name):
    engine = sa.create_engine(parse_url(postgresql_url))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TYPE mood_{table_name} AS ENUM ('sad', 'ok', 'happy')")
        connection.exec_driver_sql(f"CREATE TABLE {table_name} (at timestamptz, mood mood_{table_name})")
    engine.dispose()
    columns = read_catalog(postgresql_url, table_name).columns
    assert columns["at"].kind == "timestamp" and columns["at"].timezone
    assert columns["mood"].values == ("sad", "ok", "happy")


def test_table_catalog_round_trips_through_plain_data(shop_url):
    for table in ("customers", "orders"):
        catalog = read_catalog(shop_url, table)
        assert TableCatalog.from_dict(json.loads(json.dumps(catalog.to_dict()))) == catalog


def test_a_missing_sqlite_file_is_named_and_not_created(tmp_path):
    missing = tmp_path / "absent.db"
    for read in (lambda url: read_catalog(url, "t"), read_database_catalog):
        with pytest.raises(SynthDataError, match=f"the SQLite file {missing} does not exist"):
            read(f"sqlite:///{missing}")
    assert not missing.exists()
