"""How messages speak: counts with the right plural, values quoted short.

A message quotes what it is about, never a whole file or column: `schema validate` on a
CSV once printed the whole table inside its error. Every value a message repeats from
the user's input goes through `quoted`.
"""

from __future__ import annotations

MAX_QUOTED = 80


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """`text` cut to about `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 20, 10)]}... ({len(text):,} characters)"


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """`repr(value)` for a message, shortened."""
    return shorten(repr(value), limit)


def plural(count: int, noun: str) -> str:
    """`1 problem`, `2 problems`, `1,000 rows`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
