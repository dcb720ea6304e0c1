"""Turning encoded rows of the sampling pipeline into the user's columns.

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
from synthdata.models import user_conditions
from synthdata.models.pipeline import SamplingPipeline
from synthdata.models.user_conditions import ResolvedConditions
from synthdata.schema import Schema
from synthdata.schema.constraints import FixedCombinations

# Rejection gives up after drawing this many times the rows asked for.
MAX_OVERSAMPLING = 200


class RowSampler:
    """Decodes the pipeline's rows and keeps those that hold the conditions and constraints."""

    def __init__(self, *, pipeline: SamplingPipeline, schema: Schema, columns: list[str]) -> None:
        self.pipeline = pipeline
        self.transformer = pipeline.transformer
        self.schema = schema
        self.columns = columns
        self.device = pipeline.device
        self.modelled = {c.name: c for c in schema.columns.values() if c.is_modelled}

    def resolve(self, conditions: Mapping[str, Any] | Sequence[str] | None) -> ResolvedConditions:
        """Check the caller's conditions against the model (raises on unknown ones)."""
        combinations = [c for c in self.schema.constraints if isinstance(c, FixedCombinations)]
        return user_conditions.resolve(conditions, self.transformer, dict(self.schema.columns), combinations)

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
            candidates = self._decoded(self.pipeline.draws_for(expected), resolved, random, rng)
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

    def _decoded(
        self,
        batch: int,
        resolved: ResolvedConditions,
        random: torch.Generator,
        rng: np.random.Generator,
    ) -> pd.DataFrame:
        activated = self.pipeline.draw(batch, resolved.native, random)
        reshaped = self.transformer.inverse_transform(activated, rng=rng)
        rows = self.schema.reverse_transform(reshaped, seed=rng)
        for name, value in resolved.pinned.items():
            rows[name] = pd.Series([value] * len(rows), dtype=rows[name].dtype)
        return rows

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
