"""A DP fit on a small real table: the record, its accounting, the rows, the model file."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from opacus.accountants import RDPAccountant
from opacus.optimizers import DPOptimizerFastGradientClipping

from synthdata import Schema, TabularGAN
from synthdata.models.calibrate import Calibrate
from synthdata.privacy import noisy_statistics
from synthdata.privacy.accountant import ORDERS
from synthdata.privacy.preprocessing import PSEUDO_ROWS
from synthdata.privacy.request import MIN_BATCH

EPSILON = 10.0


@pytest.fixture(scope="module")
def patients(synthea) -> pd.DataFrame:
    return pd.read_csv(synthea / "ne_111" / "patients.csv", parse_dates=["BIRTHDATE", "DEATHDATE"])


@pytest.fixture(scope="module")
def fitted(patients):
    """The fit, with every Gaussian release, every DP-SGD step and the rows each
    sampling stage was fitted on recorded."""
    released, steps, stage_rows = [], [], []
    monkey = pytest.MonkeyPatch()
    gaussian, pre_step, calibrate = noisy_statistics.gaussian, DPOptimizerFastGradientClipping.pre_step, Calibrate.fit

    def spied_gaussian(counts, std, random):
        released.append(std)
        return gaussian(counts, std, random)

    def spied_pre_step(self, *args, **kwargs):
        steps.append(self.noise_multiplier)
        return pre_step(self, *args, **kwargs)

    def spied_calibrate(self, earlier, real, random):
        stage_rows.append(len(real))
        return calibrate(self, earlier, real, random)

    monkey.setattr(noisy_statistics, "gaussian", spied_gaussian)
    monkey.setattr(DPOptimizerFastGradientClipping, "pre_step", spied_pre_step)
    monkey.setattr(Calibrate, "fit", spied_calibrate)
    try:
        model = TabularGAN(epsilon=EPSILON, epochs=4, batch_size=40, verbose=False).fit(patients)
    finally:
        monkey.undo()
    return model, released, steps, stage_rows


def test_reported_epsilon_is_opacus_own_for_the_same_noise_rate_and_steps(fitted, patients):
    model, *_ = fitted
    record = model.privacy_
    accountant = RDPAccountant()
    accountant.history = [(m["noise_multiplier"], m["sample_rate"], m["steps"]) for m in record["mechanisms"]]
    assert record["epsilon"] == pytest.approx(
        accountant.get_epsilon(record["accountant_delta"], alphas=ORDERS), rel=1e-5
    )
    # Opacus' own list of orders (finer below 2, none past 63) gives nearly the same epsilon
    default = accountant.get_epsilon(record["accountant_delta"])
    assert record["epsilon"] == pytest.approx(default, rel=0.02)
    assert record["epsilon"] <= EPSILON
    (sgd,) = [m for m in record["mechanisms"] if m["name"] == "DP-SGD (critic)"]
    # 5% of 111 rows is under the smallest DP batch: batches of MIN_BATCH rows on average, not 40
    assert sgd["sample_rate"] == pytest.approx(MIN_BATCH / len(patients))
    assert sgd["steps"] == 4 * (len(patients) // MIN_BATCH)


def test_every_mechanism_the_fit_ran_is_listed_and_charged(fitted):
    model, released, steps, _ = fitted
    record = model.privacy_
    names = [m["name"] for m in record["mechanisms"]]
    assert names == ["noisy bounds", "noisy histograms", "DP-SGD (critic)", "two-column tables"]
    assert sum(m["epsilon"] for m in record["mechanisms"]) == pytest.approx(record["epsilon"], abs=1e-5)
    assert all(m["epsilon"] > 0 for m in record["mechanisms"])
    # each release adds noise of std = noise multiplier * sqrt(columns counted), the same for every column
    modelled = [c for c in model.schema_.columns.values() if c.is_modelled]
    bounded = [c for c in modelled if c.type in ("integer", "numerical", "datetime")]
    expected = [record["mechanisms"][0]["noise_multiplier"] * np.sqrt(len(bounded))] * len(bounded)
    expected += [record["mechanisms"][1]["noise_multiplier"] * np.sqrt(len(modelled))] * len(modelled)
    assert released == pytest.approx(expected, rel=1e-5)
    assert steps == pytest.approx([record["mechanisms"][2]["noise_multiplier"]] * record["mechanisms"][2]["steps"])
    assert record["delta"] == pytest.approx(record["accountant_delta"] + record["threshold_delta"])
    assert record["delta"] < 1 / 111


def test_calibration_reads_the_releases_not_the_rows(fitted, patients):
    model, _, _, stage_rows = fitted
    # too few rows for the redraw network; the pair tables are a release of their own
    assert model.stages_ == ("calibrate", "pairs")
    # fitted once, on the pseudo table drawn from the released histograms, never on the 111 real rows
    assert stage_rows == [PSEUDO_ROWS]
    assert "calibration to the released histograms" in model.privacy_["post_processing"]
    assert "realness rejection" in model.privacy_["switched_off"]
    # calibrated to the releases: the sampled shares are the released ones up to sampling error
    released = model.schema_.columns["DEATHDATE"].nullable
    assert model.sample(4000, seed=1)["DEATHDATE"].isna().mean() == pytest.approx(released, abs=0.03)


def test_dp_rows_keep_the_columns_types_and_null_shares(fitted, patients):
    model, *_ = fitted
    rows = model.sample(2000)
    assert list(rows.columns) == list(patients.columns)
    for name in patients.columns:
        # the noise may release a few nulls for an integer column: pandas' nullable Int64 then
        widened = str(patients[name].dtype) == "int64" and str(rows[name].dtype) == "Int64"
        assert rows[name].dtype == patients[name].dtype or widened, name
    # personal columns are generated from their names, never learned
    assert not set(rows["SSN"]) & set(patients["SSN"])
    assert model.schema_.columns["SSN"].type == "faker"
    assert model.schema_.columns["Id"].type == "id"
    # a column samples the null share released for it: none where none was released (an
    # empty null bin is released with probability 0.05 / bins, see noisy_statistics.denoised);
    # the released share of one with nulls is the real share up to the noise (std 6 rows of 111)
    for name in ("GENDER", "HEALTHCARE_EXPENSES", "DEATHDATE"):
        released = model.schema_.columns[name].nullable
        if released == 0:
            assert rows[name].notna().all(), name
        else:
            assert rows[name].isna().mean() == pytest.approx(released, abs=0.05), name
    assert rows["DEATHDATE"].isna().any()
    for name in ("BIRTHDATE", "GENDER"):
        assert model.schema_.columns[name].nullable == pytest.approx(patients[name].isna().mean(), abs=0.15)
    # 11 death dates in 111 rows: a value bin that passes the noise bar passes with its
    # noise, so the released null share falls below the real 0.90 (0.74 on one fit in four)
    assert model.schema_.columns["DEATHDATE"].nullable > 0.6
    # released bounds hold every sampled value
    expenses = model.schema_.columns["HEALTHCARE_EXPENSES"]
    assert rows["HEALTHCARE_EXPENSES"].between(expenses.min, expenses.max).all()
    assert set(rows["GENDER"]) <= set(patients["GENDER"])


def test_a_model_without_epsilon_has_no_privacy_record(patients):
    model = TabularGAN(epochs=1, verbose=False, calibrate=False, refine=False, redraw=False).fit(patients)
    assert model.privacy_ is None
    assert model.info()["privacy"] is None


def test_dp_model_round_trips_with_its_record_and_info_shows_it(fitted, tmp_path):
    model, *_ = fitted
    path = model.save(tmp_path / "patients.synth")
    loaded = TabularGAN.load(path, device="cpu")
    assert loaded.privacy_ == model.privacy_
    assert loaded.epsilon == EPSILON
    assert loaded.sample(50, seed=3).equals(model.sample(50, seed=3))
    shown = subprocess.run(
        [sys.executable, "-m", "synthdata_cli", "info", str(path)], capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert f"({model.privacy_['epsilon']:g}, 1e-05)-differential privacy" in shown.stdout
    assert "DP-SGD (critic)" in shown.stdout and "noisy histograms" in shown.stdout
    assert "public:" in shown.stdout and "post-processing: calibration" in shown.stdout


def test_a_declared_schema_is_public_and_its_bounds_need_no_release(patients):
    frame = patients[["GENDER", "HEALTHCARE_EXPENSES"]]
    schema = Schema.from_dict(
        {
            "columns": {
                "GENDER": {"type": "categorical", "values": ["F", "M"]},
                "HEALTHCARE_EXPENSES": {"type": "numerical", "min": 0, "max": 2_000_000},
            }
        }
    )
    model = TabularGAN(epsilon=5, epochs=1, batch_size=40, verbose=False).fit(frame, schema=schema)
    names = [m["name"] for m in model.privacy_["mechanisms"]]
    assert names == ["noisy histograms", "DP-SGD (critic)", "two-column tables"]
    assert model.privacy_["threshold_delta"] == 0.0
    assert "declared schema" in model.privacy_["public"]


def test_the_noise_is_not_the_seed_s(patients):
    """The seed is in the model file: noise it regenerates would protect nothing."""
    frame = patients[["GENDER", "HEALTHCARE_EXPENSES", "INCOME"]]
    first, second = (TabularGAN(epsilon=5, epochs=1, batch_size=40, verbose=False).fit(frame) for _ in range(2))
    assert first.seed == second.seed
    assert first.transformer_.state() != second.transformer_.state()
