"""A seeded fit samples the rows it sampled when they were pinned, byte for byte.

The fixtures and when each was written are in tests/models/fixtures/README.md: the
same seeded fit must sample them, and the format-1 file saved at commit 7ead7d1 must
load and sample its rows. CPU float32 only: another device or thread count may round
apart, and the fits' rows are pinned per CPU capability (`pinned_fits.fitted_folder`).
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
import torch
from safetensors.torch import load as load_tensors

from synthdata import SynthDataError, TabularGAN
from tests.models.pinned_fits import CAPABILITY, FITS, FOLDER, SAMPLED_ROWS, SAMPLES, pinned_path, tables


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def _pinned(name: str, label: str) -> str:
    path = pinned_path(name, label)
    if not path.exists():
        pytest.fail(
            f"No rows are pinned for CPUs of capability {CAPABILITY!r} ({path} is missing): write them "
            f"with `python -m tests.models.pinned_fits` at a commit whose rows are known to be right "
            f"(tests/models/fixtures/README.md)."
        )
    return path.read_text()


@pytest.fixture(scope="module")
def fitted() -> dict[str, TabularGAN]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        data = tables()
        return {name: TabularGAN(verbose=False, **FITS[name]).fit(data[name]) for name in ("adult", "medications")}
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize(
    ("name", "label"), [(name, label) for name in ("adult", "medications") for label in SAMPLES[name]]
)
def test_a_seeded_fit_samples_the_pinned_rows(fitted, name, label):
    assert _csv(fitted[name].sample(SAMPLED_ROWS, **SAMPLES[name][label])) == _pinned(name, label)


@pytest.mark.parametrize("label", list(SAMPLES["adult-file"]))
def test_a_format_1_file_loads_and_samples_its_rows(label):
    model = TabularGAN.load(FOLDER / "format1-adult.synth", device="cpu")
    assert model.stages_ == ("calibrate", "reject", "redraw")
    assert _csv(model.sample(SAMPLED_ROWS, **SAMPLES["adult-file"][label])) == _pinned("adult-file", label)


def test_every_stage_ablates_through_the_public_switch(fitted):
    model = fitted["adult"]
    assert model.stages_ == ("calibrate", "reject", "redraw")
    everything = model.sample(SAMPLED_ROWS, stages=model.stages_)
    assert _csv(everything) == _pinned("adult", "plain")
    seen = {_csv(everything)}
    for left_out in model.stages_:
        kept = tuple(stage for stage in model.stages_ if stage != left_out)
        rows = model.sample(SAMPLED_ROWS, stages=kept)
        assert list(rows.columns) == list(everything.columns) and len(rows) == SAMPLED_ROWS
        seen.add(_csv(rows))
    generator_only = model.sample(SAMPLED_ROWS, stages=())
    seen.add(_csv(generator_only))
    assert len(seen) == 5, "leaving out any stage changes the rows"
    # rejection changes which rows survive: the generator alone keeps Adult's rarer mistakes
    assert generator_only.dtypes.equals(everything.dtypes)


def test_an_unknown_stage_is_refused_with_the_known_ones(fitted):
    with pytest.raises(SynthDataError, match="calibrate, reject, redraw"):
        fitted["adult"].sample(10, stages=("calibrate", "polish"))


def test_a_format_2_file_lists_its_stages_and_keeps_their_tensors_apart(fitted, tmp_path):
    model = fitted["adult"]
    path = model.save(tmp_path / "adult.synth")
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("meta.json"))
        tensors = load_tensors(archive.read("weights.safetensors"))
    assert meta["format_version"] == 2 and meta["stages"] == ["calibrate", "reject", "redraw"]
    assert {name.split(".")[1] for name in tensors if name.startswith("stages.")} == {"0", "1", "2"}
    assert not [name for name in tensors if name.split(".")[0] in ("calibration", "realness", "conditionals")]
    assert _csv(TabularGAN.load(path).sample(SAMPLED_ROWS)) == _pinned("adult", "plain")
