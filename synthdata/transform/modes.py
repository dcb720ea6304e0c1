"""Mode-specific normalization of one numeric column.

A value is represented as (which component it belongs to, where it sits inside that
component). Components are the modes of a variational Gaussian mixture, plus point
masses (a value such as 0 that holds a large share of rows by itself) and a null
component. Point masses come back exactly, so a column that is 92% zeros stays 92%
zeros instead of turning into a narrow cloud around zero.

A long-tailed non-negative column (skewness above 2, e.g. incomes or costs) is
modelled on a log scale, where it needs one or two modes instead of ten.

The mixture is fitted on a bounded subsample (it is the costly part, and a few
thousand values pin its modes down), while assigning every row to a mode is a
vectorized NumPy pass, so the cost grows gently with the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import skew

from synthdata.transform.mixture import fit_mixture

# A scalar of +-1 is four standard deviations from the mode's mean; tanh never quite
# reaches 1, so encoded values are clipped just inside it.
STD_MULTIPLIER = 4.0
SCALAR_LIMIT = 0.99


@dataclass
class ModeSpecificNormalizer:
    """Encodes a float column (NaN for nulls) as a scalar and a component index.

    Components are ordered: mixture modes, then point masses, then the null
    component when the column has nulls.
    """

    max_modes: int = 10
    weight_threshold: float = 0.005
    max_fit_values: int = 5_000
    point_mass_share: float = 0.05
    max_point_masses: int = 5
    log_skewness: float = 2.0
    log_shift_: float | None = None
    means_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stds_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    points_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    has_null_: bool = False

    @property
    def n_components(self) -> int:
        return len(self.means_) + len(self.points_) + int(self.has_null_)

    def fit(self, values: np.ndarray, *, rng: np.random.Generator) -> ModeSpecificNormalizer:
        """Learn point masses and mixture modes from `values` (NaN marks nulls)."""
        is_null = np.isnan(values)
        self.has_null_ = bool(is_null.any())
        self.points_ = self._find_point_masses(values[~is_null], n_rows=len(values))
        continuous = self.continuous(values)
        self.log_shift_ = None
        if len(continuous) > 2 and continuous.min() >= 0 and skew(continuous) > self.log_skewness:
            self.log_shift_ = float(continuous.min())
        self.means_, self.stds_ = self._fit_mixture(self._scale(continuous), rng=rng)
        return self

    def continuous(self, values: np.ndarray) -> np.ndarray:
        """The values the mixture modes stand for: neither null nor a point mass."""
        return values[~np.isnan(values) & ~np.isin(values, self.points_)]

    def _scale(self, values: np.ndarray) -> np.ndarray:
        return values if self.log_shift_ is None else np.log1p(values - self.log_shift_)

    def _unscale(self, values: np.ndarray) -> np.ndarray:
        return values if self.log_shift_ is None else np.expm1(values) + self.log_shift_

    def _find_point_masses(self, finite: np.ndarray, *, n_rows: int) -> np.ndarray:
        if len(finite) == 0:
            return np.zeros(0)
        uniques, counts = np.unique(finite, return_counts=True)
        if len(uniques) == 1:
            return uniques
        heavy = counts >= self.point_mass_share * n_rows
        order = np.argsort(-counts[heavy], kind="stable")[: self.max_point_masses]
        return uniques[heavy][order]

    def _fit_mixture(self, continuous: np.ndarray, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        if len(continuous) == 0:
            return np.zeros(0), np.zeros(0)
        # Squares of values beyond ~1e154 overflow: such a column is fitted in units of its largest value.
        largest = float(np.max(np.abs(continuous)))
        unit = largest if largest > 1e100 else 1.0
        spread = float(np.std(continuous / unit)) * unit
        if spread == 0.0:
            return np.array([float(np.mean(continuous))]), np.array([1e-3])
        if len(continuous) > self.max_fit_values:
            continuous = rng.choice(continuous, size=self.max_fit_values, replace=False)
        mixture = fit_mixture(continuous / unit, max_components=self.max_modes)
        keep = mixture.weights > self.weight_threshold
        # A mode narrower than the data's resolution would turn rounding noise into signal.
        floor = max(spread * 1e-3, 1e-6)
        return mixture.means[keep] * unit, np.maximum(mixture.stds[keep] * unit, floor)

    def transform(self, values: np.ndarray, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Return (scalar in [-0.99, 0.99], component index) for every value.

        A value's mixture mode is drawn from its posterior over the modes rather than
        taken as the argmax, so overlapping modes share the values between them.
        """
        n_modes, n_points = len(self.means_), len(self.points_)
        scalar = np.zeros(len(values))
        component = np.empty(len(values), dtype=np.int64)
        is_null = np.isnan(values)
        component[is_null] = n_modes + n_points
        point_index = _index_of(values, self.points_)
        is_point = (point_index >= 0) & ~is_null
        component[is_point] = n_modes + point_index[is_point]
        is_continuous = ~is_null & ~is_point
        if is_continuous.any():
            x = self._scale(values[is_continuous])
            modes = self._draw_modes(x, rng=rng)
            component[is_continuous] = modes
            scaled = (x - self.means_[modes]) / (STD_MULTIPLIER * self.stds_[modes])
            scalar[is_continuous] = np.clip(scaled, -SCALAR_LIMIT, SCALAR_LIMIT)
        return scalar, component

    def _draw_modes(self, x: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        if len(self.means_) == 1:
            return np.zeros(len(x), dtype=np.int64)
        z = (x[:, None] - self.means_[None, :]) / self.stds_[None, :]
        log_density = -0.5 * z**2 - np.log(self.stds_)[None, :]
        log_density -= log_density.max(axis=1, keepdims=True)
        posterior = np.exp(log_density)
        cumulative = np.cumsum(posterior, axis=1)
        threshold = rng.random(len(x)) * cumulative[:, -1]
        return (cumulative < threshold[:, None]).sum(axis=1)

    def inverse_transform(self, scalar: np.ndarray, component: np.ndarray) -> np.ndarray:
        """Values (NaN for nulls) from scalars and component indices."""
        n_modes, n_points = len(self.means_), len(self.points_)
        values = np.full(len(scalar), np.nan)
        is_mode = component < n_modes
        modes = component[is_mode]
        clipped = np.clip(scalar[is_mode], -1.0, 1.0)
        values[is_mode] = self._unscale(self.means_[modes] + clipped * STD_MULTIPLIER * self.stds_[modes])
        is_point = (component >= n_modes) & (component < n_modes + n_points)
        values[is_point] = self.points_[component[is_point] - n_modes]
        return values

    def state(self) -> dict[str, Any]:
        """Learned parameters as plain lists, for the model file."""
        return {
            "means": self.means_.tolist(),
            "stds": self.stds_.tolist(),
            "points": self.points_.tolist(),
            "has_null": self.has_null_,
            "log_shift": self.log_shift_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ModeSpecificNormalizer:
        return cls(
            means_=np.asarray(state["means"], dtype=float),
            stds_=np.asarray(state["stds"], dtype=float),
            points_=np.asarray(state["points"], dtype=float),
            has_null_=bool(state["has_null"]),
            log_shift_=state["log_shift"],
        )


def _index_of(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Position of each value in `points`, or -1 where it is not one of them."""
    index = np.full(len(values), -1, dtype=np.int64)
    for position, point in enumerate(points):
        index[values == point] = position
    return index
