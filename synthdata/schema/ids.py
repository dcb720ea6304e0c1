"""Identifiers made afresh: uuid4 and strings matching a pattern.

A real key must never leave the building, but a synthetic one must look like it:
same format, same uniqueness. Patterns are ordinary regular expressions
(`ORD-\\d{8}`, `[A-Z]{2}-\\d{6}`, `S999\\d{5}`), parsed with Python's own regex
parser and generated character by character on whole arrays. Only what can be
generated is accepted: literals, classes, ranges, repeats, groups and alternatives;
look-arounds and back-references are refused.
"""

from __future__ import annotations

import string

import numpy as np

from synthdata.errors import SchemaError
from synthdata.schema.patterns import MAX_REPEAT_COUNT, bounded_pattern, sre_parse
from synthdata.schema.row_random import RowRandom

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_PRINTABLE = string.ascii_letters + string.digits
_CATEGORIES = {
    sre_parse.CATEGORY_DIGIT: string.digits,
    sre_parse.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_parse.CATEGORY_SPACE: " ",
    sre_parse.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_parse.CATEGORY_NOT_WORD: "-.",
    sre_parse.CATEGORY_NOT_SPACE: _PRINTABLE,
}
# An unbounded repeat (+, *) generates at most this many extra copies.
OPEN_REPEAT = 8
# Pieces (characters, classes, repeat copies) one value may be built from: bounds the
# time a pattern from a stranger's file can take, and the length of what it makes.
MAX_GENERATION_STEPS = 10 * MAX_REPEAT_COUNT


def uuid4_values(random: RowRandom) -> np.ndarray:
    """Version-4 UUIDs as text, one per row."""
    high, low = random.child("high").raw(), random.child("low").raw()
    octets = np.stack([high, low], axis=1).astype(">u8").view(np.uint8).reshape(-1, 16).copy()
    octets[:, 6] = (octets[:, 6] & 0x0F) | 0x40
    octets[:, 8] = (octets[:, 8] & 0x3F) | 0x80
    hexes = np.stack([_HEX[octets >> 4], _HEX[octets & 0x0F]], axis=2).reshape(-1, 32)
    dash = np.full((len(random), 1), ord("-"), dtype=np.uint8)
    text = np.concatenate(
        [hexes[:, :8], dash, hexes[:, 8:12], dash, hexes[:, 12:16], dash, hexes[:, 16:20], dash, hexes[:, 20:]], axis=1
    )
    return np.ascontiguousarray(text).view("S36").ravel().astype(str).astype(object)


class PatternGenerator:
    """Random strings matching a regular expression, and how many distinct ones exist."""

    def __init__(self, pattern: str, *, what: str = "Id pattern") -> None:
        self.pattern = pattern
        bounded_pattern(pattern, what=what)
        self._tree = sre_parse.parse(pattern)
        steps = self._steps(self._tree)
        if steps > MAX_GENERATION_STEPS:
            raise SchemaError(
                f"Id pattern {pattern[:60]!r} would build values from {steps:,} pieces, more than "
                f"{MAX_GENERATION_STEPS:,}; shorten its repeats."
            )
        self.size = self._count(self._tree)
        self.draw(RowRandom(0, np.zeros(1, dtype=np.uint64)))  # refuses what cannot be generated

    def draw(self, random: RowRandom) -> np.ndarray:
        """One matching string per row."""
        return self._sequence(self._tree, random)

    def _sequence(self, items, random: RowRandom) -> np.ndarray:
        value = np.full(len(random), "", dtype=object)
        for position, (op, argument) in enumerate(items):
            value = value + self._item(op, argument, random.child(str(position)))
        return value

    def _item(self, op, argument, random: RowRandom):
        if op == sre_parse.LITERAL:
            return chr(argument)
        if op == sre_parse.AT:
            return ""
        if op in (sre_parse.IN, sre_parse.ANY):
            alphabet = np.array(list(self._alphabet(op, argument)), dtype=object)
            return alphabet[random.integers(0, len(alphabet))]
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, high, items = argument
            high = low + OPEN_REPEAT if high == sre_parse.MAXREPEAT else high
            counts = random.child("count").integers(low, high + 1)
            value = np.full(len(random), "", dtype=object)
            for copy in range(high):
                piece = self._sequence(items, random.child(f"copy {copy}"))
                value = value + np.where(counts > copy, piece, "")
            return value
        if op == sre_parse.SUBPATTERN:
            return self._sequence(argument[-1], random)
        if op == sre_parse.BRANCH:
            branches = argument[1]
            picks = random.child("branch").integers(0, len(branches))
            value = np.full(len(random), "", dtype=object)
            for index, branch in enumerate(branches):
                rows = np.flatnonzero(picks == index)
                value[rows] = self._sequence(branch, random.subset(rows).child(f"branch {index}"))
            return value
        raise SchemaError(
            f"Id pattern {self.pattern!r} uses {str(op).lower()}, which cannot be generated; "
            "use literals, [classes], \\d, repeats {m,n}, groups and | only."
        )

    def _alphabet(self, op, argument) -> str:
        if op == sre_parse.ANY:
            return _PRINTABLE
        chars: list[str] = []
        negate = False
        for kind, value in argument:
            if kind == sre_parse.NEGATE:
                negate = True
            elif kind == sre_parse.LITERAL:
                chars.append(chr(value))
            elif kind == sre_parse.RANGE:
                chars.extend(chr(code) for code in range(value[0], value[1] + 1))
            elif kind == sre_parse.CATEGORY:
                chars.extend(_CATEGORIES.get(value, ""))
        if negate:
            chars = [char for char in _PRINTABLE if char not in chars]
        distinct = "".join(dict.fromkeys(chars))
        if not distinct:
            raise SchemaError(f"Id pattern {self.pattern!r} has a character class that matches nothing.")
        return distinct

    def _steps(self, items) -> int:
        """How many pieces `draw` joins per value: its cost, and a bound on the length."""
        total = 0
        for op, argument in items:
            if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                low, high, inner = argument
                high = low + OPEN_REPEAT if high == sre_parse.MAXREPEAT else high
                total += high * max(1, self._steps(inner))
            elif op == sre_parse.SUBPATTERN:
                total += self._steps(argument[-1])
            elif op == sre_parse.BRANCH:
                total += sum(self._steps(branch) for branch in argument[1])
            else:
                total += 1
        return total

    def _count(self, items) -> int:
        total = 1
        for op, argument in items:
            if op in (sre_parse.IN, sre_parse.ANY):
                total *= len(self._alphabet(op, argument))
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                low, high, inner = argument
                high = low + OPEN_REPEAT if high == sre_parse.MAXREPEAT else high
                one = self._count(inner)
                total *= sum(one**copies for copies in range(low, high + 1))
            elif op == sre_parse.SUBPATTERN:
                total *= self._count(argument[-1])
            elif op == sre_parse.BRANCH:
                total *= sum(self._count(branch) for branch in argument[1])
        return total
