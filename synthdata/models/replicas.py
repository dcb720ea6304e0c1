"""Data-parallel training: one replica of both networks per process of a torchrun job.

Every process reads the same table and fits the same encoders (same seed), so only
the networks need to agree. Their weights start as rank 0's, each process then draws
its own conditions, rows and noise for its share of the batch, and gradients are
averaged across processes before every optimizer step, as DistributedDataParallel
does. The averaging is done here, one flat all-reduce per network and step, rather
than by wrapping the networks in DistributedDataParallel, which documents that it
does not work with torch.autograd.grad, and the gradient penalty differentiates the
critic through it. The backend is NCCL on GPUs and gloo on CPUs.
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist
from torch import nn

from synthdata.errors import SynthDataError

_LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


class Replicas:
    """The processes of one data-parallel fit, seen from one of them."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.rank = dist.get_rank()
        self.world_size = dist.get_world_size()

    @classmethod
    def join(cls, device: torch.device) -> tuple[Replicas, torch.device]:
        """Join the job torchrun started (once per process); returns the replicas and
        this process's device (its own GPU on CUDA)."""
        missing = [name for name in _LAUNCH_VARIABLES if name not in os.environ]
        if missing and not dist.is_initialized():
            raise SynthDataError(
                f"A distributed fit runs under torchrun, which sets {', '.join(missing)}; start it "
                f"as `torchrun --nproc-per-node N -m synthdata_cli fit DATA --distributed`."
            )
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
            torch.cuda.set_device(device)
        if not dist.is_initialized():
            dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
        return cls(device), device

    @property
    def is_main(self) -> bool:
        """Whether this process reports progress and writes files."""
        return self.rank == 0

    def share_weights(self, *modules: nn.Module) -> None:
        """Give every replica rank 0's parameters and buffers."""
        for module in modules:
            for tensor in [*module.parameters(), *module.buffers()]:
                dist.broadcast(tensor.data, src=0)

    def average_gradients(self, module: nn.Module) -> None:
        """Replace each gradient by its mean over the replicas (one all-reduce)."""
        grads = [p.grad for p in module.parameters() if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([grad.reshape(-1) for grad in grads])
        dist.all_reduce(flat)
        flat /= self.world_size
        offset = 0
        for grad in grads:
            grad.copy_(flat[offset : offset + grad.numel()].view_as(grad))
            offset += grad.numel()

    def decide(self, choice: bool) -> bool:
        """Rank 0's choice, in every process (so all stop after the same epoch)."""
        flag = torch.tensor([float(choice)], device=self.device)
        dist.broadcast(flag, src=0)
        return bool(flag.item())

    def average(self, value: torch.Tensor) -> torch.Tensor:
        """The mean of a tensor over the replicas (for the losses each epoch reports)."""
        total = value.clone()
        dist.all_reduce(total)
        return total / self.world_size
