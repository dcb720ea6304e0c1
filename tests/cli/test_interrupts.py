"""SIGTERM and SIGHUP at random points of a real `synthdata` process leave nothing behind.

Each case starts the command as a user would, waits until it is writing (the temporary
file is there, the staging table or the first seeded table exists, or the server runs
its COPY), waits a further seeded-random moment, then sends the signal. The process must
exit with 128 + the signal's number and one line, and leave no temporary file, no
`_synthdata_` table and no half-seeded database; a seed run again afterwards succeeds.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata import DatabaseSynthesizer, TabularGAN
from synthdata.io import ForeignKey, TableCatalog, open_database_sink
from synthdata.io.sql_url import parse_url

SYNTHDATA = [sys.executable, "-m", "synthdata_cli"]
# Seeded moments after the write began, one per case.
_DRAW = random.Random(24)
DELAYS = [round(_DRAW.uniform(0.0, 1.5), 2) for _ in range(4)]
QUICK = {"epochs": 1, "batch_size": 50, "refine": False, "redraw": False, "verbose": False}


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A folder with table.synth (one small table) and shop.synth (customers and their orders), barely trained."""
    folder = tmp_path_factory.mktemp("models")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"age": rng.integers(18, 90, 200), "city": rng.choice(["Lyon", "Köln", "Porto"], 200)})
    TabularGAN(**QUICK).fit(table).save(folder / "table.synth")
    customers = pd.DataFrame({"id": np.arange(1, 101), "segment": rng.choice(["retail", "business"], 100)})
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, 301),
            "customer_id": rng.integers(1, 101, 300),
            "amount": rng.gamma(2, 30, 300).round(2),
        }
    )
    shop = f"sqlite:///{folder / 'shop.db'}"
    declared = [
        TableCatalog("customers", {}, primary_key=("id",)),
        TableCatalog(
            "orders", {}, primary_key=("order_id",), foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),)
        ),
    ]
    with open_database_sink(shop, declared, verbose=False) as sink:
        sink.write("customers", customers)
        sink.write("orders", orders)
    shop_quick = {key: value for key, value in QUICK.items() if key != "batch_size"}
    DatabaseSynthesizer(**shop_quick).fit(shop).save(folder / "shop.synth")
    return folder


def interrupted(
    folder: Path, arguments: list[str], writing: Callable[[], bool], delay: float, number: signal.Signals
) -> str:
    """Run `synthdata ARGUMENTS`, send `number` `delay` seconds after `writing()` holds; check the exit; return stderr."""
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    process = subprocess.Popen([*SYNTHDATA, *arguments], cwd=folder, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        deadline = time.monotonic() + 120
        while not writing():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the command never began to write"
            time.sleep(0.02)
        time.sleep(delay)
        assert process.poll() is None, "the command ended before the signal; give it more rows"
        process.send_signal(number)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + number, stderr
    assert stderr.strip().splitlines() == [f"synthdata: interrupted ({number.name})"], stderr
    return stderr


@pytest.mark.parametrize(
    ("number", "delay"), [(signal.SIGTERM, DELAYS[0]), (signal.SIGHUP, DELAYS[1])], ids=["term", "hup"]
)
def test_a_stopped_file_sample_leaves_no_file(models, tmp_path, number, delay):
    output = tmp_path / "x.csv"
    started = lambda: any(path.name.startswith(".x.csv.") for path in tmp_path.iterdir())  # noqa: E731
    arguments = ["sample", "-m", str(models / "table.synth"), "-n", "3000000", "-o", str(output), "-q"]
    interrupted(models, arguments, started, delay, number)
    assert list(tmp_path.iterdir()) == []


def tables(url: str) -> dict[str, int]:
    """Every table of the database at `url` and its row count."""
    engine = sa.create_engine(parse_url(url))
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        names = sa.inspect(connection).get_table_names()
        counts = {name: connection.exec_driver_sql(f"SELECT count(*) FROM {quote(name)}").scalar() for name in names}
    engine.dispose()
    return counts


def writing_to(url: str, table: str) -> Callable[[], bool]:
    """Whether rows are going in: on MariaDB `table` exists (DDL commits at once), on PostgreSQL a COPY runs."""
    engine = sa.create_engine(parse_url(url), poolclass=sa.pool.NullPool)
    if engine.dialect.name == "postgresql":
        database = parse_url(url).database
        probe = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :database AND query LIKE 'COPY%' AND state = 'active'"
        )

        def running() -> bool:
            with engine.connect() as connection:
                return bool(connection.execute(probe, {"database": database}).scalar())

        return running
    return lambda: any(name.startswith(table) for name in tables(url))


SERVERS = [pytest.param("postgresql", marks=pytest.mark.db), pytest.param("mariadb", marks=pytest.mark.db)]


@pytest.mark.db
def test_a_stopped_replacing_sample_keeps_the_old_table_and_no_staging_table(models, mariadb_url):
    """MariaDB commits the staging table's CREATE at once: the interrupt must drop it (PostgreSQL rolls it back)."""
    url = mariadb_url
    engine = sa.create_engine(parse_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE kept (age int, city varchar(10))")
        connection.exec_driver_sql("INSERT INTO kept VALUES (30, 'Lyon'), (40, 'Porto')")
    engine.dispose()
    before = tables(url)
    arguments = [
        "sample",
        "-m",
        "table.synth",
        "-n",
        "3000000",
        "--to",
        url,
        "--table",
        "kept",
        "--if-exists",
        "replace",
        "-q",
    ]
    interrupted(models, arguments, writing_to(url, "_synthdata_"), DELAYS[2], signal.SIGTERM)
    assert tables(url) == before


@pytest.mark.parametrize("server", SERVERS)
def test_a_stopped_seed_leaves_no_table_and_a_new_seed_succeeds(models, server, request):
    url = request.getfixturevalue(f"{server}_url")
    assert not {"customers", "orders"} & set(tables(url))
    arguments = ["seed", url, "-m", "shop.synth", "--scale", "1500", "-q"]
    interrupted(models, arguments, writing_to(url, "customers"), DELAYS[3], signal.SIGTERM)
    assert not {"customers", "orders"} & set(tables(url))
    written = DatabaseSynthesizer.load(models / "shop.synth").seed(url)
    assert {name: count for name, count in tables(url).items() if name in written} == written


def test_a_command_run_in_process_leaves_the_signal_handlers_as_they_were():
    from click.testing import CliRunner

    from synthdata_cli.main import main

    before = [signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    result = CliRunner().invoke(main, ["sample", "-n", "5", "--schema", "missing.yaml"])
    assert result.exit_code != 0
    assert [signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)] == before
