"""Hypothesis strategies for hostile generators: regular expressions and Faker calls.

Patterns are grown from a few atoms by nesting groups, alternatives and repeats (the
shapes that make a backtracking engine explode, `(a+)+` and `(a|a)*`, come up
within a handful of steps), with repeat bounds from 0 to far beyond any limit.
Faker calls name the providers whose arguments size their output, with arguments at,
inside and beyond every bound, of the wrong type, or unknown.
"""

from __future__ import annotations

from hypothesis import strategies as st

ATOMS = st.sampled_from(["a", "b", "ab", "\\d", "[a-c]", "[ab]", ".", "\\w"])
QUANTIFIERS = st.one_of(
    st.sampled_from(["", "+", "*", "?", "{2}", "{1,3}", "{0,}", "+?", "*?"]),
    st.integers(0, 2**31).map(lambda count: f"{{{count}}}"),
    st.tuples(st.integers(0, 2000), st.integers(0, 2000)).map(lambda bounds: f"{{{min(bounds)},{max(bounds)}}}"),
)


def _grown(children):
    group = st.tuples(children, QUANTIFIERS).map(lambda part: f"({part[0]}){part[1]}")
    alternation = st.lists(children, min_size=2, max_size=3).map(lambda parts: "(" + "|".join(parts) + ")")
    sequence = st.lists(children, min_size=2, max_size=3).map("".join)
    return st.one_of(group, alternation, sequence)


PATTERNS = st.recursive(st.tuples(ATOMS, QUANTIFIERS).map("".join), _grown, max_leaves=8).map(
    lambda pattern: pattern + "$"
)
# Values that make a backtracking pattern try every way to split them before failing.
BACKTRACKING_VALUES = [
    "a" * 30 + "!",
    "ab" * 15 + "!",
    "1" * 30 + "!",
    "a" * 999 + "!",
    "1" * 999 + "!",
    "a" * 5000 + "!",
]

SIZED_PROVIDERS = {
    "file_path": ["depth"],
    "binary": ["length"],
    "pystr": ["min_chars", "max_chars"],
    "pyint": ["min_value", "max_value", "step"],
    "pyfloat": ["left_digits", "right_digits", "min_value", "max_value"],
    "text": ["max_nb_chars"],
    "words": ["nb"],
    "sentence": ["nb_words"],
    "paragraphs": ["nb"],
    "password": ["length"],
    "date_between": ["start_date", "end_date"],
    "first_name": [],
}
ARGUMENT_VALUES = st.one_of(
    st.integers(-(10**20), 10**20),
    st.sampled_from([0, 1, 5, 10_000, 10_001, 10**8, 4 * 10**9, 10**15, 10**16]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["-30y", "today", "+1y", "notadate"]),
    st.lists(st.integers(-5, 5), max_size=3),
    st.booleans(),
    st.none(),
)


@st.composite
def faker_columns(draw) -> dict:
    """A schema-file mapping for one Faker column with hostile arguments."""
    provider = draw(st.sampled_from(sorted(SIZED_PROVIDERS)))
    # an unknown argument now and then; mostly the provider's own
    names = st.sampled_from(SIZED_PROVIDERS[provider] * 4 + ["bogus"])
    args = draw(st.dictionaries(names, ARGUMENT_VALUES, max_size=3))
    return {"type": "faker", "provider": provider, "args": args}
