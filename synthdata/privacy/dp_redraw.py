"""The categorical redraw network trained with DP-SGD: relationships the DP critic misses.

Under DP-SGD the GAN's critic learns each column's shape but hardly any dependence
between columns (Adult at epsilon 1: TSTR accuracy below the majority-class rate).
Predicting one category from the rest of a row is a supervised task, far easier to
learn through clipped, noised gradients than a critic's two-sided game, and the
redraw stage (synthdata.models.redraw) then puts what it learned into every sampled
row. So under DP the redraw network is trained on the conformed real rows by DP-SGD,
on its own share of the budget, and charged as a mechanism of its own.

The analysis is the critic's (synthdata.privacy.dp_sgd): each step draws a Poisson
sample of rows (each row independently with probability q), each drawn row is one
example with one asked column picked uniformly at random (so a row is one input of
the network, and clipping its gradient to C bounds its whole contribution), and
Gaussian noise of standard deviation sigma * C is added to the summed gradients.
No validation split decides which epoch to keep (that would read rows without
noise): the network after the last step is kept.

Everything else the stage fits reads only the releases, so it is post-processing:
the value bins and input standardization are fitted on the pseudo table drawn from
the noisy histograms, and so are the category shares the slot offsets aim at
(`Conditionals.balance`), on rows the generator draws.
"""

from __future__ import annotations

import torch
from opacus.grad_sample import GradSampleModuleFastGradientClipping
from opacus.optimizers import DPOptimizerFastGradientClipping

from synthdata.models.pipeline import FIT_ROWS, EarlierStages
from synthdata.models.redraw import Conditionals, Redraw, conditional_loss, untrained_conditionals
from synthdata.models.small_network import adam
from synthdata.privacy.dp_sgd import MAX_GRAD_NORM, backward_clipped, secret_generator
from synthdata.privacy.request import private_batch_size
from synthdata.transform.table import DataTransformer

# Rows per DP-SGD step on average, passes over the rows, the network's hidden widths
# and Adam's learning rate. Adult at epsilon 0.3 for this network alone (noise 6.2,
# 127 steps), income predicted on the real hold-out (majority class: 0.759): the plain
# fit's network (256, 256) at 1e-3 learned nothing (0.759, 288 s on a loaded 2-core
# machine); one hidden layer of 64 at 1e-2 reached 0.811 in 40 s (0.829 at epsilon
# 0.5); twice the batch and the epochs at 2e-2, 0.809. Fewer weights carry less noise,
# and through noise a small step size hardly moves them.
EXPECTED_BATCH = 1024
EPOCHS = 5
HIDDEN = (64,)
LEARNING_RATE = 1e-2


class PrivateRedraw(Redraw):
    """The redraw stage fitted under DP: its network by DP-SGD on the real rows, the
    rest on `releases` (encoded rows of the pseudo table)."""

    def __init__(
        self,
        transformer: DataTransformer,
        device: torch.device,
        *,
        releases: torch.Tensor,
        noise_multiplier: float,
        sample_rate: float,
        steps: int,
    ) -> None:
        super().__init__(transformer, device)
        self.releases = releases
        self.noise_multiplier = noise_multiplier
        self.sample_rate = sample_rate
        self.steps = steps

    def fit(self, earlier: EarlierStages, real: torch.Tensor, random: torch.Generator) -> bool:
        conditionals = untrained_conditionals(self.releases, self.transformer, random, HIDDEN)
        train_private(conditionals, real, self.noise_multiplier, self.sample_rate, self.steps)
        conditionals.balance(earlier.rows(earlier.draws_for(FIT_ROWS), random), self.releases, random)
        self.state = conditionals
        return True


def train_private(
    conditionals: Conditionals, real: torch.Tensor, noise_multiplier: float, sample_rate: float, steps: int
) -> None:
    """`steps` DP-SGD steps of the conditional network on Poisson samples of `real`."""
    network = conditionals.network.train()
    secret = secret_generator(real.device)
    # The hooks sit on the network's own layers, which `conditional_loss` runs.
    private = GradSampleModuleFastGradientClipping(network, loss_reduction="sum", max_grad_norm=MAX_GRAD_NORM)
    optimizer = DPOptimizerFastGradientClipping(
        adam(network, LEARNING_RATE),
        noise_multiplier=noise_multiplier,
        max_grad_norm=MAX_GRAD_NORM,
        expected_batch_size=max(1, round(sample_rate * len(real))),
        loss_reduction="mean",
        generator=secret,
    )
    n_columns = len(conditionals.spans)
    for _ in range(steps):
        drawn = (torch.rand(len(real), device=real.device, generator=secret) < sample_rate).nonzero().squeeze(1)
        columns = torch.randint(n_columns, (len(drawn),), device=real.device, generator=secret)
        optimizer.zero_grad(set_to_none=True)
        backward_clipped(private, conditional_loss(conditionals, real[drawn], columns, "none"))
        optimizer.step()
    private.remove_hooks()
    network.eval()


def redraw_plan(rows: int) -> tuple[float, int]:
    """The sample rate and number of steps of the redraw network's DP-SGD."""
    sample_rate = min(private_batch_size(EXPECTED_BATCH, rows) / rows, 1.0)
    return sample_rate, max(1, round(EPOCHS / sample_rate))
