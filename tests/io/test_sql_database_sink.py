"""Writing related tables together: real foreign keys, parents first, all or nothing."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata.errors import SynthDataError
from synthdata.io.catalog import ForeignKey, TableCatalog, read_database_catalog
from synthdata.io.sql_database_sink import open_database_sink
from synthdata.io.sql_source import read_sql
from synthdata.io.sql_url import parse_url

PARENT, CHILD = "sink_parents", "sink_children"
DECLARED = [
    TableCatalog(name=PARENT, columns={}, primary_key=("id",)),
    TableCatalog(
        name=CHILD,
        columns={},
        primary_key=("child_id",),
        foreign_keys=(ForeignKey(("parent_id",), PARENT, ("id",)), ForeignKey(("other_id",), PARENT, ("id",))),
    ),
]


def parents(rows: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"id": range(rows), "name": [f"p{i}" for i in range(rows)]})


def children(parent_ids: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "child_id": [f"c{i}" for i in range(len(parent_ids))],
            "parent_id": parent_ids,
            "other_id": [None] * len(parent_ids),  # all null: still typed like the key it references
        }
    )


def seed(url: str, parent_rows: pd.DataFrame, child_rows: pd.DataFrame, if_exists: str = "fail") -> dict:
    with open_database_sink(url, DECLARED, if_exists=if_exists, verbose=False) as sink:
        sink.write(PARENT, parent_rows)
        sink.write(CHILD, child_rows)
    return sink.rows_written


def tables(url: str) -> set[str]:
    engine = sa.create_engine(parse_url(url))
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names & {PARENT, CHILD}


@pytest.fixture
def empty_url(database_url):
    """Each kind of database, without the two tables before and after the test."""
    yield database_url
    engine = sa.create_engine(parse_url(database_url))
    with engine.begin() as connection:
        for name in (CHILD, PARENT):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {connection.dialect.identifier_preparer.quote(name)}")
    engine.dispose()


def test_tables_are_created_with_their_keys_and_rows(empty_url):
    assert seed(empty_url, parents(), children([0, 0, 3])) == {PARENT: 5, CHILD: 3}
    catalog = read_database_catalog(empty_url)
    assert catalog.order.index(PARENT) < catalog.order.index(CHILD)
    assert catalog.tables[CHILD].primary_key == ("child_id",)
    assert set(catalog.tables[CHILD].foreign_keys) == set(DECLARED[1].foreign_keys)
    assert catalog.tables[CHILD].columns["other_id"].kind == "integer"
    assert read_sql(empty_url, table=CHILD, verbose=False)["parent_id"].tolist() == [0, 0, 3]


def test_a_dangling_reference_writes_no_table(empty_url):
    with pytest.raises(SynthDataError, match=f"cannot write to .*|cannot write table '{CHILD}'"):
        seed(empty_url, parents(), children([0, 9]))
    assert tables(empty_url) == set()


def test_existing_tables_are_refused_appended_to_or_replaced(empty_url):
    seed(empty_url, parents(), children([1]))
    with pytest.raises(SynthDataError, match=f"already holds tables '{PARENT}', '{CHILD}'"):
        seed(empty_url, parents(), children([1]))
    seed(empty_url, parents(2).assign(id=[10, 11]), children([10]).assign(child_id="c10"), if_exists="append")
    assert len(read_sql(empty_url, table=PARENT, verbose=False)) == 7
    if sa.make_url(empty_url).get_backend_name() == "mysql":
        with pytest.raises(SynthDataError, match="cannot replace related tables in one transaction"):
            seed(empty_url, parents(1), children([0]), if_exists="replace")
        return
    seed(empty_url, parents(1), children([0]), if_exists="replace")
    assert len(read_sql(empty_url, table=PARENT, verbose=False)) == 1
    with pytest.raises(SynthDataError):
        seed(empty_url, parents(1), children([5]), if_exists="replace")
    assert len(read_sql(empty_url, table=PARENT, verbose=False)) == 1


def test_children_before_parents_are_refused(empty_url):
    with (
        pytest.raises(SynthDataError, match=f"references {PARENT}\\(id\\), which is not written before it"),
        open_database_sink(empty_url, DECLARED, verbose=False) as sink,
    ):
        sink.write(CHILD, children([0]))
    assert tables(empty_url) == set()


def test_an_interrupt_leaves_nothing(empty_url):
    with pytest.raises(KeyboardInterrupt), open_database_sink(empty_url, DECLARED, verbose=False) as sink:
        sink.write(PARENT, parents())
        raise KeyboardInterrupt
    assert tables(empty_url) == set()


def test_undeclared_tables_and_bad_options_are_refused(sqlite_url):
    with pytest.raises(SynthDataError, match="if_exists must be one of"):
        open_database_sink(sqlite_url, DECLARED, if_exists="merge")
    with (
        pytest.raises(SynthDataError, match="table 'other' was not declared"),
        open_database_sink(sqlite_url, DECLARED, verbose=False) as sink,
    ):
        sink.write("other", parents())


def test_a_table_may_reference_itself(empty_url):
    staff = TableCatalog(
        name=PARENT, columns={}, primary_key=("id",), foreign_keys=(ForeignKey(("boss",), PARENT, ("id",)),)
    )
    rows = pd.DataFrame({"id": [1, 2, 3], "boss": [None, 1, 1]})
    with open_database_sink(empty_url, [staff], verbose=False) as sink:
        sink.write(PARENT, rows)
    assert read_database_catalog(empty_url).tables[PARENT].foreign_keys == staff.foreign_keys
    assert read_database_catalog(empty_url).tables[PARENT].columns["boss"].kind == "integer"
