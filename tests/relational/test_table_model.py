"""A table's model without its keys: primary keys made afresh, link tables and generated-only tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import TabularGAN
from synthdata.errors import SchemaError
from synthdata.relational.table_model import GROUP_COLUMN, TableModel, learned_schema
from synthdata.schema import Schema


def fitted(frame: pd.DataFrame, *, primary_key, references=(), groups=None) -> TableModel:
    schema = learned_schema("t", frame, keys=[k for k in [primary_key, *references] if k], declared=None, catalog=None)
    return TableModel.learn(
        "t",
        frame,
        schema=schema,
        primary_key=primary_key,
        references=list(references),
        declared=None,
        groups=groups,
        gan=TabularGAN(epochs=1, verbose=False),
        max_rows=None,
        rng=np.random.default_rng(0),
    )


def test_keys_are_left_out_and_made_afresh():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"order_id": np.arange(5, 205), "customer": rng.integers(0, 50, 200), "amount": rng.normal(10, 2, 200)}
    )
    groups = np.where(frame["amount"] > 10, "big", "small")
    model = TableModel.from_dict(
        fitted(frame, primary_key="order_id", references=["customer"], groups=groups).to_dict(), None
    )
    assert model.columns == {"order_id": "int64", "customer": "int64", "amount": "float64"}
    assert model.key.type == "id" and model.groups == ["big", "small"]
    keys = model.new_keys(1000, seed=0)
    assert keys.is_unique and len(keys) == 1000


def test_a_key_that_is_also_a_reference_is_not_generated():
    frame = pd.DataFrame({"patient": ["a", "b", "c"] * 10, "weight": np.arange(30.0) % 7})
    model = fitted(frame, primary_key="patient", references=["patient"])
    assert model.key is None and model.new_keys(3, seed=0) is None


def test_tables_with_nothing_to_learn_need_no_network():
    link_table = fitted(pd.DataFrame({"a": range(20), "b": range(20)}), primary_key=None, references=["a", "b"])
    assert link_table.gan is None and link_table.rows(7, group=None, seed=0).shape == (7, 0)
    people = pd.DataFrame({"email": [f"user{i}@example.com" for i in range(40)]})
    generated = fitted(people, primary_key=None)
    assert generated.gan is None and generated.rows(5, group=None, seed=0)["email"].str.contains("@").all()


def test_conditioned_rows_drop_the_group_column():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"amount": rng.normal(10, 2, 200), "kind": rng.choice(["x", "y"], 200)})
    model = fitted(frame, primary_key=None, groups=rng.choice(["g1", "g2"], 200))
    rows = model.rows(20, group="g1", seed=0)
    assert list(rows.columns) == ["amount", "kind"] and GROUP_COLUMN not in rows
    assert len(model.rows(5, group="never seen", seed=0)) == 5


def test_declared_schemas_must_cover_the_columns():
    declared = Schema.infer(pd.DataFrame({"amount": [1.0, 2.0]}))
    with pytest.raises(SchemaError, match=r"columns \['extra'\] that its schema does not declare"):
        learned_schema("t", pd.DataFrame({"amount": [1.0], "extra": [2]}), keys=[], declared=declared, catalog=None)
