"""Whether a table's declared constraints can hold together, checked before any fitting.

Each constraint is checked against the real rows on its own when it is fitted (a
formula the data breaks, a column it names that is missing or holds text). What no
single constraint can see is two of them working against each other: a range on a
total that its formula computes out of the range, bounds that leave an ordering no
room (`a` in 30..40, `b` in 0..5, `a <= b`). The model would then be trained for
minutes and every sampled row rejected. So the real rows (a sample of them) are put
through every constraint's repair, as sampled rows are, and if almost none then holds
every rule, the fit stops with the rules that break and the ones that broke them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError

if TYPE_CHECKING:
    from synthdata.schema.constraints.chain import ConstraintChain

# Real rows the check runs on, and the share of them that must hold every rule after
# all the repairs: below it, rejection would keep almost nothing.
CHECKED_ROWS = 10_000
MIN_HOLDING_SHARE = 0.01


def check_feasible(chain: ConstraintChain, df: pd.DataFrame) -> None:
    """Raise SchemaError when, repaired by every constraint of the fitted `chain`, fewer than
    `MIN_HOLDING_SHARE` of the real rows hold them all."""
    present = [constraint for constraint in chain.constraints if constraint.present_in(df)]
    if not present or df.empty:
        return
    rows = df if len(df) <= CHECKED_ROWS else df.sample(CHECKED_ROWS, random_state=0)
    repaired = chain.repair(rows.reset_index(drop=True), rng=np.random.default_rng(0))
    holding = {constraint: constraint.is_valid(repaired).to_numpy() for constraint in present}
    if np.logical_and.reduce(list(holding.values())).mean() >= MIN_HOLDING_SHARE:
        return
    broken = sorted(present, key=lambda constraint: holding[constraint].mean())[0]
    others = [
        constraint.describe()
        for constraint in present
        if constraint is not broken and set(constraint.columns) & set(broken.columns)
    ]
    against = f" by {', '.join(repr(name) for name in others)}" if others else ""
    raise SchemaError(
        f"The constraints cannot hold together: once each is applied, '{broken.describe()}' is broken on "
        f"{1 - holding[broken].mean():.0%} of the real rows{against}; widen a bound or drop one of them."
    )
