"""Sampling-time calibration: one-hot shares and within-mode spread match the real table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from synthdata import TabularGAN
from synthdata.models.calibrate import QUANTILES, NumericLayout, share_offsets
from synthdata.models.ctgan import OutputActivation
from synthdata.transform.table import Span

SPANS = [
    Span("colour", "category", 0, 3),
    Span("size", "scalar", 3, 1),
    Span("size", "component", 4, 3),
]


def test_share_offsets_give_every_span_its_target_shares():
    random = torch.Generator().manual_seed(0)
    raw = torch.randn(20_000, 7, generator=random) * 2.0
    raw[:, 0] += 3.0  # the generator over-produces the first colour
    raw[:, 6] -= 4.0  # and hardly ever the last mode (the null mode, say)
    activation = OutputActivation(SPANS, torch.device("cpu"))
    target = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    offsets = share_offsets(raw, activation, target)
    assert offsets[3] == 0.0  # scalars are left alone
    for span, wanted in zip([SPANS[0], SPANS[2]], target, strict=True):
        shares = torch.softmax(raw[:, span.start : span.stop] + offsets[span.start : span.stop], dim=1).mean(0)
        assert torch.allclose(shares, wanted, atol=1e-3), (span.column, shares)


def test_a_slot_the_real_table_never_holds_is_switched_off():
    raw = torch.zeros(1_000, 7)
    activation = OutputActivation(SPANS, torch.device("cpu"))
    offsets = share_offsets(raw, activation, torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]]))
    drawn = activation.draw(raw + offsets, torch.Generator().manual_seed(1))
    assert drawn[:, 2].sum() == 0 and drawn[:, 6].sum() == 0


def test_scalar_maps_are_monotone_and_reach_the_real_quantiles():
    layout = NumericLayout(SPANS, torch.device("cpu"))
    random = torch.Generator().manual_seed(0)
    rows = torch.zeros(4_000, 7)
    rows[:, 4] = 1.0  # every row in the first mode
    rows[:, 3] = torch.randn(4_000, generator=random) * 0.05  # generated: too narrow
    real = rows.clone()
    real[:, 3] = torch.rand(4_000, generator=random) * 1.6 - 0.8  # real: uniform on [-0.8, 0.8]
    generated_q, _ = layout.quantiles(rows)
    real_q, counts = layout.quantiles(real)
    assert counts[0, 0] == 4_000 and counts[0, 1] == 0
    mapped = layout.map_scalars(rows, generated_q, real_q)[:, 3]
    order = rows[:, 3].argsort()
    assert (mapped[order].diff() >= 0).all()  # ranks are kept
    assert abs(float(mapped.min()) + 0.8) < 0.01 and abs(float(mapped.max()) - 0.8) < 0.01
    assert abs(float(mapped.std()) - 1.6 / 12**0.5) < 0.02
    identity = torch.linspace(-1.0, 1.0, QUANTILES).expand_as(generated_q)
    assert torch.allclose(layout.map_scalars(rows, identity, identity), rows, atol=1e-6)


def test_a_bimodal_column_keeps_both_modes_and_their_spread():
    rng = np.random.default_rng(0)
    low = rng.random(5_000) < 0.3
    frame = pd.DataFrame(
        {
            "x": np.where(low, rng.normal(0.0, 1.0, 5_000), rng.normal(10.0, 1.0, 5_000)),
            "tag": np.where(low, "low", "high"),
        }
    )
    sample = TabularGAN(epochs=30, batch_size=200, verbose=False).fit(frame).sample(5_000)
    in_low = sample["x"] < 5.0
    assert abs(in_low.mean() - 0.3) < 0.03
    for peak, centre in ((in_low, 0.0), (~in_low, 10.0)):
        assert abs(sample["x"][peak].mean() - centre) < 0.2
        assert abs(sample["x"][peak].std() - 1.0) < 0.15  # uncalibrated: 0.48
    assert ((sample["tag"] == "low") == in_low).mean() > 0.97


def test_a_model_fitted_without_calibration_samples_and_round_trips(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(0.0, 1.0, 600), "g": rng.choice(["a", "b"], 600)})
    model = TabularGAN(epochs=2, batch_size=100, calibrate=False, verbose=False).fit(frame)
    assert "calibrate" not in model.stages_
    loaded = TabularGAN.load(model.save(tmp_path / "plain.synth"))
    assert "calibrate" not in loaded.stages_
    pd.testing.assert_frame_equal(model.sample(300), loaded.sample(300))


def test_scalar_maps_keep_the_shares_of_a_column_of_whole_numbers():
    """Rounded after the map, every level keeps about its real share (51 quantiles: a
    total variation distance of 0.15 on this table, some levels at 2.6x their share)."""
    spans = [Span("age", "scalar", 0, 1), Span("age", "component", 1, 1)]
    layout = NumericLayout(spans, torch.device("cpu"))
    random = torch.Generator().manual_seed(0)
    levels = torch.linspace(-0.8, 0.8, 60)  # the scalars of 60 whole numbers
    weights = torch.rand(60, generator=random) + 0.2
    real = torch.zeros(40_000, 2)
    real[:, 1] = 1.0
    real[:, 0] = levels[torch.multinomial(weights, 40_000, replacement=True, generator=random)]
    generated = real.clone()
    generated[:, 0] = torch.randn(40_000, generator=random) * 0.1
    generated_q, _ = layout.quantiles(generated)
    real_q, _ = layout.quantiles(real)
    mapped = layout.map_scalars(generated, generated_q, real_q)[:, 0]
    rounded = (mapped[:, None] - levels[None, :]).abs().argmin(dim=1)
    shares = torch.bincount(rounded, minlength=60) / 40_000
    assert float((shares - weights / weights.sum()).abs().sum() / 2) < 0.08
