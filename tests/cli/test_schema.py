"""`synthdata schema infer` and `synthdata schema validate`."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from synthdata import Schema
from synthdata_cli.main import main
from tests.conftest import REPO


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_infer_prints_yaml_a_schema_file_can_hold(patients_path, tmp_path):
    result = run("schema", "infer", str(patients_path))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    assert data["table"] == "patients" and data["primary_key"] == "Id"
    assert data["columns"]["FIRST"] == {"type": "faker", "dtype": "object", "nullable": 0.0, "provider": "first_name"}
    written = tmp_path / "p.json"
    assert run("schema", "infer", str(patients_path), "--json", "-o", str(written)).exit_code == 0
    assert Schema.load(written).primary_key == "Id"


def test_validate_file_and_data(patients_path, tmp_path):
    schema = str(REPO / "schemas" / "patients.yaml")
    good = run("schema", "validate", schema, str(patients_path))
    assert good.exit_code == 0 and "111 rows: valid" in good.output
    changed = tmp_path / "changed.csv"
    changed.write_text(patients_path.read_text().replace(",F,", ",Q,", 2))
    bad = run("schema", "validate", schema, str(changed))
    assert bad.exit_code == 1 and "2 values outside the declared values" in bad.output


def test_a_broken_file_is_one_error_with_lines(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("columns:\n  a: {type: integer}\n  b: {type: faker}\n")
    result = run("schema", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: columns.b: 'provider' is a required property" in result.output
