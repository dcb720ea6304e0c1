"""Redrawing categories from conditionals learned on real rows: a category that disagrees
with the rest of its row is corrected, real rows stay real, fixed values stay fixed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synthdata import TabularGAN
from synthdata.models.redraw import Sweep, fit_conditionals
from synthdata.models.row_features import RowFeatures, value_edges
from synthdata.models.small_network import MIN_REAL_ROWS
from synthdata.schema import Column
from synthdata.transform.table import DataTransformer

from .conftest import fitted_transformer, households


def impossible_share(frame: pd.DataFrame) -> float:
    """Husbands who are women, wives who are men, and children over 30."""
    wrong_sex = ((frame["role"] == "husband") & (frame["sex"] == "F")) | (
        (frame["role"] == "wife") & (frame["sex"] == "M")
    )
    old_child = (frame["role"] == "child") & (frame["age"] > 30)
    return float((wrong_sex | old_child).mean())


@pytest.fixture(scope="module")
def fitted():
    real_frame = households(4_000, seed=0)
    transformer = fitted_transformer(real_frame)
    real = transformer.transform(real_frame, rng=np.random.default_rng(1))
    conditionals = fit_conditionals(real, transformer, torch.Generator().manual_seed(0))
    return real_frame, transformer, conditionals


def test_redraw_mends_rows_whose_categories_disagree_with_the_rest(fitted):
    real_frame, transformer, conditionals = fitted
    rng = np.random.default_rng(2)
    broken = real_frame.apply(lambda column: rng.permutation(column.to_numpy()))
    encoded = transformer.transform(broken, rng=rng)
    redrawn = transformer.inverse_transform(conditionals.redraw(encoded, torch.Generator().manual_seed(1)), rng=rng)
    before = impossible_share(transformer.inverse_transform(encoded, rng=rng))
    assert before > 0.3
    assert impossible_share(redrawn) < 0.03, (before, impossible_share(redrawn))
    # numbers are not redrawn
    assert np.allclose(redrawn["age"], transformer.inverse_transform(encoded, rng=rng)["age"], atol=0.5)


def test_the_sweep_gives_the_network_s_own_logits_as_categories_change(fitted):
    real_frame, transformer, conditionals = fitted
    rng = np.random.default_rng(5)
    broken = real_frame.apply(lambda column: rng.permutation(column.to_numpy()))
    rows = transformer.transform(broken, rng=rng)[:500]
    conditionals.network.slot_offset.normal_(generator=torch.Generator().manual_seed(4))
    try:
        with torch.no_grad():
            sweep = Sweep(conditionals, rows.clone())
            for _ in range(2):  # the second pass reads rows whose every category was redrawn
                for number in range(len(conditionals.spans)):
                    asked = torch.full((len(rows),), number, dtype=torch.long)
                    width = conditionals.spans[number].width
                    expected = conditionals.logits(sweep.rows, asked)
                    got = sweep.logits(number)
                    assert got.shape == (len(rows), width)
                    assert torch.isinf(expected[:, width:]).all()
                    assert torch.allclose(got, expected[:, :width], atol=1e-4), number
                    sweep.draw(number, got, torch.Generator().manual_seed(number))
        assert not torch.equal(sweep.rows, rows)
    finally:
        conditionals.network.slot_offset.zero_()  # the module's fixture is shared


def test_redrawn_real_rows_keep_the_real_shares(fitted):
    real_frame, transformer, conditionals = fitted
    rng = np.random.default_rng(3)
    encoded = transformer.transform(real_frame, rng=rng)
    redrawn = transformer.inverse_transform(conditionals.redraw(encoded, torch.Generator().manual_seed(2)), rng=rng)
    for column in ("role", "sex"):
        real = real_frame[column].value_counts(normalize=True)
        drawn = redrawn[column].value_counts(normalize=True)
        assert 0.5 * real.sub(drawn, fill_value=0).abs().sum() < 0.03, (column, real, drawn)
    assert impossible_share(redrawn) < 0.01
    # sex is random among children: a redraw changes some values, not none and not all
    changed = (redrawn["sex"] != real_frame["sex"]).mean()
    assert 0.02 < changed < 0.3, changed


def test_a_fixed_column_is_not_redrawn(fitted):
    real_frame, transformer, conditionals = fitted
    rng = np.random.default_rng(4)
    broken = real_frame.apply(lambda column: rng.permutation(column.to_numpy()))
    encoded = transformer.transform(broken, rng=rng)
    role = conditionals.spans[0]
    assert role.column == "role"
    redrawn = conditionals.redraw(encoded, torch.Generator().manual_seed(3), keep=frozenset([0]))
    assert torch.equal(redrawn[:, role.start : role.stop], encoded[:, role.start : role.stop])
    sex = conditionals.spans[1]
    assert not torch.equal(redrawn[:, sex.start : sex.stop], encoded[:, sex.start : sex.stop])


def test_tables_without_categories_or_with_few_rows_get_no_conditionals():
    rng = np.random.default_rng(0)
    numbers = pd.DataFrame({"x": rng.normal(size=2_000), "y": rng.normal(size=2_000)})
    transformer = DataTransformer().fit(numbers, [Column("x", "numerical"), Column("y", "numerical")], rng=rng)
    random = torch.Generator().manual_seed(0)
    assert fit_conditionals(transformer.transform(numbers, rng=rng), transformer, random) is None
    few = households(MIN_REAL_ROWS - 1, seed=0)
    few_transformer = fitted_transformer(few)
    assert fit_conditionals(few_transformer.transform(few, rng=rng), few_transformer, random) is None


def test_value_bins_are_cut_among_amounts_not_the_zeros_of_a_point_mass():
    """Nine rows in ten hold no gain; the bins must still split the amounts evenly, or a
    threshold among them ("a gain above 5,000") is no input away."""
    rng = np.random.default_rng(5)
    n = 20_000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(8, 1, n).round())
    frame = pd.DataFrame({"gain": gain, "group": rng.choice(["a", "b"], size=n)})
    columns = [Column("gain", "numerical"), Column("group", "categorical")]
    transformer = DataTransformer().fit(frame, columns, rng=rng)
    encoded = transformer.transform(frame, rng=rng)
    edges = value_edges(transformer, encoded)
    assert edges is not None and edges.shape == (1, 15)
    features = RowFeatures(transformer, torch.device("cpu"))
    values, in_mode = features.values_in_mode(encoded)
    amounts = values[in_mode]
    assert len(amounts) == pytest.approx(0.1 * n, rel=0.1)
    counts = np.bincount(np.searchsorted(edges[0].numpy(), amounts.numpy()), minlength=16)
    assert counts.min() > 0.5 * len(amounts) / 16 and counts.max() < 1.5 * len(amounts) / 16, counts


def test_a_fitted_model_redraws_by_default_and_not_when_told(tmp_path):
    frame = households(1_000, seed=1)
    model = TabularGAN(epochs=1, batch_size=200, refine=False, verbose=False).fit(frame)
    assert model.stages_ == ("calibrate", "redraw") and model.get_params()["redraw"] is True
    loaded = TabularGAN.load(model.save(tmp_path / "households.synth"))
    assert loaded.stages_ == ("calibrate", "redraw")
    assert loaded.sample(500, seed=4).equals(model.sample(500, seed=4))
    plain = TabularGAN(epochs=1, batch_size=200, refine=False, redraw=False, verbose=False).fit(frame)
    assert plain.stages_ == ("calibrate",)
    # one epoch leaves the generator's roles and sexes at odds; the redraw mends them
    redrawn_share, plain_share = impossible_share(model.sample(4_000)), impossible_share(plain.sample(4_000))
    assert redrawn_share < 0.3 * plain_share, (redrawn_share, plain_share)
    assert TabularGAN.load(plain.save(tmp_path / "plain.synth")).stages_ == ("calibrate",)


def test_balanced_offsets_give_redrawn_rows_the_real_shares(fitted):
    real_frame, transformer, conditionals = fitted
    rng = np.random.default_rng(6)
    # rows with half the real share of children: redrawn, they keep about that share
    children = real_frame["role"] == "child"
    drawn = pd.concat([real_frame[~children], real_frame[children].sample(frac=0.4, random_state=0)])
    encoded = transformer.transform(drawn, rng=rng)
    real = transformer.transform(real_frame, rng=rng)

    def child_share(rows: torch.Tensor) -> float:
        return float((transformer.inverse_transform(rows, rng=rng)["role"] == "child").mean())

    real_share = float(children.mean())
    random = torch.Generator().manual_seed(5)
    assert real_share - child_share(conditionals.redraw(encoded, random)) > 0.05
    conditionals.balance(encoded, real, random)
    try:
        assert abs(child_share(conditionals.redraw(encoded, random)) - real_share) < 0.015
        offset = conditionals.network.slot_offset
        assert offset.abs().max() > 0 and offset.abs().max() <= 3.0
    finally:
        conditionals.network.slot_offset.zero_()  # the module's fixture is shared
