"""Training-by-sampling: condition vectors and the real rows that match them.

Each pack of training rows (the rows the critic scores together) is conditioned on
one discrete column and one of its categories. The column is picked uniformly, the category by log-frequency (so rare
categories are trained on), and the real rows shown to the critic are drawn from the
rows holding that category. Everything lives in tensors on the training device: the
whole batch is drawn with a handful of torch calls, with no per-row Python.

The category index is one flat array of row numbers grouped by (column, category),
with a start offset and a count per category: drawing a row of category c is
`rows[start[c] + floor(u * count[c])]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from synthdata.transform.table import Span


@dataclass(frozen=True)
class ConditionBatch:
    """One batch of conditions: the one-hot vectors and what they encode."""

    vectors: torch.Tensor  # (batch, condition_dim)
    columns: torch.Tensor  # (batch,) index into the discrete spans
    categories: torch.Tensor  # (batch,) slot within the column


class ConditionSampler:
    """Draws condition vectors over the discrete columns' one-hot slots.

    Built from the real count of every slot: log-frequency weights for training,
    plain frequencies for unconditional sampling. It needs no data, so a loaded
    model samples with the counts stored in its file.
    """

    def __init__(self, spans: list[Span], counts: list[torch.Tensor], device: torch.device) -> None:
        self.n_columns = len(spans)
        widths = torch.tensor([span.width for span in spans], dtype=torch.long, device=device)
        self.dim = int(widths.sum()) if spans else 0
        self.offsets = torch.cumsum(widths, 0) - widths
        max_width = int(widths.max()) if spans else 0
        valid = torch.arange(max_width, device=device)[None, :] < widths[:, None]
        padded = torch.zeros(self.n_columns, max_width, device=device)
        for index, column_counts in enumerate(counts):
            padded[index, : len(column_counts)] = column_counts.to(device, torch.float32)
        self.frequency = padded / padded.sum(dim=1, keepdim=True).clamp_min(1e-12)
        log_counts = torch.log1p(padded) * valid
        self.log_frequency = log_counts / log_counts.sum(dim=1, keepdim=True).clamp_min(1e-12)

    def _vectors(self, columns: torch.Tensor, categories: torch.Tensor) -> torch.Tensor:
        vectors = torch.zeros(len(columns), self.dim, device=columns.device)
        rows = torch.arange(len(columns), device=columns.device)
        vectors[rows, self.offsets[columns] + categories] = 1.0
        return vectors

    def _draw(self, batch: int, weights: torch.Tensor, generator: torch.Generator) -> ConditionBatch:
        device = weights.device
        if self.n_columns == 0:
            empty = torch.zeros(batch, dtype=torch.long, device=device)
            return ConditionBatch(torch.zeros(batch, 0, device=device), empty, empty)
        columns = torch.randint(self.n_columns, (batch,), device=device, generator=generator)
        categories = torch.multinomial(weights[columns], 1, generator=generator).squeeze(1)
        return ConditionBatch(self._vectors(columns, categories), columns, categories)

    def sample_for_training(
        self, batch: int, generator: torch.Generator, real_share: float = 0.0, pack: int = 1
    ) -> ConditionBatch:
        """Conditions for a training step: column uniform, category by log-frequency,
        or by real frequency for a `real_share` of the rows.

        Each run of `pack` consecutive rows shares one condition. The critic scores
        packs of rows, so a pack of real rows of one category against generated rows
        of that category shows it the conditional distribution itself; with a
        condition per row it sees a mixture and hardly learns how the other columns
        depend on the condition (Adult, 30 epochs: share of income >50K among women,
        real 0.109, 0.009 with a condition per row, 0.16-0.17 with one per pack).
        """
        weights = (1.0 - real_share) * self.log_frequency + real_share * self.frequency
        drawn = self._draw(batch // pack, weights, generator)
        if pack == 1:
            return drawn
        return ConditionBatch(
            drawn.vectors.repeat_interleave(pack, dim=0),
            drawn.columns.repeat_interleave(pack),
            drawn.categories.repeat_interleave(pack),
        )

    def sample_as_in_data(self, batch: int, generator: torch.Generator) -> ConditionBatch:
        """Conditions for unconditional sampling: category by its real frequency."""
        return self._draw(batch, self.frequency, generator)

    def fixed(self, batch: int, column: int, category: int) -> ConditionBatch:
        """The same condition (one column set to one category) for every row."""
        device = self.offsets.device
        columns = torch.full((batch,), column, device=device, dtype=torch.long)
        categories = torch.full((batch,), category, device=device, dtype=torch.long)
        return ConditionBatch(self._vectors(columns, categories), columns, categories)


class RealRowIndex:
    """Row numbers of the encoded table grouped by (discrete column, category).

    One flat tensor of row numbers sorted by global category id, with a start and a
    count per category, so a whole batch of matching rows is one gather.
    """

    def __init__(self, encoded: torch.Tensor, spans: list[Span]) -> None:
        self.n_rows = encoded.shape[0]
        self.codes = [encoded[:, span.start : span.stop].argmax(dim=1) for span in spans]
        self.counts = [
            torch.bincount(codes, minlength=span.width) for codes, span in zip(self.codes, spans, strict=True)
        ]
        if spans:
            widths = torch.tensor([span.width for span in spans], device=encoded.device)
            offsets = torch.cumsum(widths, 0) - widths
            global_codes = torch.cat([codes + offsets[i] for i, codes in enumerate(self.codes)])
            self.rows = torch.argsort(global_codes, stable=True) % self.n_rows
            self.count = torch.bincount(global_codes, minlength=int(widths.sum()))
            self.start = torch.cumsum(self.count, 0) - self.count
            self.offsets = offsets

    def draw(self, conditions: ConditionBatch, generator: torch.Generator) -> torch.Tensor:
        """A real row for each condition, holding that condition's category (any row
        when the table has no discrete column)."""
        device = conditions.columns.device
        if not self.counts:
            return torch.randint(self.n_rows, (len(conditions.columns),), device=device, generator=generator)
        category = self.offsets[conditions.columns] + conditions.categories
        uniform = torch.rand(len(category), device=device, generator=generator)
        within = (uniform * self.count[category]).long()
        return self.rows[self.start[category] + within]
