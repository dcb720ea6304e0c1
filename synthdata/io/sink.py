"""The contract every destination of rows keeps: write in chunks, commit all at once.

Synthetic tables can be far bigger than memory, so rows go out chunk by chunk; and
an interrupted or failed run must leave nothing half written. A sink is therefore a
context manager: leaving the block normally commits everything written, leaving it
by any exception (KeyboardInterrupt included) throws all of it away.
"""

from __future__ import annotations

from types import TracebackType
from typing import Literal

import pandas as pd

from synthdata.errors import SynthDataError

IfExists = Literal["fail", "append", "replace"]
IF_EXISTS: tuple[IfExists, ...] = ("fail", "append", "replace")


class TableSink:
    """A destination for rows, written chunk by chunk and committed at the end.

    Use it as a context manager; `rows_written` counts the rows handed to `write`,
    `description` names the destination in a form fit to print (passwords masked),
    `stores_infinity` says whether it can hold infinite floats.
    """

    rows_written: int = 0
    description: str = ""
    stores_infinity: bool = True  # whether +-inf floats can be written (edge cases for --dirty)

    def write(self, chunk: pd.DataFrame) -> None:
        """Add the rows of `chunk`; they become visible only at `commit`."""
        raise NotImplementedError

    def commit(self) -> None:
        """Make everything written visible at once."""
        raise NotImplementedError

    def abort(self) -> None:
        """Throw away everything written; the destination stays as it was."""
        raise NotImplementedError

    def __enter__(self) -> TableSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


class ColumnCheck:
    """Holds every chunk to the columns of the first, in the same order."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.columns: list | None = None

    def __call__(self, chunk: pd.DataFrame) -> pd.DataFrame:
        if self.columns is None:
            self.columns = list(chunk.columns)
            return chunk
        if list(chunk.columns) == self.columns:
            return chunk
        missing = [name for name in self.columns if name not in chunk.columns]
        extra = [name for name in chunk.columns if name not in self.columns]
        if missing or extra or chunk.columns.has_duplicates:
            raise SynthDataError(
                f"rows for {self.target} do not have its columns (missing {missing}, unexpected {extra}); "
                "write tables with the same columns, or write to a new file"
            )
        return chunk[self.columns]
