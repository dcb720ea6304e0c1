"""The one exception type users catch, and its few specialisations.

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
