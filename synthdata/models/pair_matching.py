"""Keeping generated rows in the proportions of the real two-column tables.

Under DP the realness classifier (synthdata.models.reject) is off, for it reads every
real row, and what it fixes shows in the pairs: on Adult at epsilon 10 the generator's
workclass x occupation table is 0.90 of the way to the real one (SDMetrics'
contingency similarity), education x education-num 0.91, while each column alone is
0.97-1.00. A table of two columns is a few hundred counts, which a Gaussian mechanism
releases with little noise (synthdata.privacy.dp_pairs), and those counts say what the
generated rows lack.

Each column's value falls in a cell: its category (the CATEGORY_CELLS - 1 most common
among the reference rows, the rest pooled into one cell), or its value's quantile bin
among the reference rows (VALUE_CELLS bins), or a point mass or null of its own. A row
weighs exp(sum, over the tables, of one factor per cell of the table): a log-linear
tilt of the generated distribution (the raking of survey weights), its factors fitted
so that the rows kept weigh out to the target tables. A row is kept with probability
min(1, weight / cap), and the cap, a quantile of the weights, sits inside that fit, so
that the rows kept, not the weights, match the targets: with the cap applied only
after the fit, Adult at epsilon 10 kept 26% of its rows and scored 0.966 quality, as
without the stage; with it inside, 24% and 0.984.

The targets are noisy. Each is shrunk toward the generated rows' own table by how much
of their difference the noise explains (James-Stein): a table the generator already
has is left nearly as it is, one it misses is moved most of the way to the released
counts, and one whose distance the noise alone could make is not moved. The moved
counts are then projected onto shares (less one threshold, clipped at 0), so that the
noise on empty cells adds no mass.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import torch

from synthdata.models.pipeline import EarlierStages, FittedStage, kept_draws
from synthdata.models.row_features import RowFeatures, equal_count_edges
from synthdata.transform.modes import ModeSpecificNormalizer
from synthdata.transform.table import DataTransformer, Span

# Cells of a column at most: its most common categories and one for the rest, or
# equal-count bins of its values (point masses and nulls get cells of their own).
CATEGORY_CELLS = 16
VALUE_CELLS = 8
# Tables matched at most; a wider table's pairs are those whose columns depend on each
# other most in the generated rows (mutual information), since under DP a table's
# noise grows with the square root of the number released.
MAX_TABLES = 128
# Rows the factors are fitted on, the cap's quantile among their weights, and Adam's
# steps and learning rate. Adult at epsilon 10 (one model; share kept, SDMetrics
# quality): cap at the 80th percentile 34% and 0.982, 90th 24% and 0.984, 95th 17% and
# 0.974 (rows weighed past the cap are kept too seldom).
FIT_ROWS = 50_000
CAP_QUANTILE = 0.9
STEPS = 400
LEARNING_RATE = 0.05
# A released table moves its target only where its distance from the generated table
# passes what the noise alone gives by this many standard deviations (see
# `shrunk_targets`).
SIGNIFICANCE = 3.0
# Real rows counted per pass: every table's flat cells of a pass are (tables, rows) long
# integers, 64 MB for 128 tables.
COUNT_ROWS = 65_536

# A release of the real tables: their exact counts (flat, every table's cells in turn)
# and the number of tables, to the counts released and their noise's standard deviation.
TableRelease = Callable[[torch.Tensor, int], tuple[torch.Tensor, float]]


def exact_tables(counts: torch.Tensor, tables: int) -> tuple[torch.Tensor, float]:
    """The real tables as they are."""
    return counts, 0.0


@dataclass(frozen=True)
class ColumnCells:
    """How one column's cell is read off an encoded row."""

    span: Span  # the column's category span, or its scalar span
    cells: int
    slot_cells: torch.Tensor | None = None  # categories: each slot's cell
    edges: torch.Tensor | None = None  # numbers: the VALUE_CELLS - 1 inner bin edges
    normalizer: ModeSpecificNormalizer | None = None
    value: int | None = None  # numbers with a mode: their column among `RowFeatures.values`


