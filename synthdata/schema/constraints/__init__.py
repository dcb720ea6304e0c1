"""Rules every generated row obeys, built into what the model learns where possible.

Each constraint type lives in its own module; this package maps the `type:` names
of schema files to their classes. See `base` for what a constraint does and
`chain` for how a table's constraints run together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthdata.errors import SchemaError
from synthdata.schema.constraints.base import Constraint
from synthdata.schema.constraints.bounds import Negative, Positive, Range
from synthdata.schema.constraints.chain import ConstraintChain
from synthdata.schema.constraints.checks import NotNull, Regex, Unique
from synthdata.schema.constraints.clock_time import ClockTime
from synthdata.schema.constraints.combinations import FixedCombinations
from synthdata.schema.constraints.equal_share import EqualShare
from synthdata.schema.constraints.formula import Formula
from synthdata.schema.constraints.inequality import Inequality
from synthdata.schema.constraints.null_if import NullIf
from synthdata.schema.constraints.rare_values import RareValues

CONSTRAINT_TYPES: dict[str, type[Constraint]] = {
    cls.type: cls
    for cls in (
        Range,
        Positive,
        Negative,
        Inequality,
        FixedCombinations,
        Unique,
        NotNull,
        Regex,
        Formula,
        NullIf,
        EqualShare,
        RareValues,
        ClockTime,
    )
}


def constraint_from_dict(data: Mapping[str, Any] | Constraint) -> Constraint:
    """A constraint from its schema-file mapping (with learned state when `fitted` is there)."""
    if isinstance(data, Constraint):
        return data
    if not isinstance(data, Mapping) or data.get("type") not in CONSTRAINT_TYPES:
        kind = data.get("type") if isinstance(data, Mapping) else data
        raise SchemaError(f"Unknown constraint {kind!r}; use one of: {', '.join(sorted(CONSTRAINT_TYPES))}.")
    options = {key: value for key, value in data.items() if key not in ("type", "fitted")}
    constraint = CONSTRAINT_TYPES[data["type"]].from_options(options)
    if "fitted" in data:
        try:
            constraint.restore(data["fitted"])
        except (KeyError, TypeError, ValueError) as error:
            raise SchemaError(
                f"Constraint '{constraint.describe()}' has damaged learned state ({error}); fit again."
            ) from None
        constraint.fitted_ = True
    return constraint


__all__ = [
    "CONSTRAINT_TYPES",
    "ClockTime",
    "Constraint",
    "ConstraintChain",
    "EqualShare",
    "FixedCombinations",
    "Formula",
    "Inequality",
    "Negative",
    "NotNull",
    "NullIf",
    "Positive",
    "Range",
    "RareValues",
    "Regex",
    "Unique",
    "constraint_from_dict",
]
