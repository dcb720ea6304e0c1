"""A one-dimensional Gaussian mixture whose number of modes is chosen by BIC.

A column's modes are what mode-specific normalization encodes, so too many modes
make the generator's job harder for nothing: a plain Gaussian should be one mode,
not ten overlapping ones. Fitting k = 1, 2, ... components and keeping the k with
the lowest Bayesian information criterion gives one mode to a Gaussian, two to a
bimodal column and more only where the data asks for them. In one dimension EM is a
few vectorized NumPy lines, far cheaper than a general-purpose mixture library, so
trying several k costs less than one variational fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LOG_2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class Mixture:
    """Weights, means and standard deviations of the components."""

    weights: np.ndarray
    means: np.ndarray
    stds: np.ndarray
    log_likelihood: float

    def bic(self, n: int) -> float:
        parameters = 3 * len(self.weights) - 1
        return -2.0 * self.log_likelihood + parameters * np.log(n)


def fit_mixture(
    values: np.ndarray,
    *,
    max_components: int = 10,
    max_iterations: int = 100,
    patience: int = 2,
) -> Mixture:
    """The BIC-best mixture with at most `max_components` components.

    Stops trying larger k once BIC has failed to improve `patience` times in a row.
    """
    # EM over the distinct values weighted by their counts is the same EM, and far
    # cheaper on the integer-like columns tables are full of (ages, hours, counts).
    points, counts = np.unique(values, return_counts=True)
    sample = _WeightedSample(values, points, counts.astype(np.float64))
    best = _expectation_maximization(sample, 1, max_iterations)
    worse_in_a_row = 0
    for k in range(2, min(max_components, len(points)) + 1):
        candidate = _expectation_maximization(sample, k, max_iterations)
        if candidate.bic(len(values)) < best.bic(len(values)):
            best, worse_in_a_row = candidate, 0
        else:
            worse_in_a_row += 1
            if worse_in_a_row >= patience:
                break
    return best


@dataclass(frozen=True)
class _WeightedSample:
    """The values, and the same values as distinct points with their counts."""

    values: np.ndarray
    points: np.ndarray
    counts: np.ndarray


def _expectation_maximization(sample: _WeightedSample, k: int, max_iterations: int) -> Mixture:
    x, n = sample.points, len(sample.values)
    spread = float(np.std(sample.values))
    floor = (1e-3 * spread) ** 2 + 1e-12
    means = np.quantile(sample.values, (np.arange(k) + 0.5) / k)
    variances = np.full(k, (spread / k) ** 2 + floor)
    weights = np.full(k, 1.0 / k)
    previous = -np.inf
    log_likelihood = previous
    for _ in range(max_iterations):
        log_joint = (
            np.log(weights)[None, :]
            - 0.5 * (_LOG_2PI + np.log(variances))[None, :]
            - 0.5 * (x[:, None] - means[None, :]) ** 2 / variances[None, :]
        )
        peak = log_joint.max(axis=1, keepdims=True)
        log_total = peak[:, 0] + np.log(np.exp(log_joint - peak).sum(axis=1))
        log_likelihood = float(sample.counts @ log_total)
        responsibility = np.exp(log_joint - log_total[:, None]) * sample.counts[:, None]
        totals = responsibility.sum(axis=0) + 1e-10
        weights = totals / n
        means = responsibility.T @ x / totals
        variances = (responsibility * (x[:, None] - means[None, :]) ** 2).sum(axis=0) / totals + floor
        if log_likelihood - previous < 1e-6 * n:
            break
        previous = log_likelihood
    return Mixture(weights, means, np.sqrt(variances), log_likelihood)
