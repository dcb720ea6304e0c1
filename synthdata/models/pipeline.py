"""The chain from the generator's noise to encoded rows: the raw draw, then the stages.

A fitted generator gets each column and most pairs right, yet its rows are not yet
the real table's: shares of categories and modes drift with the seed, some rows are
unlike any real one, and categories depend on the rest of the row only roughly. Each
of those is fixed by a sampling stage fitted after training, in order, on the rows of
the stages before it:

1. `calibrate` (synthdata.models.calibrate): offsets on the generator's logits and
   monotone maps of its scalars, so the shares and spreads are the real ones;
2. `reject` (synthdata.models.reject): a classifier's density ratio keeps rows like
   real ones;
3. `redraw` (synthdata.models.redraw): every category is redrawn from its real
   conditional given the rest of the row.
4. `pairs` (synthdata.models.pair_matching), in DP fits in place of `reject`: rows are
   kept so that their two-column tables are the real ones, released with noise.

A stage knows only the protocol below: it draws the rows of the stages before it
through `EarlierStages`, never another stage, so any of them can be left out when
fitting (`TabularGAN(calibrate=False)`) or when sampling (`sample(stages=...)`).
Every stage is fitted with a generator of its own seeded by the model's seed, so a
stage's fit does not depend on how much randomness the stages before it used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

import torch

from synthdata.models.condition_vectors import ConditionSampler
from synthdata.models.ctgan import Generator, OutputActivation
from synthdata.transform.table import DataTransformer

# Rows a stage is fitted on: a 1% slot's expected share is then measured to a few
# hundredths of a point.
FIT_ROWS = 20_000
# Padded logits, (rows, spans, widest span), stay within this many values (~256 MB).
MAX_PADDED_VALUES = 2**26
# Rows per generator pass. The network's activations for a few thousand rows stay in
# the CPU's caches: 100,000 Adult rows take 0.5 s in passes of 2,000-5,000 rows and
# 0.96 s in one pass (2 cores, float32).
FORWARD_ROWS = 4096
# Rows drawn beyond what a rejecting stage's kept share promises, so that one round of
# drawing is usually enough, and the least kept share that draws are planned for.
CANDIDATE_MARGIN = 1.1
MIN_PLANNED_SHARE = 1e-3


class SamplingStage(Protocol):
    """One step between the generator and the decoded rows."""

    name: str  # as the model file and `sample(stages=...)` name it
    description: str  # the progress note shown while it is fitted
    reads_raw: bool  # True: `apply` takes the generator's raw output and makes hard rows

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        """Fit on `real` encoded rows and the rows `earlier` draws; False when the table
        gives the stage nothing to learn (it is then left out)."""
        ...

    def apply(self, rows: torch.Tensor, random: torch.Generator, fixed: frozenset[int]) -> torch.Tensor:
        """Encoded rows after this stage, possibly fewer; the category spans numbered in
        `fixed` hold a value the caller asked for and must keep it."""
        ...

    def draws_for(self, wanted: int) -> int:
        """Rows to feed this stage for `wanted` rows out of it."""
        ...

    def tensors(self) -> dict[str, torch.Tensor]:
        """What a model file stores of the fitted stage (see `from_tensors` of each stage)."""
        ...


@runtime_checkable
class WeighsRows(Protocol):
    """A stage whose fit depends on which of its rows a later stage keeps."""

    def reweight(
        self,
        earlier: EarlierStages,
        real: torch.Tensor,
        random: torch.Generator,
        weights: Callable[[torch.Tensor], torch.Tensor],
    ) -> None:
        """Refit for rows kept by a later stage, each with probability `weights(row)`."""
        ...


class HoldsTensors(Protocol):
    def tensors(self) -> dict[str, torch.Tensor]: ...


Fitted = TypeVar("Fitted", bound=HoldsTensors)


class FittedStage(Generic[Fitted]):
    """What every stage shares: its fitted state (None until `fit` or a model file
    gives it one), stored as that state's tensors; it keeps as many rows as it gets."""

    reads_raw = False

    def __init__(self, state: Fitted | None = None) -> None:
        self.state = state

    @property
    def fitted(self) -> Fitted:
        assert self.state is not None, "a stage is fitted or loaded before it samples"
        return self.state

    def draws_for(self, wanted: int) -> int:
        return wanted

    def tensors(self) -> dict[str, torch.Tensor]:
        return self.fitted.tensors()


