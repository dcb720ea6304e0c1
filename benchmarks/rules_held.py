"""How many rows of each table hold each rule synthdata's schema found inside the real rows.

The rules are those inferred on the training rows (sums, orderings, shares, structural
nulls, values a column fixes...). Each is checked on every table the same way: the real
hold-out, and each system's rows. An exact rule is checked as its constraint checks it
(within the columns' rounding); a rule that holds on a share of real rows (an ordering
on 98.4% of them, two counts equal on 98%, a sum on 99.9%) is checked by its `held_share`,
since its constraint passes every row: the point is how close each system comes to the real share.
"""

from __future__ import annotations

import pandas as pd
from data_split import Split
from result_files import markdown_table, number

from synthdata.schema import Schema
from synthdata.schema.constraints import Constraint, RareValues


def found_rules(split: Split) -> list[Constraint]:
    """The rules of the split's schema, fitted on the training rows (rare values are not row rules)."""
    schema = Schema.from_dict(split.schema.to_dict())
    schema.fit_constraints(split.train)
    return [constraint for constraint in schema.constraints if not isinstance(constraint, RareValues)]


def share_holding(constraint: Constraint, rows: pd.DataFrame) -> float | None:
    """The share of `rows` holding `constraint` (None when `rows` lack its columns)."""
    if not all(name in rows.columns for name in constraint.columns):
        return None
    if constraint.share is not None:
        return constraint.held_share(rows)
    return float(constraint.is_valid(rows).mean())


def rules_markdown(rules: list[Constraint], shares: dict[str, list[float | None]]) -> str:
    """One row per rule: the share of rows holding it in each table (`shares` by table label)."""
    header = ["rule", *shares]
    lines = [
        [f"`{rule.describe()[:90]}`", *(number(values[index]) for values in shares.values())]
        for index, rule in enumerate(rules)
    ]
    return markdown_table(header, lines)


def rules_payload(rules: list[Constraint], shares: dict[str, list[float | None]]) -> list[dict]:
    """The same as `rules_markdown`, for a result file's JSON."""
    return [
        {"rule": rule.describe(), "shares": {label: values[index] for label, values in shares.items()}}
        for index, rule in enumerate(rules)
    ]
