"""References found in the data: codes in another table's key, integers only by name, no cycles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.inferred_references import infer_references
from synthdata.relational.layout import DatabaseLayout, Link


def layout_of(frames: dict[str, pd.DataFrame], keys: dict[str, str | None], links=()) -> DatabaseLayout:
    return infer_references(DatabaseLayout(list(frames), keys, list(links)), frames)


def test_codes_mostly_in_a_key_are_found_with_the_share_that_resolves():
    rng = np.random.default_rng(0)
    airports = pd.DataFrame({"faa": ["JFK", "LGA", "EWR", "BOS", "ORD", "ATL"], "alt": range(6)})
    dest = np.where(rng.random(500) < 0.95, rng.choice(airports["faa"], 500), "BQN")
    flights = pd.DataFrame({"id": range(500), "dest": dest, "delay": rng.normal(0, 1, 500).round(1)})
    layout = layout_of({"airports": airports, "flights": flights}, {"airports": "faa", "flights": "id"})
    [link] = [link for link in layout.links if not link.declared]
    assert link == Link("flights", "dest", "airports", "faa")
    assert link.resolves == round(float(np.mean(dest != "BQN")), 4)
    # Never declared in a seeded database: some of its values point nowhere.
    assert layout.declaration("flights").foreign_keys == ()
    assert layout.schema_document()["foreign_keys"][0]["inferred"] is True


def test_integers_are_references_only_by_name_and_a_named_column_needs_half():
    rng = np.random.default_rng(0)
    stores = pd.DataFrame({"store_id": np.arange(1, 51), "size": rng.integers(1, 9, 50)})
    ids = rng.integers(1, 51, 300)
    sales = pd.DataFrame(
        {
            "id": np.arange(300),
            "store_id": np.where(rng.random(300) < 0.6, ids, ids + 1000),
            "quantity": rng.integers(1, 50, 300),
        }
    )
    layout = layout_of({"stores": stores, "sales": sales}, {"stores": "store_id", "sales": "id"})
    assert [(link.column, link.parent) for link in layout.links] == [("store_id", "stores")]


def test_a_reference_closing_a_cycle_is_left_out():
    a = pd.DataFrame({"code": ["x1", "x2", "x3"], "b_code": ["y1", "y2", "y3"]})
    b = pd.DataFrame({"code": ["y1", "y2", "y3"], "a_code": ["x1", "x2", "x3"]})
    layout = layout_of({"a": a, "b": b}, {"a": "code", "b": "code"}, [Link("b", "a_code", "a", "code")])
    assert layout.links == [Link("b", "a_code", "a", "code")]
