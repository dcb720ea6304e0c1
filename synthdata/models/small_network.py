"""The small network every fitted sampling stage trains, and its training loop.

Rejection's classifier and the redraw's conditional network are the same kind of
model: an MLP on standardized row features, trained with Adam on real rows, the epoch
with the lowest validation loss kept, because an overfitted network judges rows by
how close they come to particular training rows rather than to the distribution.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from synthdata.models.ctgan import init_linear

HIDDEN = (256, 256)
BATCH_ROWS = 1024
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-5
VALIDATION_SHARE = 0.2
# Fewer real rows than this, and a network would learn the rows, not the
# distribution; its stage is then left out.
MIN_REAL_ROWS = 500
MAX_REAL_ROWS = 50_000


class SmallNetwork(nn.Module):
    """An MLP whose first `features_dim` inputs are standardized by `center` and
    `scale` (fitted on real rows) and whose other inputs pass as they are."""

    center: torch.Tensor
    scale: torch.Tensor

    def __init__(
        self,
        features_dim: int,
        extra_inputs: int,
        outputs: int,
        generator: torch.Generator | None = None,
        hidden: tuple[int, ...] = HIDDEN,
    ) -> None:
        super().__init__()
        self.register_buffer("center", torch.zeros(features_dim))
        self.register_buffer("scale", torch.ones(features_dim))
        layers: list[nn.Module] = []
        width = features_dim + extra_inputs
        for dim in hidden:
            layers += [nn.Linear(width, dim), nn.LeakyReLU(0.2)]
            width = dim
        layers.append(nn.Linear(width, outputs))
        self.net = nn.Sequential(*layers)
        if generator is not None:
            for layer in self.net:
                if isinstance(layer, nn.Linear):
                    init_linear(layer, generator)

    def standardize_on(self, real_features: torch.Tensor) -> None:
        """Fit `center` and `scale` to the real rows' features."""
        with torch.no_grad():
            self.center.copy_(real_features.mean(dim=0))
            self.scale.copy_(real_features.std(dim=0).clamp_min(1e-3))

    def run(self, features: torch.Tensor, extra: torch.Tensor | None = None) -> torch.Tensor:
        standardized = (features - self.center) / self.scale
        return self.net(standardized if extra is None else torch.cat([standardized, extra], dim=1))


def training_rows(encoded: torch.Tensor, random: torch.Generator) -> torch.Tensor | None:
    """The real rows a stage learns from: at most MAX_REAL_ROWS of `encoded`, in random
    order; None for fewer than MIN_REAL_ROWS."""
    if len(encoded) < MIN_REAL_ROWS:
        return None
    return encoded[torch.randperm(len(encoded), device=encoded.device, generator=random)[:MAX_REAL_ROWS]]


def adam(network: nn.Module, learning_rate: float = LEARNING_RATE) -> torch.optim.Adam:
    return torch.optim.Adam(network.parameters(), lr=learning_rate, weight_decay=WEIGHT_DECAY, fused=True)


def hidden_widths(state: dict[str, torch.Tensor]) -> tuple[int, ...]:
    """The hidden layer widths of a SmallNetwork from its state: every linear layer's
    output width but the last's."""
    weights = sorted((int(name.split(".")[1]), value) for name, value in state.items() if name.endswith(".weight"))
    return tuple(value.shape[0] for _, value in weights[:-1])


def train_keeping_best(
    network: nn.Module, epochs: int, train_epoch: Callable[[], None], validation_loss: Callable[[], float]
) -> None:
    """Run `epochs` calls of `train_epoch`, then keep the network's state after the one
    whose `validation_loss` (measured without gradients) was lowest."""
    best_loss, best_state = float("inf"), None
    for _ in range(epochs):
        network.train()
        train_epoch()
        network.eval()
        with torch.no_grad():
            loss = validation_loss()
        if loss < best_loss:
            best_loss = loss
            best_state = {name: value.clone() for name, value in network.state_dict().items()}
    if best_state is not None:
        network.load_state_dict(best_state)
