"""Drawing the children of every parent group: one draw for all groups, then each short group alone.

A child's model has learned the parent group as a column like any other, so one
unconditional draw yields candidates of every group in the model's own mix (the
joint it learned, which a GAN gets right sooner than what it makes under a fixed
condition). Each candidate goes to the group it was drawn with, as far as the
group's quota (`calibration.Quota`) still wants it. A group left short is then drawn
on its own, conditioned on the group, in rounds sized by how often its missing cells
came up; what is still missing after the last round takes the group's own spare
candidates, then anyone's, so every parent gets all its children.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from synthdata.relational.calibration import GroupCalibration
from synthdata.relational.table_model import GROUP_COLUMN, TableModel

# Candidates per child wanted in the joint draw and a group's first round; later rounds
# are sized by how often the missing cells came up, within MAX_ROUND per child wanted.
OVERSAMPLING = 2
MAX_ROUND = 8
MIN_ROUND = 50
MAX_ROUNDS = 3


def draw_children(
    model: TableModel,
    needed: Mapping[str, int],
    calibration: GroupCalibration,
    *,
    rng: np.random.Generator,
    seed_of: Callable[[int, int], int],
) -> dict[str, pd.DataFrame]:
    """`needed[g]` child rows for each group g, in random order.

    `seed_of(i, r)` is the seed of round r of draw i (0: the joint draw, then the groups in turn).
    """
    quotas = {group: calibration.quota(group, n, rng) for group, n in needed.items() if n > 0}
    kept: dict[str, list[pd.DataFrame]] = {group: [] for group in needed}
    spare: dict[str, list[pd.DataFrame]] = {group: [] for group in needed}
    anyone: list[pd.DataFrame] = []
    joint = model.rows(OVERSAMPLING * max(sum(needed.values()), MIN_ROUND), group=None, seed=seed_of(0, 0), with_group=True)
    for group, candidates in _by_group(joint, quotas):
        if group in quotas:
            taken, rest = quotas[group].take(candidates)
            kept[group].append(taken)
            spare[group].append(rest)
        else:
            anyone.append(candidates)
    for index, (group, quota) in enumerate(quotas.items(), start=1):
        size = OVERSAMPLING * max(quota.missing, MIN_ROUND)
        for round_index in range(MAX_ROUNDS):
            missing = quota.missing
            if not missing:
                break
            taken, rest = quota.take(model.rows(size, group=group, seed=seed_of(index, round_index)))
            kept[group].append(taken)
            spare[group].append(rest)
            size = min(MAX_ROUND * max(missing, MIN_ROUND), int(size * missing / max(len(taken), 1) * 1.5) + MIN_ROUND)
        pool = spare[group] + anyone
        if quota.missing and pool:
            kept[group].append(quota.take_any(pd.concat(pool, ignore_index=True)))
    empty = model.rows(0, group=None, seed=seed_of(0, 0))
    return {
        group: _shuffled(pd.concat([empty, *kept[group]], ignore_index=True), rng) for group in needed
    }


def _by_group(candidates: pd.DataFrame, quotas: Mapping[str, object]):
    """(group, rows without the group column) for the candidates of each group drawn."""
    if GROUP_COLUMN not in candidates.columns:
        # A model without groups serves the one group there is.
        yield (next(iter(quotas)) if len(quotas) == 1 else None), candidates
        return
    for group, rows in candidates.groupby(GROUP_COLUMN, sort=False):
        yield str(group), rows.drop(columns=[GROUP_COLUMN])


def _shuffled(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    return rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
