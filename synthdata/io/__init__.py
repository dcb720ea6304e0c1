"""Sources and sinks: files, DataFrames and SQL databases.

Everything else in synthdata works on DataFrames; this package is the only place
that knows about file formats, encodings, database drivers and transactions.
"""

from synthdata.io.catalog import (
    ColumnFacts,
    DatabaseCatalog,
    ForeignKey,
    TableCatalog,
    read_catalog,
    read_database_catalog,
)
from synthdata.io.catalog_schema import apply_catalog, infer_schema_from_database
from synthdata.io.sink import TableSink
from synthdata.io.sql_database_sink import DatabaseSink, open_database_sink
from synthdata.io.tables import is_database_url, open_sink, read_table, write_table

__all__ = [
    "ColumnFacts",
    "DatabaseCatalog",
    "DatabaseSink",
    "ForeignKey",
    "TableCatalog",
    "TableSink",
    "apply_catalog",
    "infer_schema_from_database",
    "is_database_url",
    "open_database_sink",
    "open_sink",
    "read_catalog",
    "read_database_catalog",
    "read_table",
    "write_table",
]
