"""What the database declares overrides what the values suggest."""

from __future__ import annotations

import pandas as pd

from synthdata.io.catalog import ColumnFacts, TableCatalog
from synthdata.io.catalog_schema import apply_catalog, infer_schema_from_database
from synthdata.schema import Schema


def test_shop_schema_takes_keys_and_rules_from_the_catalog(shop_url):
    customers = infer_schema_from_database(shop_url, "customers", verbose=False)
    assert customers.primary_key == "id"
    assert customers.columns["code"].unique and customers.columns["code"].nullable == 0.0
    assert customers.columns["balance"].decimals == 2
    orders = infer_schema_from_database(shop_url, "orders", verbose=False)
    assert orders.primary_key == "order_id"
    assert orders.foreign_keys == [{"column": "customer_id", "references": "customers.id"}]
    assert orders.columns["customer_id"].references == "customers.id"


def test_declared_boolean_and_enumeration_win():
    frame = pd.DataFrame({"flag": [0, 1, 1, 0] * 10, "mood": ["ok", "sad"] * 20, "free": range(40)})
    inferred = Schema.infer(frame)
    catalog = TableCatalog(
        name="t",
        columns={
            "flag": ColumnFacts("flag", "boolean", "TINYINT(1)", nullable=True),
            "mood": ColumnFacts("mood", "string", "ENUM", nullable=False, values=("sad", "ok", "happy")),
        },
    )
    schema = apply_catalog(inferred, catalog)
    assert schema.columns["flag"].type == "boolean"
    assert schema.columns["mood"].nullable == 0.0
    assert schema.columns["free"] == inferred.columns["free"]
