"""Redrawing each category from what real rows say it should be, given the rest of the row.

A GAN's generator learns every column at once and gets each one's dependence on the
others only roughly right: on Adult, HistGradientBoosting trained on generated rows
predicts the real hold-out's income with accuracy 0.848, against 0.870 when trained
on real rows. A network trained on real rows alone to predict one categorical column
from all the others learns that conditional directly, as a supervised task with a
validation set to stop on. One sweep of Gibbs sampling then redraws each categorical
column of a generated row, in turn, from the network's conditional given the row's
other values: where a row is already like a real one the redraw keeps it so, and a
value that disagrees with the rest of its row is corrected.

Adult, one fitted model sampled with and without each step (benchmarks/refinement.py;
TSTR accuracy, 5-fold HGB detection AUC, SDMetrics quality): rejection by the realness
classifier alone 0.852, 0.604 and 0.988; the redraw alone 0.854, 0.625 and 0.988; both
0.859, 0.554 and 0.992. The network reads numbers with their quantile bins among the
values of mixture modes (see `value_edges`); with bins cut among all values, where
capital-gain's zeros leave no bin for its amounts, its income accuracy on the hold-out
was 0.850 instead of 0.866, and the redraw's TSTR 0.851 instead of 0.864.

One network serves every column: its input is the row with that column's slots
cleared and a one-hot saying which column is asked for, its output the logits of
every category, of which the asked column's are read.

On rows the generator drew, the network's average prediction can miss a column's real
shares where its categories are many: ma_1462 medications' CODE (94 codes) came out
with TV complement 0.933 against 0.957 without the redraw. A per-slot offset on the
logits, fitted on drawn rows column by column in the order of the sweep, gives every
category its real share again (`Conditionals.balance`).

As a sampling stage (`Redraw`) it runs last, on the rows every stage before it keeps,
and leaves alone a column whose value the caller fixed.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from synthdata.models.ctgan import padded_index
from synthdata.models.pipeline import FIT_ROWS, FORWARD_ROWS, EarlierStages, FittedStage
from synthdata.models.row_features import RowFeatures
from synthdata.models.share_matching import MAX_BIAS, softmax_shift
from synthdata.models.small_network import (
    BATCH_ROWS,
    HIDDEN,
    VALIDATION_SHARE,
    SmallNetwork,
    adam,
    hidden_widths,
    train_keeping_best,
    training_rows,
)
from synthdata.transform.table import DataTransformer

# Passes over every (row, column) pair, under a one-cycle learning rate: on Adult the
# validation loss still fell at the sixth (0.7398), and at a constant rate it rose
# after the fifth (best 0.7471), its average prediction then off the real shares by
# up to 0.05 in total variation (occupation), against 0.02 with the cycle.
EPOCHS = 6
# (row, column) pairs per epoch, at most: a wide table trains as long as Adult's 9
# categorical columns of 26,000 rows, on a random share of its pairs each epoch.
MAX_PAIRS_PER_EPOCH = 250_000
# Optimizer steps, at least: a table of a few thousand rows and one categorical column
# makes four batches an epoch, and after six epochs the network's average prediction
# was still 0.04 off the real share of a 90% category.
MIN_STEPS = 600


class ConditionalNetwork(SmallNetwork):
    """A small network from a row with one column cleared, and which one, to the logits of every category."""

    # a buffer, registered in __init__ so it moves with the module and saves in its state
    slot_offset: torch.Tensor

    def __init__(
        self,
        features_dim: int,
        n_columns: int,
        n_slots: int,
        generator: torch.Generator | None = None,
        hidden: tuple[int, ...] = HIDDEN,
    ) -> None:
        super().__init__(features_dim, n_columns, n_slots, generator, hidden)
        # added to the logits, so drawn rows get the real shares (see `Conditionals.balance`)
        self.register_buffer("slot_offset", torch.zeros(n_slots))

    def forward(self, features: torch.Tensor, asked: torch.Tensor) -> torch.Tensor:
        return self.run(features, asked) + self.slot_offset


class Conditionals:
    """The fitted network, the feature view it reads, and where each categorical
    column's slots lie in the encoded row and in the network's output."""

    def __init__(self, transformer: DataTransformer, features: RowFeatures, network: ConditionalNetwork) -> None:
        self.features = features
        self.spans = transformer.category_spans
        self.network = network.eval()
        device = features.kept_slots.device
        self.row_index, self.mask = padded_index(self.spans, device)
        starts = torch.tensor([0] + [span.width for span in self.spans[:-1]], device=device).cumsum(0)
        self.output_index = (self.row_index - self.row_index[:, :1]) + starts[:, None]
        # per column, the encoded row with that column's slots cleared (1 elsewhere)
        self.cleared = torch.ones(len(self.spans), transformer.output_dim, device=device)
        for number, span in enumerate(self.spans):
            self.cleared[number, span.start : span.stop] = 0.0

    def logits(self, rows: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
        """Each row's logits for its asked column (`columns`: numbers of category spans),
        padded to the widest span with -inf."""
        asked = F.one_hot(columns, len(self.spans)).to(rows.dtype)
        output = self.network(self.features(rows * self.cleared[columns]), asked)
        return output.gather(1, self.output_index[columns]).masked_fill(~self.mask[columns], float("-inf"))

    def redraw(self, rows: torch.Tensor, random: torch.Generator, keep: frozenset[int] = frozenset()) -> torch.Tensor:
        """`rows` (encoded, one-hot) with each category span in turn redrawn from its
        conditional given the rest of the row; the spans numbered in `keep` (a value
        the caller fixed) stay as they are."""
        rows = rows.clone()
        with torch.no_grad():
            # rows are redrawn independently of each other: a block's activations stay in cache
            for block in rows.split(FORWARD_ROWS):
                sweep = Sweep(self, block)
                for number in range(len(self.spans)):
                    if number not in keep:
                        sweep.draw(number, sweep.logits(number), random)
        return rows

    def balance(self, rows: torch.Tensor, real_rows: torch.Tensor, random: torch.Generator) -> None:
        """Fit the slot offsets so that redrawing `rows` (drawn as sampling draws them,
        before the redraw) gives each category its share among `real_rows`.

        Column by column in the order of the sweep: the offsets of a column are fitted
        by iterative proportional fitting on its logits, computed once, as calibration
        fits the generator's (within the realness slot biases' bound), and the column
        is then redrawn with them before the next one is fitted on its redrawn rows."""
        rows = rows.clone()
        offset = self.network.slot_offset
        offset.zero_()
        with torch.no_grad():
            sweep = Sweep(self, rows)
            for number, span in enumerate(self.spans):
                logits = sweep.logits(number)
                target = real_rows[:, span.start : span.stop].mean(dim=0)
                every_slot = torch.ones(1, span.width, dtype=torch.bool, device=rows.device)
                shift = softmax_shift(logits[:, None], every_slot, target[None], MAX_BIAS)[0]
                offset[self.output_index[number, : span.width]] = shift
                sweep.draw(number, logits + shift, random)

    def tensors(self) -> dict[str, torch.Tensor]:
        """What the model file stores: the network's state and the value bins it reads."""
        return {**self.network.state_dict(), **self.features.tensors()}

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> Conditionals:
        features, tensors = RowFeatures.from_tensors(tensors, transformer, device)
        spans = transformer.category_spans
        network = ConditionalNetwork(
            features.dim, len(spans), sum(span.width for span in spans), hidden=hidden_widths(tensors)
        )
        network.load_state_dict(tensors, strict=True)
        return cls(transformer, features, network.to(device))


