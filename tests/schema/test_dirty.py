"""Edge cases injected into a share of cells."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata import Schema
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"


def test_dirty_changes_only_the_marked_cells_and_spares_the_key():
    schema = Schema.load(SCHEMAS / "patients.yaml")
    clean = schema.sample(1500, seed=2)
    dirty = schema.sample(1500, seed=2, dirty=0.1, marker="_dirty")
    marked = pd.DataFrame(
        {name: dirty["_dirty"].str.split(",").map(lambda names, n=name: n in names) for name in clean.columns}
    )
    changed = ~((dirty[clean.columns].astype(str) == clean.astype(str)) | marked)
    assert not changed.to_numpy().any()
    assert marked.to_numpy().mean() == np.float64(marked.to_numpy().mean())
    assert 0.07 < marked.drop(columns="Id").to_numpy().mean() < 0.13
    assert not marked["Id"].any() and dirty["Id"].is_unique


def test_edge_cases_keep_each_columns_type():
    schema = Schema.load(SCHEMAS / "ecommerce_orders.yaml")
    dirty = schema.sample(3000, seed=0, dirty=0.2)
    assert str(dirty["quantity"].dtype) == "Int64"
    assert np.isinf(dirty["unit_price"]).any() and dirty["unit_price"].isna().any()
    notes = dirty["note"].dropna()
    assert (notes.str.len() == 10_000).any() and notes.str.contains("DROP TABLE").any()
    assert (dirty["ordered_at"] == "1970-01-01T00:00:00Z").any()
    assert dirty["gift_wrap"].isin(["yes", "no"]).mean() < 1 and dirty["gift_wrap"].dropna().isin(["yes", "no"]).all()


def test_not_null_columns_get_no_nulls():
    schema = Schema.from_dict(
        {
            "columns": {"x": {"type": "numerical", "min": 0, "max": 1}, "y": {"type": "numerical", "min": 0, "max": 1}},
            "constraints": [{"type": "not_null", "column": "x"}],
        }
    )
    dirty = schema.sample(2000, seed=0, dirty=0.5)
    assert dirty["x"].notna().all() and dirty["y"].isna().any()


def test_finite_edge_cases_leave_out_infinities_for_a_target_without_them():
    schema = Schema.from_dict({"version": 1, "columns": {"x": {"type": "numerical"}}})
    frame = pd.DataFrame({"x": np.linspace(0, 1, 4_000)})
    everything = schema.make_dirty(frame, 1.0, seed=0)["x"]
    assert np.isinf(everything).any()
    finite = schema.make_dirty(frame, 1.0, seed=0, finite=True)["x"]
    assert not np.isinf(finite).any() and finite.isna().any() and (finite == 1.7976931348623157e308).any()
