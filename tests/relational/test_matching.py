"""Children of every group drawn together, matched by group, and the short groups drawn alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.binning import coded_columns
from synthdata.relational.group_quotas import GroupCalibration
from synthdata.relational.matching import draw_children
from synthdata.relational.table_model import GROUP_COLUMN
from synthdata.schema import Schema


class UntrainedModel:
    """A child model that learned nothing: kinds and groups uniform, whatever it is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, str | None]] = []

    def rows(self, n: int, *, group: str | None, seed: int, with_group: bool = False) -> pd.DataFrame:
        self.asked.append((n, group))
        rng = np.random.default_rng(seed)
        rows = pd.DataFrame({"kind": rng.choice(["prenatal", "checkup"], n), "cost": rng.normal(100, 10, n)})
        return rows.assign(**{GROUP_COLUMN: rng.choice(["men", "women"], n)}) if with_group else rows


def test_every_group_gets_its_children_with_the_real_shares():
    rng = np.random.default_rng(0)
    groups = rng.choice(["men", "women"], 3000)
    kind = np.where(groups == "women", rng.choice(["prenatal", "checkup"], 3000, p=[0.4, 0.6]), "checkup")
    children = pd.DataFrame({"kind": kind, "cost": rng.normal(100, 10, 3000)})
    calibration = GroupCalibration.learn(coded_columns(children, Schema.infer(children)), groups)
    model = UntrainedModel()
    drawn = draw_children(model, {"men": 1500, "women": 500}, calibration, rng=rng, seed_of=lambda i, r: 100 * i + r)
    assert len(drawn["men"]) == 1500 and len(drawn["women"]) == 500
    assert (drawn["men"]["kind"] == "prenatal").mean() < 0.01
    assert abs((drawn["women"]["kind"] == "prenatal").mean() - 0.4) < 0.05
    assert list(drawn["men"].columns) == ["kind", "cost"]
    # Joint draws for both groups, then rounds only for a group they left short (men: 1500 wanted).
    assert model.asked[0] == (4000, None) and {group for n, group in model.asked[1:] if n} <= {None, "men"}
    # Handed out in random order, not sorted by kind.
    assert 0.25 < (drawn["women"]["kind"].iloc[:250] == "prenatal").mean() < 0.55
