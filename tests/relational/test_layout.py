"""Database layouts from catalogs, multi-table schema files and Synthea's schema.json."""

from __future__ import annotations

import json

import pytest

from synthdata.errors import SchemaError
from synthdata.io import DatabaseCatalog, ForeignKey, TableCatalog
from synthdata.relational.layout import DatabaseLayout, Link

SHOP = """
tables:
  orders:
    primary_key: order_id
    columns:
      order_id: {type: id, format: sequential}
      customer_id: {type: reference}
      amount: {type: numerical}
    foreign_keys:
      - {column: customer_id, references: customers.id}
  customers:
    primary_key: id
    columns:
      id: {type: id, format: uuid}
      segment: {type: categorical}
"""


def test_synthea_schema_gives_parents_first_and_every_link(synthea):
    schema = json.loads((synthea / "ma_1462" / "schema.json").read_text())
    layout = DatabaseLayout.from_schema(schema, sorted(schema["tables"]))
    assert layout.tables[:2] == ["patients", "encounters"]
    assert len(layout.links) == 13 and layout.primary_keys["careplans"] is None
    assert Link("conditions", "ENCOUNTER", "encounters", "ID") in layout.parents_of("conditions")
    assert layout.declaration("conditions").foreign_keys[0].referred_columns == ("ID",)


def test_schema_file_with_tables_and_their_foreign_keys(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP)
    layout = DatabaseLayout.from_schema(path, ["orders", "customers"])
    assert layout.tables == ["customers", "orders"]
    assert layout.links == [Link("orders", "customer_id", "customers", "id")]
    assert layout.schemas["orders"].columns["amount"].type == "numerical"
    assert DatabaseLayout.from_dict(json.loads(json.dumps(layout.to_dict()))).links == layout.links


def test_a_table_may_reference_itself():
    layout = DatabaseLayout(["staff"], {"staff": "id"}, [Link("staff", "manager", "staff", "id")])
    assert layout.tables == ["staff"]


@pytest.mark.parametrize(
    ("links", "message"),
    [
        (
            [Link("a", "b_id", "b", "id"), Link("b", "a_id", "a", "id")],
            r"Tables \['a', 'b'\] reference each other in a cycle",
        ),
        ([Link("a", "b_code", "b", "code")], "which is not the primary key of 'b'"),
        ([Link("a", "c_id", "c", "id")], "names table 'c', which is not in the database"),
    ],
)
def test_layouts_that_cannot_be_generated_are_refused(links, message):
    with pytest.raises(SchemaError, match=message):
        DatabaseLayout(["a", "b"], {"a": "id", "b": "id"}, links)


def test_composite_foreign_keys_are_refused():
    catalog = DatabaseCatalog(
        tables={
            "a": TableCatalog("a", {}, primary_key=("x", "y")),
            "b": TableCatalog("b", {}, foreign_keys=(ForeignKey(("ax", "ay"), "a", ("x", "y")),)),
        },
        order=("a", "b"),
    )
    with pytest.raises(SchemaError, match=r"references a through several columns \(ax, ay\)"):
        DatabaseLayout.from_catalog(catalog)


def test_a_single_table_schema_file_is_not_a_database(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text("columns:\n  x: {type: numerical}\n")
    with pytest.raises(SchemaError, match="is not a multi-table schema"):
        DatabaseLayout.from_schema(path, ["x"])
    with pytest.raises(SchemaError, match=r"foreign key .* is not written as"):
        DatabaseLayout.from_schema({"tables": {}, "foreign_keys": [{"from": "a"}]}, ["a"])
