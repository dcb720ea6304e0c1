"""The pytest plugin (synthdata/testing.py), run by pytester as a user's suite would run it.

The inner sessions load the plugin by name with autoloading off, so they see it exactly
once whether or not the installed metadata registers the entry point. The database
tests seed a two-table model (customers, their orders) into SQLite, and into fresh
databases on the PostgreSQL and MariaDB servers, and check every foreign key there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from synthdata import DatabaseSynthesizer
from tests.conftest import make_shop_database

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
ORDERS_SCHEMA = REPO / "schemas" / "ecommerce_orders.yaml"

# What each inner test reports back: the URL it was given and the rows of each table,
# checked there while the database still exists.
INNER_DATABASE_TEST = """
import json
import sqlalchemy as sa

def test_seeded(synthdata_database):
    url = synthdata_database({model!r}{url_argument})
    assert synthdata_database({model!r}{url_argument}) == url  # seeded once per session
    engine = sa.create_engine(url)  # the URL names its driver
    with engine.connect() as connection:
        counts = {{name: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {{name}}").scalar()
                  for name in ("customers", "orders")}}
        orphans = connection.exec_driver_sql(
            "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON o.customer_id = c.id WHERE c.id IS NULL"
        ).scalar()
        keys = sa.inspect(connection).get_foreign_keys("orders")
    engine.dispose()
    with open({report!r}, "w") as file:
        json.dump({{"url": url, "counts": counts, "orphans": orphans, "keys": keys}}, file)
"""


@pytest.fixture(scope="module")
def shop_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database model of customers and their orders, fitted in a second (one epoch)."""
    folder = tmp_path_factory.mktemp("shop")
    url = make_shop_database(folder / "shop.db")
    model = DatabaseSynthesizer(epochs=1, refine=False, redraw=False, device="cpu", verbose=False).fit(url)
    return model.save(folder / "shop.synth")


def run_inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *options: str) -> pytest.RunResult:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return pytester.runpytest("-p", "synthdata.testing", "-q", *options)


def test_rows_are_deterministic_cached_and_follow_the_seed_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = tmp_path / "rows.json"
    pytester.makepyfile(
        f"""
        import json

        def test_rows(synthdata_rows):
            first = synthdata_rows({str(ORDERS_SCHEMA)!r}, 40)
            first.loc[0, "status"] = "changed by the test"
            again = synthdata_rows({str(ORDERS_SCHEMA)!r}, 40)
            other = synthdata_rows({str(ORDERS_SCHEMA)!r}, 40, seed=7)
            assert len(first) == 40 and again.loc[0, "status"] != "changed by the test"
            with open({str(report)!r}, "w") as file:
                json.dump({{"rows": again.astype(str).values.tolist(), "other": other.astype(str).values.tolist()}}, file)
        """
    )
    run_inner(pytester, monkeypatch).assert_outcomes(passed=1)
    default = json.loads(report.read_text())
    run_inner(pytester, monkeypatch).assert_outcomes(passed=1)
    assert json.loads(report.read_text()) == default  # same rows in a second session
    assert default["rows"] != default["other"]
    run_inner(pytester, monkeypatch, "--synthdata-seed", "7").assert_outcomes(passed=1)
    assert json.loads(report.read_text())["rows"] == default["other"]  # the option is the default seed


def test_rows_refuse_a_database_model_with_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, shop_model: Path
) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        from synthdata import SynthDataError

        def test_rows(synthdata_rows):
            with pytest.raises(SynthDataError, match="use synthdata_database"):
                synthdata_rows({str(shop_model)!r}, 10)
        """
    )
    run_inner(pytester, monkeypatch).assert_outcomes(passed=1)


def _seed_and_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, model: Path, report: Path, *options: str, url: str = ""
) -> dict:
    url_argument = f", url={url!r}" if url else ""
    pytester.makepyfile(INNER_DATABASE_TEST.format(model=str(model), url_argument=url_argument, report=str(report)))
    run_inner(pytester, monkeypatch, *options).assert_outcomes(passed=1)
    seeded = json.loads(report.read_text())
    assert seeded["counts"]["customers"] == 80 and seeded["counts"]["orders"] > 0
    assert seeded["orphans"] == 0
    assert [(key["constrained_columns"], key["referred_table"]) for key in seeded["keys"]] == [
        (["customer_id"], "customers")
    ]
    return seeded


def test_database_is_a_throwaway_sqlite_file_by_default(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, shop_model: Path, tmp_path: Path
) -> None:
    seeded = _seed_and_check(pytester, monkeypatch, shop_model, tmp_path / "seeded.json")
    assert seeded["url"].startswith("sqlite:///")
    seeded_file = Path(seeded["url"].removeprefix("sqlite:///"))
    assert seeded_file.parent.name.startswith("synthdata_database")  # in the session's temporary folder


def _database_exists(server_url: str, url: str) -> bool:
    name = sa.make_url(url).database
    engine = sa.create_engine(server_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                found = connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name})
            else:
                found = connection.exec_driver_sql("SHOW DATABASES LIKE %(n)s", {"n": name})
            return found.first() is not None
    finally:
        engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize("server", ["postgresql_url", "mariadb_url"])
@pytest.mark.parametrize("given_by", ["option", "argument"])
def test_database_on_a_server_is_fresh_and_dropped_at_the_end(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    shop_model: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    server: str,
    given_by: str,
) -> None:
    server_url = request.getfixturevalue(server)
    report = tmp_path / "seeded.json"
    if given_by == "option":
        seeded = _seed_and_check(pytester, monkeypatch, shop_model, report, "--synthdata-url", server_url)
    else:
        seeded = _seed_and_check(pytester, monkeypatch, shop_model, report, url=server_url)
    assert sa.make_url(seeded["url"]).database.startswith("synthdata_test_")
    assert sa.make_url(seeded["url"]).database != sa.make_url(server_url).database
    assert not _database_exists(server_url, seeded["url"])


def test_database_from_a_schema_seeds_its_table(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = tmp_path / "schema.json"
    pytester.makepyfile(
        f"""
        import json
        import sqlalchemy as sa

        def test_seeded(synthdata_database):
            url = synthdata_database({str(ORDERS_SCHEMA)!r}, scale=0.05)
            engine = sa.create_engine(url)
            with engine.connect() as connection:
                count = connection.exec_driver_sql("SELECT COUNT(*) FROM orders").scalar()
            engine.dispose()
            with open({str(report)!r}, "w") as file:
                json.dump({{"count": count}}, file)
        """
    )
    run_inner(pytester, monkeypatch).assert_outcomes(passed=1)
    assert json.loads(report.read_text()) == {"count": 50}


def test_a_url_that_is_not_a_server_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        f"""
        def test_seeded(synthdata_database):
            synthdata_database({str(ORDERS_SCHEMA)!r}, url="sqlite:///elsewhere.db")
        """
    )
    result = run_inner(pytester, monkeypatch)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*must be a PostgreSQL or MariaDB server, not sqlite*"])


def test_the_options_are_listed_in_help(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_inner(pytester, monkeypatch, "--help")
    result.stdout.fnmatch_lines(["*--synthdata-seed=*", "*--synthdata-url=*"])
