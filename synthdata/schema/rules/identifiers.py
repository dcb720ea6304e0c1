"""Which column names a found rule may use: formulas and conditions name columns as identifiers."""

from __future__ import annotations

import keyword


def usable_in_expressions(name: str) -> bool:
    """Whether `name` can stand in a schema file's formula or condition as it is."""
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__")
