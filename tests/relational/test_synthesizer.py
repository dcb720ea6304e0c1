"""Whole Synthea databases fitted from SQLite and PostgreSQL, seeded into fresh databases and checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sdmetrics.single_column import KSComplement, TVComplement

from synthdata import DatabaseSynthesizer, SynthDataError, TabularGAN
from synthdata.errors import NotFittedError
from synthdata.io import read_database_catalog

from .conftest import (
    QUICK,
    enforced_foreign_keys,
    foreign_key_problems,
    load_database,
    read_all,
    synthea_tables,
    unique_keys,
)

# Encounter types only women have in the export (pregnancy and its procedures).
WOMEN_ONLY = {"424441002", "424619006", "308335008", "183460006", "698314001"}


@pytest.fixture(scope="module")
def seeded(ma_model, tmp_path_factory) -> tuple[dict[str, int], dict[str, pd.DataFrame], str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'seeded.db'}"
    written = ma_model.seed(url)
    return written, read_all(url), url


def children_per_parent(children: pd.DataFrame, column: str, parents: pd.DataFrame, key: str) -> pd.DataFrame:
    counts = children.groupby(column).size().reindex(parents[key], fill_value=0)
    return pd.DataFrame({"children": counts.to_numpy()})


def test_seeded_database_declares_and_keeps_every_foreign_key(seeded, ma_url):
    written, tables, url = seeded
    assert set(written) == set(tables) == set(read_database_catalog(ma_url).tables)
    assert all(count > 0 for count in written.values())
    assert foreign_key_problems(url) == []
    catalog = read_database_catalog(url)
    declared = {
        (name, key.columns[0], key.referred_table)
        for name, table in catalog.tables.items()
        for key in table.foreign_keys
    }
    assert ("encounters", "PATIENT", "patients") in declared and ("conditions", "ENCOUNTER", "encounters") in declared
    assert len(declared) == 13
    assert catalog.tables["patients"].primary_key == ("ID",)


def test_references_resolve_and_agree_along_both_paths(seeded):
    _, tables, _ = seeded
    encounters = tables["encounters"].set_index("ID")
    for name in ("conditions", "medications", "procedures", "immunizations", "careplans", "allergies"):
        child = tables[name]
        assert child["ENCOUNTER"].isin(encounters.index).all()
        # A condition's patient is the patient of its encounter, as in the real export.
        assert (child["PATIENT"].to_numpy() == encounters.loc[child["ENCOUNTER"], "PATIENT"].to_numpy()).all()


def test_keys_are_made_afresh(seeded, ma_tables):
    _, tables, _ = seeded
    real, _ = ma_tables
    assert not unique_keys(tables, "ID") & unique_keys(real, "ID")
    assert not unique_keys(tables, "PATIENT") & unique_keys(real, "PATIENT")
    assert tables["patients"]["ID"].is_unique and tables["encounters"]["ID"].is_unique


def test_children_per_parent_follow_the_real_distribution(seeded, ma_tables):
    _, synthetic, _ = seeded
    real, _ = ma_tables
    for child, column, parent in [("encounters", "PATIENT", "patients"), ("conditions", "ENCOUNTER", "encounters")]:
        real_counts = children_per_parent(real[child], column, real[parent], "ID")
        synthetic_counts = children_per_parent(synthetic[child], column, synthetic[parent], "ID")
        assert KSComplement.compute(real_counts["children"], synthetic_counts["children"]) >= 0.8, child


def test_encounter_codes_depend_on_the_patient_as_in_the_real_data(seeded, ma_tables):
    _, synthetic, _ = seeded
    real, _ = ma_tables

    def with_gender(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        genders = tables["patients"].set_index("ID")["GENDER"]
        return tables["encounters"].assign(GENDER=genders.loc[tables["encounters"]["PATIENT"]].to_numpy())

    real_rows, synthetic_rows = with_gender(real), with_gender(synthetic)
    for gender in ("F", "M"):
        real_codes = real_rows.loc[real_rows["GENDER"] == gender, "CODE"].astype(str)
        synthetic_codes = synthetic_rows.loc[synthetic_rows["GENDER"] == gender, "CODE"].astype(str)
        assert TVComplement.compute(real_codes, synthetic_codes) >= 0.8, gender
    women_only_share = synthetic_rows["CODE"].astype(str).isin(WOMEN_ONLY).groupby(synthetic_rows["GENDER"]).mean()
    assert women_only_share["F"] > 0.15 and women_only_share["M"] < 0.03


def test_scale_shrinks_the_roots_and_the_same_seed_repeats(ma_model, ma_tables):
    real, _ = ma_tables
    small = ma_model.sample(0.2, seed=3)
    assert len(small["patients"]) == round(0.2 * len(real["patients"]))
    assert len(small["encounters"]) < 0.5 * len(real["encounters"])
    again = ma_model.sample(0.2, seed=3)
    for name in small:
        pd.testing.assert_frame_equal(small[name], again[name])


def test_saved_model_samples_the_same_rows(ma_model, tmp_path):
    path = ma_model.save(tmp_path / "ma.synth")
    loaded = DatabaseSynthesizer.load(path)
    before, after = ma_model.sample(0.1, seed=1), loaded.sample(0.1, seed=1)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    assert loaded.info()["tables"]["encounters"]["grouped_by"] == ["GENDER", "BIRTHDATE"]


def test_existing_tables_are_refused_or_replaced(ma_model, new_sqlite):
    url = new_sqlite("twice")
    first = ma_model.seed(url, scale=0.1, seed=1)
    with pytest.raises(SynthDataError, match="already holds tables"):
        ma_model.seed(url, scale=0.1)
    replaced = ma_model.seed(url, scale=0.2, seed=2, if_exists="replace")
    assert replaced["patients"] > first["patients"]
    assert {name: len(frame) for name, frame in read_all(url).items()} == replaced
    assert foreign_key_problems(url) == []


def test_fitting_from_frames_with_a_schema_matches_the_database(ma_tables):
    frames, schema = ma_tables
    options = {**QUICK, "refine": True}
    model = DatabaseSynthesizer(**options).fit(
        {name: frames[name] for name in ("patients", "encounters")}, schema=schema
    )
    tables = model.sample(0.2)
    assert list(tables) == ["patients", "encounters"]
    assert tables["encounters"]["PATIENT"].isin(tables["patients"]["ID"]).all()
    # encounters (500 rows learned) are drawn through the realness classifier, and
    # their categories redrawn
    assert model.models_["encounters"].gan.stages_ == ("calibrate", "reject", "redraw")


def test_unfitted_and_bad_calls_say_what_to_do(ma_model, tmp_path):
    with pytest.raises(NotFittedError, match="call fit"):
        DatabaseSynthesizer().sample()
    with pytest.raises(SynthDataError, match="scale must be a number above 0"):
        ma_model.sample(0)
    with pytest.raises(SynthDataError, match="mapping of table names to DataFrames"):
        DatabaseSynthesizer().fit([1, 2])
    with pytest.raises(SynthDataError, match="does not exist"):
        DatabaseSynthesizer(**QUICK).fit(f"sqlite:///{tmp_path / 'absent.db'}")


def test_a_single_table_model_is_not_a_database_model(tmp_path):
    amounts = pd.DataFrame({"amount": np.random.default_rng(0).normal(50, 10, 100).round(2)})
    path = TabularGAN(epochs=1, verbose=False).fit(amounts).save(tmp_path / "one.synth")
    with pytest.raises(SynthDataError, match=r"single-table model; load it with TabularGAN\.load"):
        DatabaseSynthesizer.load(path)


def test_ne_111_several_parents_per_child(synthea, new_sqlite):
    frames, schema = synthea_tables(synthea / "ne_111", 12)
    source, target = new_sqlite("ne_source"), new_sqlite("ne_seeded")
    load_database(source, frames, schema)
    model = DatabaseSynthesizer(**{**QUICK, "epochs": 1}).fit(source)
    info = model.info()["tables"]
    assert info["encounters"]["parent"] == "encounters.PATIENT -> patients.Id"
    assert info["encounters"]["references"]["encounters.ORGANIZATION -> organizations.Id"] == "derived"
    written = model.seed(target, scale=0.3)
    assert len(written) == 15 and foreign_key_problems(target) == []
    tables = read_all(target)
    providers = tables["providers"].set_index("Id")
    encounters = tables["encounters"]
    # An encounter's organization is its provider's, as in the real export.
    assert (
        encounters["ORGANIZATION"].to_numpy() == providers.loc[encounters["PROVIDER"], "ORGANIZATION"].to_numpy()
    ).all()
    assert encounters["PAYER"].isin(tables["payers"]["Id"]).all()
    # Payers are kept as a reference table, so their real ids are learned like any column.
    assert info["payers"]["mode"] == "keep"
    secondary = info["payer_transitions"]["references"]["payer_transitions.SECONDARY_PAYER -> payers.Id"]
    assert (
        secondary == "learned"
        and tables["payer_transitions"]["SECONDARY_PAYER"].dropna().isin(tables["payers"]["Id"]).all()
    )


def test_a_table_referencing_itself_is_seeded_in_order(new_sqlite):
    rng = np.random.default_rng(0)
    staff = pd.DataFrame({"id": np.arange(1, 81), "grade": rng.choice(["junior", "senior"], 80)})
    staff["manager"] = pd.array([None, *rng.integers(1, np.arange(2, 81))], dtype="Int64")
    schema = {
        "tables": {"staff": {"primary_key": "id"}},
        "foreign_keys": [{"table": "staff", "column": "manager", "references": "staff.id"}],
    }
    url = new_sqlite("staff")
    DatabaseSynthesizer(**QUICK).fit({"staff": staff}, schema=schema).seed(url)
    seeded = read_all(url)["staff"]
    assert foreign_key_problems(url) == [] and seeded["manager"].dropna().isin(seeded["id"]).all()


def test_tables_in_a_cycle_are_refused():
    frames = {"a": pd.DataFrame({"id": [1, 2], "b": [1, 2]}), "b": pd.DataFrame({"id": [1, 2], "a": [1, 2]})}
    schema = {
        "tables": {"a": {"primary_key": "id"}, "b": {"primary_key": "id"}},
        "foreign_keys": [
            {"table": "a", "column": "b", "references": "b.id"},
            {"table": "b", "column": "a", "references": "a.id"},
        ],
    }
    with pytest.raises(SynthDataError, match="reference each other in a cycle"):
        DatabaseSynthesizer(**QUICK).fit(frames, schema=schema)


@pytest.mark.db
@pytest.mark.parametrize("server", ["postgresql_url", "mariadb_url"])
def test_server_round_trip(synthea, server, request):
    """All 8 tables fitted from a server and seeded back: every key declared and resolved,
    every encounter within its patient's life."""
    url = request.getfixturevalue(server)
    frames, schema = synthea_tables(synthea / "ma_1462", 40, seed=1)
    load_database(url, frames, schema)
    model = DatabaseSynthesizer(**{**QUICK, "epochs": 1}).fit(url)
    # MariaDB cannot replace related tables in one transaction: the real ones go first.
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()
    written = model.seed(url)
    tables = read_all(url)
    assert len(written) == 8 and {name: len(frame) for name, frame in tables.items()} == written
    assert not unique_keys(tables, "ID") & unique_keys(frames, "ID")
    assert enforced_foreign_keys(url) == 13
    for link in model.layout_.links:
        assert tables[link.table][link.column].dropna().isin(tables[link.parent][link.parent_column]).all()
    patients = tables["patients"].set_index("ID").loc[tables["encounters"]["PATIENT"]]
    at = pd.to_datetime(tables["encounters"]["DATE"]).to_numpy()
    birth, death = pd.to_datetime(patients["BIRTHDATE"]).to_numpy(), pd.to_datetime(patients["DEATHDATE"]).to_numpy()
    assert (at >= birth).all() and (np.isnat(death) | (at <= death)).all()
    real_counts = children_per_parent(frames["encounters"], "PATIENT", frames["patients"], "ID")
    synthetic_counts = children_per_parent(tables["encounters"], "PATIENT", tables["patients"], "ID")
    assert KSComplement.compute(real_counts["children"], synthetic_counts["children"]) >= 0.8
