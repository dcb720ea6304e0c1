"""`evaluate_database` and its report on a seeded Synthea slice: one entity-level AUC per parent table."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from threadpoolctl import threadpool_limits

from synthdata import DatabaseReport, SynthDataError, evaluate_database
from synthdata_cli.main import main


@pytest.fixture(scope="module", autouse=True)
def single_threaded():
    """One OpenMP thread: two test workers share two cores (see tests/evaluate/conftest.py)."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def seeded_url(ma_model, tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('evaluated') / 'seeded.db'}"
    ma_model.seed(url)
    return url


@pytest.fixture(scope="module")
def report(ma_url, seeded_url) -> DatabaseReport:
    return evaluate_database(ma_url, seeded_url)


def test_each_parent_table_is_judged_with_its_largest_dated_child(report):
    judged = {found.parent: found.child for found in report.entities}
    assert judged == {"patients": "encounters", "encounters": "immunizations"}
    patients = report.entity("patients")
    assert patients.entities == 75  # half of the 150 real patients; the other half is the ceiling's
    assert {"history: count", "history: age at first", "history: mean gap (days)"} <= set(patients.features)
    # Two epochs of training: the histories give the synthetic patients away, the real hold-out does not.
    assert patients.auc > 0.8 and patients.ceiling < 0.7
    assert patients.importance["importance"].iloc[0] > 0


def test_a_real_copy_is_indistinguishable(ma_url):
    copy = evaluate_database(ma_url, ma_url, parents=["patients"])
    assert [found.parent for found in copy.entities] == ["patients"]
    assert copy.entity("patients").auc < 0.65


def test_the_report_shows_each_auc_and_what_it_means(report, tmp_path):
    page = report.to_html(tmp_path / "database.html").read_text()
    assert "0.5 means indistinguishable" in page
    for found in report.entities:
        assert f"{found.auc:.4f}" in page and f"{found.ceiling:.4f}" in page
        assert f"{found.parent} with their {found.child}" in page
    data = json.loads(report.to_json(tmp_path / "database.json").read_text())
    assert [entry["parent"] for entry in data["entities"]] == [found.parent for found in report.entities]
    assert str(report).splitlines()[1].startswith("  patients with their encounters: ")


def test_frames_need_a_schema_and_name_a_missing_table(ma_tables):
    frames, schema = ma_tables
    with pytest.raises(SynthDataError, match="pass schema="):
        evaluate_database(frames, frames)
    with pytest.raises(SynthDataError, match="no table 'patients'"):
        evaluate_database(frames, {"encounters": frames["encounters"]}, schema=schema)
    with pytest.raises(SynthDataError, match="no table 'visits'"):
        evaluate_database(frames, frames, schema=schema, parents=["visits"])


def test_the_command_writes_the_database_report(ma_url, seeded_url, tmp_path):
    page = tmp_path / "database.html"
    result = CliRunner().invoke(
        main, ["evaluate", ma_url, seeded_url, "--database", "--parent", "patients", "--report", str(page), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("synthdata database evaluation: entity-level detection ROC AUC")
    assert "patients with their encounters" in page.read_text() and "immunizations" not in result.stdout
    clash = CliRunner().invoke(main, ["evaluate", ma_url, seeded_url, "--database", "--table", "patients"])
    assert clash.exit_code == 2 and "drop --table" in clash.output
