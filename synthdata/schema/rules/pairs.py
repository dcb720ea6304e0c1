"""Finding pairs of numeric columns that are equal, or ordered, on every row or on most.

Two counts of a credit file agree on 98% of applicants; "open" accounts never exceed
"total" accounts; credit utilised stays within the limit on 98.4% of loans. Every pair is screened at once on the screening rows (an array of
rows x columns x columns), and the few candidates are confirmed on all rows.

Chance is the guard: a rule is kept only when it is a property of the rows, not of
the columns' scales. Age is above years of education on every Adult row, but it
would be just as much above another person's; two mostly-zero counts are equal on
most rows because both are zero. So a pair counts only when, with one column's
values shuffled across rows, the rule would fail often (`MAX_CHANCE_SHARE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthdata.schema.rules.numbers import MIN_ROWS, NumericColumns

# Equal on at least this share of rows (and not on all): an `equal_share` rule.
MIN_EQUAL_SHARE = 0.9
# Ordered on at least this share of rows (and not on all): an ordering on a share.
MIN_ORDER_SHARE = 0.95
# Shuffled across rows, the rule must fail on at least 1 - this share of pairs.
MAX_CHANCE_SHARE = 0.9
# Equal by chance (both mostly zero) on at most this share of shuffled pairs.
MAX_CHANCE_EQUAL = 0.5
# Cells of one screening array (rows x columns x columns): 20 million, a few hundred MB.
MAX_SCREENED_CELLS = 20_000_000


@dataclass(frozen=True)
class PairRule:
    """`first` equals (or is at most) `second` on `share` of rows holding both."""

    first: int
    second: int
    kind: str  # "equal" or "at_most"
    share: float


def pair_rules(numbers: NumericColumns, excluded: set[int]) -> list[PairRule]:
    """Equalities and orderings, on all rows or on a share, confirmed on all rows."""
    count = numbers.screen.shape[1]
    if count < 2:
        return []
    # rows x columns x columns at once: fewer screening rows on wide tables bound the memory
    screen = numbers.screen[: max(MIN_ROWS + 14, MAX_SCREENED_CELLS // count**2)]
    shuffled = screen[np.random.default_rng(2).permutation(len(screen))]
    slack = numbers.half_steps[:, None] + numbers.half_steps[None, :]
    left, right = screen[:, :, None], screen[:, None, :]
    both = ~np.isnan(left) & ~np.isnan(right)
    rows = both.sum(axis=0)
    with np.errstate(invalid="ignore"):
        tolerance = slack + 1e-9 * np.fmax(np.abs(left), np.abs(right))
        equal = (np.abs(left - right) <= tolerance) & both
        at_most = (left <= right + tolerance) & both
        chance_both = ~np.isnan(shuffled[:, :, None]) & ~np.isnan(right)
        chance_equal = (np.abs(shuffled[:, :, None] - right) <= tolerance) & chance_both
        chance_at_most = (shuffled[:, :, None] <= right + tolerance) & chance_both
    enough = rows >= MIN_ROWS
    chance_rows = np.maximum(chance_both.sum(axis=0), 1)
    equal_share = equal.sum(axis=0) / np.maximum(rows, 1)
    order_share = at_most.sum(axis=0) / np.maximum(rows, 1)
    unlikely_equal = chance_equal.sum(axis=0) / chance_rows <= MAX_CHANCE_EQUAL
    unlikely_order = chance_at_most.sum(axis=0) / chance_rows <= MAX_CHANCE_SHARE
    found: list[PairRule] = []
    for first, second in zip(*np.nonzero(enough & (equal_share >= MIN_EQUAL_SHARE) & unlikely_equal), strict=True):
        if first < second and first not in excluded and second not in excluded:
            share = _confirmed_share(numbers, first, second, "equal")
            if share is not None and share >= MIN_EQUAL_SHARE:
                found.append(PairRule(int(first), int(second), "equal", share))
    ordered = enough & (order_share >= MIN_ORDER_SHARE) & (equal_share < MIN_EQUAL_SHARE) & unlikely_order
    every_row = enough & (order_share == 1.0) & (equal_share < 1.0) & unlikely_order
    for first, second in zip(*np.nonzero(ordered | every_row), strict=True):
        if first != second and first not in excluded and second not in excluded:
            share = _confirmed_share(numbers, first, second, "at_most")
            if share is not None and share >= MIN_ORDER_SHARE:
                found.append(PairRule(int(first), int(second), "at_most", share))
    return found


def _confirmed_share(numbers: NumericColumns, first: int, second: int, kind: str) -> float | None:
    """The rule's share on all rows holding both columns (None with too few rows)."""
    left, right = numbers.values[:, first], numbers.values[:, second]
    both = ~np.isnan(left) & ~np.isnan(right)
    if both.sum() < MIN_ROWS:
        return None
    left, right = left[both], right[both]
    tolerance = numbers.half_steps[first] + numbers.half_steps[second] + 1e-9 * np.fmax(np.abs(left), np.abs(right))
    holds = np.abs(left - right) <= tolerance if kind == "equal" else left <= right + tolerance
    return float(holds.mean())
