"""Does a table fit its schema? Every problem counted, with the first offending rows.

Used before fitting (is this the table the schema describes?) and after sampling
or seeding (does the output keep the rules?). Columns are checked against their
kind (numbers parse, dates read in their format, ids match their pattern, keys are
unique and present), against declared values and bounds, and every constraint is
asked which rows break it (a rule on a share of rows, how many rows hold it). Nothing
is fixed here; the report says what and where.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema.column import Column
from synthdata.schema.constraints import Constraint, ConstraintChain, constraint_from_dict
from synthdata.schema.constraints.values import NumberView
from synthdata.schema.dates import parse_one
from synthdata.schema.patterns import bounded_pattern, fullmatches
from synthdata.schema.string_shapes import UUID
from synthdata.wording import plural

if TYPE_CHECKING:
    from synthdata.schema.table import Schema

# Offending rows listed per problem.
FIRST_ROWS = 5
# A rule on a share of rows is reported when the data holds it on this much less (at least).
SHARE_MARGIN = 0.01


@dataclass
class Problem:
    """One way the table breaks the schema: where, what, how often, first rows."""

    where: str
    kind: str
    message: str
    count: int = 0
    rows: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        rows = f" (first rows: {', '.join(map(str, self.rows))})" if self.rows else ""
        return f"{self.where}: {self.message}{rows}"


@dataclass
class ValidationReport:
    """All problems found; `ok` when there are none."""

    rows: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "ok": self.ok, "problems": [asdict(problem) for problem in self.problems]}

    def __str__(self) -> str:
        if self.ok:
            return f"{plural(self.rows, 'row')}: valid"
        lines = [f"{plural(self.rows, 'row')}, {plural(len(self.problems), 'problem')}:"]
        return "\n".join(lines + [f"  {problem}" for problem in self.problems])


def validate_table(schema: Schema, df: pd.DataFrame) -> ValidationReport:
    """Check `df` against `schema` (see the module docstring)."""
    if not isinstance(df, pd.DataFrame):
        raise SynthDataError(f"validate needs a pandas DataFrame, got {type(df).__name__}.")
    report = ValidationReport(rows=len(df))
    table = df.reset_index(drop=True)
    missing = [name for name in schema.columns if name not in table.columns]
    unknown = [str(name) for name in table.columns if name not in schema.columns]
    if missing:
        report.problems.append(Problem("table", "missing columns", f"columns missing from the data: {missing}"))
    if unknown:
        report.problems.append(Problem("table", "unknown columns", f"columns the schema does not declare: {unknown}"))
    for name, column in schema.columns.items():
        if name in table.columns:
            report.problems.extend(_column_problems(column, table[name], is_key=name == schema.primary_key))
    report.problems.extend(_constraint_problems(schema, table))
    return report


def _column_problems(column: Column, values: pd.Series, *, is_key: bool) -> list[Problem]:
    where = f"column '{column.name}'"
    present = values.notna()
    problems = [_flagged(where, kind, message, mask) for kind, message, mask in _kind_checks(column, values, present)]
    if is_key and not present.all():
        problems.append(_flagged(where, "null key", "primary key values are null", ~present))
    if column.unique or is_key:
        repeated = present & values.duplicated(keep="first")
        problems.append(_flagged(where, "duplicate", "values repeat in a unique column", repeated))
    return [problem for problem in problems if problem is not None]


def _kind_checks(column: Column, values: pd.Series, present: pd.Series) -> list[tuple[str, str, pd.Series]]:
    """(kind, message, rows flagged) for what a value of this kind must look like."""
    checks: list[tuple[str, str, pd.Series]] = []
    if column.type in ("numerical", "integer"):
        numbers = pd.to_numeric(values, errors="coerce")
        checks.append(("type", "values are not numbers", present & numbers.isna()))
        if column.type == "integer":
            checks.append(("type", "values are not whole numbers", numbers.notna() & (numbers != np.round(numbers))))
        checks.extend(_bound_checks(column, numbers.to_numpy(dtype=np.float64, na_value=np.nan), values.index))
    elif column.type == "datetime":
        view = NumberView.learn(values, column)
        numbers = view.to_numbers(values)
        expected = f"in format {column.format!r}" if column.format else "readable as dates"
        unread = present & np.isnan(numbers)
        if column.format and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            # Reading falls back to other formats value by value; the declared one is the contract.
            unread |= present & parse_one(values, column.format).isna()
        checks.append(("type", f"values are not dates {expected}", unread))
        checks.extend(_bound_checks(column, numbers, values.index, view=view))
    elif column.type in ("boolean", "categorical") and column.values:
        allowed = list(column.values)  # a list of values, or the keys of a value -> weight mapping
        checks.append(("value", f"values outside the declared {_shown(allowed)}", present & ~values.isin(allowed)))
    elif column.type == "boolean":
        checks.append(("type", "values are not booleans", present & ~values.isin([True, False])))
    elif column.type == "id":
        checks.extend(_id_checks(column, values, present))
    elif column.type == "constant" and column.value is not None:
        checks.append(
            ("value", f"values differ from the constant {column.value!r}", present & (values != column.value))
        )
    return checks


def _bound_checks(
    column: Column, numbers: np.ndarray, index: pd.Index, *, view: NumberView | None = None
) -> list[tuple[str, str, pd.Series]]:
    checks = []
    for bound, label, below in ((column.min, "min", True), (column.max, "max", False)):
        if bound is None:
            continue
        limit = view.bound_to_number(bound) if view is not None else float(bound)
        with np.errstate(invalid="ignore"):
            outside = numbers < limit if below else numbers > limit
        word = "below" if below else "above"
        checks.append(("range", f"values {word} the declared {label} {bound}", pd.Series(outside, index=index)))
    return checks


def _id_checks(column: Column, values: pd.Series, present: pd.Series) -> list[tuple[str, str, pd.Series]]:
    text = values.astype(str)
    if column.format == "uuid" or (column.format is None and not column.pattern):
        return [("type", "values are not uuids", present & ~text.str.fullmatch(UUID.pattern))]
    if column.pattern:
        compiled = bounded_pattern(column.pattern, what=f"Id column '{column.name}'")
        matches = pd.Series(fullmatches(values, compiled), index=values.index)
        return [("type", f"values do not match the pattern {column.pattern!r}", present & ~matches)]
    numbers = pd.to_numeric(values, errors="coerce")
    return [("type", "sequential ids are not whole numbers", present & (numbers.isna() | (numbers % 1 != 0)))]


def _constraint_problems(schema: Schema, table: pd.DataFrame) -> list[Problem]:
    chain = ConstraintChain(schema.constraints)
    problems = []
    for constraint in chain.constraints:
        where = f"constraint '{constraint.describe()}'"
        if not constraint.present_in(table):
            continue
        if not constraint.fitted:
            constraint = constraint_from_dict(constraint.to_dict())
            try:
                _learn(constraint, schema, table)
            except SynthDataError as error:
                problems.append(Problem(where, "constraint", str(error)))
                continue
        problem = _flagged(where, "constraint", "rows break it", ~constraint.is_valid(table))
        if problem is not None:
            problems.append(problem)
        if constraint.share is not None:
            problems.extend(_share_problems(where, constraint, table))
    return problems


def _share_problems(where: str, constraint: Constraint, table: pd.DataFrame) -> list[Problem]:
    """A rule on a share of rows has real exceptions, so no row breaks it; the data breaks
    it when it holds on far fewer rows than the schema states: by more than a percentage
    point, and by more than chance would on that many rows (three standard errors)."""
    held, stated = constraint.held_share(table), float(constraint.share or 0.0)
    if held is None:
        return []
    present = int(table[constraint.columns].notna().all(axis=1).sum())
    margin = max(SHARE_MARGIN, 3 * np.sqrt(stated * (1 - stated) / max(present, 1)))
    if held >= stated - margin:
        return []
    message = f"holds on {held:.1%} of {plural(present, 'row')}, well below the share the schema states ({stated:.1%})"
    return [Problem(where, "share", message, count=present)]


def _learn(constraint: Constraint, schema: Schema, table: pd.DataFrame) -> None:
    """Fit a copy of an unfitted constraint as a model would: from its declarations
    when they are enough, else from the table being checked (its combinations, its
    dates' units), so a rule learned from data is checked against that data and the
    failures fitting would report are reported here."""
    try:
        constraint.fit(None, columns=schema.columns)
    except SynthDataError:
        constraint.fit(table, columns=schema.columns)


def _flagged(where: str, kind: str, message: str, mask: pd.Series) -> Problem | None:
    flags = np.asarray(mask, dtype=bool)
    count = int(flags.sum())
    if count == 0:
        return None
    rows = np.flatnonzero(flags)[:FIRST_ROWS].tolist()
    return Problem(where, kind, f"{count} {message}", count=count, rows=rows)


def _shown(values: list[Any]) -> str:
    listed = ", ".join(map(repr, values[:8]))
    return f"values ({listed}{', ...' if len(values) > 8 else ''})"