class PairCells:
    """Which cell of each column an encoded row falls in (see the module docstring).
    Numbers are read as the sampling stages' classifiers read them (`RowFeatures`)."""

    def __init__(self, transformer: DataTransformer, slot_cells: torch.Tensor, value_edges: torch.Tensor) -> None:
        """`slot_cells`: every category span's slots in turn, each slot's cell;
        `value_edges`: (numeric columns, VALUE_CELLS - 1) inner bin edges."""
        self.slot_cells, self.value_edges = slot_cells, value_edges
        self.features = RowFeatures(transformer, slot_cells.device)
        valued = self.features.scalar_slots.tolist()
        self.columns: list[ColumnCells] = []
        slot, numeric = 0, 0
        for span in _column_spans(transformer):
            if span.kind == "category":
                cells = slot_cells[slot : slot + span.width]
                self.columns.append(ColumnCells(span, int(cells.max()) + 1, slot_cells=cells))
                slot += span.width
            else:
                normalizer = _normalizer(transformer, span)
                points = normalizer.n_components - len(normalizer.means_)
                value = valued.index(span.start) if span.start in valued else None
                edges = value_edges[numeric]
                self.columns.append(
                    ColumnCells(span, VALUE_CELLS + points, edges=edges, normalizer=normalizer, value=value)
                )
                numeric += 1

    @classmethod
    def cut_on(cls, transformer: DataTransformer, reference: torch.Tensor) -> PairCells:
        """Cells of the most common categories and of equal-count value bins among `reference` rows."""
        device = reference.device
        slot_cells = []
        for span in _column_spans(transformer):
            if span.kind == "category":
                cells = torch.arange(span.width, device=device).clamp_max(CATEGORY_CELLS - 1)
                # the k-th most common slot gets cell k, the slots past CATEGORY_CELLS - 1 the last
                common = reference[:, span.start : span.stop].sum(dim=0).argsort(descending=True)
                cells[common] = cells.clone()
                slot_cells.append(cells)
        features = RowFeatures(transformer, device)
        valued = equal_count_edges(*features.values_in_mode(reference), VALUE_CELLS)
        numbers = [span.start for span in _column_spans(transformer) if span.kind == "scalar"]
        edges = torch.zeros(len(numbers), VALUE_CELLS - 1, device=device)
        for row, start in enumerate(features.scalar_slots.tolist()):
            edges[numbers.index(start)] = valued[row]
        return cls(
            transformer,
            torch.cat(slot_cells) if slot_cells else torch.zeros(0, dtype=torch.long, device=device),
            edges,
        )

    def __call__(self, rows: torch.Tensor) -> torch.Tensor:
        """Each row's cell in each column, (columns, rows)."""
        values, in_mode = self.features.values_in_mode(rows)
        cells = []
        for column in self.columns:
            span = column.span
            if column.slot_cells is not None:
                cells.append(column.slot_cells[rows[:, span.start : span.stop].argmax(dim=1)])
                continue
            assert column.normalizer is not None and column.edges is not None
            component = rows[:, span.stop : span.stop + column.normalizer.n_components].argmax(dim=1)
            point = VALUE_CELLS + component - len(column.normalizer.means_)
            if column.value is None:  # only point masses and nulls
                cells.append(point)
            else:
                binned = torch.searchsorted(column.edges, values[:, column.value].contiguous())
                cells.append(torch.where(in_mode[:, column.value], binned, point))
        return torch.stack(cells) if cells else torch.zeros(0, len(rows), dtype=torch.long, device=rows.device)

    @property
    def sizes(self) -> list[int]:
        return [column.cells for column in self.columns]

    def tensors(self) -> dict[str, torch.Tensor]:
        return {"slot_cells": self.slot_cells, "value_edges": self.value_edges}


def _column_spans(transformer: DataTransformer) -> list[Span]:
    """Each modelled column's span that its cell is read from: one-hot or scalar."""
    return [span for span in transformer.spans_ if span.kind in ("category", "scalar")]


def _normalizer(transformer: DataTransformer, span: Span) -> ModeSpecificNormalizer:
    normalizer = transformer.encoders_[span.column]
    assert isinstance(normalizer, ModeSpecificNormalizer)
    return normalizer


