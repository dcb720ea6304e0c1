"""The Schema object: inference entry point, files and the model-file round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import SchemaError
from synthdata.schema.column import Column


def test_infer_round_trips_through_json_yaml_and_dict(patients_path, tmp_path):
    schema = Schema.infer(pd.read_csv(patients_path), table="patients")
    assert schema.primary_key == "Id" and schema.table == "patients"
    assert Schema.from_dict(json.loads(json.dumps(schema.to_dict()))) == schema
    for name in ("schema.yaml", "schema.json"):
        schema.save(tmp_path / name)
        assert Schema.load(tmp_path / name) == schema
    assert "Id:" in (tmp_path / "schema.yaml").read_text()


def test_modelled_columns_leave_out_generated_kinds(patients_path):
    schema = Schema.infer(pd.read_csv(patients_path))
    modelled = {column.name for column in schema.modelled_columns}
    assert {"GENDER", "LAT", "BIRTHDATE", "INCOME"} <= modelled
    assert not modelled & {"Id", "FIRST", "SSN", "ADDRESS", "DRIVERS", "STATE"}


def test_schema_file_problems_are_schema_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: [a, b]\n")
    with pytest.raises(SchemaError, match=r"bad\.yaml"):
        Schema.load(bad)
    with pytest.raises(SchemaError, match="Cannot read"):
        Schema.load(tmp_path / "missing.yaml")
    with pytest.raises(SchemaError, match="newer"):
        Schema.from_dict({"version": 99, "columns": {}})
    with pytest.raises(SchemaError, match="primary_key"):
        Schema({"a": Column("a", "integer")}, primary_key="b")
    with pytest.raises(SchemaError, match=r"columns\.x: unknown key.*'colour'"):
        Schema.from_dict({"columns": {"x": {"type": "integer", "colour": "red"}}})


def test_yaml_loading_never_builds_python_objects(tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("columns: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(SchemaError):
        Schema.load(evil)
