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
conditionals after rejection (synthdata.models.redraw), one stage does as well
as two and the default has one; files with more stages load and sample as written.

The classifier reads rows through `RowFeatures` (synthdata.models.row_features): with
value bins and the stages of STAGE_CAPS, the 5-fold AUC of `evaluate` was 0.651
before, 0.616 with one stage at the 95th, 0.600 with two, quality 0.986 in all three.

As a sampling stage (`Reject`) it is fitted on the rows the stages before it draw; the
scalar maps of a calibration before it are then refitted for the rows it keeps
(through `EarlierStages.reweight`), and its slot biases give the kept rows the real
shares (synthdata.models.share_matching).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.nn import functional as F

from synthdata.models.ctgan import OutputActivation
from synthdata.models.pipeline import (
    FIT_ROWS,
    MIN_PLANNED_SHARE,
    EarlierStages,
    FittedStage,
    kept_draws,
    padded_rows_limit,
)
from synthdata.models.row_features import RowFeatures
from synthdata.models.share_matching import acceptance_shift, real_shares
from synthdata.models.small_network import (
    BATCH_ROWS,
    VALIDATION_SHARE,
    SmallNetwork,
    adam,
    train_keeping_best,
    training_rows,
)
from synthdata.transform.table import DataTransformer

# Generated rows per real row in the classifier's training set: more of them cost
# little (they are drawn, not stored) and steady its estimate of the generated density.
GENERATED_PER_REAL = 2
# Epochs over each stage's training rows; the one with the lowest validation loss is
# kept. Adult, one 49-epoch model, one stage without value bins: 12 epochs, detection
# AUC 0.654 and TSTR 0.843; 24, 0.640 and 0.847. With bins and two stages (evaluate's
# AUC and quality): 12 epochs, 0.601 and 0.984; 16, 0.602 and 0.986; 24, 0.600 and
# 0.986, where each epoch of each stage takes about 0.75 s on 2 CPU cores. 12 keep the
# fit within MOSTLY AI's time on Adult (fidelity.py, each in one run: at 16 epochs 127 s
# against 126 s, at 12 99 s against 130 s, quality 0.989 and detection AUC 0.590).
EPOCHS = 12
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
# Drawing the rows a later stage trains on: rows per pass, and passes at most.
MAX_DRAW_ROWS = 200_000
MAX_DRAW_PASSES = 20


