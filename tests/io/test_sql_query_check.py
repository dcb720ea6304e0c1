"""The query check reads SQL the way each server's lexer does, and lets through only one statement that reads."""

from __future__ import annotations

import pytest

from synthdata.errors import SynthDataError
from synthdata.io.sql_query_check import checked_read_query

READS = [
    ("sqlite", "select 1", "select 1"),
    ("sqlite", "SELECT a FROM t;  -- done\n", "SELECT a FROM t"),
    ("sqlite", " (select 1) union (select 2)", " (select 1) union (select 2)"),
    ("sqlite", "values (1), (2)", "values (1), (2)"),
    ("sqlite", "select [delete] from t", "select [delete] from t"),
    ("postgresql", "SELECT 'a;b', 'drop table t' FROM t", "SELECT 'a;b', 'drop table t' FROM t"),
    ("postgresql", 'select "delete", "into" from t', 'select "delete", "into" from t'),
    (
        "postgresql",
        "with recent as (select * from t) select * from recent",
        "with recent as (select * from t) select * from recent",
    ),
    ("postgresql", "select E'it\\'s; drop table t' from t", "select E'it\\'s; drop table t' from t"),
    ("postgresql", "select $$;drop table t$$, $body$ ; $body$", "select $$;drop table t$$, $body$ ; $body$"),
    ("postgresql", "select /* a /* nested */ ; */ 1", "select /* a /* nested */ ; */ 1"),
    (
        "postgresql",
        "select substring(code from 1 for 2), a$b from t",
        "select substring(code from 1 for 2), a$b from t",
    ),
    ("mysql", "select 'it\\'s; drop table t' from t", "select 'it\\'s; drop table t' from t"),
    ("mysql", "select `a;b` from t # ; drop table t\n", "select `a;b` from t # ; drop table t\n"),
    ("mariadb", 'select "a;b" from t', 'select "a;b" from t'),
]


@pytest.mark.parametrize(("dialect", "query", "sent"), READS)
def test_a_single_select_passes_without_its_closing_semicolon(dialect, query, sent):
    assert checked_read_query(query, dialect) == sent


REFUSED = [
    ("mysql", "DROP TABLE victim", "starts with DROP"),
    ("mysql", "TRUNCATE v3", "starts with TRUNCATE"),
    ("mariadb", "delete from mi returning *", "starts with DELETE"),
    ("sqlite", "ATTACH DATABASE 'evil.db' AS e", "starts with ATTACH"),
    ("sqlite", "VACUUM INTO 'copy.db'", "starts with VACUUM"),
    ("sqlite", "pragma journal_mode = wal", "starts with PRAGMA"),
    ("postgresql", "select 1; drop table t", "more than one statement"),
    ("sqlite", "select 1;;", "more than one statement"),
    ("postgresql", "with gone as (delete from t returning *) select * from gone", "contains DELETE"),
    ("postgresql", "with x as (insert into t values (1) returning *) select * from x", "contains INSERT"),
    ("postgresql", "select * into copy from t", "contains INTO"),
    ("mysql", "select * from t into outfile '/tmp/t.csv'", "contains INTO"),
    ("postgresql", "select * from t for update", "contains UPDATE"),
    ("postgresql", "select * from t for share", "contains FOR SHARE"),
    ("mysql", "select * from t lock in share mode", "contains LOCK IN"),
    # The server reads these quotes and comments differently from the other dialects: the ';' is real.
    ("postgresql", "select 'it\\'; drop table t; --'", "more than one statement"),
    ("postgresql", "select 1 # 2; drop table t", "more than one statement"),
    ("sqlite", "select /* a /* b */ ; drop table t */ 1", "more than one statement"),
    ("mysql", "select 1--1; drop table t", "more than one statement"),
    ("mysql", "select 1 /*! ; drop table t */", "executable comment"),
    ("mariadb", "select 1 /*M!100000 ; drop table t */", "executable comment"),
    ("sqlite", "select 'unterminated", "unterminated string"),
    ("postgresql", "select $tag$ never closed", "unterminated dollar-quoted"),
    ("postgresql", "select /* open", "unterminated /\\* comment"),
    ("sqlite", "  -- nothing\n", "empty"),
]


@pytest.mark.parametrize(("dialect", "query", "reason"), REFUSED)
def test_anything_but_one_reading_statement_is_refused_in_one_line(dialect, query, reason):
    with pytest.raises(SynthDataError, match=reason) as caught:
        checked_read_query(query, dialect)
    assert "\n" not in str(caught.value)
