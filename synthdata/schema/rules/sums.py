"""Finding exact linear identities between numeric columns: totals, balances, parts.

A total is the sum of its parts (Ames' ground living area is first floor plus second
floor plus low-quality area); a balance is an amount less what was paid. Such an
identity, Σ c_i x_i = 0 with every c_i = ±1 over three or four columns, is found
without trying every combination on every row:

1. the screening rows (complete on the columns taking part) are folded into a few
   random projections, so each column becomes `PROJECTIONS` numbers and an identity
   over rows is an identity between those numbers;
2. on the first projection, single columns are matched against sums of two
   (a = b + c, which is also b = a - c), and differences of two against sums of
   two (a = b + c + d, a + b = c + d), by sorting and a window as wide as the
   rounding allows: candidates in O(p² log p), not O(p⁴);
3. candidates are checked on the other projections, then row by row on the
   screening rows, then on every row holding all their columns.

A column that is zero nearly everywhere, or equal to another, would join any
identity for free; such columns do not take part in the search (equalities are found
separately, see `pairs`). A sparse column can still complete one: a loan's late fees,
paid on 0.5% of loans, are part of its total paid (`paid_total = paid_principal +
paid_interest + paid_late_fees`). So the search runs again on the rows where every
sparse column is zero, and an identity found there that fails on the other rows is
offered each sparse column as one more term, kept only if it then holds on every row. The determined column is the largest in scale that no other rule
already rebuilds: a total is computed from its parts.

Some identities hold on most rows, not all: a loan's balance is its amount less the
principal paid on every loan but the charged-off ones, whose balance is written off.
One miss among the screening rows breaks every projection, so the search runs on small
random subsets of them instead (`SHARE_TRIALS` of `SHARE_TRIAL_ROWS` rows, each likely
free of misses), and a candidate is kept when it holds on at least `MIN_SHARE` of the
screening rows and then of all rows, and no shorter rules explain it (`_composite`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from synthdata.schema.rules.numbers import MIN_ROWS, NumericColumns

PROJECTIONS = 4
# Candidate pairs kept from the window on the first projection (bounds time on
# columns that repeat each other's values).
MAX_CANDIDATES = 200_000
# Columns nonzero on fewer screening rows than this share take no part: they would
# join any identity while they are zero.
MIN_NONZERO_SHARE = 0.05
# Columns present on fewer screening rows than this share take no part (see `_mostly_present`).
MIN_PRESENT_SHARE = 0.9
# An identity on a share of rows: it must hold on at least this share of them, as two
# columns must to be equal on a share (`pairs.MIN_EQUAL_SHARE`). Below it the misses
# are no longer exceptions to a rule but a second population, better learned as it is.
MIN_SHARE = 0.9
# Subsets of screening rows searched for identities on a share: each is free of misses
# with chance at least 0.9 ** 8 = 0.43, so all ten miss an identity on 90% of rows with
# chance at most 0.57 ** 10 = 0.4%, and one on 99% almost never.
SHARE_TRIALS = 10
SHARE_TRIAL_ROWS = 8
# A candidate goes on to all rows when it holds on this much less than `MIN_SHARE` of
# the screening rows (512 of them: a share's sampling error there is about 0.013).
SCREEN_MARGIN = 0.04


@dataclass(frozen=True)
class Identity:
    """Σ coefficient * column = 0 on every row holding all the columns."""

    terms: tuple[tuple[int, int], ...]  # (column index, +1 or -1), sorted by index

    @property
    def columns(self) -> list[int]:
        return [index for index, _ in self.terms]


@dataclass(frozen=True)
class ShareIdentity(Identity):
    """An identity that holds on `share` of the rows holding all its columns (not on all)."""

    share: float = 1.0


def linear_identities(numbers: NumericColumns, excluded: set[int]) -> list[Identity]:
    """Identities over three or four columns, fewest columns first, each confirmed on all rows."""
    usable, rows = _search_rows(numbers, excluded)
    if len(usable) < 3 or len(rows) < MIN_ROWS:
        return []
    weights = np.random.default_rng(1).standard_normal((PROJECTIONS, len(rows)))
    folded = weights @ rows  # PROJECTIONS x columns
    found = _candidates(folded, weights, numbers.half_steps[usable], usable)
    confirmed = [identity for identity in found if _holds(identity, numbers, folded, weights, usable)]
    return sorted(confirmed, key=lambda identity: len(identity.terms))


def share_identities(numbers: NumericColumns, excluded: set[int]) -> list[ShareIdentity]:
    """Identities that hold on at least `MIN_SHARE` of rows but not on all, fewest columns
    and then highest share first, each share measured on all rows (see the module docstring)."""
    usable, rows = _search_rows(numbers, excluded)
    if len(usable) < 3 or len(rows) < MIN_ROWS:
        return []
    rng = np.random.default_rng(4)
    found: list[Identity] = []
    for _ in range(SHARE_TRIALS):
        subset = rows[rng.choice(len(rows), SHARE_TRIAL_ROWS, replace=False)]
        weights = rng.standard_normal((PROJECTIONS, len(subset)))
        found.extend(_candidates(weights @ subset, weights, numbers.half_steps[usable], usable))
    kept = []
    for identity in dict.fromkeys(found):
        screened = _share_holding(identity, numbers, numbers.screen)
        if screened is None or screened < MIN_SHARE - SCREEN_MARGIN:
            continue
        share = _share_holding(identity, numbers, numbers.values)
        if share is not None and MIN_SHARE <= share < 1.0:
            kept.append(ShareIdentity(identity.terms, share))
    return sorted(kept, key=lambda identity: (len(identity.terms), -identity.share))


def _search_rows(numbers: NumericColumns, excluded: set[int]) -> tuple[list[int], np.ndarray]:
    """The columns taking part in the search, and the screening rows complete on them."""
    usable = [
        index
        for index in range(len(numbers.names))
        if index not in excluded and _varies(numbers.screen[:, index]) and _mostly_present(numbers.screen[:, index])
    ]
    rows = numbers.screen[:, usable]
    return usable, rows[~np.isnan(rows).any(axis=1)]


def _candidates(folded: np.ndarray, weights: np.ndarray, steps: np.ndarray, usable: list[int]) -> list[Identity]:
    """Identities between the folded columns (`folded` = `weights` @ rows) within their
    rounding on every projection, distinct, with column positions mapped back through `usable`."""
    window = np.abs(weights).sum(axis=1)[0] * (4 * steps.max()) + 1e-7 * np.abs(folded[0]).max()
    count = folded.shape[1]
    first, second = np.triu_indices(count, k=1)
    sums = folded[:, first] + folded[:, second]
    left, right = np.nonzero(~np.eye(count, dtype=bool))
    differences = folded[:, left] - folded[:, right]
    found: list[Identity] = []
    # a = b + c
    single, pair = _close(folded[0], sums[0], window)
    shapes = [([single, first[pair], second[pair]], [1, -1, -1])]
    # a - b = c + d, and a + b = c + d
    difference, pair = _close(differences[0], sums[0], window)
    shapes.append(([left[difference], right[difference], first[pair], second[pair]], [1, -1, -1, -1]))
    one, other = _close(sums[0], sums[0], window)
    ordered = one < other
    shapes.append(
        ([first[one[ordered]], second[one[ordered]], first[other[ordered]], second[other[ordered]]], [1, 1, -1, -1])
    )
    for positions, signs in shapes:
        matrix = np.column_stack(positions) if len(positions[0]) else np.zeros((0, len(signs)), dtype=np.int64)
        for row in matrix[_on_every_projection(matrix, np.array(signs, dtype=np.float64), folded, weights, steps)]:
            _keep(found, list(zip(row.tolist(), signs, strict=True)), usable)
    return list(dict.fromkeys(found))


def _share_holding(identity: Identity, numbers: NumericColumns, values: np.ndarray) -> float | None:
    """The share of `values`' rows (complete on the identity's columns) holding it within
    the rounding; None with too few rows, or when shorter rules explain it (`_composite`)."""
    involved = values[:, identity.columns]
    involved = involved[~np.isnan(involved).any(axis=1)]
    if len(involved) < MIN_ROWS:
        return None
    signs = np.array([sign for _, sign in identity.terms], dtype=np.float64)
    holds = np.abs(involved @ signs) <= numbers.slack(identity.columns, np.abs(involved).max(axis=1))
    if not holds.any() or _composite(involved[holds] * signs):
        return None
    return float(holds.mean())


def _composite(terms: np.ndarray) -> bool:
    """Whether the rows holding an identity (its signed terms) hold shorter rules instead.

    Two counts equal on most rows, plus a column zero on most rows, are a sum on most rows
    too; so are two pairs of counts each equal on most rows (open = satisfactory on 98% of
    loans, bankruptcies = failures to pay on 97%). Such an identity is dropped when a term
    is zero on nearly all the rows holding it, or when its terms split into two pairs that
    each cancel on most of them.
    """
    if np.any(np.mean(terms != 0, axis=0) < MIN_NONZERO_SHARE):
        return True
    if terms.shape[1] < 4:
        return False
    return any(
        np.mean((terms[:, 0] + terms[:, other] == 0) & (terms.sum(axis=1) - terms[:, 0] - terms[:, other] == 0)) > 0.5
        for other in (1, 2, 3)
    )


def identities_with_sparse_terms(numbers: NumericColumns, excluded: set[int]) -> list[Identity]:
    """Identities that need a column which is zero on nearly every row (see the module docstring)."""
    sparse = [
        index for index in range(len(numbers.names)) if index not in excluded and _sparse(numbers.values[:, index])
    ]
    if not sparse:
        return []
    zero = np.all(np.nan_to_num(numbers.values[:, sparse]) == 0, axis=1)
    rows = np.flatnonzero(zero)
    screen = np.random.default_rng(3).permutation(rows)[: len(numbers.screen)]
    on_zero_rows = replace(numbers, values=numbers.values[rows], screen=numbers.values[np.sort(screen)])
    found = []
    for identity in linear_identities(on_zero_rows, excluded | set(sparse)):
        if len(identity.terms) >= 4 or _holds_on_every_row(identity, numbers):
            continue
        for column in sparse:
            for sign in (1, -1):
                completed = _normalized([*identity.terms, (column, sign)])
                if _holds_on_every_row(completed, numbers):
                    found.append(completed)
                    break
            else:
                continue
            break
    return found


def _sparse(values: np.ndarray) -> bool:
    """Nonzero on a few rows (at least 5), too few to take part in the search."""
    present = values[~np.isnan(values)]
    nonzero = int(np.count_nonzero(present))
    return present.size > 0 and nonzero >= 5 and nonzero / present.size < MIN_NONZERO_SHARE


def _holds_on_every_row(identity: Identity, numbers: NumericColumns) -> bool:
    signs = np.array([sign for _, sign in identity.terms], dtype=np.float64)
    involved = numbers.values[:, identity.columns]
    involved = involved[~np.isnan(involved).any(axis=1)]
    if len(involved) < MIN_ROWS:
        return False
    residual = np.abs(involved @ signs)
    return bool(np.all(residual <= numbers.slack(identity.columns, np.abs(involved).max(axis=1))))


def _normalized(terms: list[tuple[int, int]]) -> Identity:
    """Terms sorted by column with the first positive, so the same identity compares equal."""
    terms = sorted(terms)
    if terms[0][1] < 0:
        terms = [(index, -sign) for index, sign in terms]
    return Identity(tuple(terms))


def _mostly_present(values: np.ndarray) -> bool:
    """Columns empty on many rows stay out: the search needs rows complete on every column
    taking part, and a loan table's joint incomes and months since a late payment, empty
    on most rows, would leave too few."""
    return bool(np.mean(~np.isnan(values)) >= MIN_PRESENT_SHARE)


def _varies(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    return present.size > 0 and np.mean(present != 0) >= MIN_NONZERO_SHARE and np.unique(present).size > 1


def _close(values: np.ndarray, others: np.ndarray, window: float) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (i, j) of the pairs with |values[i] - others[j]| <= window."""
    order = np.argsort(others, kind="stable")
    ordered = others[order]
    starts = np.searchsorted(ordered, values - window, side="left")
    stops = np.searchsorted(ordered, values + window, side="right")
    lengths = stops - starts
    if lengths.sum() > MAX_CANDIDATES:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    mine = np.repeat(np.arange(len(values)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return mine, order[np.repeat(starts, lengths) + offsets]


def _on_every_projection(
    positions: np.ndarray, signs: np.ndarray, folded: np.ndarray, weights: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """Per candidate (a row of column positions), whether the signed sum is within its
    rounding on every projection: the first check of `_holds`, for all candidates at once."""
    if not len(positions):
        return np.zeros(0, dtype=bool)
    values = folded[:, positions]  # projections x candidates x terms
    residual = np.abs(values @ signs)
    bound = (
        np.abs(weights).sum(axis=1)[:, None] * steps[positions].sum(axis=1)[None, :]
        + 1e-7 * np.abs(values).sum(axis=2)
        + 1e-9
    )
    return np.all(residual <= bound, axis=0)


def _keep(found: list[Identity], terms: list[tuple[int, int]], usable: list[int]) -> None:
    """Add the identity when its columns are distinct (positions in `usable` mapped back)."""
    if len({position for position, _ in terms}) != len(terms):
        return
    found.append(_normalized([(usable[int(position)], sign) for position, sign in terms]))


def _holds(identity: Identity, numbers: NumericColumns, folded, weights, usable: list[int]) -> bool:
    positions = [usable.index(index) for index in identity.columns]
    signs = np.array([sign for _, sign in identity.terms], dtype=np.float64)
    projected = folded[:, positions] @ signs
    scale = np.abs(folded[:, positions]).sum(axis=1)
    bound = np.abs(weights).sum(axis=1) * numbers.half_steps[identity.columns].sum() + 1e-7 * scale + 1e-9
    if np.any(np.abs(projected) > bound):
        return False
    for values in (numbers.screen, numbers.values):
        involved = values[:, identity.columns]
        present = ~np.isnan(involved).any(axis=1)
        if present.sum() < MIN_ROWS:
            return False
        involved = involved[present]
        residual = np.abs(involved @ signs)
        if np.any(residual > numbers.slack(identity.columns, np.abs(involved).max(axis=1))):
            return False
    # every term must matter: nonzero somewhere (else a shorter identity says the same)
    return bool(np.all((numbers.values[:, identity.columns] != 0).sum(axis=0) >= 5))
