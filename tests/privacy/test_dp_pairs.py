"""The two-column tables under DP: one charged Gaussian release, cells cut on the releases, pairs nearer the real ones."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from opacus.accountants import RDPAccountant

from synthdata import TabularGAN
from synthdata.models.pair_matching import PairCells
from synthdata.privacy.accountant import ORDERS
from synthdata.privacy.dp_pairs import GaussianTables
from synthdata.privacy.fit_plan import PAIRS_SHARE
from synthdata.privacy.preprocessing import PSEUDO_ROWS

EPSILON = 10.0
ROWS = 3000
CATEGORIES = ["education", "marital-status", "relationship", "sex", "income"]


@pytest.fixture(scope="module")
def table(adult) -> pd.DataFrame:
    return adult[["age", *CATEGORIES]].sample(ROWS, random_state=5).reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(table):
    """The fit, with every table release (counts, tables, noise) and every cut of cells recorded."""
    releases, cuts = [], []
    release, cut_on = GaussianTables.__call__, PairCells.cut_on.__func__

    def spied_release(self, counts, tables):
        released, std = release(self, counts, tables)
        releases.append((counts.clone(), tables, std, released))
        return released, std

    def spied_cut_on(cls, transformer, reference):
        cuts.append(len(reference))
        return cut_on(cls, transformer, reference)

    with pytest.MonkeyPatch.context() as monkey:
        monkey.setattr(GaussianTables, "__call__", spied_release)
        monkey.setattr(PairCells, "cut_on", classmethod(spied_cut_on))
        model = TabularGAN(epsilon=EPSILON, epochs=3, batch_size=200, verbose=False).fit(table)
    return model, releases, cuts


def test_the_tables_are_one_gaussian_release_charged_at_their_noise(fitted):
    model, releases, cuts = fitted
    ((counts, tables, std, released),) = releases
    stage = model.pipeline_.stage("pairs")
    assert stage is not None and tables == len(stage.fitted.tables) == math.comb(1 + len(CATEGORIES), 2)
    # every real row counted once in every table
    assert counts.sum() == ROWS * tables
    (mechanism,) = [m for m in model.privacy_["mechanisms"] if m["name"] == "two-column tables"]
    # one row moves the flat counts by sqrt(tables): the noise is the multiplier times that
    assert std == pytest.approx(mechanism["noise_multiplier"] * math.sqrt(tables), rel=1e-6)
    assert (released - counts).std() == pytest.approx(std, rel=0.1)
    assert mechanism["sample_rate"] == 1.0 and mechanism["steps"] == 1
    # on PAIRS_SHARE of the Rényi curve: alone it spends what a mechanism of that share would
    alone = RDPAccountant()
    alone.history = [(mechanism["noise_multiplier"], 1.0, 1)]
    whole = RDPAccountant()
    whole.history = [(mechanism["noise_multiplier"] * math.sqrt(PAIRS_SHARE), 1.0, 1)]
    delta = model.privacy_["accountant_delta"]
    assert alone.get_epsilon(delta, alphas=ORDERS) < whole.get_epsilon(delta, alphas=ORDERS)
    assert 0 < mechanism["epsilon"] < EPSILON
    assert "which pairs of columns are tabled" in model.privacy_["post_processing"]
    # cut on the pseudo table drawn from the released histograms, never on the real rows
    assert cuts == [PSEUDO_ROWS]


def _pair_distance(rows: pd.DataFrame, table: pd.DataFrame) -> float:
    """Mean total variation distance between the rows' and the table's category pair shares."""
    distances = []
    for first, second in itertools.combinations(CATEGORIES, 2):
        real = table.groupby([first, second]).size() / len(table)
        sampled = rows.groupby([first, second]).size() / len(rows)
        distances.append(0.5 * real.sub(sampled, fill_value=0).abs().sum())
    return sum(distances) / len(distances)


def test_the_kept_rows_pairs_are_nearer_the_real_ones(fitted, table):
    model, *_ = fitted
    before = model.sample(6000, seed=2, stages=("calibrate", "redraw"))
    after = model.sample(6000, seed=2)
    assert model.stages_ == ("calibrate", "redraw", "pairs")
    assert _pair_distance(after, table) < 0.8 * _pair_distance(before, table)
    # each column's shares stay the real ones up to the noise
    for name in CATEGORIES:
        shares = after[name].value_counts(normalize=True)
        real = table[name].value_counts(normalize=True)
        assert 0.5 * real.sub(shares, fill_value=0).abs().sum() < 0.05, name


def test_without_refinement_nothing_is_spent_on_the_tables(table):
    model = TabularGAN(epsilon=EPSILON, epochs=1, batch_size=200, refine=False, verbose=False).fit(table)
    assert "two-column tables" not in [m["name"] for m in model.privacy_["mechanisms"]]
    assert model.stages_ == ("calibrate", "redraw")
    assert "matching the two-column tables" in model.privacy_["switched_off"]


def test_a_table_with_one_column_of_two_values_or_more_spends_nothing_on_the_tables(table):
    """A constant column has one cell: no pair to table, so nothing is released or charged."""
    frame = table[["age"]].assign(country="United-States")
    model = TabularGAN(epsilon=EPSILON, epochs=1, batch_size=200, verbose=False).fit(frame)
    assert "pairs" not in model.stages_
    assert "two-column tables" not in [m["name"] for m in model.privacy_["mechanisms"]]
    assert "matching the two-column tables" in model.privacy_["switched_off"]
    assert sum(m["epsilon"] for m in model.privacy_["mechanisms"]) == pytest.approx(model.privacy_["epsilon"], abs=1e-5)
