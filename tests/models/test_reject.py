"""Rejection by the realness classifier: it drops rows real data does not hold, and the
calibration fitted for the kept rows still gives them the real shares and spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synthdata import TabularGAN
from synthdata.models.calibrate import NumericLayout, _quantiles, fit_calibration
from synthdata.models.ctgan import OutputActivation
from synthdata.models.reject import STAGE_CAPS, Realness, RealnessClassifier, fit_realness
from synthdata.models.row_features import RowFeatures
from synthdata.models.share_matching import real_shares
from synthdata.models.small_network import MIN_REAL_ROWS
from synthdata.transform.table import Span

from .conftest import ROLES, fitted_transformer, households


def test_features_see_values_not_the_mode_a_value_was_assigned_to():
    frame = households(3_000, seed=0)
    transformer = fitted_transformer(frame)
    first = transformer.transform(frame, rng=np.random.default_rng(1))
    second = transformer.transform(frame, rng=np.random.default_rng(2))
    assert not torch.equal(first, second)  # modes are drawn, so the encodings differ
    features = RowFeatures(transformer, torch.device("cpu"))
    assert torch.allclose(features(first), features(second), atol=1e-4)
    age = features(first)[:, -2]  # values come after the kept slots, in column order
    assert np.allclose(age.numpy(), frame["age"].clip(*np.percentile(frame["age"], [0, 100])), atol=0.05)


# the default, and two stages as files written before the redraw hold them
@pytest.mark.parametrize("caps", [STAGE_CAPS, (0.95, 0.90)])
def test_rejection_restores_a_dependence_the_generated_rows_broke(caps):
    real_frame = households(4_000, seed=0)
    transformer = fitted_transformer(real_frame)
    rng = np.random.default_rng(3)
    real = transformer.transform(real_frame, rng=rng)

    def shuffled_rows(n: int) -> torch.Tensor:
        """Rows with every column's marginal right and every dependence broken."""
        drawn = real_frame.sample(n, replace=True, random_state=int(rng.integers(1 << 30)), ignore_index=True)
        broken = drawn.apply(lambda column: rng.permutation(column.to_numpy()))
        return transformer.transform(broken, rng=rng)

    random = torch.Generator().manual_seed(0)
    realness = fit_realness(real, shuffled_rows, transformer, random, caps=caps)
    candidates = shuffled_rows(20_000)
    kept = realness.keep(candidates, random)
    decoded = transformer.inverse_transform(candidates, rng=rng)
    impossible = ((decoded["role"] == "husband") & (decoded["sex"] == "F")) | (
        (decoded["role"] == "wife") & (decoded["sex"] == "M")
    )
    assert impossible.mean() > 0.3
    assert impossible[kept.numpy()].mean() < 0.05
    child_age = decoded.loc[kept.numpy() & (decoded["role"] == "child").to_numpy(), "age"]
    assert child_age.median() < 25  # shuffled: 40
    assert 0.1 < realness.kept_share < 0.9
    assert len(realness.stages) == len(caps)

    # the model file's tensors give back the same acceptance, every stage included
    restored = Realness.from_tensors(realness.tensors(), transformer, torch.device("cpu"))
    assert torch.allclose(restored.acceptance(candidates), realness.acceptance(candidates))
    # a file of one stage without value bins, as written before either existed
    plain = RowFeatures(transformer, torch.device("cpu"))
    classifier = RealnessClassifier(plain.dim, torch.Generator().manual_seed(1))
    classifier.slot_bias = torch.zeros(candidates.shape[1])
    legacy = Realness(plain, [classifier])
    assert set(legacy.tensors()) == set(classifier.state_dict())
    loaded = Realness.from_tensors(legacy.tensors(), transformer, torch.device("cpu"))
    assert loaded.features.value_edges is None and len(loaded.stages) == 1
    assert torch.allclose(loaded.acceptance(candidates), legacy.acceptance(candidates))

    # rejection keeps the roles in other shares than drawn; balancing restores the real ones
    activation = OutputActivation(transformer.spans_, torch.device("cpu"))
    real_role_shares = real_frame["role"].value_counts(normalize=True)[ROLES].to_numpy()

    def kept_role_shares(rows: torch.Tensor) -> np.ndarray:
        roles = transformer.inverse_transform(rows, rng=rng)["role"]
        weights = realness.acceptance(rows).numpy()
        return np.array([weights[(roles == role).to_numpy()].sum() for role in ROLES]) / weights.sum()

    assert np.abs(kept_role_shares(candidates) - real_role_shares).max() > 0.02
    realness.balance(candidates, real_shares(real, activation), activation)
    assert np.abs(kept_role_shares(candidates) - real_role_shares).max() < 0.005
    # on fresh rows, within what a weighted share of a sample this size varies by: two
    # stages keep about 15% of these rows, a few thousand rows' worth of weight
    fresh = kept_role_shares(shuffled_rows(20_000))
    assert np.abs(fresh - real_role_shares).max() < 0.03, fresh


