"""A DP fit planned before training: budget split, noise levels, epochs, releases.

The budget is split in Rényi DP, where Gaussian mechanisms add up: a single Gaussian
mechanism that spends all of (epsilon, delta) has noise multiplier s, i.e. RDP
alpha / (2 s^2); the k preprocessing releases get STATISTICS_SHARE of that curve
(noise s * sqrt(k / share) each), and DP-SGD gets the smallest noise that keeps all
mechanisms together, in one accountant, within epsilon. When the categories are
redrawn (synthdata.privacy.dp_redraw), the redraw network's DP-SGD gets the noise
with which it alone would spend REDRAW_SHARE of epsilon. The record then reports the
shares the accountant actually computed. When rows are matched to the two-column
tables (synthdata.privacy.dp_pairs), that release gets PAIRS_SHARE of the curve as the
statistics do. Half of delta goes to the unknown-domain category release when there is
one (see noisy_statistics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from synthdata.errors import SynthDataError
from synthdata.models.pair_matching import MatchPairs
from synthdata.models.pipeline import SamplingStage
from synthdata.models.small_network import MIN_REAL_ROWS
from synthdata.models.stages import STAGES
from synthdata.privacy.accountant import Mechanism, noise_for
from synthdata.privacy.budget import PrivacyBudget
from synthdata.privacy.dp_pairs import GaussianTables
from synthdata.privacy.dp_redraw import PrivateRedraw, redraw_plan
from synthdata.privacy.dp_sgd import MAX_GRAD_NORM, PrivateAdversarialTrainer
from synthdata.privacy.preprocessing import (
    PrivateStatistics,
    conform,
    needs_threshold,
    planned_mechanisms,
    release,
)
from synthdata.privacy.record import privacy_record
from synthdata.privacy.schema import private_schema
from synthdata.schema import Schema
from synthdata.schema.column import Column
from synthdata.transform.table import DISCRETE_TYPES, DataTransformer

STATISTICS_SHARE = 0.15
# The share of epsilon the redraw network's DP-SGD would spend alone (see
# synthdata.privacy.dp_redraw for what it buys): on Adult at epsilon 0.3 it predicts
# income on the hold-out with accuracy 0.811, at 0.5 with 0.829 (majority: 0.759).
REDRAW_SHARE = 0.5
# The share of the Rényi curve the two-column tables get (see the module docstring).
# Adult at epsilon 10, one model sampled with and without the stage: SDMetrics quality
# 0.966 without, 0.984 with tables at this share's noise (standard deviation 13 a cell).
PAIRS_SHARE = 0.2
# Sampling stages that read nothing but one-column shares and quantiles, so that fitted
# on the pseudo table drawn from the released histograms they are post-processing of
# those releases and cost no budget: calibration (synthdata.models.calibrate) reads
# each slot's share and each numeric mode's quantiles, no more. The record says so
# (synthdata.privacy.record.POST_PROCESSING).
POST_PROCESSING_STAGES = ("calibrate",)
# Above this noise multiplier the noise on a batch's summed gradient outweighs the
# clipped gradients of hundreds of rows by an order of magnitude: the critic would
# learn noise. A budget that needs more for one epoch is refused.
MAX_NOISE_MULTIPLIER = 4.0
# Without `epochs`, a DP fit runs the most epochs (up to the plain default) whose
# noise multiplier stays at or below this.
TARGET_NOISE_MULTIPLIER = 2.5
# ...and at most this many critic steps. With ghost clipping (synthdata.privacy.dp_sgd)
# a critic DP-SGD step and its generator step take 0.13 s on Adult (one thread), so
# 520 steps cost about a minute. More did not pay: on Adult at epsilon 10, 10 epochs
# of 52 steps scored SDMetrics quality 0.958-0.962, 20 epochs 0.964; at epsilon 1,
# 5 epochs 0.899, 10 epochs (noise 2.68) 0.867. Adult: 10 epochs of 52 steps.
MAX_DEFAULT_STEPS = 520


@dataclass
class PrivateFit:
    """Everything a DP fit decides before it reads a row, and the releases after."""

    budget: PrivacyBudget
    schema: Schema
    public: str
    columns: list[Column]
    delta_threshold: float
    statistics_noise: float
    sample_rate: float
    batch_size: int
    epochs: int
    sgd_noise: float
    steps_per_epoch: int
    statistics_mechanisms: list[Mechanism] = field(default_factory=list)
    redraw_mechanism: Mechanism | None = None
    pairs_mechanism: Mechanism | None = None
    statistics: PrivateStatistics | None = None
    pseudo: pd.DataFrame = field(default_factory=pd.DataFrame)
    encoded_pseudo: torch.Tensor | None = None

    @classmethod
    def plan(
        cls,
        data: pd.DataFrame,
        declared: Schema | None,
        *,
        epsilon: float,
        delta: float | None,
        batch_size: int,
        epochs: int | None,
        default_epochs: int,
        steps_per_epoch: int,
        redraw: bool,
        pairs: bool,
    ) -> PrivateFit:
        budget = PrivacyBudget.for_table(epsilon, delta, len(data))
        schema, public = private_schema(data, None if declared is None else Schema.from_dict(declared.to_dict()))
        columns = [c for c in schema.columns.values() if c.is_modelled]
        delta_threshold = budget.delta / 2 if needs_threshold(columns) else 0.0
        accountant_delta = budget.delta - delta_threshold
        whole = noise_for(budget.epsilon, accountant_delta, lambda s: [Mechanism("whole budget", s)])
        releases = len(planned_mechanisms(columns, whole))
        statistics_noise = whole * math.sqrt(releases / STATISTICS_SHARE)
        sample_rate = min(batch_size / len(data), 1.0)
        redraws = redraw and len(data) >= MIN_REAL_ROWS and any(c.type in DISCRETE_TYPES for c in columns)
        redraw_mechanism = _redraw_mechanism(budget, accountant_delta, len(data)) if redraws else None
        pairs_mechanism = _pairs_mechanism(whole) if pairs and len(columns) >= 2 else None
        stages = [m for m in (redraw_mechanism, pairs_mechanism) if m is not None]
        others = [*planned_mechanisms(columns, statistics_noise), *stages]

        def sgd_noise(run: int) -> float:
            return noise_for(
                budget.epsilon, accountant_delta, lambda s: [*others, _sgd(s, sample_rate, run * steps_per_epoch)]
            )

        noise = sgd_noise(epochs or 1)
        if noise > MAX_NOISE_MULTIPLIER:
            raise SynthDataError(
                f"epsilon={budget.epsilon:g} is too small for {len(data)} rows: even {epochs or 1} epoch(s) of DP-SGD "
                f"need a noise multiplier of {noise:.1f} (above {MAX_NOISE_MULTIPLIER:g}, where the critic learns "
                f"only noise); raise epsilon, fit more rows, or use fewer epochs."
            )
        chosen = epochs or 1
        if epochs is None:
            candidate = min(default_epochs, max(1, MAX_DEFAULT_STEPS // steps_per_epoch))
            while candidate > 1:
                candidate_noise = sgd_noise(candidate)
                if candidate_noise <= TARGET_NOISE_MULTIPLIER:
                    chosen, noise = candidate, candidate_noise
                    break
                candidate = max(1, candidate * 2 // 3)
        return cls(
            budget=budget,
            schema=schema,
            public=public,
            columns=columns,
            delta_threshold=delta_threshold,
            statistics_noise=statistics_noise,
            sample_rate=sample_rate,
            batch_size=batch_size,
            epochs=chosen,
            sgd_noise=noise,
            steps_per_epoch=steps_per_epoch,
            statistics_mechanisms=planned_mechanisms(columns, statistics_noise),
            redraw_mechanism=redraw_mechanism,
            pairs_mechanism=pairs_mechanism,
        )

    def release_statistics(self, data: pd.DataFrame, random: np.random.Generator) -> pd.DataFrame:
        """Run the preprocessing releases, set the columns' facts from them, draw the
        pseudo table the transformer is fitted on, and return the conformed rows.

        The noise comes from the operating system's entropy, not from `random` (the
        fit's seed, stored in the model file): noise an attacker can regenerate
        protects nothing. `random` draws only what follows from the releases."""
        self.statistics = release(
            data,
            self.columns,
            noise_multiplier=self.statistics_noise,
            delta_threshold=self.delta_threshold,
            random=np.random.default_rng(),
        )
        self.columns = self.statistics.columns_with_facts(self.columns)
        for column in self.columns:
            self.schema.columns[column.name] = column
        self.pseudo = self.statistics.pseudo_table(self.columns, random)
        return conform(data, self.columns, self.pseudo, random)

    def encode(
        self, data: pd.DataFrame, modelled: list[Column], random: np.random.Generator
    ) -> tuple[DataTransformer, torch.Tensor]:
        """The transformer fitted on the pseudo table, and the conformed rows it encodes
        (see `release_statistics`). The plan's columns, which carry the released bounds
        and null shares, stand in for the schema's `modelled` ones."""
        conformed = self.release_statistics(data, random)
        transformer = DataTransformer().fit(self.pseudo, self.columns, rng=random)
        return transformer, transformer.transform(conformed, rng=random)

    def encoded_releases(self, transformer: Any, random: np.random.Generator) -> torch.Tensor:
        """The pseudo table, encoded: rows whose one-column shares and quantiles are the
        released histograms', what a stage in POST_PROCESSING_STAGES is fitted on and the
        redraw reads its bins and shares from. Encoded once, when a stage first asks."""
        if self.encoded_pseudo is None:
            self.encoded_pseudo = transformer.transform(self.pseudo, rng=random)
        return self.encoded_pseudo

    def stage(
        self, name: str, transformer: Any, device: torch.device, encoded: torch.Tensor, random: np.random.Generator
    ) -> tuple[SamplingStage, torch.Tensor] | None:
        """Sampling stage `name` as a DP fit runs it, and the rows it is fitted on; None
        for a stage that is off under DP (it would read the rows outside the budget)."""
        if name in POST_PROCESSING_STAGES:
            return STAGES[name](transformer, device), self.encoded_releases(transformer, random).to(device)
        if name == "redraw" and self.redraw_mechanism is not None:
            redraw = PrivateRedraw(
                transformer,
                device,
                releases=self.encoded_releases(transformer, random).to(device),
                noise_multiplier=self.redraw_mechanism.noise_multiplier,
                sample_rate=self.redraw_mechanism.sample_rate,
                steps=self.redraw_mechanism.steps,
            )
            return redraw, encoded
        if name == "pairs" and self.pairs_mechanism is not None:
            releases = self.encoded_releases(transformer, random).to(device)
            release = GaussianTables(self.pairs_mechanism.noise_multiplier)
            return MatchPairs(transformer, device, reference=releases, release=release), encoded
        return None

    def trainer(self, encoded: torch.Tensor, transformer: Any, rows: int, **options: Any) -> PrivateAdversarialTrainer:
        """The DP-SGD trainer for the planned noise and sampling rate, its conditions
        drawn by the released category counts."""
        spans = [span for span in transformer.spans_ if span.kind == "category"]
        return PrivateAdversarialTrainer(
            encoded,
            transformer.spans_,
            noise_multiplier=self.sgd_noise,
            sample_rate=self.sample_rate,
            category_counts=self.category_counts(transformer, spans, rows),
            **options,
        )

    def category_counts(self, transformer: Any, spans: list[Any], rows: int) -> list[torch.Tensor]:
        """Noisy counts of each category slot (the transformer's shares, learned from
        the pseudo table, times the public row count): what conditions are drawn by."""
        return [
            torch.as_tensor(transformer.category_frequencies(span.column) * rows, dtype=torch.float32) for span in spans
        ]

    def record(self, steps: int, stages: tuple[str, ...]) -> dict[str, Any]:
        """The privacy record for a fit that ran `steps` DP-SGD steps and fitted the
        sampling `stages`: a planned stage that declined (the pairs stage finds no two
        columns of two cells or more before it releases anything) spent nothing."""
        redraw = self.redraw_mechanism if "redraw" in stages else None
        pairs = self.pairs_mechanism if "pairs" in stages else None
        ran = [m for m in (redraw, pairs) if m is not None]
        mechanisms = [*self.statistics_mechanisms, _sgd(self.sgd_noise, self.sample_rate, steps), *ran]
        return privacy_record(
            self.budget,
            mechanisms,
            delta_threshold=self.delta_threshold,
            public=self.public,
            redraws=redraw is not None,
            pairs=pairs is not None,
        )


