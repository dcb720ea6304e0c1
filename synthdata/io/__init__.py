"""Sources and sinks: files, DataFrames and SQL databases.

Everything else in synthdata works on DataFrames; this package is the only place
that knows about file formats, encodings, database drivers and transactions.
"""

from synthdata.io.sink import TableSink
from synthdata.io.tables import is_database_url, open_sink, read_table, write_table

__all__ = ["TableSink", "is_database_url", "open_sink", "read_table", "write_table"]
