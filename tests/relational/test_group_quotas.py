"""Quotas for the child column most tied to the parent group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.binning import coded_columns
from synthdata.relational.group_quotas import GroupCalibration, Quota
from synthdata.schema import Schema


def real_children(rows: int = 3000) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    groups = rng.choice(["men", "women"], rows)
    kind = np.where(groups == "women", rng.choice(["prenatal", "checkup"], rows, p=[0.4, 0.6]), "checkup")
    return pd.DataFrame({"kind": kind, "cost": rng.normal(100, 10, rows)}), groups


def test_quotas_follow_the_real_shares_within_each_group():
    children, groups = real_children()
    calibration = GroupCalibration.from_dict(
        GroupCalibration.learn(coded_columns(children, Schema.infer(children)), groups).to_dict()
    )
    assert calibration.cells.column == "kind"
    rng = np.random.default_rng(1)
    women, men = calibration.quota("women", 1000, rng), calibration.quota("men", 1000, rng)
    assert women.missing == men.missing == 1000
    assert abs(women.wanted["kind=prenatal"] - 400) < 50 and men.wanted["kind=prenatal"] < 10


def test_a_quota_keeps_only_what_it_still_wants():
    children, groups = real_children()
    quota = GroupCalibration.learn(coded_columns(children, Schema.infer(children)), groups).quota(
        "men", 100, np.random.default_rng(0)
    )
    candidates = pd.DataFrame({"kind": ["prenatal"] * 50 + ["checkup"] * 150, "cost": 1.0})
    taken, rest = quota.take(candidates)
    assert len(taken) + len(rest) == 200 and (taken["kind"] == "checkup").sum() == len(taken) >= 95
    assert quota.missing == 100 - len(taken)
    filled = quota.take_any(rest)
    assert len(filled) == 100 - len(taken) and quota.missing == 0


def test_one_group_needs_no_cells():
    children, groups = real_children()
    calibration = GroupCalibration.learn(coded_columns(children, Schema.infer(children)), np.full(len(groups), "all"))
    assert calibration.cells is None
    quota = calibration.quota("all", 10, np.random.default_rng(0))
    taken, _ = quota.take(children.head(25))
    assert len(taken) == 10 and quota.missing == 0 and Quota(3).take_any(children.head(2)).shape[0] == 2
