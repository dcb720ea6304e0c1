"""Matching the real table's marginals when sampling, without touching what the
generator learned about how columns depend on each other.

A GAN learns the share of each category and of each numeric mode (the null mode
included) only roughly, and the error moves with the seed: on 1,462 patients the
share of rows without a death date came out anywhere from 0.59 to 0.79 (real 0.687).
Inside a mode it also tends to draw too narrow a spread (a bimodal column with a
standard deviation of 1 in each peak came back with 0.46). After training, two
corrections are fitted on rows drawn the way `sample` draws them:

- Share offsets: one offset per one-hot slot, added to the generator's logits, so
  the expected share of every slot equals its share in the encoded real table. An
  offset shifts the log-odds of a slot by the same amount in every row, so the
  differences between rows stay as they were. The offsets solve a convex problem
  (mean softmax equal to the target; synthdata.models.share_matching) on logits
  computed once.
- Scalar maps: inside each mode of each numeric column, a monotone piecewise-linear
  map from the generated scalar's quantiles to the real scalar's quantiles. Being
  monotone it keeps every row's rank within its mode, so the dependence between
  columns (a copula) is untouched while the spread and shape come out right.

As a sampling stage (`Calibrate`) it reads the generator's raw output and makes the
hard rows every later stage works on; a later stage that keeps rows with some
probability has it refit the scalar maps for the rows it keeps (`reweight`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from synthdata.models.ctgan import OutputActivation, padded_index
from synthdata.models.pipeline import FIT_ROWS, EarlierStages, FittedStage, padded_rows_limit
from synthdata.models.share_matching import real_shares, softmax_shift
from synthdata.transform.table import DataTransformer, Span

# Quantiles per scalar map, and the rows a mode needs, real and generated, to get one
# (fewer, and the mode keeps the generator's scalars as they are). A map interpolates
# linearly between quantiles, which smears a column of whole numbers across its
# neighbours: with 51 quantiles Adult's ages came out with single ages 20% too common
# or too rare (HGB on age alone: AUC 0.534); with 201, 0.510. Files written with 51
# still load: a map reads its size off its tensors.
QUANTILES = 201
MIN_MODE_ROWS = 50
# Scalars and map quantiles lie in [-1, 1]; shifted this far apart, all maps sort as one.
MAP_SPACING = 4.0
# Refits of the scalar maps for rows kept by rejection (see `_fitted`).
MAP_ROUNDS = 4


@dataclass
class Calibration:
    """The fitted corrections: what `sample` applies to every generator pass."""

    logit_offsets: torch.Tensor  # (output_dim,), zero on scalar slots
    generated_quantiles: torch.Tensor  # (numeric columns, max components, QUANTILES)
    real_quantiles: torch.Tensor  # same shape

    def tensors(self) -> dict[str, torch.Tensor]:
        """What the model file stores."""
        return {
            "logit_offsets": self.logit_offsets,
            "generated_quantiles": self.generated_quantiles,
            "real_quantiles": self.real_quantiles,
        }

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], device: torch.device) -> Calibration:
        return cls(
            **{name: tensors[name].to(device) for name in ("logit_offsets", "generated_quantiles", "real_quantiles")}
        )

    def draw(
        self, raw: torch.Tensor, activation: OutputActivation, layout: NumericLayout, random: torch.Generator
    ) -> torch.Tensor:
        """Hard rows from raw generator output, with both corrections applied."""
        activated = activation.draw(raw + self.logit_offsets, random)
        return layout.map_scalars(activated, self.generated_quantiles, self.real_quantiles)


class NumericLayout:
    """Where each numeric column's scalar and mode one-hot sit in an encoded row."""

    def __init__(self, spans: list[Span], device: torch.device) -> None:
        components = [span for span in spans if span.kind == "component"]
        scalars = [span.start for span in spans if span.kind == "scalar"]  # one per component span, same order
        self.n_columns = len(components)
        self.scalar_slots = torch.tensor(scalars, dtype=torch.long, device=device)
        self.component_index, self.mask = padded_index(components, device)
        self.max_components = self.mask.shape[1]

    def modes(self, rows: torch.Tensor) -> torch.Tensor:
        """Each row's mode in each numeric column, (rows, numeric columns)."""
        one_hot = rows[:, self.component_index].masked_fill(~self.mask, -1.0)
        return one_hot.argmax(dim=-1)

    def quantiles(self, rows: torch.Tensor, weights: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Quantiles of the scalar within every (column, mode), rows weighted by
        `weights` when given, and the row counts."""
        if self.n_columns == 0:
            return rows.new_zeros(0, 0, QUANTILES), torch.zeros(0, 0, dtype=torch.long, device=rows.device)
        scalars, modes = rows[:, self.scalar_slots], self.modes(rows)
        grid = torch.linspace(0.0, 1.0, QUANTILES, device=rows.device)
        found = grid.expand(self.n_columns, self.max_components, QUANTILES) * 2.0 - 1.0
        found = found.clone()
        counts = torch.zeros(self.n_columns, self.max_components, dtype=torch.long, device=rows.device)
        for column in range(self.n_columns):
            for mode in torch.unique(modes[:, column]).tolist():
                in_mode = modes[:, column] == mode
                values = scalars[in_mode, column]
                counts[column, mode] = len(values)
                found[column, mode] = _quantiles(values, grid, None if weights is None else weights[in_mode])
        return found, counts

    def map_scalars(self, rows: torch.Tensor, generated: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """Rows with every numeric scalar passed through its mode's quantile map.

        Every (column, mode) map is searched in one sorted array: map k's quantiles,
        which lie in [-1, 1] like the scalars, are shifted by 4k, and a scalar of map k
        is looked up shifted the same, so no (rows, columns, quantiles) block is built
        (on Adult that block made the maps a fifth of the sampling time)."""
        if self.n_columns == 0:
            return rows
        n_quantiles = generated.shape[-1]
        source, target = generated.reshape(-1), real.reshape(-1)
        shifts = MAP_SPACING * torch.arange(generated.shape[0] * generated.shape[1], device=rows.device)
        keys = (generated.reshape(len(shifts), n_quantiles).clamp(-1.0, 1.0) + shifts[:, None]).reshape(-1)
        columns = torch.arange(self.n_columns, device=rows.device)
        maps = columns * generated.shape[1] + self.modes(rows)  # (rows, columns)
        scalars = rows[:, self.scalar_slots]
        found = torch.searchsorted(keys, (scalars.clamp(-1.0, 1.0) + MAP_SPACING * maps).contiguous())
        upper = maps * n_quantiles + (found - maps * n_quantiles).clamp(1, n_quantiles - 1)
        x0, x1 = source[upper - 1], source[upper]
        y0, y1 = target[upper - 1], target[upper]
        step = x1 - x0
        share = torch.where(step > 0, (scalars - x0) / step.clamp_min(1e-12), 0.0).clamp(0.0, 1.0)
        return rows.index_copy(1, self.scalar_slots, y0 + share * (y1 - y0))


def fit_calibration(
    raw_rows: Callable[[int], torch.Tensor],
    activation: OutputActivation,
    layout: NumericLayout,
    encoded: torch.Tensor,
    random: torch.Generator,
    acceptance: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> Calibration:
    """Fit share offsets, then scalar maps on rows drawn with those offsets.

    `raw_rows(n)` returns the generator's raw output for `n` rows drawn as sampling
    draws them (noise and conditions as in the data). With `acceptance` (each drawn
    row's probability of being kept, see synthdata.models.reject), the scalar maps
    are fitted for the rows that are kept: on drawn scalars weighted by their rows'
    acceptance. (The shares of kept rows are the realness classifier's to balance.)"""
    rows = min(FIT_ROWS, padded_rows_limit(activation))
    with torch.no_grad():
        raw = raw_rows(rows)
        real, real_counts = layout.quantiles(encoded)
        return _fitted(raw, real_shares(encoded, activation), activation, layout, real, real_counts, random, acceptance)


def _fitted(
    raw: torch.Tensor,
    target: torch.Tensor,
    activation: OutputActivation,
    layout: NumericLayout,
    real: torch.Tensor,
    real_counts: torch.Tensor,
    random: torch.Generator,
    weights: Callable[[torch.Tensor], torch.Tensor] | None,
) -> Calibration:
    """Offsets reaching `target`, and scalar maps from the rows they draw to the real
    quantiles; with `weights`, the rows are weighted by `weights` of their mapped selves."""
    offsets = share_offsets(raw, activation, target)
    drawn = activation.draw(raw + offsets, random)
    generated, generated_counts = layout.quantiles(drawn)
    enough = (generated_counts >= MIN_MODE_ROWS) & (real_counts >= MIN_MODE_ROWS)
    identity = torch.linspace(-1.0, 1.0, QUANTILES, device=raw.device)
    real = torch.where(enough.unsqueeze(-1), real, identity)
    generated = torch.where(enough.unsqueeze(-1), generated, identity)
    # a row's weight depends on its mapped scalar, so the weighted map is a fixed point
    if weights is not None:
        for _ in range(MAP_ROUNDS):
            row_weights = weights(layout.map_scalars(drawn, generated, real))
            weighted, _ = layout.quantiles(drawn, row_weights)
            generated = torch.where(enough.unsqueeze(-1), weighted, identity)
    return Calibration(offsets, generated, real)


def share_offsets(raw: torch.Tensor, activation: OutputActivation, target: torch.Tensor) -> torch.Tensor:
    """Offsets (one per encoded slot, zero on scalars) that make the mean softmax of
    every one-hot span over the rows of `raw` equal `target`."""
    offsets = torch.zeros(raw.shape[1], device=raw.device)
    if activation.mask.numel() == 0:
        return offsets
    logits = raw[:, activation.padded_index].masked_fill(~activation.mask, float("-inf"))
    shift = softmax_shift(logits, activation.mask, target)
    offsets[activation.softmax_index] = shift[activation.mask]
    return offsets


def _quantiles(values: torch.Tensor, grid: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
    """Linear-interpolated quantiles at `grid` (torch.quantile stops at 2**24 values and
    takes no weights). A weighted quantile interpolates between the sorted values at
    the midpoints of their cumulative weights, scaled so the first value is the 0th
    quantile and the last the 100th: equal weights give the unweighted quantiles."""
    order = values.argsort()
    ordered = values[order]
    if weights is None or len(ordered) < 2 or float(weights.sum()) <= 0:
        position = grid * (len(ordered) - 1)
    else:
        ordered_weights = weights[order]
        midpoints = torch.cumsum(ordered_weights, dim=0) - ordered_weights / 2 - ordered_weights[0] / 2
        position = _interpolated_position(midpoints / midpoints[-1].clamp_min(1e-12), grid)
    lower = position.floor().long()
    upper = position.ceil().long()
    weight = position - lower
    return ordered[lower] + weight * (ordered[upper] - ordered[lower])


def _interpolated_position(midpoints: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Fractional positions in the sorted values at which the cumulative share reaches `grid`."""
    upper = torch.searchsorted(midpoints, grid.contiguous()).clamp(1, max(len(midpoints) - 1, 1))
    lower = upper - 1
    low, high = midpoints[lower], midpoints[upper]
    share = torch.where(high > low, (grid - low) / (high - low).clamp_min(1e-12), 0.0).clamp(0.0, 1.0)
    return (lower + share).clamp(0, len(midpoints) - 1)


class Calibrate(FittedStage[Calibration]):
    """The calibration stage: hard rows from raw generator output, both corrections applied."""

    name = "calibrate"
    description = "Calibrating the generator's shares"
    reads_raw = True

    def __init__(
        self, transformer: DataTransformer, device: torch.device, calibration: Calibration | None = None
    ) -> None:
        super().__init__(calibration)
        self.activation = OutputActivation(transformer.spans_, device)
        self.layout = NumericLayout(transformer.spans_, device)

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        self.state = fit_calibration(lambda rows: earlier.raw(rows, random), self.activation, self.layout, real, random)
        return True

    def reweight(
        self,
        earlier: EarlierStages,
        real: torch.Tensor,
        random: torch.Generator,
        weights: Callable[[torch.Tensor], torch.Tensor],
    ) -> None:
        """Refit for the rows a later stage keeps, each with probability `weights(row)`."""
        self.state = fit_calibration(
            lambda rows: earlier.raw(rows, random), self.activation, self.layout, real, random, weights
        )

    def apply(self, rows: torch.Tensor, random: torch.Generator, fixed: frozenset[int]) -> torch.Tensor:
        return self.fitted.draw(rows, self.activation, self.layout, random)

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> Calibrate:
        return cls(transformer, device, Calibration.from_tensors(tensors, device))
