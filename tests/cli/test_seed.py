"""`synthdata fit URL` for a whole database and `synthdata seed`: one model file, related tables seeded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from synthdata import DatabaseSynthesizer
from synthdata.io import ForeignKey, TableCatalog, open_database_sink, read_database_catalog
from synthdata_cli.main import main

CUSTOMERS = 120


def shop_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    segment = rng.choice(["retail", "business"], CUSTOMERS, p=[0.7, 0.3])
    customers = pd.DataFrame(
        {"id": np.arange(1, CUSTOMERS + 1), "segment": segment, "balance": rng.gamma(2.0, 50.0, CUSTOMERS).round(2)}
    )
    per_customer = np.where(segment == "business", rng.poisson(6, CUSTOMERS), rng.poisson(1, CUSTOMERS))
    owner = np.repeat(customers["id"].to_numpy(), per_customer)
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, len(owner) + 1),
            "customer_id": owner,
            "amount": rng.lognormal(3, 0.5, len(owner)).round(2),
            "status": rng.choice(["open", "paid", "void"], len(owner)),
        }
    )
    return {"customers": customers, "orders": orders}


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('shop') / 'shop.db'}"
    declared = [
        TableCatalog("customers", {}, primary_key=("id",)),
        TableCatalog(
            "orders", {}, primary_key=("order_id",), foreign_keys=(ForeignKey(("customer_id",), "customers", ("id",)),)
        ),
    ]
    with open_database_sink(url, declared, verbose=False) as sink:
        for name, frame in shop_tables().items():
            sink.write(name, frame)
    return url


def run(*arguments: str):
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


@pytest.fixture(scope="module")
def model(shop, tmp_path_factory) -> str:
    """The shop's customers are synthesized, not kept as a reference table: the tests scale them
    and count on their sequential keys."""
    path = tmp_path_factory.mktemp("model") / "shop.synth"
    DatabaseSynthesizer(epochs=1, table_modes={"customers": "synthesize"}, verbose=False).fit(shop).save(path)
    return str(path)


def test_seed_creates_the_tables_with_their_keys(model, tmp_path):
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    result = run("seed", url, "--model", model, "--scale", "0.5", "-q")
    assert result.exit_code == 0, result.output
    assert "customers: 60 rows" in result.stderr and "seeded 2 tables" in result.stderr
    catalog = read_database_catalog(url)
    assert catalog.tables["orders"].foreign_keys == (ForeignKey(("customer_id",), "customers", ("id",)),)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        dangling = connection.exec_driver_sql(
            "SELECT count(*) FROM orders o LEFT JOIN customers c ON o.customer_id = c.id WHERE c.id IS NULL"
        ).scalar()
    engine.dispose()
    assert dangling == 0


def test_existing_tables_fail_in_one_line_unless_replaced(model, tmp_path):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    assert run("seed", url, "-m", model, "--scale", "0.2", "-q").exit_code == 0
    refused = run("seed", url, "-m", model, "-q")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1 and "already holds tables" in refused.stderr
    assert run("seed", url, "-m", model, "--if-exists", "replace", "-q").exit_code == 0


def test_usage_errors(shop, model, tmp_path):
    checkpointed = run("fit", shop, "--checkpoint-every", "5", "-o", str(tmp_path / "x.synth"), "-q")
    assert checkpointed.exit_code == 2 and "apply to one table" in checkpointed.stderr
    resumed = run("fit", shop, "--resume", "-o", str(tmp_path / "x.synth"), "-q")
    assert resumed.exit_code == 2 and "apply to one table" in resumed.stderr
    zero = run("seed", f"sqlite:///{tmp_path / 'zero.db'}", "-m", model, "--scale", "0")
    assert zero.exit_code == 2


def test_a_database_fitted_without_calibration_rejection_or_redraw_records_it(shop, tmp_path):
    path = tmp_path / "raw.synth"
    options = ["--no-calibrate", "--no-refine", "--no-redraw"]
    result = run("fit", shop, *options, "--epochs", "1", "-o", str(path), "-q")
    assert result.exit_code == 0, result.output
    model = DatabaseSynthesizer.load(path)
    assert all(model.info()["options"][option] is False for option in ("calibrate", "refine", "redraw"))
    networks = [table.gan for table in model.models_.values() if table.gan is not None]
    assert networks
    assert all(gan.stages_ == () for gan in networks)


def test_foreign_keys_from_a_schema_file_when_the_database_declares_none(tmp_path):
    url = f"sqlite:///{tmp_path / 'loose.db'}"
    declared = [TableCatalog("customers", {}), TableCatalog("orders", {})]
    with open_database_sink(url, declared, verbose=False) as sink:
        for name, frame in shop_tables().items():
            sink.write(name, frame)
    schema = tmp_path / "shop.yaml"
    schema.write_text(
        "tables:\n  customers: {primary_key: id}\n  orders: {primary_key: order_id}\n"
        "foreign_keys:\n  - {table: orders, column: customer_id, references: customers.id}\n"
    )
    model = tmp_path / "loose.synth"
    assert run("fit", url, "--schema", str(schema), "-o", str(model), "--epochs", "1", "-q").exit_code == 0
    seeded = f"sqlite:///{tmp_path / 'seeded.db'}"
    assert run("seed", seeded, "-m", str(model), "-q").exit_code == 0
    assert read_database_catalog(seeded).tables["orders"].foreign_keys == (
        ForeignKey(("customer_id",), "customers", ("id",)),
    )


def seeded_shop(url: str) -> tuple[list, list, int]:
    """The customer ids in order, the order ids, and the orders whose customer is missing."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        ids = connection.exec_driver_sql("SELECT id FROM customers ORDER BY id").scalars().all()
        orders = connection.exec_driver_sql("SELECT order_id FROM orders").scalars().all()
        dangling = connection.exec_driver_sql(
            "SELECT count(*) FROM orders o LEFT JOIN customers c ON o.customer_id = c.id WHERE c.id IS NULL"
        ).scalar()
    engine.dispose()
    return list(ids), list(orders), int(dangling)


