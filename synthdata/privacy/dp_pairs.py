"""The real two-column tables released by a Gaussian mechanism, for the pairs stage.

The pairs stage (synthdata.models.pair_matching) keeps generated rows so that their
two-column tables match the real ones; under DP it reads those tables through this
release only. One row adds 1 to one cell of each of the T tables released, so the L2
sensitivity of the flat vector of all their counts is sqrt(T) (add/remove one row),
and Gaussian noise of standard deviation `noise_multiplier * sqrt(T)` on every cell
makes the release one Gaussian mechanism of that noise multiplier, whatever T. The
accountant charges it as such (synthdata.privacy.fit_plan), planned before any row is
read.

Which pairs are released is chosen from the generated rows (the DP generator's
output), and the cells are cut on the pseudo table drawn from the released
histograms: both are post-processing, so T and the cells depend on the data only
through what is already released. The noise comes from the operating system's
entropy (synthdata.privacy.dp_sgd.secret_generator), never from the fit's seed.
"""

from __future__ import annotations

import math

import torch

from synthdata.privacy.dp_sgd import secret_generator


class GaussianTables:
    """The `TableRelease` of a DP fit: the counts with Gaussian noise."""

    def __init__(self, noise_multiplier: float) -> None:
        self.noise_multiplier = noise_multiplier

    def __call__(self, counts: torch.Tensor, tables: int) -> tuple[torch.Tensor, float]:
        std = self.noise_multiplier * math.sqrt(tables)
        noise = torch.randn(counts.shape, device=counts.device, generator=secret_generator(counts.device))
        return counts + std * noise, std
