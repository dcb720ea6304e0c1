"""Finding the exact rules inside each row of a real table, as constraints a schema file lists.

Business tables are full of rules that hold on every row: totals are sums of parts,
an instalment follows from amount, rate and term, "open" never exceeds "total", two
counts agree on most rows, a joint income is empty exactly for individual
applications. A model that learns such columns one by one breaks the rule on most
rows, and a classifier finds every broken rule at once. `discover_rules` finds them
and writes each as a readable constraint the user can edit or delete, of a kind that
keeps the rule by construction:

- `formula` (sums, differences, equalities, products, amortisation, clock arithmetic
  on HHMM times): the determined column is not learned but computed from the sampled ones;
  a sum on a share of rows (a balance that is the amount less the principal paid on all
  loans but the charged-off ones) learns its residual, zero where the sum holds;
- `inequality` (a <= b): the model learns the gap b - a; on a share of rows (98.4%),
  the gap's size and whether the row is an exception;
- `equal_share` (equal on, say, 98% of rows): the model learns the difference, whose
  zeros are a point mass it reproduces at their share;
- `clock_time` (a time of day written HHMM): the model learns minutes since midnight;
- `null_if` (null exactly when another column is, or when a category holds);
- `rare_values` (text with a long tail: values held by few rows made afresh).

Values a discrete column determines (a rate fixed by a grade, a grade that is the
first letter of a sub-grade) are `fixed_combinations`, found in `dependencies`.

Each finder screens on a sample of rows and confirms on all of them (see `numbers`).
A rule is taken only when it fits with those already taken: no column rebuilt by two
rules, no circle of rules rebuilding each other's inputs, and a `null_if` only on a
column no other rule reads or rebuilds (it empties and fills cells last).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints import (
    ClockTime,
    Constraint,
    ConstraintChain,
    EqualShare,
    FixedCombinations,
    Formula,
    Inequality,
    NullIf,
)
from synthdata.schema.rules.clocks import clock_columns, clock_rules
from synthdata.schema.rules.closed_forms import RELATIVE_TOLERANCE, amortisations, expression, products
from synthdata.schema.rules.identifiers import usable_in_expressions
from synthdata.schema.rules.nulls import null_rules
from synthdata.schema.rules.numbers import NumericColumns
from synthdata.schema.rules.pairs import pair_rules
from synthdata.schema.rules.rare import rare_value_rules
from synthdata.schema.rules.sums import Identity, identities_with_sparse_terms, linear_identities, share_identities


def discover_rules(df: pd.DataFrame, columns: dict[str, Column], existing: list[Constraint]) -> list[Constraint]:
    """Constraints for the rules found in `df`, beyond and consistent with `existing`."""
    numbers = NumericColumns.of(df, columns)
    names = numbers.names
    taken = _Taken(list(existing))
    unnamed = {index for index, name in enumerate(names) if not usable_in_expressions(name)}
    pairs = pair_rules(numbers, excluded=set())
    equal = [rule for rule in pairs if rule.kind == "equal" and rule.share == 1.0]
    for rule in equal:
        taken.offer(Formula(column=names[rule.second], expression=names[rule.first]), names, unnamed)
    duplicates = {numbers.index(c.column) for c in taken.found if isinstance(c, Formula)}
    scale = {index: float(pd.Series(numbers.screen[:, index]).abs().median()) for index in range(len(names))}
    identities = linear_identities(numbers, excluded=duplicates)
    for identity in identities + identities_with_sparse_terms(numbers, excluded=duplicates):
        for target in sorted(_can_hold(identity, numbers), key=lambda index: -scale[index]):
            if taken.offer(Formula(column=names[target], expression=_solved(identity, target, names)), names, unnamed):
                break
    exact = [set(c.columns) for c in taken.found if isinstance(c, Formula)]
    input_orderings: list[Inequality] = []
    for identity in share_identities(numbers, excluded=duplicates):
        if any({names[index] for index in identity.columns} <= columns for columns in exact):
            continue  # the exact rule less a term that is zero on most rows: it says no more
        for target in sorted(_can_hold(identity, numbers), key=lambda index: -scale[index]):
            # four places, rounded down: a share is below 1 however few rows miss
            share = math.floor(identity.share * 10_000 + 1e-6) / 10_000
            formula = Formula(column=names[target], expression=_solved(identity, target, names), share=share)
            if _carried(identity, target, numbers) and taken.offer(formula, names, unnamed):
                ordering = _ordered_inputs(identity, target, numbers)
                if ordering is not None:
                    input_orderings.append(Inequality(low=names[ordering[0]], high=names[ordering[1]]))
                break
    for product in products(numbers, excluded=duplicates):
        taken.offer(
            Formula(column=names[product.result], expression=f"{names[product.first]} * {names[product.second]}"),
            names,
            unnamed,
        )
    for loan in amortisations(numbers, excluded=duplicates):
        formula = Formula(column=names[loan.payment], expression=expression(loan, names), tolerance=RELATIVE_TOLERANCE)
        taken.offer(formula, names, unnamed)
    for clock in clock_rules(numbers, excluded=duplicates):
        if (
            not taken.offer(Formula(column=clock.column, expression=clock.expression), names, unnamed)
            and clock.alternative
        ):
            column, text = clock.alternative
            taken.offer(Formula(column=column, expression=text), names, unnamed)
    for index in clock_columns(numbers, excluded=duplicates):
        taken.offer(ClockTime(column=names[index]), names, unnamed)
    for rule in pairs:
        if rule.kind == "equal" and rule.share < 1.0:
            equal_share = EqualShare(column=names[rule.second], equals=names[rule.first], share=round(rule.share, 4))
            taken.offer(equal_share, names, unnamed)
    for rule in sorted((rule for rule in pairs if rule.kind == "at_most"), key=lambda rule: _gap(numbers, rule)):
        stated_share = round(rule.share, 4) if rule.share < 1.0 else None
        taken.offer(Inequality(low=names[rule.first], high=names[rule.second], share=stated_share), names, unnamed)
    # last: where the orderings found above need the same columns, they carry more
    # (an instalment within the principal paid), and the formula's bounds keep its sign
    for input_ordering in input_orderings:
        taken.offer(input_ordering, names, unnamed)
    for null_rule in null_rules(df, columns, excluded=taken.touched()):
        taken.offer(NullIf(column=null_rule.column, condition=null_rule.condition), names, unnamed)
    rebuilt = set().union(*(_rebuilt(c) for c in existing + taken.found))
    # after the null rules, whose repair then draws from values already made afresh
    taken.found.extend(rare for rare in rare_value_rules(df, columns) if rare.column not in rebuilt)
    return taken.found


class _Taken:
    """The rules accepted so far, and whether a new one fits with them."""

    def __init__(self, existing: list[Constraint]) -> None:
        self.existing = existing
        self.found: list[Constraint] = []

    def offer(self, constraint: Constraint, names: list[str], unnamed: set[int]) -> bool:
        """Take `constraint` when it fits with the others (see the module docstring)."""
        if isinstance(constraint, Formula) and any(names.index(c) in unnamed for c in constraint.columns):
            return False
        rebuilt = _rebuilt(constraint)
        everything = self.existing + self.found
        if rebuilt & set().union(*(_rebuilt(c) for c in everything)):
            return False
        if isinstance(constraint, NullIf) and constraint.column in self.touched():
            return False
        if any(isinstance(c, NullIf) and c.column in constraint.columns for c in everything):
            return False
        if rebuilt and _implied(constraint, everything):
            return False
        try:
            ConstraintChain(_as_planned([*everything, constraint])).ordered  # noqa: B018 - raises SchemaError on a circle
        except SchemaError:
            return False
        self.found.append(constraint)
        return True

    def touched(self) -> set[str]:
        return {name for c in self.existing + self.found for name in c.columns}


def _rebuilt(constraint: Constraint) -> set[str]:
    """The columns a constraint takes from the model (before it is fitted)."""
    if isinstance(constraint, Inequality):
        return {constraint.high}
    if isinstance(constraint, (Formula, EqualShare, FixedCombinations, ClockTime)):
        return set(constraint.removes)
    return set()


def _implied(constraint: Constraint, others: list[Constraint]) -> bool:
    """An ordering between a formula's column and one of its inputs adds nothing (the
    formula ties them together); one between two inputs does (see `_ordered_inputs`)."""
    if not isinstance(constraint, Inequality):
        return False
    return any(
        isinstance(other, Formula)
        and {constraint.low, constraint.high} <= set(other.columns)
        and other.column in (constraint.low, constraint.high)
        for other in others
    )


def _ordered_inputs(identity: Identity, target: int, numbers: NumericColumns) -> tuple[int, int] | None:
    """(low, high) when `target` = high - low is never negative in the data and low <= high on every row.

    A balance computed as the amount less the principal paid is negative wherever the model
    draws more principal than amount; the ordering between the two inputs keeps it at or
    above zero. It is a rule of the formula and the balance's sign, not found among the
    orderings, whose guard against chance refuses it: principal paid is far below most
    amounts, so it stays below them when shuffled too.
    """
    sign = dict(identity.terms)[target]
    others = [(index, -coefficient * sign) for index, coefficient in identity.terms if index != target]
    if len(others) != 2 or {coefficient for _, coefficient in others} != {1, -1}:
        return None
    high, low = (index for index, _ in sorted(others, key=lambda term: -term[1]))
    values = numbers.values
    with np.errstate(invalid="ignore"):
        never_negative = not bool((values[:, target] < 0).any())
        ordered = not bool((values[:, low] > values[:, high] + numbers.slack([low, high], values[:, high])).any())
    return (low, high) if never_negative and ordered else None


def _as_planned(constraints: list[Constraint]) -> list[Constraint]:
    """Unfitted inequalities report no removed column; the chain must plan with it."""
    return [_PlannedGap(c) if isinstance(c, Inequality) else c for c in constraints]


class _PlannedGap(Constraint):
    type = "inequality"

    def __init__(self, inequality: Inequality) -> None:
        self.inequality = inequality

    @property
    def columns(self) -> list[str]:
        return self.inequality.columns

    @property
    def removes(self) -> list[str]:
        return [self.inequality.high]

    def describe(self) -> str:
        return self.inequality.describe()


def _can_hold(identity: Identity, numbers: NumericColumns) -> list[int]:
    """The identity's columns that can hold the others' sum as it is (enough decimals)."""
    return [
        target
        for target in identity.columns
        if numbers.decimals[target] >= max(numbers.decimals[other] for other in identity.columns if other != target)
    ]


def _carried(identity: Identity, target: int, numbers: NumericColumns) -> bool:
    """Whether the residual of `target` can carry all its values: none where another
    column of the identity is missing."""
    others = [index for index in identity.columns if index != target]
    values = numbers.values
    return not bool((np.isnan(values[:, others]).any(axis=1) & ~np.isnan(values[:, target])).any())


def _solved(identity: Identity, target: int, names: list[str]) -> str:
    """The identity solved for `target`: `a = b + c - d` written as the schema file shows it."""
    sign = dict(identity.terms)[target]
    parts = [(-coefficient * sign, names[index]) for index, coefficient in identity.terms if index != target]
    parts.sort(key=lambda part: -part[0])
    text = parts[0][1] if parts[0][0] > 0 else f"-{parts[0][1]}"
    for coefficient, name in parts[1:]:
        text += f" {'+' if coefficient > 0 else '-'} {name}"
    return text


def _gap(numbers: NumericColumns, rule) -> float:
    """How tight an ordering is (median gap over the larger column's scale): tightest first."""
    screen = numbers.screen
    gap = pd.Series(screen[:, rule.second] - screen[:, rule.first]).median()
    scale = pd.Series(screen[:, rule.second]).abs().median()
    return float(gap / scale) if scale else float("inf")