@pytest.mark.parametrize("server", ["sqlite", "postgresql", "mariadb"])
def test_append_continues_the_keys_and_links_children_to_the_new_parents(server, model, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'append.db'}" if server == "sqlite" else request.getfixturevalue(f"{server}_url")
    assert run("seed", url, "-m", model, "--scale", "0.25", "-q").exit_code == 0
    again = run("seed", url, "-m", model, "--scale", "0.25", "--if-exists", "append", "-q")
    assert again.exit_code == 0, again.output
    ids, orders, dangling = seeded_shop(url)
    assert ids == list(range(1, 2 * 30 + 1))
    assert len(set(orders)) == len(orders) and dangling == 0


@pytest.mark.parametrize("server", ["sqlite", "postgresql", "mariadb"])
def test_append_writes_a_kept_table_once(server, shop, tmp_path, request):
    """Customers are a small referenced table, kept whole: a second seed appends orders only."""
    model = DatabaseSynthesizer(epochs=1, verbose=False).fit(shop)
    assert model.models_["customers"].kept is not None
    url = f"sqlite:///{tmp_path / 'kept.db'}" if server == "sqlite" else request.getfixturevalue(f"{server}_url")
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # the server's database is shared with the append test above
        for table in ("orders", "customers"):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    first = model.seed(url, scale=0.25)
    again = model.seed(url, scale=0.25, if_exists="append", seed=1)
    assert first["customers"] == CUSTOMERS and again["customers"] == 0 and again["orders"] > 0
    engine.dispose()
    ids, orders, dangling = seeded_shop(url)
    assert ids == list(range(1, CUSTOMERS + 1))
    assert len(orders) == first["orders"] + again["orders"] == len(set(orders)) and dangling == 0
