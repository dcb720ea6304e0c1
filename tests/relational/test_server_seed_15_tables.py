"""Synthea ne_111's 15 tables and 27 foreign keys, fitted once and seeded into PostgreSQL and MariaDB."""

from __future__ import annotations

import json

import pytest

from synthdata import DatabaseSynthesizer

from .conftest import QUICK, enforced_foreign_keys, load_database, read_all, synthea_tables


@pytest.fixture(scope="module")
def ne_model(synthea, tmp_path_factory) -> tuple[DatabaseSynthesizer, int]:
    """A quick fit of 12 patients' rows in every table, and the foreign keys the export declares."""
    frames, schema = synthea_tables(synthea / "ne_111", 12)
    source = f"sqlite:///{tmp_path_factory.mktemp('ne') / 'source.db'}"
    load_database(source, frames, schema)
    declared = len(json.loads((synthea / "ne_111" / "schema.json").read_text())["foreign_keys"])
    return DatabaseSynthesizer(**{**QUICK, "epochs": 1}).fit(source), declared


@pytest.mark.db
@pytest.mark.parametrize("server", ["postgresql_url", "mariadb_url"])
def test_fifteen_tables_seed_with_every_foreign_key_enforced(ne_model, server, request):
    model, declared = ne_model
    url = request.getfixturevalue(server)
    written = model.seed(url, scale=0.5)
    tables = read_all(url)
    assert len(written) == 15 and {name: len(frame) for name, frame in tables.items()} == written
    # the server checked every row against its declared key as it was written
    assert declared == 27 and enforced_foreign_keys(url) == declared
    for link in model.layout_.links:
        assert tables[link.table][link.column].dropna().isin(tables[link.parent][link.parent_column]).all(), link