class PairTables:
    """The chosen column pairs and where each one's cells sit in one flat vector."""

    def __init__(self, pairs: torch.Tensor, sizes: list[int]) -> None:
        self.pairs = pairs  # (tables, 2) column indices
        self.second = torch.tensor([sizes[b] for _, b in pairs.tolist()], dtype=torch.long, device=pairs.device)
        cells = torch.tensor([sizes[a] * sizes[b] for a, b in pairs.tolist()], dtype=torch.long, device=pairs.device)
        self.cells = cells
        self.offsets = torch.cumsum(cells, 0) - cells
        self.total = int(cells.sum())

    def __len__(self) -> int:
        return len(self.pairs)

    def index(self, cells: torch.Tensor) -> torch.Tensor:
        """Each row's flat cell in each table, (tables, rows), from its column cells."""
        first, second = cells[self.pairs[:, 0]], cells[self.pairs[:, 1]]
        return first * self.second[:, None] + second + self.offsets[:, None]

    def counts(self, index: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """Every table's (weighted) counts of the rows whose flat cells are `index`, flat."""
        flat = index.reshape(-1)
        added = torch.ones_like(flat, dtype=torch.float32) if weights is None else weights.repeat(len(self))
        return torch.zeros(self.total, device=index.device).index_add_(0, flat, added)


def chosen_pairs(cells: torch.Tensor, sizes: list[int]) -> torch.Tensor:
    """Every pair of columns with more than one cell each, or the MAX_TABLES of them
    whose cells depend on each other most in `cells` (mutual information)."""
    columns = [index for index, size in enumerate(sizes) if size > 1]
    pairs = torch.tensor(list(itertools.combinations(columns, 2)), dtype=torch.long, device=cells.device)
    pairs = pairs.reshape(-1, 2)
    if len(pairs) <= MAX_TABLES:
        return pairs
    information = torch.stack([_mutual_information(cells[a], cells[b], sizes[a], sizes[b]) for a, b in pairs.tolist()])
    return pairs[information.argsort(descending=True)[:MAX_TABLES]]


def _mutual_information(first: torch.Tensor, second: torch.Tensor, first_cells: int, second_cells: int) -> torch.Tensor:
    """The mutual information of two columns' cells (in nats): 0 when they are independent."""
    joint = torch.bincount(first * second_cells + second, minlength=first_cells * second_cells).float()
    joint = (joint / joint.sum()).reshape(first_cells, second_cells)
    independent = joint.sum(dim=1, keepdim=True) * joint.sum(dim=0, keepdim=True)
    return torch.where(joint > 0, joint * (joint / independent.clamp_min(1e-12)).log(), 0.0).sum()


def shrunk_targets(released: torch.Tensor, generated: torch.Tensor, std: float, tables: PairTables) -> torch.Tensor:
    """Each table's target shares: the generated table moved toward the released one by
    1 - (noise it explains) / (their squared distance) (James-Stein, toward the
    generated table); not moved at all where that distance is within SIGNIFICANCE
    standard deviations of what the noise alone gives; then projected onto shares
    (`_onto_simplex`, each table at the total of its `generated` counts).

    Where the noise alone makes the distance, it exceeds the noise's expectation on
    half the tables, each of which James-Stein then moves a little toward its noise,
    and the clip at 0 gives every such move mass the real table does not hold: on
    111 Synthea patients (128 tables of noise 11 a cell) the sampled death dates' null
    share fell from the released 0.66 to 0.47."""
    table = torch.repeat_interleave(torch.arange(len(tables), device=released.device), tables.cells)
    squared = torch.zeros(len(tables), device=released.device).index_add_(0, table, (released - generated) ** 2)
    cells = tables.cells.to(released.dtype)
    noise = cells * std**2
    # the squared norm of Gaussian noise over k cells has mean k s^2 and deviation sqrt(2k) s^2
    significant = squared > noise + SIGNIFICANCE * torch.sqrt(2.0 * cells) * std**2
    moved = torch.where(significant, 1.0 - noise / squared.clamp_min(1e-12), 0.0).clamp(0.0, 1.0)[table]
    target = generated + moved * (released - generated)
    bounds = [
        slice(start, start + size) for start, size in zip(tables.offsets.tolist(), tables.cells.tolist(), strict=True)
    ]
    return torch.cat([_onto_simplex(target[cells], float(generated[cells].sum())) for cells in bounds])


def _onto_simplex(counts: torch.Tensor, total: float) -> torch.Tensor:
    """The shares of the nearest (in Euclidean distance) non-negative counts summing to
    `total`: every count less one threshold, clipped at 0. Clipping noisy counts at 0
    alone gives each empty cell the positive half of its noise, mass the real table
    does not hold; the threshold takes back as much as the clip adds."""
    total = max(total, 1e-12)
    ordered = counts.sort(descending=True).values
    kept = torch.arange(1, len(ordered) + 1, device=counts.device, dtype=counts.dtype)
    thresholds = (ordered.cumsum(0) - total) / kept
    # the largest count always passes its threshold, the total being positive
    threshold = thresholds[(ordered > thresholds).nonzero().max()]
    return (counts - threshold).clamp_min(0.0) / total


class PairWeights:
    """The fitted tilt: the cells, the tables, one log factor per table cell, the cap
    and the share of generated rows kept."""

    def __init__(
        self, cells: PairCells, pairs: torch.Tensor, factors: torch.Tensor, cap: torch.Tensor, kept: torch.Tensor
    ) -> None:
        self.cells = cells
        self.tables = PairTables(pairs, cells.sizes)
        self.factors = factors
        self.cap = cap
        self.kept = kept  # the share of generated rows kept, measured on the rows fitted on

    def log_weights(self, rows: torch.Tensor) -> torch.Tensor:
        return self.factors[self.tables.index(self.cells(rows))].sum(dim=0)

    def acceptance(self, rows: torch.Tensor) -> torch.Tensor:
        """The probability of keeping each encoded row."""
        return _acceptance(self.log_weights(rows), self.cap)

    @property
    def kept_share(self) -> float:
        return float(self.kept)

    def tensors(self) -> dict[str, torch.Tensor]:
        return {
            **self.cells.tensors(),
            "pairs": self.tables.pairs,
            "factors": self.factors,
            "cap": self.cap,
            "kept_share": self.kept,
        }

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer) -> PairWeights:
        cells = PairCells(transformer, tensors["slot_cells"], tensors["value_edges"])
        return cls(cells, tensors["pairs"], tensors["factors"], tensors["cap"], tensors["kept_share"])


