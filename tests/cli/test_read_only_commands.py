"""`fit URL --query` and `schema infer URL --query` refuse a query that writes, in one line, and the table stays."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from synthdata.io.sql_url import parse_url
from synthdata_cli.main import main


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.db)])
def victim(request, tmp_path) -> str:
    """A database (MariaDB ran these queries before) holding a table `victim` of 50 rows."""
    url = f"sqlite:///{tmp_path / 'source.db'}" if request.param == "sqlite" else request.getfixturevalue("mariadb_url")
    engine = sa.create_engine(parse_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS victim")
        connection.exec_driver_sql("CREATE TABLE victim (id int, name varchar(10))")
        connection.execute(
            sa.text("INSERT INTO victim VALUES (:id, :name)"), [{"id": i, "name": f"n{i}"} for i in range(50)]
        )
    engine.dispose()
    return url


def rows(url: str) -> int:
    engine = sa.create_engine(parse_url(url))
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM victim").scalar()
    engine.dispose()
    return count


@pytest.mark.parametrize(
    "arguments",
    [
        ["fit", "{url}", "--query", "DROP TABLE victim", "-o", "{model}", "--epochs", "1", "-q"],
        ["fit", "{url}", "--query", "delete from victim returning *", "-o", "{model}", "--epochs", "1", "-q"],
        ["schema", "infer", "{url}", "--query", "TRUNCATE victim"],
    ],
    ids=["fit-drop", "fit-delete-returning", "infer-truncate"],
)
def test_a_writing_query_exits_1_in_one_line_and_the_table_stays(victim, tmp_path, arguments):
    model = tmp_path / "victim.synth"
    filled = [argument.format(url=victim, model=model) for argument in arguments]
    result = CliRunner().invoke(main, filled, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("synthdata: error: the query starts with")
    assert rows(victim) == 50
    assert not model.exists()
