"""Schema files against the JSON Schema of the format, with line numbers."""

from __future__ import annotations

import json

import jsonschema
import pytest

from synthdata import Schema
from synthdata.errors import SchemaError
from synthdata.schema.file_check import format_document, read_schema_file
from tests.conftest import REPO

BROKEN = """\
version: 1
table: shop
columns:
  id: {type: id, format: uuid}
  amount:
    type: number
    min: 0
  email: {type: faker}
  code: {type: id, format: pattern}
constraints:
  - {type: range, column: amount, minimum: 0}
  - {type: inequality, low: a}
"""


def test_the_shipped_document_is_the_repositorys_and_a_valid_json_schema():
    assert (REPO / "schemas" / "synthdata.schema.json").resolve() == (
        REPO / "synthdata" / "schema" / "synthdata.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(format_document())
    assert json.loads((REPO / "schemas" / "synthdata.schema.json").read_text()) == format_document()


def test_every_problem_is_listed_with_its_line(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(BROKEN)
    with pytest.raises(SchemaError) as caught:
        read_schema_file(path)
    message = str(caught.value)
    assert f"{path}:6: columns.amount.type: 'number' is not one of" in message
    assert f"{path}:8: columns.email: 'provider' is a required property" in message
    assert f"{path}:9: columns.code: 'pattern' is a required property" in message
    assert f"{path}:11: constraints.0: unknown key" in message and "minimum" in message
    assert f"{path}:12: constraints.1: 'high' is a required property" in message


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("columns:\n  a: {type: integer\n  b: 1\n")
    with pytest.raises(SchemaError, match=r"bad.yaml:3: not valid YAML"):
        Schema.load(path)


def test_shipped_schemas_and_inferred_ones_pass(tmp_path, patients_path):
    for name in ("patients.yaml", "ecommerce_orders.yaml"):
        read_schema_file(REPO / "schemas" / name)
    import pandas as pd

    inferred = Schema.infer(pd.read_csv(patients_path), table="patients")
    inferred.save(tmp_path / "p.json")
    assert Schema.load(tmp_path / "p.json") == inferred
