"""Matching two-column tables: the cells, the targets' shrinkage, the choice of pairs, the fitted tilt."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthdata.models import pair_matching
from synthdata.models.pair_matching import (
    CATEGORY_CELLS,
    VALUE_CELLS,
    PairCells,
    PairTables,
    chosen_pairs,
    fit_factors,
    shrunk_targets,
)
from synthdata.schema import Schema
from synthdata.transform.table import DataTransformer


def _independent_cells(rows: int, sizes: list[int], seed: int) -> torch.Tensor:
    random = torch.Generator().manual_seed(seed)
    return torch.stack([torch.randint(size, (rows,), generator=random) for size in sizes])


def test_targets_are_the_released_shares_without_noise_and_the_generated_where_noise_could_explain_the_gap():
    tables = PairTables(torch.tensor([[0, 1]]), [2, 2])
    released = torch.tensor([40.0, 10.0, 10.0, 40.0])
    generated = torch.tensor([25.0, 25.0, 25.0, 25.0])
    assert shrunk_targets(released, generated, 0.0, tables) == pytest.approx(released / 100)
    assert shrunk_targets(released, generated, 1e3, tables) == pytest.approx(generated / 100)
    # a squared distance of 900 over 4 cells of std 5 (100 of it noise): 8/9 of the way
    middle = shrunk_targets(released, generated, 5.0, tables)
    assert middle[0] == pytest.approx(0.25 + 8 / 9 * 0.15, rel=1e-5)
    # of std 10, noise alone gives 400 +- 283: 900 is within three deviations, and nothing moves
    assert shrunk_targets(released, generated, 10.0, tables) == pytest.approx(generated / 100)


def test_a_wide_table_tables_the_pairs_that_depend_most(monkeypatch):
    cells = _independent_cells(5000, [3, 3, 3, 3], seed=0)
    cells[3] = (cells[1] + (torch.rand(5000, generator=torch.Generator().manual_seed(1)) < 0.2).long()) % 3
    assert chosen_pairs(cells, [3, 3, 3, 3]).tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    monkeypatch.setattr(pair_matching, "MAX_TABLES", 1)
    assert chosen_pairs(cells, [3, 3, 3, 3]).tolist() == [[1, 3]]
    # a column of one cell pairs with nothing
    assert chosen_pairs(cells[:2], [3, 1]).shape == (0, 2)


def test_kept_rows_weigh_out_to_a_dependence_the_generated_rows_lack():
    """Independent generated columns, a target where the two agree on 80% of rows: the
    rows the fitted tilt keeps (drawn afresh) agree on about that share."""
    sizes = [4, 4]
    tables = PairTables(torch.tensor([[0, 1]]), sizes)
    grid = torch.full((4, 4), 0.2 / 12)
    grid.fill_diagonal_(0.2)
    factors, cap = fit_factors(tables.index(_independent_cells(20_000, sizes, seed=2)), grid.reshape(-1), tables)
    fresh = _independent_cells(40_000, sizes, seed=3)
    acceptance = torch.exp((factors[tables.index(fresh)].sum(dim=0) - cap).clamp_max(0.0))
    kept = fresh[:, torch.rand(40_000, generator=torch.Generator().manual_seed(4)) < acceptance]
    assert (kept[0] == kept[1]).float().mean() == pytest.approx(0.8, abs=0.03)
    # each column keeps its even shares
    assert torch.bincount(kept[0], minlength=4).float() / kept.shape[1] == pytest.approx([0.25] * 4, abs=0.02)
    assert 0.05 < acceptance.mean() < 0.5


def test_adult_rows_fall_in_their_categories_pooled_tail_bins_and_point_masses(adult):
    """native-country's slots: the 15 most common keep a cell each and the rest share one;
    capital-gain's zeros (92% of rows) are a point mass of their own; ages fall in 8 bins
    of about an eighth of the rows each."""
    frame = adult[["native-country", "capital-gain", "age"]]
    rng = np.random.default_rng(0)
    transformer = DataTransformer().fit(frame, Schema.infer(frame).modelled_columns, rng=rng)
    encoded = transformer.transform(frame, rng=rng)
    cells = PairCells.cut_on(transformer, encoded)
    found = cells(encoded)
    names = [column.span.column for column in cells.columns]
    country = cells.columns[names.index("native-country")]
    assert country.span.width > CATEGORY_CELLS and country.cells == CATEGORY_CELLS
    slot = encoded[:, country.span.start : country.span.stop].argmax(dim=1)
    by_share = torch.bincount(slot, minlength=country.span.width).argsort(descending=True)
    pooled = torch.isin(slot, by_share[CATEGORY_CELLS - 1 :])
    assert pooled.any() and (found[names.index("native-country")][pooled] == CATEGORY_CELLS - 1).all()
    assert len(set(found[names.index("native-country")][~pooled].tolist())) == CATEGORY_CELLS - 1
    gain = found[names.index("capital-gain")]
    zeros = torch.from_numpy((frame["capital-gain"] == 0).to_numpy())
    assert (gain[zeros] >= VALUE_CELLS).all() and (gain[~zeros] < VALUE_CELLS).all()
    ages = torch.bincount(found[names.index("age")], minlength=VALUE_CELLS).float() / len(frame)
    assert ages.max() < 0.2 and ages.min() > 0.05


def test_targets_are_shares_whatever_the_noise_does_to_a_table():
    """Noise may make counts negative, and a small table's released total too: each
    table's targets are still non-negative shares summing to 1, and an empty cell gets
    less of its noise than clipping at 0 would give it."""
    tables = PairTables(torch.tensor([[0, 1], [0, 2]]), [4, 5, 3])
    random = torch.Generator().manual_seed(0)
    generated = torch.cat([torch.full((20,), 5.0), torch.full((12,), 100 / 12)])
    for _ in range(200):
        released = generated + 40.0 * torch.randn(tables.total, generator=random)
        for std in (0.0, 40.0):
            shares = shrunk_targets(released, generated, std, tables)
            assert (shares >= 0).all()
            assert float(shares[:20].sum()) == pytest.approx(1.0, abs=1e-5)
            assert float(shares[20:].sum()) == pytest.approx(1.0, abs=1e-5)
    one_empty = torch.tensor([50.0, 50.0, 0.0, 0.0])
    noisy = one_empty + torch.tensor([3.0, -3.0, 2.0, -2.0])
    shares = shrunk_targets(noisy, one_empty, 0.0, PairTables(torch.tensor([[0, 1]]), [2, 2]))
    # the clip would give the empty cells 2 rows of 102; less one threshold (2/3) they keep 4/3 of 100
    assert shares.tolist() == pytest.approx([0.52 + 1 / 300, 0.46 + 1 / 300, 0.01 + 1 / 300, 0.0], abs=1e-6)
