"""The database model file: one zip of meta.json and each table's network, checked before it is trusted."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthdata import DatabaseSynthesizer, TabularGAN
from synthdata.errors import ModelFileError, SynthDataError
from synthdata.relational import model_file

SCHEMA = {
    "tables": {"shops": {"primary_key": "id"}},
    "foreign_keys": [{"table": "sales", "column": "shop", "references": "shops.id"}],
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    shops = pd.DataFrame({"id": np.arange(1, 41), "size": rng.choice(["small", "large"], 40)})
    sales = pd.DataFrame({"shop": rng.integers(1, 41, 300), "amount": rng.gamma(2.0, 10.0, 300).round(2)})
    # Forty shops serving 300 sales would be kept as a reference table; both are learned here.
    model = DatabaseSynthesizer(epochs=1, verbose=False, table_modes={"shops": "synthesize"}).fit(
        {"shops": shops, "sales": sales}, schema=SCHEMA
    )
    return model.save(tmp_path_factory.mktemp("file") / "shop.synth")


def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with its members passed through `change(members) -> members`."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in change(members).items():
            archive.writestr(name, data)
    return target


def with_meta(members: dict, edit) -> dict:
    meta = json.loads(members["meta.json"])
    edit(meta)
    return {**members, "meta.json": json.dumps(meta).encode()}


def test_the_file_holds_meta_and_one_network_per_learned_table(saved):
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == ["meta.json", "table-0.synth", "table-1.synth"]
        meta = json.loads(archive.read("meta.json"))
    assert meta["format"] == "synthdata-database-model" and meta["layout"]["tables"] == ["shops", "sales"]
    tables = DatabaseSynthesizer.load(saved).sample(0.5)
    assert len(tables["shops"]) == 20 and tables["sales"]["shop"].isin(tables["shops"]["id"]).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda members: {**members, "evil.py": b"import os"}, "expected meta.json, table-0.synth, table-1.synth"),
        (
            lambda members: with_meta(members, lambda meta: meta["tables"]["shops"].update(network="../x.synth")),
            "names network members that are not table-<n>.synth",
        ),
        (lambda members: with_meta(members, lambda meta: meta.update(format_version=99)), "newer synthdata"),
        (lambda members: {**members, "table-0.synth": b"not a zip"}, "the network table-0.synth is damaged"),
        (lambda members: {name: data for name, data in members.items() if name != "meta.json"}, "has no meta.json"),
    ],
)
def test_damaged_or_hostile_files_are_refused(saved, tmp_path, change, message):
    with pytest.raises(ModelFileError, match=message):
        DatabaseSynthesizer.load(rewritten(saved, tmp_path / "bad.synth", change))


ALWAYS_WRITTEN = {
    "a table's dates": lambda meta: meta["tables"]["sales"].pop("dates"),
    "a table's window ends": lambda meta: meta["tables"]["sales"].pop("windows"),
    "a table's kept rows": lambda meta: meta["tables"]["shops"]["model"].pop("kept"),
    "the children per parent": lambda meta: meta["tables"]["sales"]["relation"].pop("children_per_parent"),
    "the references outside the parents": lambda meta: meta["tables"]["sales"]["relation"].pop("outside"),
    "the table modes": lambda meta: meta["layout"].pop("modes"),
    "the date rules": lambda meta: meta["layout"].pop("date_rules"),
}


@pytest.mark.parametrize("name", list(ALWAYS_WRITTEN))
def test_a_file_without_a_field_it_always_holds_is_refused(saved, tmp_path, name):
    damaged = rewritten(saved, tmp_path / "bad.synth", lambda members: with_meta(members, ALWAYS_WRITTEN[name]))
    with pytest.raises(SynthDataError, match=r"inconsistent.*Fit the model again") as raised:
        DatabaseSynthesizer.load(damaged)
    assert str(damaged) in str(raised.value)


def test_sizes_are_checked_before_reading(saved, monkeypatch):
    monkeypatch.setattr(model_file, "MAX_META_BYTES", 100)
    with pytest.raises(ModelFileError, match=r"member meta\.json claims .* bytes"):
        DatabaseSynthesizer.load(saved)


def test_a_network_member_that_would_inflate_a_thousandfold_is_refused(saved, tmp_path):
    bomb = tmp_path / "bomb.synth"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("meta.json", source.read("meta.json"))
        target.writestr("table-0.synth", source.read("table-0.synth"))
        target.writestr("table-1.synth", bytes(64 * 1024 * 1024))
    with pytest.raises(ModelFileError, match=r"member table-1\.synth claims 67108864 bytes"):
        DatabaseSynthesizer.load(bomb)


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        DatabaseSynthesizer.load(tmp_path / "none.synth")
    (tmp_path / "text.synth").write_text("hello")
    with pytest.raises(ModelFileError, match="not a synthdata model file or is damaged"):
        DatabaseSynthesizer.load(tmp_path / "text.synth")


def test_a_database_model_read_as_a_table_model_points_to_seeding(saved):
    with pytest.raises(ModelFileError, match=r"is a database model; fill a database with it .*synthdata seed"):
        TabularGAN.load(saved)