class SamplingPipeline:
    """The generator's raw draw and the fitted stages, in order."""

    def __init__(
        self,
        generator: Generator,
        transformer: DataTransformer,
        category_counts: list[torch.Tensor],
        embedding_dim: int,
        device: torch.device,
        stages: Sequence[SamplingStage] = (),
    ) -> None:
        self.generator = generator
        self.transformer = transformer
        self.category_counts = category_counts
        self.embedding_dim = embedding_dim
        self.device = device
        self.stages = list(stages)
        self.activation = OutputActivation(transformer.spans_, device)
        self.conditions = ConditionSampler(transformer.category_spans, category_counts, device)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def stage(self, name: str) -> SamplingStage | None:
        """The fitted stage called `name`, if the pipeline has it."""
        return next((stage for stage in self.stages if stage.name == name), None)

    def fit(self, stage: SamplingStage, real: torch.Tensor, seed: int) -> None:
        """Fit `stage` after the stages already fitted, and append it unless it declines."""
        earlier = EarlierStages(self, len(self.stages), real, seed)
        if stage.fit(earlier, real, earlier.fresh_random()):
            self.stages.append(stage)

    def only(self, names: Sequence[str]) -> SamplingPipeline:
        """The same pipeline running only the stages named (in their fitted order)."""
        kept = [stage for stage in self.stages if stage.name in names]
        return SamplingPipeline(
            self.generator, self.transformer, self.category_counts, self.embedding_dim, self.device, kept
        )

    def draws_for(self, wanted: int) -> int:
        """Rows to draw from the generator for `wanted` rows out of every stage."""
        return _draws_for(self.stages, wanted)

    def draw(self, batch: int, native: tuple[int, int] | None, random: torch.Generator) -> torch.Tensor:
        """Encoded rows out of the last stage for `batch` drawn rows (fewer when a stage
        rejects some), in passes of FORWARD_ROWS; `native` (column, category) fixes one
        category for every row. Under inference mode, which skips autograd's version
        counters: the tensor work of 40,000 Adult rows (one 2-epoch model, all stages, 8
        interleaved runs on a shared 2-core machine) took 3.02 s at best against 3.15 s
        under no_grad, the rows identical. (Fitting draws under no_grad: its rows train
        the stages' networks, which inference tensors cannot.)"""
        with torch.inference_mode():
            return torch.cat([self._through(self.stages, self.raw(rows, native, random), native, random)
                              for rows in passes(batch)])  # fmt: skip

    def raw(self, batch: int, native: tuple[int, int] | None, random: torch.Generator) -> torch.Tensor:
        """The generator's raw output for `batch` rows, before any activation."""
        if native is not None:
            conditions = self.conditions.fixed(batch, *native)
        else:
            conditions = self.conditions.sample_as_in_data(batch, random)
        noise = torch.randn(batch, self.embedding_dim, device=self.device, generator=random)
        return self.generator(torch.cat([noise, conditions.vectors], dim=1))

    def _through(
        self,
        stages: Sequence[SamplingStage],
        raw: torch.Tensor,
        native: tuple[int, int] | None,
        random: torch.Generator,
    ) -> torch.Tensor:
        """Hard rows from `raw` (by the first stage when it reads raw output), the native
        condition set, then every other stage."""
        if stages and stages[0].reads_raw:
            rows, later = stages[0].apply(raw, random, frozenset()), stages[1:]
        else:
            rows, later = self.activation.draw(raw, random), stages
        fixed: frozenset[int] = frozenset()
        if native is not None:
            column, category = native
            span = self.transformer.category_spans[column]
            rows[:, span.start : span.stop] = 0.0
            rows[:, span.start + category] = 1.0
            fixed = frozenset([column])
        for stage in later:
            rows = stage.apply(rows, random, fixed)
        return rows


class EarlierStages:
    """What a stage being fitted sees of the pipeline: the stages before it."""

    def __init__(self, pipeline: SamplingPipeline, count: int, real: torch.Tensor, seed: int) -> None:
        self.pipeline = pipeline
        self.stages = pipeline.stages[:count]
        self.real = real
        self.seed = seed
        self.activation = pipeline.activation

    def fresh_random(self) -> torch.Generator:
        return torch.Generator(device=self.pipeline.device).manual_seed(self.seed)

    def raw(self, batch: int, random: torch.Generator) -> torch.Tensor:
        """Raw generator output for `batch` rows drawn as an unconditional sample draws them."""
        with torch.no_grad():
            return torch.cat([self.pipeline.raw(rows, None, random) for rows in passes(batch)])

    def rows(self, batch: int, random: torch.Generator) -> torch.Tensor:
        """Encoded rows out of the earlier stages for `batch` unconditionally drawn rows,
        each stage applied to the whole draw at once."""
        with torch.no_grad():
            return self.pipeline._through(self.stages, self.raw(batch, random), None, random)

    def draws_for(self, wanted: int) -> int:
        return _draws_for(self.stages, wanted)

    def reweight(self, weights: Callable[[torch.Tensor], torch.Tensor]) -> None:
        """Have every earlier stage that weighs rows refit for rows kept with `weights`."""
        for index, stage in enumerate(self.stages):
            if isinstance(stage, WeighsRows):
                before = EarlierStages(self.pipeline, index, self.real, self.seed)
                stage.reweight(before, self.real, before.fresh_random(), weights)


def padded_rows_limit(activation: OutputActivation) -> int:
    """The most rows whose one-hot spans, padded as (rows, spans, width), stay within
    MAX_PADDED_VALUES."""
    return max(MAX_PADDED_VALUES // max(activation.mask.numel(), 1), 1)


def passes(batch: int) -> list[int]:
    """Row counts of the generator passes for `batch` rows (at least one pass)."""
    return [min(FORWARD_ROWS, batch - done) for done in range(0, max(batch, 1), FORWARD_ROWS)]


def kept_draws(wanted: int, kept_share: float) -> int:
    """Rows to draw for `wanted` rows out of a stage that keeps `kept_share` of them."""
    return math.ceil(wanted * CANDIDATE_MARGIN / max(kept_share, MIN_PLANNED_SHARE))


def _draws_for(stages: Sequence[SamplingStage], wanted: int) -> int:
    for stage in reversed(stages):
        wanted = stage.draws_for(wanted)
    return wanted
