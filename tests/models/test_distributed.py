"""Data-parallel fits: two CPU processes under torchrun (gloo) learn what one process learns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from synthdata import TabularGAN

TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
# Both processes talk over loopback, whatever the machine's host name resolves to.
LOOPBACK = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def two_process_fit(tmp_path_factory, one_dimensional_frame) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path_factory.mktemp("distributed")
    one_dimensional_frame.to_csv(folder / "gauss.csv", index=False)
    command = [*TORCHRUN, "-m", "synthdata_cli", "fit", "gauss.csv", "--distributed"]
    command += ["--epochs", "40", "--batch-size", "200", "--quiet", "-o", "gauss.synth"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600, env=LOOPBACK)
    return result, folder / "gauss.synth"


def test_two_processes_learn_the_one_dimensional_check(two_process_fit):
    """The same bounds as the single-process check in test_tabular_gan.py."""
    result, model_path = two_process_fit
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count("wrote model") == 1, "only the first process writes"
    model = TabularGAN.load(model_path)
    assert model.training_["epochs_run"] == 40
    sample = model.sample(10_000)
    assert abs(sample["x"].mean() - 4.0) < 0.15
    assert abs(sample["x"].std() - 1.5) < 0.15
    assert abs((sample["group"] == "common").mean() - 0.9) < 0.03


def test_a_batch_that_does_not_split_into_packs_is_refused(tmp_path, one_dimensional_frame):
    one_dimensional_frame.head(500).to_csv(tmp_path / "gauss.csv", index=False)
    command = [*TORCHRUN, "-m", "synthdata_cli", "fit", "gauss.csv", "--distributed", "--batch-size", "30"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=LOOPBACK)
    assert result.returncode != 0
    assert "multiple of 20" in result.stderr
    assert not (tmp_path / "gauss.synth").exists()


def test_outside_torchrun_the_flag_says_how_to_start(tmp_path, one_dimensional_frame):
    one_dimensional_frame.head(100).to_csv(tmp_path / "gauss.csv", index=False)
    environment = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    result = subprocess.run(
        [sys.executable, "-m", "synthdata_cli", "fit", "gauss.csv", "--distributed", "--epochs", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=environment,
    )  # fmt: skip
    assert result.returncode == 1
    assert "torchrun --nproc-per-node N" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