class Sweep:
    """One Gibbs sweep over rows, the network's first layer updated, not recomputed.

    The network reads a row with the asked column's slots cleared. A row is one-hot
    in that column, so clearing it changes one standardized feature, and the first
    layer's pre-activation of the cleared row is that of the whole row less one
    weight column: computed once per sweep, then moved by two weight columns each time
    a category is redrawn. What is left per column is the hidden layer and the asked
    column's outputs, in blocks of rows small enough for the cache. Adult, 100,000
    rows, one thread on a shared 2-core machine, three runs each, interleaved: the
    sweep of 9 columns took 5.6-6.9 s, against 17.5-18.7 s recomputing the features
    and every layer for each column on all rows at once."""

    def __init__(self, conditionals: Conditionals, rows: torch.Tensor) -> None:
        self.conditionals = conditionals
        self.rows = rows
        network = conditionals.network
        layers = list(network.net)
        first, last = layers[0], layers[-1]
        assert isinstance(first, torch.nn.Linear) and isinstance(last, torch.nn.Linear)
        self.last = last
        self.hidden = torch.nn.Sequential(*layers[1:-1])
        features = conditionals.features
        n_features = features.dim
        # the first layer on standardized features: W (x - center) / scale + b
        self.feature_weights = (first.weight[:, :n_features] / network.scale).T.contiguous()  # (features, hidden)
        self.asked_weights = first.weight[:, n_features:].T.contiguous()  # (columns, hidden)
        centered = features(rows) - network.center
        self.first = torch.addmm(first.bias, centered, self.feature_weights)
        # each encoded category slot's feature number
        self.feature_of_slot = torch.full((rows.shape[1],), -1, dtype=torch.long, device=rows.device)
        self.feature_of_slot[features.kept_slots] = torch.arange(len(features.kept_slots), device=rows.device)
        self.slots = torch.stack([rows[:, span.start : span.stop].argmax(dim=1) for span in conditionals.spans], 1)

    def logits(self, number: int) -> torch.Tensor:
        """Each row's logits for the slots of span `number` given the rest of its row,
        (rows, the span's width), as `Conditionals.logits` computes them (which pads
        them to the widest span: one column of thousands of categories would make
        every column's output that wide). Until `draw`, the first layer is held
        without the column's slot."""
        conditionals, span = self.conditionals, self.conditionals.spans[number]
        self.first -= self.feature_weights[self.feature_of_slot[span.start + self.slots[:, number]]]
        hidden = self.hidden(self.first + self.asked_weights[number])
        outputs = conditionals.output_index[number, : span.width]
        weights, bias = self.last.weight[outputs], self.last.bias[outputs] + conditionals.network.slot_offset[outputs]
        return torch.addmm(bias, hidden, weights.T)

    def draw(self, number: int, logits: torch.Tensor, random: torch.Generator) -> None:
        """Set span `number`'s category in the rows, in place, to a draw from `logits`
        (those `logits(number)` just gave, possibly shifted), and put the drawn slot
        back into the first layer."""
        span = self.conditionals.spans[number]
        slots = torch.multinomial(torch.softmax(logits, dim=1), 1, generator=random).squeeze(1)
        self.first += self.feature_weights[self.feature_of_slot[span.start + slots]]
        self.slots[:, number] = slots
        self.rows[:, span.start : span.stop] = 0.0
        self.rows[torch.arange(len(self.rows), device=self.rows.device), span.start + slots] = 1.0