def fit_factors(index: torch.Tensor, targets: torch.Tensor, tables: PairTables) -> tuple[torch.Tensor, torch.Tensor]:
    """Log factors per flat cell such that the generated rows (whose flat cells are
    `index`, (tables, rows)), each kept with min(1, weight / cap), weigh out to the
    `targets` shares in every table, the cap at CAP_QUANTILE of the weights; and that
    cap. Adam on the sum over the tables of KL(target || kept rows' shares)."""
    factors = torch.zeros(tables.total, device=index.device, requires_grad=True)
    optimizer = torch.optim.Adam([factors], lr=LEARNING_RATE)
    present = targets > 0
    for _ in range(STEPS):
        log_weights = factors[index].sum(dim=0)
        acceptance = _acceptance(log_weights, torch.quantile(log_weights.detach(), CAP_QUANTILE))
        shares = tables.counts(index, acceptance / acceptance.sum())
        loss = (targets[present] * (targets[present] / shares[present].clamp_min(1e-12)).log()).sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    factors = factors.detach()
    return factors, torch.quantile(factors[index].sum(dim=0), CAP_QUANTILE)


def _acceptance(log_weights: torch.Tensor, cap: torch.Tensor) -> torch.Tensor:
    """min(1, weight / cap) for each row."""
    return torch.exp((log_weights - cap).clamp_max(0.0))


def _counts(cells: PairCells, tables: PairTables, rows: torch.Tensor) -> torch.Tensor:
    """Every table's counts of the encoded `rows`, flat, counted COUNT_ROWS rows at a time."""
    counts = torch.zeros(tables.total, device=rows.device)
    for start in range(0, len(rows), COUNT_ROWS):
        counts += tables.counts(tables.index(cells(rows[start : start + COUNT_ROWS])))
    return counts


class MatchPairs(FittedStage[PairWeights]):
    """The stage that keeps rows by their pair weights, fitted on tables of the real
    rows as `release` reads them (exactly, or under DP with noise: see
    synthdata.privacy.dp_pairs), its cells cut on `reference` rows (the real ones by
    default; under DP the releases)."""

    name = "pairs"
    description = "Matching the two-column tables"

    def __init__(
        self,
        transformer: DataTransformer,
        device: torch.device,
        weights: PairWeights | None = None,
        *,
        reference: torch.Tensor | None = None,
        release: TableRelease = exact_tables,
    ) -> None:
        super().__init__(weights)
        self.transformer = transformer
        self.reference = reference
        self.release = release

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        """Fit the factors on rows of the stages before to the real tables; False for a
        table with fewer than two columns of two cells or more."""
        cells = PairCells.cut_on(self.transformer, self.reference if self.reference is not None else real)
        generated = cells(earlier.rows(earlier.draws_for(FIT_ROWS), random))
        pairs = chosen_pairs(generated, cells.sizes)
        if len(pairs) == 0:
            return False
        tables = PairTables(pairs, cells.sizes)
        released, std = self.release(_counts(cells, tables, real), len(tables))
        index = tables.index(generated)
        generated_counts = tables.counts(index) * (len(real) / generated.shape[1])
        factors, cap = fit_factors(index, shrunk_targets(released, generated_counts, std, tables), tables)
        kept = _acceptance(factors[index].sum(dim=0), cap).mean()
        self.state = PairWeights(cells, pairs, factors, cap, kept)
        return True

    def apply(self, rows: torch.Tensor, random: torch.Generator, fixed: frozenset[int]) -> torch.Tensor:
        draws = torch.rand(rows.shape[0], device=rows.device, generator=random)
        return rows[draws < self.fitted.acceptance(rows)]

    def draws_for(self, wanted: int) -> int:
        return kept_draws(wanted, self.fitted.kept_share)

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
    ) -> MatchPairs:
        moved = {name: value.to(device) for name, value in tensors.items()}
        return cls(transformer, device, PairWeights.from_tensors(moved, transformer))
