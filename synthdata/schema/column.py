"""What one column is: its kind and the facts a generator needs about it.

A `Column` is the unit both the schema file and the model agree on. The kinds split
into two families: *modelled* kinds (numerical, integer, categorical, boolean,
datetime) whose joint distribution the model learns from data, and *generated*
kinds (id, faker, text, constant, reference) whose values are made afresh so that no
real identifier or personal value is ever learned or stored.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

ColumnType = Literal[
    "numerical",
    "integer",
    "categorical",
    "boolean",
    "datetime",
    "id",
    "faker",
    "text",
    "constant",
    "reference",
]

MODELLED_TYPES: frozenset[str] = frozenset({"numerical", "integer", "categorical", "boolean", "datetime"})
GENERATED_TYPES: frozenset[str] = frozenset({"id", "faker", "text", "constant", "reference"})


@dataclass
class Column:
    """One column of a table, as declared in a schema file or inferred from data.

    Only the fields that matter for a column's `type` are set; the rest stay None.
    `dtype` remembers the pandas dtype of the data the column came from, so that
    synthetic output comes back in the same dtype.
    """

    name: str
    type: ColumnType
    dtype: str | None = None
    nullable: float | None = None
    unique: bool = False
    # numerical, integer, datetime
    min: Any = None
    max: Any = None
    decimals: int | None = None
    distribution: dict[str, dict[str, float]] | None = None
    # datetime: a strftime format for string columns; id: "uuid" | "sequential" | "pattern"
    format: str | None = None
    # categorical: the allowed values, optionally with weights
    values: list[Any] | dict[Any, float] | None = None
    # id
    pattern: str | None = None
    start: int | None = None
    # faker
    provider: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    locale: str | None = None
    from_columns: list[str] | None = None
    # constant
    value: Any = None
    # reference: "table.column"
    references: str | None = None

    @property
    def is_modelled(self) -> bool:
        """Whether the model learns this column from data (else it is generated)."""
        return self.type in MODELLED_TYPES

    def to_dict(self) -> dict[str, Any]:
        """The column as it appears in a schema file: only the fields that are set."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if key == "name" or value is None or value == {} or (key == "unique" and not value):
                continue
            out["from" if key == "from_columns" else key] = value
        return out

    @classmethod
    def from_dict(cls, name: str, spec: dict[str, Any]) -> Column:
        """Build a column from its schema-file mapping (already validated)."""
        spec = dict(spec)
        if "from" in spec:
            spec["from_columns"] = spec.pop("from")
        return cls(name=name, **spec)


def json_scalar(value: Any) -> Any:
    """A value a schema or model file can hold: NumPy scalars unwrapped, timestamps as
    ISO text, every kind of null as None."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return json_scalar(value.item())
    return value