def fit_conditionals(
    encoded: torch.Tensor, transformer: DataTransformer, random: torch.Generator
) -> Conditionals | None:
    """Train the network on real `encoded` rows, each row once per categorical column
    and epoch; None when the table has no categorical column, or too few rows to
    learn from (see `training_rows`)."""
    real_rows = training_rows(encoded, random) if transformer.category_spans else None
    if real_rows is None:
        return None
    conditionals = untrained_conditionals(real_rows, transformer, random)
    n_validation = max(int(len(real_rows) * VALIDATION_SHARE), 1)
    _train(conditionals, real_rows[n_validation:], real_rows[:n_validation], random)
    return conditionals


def untrained_conditionals(
    reference: torch.Tensor, transformer: DataTransformer, random: torch.Generator, hidden: tuple[int, ...] = HIDDEN
) -> Conditionals:
    """A fresh network of `hidden` widths whose value bins and input standardization
    are fitted on `reference` rows (the real ones, or under DP rows drawn from the releases)."""
    spans = transformer.category_spans
    features = RowFeatures.binned_on(transformer, reference)
    network = ConditionalNetwork(features.dim, len(spans), sum(span.width for span in spans), random, hidden)
    network = network.to(reference.device)
    with torch.no_grad():
        network.standardize_on(features(reference))
    return Conditionals(transformer, features, network)


