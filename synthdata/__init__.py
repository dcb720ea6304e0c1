"""synthdata: synthetic tabular and test data.

The public API, and nothing else: everything not imported here may change.
"""

from synthdata.version import __version__  # before the imports: submodules read it

from synthdata.errors import SynthDataError
from synthdata.evaluate import Report, evaluate
from synthdata.io import open_sink, read_table, write_table
from synthdata.models.tabular_gan import TabularGAN
from synthdata.output_files import check_output_path
from synthdata.relational import DatabaseSynthesizer
from synthdata.schema import Schema, constraints

__all__ = ["SynthDataError", "evaluate", "Report", "open_sink", "read_table", "write_table", "Schema", "constraints", "TabularGAN", "DatabaseSynthesizer", "check_output_path", "__version__"]
