"""The critic trained with DP-SGD (Opacus): the part of GAN training that reads rows.

Each critic step draws a Poisson sample of rows (each row independently with
probability q = batch_size / n, as Opacus' DPDataLoader does), so the analysis of
the subsampled Gaussian mechanism applies. Opacus' ghost clipping
(GradSampleModuleFastGradientClipping) computes each row's gradient norm from a
layer's input and output gradient alone (||g|| * ||a|| for a linear layer) without
materialising a gradient per row; a second backward pass sums the rows' gradients,
each scaled by min(1, C / norm), which is per-row clipping to norm C exactly.
DPOptimizerFastGradientClipping adds N(0, (sigma*C)^2) noise and divides by the
expected batch size. On Adult a critic step costs a fifth of what materialised
per-row gradients (batch x weights, for every layer) cost.

Why the choices differ from a plain fit:
- Conditions of the real rows come from the drawn rows themselves (one discrete
  column picked uniformly, its value in that row), not from training-by-sampling:
  picking rows by category frequency makes a row's chance of being drawn depend on
  the other rows, which breaks amplification by subsampling.
- No PacGAN packing (pac = 1): with Poisson batches of varying size the packs, and
  so the gradient a row shares with others, would depend on which rows were drawn;
  with one row per critic input, clipping per input bounds one row's contribution.
- The gradient penalty is taken between generated rows only (pairs of generated
  rows, not real-fake mixes): the real-fake penalty reads real rows through a double
  backward, which Opacus' per-sample hooks do not support. The penalty reads no real
  row: its gradient is a function of the current critic, itself already private, so
  it is added unclipped.
- The generated rows' scores, though they read no real row either, are clipped per
  row like the real rows' (one Opacus pass over both): the two halves of the
  Wasserstein loss must keep their balance, and clipping only one of them tilts the
  critic towards scoring where generated rows lie. Their clipped gradients join the
  noised sum; one real row still moves that sum by at most C.
- The critic loss reported per epoch is the generated-row part only: the real rows'
  mean score would be a read of the rows without noise.
- Row sampling and noise come from a generator seeded by the operating system, never
  from the fit's `seed`: the seed is stored in the model file, and noise (or a
  sample) an attacker can regenerate protects nothing. A DP fit is therefore not
  reproducible from its seed; sampling from the fitted model still is.
- The generator's conditions, and those of generated rows, are drawn from the
  noisy category shares, never from real rows. The generator reads real data only
  through the private critic: post-processing.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import torch
from opacus.grad_sample import GradSampleModuleFastGradientClipping
from opacus.optimizers import DPOptimizerFastGradientClipping

from synthdata.models.ctgan import gradient_penalty
from synthdata.models.training import AdversarialTrainer

# Per-row gradient clipping bound C. The critic's output bias alone gives every row a
# gradient of norm 1, so every row's gradient is clipped: the sum noised is one of
# unit-norm directions, and its signal-to-noise ratio does not depend on C.
MAX_GRAD_NORM = 1.0


class PrivateAdversarialTrainer(AdversarialTrainer):
    """AdversarialTrainer whose critic steps are DP-SGD steps on Poisson batches."""

    def __init__(
        self,
        *args: object,
        noise_multiplier: float,
        sample_rate: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.secret = secret_generator(self.data.device)
        self.sample_rate = sample_rate
        self.noise_multiplier = noise_multiplier
        # The hooks sit on the critic's own layers: `self.critic` is the wrapped module.
        self.private_critic = GradSampleModuleFastGradientClipping(
            self.critic, loss_reduction="sum", max_grad_norm=MAX_GRAD_NORM, use_ghost_clipping=True
        )
        self.private_optimizer = DPOptimizerFastGradientClipping(
            self.critic_optimizer,
            noise_multiplier=noise_multiplier,
            max_grad_norm=MAX_GRAD_NORM,
            expected_batch_size=max(1, round(sample_rate * self.data.shape[0])),
            loss_reduction="mean",
            generator=self.secret,
        )
        self.codes = torch.stack(self.real_rows.codes, dim=1) if self.real_rows.codes else None

    def _critic_step(self) -> torch.Tensor:
        self.private_optimizer.zero_grad(set_to_none=True)
        parameters = [p for p in self.critic.parameters() if p.requires_grad]
        fake_input, penalty, penalty_gradients = self._generated_rows(parameters)
        drawn = torch.rand(self.data.shape[0], device=self.data.device, generator=self.secret) < self.sample_rate
        real = self.data[drawn]
        real_input = torch.cat([real, self._conditions_of(drawn.nonzero().squeeze(1))], dim=1)
        # Generated and real rows go through the same per-row clipping: clipping only the
        # real rows' gradients would shrink the "raise real scores" half of the
        # Wasserstein loss against an unclipped "lower generated scores" half, and the
        # critic would learn where generated rows are rather than where real ones are.
        scores = self.private_critic(torch.cat([fake_input, real_input], dim=0))
        fake_scores, real_scores = scores[: len(fake_input)], scores[len(fake_input) :]
        backward_clipped(self.private_critic, torch.cat([fake_scores, -real_scores]).squeeze(1))
        if self.private_optimizer.pre_step():
            for parameter, gradient in zip(parameters, penalty_gradients, strict=True):
                parameter.grad = gradient if parameter.grad is None else parameter.grad + gradient
            self.critic_optimizer.step()
        # The loss reported (progress, `training_["losses"]` in the model file) leaves out the
        # real rows' scores: their mean is an unnoised read of the batch.
        return (fake_scores.mean() + penalty).detach()

    def _generated_rows(
        self, parameters: list[torch.nn.Parameter]
    ) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        """A batch of generated critic inputs, and the gradient penalty between pairs of
        them with its gradient: terms that read no real row."""
        self.private_critic.disable_hooks()
        try:
            conditions = self.sampler.sample_for_training(self.batch_size, self.random, real_share=1.0)
            fake = self.activation(
                self.generator(torch.cat([self._noise(self.batch_size), conditions.vectors], dim=1)),
                self.config.gumbel_tau,
                self.random,
            )
            fake_input = torch.cat([fake, conditions.vectors], dim=1).detach()
            partner = fake_input[torch.randperm(len(fake_input), device=fake_input.device, generator=self.random)]
            penalty = gradient_penalty(self.critic, partner, fake_input, self.config.gradient_penalty, self.random)
            # the output layer's bias does not change the critic's slope: no penalty gradient
            gradients = torch.autograd.grad(penalty, parameters, allow_unused=True)
            zeros = [torch.zeros_like(p) if g is None else g for p, g in zip(parameters, gradients, strict=True)]
            return fake_input, penalty, zeros
        finally:
            self.private_critic.enable_hooks()

    def _conditions_of(self, rows: torch.Tensor) -> torch.Tensor:
        """Each drawn row's condition vector: one discrete column picked uniformly, set
        to the row's own category in it."""
        vectors = torch.zeros(len(rows), self.sampler.dim, device=self.data.device)
        if self.codes is None:
            return vectors
        columns = torch.randint(self.sampler.n_columns, (len(rows),), device=rows.device, generator=self.secret)
        categories = self.codes[rows, columns]
        vectors[torch.arange(len(rows), device=rows.device), self.sampler.offsets[columns] + categories] = 1.0
        return vectors

    def _generator_step(self) -> torch.Tensor:
        self.private_critic.disable_hooks()
        try:
            return super()._generator_step()
        finally:
            self.private_critic.enable_hooks()


def backward_clipped(private: GradSampleModuleFastGradientClipping, row_losses: torch.Tensor) -> None:
    """Leave in each parameter's `.grad` the sum over rows of that row's gradient of
    its own loss, clipped to the module's bound C: the first backward pass lets the
    hooks record every row's gradient norm, the second sums the gradients scaled by
    min(1, C / norm). The optimizer then adds the noise."""
    with warnings.catch_warnings():
        # The inputs (real rows) need no gradient, which Opacus' full backward hooks warn about.
        warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
        row_losses.sum().backward(retain_graph=True)
        clipping = private.get_clipping_coef()
        private.zero_grad(set_to_none=True)
        private.disable_hooks()
        try:
            (clipping * row_losses).sum().backward()
        finally:
            private.enable_hooks()


def secret_generator(device: torch.device) -> torch.Generator:
    """A torch generator seeded from the operating system's entropy."""
    return torch.Generator(device=device).manual_seed(int.from_bytes(os.urandom(8), "little") >> 1)