def test_a_table_too_small_to_learn_from_gets_no_classifier():
    frame = households(MIN_REAL_ROWS - 1, seed=0)
    transformer = fitted_transformer(frame)
    encoded = transformer.transform(frame, rng=np.random.default_rng(0))
    assert fit_realness(encoded, lambda n: encoded[:n], transformer, torch.Generator()) is None


SPANS = [
    Span("colour", "category", 0, 3),
    Span("size", "scalar", 3, 1),
    Span("size", "component", 4, 2),
]


def test_scalar_maps_fitted_for_kept_rows_give_them_the_real_spread():
    random = torch.Generator().manual_seed(0)
    activation = OutputActivation(SPANS, torch.device("cpu"))
    layout = NumericLayout(SPANS, torch.device("cpu"))
    real = torch.zeros(20_000, 6)
    real[:, 0] = 1.0
    real[:, 4] = 1.0
    real[:, 3] = torch.rand(20_000, generator=random) * 1.6 - 0.8  # uniform on [-0.8, 0.8]

    def raw_rows(n: int) -> torch.Tensor:
        return torch.randn(n, 6, generator=random)

    def acceptance(rows: torch.Tensor) -> torch.Tensor:
        """Keeps few rows with a small scalar."""
        return torch.where(rows[:, 3] < 0, 0.3, 1.0)

    def kept_quartiles(calibration) -> torch.Tensor:
        drawn = calibration.draw(raw_rows(40_000), activation, layout, random)
        kept = drawn[torch.rand(40_000, generator=random) < acceptance(drawn)]
        return torch.quantile(kept[:, 3], torch.tensor([0.25, 0.5, 0.75]))

    real_quartiles = torch.tensor([-0.4, 0.0, 0.4])
    weighted = kept_quartiles(fit_calibration(raw_rows, activation, layout, real, random, acceptance))
    assert torch.allclose(weighted, real_quartiles, atol=0.05), weighted
    unweighted = kept_quartiles(fit_calibration(raw_rows, activation, layout, real, random))
    assert float(unweighted[1]) > 0.2  # without the weights, rejection moves the spread


def test_weighted_quantiles_equal_those_of_repeated_values():
    random = torch.Generator().manual_seed(0)
    values = torch.rand(2_000, generator=random)
    grid = torch.linspace(0, 1, 11)
    assert torch.allclose(_quantiles(values, grid, torch.ones(2_000)), _quantiles(values, grid), atol=1e-6)
    counts = torch.randint(1, 4, (2_000,), generator=random)
    counts[values > 0.5] *= 3  # the upper half weighs more
    repeated = values.repeat_interleave(counts)
    weighted = _quantiles(values, grid, counts.float())
    assert torch.allclose(weighted, _quantiles(repeated, grid), atol=0.01), weighted
    assert float(weighted[5]) > 0.6


@pytest.fixture(scope="module")
def household_model():
    # rejection alone: the redraw mends the same rows (see test_conditionals)
    return TabularGAN(epochs=5, batch_size=200, redraw=False, verbose=False).fit(households(3_000, seed=1))


def test_sampled_rows_break_the_rules_less_and_keep_their_shares(household_model, tmp_path):
    assert household_model.stages_ == ("calibrate", "reject")
    refined_rows = household_model.sample(4_000)
    raw_rows = household_model.sample(4_000, stages=("calibrate",))

    def broken(rows: pd.DataFrame) -> float:
        return float(
            (
                ((rows["role"] == "husband") & (rows["sex"] == "F")) | ((rows["role"] == "wife") & (rows["sex"] == "M"))
            ).mean()
        )

    assert broken(refined_rows) < 0.5 * broken(raw_rows), (broken(refined_rows), broken(raw_rows))
    real = households(3_000, seed=1)
    for column in ("role", "sex"):
        shares = refined_rows[column].value_counts(normalize=True)
        real_shares_ = real[column].value_counts(normalize=True)
        assert (shares - real_shares_).abs().max() < 0.04, column
    assert abs(refined_rows["income"].isna().mean() - real["income"].isna().mean()) < 0.03
    path = household_model.save(tmp_path / "households.synth")
    assert TabularGAN.load(path).sample(500).equals(household_model.sample(500))


def test_refine_false_keeps_every_generated_row():
    model = TabularGAN(epochs=1, batch_size=200, refine=False, verbose=False).fit(households(1_000, seed=0))
    assert "reject" not in model.stages_ and model.get_params()["refine"] is False
    assert len(model.sample(300)) == 300
