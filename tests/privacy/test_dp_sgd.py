"""Ghost clipping: the clipped gradient sum DP-SGD noises is the per-row one."""

from __future__ import annotations

import torch
from opacus.grad_sample import GradSampleModuleFastGradientClipping

from synthdata.models.ctgan import Critic
from synthdata.privacy.dp_sgd import backward_clipped

# Above the norm of most rows' gradients here, so that only some are clipped.
BOUND = 5.0


def test_each_rows_gradient_is_clipped_to_the_bound_before_the_sum():
    random = torch.Generator().manual_seed(0)
    critic = Critic(12, (16, 16), pac=1, dropout=0.0, generator=random).train()
    rows = torch.randn(30, 12, generator=random)
    rows[:10] *= 50.0  # rows whose gradient norm is far above the bound
    signs = torch.where(torch.arange(30) % 2 == 0, 1.0, -1.0)  # generated rows +score, real rows -score

    expected = [torch.zeros_like(p) for p in critic.parameters()]
    norms = []
    for row, sign in zip(rows, signs, strict=True):
        gradients = torch.autograd.grad(sign * critic(row[None]).sum(), list(critic.parameters()))
        norm = torch.sqrt(sum((g**2).sum() for g in gradients))
        norms.append(float(norm))
        for total, gradient in zip(expected, gradients, strict=True):
            total += gradient * min(1.0, BOUND / (float(norm) + 1e-6))
    assert sum(n > 2 * BOUND for n in norms) >= 5 and sum(n < BOUND for n in norms) >= 5

    private = GradSampleModuleFastGradientClipping(critic, loss_reduction="sum", max_grad_norm=BOUND)
    backward_clipped(private, signs * private(rows).squeeze(1))
    for parameter, total in zip(critic.parameters(), expected, strict=True):
        torch.testing.assert_close(parameter.grad, total, rtol=1e-4, atol=1e-5)
