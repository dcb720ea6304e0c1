"""Fit systems one after another, each in its own child process, and score each one's rows.

The parent writes the training rows once; each child (systems.py) fits one system,
times it and writes back its timings and a synthetic table as large as the training
rows, which the parent then scores against the same split. The load average is read
before and after each child, since on a shared machine it is what tells whether a
time can be trusted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from data_split import SEED, Split
from machine import load_average
from scoring import score_synthetic

SYSTEMS_SCRIPT = Path(__file__).resolve().parent / "systems.py"


def gan_architecture(epochs: int) -> dict:
    """ctgan's defaults at `epochs`, spelled out so that both GANs get the same ones even if a default changes."""
    return {
        "epochs": epochs,
        "batch_size": 500,
        "pac": 10,
        "embedding_dim": 128,
        "generator_dims": [256, 256],
        "critic_dims": [256, 256],
    }


class Lineup:
    """Runs systems on one split, on one device; child files go to `workdir`."""

    def __init__(self, split: Split, *, device: str, workdir: Path) -> None:
        self.split = split
        self.device = device
        self.workdir = workdir
        self.train_path = workdir / "train.pkl"
        split.train.to_pickle(self.train_path)

    def run(self, name: str, system: str, settings: dict, *, timed_sample_rows: list[int] = ()) -> dict:
        """Fit `system` with `settings` in a child, time sampling `timed_sample_rows`, score its rows."""
        spec = {
            "system": system,
            "settings": settings,
            "device": self.device,
            "seed": SEED,
            "timed_sample_rows": list(timed_sample_rows),
            "scored_rows": len(self.split.train),
            "train_path": str(self.train_path),
            "sample_path": str(self.workdir / f"{name}.sample.pkl"),
            "result_path": str(self.workdir / f"{name}.result.json"),
        }
        spec_path = self.workdir / f"{name}.spec.json"
        spec_path.write_text(json.dumps(spec))
        print(f"[{time.strftime('%H:%M:%S')}] {name}: fitting {system} {settings}", file=sys.stderr, flush=True)
        load_before = load_average()
        started = time.perf_counter()
        child = subprocess.run([sys.executable, str(SYSTEMS_SCRIPT), str(spec_path)], check=False)
        if child.returncode != 0:
            raise SystemExit(
                f"{name}: the {system} child failed with exit code {child.returncode}; its output is above."
            )
        result = json.loads(Path(spec["result_path"]).read_text())
        result.update(
            system=system,
            settings=settings,
            child_wall_seconds=time.perf_counter() - started,
            load_average_before=load_before,
            load_average_after=load_average(),
        )
        result.update(epoch_summary(result.get("epoch_seconds")))
        print(f"[{time.strftime('%H:%M:%S')}] {name}: scoring", file=sys.stderr, flush=True)
        result["scores"] = score_synthetic(self.split, self.sample_of(name))
        return result

    def sample_of(self, name: str) -> pd.DataFrame:
        """The rows the child of `name` sampled (after `run`)."""
        return pd.read_pickle(self.workdir / f"{name}.sample.pkl")


def epoch_summary(epoch_seconds: list[float] | None) -> dict:
    """Epochs run and seconds per epoch: the mean, and the mean without the first (warm-up) epoch."""
    if not epoch_seconds:
        return {"epochs_run": None, "seconds_per_epoch": None, "seconds_per_epoch_after_first": None}
    seconds = np.asarray(epoch_seconds)
    return {
        "epochs_run": len(seconds),
        "seconds_per_epoch": float(seconds.mean()),
        "seconds_per_epoch_after_first": float(seconds[1:].mean()) if len(seconds) > 1 else None,
        "epoch_seconds": [round(value, 4) for value in seconds.tolist()],
    }
