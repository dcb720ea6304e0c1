"""Database URLs: drivers picked, passwords never shown, errors in one line."""

from __future__ import annotations

import importlib.util

import pytest

from synthdata.errors import SynthDataError
from synthdata.io.sql_url import create_engine, database_errors, masked, parse_url, sqlite_file


@pytest.mark.skipif(importlib.util.find_spec("psycopg2") is not None, reason="psycopg2 is installed")
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_short_postgresql_urls_use_psycopg3(scheme):
    assert parse_url(f"{scheme}://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="mysqlclient is installed")
@pytest.mark.parametrize(("scheme", "expected"), [("mysql", "mysql+pymysql"), ("mariadb", "mariadb+pymysql")])
def test_short_mysql_urls_use_pymysql(scheme, expected):
    assert parse_url(f"{scheme}://root@h/db").drivername == expected


def test_explicit_drivers_are_kept():
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///x.db").drivername == "sqlite"


def test_password_is_masked():
    url = parse_url("postgresql://alice:s3cr%40t@db.example.com:5432/prod")
    assert masked(url) == "postgresql+psycopg://alice:***@db.example.com:5432/prod"


def test_connection_error_names_the_masked_url_and_never_the_password():
    url = parse_url("postgresql://alice:hunter2secret@127.0.0.1:1/prod")
    engine = create_engine(url)
    with pytest.raises(SynthDataError) as caught, database_errors(url, "cannot read from"), engine.connect():
        pass
    message = str(caught.value)
    assert message.startswith("cannot read from postgresql+psycopg://alice:***@127.0.0.1:1/prod: ")
    assert "hunter2secret" not in message
    assert "\n" not in message


def test_password_repeated_by_the_driver_is_scrubbed():
    url = parse_url("sqlite:///x.db").set(password="topsecret")
    with pytest.raises(SynthDataError) as caught, database_errors(url, "cannot write to"):
        import sqlite3

        raise sqlite3.OperationalError("login with topsecret failed\nsecond line")
    assert "topsecret" not in str(caught.value)
    assert str(caught.value).endswith("login with *** failed")


@pytest.mark.parametrize(
    ("text", "message"),
    [("nosuchdb://u@h/x", "unknown database kind 'nosuchdb'"), ("postgresql://u@h:notaport/x", "cannot parse")],
)
def test_bad_urls(text, message):
    with pytest.raises(SynthDataError, match=message):
        create_engine(parse_url(text))


def test_sqlite_file():
    assert str(sqlite_file(parse_url("sqlite:///data/shop.db"))) == "data/shop.db"
    assert sqlite_file(parse_url("sqlite://")) is None
    assert sqlite_file(parse_url("postgresql://h/db")) is None
