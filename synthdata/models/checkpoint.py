"""Training checkpoints: a long fit can stop and pick up where it left off.

A checkpoint is a file in the model format (a zip of JSON and safetensors, never a
pickle) holding both networks, both optimizers, the random generator's state and the
epoch reached. Resuming from it continues the very same run: the same seed and data
give the same model whether or not the fit was interrupted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from synthdata.errors import ModelFileError, SynthDataError
from synthdata.persist import load_model, prefixed, save_model

# The options a resumed fit may change: how long it trains, where, what it reports,
# and the sampling stages fitted after training; every other one changes the run.
RESUMABLE_OPTIONS = ("epochs", "max_time", "verbose", "device", "calibrate", "refine", "redraw")


def fit_fingerprint(data: pd.DataFrame, encoded_dim: int, options: dict[str, Any]) -> dict[str, Any]:
    """What a checkpoint records of its fit, so that only the same fit resumes from it:
    the table's shape, the encoding's width and the options of `TabularGAN.get_params`."""
    return {
        "rows": len(data),
        "columns": [str(name) for name in data.columns],
        "encoded_dim": encoded_dim,
        "options": {k: v for k, v in options.items() if k not in RESUMABLE_OPTIONS},
    }


def checkpoint_state(
    modules: dict[str, torch.nn.Module],
    optimizers: dict[str, torch.optim.Optimizer],
    random: torch.Generator,
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Split the training state into JSON-able metadata and named tensors."""
    tensors: dict[str, torch.Tensor] = {"random": random.get_state()}
    meta: dict[str, Any] = {"optimizers": {}}
    for name, module in modules.items():
        tensors.update({f"{name}.{key}": value for key, value in module.state_dict().items()})
    for name, optimizer in optimizers.items():
        state = optimizer.state_dict()
        for index, slots in state["state"].items():
            for slot, value in slots.items():
                tensors[f"{name}.state.{index}.{slot}"] = torch.as_tensor(value)
        meta["optimizers"][name] = state["param_groups"]
    return meta, tensors


def restore_state(
    meta: dict[str, Any],
    tensors: dict[str, torch.Tensor],
    modules: dict[str, torch.nn.Module],
    optimizers: dict[str, torch.optim.Optimizer],
    random: torch.Generator,
) -> None:
    """Load what `checkpoint_state` produced back into live objects."""
    random.set_state(tensors["random"])
    for name, module in modules.items():
        module.load_state_dict(prefixed(tensors, f"{name}."))
    for name, optimizer in optimizers.items():
        prefix = f"{name}.state."
        state: dict[int, dict[str, torch.Tensor]] = {}
        for key, value in tensors.items():
            if key.startswith(prefix):
                index, slot = key[len(prefix) :].split(".", 1)
                state.setdefault(int(index), {})[slot] = value
        optimizer.load_state_dict({"state": state, "param_groups": meta["optimizers"][name]})


def write_checkpoint(
    path: str | os.PathLike,
    *,
    fingerprint: dict[str, Any],
    epoch: int,
    state: tuple[dict[str, Any], dict[str, torch.Tensor]],
) -> Path:
    """Save the state after `epoch` epochs (atomically, like a model file)."""
    meta, tensors = state
    return save_model(path, {"checkpoint": {"fingerprint": fingerprint, "epoch": epoch, **meta}}, tensors)


def read_checkpoint(
    path: str | os.PathLike, *, fingerprint: dict[str, Any]
) -> tuple[int, dict[str, Any], dict[str, torch.Tensor]]:
    """(epochs done, metadata, tensors) of a checkpoint written for this same fit."""
    meta, tensors = load_model(path)
    checkpoint = meta.get("checkpoint")
    if not isinstance(checkpoint, dict):
        raise ModelFileError(f"{path} is a model file, not a training checkpoint.")
    if checkpoint.get("fingerprint") != fingerprint:
        raise SynthDataError(
            f"The checkpoint {path} belongs to a different fit (other data, schema or options); "
            f"delete it or fit without --resume."
        )
    return int(checkpoint["epoch"]), checkpoint, tensors
