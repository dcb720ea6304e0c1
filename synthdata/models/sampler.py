"""Turning a fitted generator into rows: noise in, the user's columns out.

One chunk of rows is drawn from its own seed (derived from the call's seed and the
chunk's position), so chunks can be produced in any order, on any machine, and still
add up to the same table. Rows that break a declared constraint or a condition that
cannot be set natively are dropped and drawn again, within a bounded budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from synthdata.errors import ConstraintError, SynthDataError
from synthdata.models import conditioning
from synthdata.models.calibration import Calibration, NumericLayout
from synthdata.models.conditionals import Conditionals
from synthdata.models.conditioning import ResolvedConditions
from synthdata.models.conditions import ConditionSampler
from synthdata.models.ctgan import Generator, NetworkConfig, OutputActivation
from synthdata.models.realness import Realness
from synthdata.schema import Schema
from synthdata.schema.constraints import FixedCombinations
from synthdata.transform.table import DataTransformer

# Rejection gives up after drawing this many times the rows asked for.
MAX_OVERSAMPLING = 200
# Rows per generator pass. The network's activations for a few thousand rows stay in
# the CPU's caches: 100,000 Adult rows take 0.5 s in passes of 2,000-5,000 rows and
# 0.96 s in one pass (2 cores, float32).
FORWARD_ROWS = 4096


class RowSampler:
    """Draws decoded, constraint-checked rows from a fitted generator."""

    def __init__(
        self,
        *,
        generator: Generator,
        transformer: DataTransformer,
        schema: Schema,
        category_counts: list[torch.Tensor],
        config: NetworkConfig,
        batch_size: int,
        columns: list[str],
        device: torch.device,
        calibration: Calibration | None = None,
        realness: Realness | None = None,
        conditionals: Conditionals | None = None,
    ) -> None:
        self.generator = generator
        self.transformer = transformer
        self.schema = schema
        self.config = config
        self.columns = columns
        self.device = device
        self.batch_size = batch_size
        self.activation = OutputActivation(transformer.spans_, device)
        self.conditions = ConditionSampler(transformer.category_spans, category_counts, device)
        self.modelled = {c.name: c for c in schema.columns.values() if c.is_modelled}
        self.calibration = calibration
        self.realness = realness
        self.conditionals = conditionals
        self.numeric_layout = NumericLayout(transformer.spans_, device)

    def resolve(self, conditions: Mapping[str, Any] | Sequence[str] | None) -> ResolvedConditions:
        """Check the caller's conditions against the model (raises on unknown ones)."""
        combinations = [c for c in self.schema.constraints if isinstance(c, FixedCombinations)]
        return conditioning.resolve(conditions, self.transformer, dict(self.schema.columns), combinations)

    def empty_frame(self) -> pd.DataFrame:
        return self.rows(0, ResolvedConditions(), seed=(0, 0), row_offset=0)

    def rows(self, size: int, resolved: ResolvedConditions, *, seed: tuple[int, int], row_offset: int) -> pd.DataFrame:
        """`size` finished rows (all columns, in order) for one chunk."""
        state = np.random.SeedSequence(list(seed)).generate_state(2)
        random = torch.Generator(device=self.device).manual_seed(int(state[0]))
        rng = np.random.default_rng(int(state[1]))
        kept: list[pd.DataFrame] = []
        have, drawn = 0, 0
        while have < size or not kept:
            wanted = size - have
            # counted in rows the realness classifier keeps: conditions and constraints
            # get the same budget whether or not the model rejects rows of its own
            expected = wanted if not resolved.needs_rejection else max(2 * wanted, 1_000)
            candidates = self._decoded(self._draws_for(expected), resolved, random, rng)
            drawn += expected
            keep = resolved.holds(candidates, self.modelled) & self._valid(candidates)
            kept.append(candidates[keep].head(wanted))
            have += int(min(keep.sum(), wanted))
            if have < size and drawn >= MAX_OVERSAMPLING * max(size, 1):
                self._give_up(candidates, resolved, have, drawn)
        modelled = pd.concat(kept, ignore_index=True)
        # generated values are addressed by row number, so chunks of one call line up
        generated = self.schema.generate(size, seed=seed[0], context=modelled, row_offset=row_offset)
        return self._assemble(modelled, generated)

    def _draws_for(self, expected: int) -> int:
        """How many rows to draw for `expected` rows past the realness classifier."""
        return expected if self.realness is None else self.realness.draws_for(expected)

    def _decoded(
        self,
        batch: int,
        resolved: ResolvedConditions,
        random: torch.Generator,
        rng: np.random.Generator,
    ) -> pd.DataFrame:
        with torch.no_grad():
            activated = torch.cat([self._activated(rows, resolved, random) for rows in _passes(batch)])
        reshaped = self.transformer.inverse_transform(activated, rng=rng)
        rows = self.schema.reverse_transform(reshaped, seed=rng)
        for name, value in resolved.pinned.items():
            rows[name] = pd.Series([value] * len(rows), dtype=rows[name].dtype)
        return rows

    def unconditional_rows(self, batch: int, random: torch.Generator) -> torch.Tensor:
        """Encoded hard rows for `batch` rows drawn as an unconditional sample draws them,
        before rejection by the realness classifier (the rows it is trained on)."""
        with torch.no_grad():
            return self._drawn(self.unconditional_raw(batch, random), random)

    def unconditional_raw(self, batch: int, random: torch.Generator) -> torch.Tensor:
        """Raw generator output for `batch` rows drawn as an unconditional sample draws them."""
        with torch.no_grad():
            return torch.cat([self.raw(rows, ResolvedConditions(), random) for rows in _passes(batch)])

    def raw(self, batch: int, resolved: ResolvedConditions, random: torch.Generator) -> torch.Tensor:
        """The generator's raw output for `batch` rows, before offsets and activation."""
        if resolved.native is not None:
            conditions = self.conditions.fixed(batch, *resolved.native)
        else:
            conditions = self.conditions.sample_as_in_data(batch, random)
        noise = torch.randn(batch, self.config.embedding_dim, device=self.device, generator=random)
        return self.generator(torch.cat([noise, conditions.vectors], dim=1))

    def _activated(self, batch: int, resolved: ResolvedConditions, random: torch.Generator) -> torch.Tensor:
        """One generator pass: encoded rows with hard one-hot spans, those the realness
        classifier rejects left out (so a pass may return fewer than `batch` rows), the
        categories of the others redrawn from their conditionals."""
        activated = self._drawn(self.raw(batch, resolved, random), random)
        if resolved.native is not None:
            column, category = resolved.native
            span = self.transformer.category_spans[column]
            activated[:, span.start : span.stop] = 0.0
            activated[:, span.start + category] = 1.0
        if self.realness is not None:
            activated = activated[self.realness.keep(activated, random)]
        if self.conditionals is not None:
            fixed = frozenset([resolved.native[0]]) if resolved.native is not None else frozenset()
            activated = self.conditionals.redraw(activated, random, keep=fixed)
        return activated

    def _drawn(self, raw: torch.Tensor, random: torch.Generator) -> torch.Tensor:
        """Hard rows from raw output, calibrated when the model is."""
        if self.calibration is None:
            return self.activation.draw(raw, random)
        return self.calibration.draw(raw, self.activation, self.numeric_layout, random)

    def _valid(self, rows: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.schema.is_valid(rows), dtype=bool)

    def _give_up(self, candidates: pd.DataFrame, resolved: ResolvedConditions, have: int, drawn: int) -> None:
        share = have / max(drawn, 1)
        if not self._valid(candidates).any():
            raise ConstraintError(
                f"Sampled rows break the schema's constraints every time ({drawn} drawn, "
                f"{have} kept); check that the constraints can hold together on this data."
            )
        asked = resolved.describe() or "asked for"
        raise SynthDataError(
            f"Only {share:.3%} of generated rows meet the conditions {asked}; the region is too "
            f"rare for the model. Widen the ranges or drop a condition."
        )

    def _assemble(self, modelled: pd.DataFrame, generated: pd.DataFrame) -> pd.DataFrame:
        parts = {**{c: modelled[c] for c in modelled.columns}, **{c: generated[c] for c in generated.columns}}
        return pd.DataFrame({name: parts[name].reset_index(drop=True) for name in self.columns})


def _passes(batch: int) -> list[int]:
    """Row counts of the generator passes for `batch` rows (at least one pass)."""
    return [min(FORWARD_ROWS, batch - done) for done in range(0, max(batch, 1), FORWARD_ROWS)]
