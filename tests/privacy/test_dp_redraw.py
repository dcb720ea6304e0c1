"""The redraw network under DP: its own DP-SGD mechanism, charged, and the rest post-processing."""

from __future__ import annotations

import pandas as pd
import pytest
from opacus.accountants import RDPAccountant
from opacus.optimizers import DPOptimizerFastGradientClipping

from synthdata import TabularGAN
from synthdata.privacy import dp_redraw
from synthdata.privacy.accountant import ORDERS
from synthdata.privacy.fit_plan import REDRAW_SHARE
from synthdata.privacy.preprocessing import PSEUDO_ROWS
from synthdata.privacy.request import private_batch_size

EPSILON = 3.0
ROWS = 800


@pytest.fixture(scope="module")
def table(adult) -> pd.DataFrame:
    return adult[["age", "education", "sex", "income"]].sample(ROWS, random_state=2).reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(table):
    """The fit, with the noise multiplier of every DP-SGD step and the rows the redraw trained on."""
    steps, trained_on = [], []
    monkey = pytest.MonkeyPatch()
    pre_step, train_private = DPOptimizerFastGradientClipping.pre_step, dp_redraw.train_private

    def spied_pre_step(self, *args, **kwargs):
        steps.append(self.noise_multiplier)
        return pre_step(self, *args, **kwargs)

    def spied_train_private(conditionals, real, noise_multiplier, sample_rate, steps):
        trained_on.append((len(real), conditionals.features.value_edges))
        return train_private(conditionals, real, noise_multiplier, sample_rate, steps)

    monkey.setattr(DPOptimizerFastGradientClipping, "pre_step", spied_pre_step)
    monkey.setattr(dp_redraw, "train_private", spied_train_private)
    try:
        model = TabularGAN(epsilon=EPSILON, epochs=2, batch_size=100, verbose=False).fit(table)
    finally:
        monkey.undo()
    return model, steps, trained_on


def test_the_redraw_is_a_charged_mechanism_and_every_step_it_ran_is_counted(fitted):
    model, steps, trained_on = fitted
    record = model.privacy_
    names = [m["name"] for m in record["mechanisms"]]
    assert names == [
        "noisy bounds",
        "noisy histograms",
        "DP-SGD (critic)",
        "DP-SGD (redraw network)",
        "two-column tables",
    ]
    critic, redraw = record["mechanisms"][2], record["mechanisms"][3]
    # the optimizer steps the fit took: the critic's, then the redraw network's, each at its own noise
    assert steps == pytest.approx(
        [critic["noise_multiplier"]] * critic["steps"] + [redraw["noise_multiplier"]] * redraw["steps"]
    )
    assert redraw["sample_rate"] == pytest.approx(private_batch_size(dp_redraw.EXPECTED_BATCH, ROWS) / ROWS)
    assert redraw["steps"] == round(dp_redraw.EPOCHS / redraw["sample_rate"])
    # it trained on the real rows (all of them, Poisson-sampled) once
    assert [rows for rows, _ in trained_on] == [ROWS]
    assert sum(m["epsilon"] for m in record["mechanisms"]) == pytest.approx(record["epsilon"], abs=1e-5)
    assert all(m["epsilon"] > 0 for m in record["mechanisms"])
    assert "realness rejection" in record["switched_off"] and "redraw" not in record["switched_off"]
    assert model.stages_ == ("calibrate", "redraw", "pairs")


def test_the_reported_epsilon_is_opacus_own_over_all_five_mechanisms(fitted):
    model, *_ = fitted
    record = model.privacy_
    accountant = RDPAccountant()
    accountant.history = [(m["noise_multiplier"], m["sample_rate"], m["steps"]) for m in record["mechanisms"]]
    assert record["epsilon"] == pytest.approx(
        accountant.get_epsilon(record["accountant_delta"], alphas=ORDERS), rel=1e-5
    )
    assert record["epsilon"] <= EPSILON
    # alone, the redraw network's DP-SGD spends its planned share of epsilon
    alone = RDPAccountant()
    redraw = record["mechanisms"][3]
    alone.history = [(redraw["noise_multiplier"], redraw["sample_rate"], redraw["steps"])]
    assert alone.get_epsilon(record["accountant_delta"], alphas=ORDERS) == pytest.approx(
        REDRAW_SHARE * EPSILON, rel=1e-3
    )


def test_the_redraw_bins_come_from_the_releases(fitted, table):
    model, _, trained_on = fitted
    # value bins need 250 rows each: 800 real rows would allow 3 bins, the pseudo table allows all 16
    ((_, edges),) = trained_on
    assert edges.shape[1] == min(16, PSEUDO_ROWS // 250) - 1
    rows = model.sample(3000, seed=1)
    assert set(rows["income"].dropna()) <= set(table["income"])
    # an empty null bin is released now and then by design (noisy_statistics.denoised)
    assert rows["income"].isna().mean() == pytest.approx(model.schema_.columns["income"].nullable, abs=0.02)
    # balanced to the released shares, which are the real ones up to the noise
    assert rows["income"].value_counts(normalize=True).max() == pytest.approx(
        table["income"].value_counts(normalize=True).max(), abs=0.1
    )


def test_without_the_redraw_nothing_is_spent_on_it(table):
    model = TabularGAN(epsilon=EPSILON, epochs=1, batch_size=100, redraw=False, verbose=False).fit(table)
    assert "DP-SGD (redraw network)" not in [m["name"] for m in model.privacy_["mechanisms"]]
    assert model.stages_ == ("calibrate", "pairs")
