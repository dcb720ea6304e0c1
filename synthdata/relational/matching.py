"""Drawing the children of every parent group: joint draws for all groups, then each short group alone.

A child's model has learned the parent group as a column like any other, so an
unconditional draw yields candidates of every group in the model's own mix (the
joint it learned, which a GAN gets right sooner than what it makes under a fixed
condition, and which costs one decoded row per candidate). Each candidate goes to
the group it was drawn with, as far as the group's quota (`calibration.Quota`) still
wants it. Rounds are sized by how often wanted candidates came up in the last one.
A group left short (a rare one, mostly) is then drawn on its own, conditioned on the
group; what is still missing after that takes the group's own spare candidates, then
anyone's, so every parent gets all its children.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from synthdata.relational.group_quotas import GroupCalibration
from synthdata.relational.table_model import GROUP_COLUMN, TableModel

# Candidates per child wanted in a first round, and at most in a later one; rounds of each kind.
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

    `seed_of(i, r)` is the seed of round r of draw i (0: the joint draws, then the groups in turn).
    """
    quotas = {group: calibration.quota(group, n, rng) for group, n in needed.items() if n > 0}
    kept: dict[str, list[pd.DataFrame]] = {group: [] for group in needed}
    spare: dict[str, list[pd.DataFrame]] = {group: [] for group in needed}
    anyone: list[pd.DataFrame] = []

    def offer(group: str | None, candidates: pd.DataFrame) -> int:
        if group not in quotas:
            anyone.append(candidates)
            return 0
        taken, rest = quotas[group].take(candidates)
        kept[group].append(taken)
        spare[group].append(rest)
        return len(taken)

    rounds = _Rounds(sum(quota.missing for quota in quotas.values()))
    for round_index in range(MAX_ROUNDS):
        if not rounds.missing:
            break
        joint = model.rows(rounds.size, group=None, seed=seed_of(0, round_index), with_group=True)
        found = sum(offer(group, candidates) for group, candidates in _by_group(joint, quotas))
        rounds.update(found, sum(quota.missing for quota in quotas.values()))
    for index, (group, quota) in enumerate(quotas.items(), start=1):
        rounds = _Rounds(quota.missing)
        for round_index in range(MAX_ROUNDS):
            if not rounds.missing:
                break
            found = offer(group, model.rows(rounds.size, group=group, seed=seed_of(index, round_index)))
            rounds.update(found, quota.missing)
        pool = spare[group] + anyone
        if quota.missing and pool:
            kept[group].append(quota.take_any(pd.concat(pool, ignore_index=True)))
    empty = model.rows(0, group=None, seed=seed_of(0, 0))
    return {group: _shuffled(pd.concat([empty, *kept[group]], ignore_index=True), rng) for group in needed}


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


class _Rounds:
    """How many candidates the next round draws: OVERSAMPLING per missing child at first, then as
    many as the last round's rate of finding wanted ones calls for, within MAX_ROUND per child."""

    def __init__(self, missing: int) -> None:
        self.missing = missing
        self.size = OVERSAMPLING * max(missing, MIN_ROUND)

    def update(self, found: int, missing: int) -> None:
        needed = self.size * missing / max(found, 1) * 1.5
        self.size = int(min(MAX_ROUND * max(missing, MIN_ROUND), needed + MIN_ROUND))
        self.missing = missing
