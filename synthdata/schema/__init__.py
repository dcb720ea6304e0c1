"""What a table is: columns and their kinds, keys, constraints and Faker-backed columns."""

from synthdata.schema import constraints
from synthdata.schema.column import GENERATED_TYPES, MODELLED_TYPES, Column, ColumnType
from synthdata.schema.table import Schema

__all__ = ["GENERATED_TYPES", "MODELLED_TYPES", "Column", "ColumnType", "Schema", "constraints"]
