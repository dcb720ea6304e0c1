"""Quotas for the child column most tied to the parent group, filled from a model that ignores the group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.calibration import GroupCalibration
from synthdata.schema import Schema


def real_children(rows: int = 3000) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    groups = rng.choice(["men", "women"], rows)
    kind = np.where(groups == "women", rng.choice(["prenatal", "checkup"], rows, p=[0.4, 0.6]), "checkup")
    return pd.DataFrame({"kind": kind, "cost": rng.normal(100, 10, rows)}), groups


def uniform_candidates(size: int, round_index: int) -> pd.DataFrame:
    """A model that learned nothing: every kind equally often, whatever the group."""
    rng = np.random.default_rng(round_index)
    return pd.DataFrame({"kind": rng.choice(["prenatal", "checkup"], size), "cost": rng.normal(100, 10, size)})


def test_each_group_gets_the_real_shares_of_the_telling_column():
    children, groups = real_children()
    calibration = GroupCalibration.from_dict(GroupCalibration.learn(children, Schema.infer(children), groups).to_dict())
    assert calibration.cells.column == "kind"
    rng = np.random.default_rng(1)
    women = calibration.children(uniform_candidates, "women", 2000, rng)
    men = calibration.children(uniform_candidates, "men", 2000, rng)
    assert len(women) == len(men) == 2000
    assert abs((women["kind"] == "prenatal").mean() - 0.4) < 0.04
    assert (men["kind"] == "prenatal").mean() < 0.01
    # Handed out in random order, not sorted by kind.
    assert 0.2 < (women["kind"].iloc[:500] == "prenatal").mean() < 0.6


def test_one_group_needs_no_quotas():
    children, groups = real_children()
    calibration = GroupCalibration.learn(children, Schema.infer(children), np.full(len(groups), "all"))
    assert calibration.cells is None
    assert len(calibration.children(uniform_candidates, "all", 10, np.random.default_rng(0))) == 10
