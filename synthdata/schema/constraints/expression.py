"""Formulas and conditions from schema files, parsed into a tree and evaluated safely.

`TOTAL = PRICE * QTY` and `null_if: STATUS == 'active'` are user text; running it
through `eval` would run whatever a schema file says. The text is parsed with `ast`
and only a small grammar is accepted: numbers, column names, + - * / ** // % and
unary minus (floor division and remainder read clock times written HHMM), and for
conditions also strings, comparisons, `is None`, `and`/`or`/`not`.
Anything else (attribute access, calls, subscripts, lambdas) is refused with a
SchemaError. The tree is evaluated column-wise on whole arrays, never row by row.

Arithmetic is on float64 only: Python's integers would let `9**9**9**9` compute for
hours and `'a' * 10**10` fill the memory, where a float overflows to infinity at once.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import TypeGuard

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError

_ARITHMETIC: dict[type, Callable] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
# Formulas and conditions are one line; longer text is not a rule but an attack on the parser.
MAX_LENGTH = 1000

_COMPARISONS: dict[type, Callable] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class Expression:
    """A parsed formula (numbers) or condition (true/false per row)."""

    def __init__(self, text: str, *, condition: bool = False) -> None:
        if not isinstance(text, str) or not text.strip():
            raise SchemaError("An expression must be non-empty text, e.g. 'PRICE * QTY'.")
        self.text = text
        self.condition = condition
        if len(text) > MAX_LENGTH:
            raise SchemaError(f"Expression {text[:40]!r}... is {len(text)} characters long; the most is {MAX_LENGTH}.")
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as error:
            raise SchemaError(f"Expression {text!r} does not parse: {error.msg}.") from None
        except (RecursionError, MemoryError):
            raise SchemaError(f"Expression {text!r} is nested too deeply.") from None
        self._tree = tree.body
        self.columns: list[str] = []
        try:
            self._check(self._tree)
        except RecursionError:
            raise SchemaError(f"Expression {text!r} is nested too deeply.") from None

    def _check(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if node.id.startswith("__") and node.id.endswith("__"):
                self._refuse(node, f"the name {node.id} (a Python internal, never a column)")
            if node.id not in self.columns:
                self.columns.append(node.id)
        elif isinstance(node, ast.Constant):
            allowed = (int, float, str, bool, type(None)) if self.condition else (int, float)
            if not isinstance(node.value, allowed) or (not self.condition and isinstance(node.value, bool)):
                self._refuse(node, f"the constant {node.value!r}")
            if _is_number(node.value) and not _is_finite(node.value):
                self._refuse(node, f"the constant {node.value!r}, beyond a 64-bit float")
        elif isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            self._check_operand(node.left)
            self._check_operand(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            self._check_operand(node.operand)
        elif self.condition and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self._check(node.operand)
        elif self.condition and isinstance(node, ast.BoolOp):
            for value in node.values:
                self._check(value)
        elif self.condition and isinstance(node, ast.Compare):
            self._check_comparison(node)
        else:
            self._refuse(node, type(node).__name__)

    def _check_operand(self, node: ast.AST) -> None:
        """Arithmetic takes numbers and columns only: text or None in a sum is a mistake."""
        if isinstance(node, ast.Constant) and not _is_number(node.value):
            self._refuse(node, f"arithmetic on {node.value!r}")
        self._check(node)

    def _check_comparison(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    self._refuse(node, "`is` with anything but None")
            elif type(op) not in _COMPARISONS:
                self._refuse(node, type(op).__name__)
        for child in [node.left, *node.comparators]:
            self._check(child)

    def _refuse(self, node: ast.AST, what: str) -> None:
        allowed = (
            "column names, numbers, strings, + - * / ** // %, comparisons, `is None`, and/or/not"
            if self.condition
            else "column names, numbers and + - * / ** // % (and unary minus)"
        )
        raise SchemaError(f"Expression {self.text!r} uses {what}; only {allowed} are allowed.")

    def evaluate(self, df: pd.DataFrame) -> pd.Series:
        """The value per row: float64 for a formula, bool for a condition."""
        missing = [name for name in self.columns if name not in df.columns]
        if missing:
            raise SchemaError(f"Expression {self.text!r} names {missing}, which the table does not have.")
        try:
            result = self._value(self._tree, df)
        except (TypeError, ValueError) as error:
            raise SchemaError(f"Expression {self.text!r} does not apply to these columns: {error}.") from None
        if not isinstance(result, pd.Series):
            result = pd.Series(result, index=df.index)
        if self.condition:
            return result.fillna(False).astype(bool)
        return pd.to_numeric(result, errors="coerce").astype(np.float64)

    def _value(self, node: ast.AST, df: pd.DataFrame, *, numeric: bool = False):
        numeric = numeric or not self.condition
        if isinstance(node, ast.Name):
            column = df[node.id]
            return pd.to_numeric(column, errors="coerce").astype(np.float64) if numeric else column
        if isinstance(node, ast.Constant):
            return np.float64(node.value) if _is_number(node.value) else node.value
        if isinstance(node, ast.BinOp):
            with np.errstate(all="ignore"):
                left, right = self._value(node.left, df, numeric=True), self._value(node.right, df, numeric=True)
                return _ARITHMETIC[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            operand = self._value(node.operand, df, numeric=not isinstance(node.op, ast.Not))
            if isinstance(node.op, ast.Not):
                return ~_as_bool(operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BoolOp):
            values = [_as_bool(self._value(value, df)) for value in node.values]
            combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_
            result = values[0]
            for value in values[1:]:
                result = combine(result, value)
            return result
        if isinstance(node, ast.Compare):
            return self._comparison(node, df)
        # _check admits no other node; this names the one that slipped past it.
        raise SchemaError(f"Expression {self.text!r}: {type(node).__name__} is not allowed.")

    def _comparison(self, node: ast.Compare, df: pd.DataFrame):
        result = None
        left = self._value(node.left, df)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._value(right_node, df)
            if isinstance(op, (ast.Is, ast.IsNot)):
                holds = pd.isna(left) if isinstance(op, ast.Is) else pd.notna(left)
            else:
                holds = _COMPARISONS[type(op)](left, right)
            holds = _as_bool(holds)
            result = holds if result is None else result & holds
            left = right
        return result


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite(value: int | float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _as_bool(value) -> pd.Series | bool:
    if isinstance(value, pd.Series):
        return value.fillna(False).astype(bool)
    if isinstance(value, np.ndarray):
        return pd.Series(value).fillna(False).astype(bool)
    return bool(value)
