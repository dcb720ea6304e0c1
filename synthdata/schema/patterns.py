"""Regular expressions from schema and model files, bounded before they ever run.

Python's `re` backtracks and has no timeout: `(a+)+$` against thirty `a`s and a `!`
runs for hours, and `a{999999999}` asks for a billion characters. Regex constraints
and id patterns come from files a stranger may have written, so, like the zip-bomb
and alias-bomb guards, patterns are checked on their structure (the tree of Python's
own regex parser) before use, and values are matched only up to a stated length:

- a repeat whose body can itself match a varying number of characters (`(a+)+`,
  `(a*)*`, `(a|ab)*`) is refused: that is where backtracking explodes;
- a repeat whose body holds alternatives that can start alike (`(a|a)*`) is refused
  for the same reason;
- a repeat bound above MAX_REPEAT_COUNT, or a pattern longer than MAX_PATTERN_CHARS,
  is refused;
- a value longer than MAX_MATCHED_CHARS is never handed to the regex engine and
  counts as not matching.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_parse

# The largest {m,n} bound a pattern may hold.
MAX_REPEAT_COUNT = 1000
# The longest pattern text accepted.
MAX_PATTERN_CHARS = 10_000
# Values longer than this are not matched (they count as breaking the pattern).
MAX_MATCHED_CHARS = 1000

_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
# Possessive repeats and atomic groups (Python 3.11+) never backtrack, but their
# bounds and their insides are checked all the same.
_POSSESSIVE = getattr(sre_parse, "POSSESSIVE_REPEAT", None)
_ATOMIC_GROUP = getattr(sre_parse, "ATOMIC_GROUP", None)
_ALL_REPEATS = tuple(op for op in (*_REPEATS, _POSSESSIVE) if op is not None)
# Open repeats in a row over the same characters: two cost the square of a value's
# length (a million steps at MAX_MATCHED_CHARS), three its cube, which is refused.
_MAX_CHAINED_REPEATS = 3
# A repeat whose count varies by at most this much ({1,3}) multiplies the work by little.
_MAX_NARROW_RANGE = 16
# Stand for "any character" and "any non-ASCII word character" in sets of characters.
_ANY = -1
_OTHER_WORD = -2
_DIGITS = set(range(ord("0"), ord("9") + 1))
_WORD = _DIGITS | set(range(ord("a"), ord("z") + 1)) | set(range(ord("A"), ord("Z") + 1)) | {ord("_"), _OTHER_WORD}
_CATEGORY_CHARS = {
    sre_parse.CATEGORY_DIGIT: _DIGITS,
    sre_parse.CATEGORY_WORD: _WORD,
    sre_parse.CATEGORY_SPACE: {ord(char) for char in " \t\n\r\f\v"},
}
# Character ranges wider than this are taken as "any character" when comparing starts.
_MAX_SPELLED_RANGE = 512


def bounded_pattern(pattern: Any, *, what: str) -> re.Pattern[str]:
    """`pattern` compiled, once its structure is known to match in bounded time.

    `what` names the pattern's owner for messages ("Constraint 'regex' on 'CODE'").
    """
    if not isinstance(pattern, str):
        raise SchemaError(f"{what}: the pattern must be text, not {type(pattern).__name__}.")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise SchemaError(f"{what}: the pattern is {len(pattern):,} characters long; at most {MAX_PATTERN_CHARS:,}.")
    try:
        tree = sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        raise SchemaError(f"{what}: pattern {_shown(pattern)} is not a valid regular expression: {error}.") from None
    problem = _unbounded_part(tree)
    if problem:
        raise SchemaError(f"{what}: pattern {_shown(pattern)} {problem}.")
    return compiled


def fullmatches(values: pd.Series, compiled: re.Pattern[str]) -> np.ndarray:
    """Per value (nulls included, as False), whether it matches `compiled` whole;
    values longer than MAX_MATCHED_CHARS never reach the regex engine and count as False."""
    out = np.zeros(len(values), dtype=bool)
    present = values.notna().to_numpy()
    text = values[present].astype(str)
    short = (text.str.len() <= MAX_MATCHED_CHARS).to_numpy()
    matched = np.array([compiled.fullmatch(value) is not None for value in text[short]], dtype=bool)
    out[np.flatnonzero(present)[short]] = matched
    return out


def _shown(pattern: str, limit: int = 60) -> str:
    return repr(pattern if len(pattern) <= limit else pattern[:limit] + "...")


def _unbounded_part(items) -> str | None:
    """Why the parsed pattern could backtrack without bound, or None when it cannot."""
    chained: list[set[int]] = []  # characters of the open repeats met in a row so far
    for op, argument in items:
        if op in _ALL_REPEATS:
            low, high, body = argument
            for bound in (low, high):
                if bound != sre_parse.MAXREPEAT and bound > MAX_REPEAT_COUNT:
                    return (
                        f"repeats {bound:,} times; at most {MAX_REPEAT_COUNT:,} (write a shorter repeat or use + or *)"
                    )
            if op in _REPEATS and high > 1:
                smallest, largest = body.getwidth()
                if smallest != largest:
                    return (
                        "repeats a part that itself matches a varying length (nested quantifiers such "
                        "as (a+)+ can take hours to match); repeat a fixed-length part instead"
                    )
                if _has_overlapping_branch(body):
                    return (
                        "repeats alternatives that can start with the same character (such as (a|a)*, "
                        "which can take hours to match); make the alternatives start differently"
                    )
            if op in _REPEATS and high - low > _MAX_NARROW_RANGE:
                characters = _chars(body)
                if sum(_overlap(characters, earlier) for earlier in chained) >= _MAX_CHAINED_REPEATS - 1:
                    return (
                        f"has {_MAX_CHAINED_REPEATS} or more open repeats in a row that match the same "
                        "characters (such as \\d+\\d+\\d+, whose matching time grows as a power of the "
                        "value's length); merge them into one"
                    )
                chained.append(characters)
        elif op in (sre_parse.LITERAL, sre_parse.IN, sre_parse.NOT_LITERAL, sre_parse.ANY):
            # a character every match must have here ends the run for repeats that cannot match it
            required = _chars([(op, argument)])
            chained = [earlier for earlier in chained if _overlap(earlier, required)]
        for child in _children(op, argument):
            problem = _unbounded_part(child)
            if problem:
                return problem
    return None


def _children(op, argument) -> list:
    """The sub-patterns directly inside one parsed item."""
    if op in _ALL_REPEATS:
        return [argument[2]]
    if op == _ATOMIC_GROUP:
        return [argument]
    if op == sre_parse.SUBPATTERN:
        return [argument[-1]]
    if op == sre_parse.BRANCH:
        return list(argument[1])
    if op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
        return [argument[1]]
    if op == sre_parse.GROUPREF_EXISTS:
        return [branch for branch in argument[1:] if branch is not None]
    return []


def _has_overlapping_branch(items) -> bool:
    """Whether some alternation inside `items` has two alternatives that may start alike
    (an alternative that can match nothing starts like anything)."""
    for op, argument in items:
        if op == sre_parse.BRANCH:
            seen: set[int] = set()
            for branch in argument[1]:
                first = _first_chars(branch)
                if (_ANY in first and seen) or (_ANY in seen and first) or first & seen:
                    return True
                seen |= first
        if any(_has_overlapping_branch(child) for child in _children(op, argument)):
            return True
    return False


def _first_chars(items) -> set[int]:
    """Character codes a match of `items` may start with (_ANY when not simply known)."""
    for op, argument in items:
        if op == sre_parse.AT:
            continue
        if op == sre_parse.LITERAL:
            return {argument}
        if op == sre_parse.IN and all(_small_set_item(kind, value) for kind, value in argument):
            codes: set[int] = set()
            for kind, value in argument:
                codes |= {value} if kind == sre_parse.LITERAL else set(range(value[0], value[1] + 1))
            return codes
        if op == sre_parse.SUBPATTERN and argument[-1].getwidth()[0] > 0:
            return _first_chars(argument[-1])
        return {_ANY}
    return {_ANY}


def _small_set_item(kind, value) -> bool:
    """A class member spelled out as a few characters (others are taken as any)."""
    return kind == sre_parse.LITERAL or (kind == sre_parse.RANGE and value[1] - value[0] < _MAX_SPELLED_RANGE)


def _chars(items) -> set[int]:
    """Every character a match of `items` may hold (with _ANY when not simply known)."""
    out: set[int] = set()
    for op, argument in items:
        if op == sre_parse.LITERAL:
            out.add(argument)
        elif op == sre_parse.IN:
            out |= _class_chars(argument)
        elif op in (sre_parse.ANY, sre_parse.NOT_LITERAL):
            out.add(_ANY)
        for child in _children(op, argument):
            out |= _chars(child)
    return out


def _class_chars(members) -> set[int]:
    out: set[int] = set()
    for kind, value in members:
        if kind == sre_parse.LITERAL:
            out.add(value)
        elif kind == sre_parse.RANGE and value[1] - value[0] < _MAX_SPELLED_RANGE:
            out |= set(range(value[0], value[1] + 1))
        elif kind == sre_parse.CATEGORY and value in _CATEGORY_CHARS:
            out |= _CATEGORY_CHARS[value]
        else:
            return {_ANY}
    return out


def _overlap(first: set[int], second: set[int]) -> bool:
    """Whether some character may be in both sets."""
    return bool(first & second) or (_ANY in first and bool(second)) or (_ANY in second and bool(first))
