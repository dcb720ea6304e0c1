"""What a column's name says about it: personal-data providers and key-like names.

Inference looks at names before values because a name is the cheapest and most
reliable hint a person left: `FIRST`, `last_name`, `EmailAddress` and `zip` say what
the column holds even when the values alone (`Alice368`) would not. Names are cut
into lower-case words (`HEALTHCARE_EXPENSES` -> healthcare, expenses; `firstName`
-> first, name) and matched word by word, never by substring, so `CITY` matches
while `ETHNICITY` does not.
"""

from __future__ import annotations

import re

_WORD_SPLIT = re.compile(r"[^0-9a-zA-Z]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Word sequences naming a Faker provider, longest first so "first name" beats "name".
_PROVIDER_NAMES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("first", "name"), "first_name"),
        (("first",), "first_name"),
        (("firstname",), "first_name"),
        (("given", "name"), "first_name"),
        (("forename",), "first_name"),
        (("last", "name"), "last_name"),
        (("last",), "last_name"),
        (("lastname",), "last_name"),
        (("surname",), "last_name"),
        (("family", "name"), "last_name"),
        (("maiden",), "last_name"),
        (("maiden", "name"), "last_name"),
        (("full", "name"), "name"),
        (("fullname",), "name"),
        (("email",), "email"),
        (("e", "mail"), "email"),
        (("mail",), "email"),
        (("phone",), "phone_number"),
        (("telephone",), "phone_number"),
        (("mobile",), "phone_number"),
        (("tel",), "phone_number"),
        (("ssn",), "ssn"),
        (("social", "security"), "ssn"),
        (("address",), "street_address"),
        (("street",), "street_address"),
        (("street", "address"), "street_address"),
        (("city",), "city"),
        (("town",), "city"),
        (("zip",), "postcode"),
        (("zipcode",), "postcode"),
        (("zip", "code"), "postcode"),
        (("postcode",), "postcode"),
        (("postal", "code"), "postcode"),
        (("credit", "card"), "credit_card_number"),
        (("card", "number"), "credit_card_number"),
        (("cc", "number"), "credit_card_number"),
        (("ip",), "ipv4"),
        (("ip", "address"), "ipv4"),
        (("ipv4",), "ipv4"),
        (("passport",), "passport_number"),
        (("drivers",), "license_plate"),
        (("driver", "license"), "license_plate"),
        (("driving", "licence"), "license_plate"),
        (("license", "plate"), "license_plate"),
        (("licence", "plate"), "license_plate"),
    ],
    key=lambda entry: -len(entry[0]),
)

# Words too common to match inside a longer name (`last_login`, `ip_range`): they
# name personal data only when they are the whole name.
_WHOLE_NAME_ONLY: frozenset[tuple[str, ...]] = frozenset(
    {("first",), ("last",), ("mail",), ("tel",), ("ip",), ("drivers",)}
)

# Providers whose values place a person only together with other columns: they stay
# categorical (the model keeps their joint distribution) unless nearly every row has
# its own value.
LOCATION_PROVIDERS: frozenset[str] = frozenset({"city", "postcode"})

# Identity documents: their values usually follow the issuing system's own shape,
# which an `id` pattern keeps better than Faker's generic format.
DOCUMENT_PROVIDERS: frozenset[str] = frozenset({"passport_number", "license_plate"})

# Word that marks an integer column as a code (SNOMED, FIPS, ZIP) rather than a quantity.
_CODE_WORDS: frozenset[str] = frozenset({"code", "zip", "zipcode", "postcode", "fips", "icd"})


def name_words(name: str) -> tuple[str, ...]:
    """Split a column name into lower-case words (snake_case, camelCase, spaces)."""
    return tuple(word.lower() for word in _WORD_SPLIT.split(str(name)) if word)


def provider_for_name(name: str) -> str | None:
    """The Faker provider a column name points at, or None when it names no personal data."""
    words = name_words(name)
    for sequence, provider in _PROVIDER_NAMES:
        if words == sequence or (sequence not in _WHOLE_NAME_ONLY and _contains(words, sequence)):
            return provider
    return None


def is_code_name(name: str) -> bool:
    """Whether the name says the numbers are codes (categories), not quantities."""
    words = name_words(name)
    return any(word in _CODE_WORDS or word.endswith("code") for word in words)


def is_key_name(name: str, table: str | None) -> bool:
    """Whether the name is what people call a table's own key: id, Id, ID, <table>_id."""
    words = name_words(name)
    if words == ("id",):
        return True
    return table is not None and words == (*name_words(table), "id")


def _contains(words: tuple[str, ...], sequence: tuple[str, ...]) -> bool:
    width = len(sequence)
    return any(words[i : i + width] == sequence for i in range(len(words) - width + 1))