class RealnessClassifier(SmallNetwork):
    """A small network on row features whose logit is the log density ratio."""

    # buffers, registered in __init__ so they move with the module and save in its state
    cap: torch.Tensor
    kept_share: torch.Tensor
    slot_bias: torch.Tensor

    def __init__(self, features_dim: int, generator: torch.Generator | None = None) -> None:
        super().__init__(features_dim, 0, 1, generator)
        self.register_buffer("cap", torch.zeros(()))
        self.register_buffer("kept_share", torch.ones(()))
        # per encoded slot, added to the logit of rows holding it (see `Realness.balance`)
        self.register_buffer("slot_bias", torch.zeros(0))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.run(features).squeeze(-1)


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
        good ones included (synthdata.models.share_matching.acceptance_shift, on logits
        computed once)."""
        slot_bias = torch.zeros(rows.shape[1], device=rows.device)
        self.classifier.slot_bias = slot_bias
        if activation.mask.numel() == 0:
            return
        logits = self._capped_logits(rows)
        # each row's slot in each span, (spans, rows): sampled rows are one-hot in every span
        hard = rows[:, activation.padded_index].masked_fill(~activation.mask, 0.0)
        slots = hard.argmax(dim=-1).T.contiguous()
        bias = acceptance_shift(logits, slots, target)
        slot_bias[activation.softmax_index] = bias[activation.mask]
        self.classifier.kept_share.copy_(self.acceptance(rows).mean())

    @property
    def kept_share(self) -> float:
        """The share of the generator's rows kept, measured when the classifier was fitted
        and balanced."""
        return float(self.classifier.kept_share)

    def draws_for(self, wanted: int) -> int:
        """Rows to draw from the generator for `wanted` rows past rejection."""
        return kept_draws(wanted, self.kept_share)

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
    it keep; None when the table has too few rows to learn from (see `training_rows`)."""
    real_rows = training_rows(encoded, random)
    if real_rows is None:
        return None
    device = encoded.device
    features = RowFeatures.binned_on(transformer, real_rows)
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
    classifier.standardize_on(real)
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
    as FIT_ROWS rows, within the padded logits' memory bound. With a fixed number,
    a model whose rows are mostly rejected balanced its shares on a few hundred rows'
    worth of weight: a 3,000-row table kept 6% of 20,000 rows, and its null share came
    out 0.29-0.36 from seed to seed (real 0.32)."""
    wanted = math.ceil(FIT_ROWS / max(kept_share, MIN_PLANNED_SHARE))
    return min(wanted, MAX_BALANCE_ROWS, padded_rows_limit(activation))


def _train(
    classifier: RealnessClassifier,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    validation_inputs: torch.Tensor,
    validation_labels: torch.Tensor,
    random: torch.Generator,
) -> None:
    """Adam on class-balanced cross-entropy, keeping the epoch of lowest validation loss:
    balanced, because the logit must estimate the density ratio whatever the number of
    generated rows per real row."""
    generated_per_real = (labels == 0).sum() / (labels == 1).sum().clamp_min(1)
    optimizer = adam(classifier)

    def loss(batch_inputs: torch.Tensor, batch_labels: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(classifier(batch_inputs), batch_labels, pos_weight=generated_per_real)

    def train_epoch() -> None:
        order = torch.randperm(len(inputs), device=inputs.device, generator=random)
        for start in range(0, len(inputs), BATCH_ROWS):
            batch = order[start : start + BATCH_ROWS]
            batch_loss = loss(inputs[batch], labels[batch])
            optimizer.zero_grad(set_to_none=True)
            batch_loss.backward()
            optimizer.step()

    train_keeping_best(classifier, EPOCHS, train_epoch, lambda: float(loss(validation_inputs, validation_labels)))


class Reject(FittedStage[Realness]):
    """The rejection stage: keeps each drawn row with its realness acceptance."""

    name = "reject"
    description = "Fitting the realness classifier"

    def __init__(
        self,
        transformer: DataTransformer,
        device: torch.device,
        realness: Realness | None = None,
        caps: tuple[float, ...] = STAGE_CAPS,
    ) -> None:
        super().__init__(realness)
        self.transformer = transformer
        self.caps = caps  # each classifier's cap quantile, for `fit` (see STAGE_CAPS)

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        """Train the classifiers on the rows of the stages before, have those stages
        reweigh their rows by the acceptance, then fit the slot biases on what they
        draw then; False for a table too small to train on (see MIN_REAL_ROWS)."""
        realness = fit_realness(real, lambda rows: earlier.rows(rows, random), self.transformer, random, self.caps)
        if realness is None:
            return False
        earlier.reweight(realness.acceptance)
        activation = earlier.activation
        realness.balance(
            earlier.rows(balance_rows(realness.kept_share, activation), random),
            real_shares(real, activation),
            activation,
        )
        self.state = realness
        return True

    def apply(self, rows: torch.Tensor, random: torch.Generator, fixed: frozenset[int]) -> torch.Tensor:
        return rows[self.fitted.keep(rows, random)]

    def draws_for(self, wanted: int) -> int:
        return self.fitted.draws_for(wanted)

    @property
    def kept_share(self) -> float:
        """The share of drawn rows this stage keeps, as measured when it was fitted."""
        return self.fitted.kept_share

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> Reject:
        return cls(transformer, device, Realness.from_tensors(tensors, transformer, device))
