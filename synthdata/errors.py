"""The one exception type users catch, its few specialisations, and what keeps messages short.

Every failure a person can act on (bad input, a damaged model file, an impossible
condition) surfaces as a SynthDataError whose message names the column, row or file
and says what to do. Subclasses let callers tell the broad cases apart without
parsing messages.
"""


class SynthDataError(Exception):
    """A problem with the user's data, schema, model file or options."""


class SchemaError(SynthDataError):
    """A schema file or declaration that is malformed or does not fit the data."""


class ModelFileError(SynthDataError):
    """A model file that is missing, damaged, foreign, tampered with or too new."""


class ConstraintError(SynthDataError):
    """A declared constraint that sampling cannot satisfy."""


class NotFittedError(SynthDataError):
    """A model or transformer used before `fit`."""


def shorten(text: str, limit: int = 80) -> str:
    """`text` cut to about `limit` characters, saying how long it was: a message quotes
    what it is about, never a whole file or column."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 20, 10)]}... ({len(text):,} characters)"


def quoted(value: object, limit: int = 80) -> str:
    """`repr(value)` for a message, shortened (see `shorten`)."""
    return shorten(repr(value), limit)
