"""Nothing lost to chance: `synthdata fit` and `sample` run again with the same seed give the same bytes.

Two separate processes fit the same file with the same seed and sample from their own
model: the sampled files are byte-identical, and so are the model weights. The model
files differ only in the training time they record.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from .conftest import run_cli


def _members(model: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(model) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _meta_without_time(model: Path) -> dict:
    meta = json.loads(_members(model)["meta.json"])
    del meta["training"]["seconds"]
    return meta


def test_fit_and_sample_again_give_the_same_bytes(model_folder, tmp_path):
    shutil.copy(model_folder / "table.csv", tmp_path / "table.csv")
    again = run_cli(tmp_path, "fit", "table.csv", "--epochs", "1", "--batch-size", "50", "-q")
    assert again.returncode == 0, again.stderr
    first, second = model_folder / "table.synth", tmp_path / "table.synth"
    assert _members(first)["weights.safetensors"] == _members(second)["weights.safetensors"]
    assert _meta_without_time(first) == _meta_without_time(second)

    outputs = []
    for folder in (model_folder, tmp_path):
        result = run_cli(folder, "sample", "-m", "table.synth", "-n", "3000", "--seed", "11", "-o", "again.csv", "-q")
        assert result.returncode == 0, result.stderr
        outputs.append((folder / "again.csv").read_bytes())
        (folder / "again.csv").unlink()
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 3001
