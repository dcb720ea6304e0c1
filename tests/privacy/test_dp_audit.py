"""An empirical privacy audit: a canary row, and a membership attack on the released model.

The canary is a patient-like row with an age no other row comes near. The attack reads
what a model publishes (its file's column bounds and 2,000 sampled rows) and says
"member" when anything reaches past 1,000 years. Against a plain fit it always wins
(the inferred schema stores the canary's age as the maximum); against DP fits with and
without the canary its advantage TPR - FPR must stay within what (epsilon, delta)-DP
allows any test: (e^epsilon - 1 + 2 delta) / (e^epsilon + 1).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from synthdata import TabularGAN

EPSILON = 1.0
CANARY_AGE = 1_000_000
SEEDS = range(4)


@pytest.fixture(scope="module")
def tables(adult) -> tuple[pd.DataFrame, pd.DataFrame]:
    without = adult[["age", "hours-per-week", "sex"]].sample(400, random_state=1).reset_index(drop=True)
    canary = pd.DataFrame({"age": [CANARY_AGE], "hours-per-week": [40], "sex": [without["sex"].iloc[0]]})
    return without, pd.concat([without, canary], ignore_index=True)


def says_member(model: TabularGAN) -> bool:
    published = max(float(model.schema_.columns["age"].max), float(model.sample(2000)["age"].max()))
    return published > 1000


def advantage(member_calls: list[bool], outsider_calls: list[bool]) -> float:
    return sum(member_calls) / len(member_calls) - sum(outsider_calls) / len(outsider_calls)


def test_the_attack_finds_the_canary_in_a_plain_fit(tables):
    without, with_canary = tables
    options = {"epochs": 1, "calibrate": False, "refine": False, "redraw": False, "verbose": False}
    assert says_member(TabularGAN(**options).fit(with_canary))
    assert not says_member(TabularGAN(**options).fit(without))


def test_the_attack_advantage_on_dp_fits_stays_within_epsilon(tables):
    without, with_canary = tables
    fits = {
        name: [
            TabularGAN(epsilon=EPSILON, epochs=1, batch_size=100, seed=seed, verbose=False).fit(table) for seed in SEEDS
        ]
        for name, table in (("with", with_canary), ("without", without))
    }
    delta = fits["with"][0].privacy_["delta"]
    bound = (math.exp(EPSILON) - 1 + 2 * delta) / (math.exp(EPSILON) + 1)
    measured = advantage([says_member(m) for m in fits["with"]], [says_member(m) for m in fits["without"]])
    assert measured <= bound
