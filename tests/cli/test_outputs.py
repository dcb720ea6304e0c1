"""One output policy for every command: no input overwritten, no file replaced unless
asked (--force), the folder checked before the work, files written through a new name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthdata_cli.main import main


def run(folder: Path, *args: str):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, list(args))


def one_line_error(result, mentions: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("synthdata: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert mentions in result.stderr, result.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory, patients_path) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    shutil.copy(patients_path, folder / "patients.csv")
    result = run(folder, "fit", "patients.csv", "--epochs", "1", "-q")
    assert result.exit_code == 0, result.output
    result = run(folder, "schema", "infer", "patients.csv", "-o", "patients.yaml")
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize(
    "args, victim",
    [
        (("fit", "patients.csv", "-o", "patients.csv", "--epochs", "1", "-q"), "patients.csv"),
        (("fit", "patients.csv", "-o", "./patients.csv", "--force", "--epochs", "1", "-q"), "patients.csv"),
        (("schema", "infer", "patients.csv", "-o", "patients.csv", "--force"), "patients.csv"),
        (("sample", "--schema", "patients.yaml", "-n", "5", "-o", "patients.yaml", "--force"), "patients.yaml"),
        (
            ("sample", "-m", "patients.synth", "-n", "5", "-o", "patients.synth", "--if-exists", "replace", "-q"),
            "patients.synth",
        ),
        (("evaluate", "patients.csv", "patients.csv", "--json", "patients.csv", "--force", "-q"), "patients.csv"),
    ],
)
def test_an_input_of_the_run_is_never_written_over(folder, args, victim):
    before = (folder / victim).read_bytes()
    one_line_error(run(folder, *args), "is also an input of this run")
    assert (folder / victim).read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("fit", "patients.csv", "-o", "taken", "--epochs", "1", "-q"),
        ("schema", "infer", "patients.csv", "-o", "taken"),
        ("sample", "-m", "patients.synth", "-n", "5", "-o", "taken.csv", "-q"),
        ("evaluate", "patients.csv", "patients.csv", "--json", "taken", "-q"),
        ("evaluate", "patients.csv", "patients.csv", "--report", "taken", "-q"),
    ],
)
def test_an_existing_file_is_replaced_only_with_force(folder, args):
    target = folder / args[args.index("-o") + 1 if "-o" in args else -2]
    target.write_text("keep me\n")
    one_line_error(run(folder, *args), "already exists; choose another name, or use --force")
    assert target.read_text() == "keep me\n"
    result = run(folder, *args, "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != b"keep me\n"


def test_sample_replaces_a_file_with_if_exists_replace_too(folder):
    (folder / "old.csv").write_text("keep me\n")
    result = run(folder, "sample", "-m", "patients.synth", "-n", "7", "-o", "old.csv", "--if-exists", "replace", "-q")
    assert result.exit_code == 0, result.output
    assert len((folder / "old.csv").read_text().splitlines()) == 8


def test_schema_infer_writes_through_a_new_file_renamed_into_place(folder):
    target = folder / "renamed.yaml"
    target.write_text("old\n")
    hard_link = folder / "old-name.yaml"
    hard_link.hardlink_to(target)
    result = run(folder, "schema", "infer", "patients.csv", "-o", "renamed.yaml", "--force")
    assert result.exit_code == 0, result.output
    # written in place, the file both names share would have changed
    assert hard_link.read_text() == "old\n" and target.read_text().startswith("version: 1")
    assert sorted(path.name for path in folder.glob(".*.tmp")) == []


def test_schema_infer_json_keeps_the_name_given(folder):
    result = run(folder, "schema", "infer", "patients.csv", "-o", "as-json.yaml", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads((folder / "as-json.yaml").read_text())["table"] == "patients"


def test_fit_into_a_folder_nobody_may_write_fails_before_training(folder):
    # a million epochs would run for hours: the check must come first
    result = run(folder, "fit", "patients.csv", "-o", "/proc/model.synth", "--epochs", "1000000", "-q")
    one_line_error(result, "cannot write /proc/model.synth")


def test_evaluate_into_a_missing_folder_fails_before_computing(folder):
    result = run(folder, "evaluate", "patients.csv", "patients.csv", "--report", "nowhere/report.html", "-q")
    one_line_error(result, "the folder nowhere does not exist")
    assert "synthdata evaluation" not in result.stdout


def test_the_policy_is_in_every_writing_commands_help(folder):
    for command in (["fit"], ["sample"], ["evaluate"], ["schema", "infer"]):
        shown = " ".join(run(folder, *command, "--help").output.split())
        assert "never writes over one of its own inputs" in shown and "--force" in shown, command
