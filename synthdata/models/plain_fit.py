"""How a fit without DP reads the real rows: as they are, at every step.

`TabularGAN.fit` runs a plan without asking which kind it holds: this one, or a DP
fit's `synthdata.privacy.fit_plan.PrivateFit`, which reads the rows only through
public facts and mechanisms charged to its budget. Both offer what `fit` asks of a
plan: the schema, the epochs, the batch size, how the table is encoded, which trainer learns it, what
each sampling stage is fitted on, and the privacy record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from synthdata.models.pipeline import SamplingStage
from synthdata.models.stages import PRIVATE_STAGES, STAGES
from synthdata.models.training import AdversarialTrainer, default_epochs
from synthdata.schema import Schema
from synthdata.schema.column import Column
from synthdata.transform.table import DataTransformer


@dataclass
class PlainFit:
    """The given or inferred schema, the epochs asked for or the default, and the
    batch size asked for."""

    schema: Schema
    epochs: int
    batch_size: int

    @classmethod
    def plan(cls, data: pd.DataFrame, schema: Schema | None, *, epochs: int | None, batch_size: int) -> PlainFit:
        """`schema`, or the one inferred from `data`; `epochs`, or the default for its size."""
        return cls(
            schema=schema if schema is not None else Schema.infer(data),
            epochs=epochs if epochs is not None else default_epochs(len(data), batch_size),
            batch_size=batch_size,
        )

    def encode(
        self, data: pd.DataFrame, modelled: list[Column], random: np.random.Generator
    ) -> tuple[DataTransformer, torch.Tensor]:
        """The transformer fitted on the `modelled` columns of `data` (the schema's
        reshaped rows), and those rows encoded."""
        transformer = DataTransformer().fit(data, modelled, rng=random)
        return transformer, transformer.transform(data, rng=random)

    def trainer(
        self, encoded: torch.Tensor, transformer: DataTransformer, rows: int, **options: Any
    ) -> AdversarialTrainer:
        """The adversarial trainer of the encoded rows, `options` as it takes them."""
        return AdversarialTrainer(encoded, transformer.spans_, **options)

    def stage(
        self,
        name: str,
        transformer: DataTransformer,
        device: torch.device,
        encoded: torch.Tensor,
        random: np.random.Generator,
    ) -> tuple[SamplingStage, torch.Tensor] | None:
        """Sampling stage `name`, fitted on the encoded rows; None for a stage only DP fits run."""
        if name in PRIVATE_STAGES:
            return None
        return STAGES[name](transformer, device), encoded

    def record(self, steps: int, stages: tuple[str, ...]) -> None:
        """No privacy record: the fit is not differentially private."""
        return None
