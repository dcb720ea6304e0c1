"""Which torch device work runs on: one rule for training, sampling and evaluation."""

from __future__ import annotations

from typing import Literal

import torch

from synthdata.errors import SynthDataError

DeviceName = Literal["auto", "cpu", "cuda"] | str


def resolve_device(name: DeviceName) -> torch.device:
    """`auto` is CUDA when available, else the CPU; anything else as torch reads it."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise SynthDataError(f"Unknown device {name!r}; use auto, cpu or cuda.") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SynthDataError("device='cuda' was asked for, but no CUDA GPU is available.")
    return device
