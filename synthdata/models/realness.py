"""Dropping generated rows that a classifier finds unlike real ones.

A GAN's generator matches each column and most pairs, yet still produces rows real
data almost never holds: on Adult after 100 epochs a husband who is female or never
married, a "?" workclass with a named occupation. A classifier told to separate such
rows from real ones finds them at once (HistGradientBoosting, AUC 0.80), whatever
the column-by-column scores say.

After training, a second, small network learns the same task: real encoded rows
against rows the calibrated generator draws. Its logit estimates the log density
ratio `log p_real(x) / p_generated(x)`, so keeping a generated row with probability
`min(1, ratio / cap)` draws from the real distribution wherever the ratio stays
under the cap (discriminator rejection sampling, Azadi et al., 2019). The cap is a
high quantile of the generated rows' ratios: a higher one follows the ratio further
and keeps fewer rows. Adult, 300 epochs (one model; HGB detection AUC, TSTR accuracy):
without rejection 0.699 and 0.838; cap at the 80th percentile, 56% of rows kept, 0.626
and 0.845; 90th, 46% kept, 0.620 and 0.850; 95th, 38% kept, 0.614 and 0.849.

One classifier leaves part of the difference unseen; a second stage, trained on the
rows the first keeps, finds some of what remains, and a row is kept with the product
of both acceptances (STAGE_CAPS). Since categories are redrawn from their real
conditionals after rejection (synthdata.models.conditionals), one stage does as well
as two and the default has one; files with more stages load and sample as written.

The classifier reads rows through `RowFeatures`, a view in which a number is its
value, not the mixture mode it was assigned to: real rows get their mode by a random
draw, generated ones by the generator, and a classifier that saw modes would reject
rows for that difference, which sampled tables never show. Each value is also given
as a one-hot of its quantile bin among the real values, so a threshold ("younger
than 19") and its interactions with categories are one input and one hidden unit
away: the generator leaves age nearly independent of education and hours (Adult:
12% of generated 17-18 year olds hold a bachelor's degree, no real one does, and
generated 65-75 year olds work 41 hours a week against 30), and an MLP on the bare
value hardly learns such edges. Adult, one 49-epoch model, one stage at the 90th
percentile, HGB detection AUC (3-fold): 0.640 without bins, 0.615 with 16 (8 and 32
bins: 0.616, 0.617). With the stages of STAGE_CAPS, the 5-fold AUC of `evaluate`:
0.651 before, 0.616 with one stage at the 95th, 0.600 with two, quality 0.986 in all
three.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from synthdata.models.calibration import CALIBRATION_ROWS, padded_rows_limit
from synthdata.models.ctgan import OutputActivation, init_linear, padded_index
from synthdata.transform.modes import STD_MULTIPLIER, ModeSpecificNormalizer
from synthdata.transform.table import DataTransformer, Span

HIDDEN = (256, 256)
# Generated rows per real row in the classifier's training set: more of them cost
# little (they are drawn, not stored) and steady its estimate of the generated density.
GENERATED_PER_REAL = 2
MAX_REAL_ROWS = 50_000
# Fewer real rows than this, and the classifier would learn the rows, not the
# distribution; the generator's rows are then kept as drawn.
MIN_REAL_ROWS = 500
# Epochs over each stage's training rows; the one with the lowest validation loss is
# kept. Adult, one 49-epoch model, one stage without value bins: 12 epochs, detection
# AUC 0.654 and TSTR 0.843; 24, 0.640 and 0.847. With bins and two stages (evaluate's
# AUC and quality): 12 epochs, 0.601 and 0.984; 16, 0.602 and 0.986; 24, 0.600 and
# 0.986, where each epoch of each stage takes about 0.75 s on 2 CPU cores. 12 keep the
# fit within MOSTLY AI's time on Adult (fidelity.py, each in one run: at 16 epochs 127 s
# against 126 s, at 12 99 s against 130 s, quality 0.989 and detection AUC 0.590).
EPOCHS = 12
BATCH_ROWS = 1024
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-5
VALIDATION_SHARE = 0.2
# Each stage's cap is this quantile of its generated rows' ratios (see the module
# docstring), one stage per entry. With value bins a higher cap pays (Adult, one
# 49-epoch model, one stage, HGB detection AUC and share of rows kept): 0.90, 0.615 and
# 32%; 0.95, 0.602 and 25%; 0.97, 0.598 and 20%; 0.99, 0.592 and 13%. A second stage
# trained on the rows the first keeps does better for the rows it costs: 0.589 with
# 16% kept. Sampling 100,000 rows takes 11 s at one stage of 0.95, 8 s at 0.90.
# With the categories redrawn after rejection, the second stage no longer pays (Adult,
# one model each, 3-fold HGB detection AUC, TSTR accuracy, SDMetrics quality): two
# stages 0.555, 0.861 and 0.987, one 0.553, 0.860 and 0.988 (39 epochs); one at 49
# epochs 0.549, 0.862 and 0.989, 8 s shorter to fit than two, keeping 24% of rows.
STAGE_CAPS = (0.95,)
# Rows drawn to fit the slot biases, at most.
MAX_BALANCE_ROWS = 100_000
# Rows drawn beyond what the kept share promises, so that one round of drawing is
# usually enough, and the least kept share that draws are planned for.
CANDIDATE_MARGIN = 1.1
MIN_PLANNED_SHARE = 1e-3
# Drawing the rows a later stage trains on: rows per pass, and passes at most.
MAX_DRAW_ROWS = 200_000
MAX_DRAW_PASSES = 20
# Slot biases (see `Realness.balance`): sweeps over the spans, the change at which
# they stop, and how far a bias may move a logit.
BALANCE_ITERATIONS = 30
# Quantile bins of every numeric value among the classifier's features (see above),
# at most, and the real rows each bin needs: on a small table many bins let the
# classifier reject rows for noise. ma_1462 patients (1,169 rows, one model, two
# stages; detection AUC): 16 bins 0.609, 5 0.584, 4 0.562, 3 0.590, none 0.588.
VALUE_BINS = 16
ROWS_PER_VALUE_BIN = 250
BALANCE_TOLERANCE = 1e-3
MAX_BIAS = 3.0


class RowFeatures:
    """Encoded rows as the classifier reads them: category slots, the point-mass and
    null slots of numeric columns, each numeric column's value in its scaled units
    (zero when the value is a point mass or null), and the one-hot of that value's bin
    between `value_edges` (numeric columns, bins - 1), when given (all zeros for a
    point mass or null)."""

    def __init__(
        self, transformer: DataTransformer, device: torch.device, value_edges: torch.Tensor | None = None
    ) -> None:
        kept: list[int] = []
        mode_spans, scalars, means, stds = [], [], [], []
        for span in transformer.spans_:
            encoder = transformer.encoders_[span.column]
            if span.kind == "category":
                kept.extend(range(span.start, span.stop))
            elif span.kind == "scalar":
                assert isinstance(encoder, ModeSpecificNormalizer)
                n_modes = len(encoder.means_)
                component_start = span.stop
                kept.extend(range(component_start + n_modes, component_start + encoder.n_components))
                if n_modes > 0:  # a column of point masses and nulls only has no value to add
                    scalars.append(span.start)
                    mode_spans.append(Span(span.column, "component", component_start, n_modes))
                    means.append(encoder.means_)
                    stds.append(encoder.stds_)
        self.kept_slots = torch.tensor(kept, dtype=torch.long, device=device)
        self.scalar_slots = torch.tensor(scalars, dtype=torch.long, device=device)
        self.mode_index, self.mode_mask = padded_index(mode_spans, device)
        self.means = _padded(means, self.mode_mask.shape[1], device)
        self.stds = _padded(stds, self.mode_mask.shape[1], device)
        self.value_edges = value_edges.to(device) if value_edges is not None else None
        bins = self.value_edges.shape[1] + 1 if self.value_edges is not None else 0
        self.dim = len(kept) + len(scalars) * (1 + bins)

    def tensors(self) -> dict[str, torch.Tensor]:
        """What a model file stores of the view: the edges of the value bins, if any."""
        return {"value_edges": self.value_edges} if self.value_edges is not None else {}

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> tuple[RowFeatures, dict[str, torch.Tensor]]:
        """The view stored among `tensors`, and the tensors that are not the view's."""
        rest = dict(tensors)
        return cls(transformer, device, value_edges=rest.pop("value_edges", None)), rest

    def values(self, rows: torch.Tensor) -> torch.Tensor:
        """Each numeric column's value, (rows, numeric columns): zero for a point mass or null."""
        return self.values_in_mode(rows)[0]

    def values_in_mode(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`values`, and whether each lies in a mixture mode (not a point mass or null)."""
        one_hot = rows[:, self.mode_index].masked_fill(~self.mode_mask, 0.0)
        in_mode = one_hot.sum(dim=-1) > 0
        mode = one_hot.argmax(dim=-1)
        columns = torch.arange(mode.shape[1], device=rows.device).expand_as(mode)
        scalar = rows[:, self.scalar_slots].clamp(-1.0, 1.0)
        value = self.means[columns, mode] + scalar * STD_MULTIPLIER * self.stds[columns, mode]
        return torch.where(in_mode, value, 0.0), in_mode

    def __call__(self, rows: torch.Tensor) -> torch.Tensor:
        kept = rows[:, self.kept_slots]
        if self.scalar_slots.numel() == 0:
            return kept
        values, in_mode = self.values_in_mode(rows)
        if self.value_edges is None:
            return torch.cat([kept, values], dim=1)
        bins = torch.searchsorted(self.value_edges, values.T.contiguous()).T
        # a point mass or null has a slot of its own and no bin
        one_hot = F.one_hot(bins, self.value_edges.shape[1] + 1).to(rows.dtype) * in_mode[..., None]
        return torch.cat([kept, values, one_hot.reshape(len(rows), one_hot.shape[1] * one_hot.shape[2])], dim=1)


class RealnessClassifier(nn.Module):
    """An MLP on standardized features whose logit is the log density ratio."""

    # buffers, registered in __init__ so they move with the module and save in its state
    center: torch.Tensor
    scale: torch.Tensor
    cap: torch.Tensor
    kept_share: torch.Tensor
    slot_bias: torch.Tensor

    def __init__(self, features_dim: int, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.register_buffer("center", torch.zeros(features_dim))
        self.register_buffer("scale", torch.ones(features_dim))
        self.register_buffer("cap", torch.zeros(()))
        self.register_buffer("kept_share", torch.ones(()))
        # per encoded slot, added to the logit of rows holding it (see `Realness.balance`)
        self.register_buffer("slot_bias", torch.zeros(0))
        layers: list[nn.Module] = []
        width = features_dim
        for dim in HIDDEN:
            layers += [nn.Linear(width, dim), nn.LeakyReLU(0.2)]
            width = dim
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)
        if generator is not None:
            for layer in self.net:
                if isinstance(layer, nn.Linear):
                    init_linear(layer, generator)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net((features - self.center) / self.scale).squeeze(-1)


class Realness:
    """The fitted classifiers and the feature view they read: what sampling applies.

    Stages after the first were trained on the rows the stages before them keep, and
    a row is kept with the product of every stage's acceptance. The first stage's
    buffers hold what belongs to the whole: the slot biases and the kept share."""

    def __init__(self, features: RowFeatures, stages: list[RealnessClassifier]) -> None:
        self.features = features
        self.stages = [stage.eval() for stage in stages]
        self.classifier = self.stages[0]

    def acceptance(self, rows: torch.Tensor) -> torch.Tensor:
        """The probability of keeping each encoded row, `min(1, ratio / cap)` over the
        stages, the last stage's ratio tilted by the slot biases."""
        return torch.exp((self._capped_logits(rows) + rows @ self.classifier.slot_bias).clamp_max(0.0))

    def _capped_logits(self, rows: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            features = self.features(rows)
            capped = [stage(features) - stage.cap for stage in self.stages]
        return sum((logits.clamp_max(0.0) for logits in capped[:-1]), capped[-1])

    def balance(self, rows: torch.Tensor, target: torch.Tensor, activation: OutputActivation) -> None:
        """Fit the slot biases so the kept share of every one-hot slot among `rows` (drawn
        as sampling draws them) equals `target`, padded as (spans, width).

        Rejection keeps some categories more often than others: on Adult the husbands'
        share rose from 0.40 to 0.45 and the "?" workclass fell by half. Raising the
        generator's share of a slot does not help, for the extra rows come from rows
        the classifier finds unlike real ones and are dropped again. A bias on the
        logit of the rows that hold a slot instead reweights rows already drawn, the
        good ones included; the biases are fitted by iterative proportional fitting,
        one span at a time, on logits computed once."""
        slot_bias = torch.zeros(rows.shape[1], device=rows.device)
        self.classifier.slot_bias = slot_bias
        if activation.mask.numel() == 0:
            return
        logits = self._capped_logits(rows)
        # each row's slot in each span, (spans, rows): sampled rows are one-hot in every span
        hard = rows[:, activation.padded_index].masked_fill(~activation.mask, 0.0)
        slots = hard.argmax(dim=-1).T.contiguous()
        present = (target > 0) & activation.mask
        bias = torch.zeros_like(target)
        row_bias = torch.zeros_like(logits)  # each row's sum of the biases of its slots
        for _ in range(BALANCE_ITERATIONS):
            largest = 0.0
            for span in range(target.shape[0]):
                kept = torch.exp((logits + row_bias).clamp_max(0.0))
                shares = target.new_zeros(target.shape[1]).index_add_(0, slots[span], kept)
                shares /= kept.sum().clamp_min(1e-12)
                update = torch.where(
                    present[span] & (shares > 0), target[span].log() - shares.clamp_min(1e-12).log(), 0.0
                )
                moved = (bias[span] + update).clamp(-MAX_BIAS, MAX_BIAS) - bias[span]
                bias[span] += moved
                row_bias += moved[slots[span]]
                largest = max(largest, float(update.abs().max()))
            if largest < BALANCE_TOLERANCE:
                break
        slot_bias[activation.softmax_index] = bias[activation.mask]
        self.classifier.kept_share.copy_(self.acceptance(rows).mean())

    @property
    def kept_share(self) -> float:
        """The share of the generator's rows kept, measured when the classifier was fitted
        and balanced."""
        return float(self.classifier.kept_share)

    def draws_for(self, wanted: int) -> int:
        """Rows to draw from the generator for `wanted` rows past rejection."""
        return math.ceil(wanted * CANDIDATE_MARGIN / max(self.kept_share, MIN_PLANNED_SHARE))

    def keep(self, rows: torch.Tensor, random: torch.Generator) -> torch.Tensor:
        """A random choice of rows, each kept with its acceptance probability."""
        draws = torch.rand(rows.shape[0], device=rows.device, generator=random)
        return draws < self.acceptance(rows)

    def tensors(self) -> dict[str, torch.Tensor]:
        """What the model file stores: the first stage under its own names, as files
        of one stage always held it, the later ones prefixed `stage<i>.`."""
        tensors = dict(self.classifier.state_dict())
        for index, stage in enumerate(self.stages[1:], start=1):
            tensors.update({f"stage{index}.{name}": value for name, value in stage.state_dict().items()})
        return {**tensors, **self.features.tensors()}

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> Realness:
        # files written before value bins or stages existed store no edges and one stage
        features, tensors = RowFeatures.from_tensors(tensors, transformer, device)
        by_stage: dict[int, dict[str, torch.Tensor]] = {}
        for name, value in tensors.items():
            prefix, _, rest = name.partition(".")
            number = prefix.removeprefix("stage")
            index = int(number) if number != prefix and number.isdigit() else 0
            by_stage.setdefault(index, {})[rest if index else name] = value
        stages = []
        for index in range(len(by_stage)):
            stage = RealnessClassifier(features.dim)
            stage.slot_bias = torch.zeros_like(by_stage[index]["slot_bias"])
            stage.load_state_dict(by_stage[index], strict=True)
            stages.append(stage.to(device))
        return cls(features, stages)


def fit_realness(
    encoded: torch.Tensor,
    generated_rows: Callable[[int], torch.Tensor],
    transformer: DataTransformer,
    random: torch.Generator,
    caps: tuple[float, ...] = STAGE_CAPS,
) -> Realness | None:
    """Train one classifier per entry of `caps` on real `encoded` rows against
    `generated_rows(n)`, each stage after the first against the rows the stages before
    it keep; None when the table has too few rows to learn from (see MIN_REAL_ROWS)."""
    if len(encoded) < MIN_REAL_ROWS:
        return None
    device = encoded.device
    real_rows = encoded[torch.randperm(len(encoded), device=device, generator=random)[:MAX_REAL_ROWS]]
    features = RowFeatures(transformer, device, value_edges=value_edges(transformer, real_rows))
    n_generated = GENERATED_PER_REAL * len(real_rows)
    with torch.no_grad():
        real = features(real_rows)
        generated = generated_rows(n_generated)
    stages: list[RealnessClassifier] = []
    for cap_quantile in caps:
        drawn = _kept_rows(generated_rows, Realness(features, stages), n_generated, random) if stages else generated
        stages.append(_fit_stage(features, real, features(drawn), cap_quantile, random))
        if len(stages) == 1:
            # the whole rejection's slot biases live on the first stage (see Realness)
            stages[0].slot_bias = torch.zeros(encoded.shape[1], device=device)
        stages[0].kept_share.copy_(Realness(features, stages).acceptance(generated).mean())
    return Realness(features, stages)


def _fit_stage(
    features: RowFeatures, real: torch.Tensor, generated: torch.Tensor, cap_quantile: float, random: torch.Generator
) -> RealnessClassifier:
    """One classifier of real against generated features, its cap at `cap_quantile` of
    the generated rows' logits."""
    device = real.device
    inputs = torch.cat([real, generated])
    labels = torch.cat([torch.ones(len(real), device=device), torch.zeros(len(generated), device=device)])
    order = torch.randperm(len(inputs), device=device, generator=random)
    inputs, labels = inputs[order], labels[order]
    n_validation = max(int(len(inputs) * VALIDATION_SHARE), 1)
    classifier = RealnessClassifier(features.dim, random).to(device)
    classifier.center.copy_(real.mean(dim=0))
    classifier.scale.copy_(real.std(dim=0).clamp_min(1e-3))
    _train(
        classifier, inputs[n_validation:], labels[n_validation:], inputs[:n_validation], labels[:n_validation], random
    )
    with torch.no_grad():
        classifier.cap.copy_(torch.quantile(classifier(generated)[: 2**24], cap_quantile))
    return classifier


def _kept_rows(
    generated_rows: Callable[[int], torch.Tensor], realness: Realness, n: int, random: torch.Generator
) -> torch.Tensor:
    """`n` rows of `generated_rows` that `realness` keeps, drawn in bounded passes."""
    kept: list[torch.Tensor] = []
    have = 0
    for _ in range(MAX_DRAW_PASSES):
        rows = generated_rows(min(realness.draws_for(n - have), MAX_DRAW_ROWS))
        rows = rows[realness.keep(rows, random)]
        kept.append(rows)
        have += len(rows)
        if have >= n:
            break
    return torch.cat(kept)[:n]


def balance_rows(kept_share: float, activation: OutputActivation) -> int:
    """Rows to draw for `Realness.balance`: enough that the rows it keeps weigh as much
    as CALIBRATION_ROWS rows, within calibration's memory bound. With a fixed number,
    a model whose rows are mostly rejected balanced its shares on a few hundred rows'
    worth of weight: a 3,000-row table kept 6% of 20,000 rows, and its null share came
    out 0.29-0.36 from seed to seed (real 0.32)."""
    wanted = math.ceil(CALIBRATION_ROWS / max(kept_share, MIN_PLANNED_SHARE))
    return min(wanted, MAX_BALANCE_ROWS, padded_rows_limit(activation))


def value_edges(transformer: DataTransformer, real_rows: torch.Tensor) -> torch.Tensor | None:
    """Edges that cut each numeric column's values among `real_rows` into bins of equal
    counts, as (numeric columns, bins - 1); None when the table has no numeric value
    or too few rows for two bins (see ROWS_PER_VALUE_BIN).

    Only values in a mixture mode are counted: point masses and nulls have slots of
    their own, and counted as zeros they would take every bin of a column that is
    mostly zeros. Adult's capital-gain is 92% zeros; with its bins cut among the
    amounts, a network predicting income from the rest of the row reached accuracy
    0.866 on the hold-out instead of 0.850 (see synthdata.models.conditionals)."""
    plain = RowFeatures(transformer, real_rows.device)
    bins = min(VALUE_BINS, len(real_rows) // ROWS_PER_VALUE_BIN)
    if bins < 2 or plain.scalar_slots.numel() == 0:
        return None
    values, in_mode = plain.values_in_mode(real_rows)
    levels = torch.linspace(0.0, 1.0, bins + 1, device=real_rows.device)[1:-1]
    edges = torch.zeros(values.shape[1], bins - 1, device=real_rows.device)
    for column in range(values.shape[1]):
        # torch.quantile takes at most 2**24 values
        counted = values[in_mode[:, column], column][: 2**24]
        if len(counted) > 0:
            edges[column] = torch.quantile(counted, levels)
    return edges


def _train(
    classifier: RealnessClassifier,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    validation_inputs: torch.Tensor,
    validation_labels: torch.Tensor,
    random: torch.Generator,
) -> None:
    """Adam on class-balanced cross-entropy; the epoch with the lowest validation loss is kept.

    Balanced, because the logit must estimate the density ratio whatever the number of
    generated rows per real row; kept by validation loss, because an overfitted
    classifier rejects rows for resembling no particular training row."""
    generated_per_real = (labels == 0).sum() / (labels == 1).sum().clamp_min(1)
    optimizer = torch.optim.Adam(classifier.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, fused=True)
    best_loss, best_state = float("inf"), None
    for _ in range(EPOCHS):
        classifier.train()
        order = torch.randperm(len(inputs), device=inputs.device, generator=random)
        for start in range(0, len(inputs), BATCH_ROWS):
            batch = order[start : start + BATCH_ROWS]
            loss = F.binary_cross_entropy_with_logits(
                classifier(inputs[batch]), labels[batch], pos_weight=generated_per_real
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        classifier.eval()
        with torch.no_grad():
            validation_loss = float(
                F.binary_cross_entropy_with_logits(
                    classifier(validation_inputs), validation_labels, pos_weight=generated_per_real
                )
            )
        if validation_loss < best_loss:
            best_loss = validation_loss
            best_state = {name: value.clone() for name, value in classifier.state_dict().items()}
    if best_state is not None:
        classifier.load_state_dict(best_state)


def _padded(values: list[np.ndarray], width: int, device: torch.device) -> torch.Tensor:
    """Per-column parameters as one (columns, width) table, zero past each column's modes."""
    table = torch.zeros(len(values), width, device=device)
    for row, column_values in enumerate(values):
        table[row, : len(column_values)] = torch.as_tensor(column_values, dtype=torch.float32)
    return table
