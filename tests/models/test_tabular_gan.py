"""End-to-end fits on small and real data: what comes back, and that it is right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import SynthDataError, TabularGAN
from synthdata.models.training import AdversarialTrainer, default_epochs


def test_one_dimensional_gaussian_and_a_skewed_category(one_dimensional_frame):
    model = TabularGAN(epochs=40, batch_size=200, verbose=False).fit(one_dimensional_frame)
    sample = model.sample(10_000)
    assert abs(sample["x"].mean() - 4.0) < 0.15
    assert abs(sample["x"].std() - 1.5) < 0.15
    assert abs((sample["group"] == "common").mean() - 0.9) < 0.03


def test_same_seed_same_model_and_samples(adult):
    frame = adult.sample(2000, random_state=1)
    first = TabularGAN(epochs=2, verbose=False, seed=7).fit(frame).sample(300)
    second = TabularGAN(epochs=2, verbose=False, seed=7).fit(frame).sample(300)
    pd.testing.assert_frame_equal(first, second)


def test_examples_patients_fits_as_is(patients_path):
    real = pd.read_csv(patients_path)
    sample = TabularGAN(epochs=5, verbose=False).fit(real).sample(300)
    assert list(sample.columns) == list(real.columns)
    assert sample["BIRTHDATE"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert not set(sample["SSN"]) & set(real["SSN"])


def test_ma_1462_patients_keep_the_death_date_null_share(synthea):
    real = pd.read_csv(synthea / "ma_1462" / "patients.csv")
    # 30 epochs of 11 steps: off by 0.001 and 0.011 (seeds 0, 1), as after 100 epochs (0.014, 0.007)
    sample = TabularGAN(epochs=30, batch_size=100, verbose=False).fit(real).sample(3000)
    assert list(sample.columns) == list(real.columns)
    dates = sample["DEATHDATE"].dropna()
    assert pd.to_datetime(dates, format="%Y-%m-%d").notna().all()
    assert abs(sample["DEATHDATE"].isna().mean() - real["DEATHDATE"].isna().mean()) < 0.05


@pytest.mark.parametrize(
    ("options", "message"),
    [({"batch_size": 505}, "multiple of the pack size"), ({"epochs": 0}, "epochs")],
)
def test_bad_options_raise(options, message):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(SynthDataError, match=message):
        TabularGAN(verbose=False, **options).fit(frame)


@pytest.mark.parametrize(
    ("rows", "batch_size", "epochs"),
    [
        (26_048, 500, 49),  # Adult: 52 steps an epoch
        (1_250_000, 500, 1),
        (4_838, 500, 278),
        (1_169, 500, 1_250),  # two steps an epoch, 1,069 passes
        (1_000, 500, 1_100),  # 1,250 epochs would be 1,250 passes: capped at 1,100
        (111, 500, 244),  # one step sees every row 4.5 times
        (3, 500, 6),
    ],
)
def test_without_epochs_a_fit_runs_a_budget_of_steps_and_passes(rows, batch_size, epochs):
    assert default_epochs(rows, batch_size) == epochs


def test_a_fit_without_epochs_plans_them_from_the_table_and_records_them():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=5_000), "g": rng.choice(["a", "b"], 5_000)})
    # 50 steps an epoch; the time budget stops the fit after its first epoch
    model = TabularGAN(batch_size=100, max_time=1e-6, refine=False, verbose=False).fit(frame)
    assert model.training_["epochs"] == 50
    assert model.training_["epochs_run"] == 1
    assert model.epochs is None


def test_empty_and_non_frames_raise():
    with pytest.raises(SynthDataError, match="no rows"):
        TabularGAN(verbose=False).fit(pd.DataFrame({"x": []}))
    with pytest.raises(SynthDataError, match="DataFrame"):
        TabularGAN(verbose=False).fit([[1, 2]])


def test_a_resumed_fit_equals_an_uninterrupted_one(adult, tmp_path, monkeypatch):
    """Resuming restores the training state; what follows training (calibration and the
    realness classifiers, seeded afresh) is checked by the same-seed test above."""
    frame = adult.sample(1500, random_state=2)
    options = {"epochs": 4, "batch_size": 100, "refine": False, "verbose": False}
    straight = TabularGAN(**options).fit(frame).sample(200)
    checkpoint = tmp_path / "fit.ckpt"
    run_epoch = AdversarialTrainer.run_epoch

    def interrupted_at_epoch_two(trainer, epoch):
        if epoch == 2:
            raise KeyboardInterrupt
        return run_epoch(trainer, epoch)

    monkeypatch.setattr(AdversarialTrainer, "run_epoch", interrupted_at_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        TabularGAN(**options).fit(frame, checkpoint=checkpoint, checkpoint_every=2)
    monkeypatch.undo()
    resumed = TabularGAN(**options).fit(frame, checkpoint=checkpoint, checkpoint_every=2, resume=True)
    assert len(resumed.history_) == 2
    pd.testing.assert_frame_equal(resumed.sample(200), straight)


def test_a_checkpoint_of_another_fit_is_refused(adult, tmp_path):
    checkpoint = tmp_path / "fit.ckpt"
    TabularGAN(epochs=1, batch_size=100, verbose=False).fit(adult.head(500), checkpoint=checkpoint, checkpoint_every=1)
    with pytest.raises(SynthDataError, match="different fit"):
        TabularGAN(epochs=2, batch_size=100, verbose=False).fit(adult.head(600), checkpoint=checkpoint, resume=True)
