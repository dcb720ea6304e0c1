"""Which tables are reference (lookup) tables, copied as they are instead of synthesized.

Carriers, airports, currencies, countries, payers: a test database needs the real
ones (a flight from an airport that does not exist is useless), and they hold
nothing about anyone. A table is kept, natural keys and all, when all of these hold:

- it is referenced by another table (a declared or an inferred reference);
- it is small: at most `MAX_KEPT_ROWS` rows;
- it is a lookup, not a table of events: its key is a natural code (text that is
  not a UUID, at most `MAX_CODE_LENGTH` characters: `AA`, `JFK`, `N102UW`), or, for a
  surrogate key (an integer or a UUID), the rows referencing it reuse each of its
  referenced rows at least `MIN_REUSE` times on average (a payer serves many
  encounters, an order has two items);
- it holds no personal data: no column whose name or values say it identifies a
  person (first or last name, full name, email, SSN, card, passport, licence, IP
  address), and no description of people (gender, sex, birth date, age, marital
  status, race, ethnicity) together with text, addresses, phones or other
  generated columns about them (a provider with a name, a gender and an address);
- it references only tables that are kept themselves (kept rows point at real keys,
  which must still exist) and no table about people, which makes it about people.

Everything else is synthesized. The decision is written per table in the schema
document (`mode: keep` or `mode: synthesize`), where the user overrides it; a table
forced to `keep` must have kept parents.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from synthdata.errors import SchemaError
from synthdata.relational.layout import DatabaseLayout, TableMode
from synthdata.schema import Schema
from synthdata.schema.names import name_words, provider_for_name
from synthdata.schema.string_shapes import UUID, share_matching

MAX_KEPT_ROWS = 10_000
MAX_CODE_LENGTH = 16
MIN_REUSE = 3.0
PERSON_PROVIDERS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "email",
        "ssn",
        "credit_card_number",
        "passport_number",
        "license_plate",
        "ipv4",
    }
)
PERSON_WORDS = frozenset({"gender", "sex", "birthdate", "birth", "dob", "age", "marital", "race", "ethnicity"})
# Column types that are generated rather than learned: text, addresses, phones, identifiers.
GENERATED_DETAIL = frozenset({"faker", "text", "id"})


class ReferenceTableRule:
    """Decides table by table, parents first, which tables are kept (the rule above).

    `stated` holds the modes the user gave; the rule decides the others.
    """

    def __init__(
        self, layout: DatabaseLayout, frames: Mapping[str, pd.DataFrame], stated: Mapping[str, TableMode]
    ) -> None:
        self.layout = layout
        self.frames = frames
        self.stated = dict(stated)
        self.modes: dict[str, TableMode] = {}
        self.about_people: set[str] = set()

    def decide(self, name: str, schema: Schema) -> TableMode:
        """The mode of `name`, whose parents were decided before; `schema` is its learned schema."""
        parents = [link.parent for link in self.layout.parents_of(name) if link.parent != name]
        if is_personal(schema) or any(parent in self.about_people for parent in parents):
            self.about_people.add(name)
        synthesized = sorted(parent for parent in parents if self.modes[parent] != "keep")
        stated = self.stated.get(name)
        if stated == "keep" and synthesized:
            raise SchemaError(
                f"Table {name!r} is to be kept, but it references {synthesized}, which are synthesized; "
                "keep them too (`mode: keep`) or synthesize this table."
            )
        if stated is None:
            lookup = not synthesized and name not in self.about_people and _is_lookup(name, self.layout, self.frames)
            stated = "keep" if lookup else "synthesize"
        self.modes[name] = stated
        return stated


def _is_lookup(name: str, layout: DatabaseLayout, frames: Mapping[str, pd.DataFrame]) -> bool:
    frame, key = frames[name], layout.primary_keys.get(name)
    referencing = [link for link in layout.links if link.parent == name and link.table != name]
    if not referencing or key is None or len(frame) > MAX_KEPT_ROWS or len(frame) == 0:
        return False
    if is_natural_code(frame[key]):
        return True
    used = sum(int(frames[link.table][link.column].notna().sum()) for link in referencing)
    distinct = len(set().union(*(set(frames[link.table][link.column].dropna()) for link in referencing)))
    return distinct > 0 and used / distinct >= MIN_REUSE


def is_natural_code(values: pd.Series) -> bool:
    """Text keys people read (`AA`, `JFK`, `N102UW`), not integers or UUIDs."""
    present = values.dropna()
    if pd.api.types.is_numeric_dtype(present.dtype) or present.empty:
        return False
    text = present.astype(str)
    if share_matching(UUID, text.head(200).tolist()) > 0.5:
        return False
    return bool(text.str.len().max() <= MAX_CODE_LENGTH and not text.str.contains(" ").any())


def is_personal(schema: Schema) -> bool:
    """Whether a table's columns identify or describe people (see the module docstring)."""
    describes = False
    details = False
    for name, column in schema.columns.items():
        provider = column.provider if column.type == "faker" else None
        if provider_for_name(name) in PERSON_PROVIDERS or provider in PERSON_PROVIDERS:
            return True
        if set(name_words(name)) & PERSON_WORDS:
            describes = True
        elif column.type in GENERATED_DETAIL and name != schema.primary_key:
            details = True
    return describes and details
