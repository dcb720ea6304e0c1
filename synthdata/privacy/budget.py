"""The (epsilon, delta) a user asks for, checked before any row is read.

The unit of privacy is one row of the table: adding or removing any one row changes
the distribution of everything the fit releases (model file, samples) by at most the
factor e^epsilon, except with probability delta.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from synthdata.errors import SynthDataError


def default_delta(rows: int) -> float:
    """min(1e-5, 0.1 / n): well under 1/n, so that the guarantee never allows
    "release one whole row" (which an (epsilon, 1/n) mechanism may do)."""
    return min(1e-5, 0.1 / max(rows, 1))


@dataclass(frozen=True)
class PrivacyBudget:
    """The total privacy loss one fit may spend."""

    epsilon: float
    delta: float

    @classmethod
    def for_table(cls, epsilon: float, delta: float | None, rows: int) -> PrivacyBudget:
        """The budget for a table of `rows` rows; raises SynthDataError for one that
        gives no meaningful guarantee."""
        check_epsilon(epsilon)
        if delta is None:
            delta = default_delta(rows)
        if not (isinstance(delta, (int, float)) and math.isfinite(delta)) or delta <= 0:
            raise SynthDataError(f"delta must be a number > 0, got {delta!r}; leave it out for the default 0.1/n.")
        if delta >= 1.0 / rows:
            raise SynthDataError(
                f"delta={delta:g} is not below 1/n = {1.0 / rows:g} for {rows} rows: such a guarantee allows "
                f"publishing a whole row; use delta <= {default_delta(rows):g} or leave it out."
            )
        return cls(float(epsilon), float(delta))


def check_epsilon(epsilon: object) -> None:
    """Raise SynthDataError unless `epsilon` is a finite number > 0."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not math.isfinite(epsilon) or epsilon <= 0:
        raise SynthDataError(f"epsilon must be a finite number > 0 (e.g. 1, 3 or 10), got {epsilon!r}.")
