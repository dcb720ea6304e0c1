"""synthdata: synthetic tabular and test data.

The public API, and nothing else: everything not imported here may change.
"""

from synthdata.errors import SynthDataError
from synthdata.evaluate import DatabaseReport, EntityRealism, Report, entity_realism, evaluate, evaluate_database
from synthdata.io import open_sink, read_table, write_table
from synthdata.models.tabular_gan import TabularGAN
from synthdata.output_files import check_output_path
from synthdata.relational import DatabaseSynthesizer
from synthdata.schema import Schema, constraints
from synthdata.version import __version__

__all__ = [
    "DatabaseReport",
    "DatabaseSynthesizer",
    "EntityRealism",
    "Report",
    "Schema",
    "SynthDataError",
    "TabularGAN",
    "__version__",
    "check_output_path",
    "constraints",
    "entity_realism",
    "evaluate",
    "evaluate_database",
    "open_sink",
    "read_table",
    "write_table",
]
