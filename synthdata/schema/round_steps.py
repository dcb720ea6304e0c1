"""How round a number column's values are, learned and given back to sampled values.

People write amounts in round numbers: loans of 10,000 or 12,500, incomes of 65,000,
credit limits in hundreds. A generator that only learns the distribution gives back
12,347.81 where the real column says 12,500, and a classifier tells the rows apart by
their digits alone. For each value the step is the largest of 1, 5, 10, 50, 100, ...
units (the unit is 1 for whole numbers, one in the last decimal otherwise) that divides
it; the share of each step is learned per order of magnitude (a loan of 30,000 is more
often a multiple of 1,000 than one of 900 is), and each sampled value is rounded to a
step drawn from its magnitude's shares. Only steps far commoner than chance make them
are learned, so a column without round numbers keeps its digits as the model made them.

It belongs to the schema, like float_values: constraints that rebuild a column from
others round it with this, and the encoders of synthdata.transform use it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

# Multipliers of each power of ten that count as a step of their own.
_MULTIPLIERS = (1.0, 5.0)
# A quotient within this of a whole number counts as whole (float noise of decimal values).
_TOLERANCE = 1e-6

# How much commoner than chance a step's multiples must be, on how many distinct values.
_EXCESS = 2.0
_GRID = 5
_FIT_VALUES = 50_000

Rounding = Literal["nearest", "up"]


@dataclass
class RoundSteps:
    """Per order of magnitude of |value| / unit, the share of each step in `steps_`."""

    unit: float = 1.0
    steps_: np.ndarray = field(default_factory=lambda: np.ones(1))
    shares_: np.ndarray = field(default_factory=lambda: np.ones((1, 1)))

    @property
    def rounds(self) -> bool:
        """Whether any step coarser than the unit was learned (else `apply` changes nothing)."""
        return len(self.steps_) > 1

    def round_share(self, values: np.ndarray) -> float:
        """Share of the nonzero `values` that are multiples of the finest learned step above the unit."""
        units = np.abs(values[np.isfinite(values) & (values != 0)]) / self.unit
        if len(units) == 0 or not self.rounds:
            return 0.0
        quotients = units / self.steps_[1]
        return float(np.mean(np.abs(quotients - np.round(quotients)) < _TOLERANCE))

    @classmethod
    def fit(cls, values: np.ndarray, *, unit: float) -> RoundSteps:
        """Learn the step shares from `values` (NaN and zeros are left out: any step divides zero)."""
        finite = values[np.isfinite(values) & (values != 0)]
        # An even spread of values pins the shares down as well as all of them would.
        units = np.abs(finite[:: max(1, len(finite) // _FIT_VALUES)]) / unit
        if len(units) == 0 or units.max() < _MULTIPLIERS[-1]:
            return cls(unit=unit)
        powers = np.arange(int(np.floor(np.log10(units.max()))) + 1)
        steps = np.array([multiplier * 10.0**power for power in powers for multiplier in _MULTIPLIERS])
        steps = steps[steps <= units.max()]
        quotients = units[:, None] / steps[None, :]
        divides = np.abs(quotients - np.round(quotients)) < _TOLERANCE
        meant = _meant(units, steps, divides)
        steps, divides = steps[meant], divides[:, meant]
        # The largest dividing step; index 0 (one unit) when the value has finer digits.
        largest = np.where(divides.any(axis=1), len(steps) - 1 - np.argmax(divides[:, ::-1], axis=1), 0)
        magnitudes = _magnitudes(units, len(powers))
        counts = np.zeros((len(powers), len(steps)))
        np.add.at(counts, (magnitudes, largest), 1.0)
        empty = counts.sum(axis=1) == 0
        counts[empty] = counts.sum(axis=0)  # a magnitude no value holds takes the column's shares
        return cls(unit=unit, steps_=steps, shares_=_draw_shares(counts / counts.sum(axis=1, keepdims=True), steps))

    def apply(self, values: np.ndarray, *, rng: np.random.Generator, rounding: Rounding = "nearest") -> np.ndarray:
        """`values` rounded to drawn steps; `rounding="up"` never lowers a value (a bound stays kept)."""
        out = np.asarray(values, dtype=float).copy()
        present = np.flatnonzero(np.isfinite(out) & (out != 0))
        if len(present) == 0 or not self.rounds:
            return out
        units = out[present] / self.unit
        magnitudes = _magnitudes(np.abs(units), len(self.shares_))
        cumulative = np.cumsum(self.shares_[magnitudes], axis=1)
        drawn = (cumulative < rng.random(len(present))[:, None] * cumulative[:, -1:]).sum(axis=1)
        steps = self.steps_[np.minimum(drawn, len(self.steps_) - 1)]
        # A step larger than the value itself would turn it into zero or double it.
        steps = np.where(steps <= np.abs(units), steps, 1.0)
        rounded = np.ceil(units / steps - _TOLERANCE) if rounding == "up" else np.round(units / steps)
        out[present] = rounded * steps * self.unit
        return out

    def state(self) -> dict[str, Any]:
        """The learned shares as plain lists, for the model file."""
        return {"unit": self.unit, "steps": self.steps_.tolist(), "shares": self.shares_.tolist()}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> RoundSteps:
        return cls(
            unit=float(state["unit"]),
            steps_=np.asarray(state["steps"], dtype=float),
            shares_=np.asarray(state["shares"], dtype=float),
        )


def unit_of(*, integer: bool, decimals: int | None) -> float | None:
    """One in the last place a column holds: 1 for whole numbers, None when its decimals are unknown."""
    if integer:
        return 1.0
    return None if decimals is None else 10.0**-decimals


def _meant(units: np.ndarray, steps: np.ndarray, divides: np.ndarray) -> np.ndarray:
    """The steps the column is written in on purpose (the unit always is one).

    A step counts when its multiples are at least `_EXCESS` times as common as chance
    makes them (one value in `step`) and spread over at least `_GRID` distinct values:
    a count column whose most common value is 10 is not written in tens, and rounding
    its 13s to 15 would blur what the model learned value by value.
    """
    shares = divides.mean(axis=0)
    grids = np.array([len(np.unique(units[divides[:, index]])) for index in range(len(steps))])
    return (steps == 1.0) | ((shares >= _EXCESS / steps) & (grids >= _GRID))


def _draw_shares(largest: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The shares to draw steps with so that rounded values end up with `largest`'s shares.

    A value rounded to 100 is a multiple of 500 one time in five by chance, so drawing
    steps at the shares of the real largest steps would give too many round values;
    `landing[j, i]` is the chance that rounding to step j leaves step i the largest, and
    the draw shares solve largest = draw @ landing, one step at a time from the finest.
    """
    coarser = np.append(steps[1:], np.inf)
    landing = np.triu(steps[:, None] / steps[None, :] - steps[:, None] / coarser[None, :])
    draw = np.zeros_like(largest)
    for step in range(len(steps)):
        owed = largest[:, step] - draw[:, :step] @ landing[:step, step]
        draw[:, step] = np.maximum(owed / landing[step, step], 0.0)
    return draw / draw.sum(axis=1, keepdims=True)


def _magnitudes(units: np.ndarray, count: int) -> np.ndarray:
    """Order of magnitude of each |value| / unit, within the `count` learned ones."""
    with np.errstate(divide="ignore"):
        magnitudes = np.floor(np.log10(np.maximum(units, 1.0)))
    return np.clip(magnitudes, 0, count - 1).astype(np.int64)
