"""The one exception type users catch, its few specialisations, and file-system errors put in its terms.

Every failure a person can act on (bad input, a damaged model file, an impossible
condition) surfaces as a SynthDataError whose message names the column, row or file
and says what to do. Subclasses let callers tell the broad cases apart without
parsing messages. How messages quote values and count things is synthdata.wording's job.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


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


@contextmanager
def file_errors(doing: str, *, denied: str) -> Iterator[None]:
    """An OSError of the file work inside as a SynthDataError, `cannot {doing}: ...`.

    A PermissionError says `denied` (where permission was denied and what to do); any
    other OSError says the system's reason.
    """
    try:
        yield
    except PermissionError:
        raise SynthDataError(f"cannot {doing}: permission denied{denied}") from None
    except OSError as error:
        raise SynthDataError(f"cannot {doing}: {error.strerror or error}") from None
