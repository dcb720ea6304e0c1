"""One Rényi-DP accountant over every mechanism of a fit (Opacus' RDP analysis).

Every mechanism a DP fit runs is a Gaussian mechanism on a query whose L2
sensitivity to one row is known: the noisy histograms of preprocessing (one row adds
1 to one bin of each column they count, so the sensitivity is sqrt(columns), and the
noise standard deviation is `noise_multiplier * sqrt(columns)`), and the critic's
DP-SGD steps (clipping to C bounds one row's gradient; the noise is
`noise_multiplier * C`, on Poisson-sampled batches). A Gaussian mechanism is a
subsampled Gaussian with sample rate 1 and one step, so all of them sit in one
Opacus history and compose exactly in RDP; the total epsilon is what Opacus'
`get_privacy_spent` returns for their summed RDP curves at the fit's delta.

A mechanism's share of the total is its RDP at the order the conversion chose, plus
the conversion's delta term split in proportion: the shares sum to the total.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from opacus.accountants import RDPAccountant
from opacus.accountants.analysis.rdp import compute_rdp, get_privacy_spent

# Rényi orders the curves are evaluated at: Opacus' default list without most of its
# fractional orders, whose subsampled-Gaussian RDP takes a series per order (planning
# a fit evaluates the curves hundreds of times). Fewer orders can only raise the
# epsilon reported: the conversion takes the best order of those listed.
ORDERS: list[float] = [1.25, 1.5, 1.75, *range(2, 64), 80, 96, 128, 192, 256]
ACCOUNTANT_NAME = "Rényi DP (opacus.accountants.RDPAccountant), one history over all mechanisms"


@dataclass(frozen=True)
class Mechanism:
    """A (subsampled) Gaussian mechanism: noise std over sensitivity, rate, steps."""

    name: str
    noise_multiplier: float
    sample_rate: float = 1.0
    steps: int = 1
    description: str = ""

    def rdp(self) -> list[float]:
        return list(
            compute_rdp(q=self.sample_rate, noise_multiplier=self.noise_multiplier, steps=self.steps, orders=ORDERS)
        )


def opacus_accountant(mechanisms: list[Mechanism]) -> RDPAccountant:
    """An Opacus RDPAccountant holding exactly these mechanisms."""
    accountant = RDPAccountant()
    accountant.history = [(m.noise_multiplier, m.sample_rate, m.steps) for m in mechanisms]
    return accountant


def total_epsilon(mechanisms: list[Mechanism], delta: float) -> float:
    """The epsilon of all mechanisms composed, at `delta`."""
    return float(opacus_accountant(mechanisms).get_epsilon(delta, alphas=ORDERS))


def shares(mechanisms: list[Mechanism], delta: float) -> dict[str, float]:
    """Each mechanism's part of the total epsilon; the parts sum to `total_epsilon`."""
    curves = [m.rdp() for m in mechanisms]
    summed = [sum(values) for values in zip(*curves, strict=True)]
    epsilon, order = get_privacy_spent(orders=ORDERS, rdp=summed, delta=delta)
    at = ORDERS.index(order)
    conversion = float(epsilon) - summed[at]
    return {
        m.name: float(curve[at] + conversion * curve[at] / summed[at])
        for m, curve in zip(mechanisms, curves, strict=True)
    }


def noise_for(epsilon: float, delta: float, make: Callable[[float], list[Mechanism]], *, largest: float = 1e4) -> float:
    """The smallest noise multiplier s for which the mechanisms `make(s)` stay within
    (epsilon, delta), by bisection (total epsilon falls as s grows); infinity when no
    noise up to `largest` does (the other mechanisms, or delta, already spend it)."""
    low, high = 1e-3, 1.0
    while total_epsilon(make(high), delta) > epsilon:
        low, high = high, high * 2
        if high > largest:
            return math.inf
    for _ in range(40):
        middle = (low + high) / 2
        if total_epsilon(make(middle), delta) > epsilon:
            low = middle
        else:
            high = middle
    return high
