"""Patterns that backtrack without bound or repeat without end are refused; values are matched up to a length."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.patterns import MAX_MATCHED_CHARS, bounded_pattern, fullmatches

CATASTROPHIC = {
    "(a+)+$": "varying length",
    "(a*)*": "varying length",
    "(x+x+)+y": "varying length",
    "(a|aa)+": "varying length",
    "(.*a){20}": "varying length",
    "(a|a)*": "start with the same character",
    "(?:a|a)+b": "start with the same character",
    "(ab|[a-z]b)+$": "start with the same character",
    "\\d+\\d+\\d+\\d+x": "3 or more open repeats in a row",
    "a*a*a*b": "3 or more open repeats in a row",
    "a{999999999}": "repeats 999,999,999 times",
    "a{999999999}+": "repeats 999,999,999 times",
    "S\\d{999999999}": "repeats 999,999,999 times",
    "a{1001,}": "repeats 1,001 times",
    "x" * 10_001: "characters long",
    "(": "not a valid regular expression",
}


@pytest.mark.parametrize("pattern", list(CATASTROPHIC), ids=lambda pattern: pattern[:20])
def test_catastrophic_and_huge_patterns_are_refused_at_once(pattern):
    started = time.perf_counter()
    with pytest.raises(SchemaError, match=CATASTROPHIC[pattern]) as raised:
        bounded_pattern(pattern, what="Constraint 'regex' on 'CODE'")
    assert time.perf_counter() - started < 1
    assert "\n" not in str(raised.value) and "Constraint 'regex' on 'CODE'" in str(raised.value)


@pytest.mark.parametrize(
    "pattern",
    [
        r"ORD-\d{8}",
        r"[A-Z]{2}-\d{6}",
        r"(\d{3}-){2}\d{4}",
        r"(?:ab|cd)+",
        r"([a-c]|x)+",
        ".*foo.*",
        "a{1000}",
        r"\w+@\w+\.\w+",
        r"\d+-\d+-\d+",
        r"[A-Z]{1,3}-\d{2,5}[a-z]{0,4}",
    ],
)
def test_ordinary_patterns_are_kept(pattern):
    assert bounded_pattern(pattern, what="x").pattern == pattern


def test_values_beyond_the_length_limit_never_reach_the_engine():
    values = pd.Series(["a" * 30 + "!", None, "b" * (MAX_MATCHED_CHARS + 1), "b" * MAX_MATCHED_CHARS, 7])
    assert fullmatches(values, bounded_pattern("b*|7", what="x")).tolist() == [False, False, False, True, True]


def test_the_worst_accepted_pattern_fails_the_longest_matched_value_quickly():
    """Two open repeats over the same digits: the square of the length, a million steps at most."""
    worst = pd.Series(["1" * MAX_MATCHED_CHARS])
    started = time.perf_counter()
    assert not fullmatches(worst, bounded_pattern(r"\d+\d+x", what="x")).any()
    assert time.perf_counter() - started < 2