def _sgd(noise_multiplier: float, sample_rate: float, steps: int) -> Mechanism:
    return Mechanism(
        "DP-SGD (critic)",
        noise_multiplier,
        sample_rate,
        steps,
        description=f"Poisson-sampled rows, per-row gradients clipped to {MAX_GRAD_NORM:g}, Gaussian noise",
    )


def _redraw_mechanism(budget: PrivacyBudget, delta: float, rows: int) -> Mechanism:
    """The redraw network's DP-SGD, with the noise at which it alone spends REDRAW_SHARE of epsilon."""
    sample_rate, steps = redraw_plan(rows)
    noise = noise_for(REDRAW_SHARE * budget.epsilon, delta, lambda s: [Mechanism("redraw", s, sample_rate, steps)])
    return Mechanism(
        "DP-SGD (redraw network)",
        noise,
        sample_rate,
        steps,
        description=f"Poisson-sampled rows, one asked column each, per-row gradients clipped to {MAX_GRAD_NORM:g}, "
        "Gaussian noise",
    )


def _pairs_mechanism(whole_noise: float) -> Mechanism:
    """The two-column tables' release, on PAIRS_SHARE of the curve whose single Gaussian
    mechanism of noise `whole_noise` spends the whole budget."""
    return Mechanism(
        "two-column tables",
        whole_noise / math.sqrt(PAIRS_SHARE),
        description="counts of every released pair of columns' cells (one row: one cell a table), Gaussian noise",
    )
