"""synthdata: synthetic tabular and test data.

The public API, and nothing else: everything not imported here may change.
"""

from synthdata.errors import SynthDataError
from synthdata.schema import Schema

__version__ = "0.1.0"

__all__ = ["SynthDataError", "Schema", "__version__"]