def _pairs(rows: torch.Tensor, n_columns: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every (row, column) pair of `rows`, as row numbers and column numbers."""
    row_numbers = torch.arange(len(rows), device=rows.device).repeat_interleave(n_columns)
    columns = torch.arange(n_columns, device=rows.device).repeat(len(rows))
    return row_numbers, columns


def conditional_loss(
    conditionals: Conditionals, rows: torch.Tensor, columns: torch.Tensor, reduction: str
) -> torch.Tensor:
    """Cross-entropy of each row's asked column (`columns`) given the rest of the row,
    reduced by `reduction` ("mean" or "sum")."""
    held = rows.gather(1, conditionals.row_index[columns]).masked_fill(~conditionals.mask[columns], 0.0)
    return F.cross_entropy(conditionals.logits(rows, columns), held.argmax(dim=1), reduction=reduction)


def _validation_loss(conditionals: Conditionals, rows: torch.Tensor, n_columns: int) -> float:
    """The mean loss over every (row, column) pair of `rows`, in batches of bounded memory."""
    row_numbers, columns = _pairs(rows, n_columns)
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(row_numbers), MAX_PAIRS_PER_EPOCH):
            batch = slice(start, start + MAX_PAIRS_PER_EPOCH)
            total += float(conditional_loss(conditionals, rows[row_numbers[batch]], columns[batch], "mean")) * len(
                columns[batch]
            )
    return total / max(len(row_numbers), 1)


def _train(conditionals: Conditionals, rows: torch.Tensor, validation: torch.Tensor, random: torch.Generator) -> None:
    """Adam under a one-cycle learning rate on every (row, column) pair, keeping the
    epoch of lowest validation loss, so the conditionals are neither blurred nor
    overfitted."""
    network = conditionals.network
    n_columns = len(conditionals.spans)
    row_numbers, columns = _pairs(rows, n_columns)
    pairs_per_epoch = min(len(row_numbers), MAX_PAIRS_PER_EPOCH)
    optimizer = adam(network)
    steps_per_epoch = -(-pairs_per_epoch // BATCH_ROWS)
    epochs = max(EPOCHS, -(-MIN_STEPS // steps_per_epoch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=optimizer.defaults["lr"], total_steps=epochs * steps_per_epoch
    )

    def train_epoch() -> None:
        order = torch.randperm(len(row_numbers), device=rows.device, generator=random)[:pairs_per_epoch]
        for start in range(0, len(order), BATCH_ROWS):
            batch = order[start : start + BATCH_ROWS]
            loss = conditional_loss(conditionals, rows[row_numbers[batch]], columns[batch], "mean")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()

    train_keeping_best(network, epochs, train_epoch, lambda: _validation_loss(conditionals, validation, n_columns))


class Redraw(FittedStage[Conditionals]):
    """The redraw stage: every category not fixed by the caller redrawn from its conditional."""

    name = "redraw"
    description = "Fitting the category conditionals"

    def __init__(
        self, transformer: DataTransformer, device: torch.device, conditionals: Conditionals | None = None
    ) -> None:
        super().__init__(conditionals)
        self.transformer = transformer

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        """Train the network on the real rows, then fit its offsets on rows the stages
        before draw; False for a table without categories or too small to learn from."""
        conditionals = fit_conditionals(real, self.transformer, random)
        if conditionals is None:
            return False
        conditionals.balance(earlier.rows(earlier.draws_for(FIT_ROWS), random), real, random)
        self.state = conditionals
        return True

    def apply(self, rows: torch.Tensor, random: torch.Generator, fixed: frozenset[int]) -> torch.Tensor:
        return self.fitted.redraw(rows, random, keep=fixed)

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> Redraw:
        return cls(transformer, device, Conditionals.from_tensors(tensors, transformer, device))
