"""Parent groups: the columns children depend on, found in the data or named, and coarser groups as fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.relational.binning import coded_columns
from synthdata.relational.context import REST, ParentContext
from synthdata.schema import Schema


def family(rows: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, np.ndarray]:
    """Parents whose tier decides their number of children and the children's kind; noise decides nothing."""
    rng = np.random.default_rng(seed)
    parents = pd.DataFrame({"tier": rng.choice(["gold", "basic"], rows), "noise": rng.choice(["x", "y", "z"], rows)})
    counts = np.where(parents["tier"] == "gold", rng.poisson(6, rows), rng.poisson(1, rows))
    owners = np.repeat(np.arange(rows), counts)
    kind = np.where(parents["tier"].to_numpy()[owners] == "gold", rng.choice(["a", "b"], len(owners)), "c")
    return parents, counts, pd.DataFrame({"kind": kind}), owners


def learn(parents, counts, children, owners, **options) -> ParentContext:
    options = {"max_columns": 2, "min_parents": 20, **options}
    return ParentContext.learn(
        parents,
        Schema.infer(parents),
        counts=counts,
        child_codes=[codes for _, codes in coded_columns(children, Schema.infer(children))],
        owners=owners,
        **options,
    )


def test_the_column_children_depend_on_is_found():
    context = learn(*family())
    assert context.columns == ["tier"]
    assert sorted(context.groups) == ["tier=basic", "tier=gold"]
    restored = ParentContext.from_dict(context.to_dict())
    assert list(restored.labels(pd.DataFrame({"tier": ["gold", "other"], "noise": ["x", "x"]}))) == ["tier=gold", REST]


def test_named_columns_cross_and_fall_back_to_coarser_groups():
    parents, counts, children, owners = family()
    context = learn(parents, counts, children, owners, named=["tier", "noise"])
    assert "tier=gold & noise=x" in context.groups and "tier=gold" in context.groups
    rare = pd.DataFrame({"tier": ["gold", "gold", "gold", "platinum"], "noise": ["x", "never seen", None, "x"]})
    assert list(context.labels(rare)) == ["tier=gold & noise=x", "tier=gold", "tier=gold", REST]


def test_small_tables_get_no_groups_and_unknown_columns_are_named():
    parents, counts, children, owners = family(rows=30)
    assert learn(parents, counts, children, owners, min_parents=40).groups == []
    with pytest.raises(SchemaError, match=r"parent column 'age'.*those are tier, noise"):
        learn(parents, counts, children, owners, named=["age"])
