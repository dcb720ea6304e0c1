"""The adversarial training loop: critic step, generator step, epochs, time budget.

The encoded table, the condition sampler and both networks live on one device; an
epoch makes no host round trip except one at its end to report the mean losses.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from synthdata.errors import SynthDataError
from synthdata.models.checkpoint import checkpoint_state, restore_state
from synthdata.models.condition_vectors import ConditionBatch, ConditionSampler, RealRowIndex
from synthdata.models.ctgan import Critic, Generator, NetworkConfig, OutputActivation, gradient_penalty
from synthdata.models.replicas import Replicas
from synthdata.transform.table import Span

# Training length when no epoch count is given: enough epochs for this many optimizer
# steps, since a GAN learns per step, not per pass over the rows. Adult (26,048 rows in
# batches of 500) gets 49 epochs; with everything fitted after training, the whole fit
# took 90-164 s on 2 CPU cores over the paired runs the README lists, about as long as
# MOSTLY AI's engine took there in the same runs (96-175 s); at a learning rate of 1e-3
# they give what 100 epochs at 2e-4 gave in 272 s (quality 0.988 / 0.986, detection AUC
# 0.650 / 0.652, before the realness classifier read value bins); 300 epochs at 2e-4
# reach 0.620, in 1,450 s. A small table gets many epochs of one or two steps:
# ma_1462's 1,169 training patients, 1,250 epochs in 137 s, detection AUC 0.578 and
# quality 0.851, where 300 epochs gave 0.787 and 0.832, 600 gave 0.741.
DEFAULT_STEPS = 2_500
# ...but no more passes over the rows than that patients fit made (1,069): each pass
# brings generated rows nearer the training rows (there the DCR 5th-percentile ratio
# fell from 1.95 at 300 epochs to 0.79), and a table of 111 rows would otherwise see
# each row 11,000 times, in 3 minutes. It gets 244 steps instead.
MAX_DEFAULT_PASSES = 1_100


def epoch_steps(rows: int, batch_size: int) -> int:
    """Optimizer steps in one epoch: a batch is drawn, not sliced, so a table smaller
    than one batch still trains a step an epoch."""
    return max(rows // batch_size, 1)


def default_epochs(rows: int, batch_size: int) -> int:
    """Epochs for a fit of `rows` rows in batches of `batch_size` when none were asked
    for: DEFAULT_STEPS steps, at most MAX_DEFAULT_PASSES passes over the rows."""
    steps = epoch_steps(rows, batch_size)
    passes_per_epoch = steps * batch_size / rows
    most = max(1, math.floor(MAX_DEFAULT_PASSES / passes_per_epoch))
    return min(math.ceil(DEFAULT_STEPS / steps), most)


@dataclass
class EpochReport:
    """Mean losses of one epoch and its throughput, for progress and history."""

    epoch: int
    generator_loss: float
    critic_loss: float
    seconds: float
    rows_per_second: float


def training_record(epochs: int, history: list[EpochReport], device: torch.device) -> dict[str, Any]:
    """The run as `training_` and the model file keep it: epochs planned and run, seconds
    spent, the device, and each epoch's (generator, critic) losses."""
    return {
        "epochs": epochs,
        "epochs_run": len(history),
        "seconds": round(sum(epoch.seconds for epoch in history), 3),
        "device": str(device),
        "losses": [[round(e.generator_loss, 5), round(e.critic_loss, 5)] for e in history],
    }


class AdversarialTrainer:
    """Owns the networks, their optimizers and the sampler for one fit."""

    def __init__(
        self,
        encoded: torch.Tensor,
        spans: list[Span],
        *,
        config: NetworkConfig,
        batch_size: int,
        generator: torch.Generator,
        replicas: Replicas | None = None,
        category_counts: list[torch.Tensor] | None = None,
    ) -> None:
        """`category_counts` replaces the real count of each category slot, which the
        conditions are drawn by (a DP fit passes noisy counts)."""
        device = encoded.device
        self.data = encoded
        self.config = config
        self.replicas = replicas
        world_size = replicas.world_size if replicas is not None else 1
        # Each replica draws its share of the batch; the batch the optimizer sees is the whole.
        self.batch_size = batch_size // world_size
        if self.batch_size == 0 or self.batch_size % config.pac != 0:
            raise SynthDataError(
                f"batch_size {batch_size} over {world_size} processes gives {self.batch_size} rows "
                f"each, which must be a positive multiple of pac ({config.pac}); use a batch size "
                f"that is a multiple of {config.pac * world_size}."
            )
        self.random = generator
        category_spans = [span for span in spans if span.kind == "category"]
        self.real_rows = RealRowIndex(encoded, category_spans)
        self.category_counts = category_counts if category_counts is not None else self.real_rows.counts
        self.sampler = ConditionSampler(category_spans, self.category_counts, device)
        self.activation = OutputActivation(spans, device)
        data_dim = encoded.shape[1]
        self.generator = Generator(
            config.embedding_dim + self.sampler.dim, config.generator_dims, data_dim, generator
        ).to(device)
        self.critic = Critic(
            data_dim + self.sampler.dim, config.critic_dims, config.pac, config.critic_dropout, generator
        ).to(device)
        # The fused Adam updates every tensor in one kernel: 6-8% of an Adult epoch on 2 CPU cores.
        adam = functools.partial(
            torch.optim.Adam, lr=config.learning_rate, betas=config.betas, weight_decay=config.weight_decay, fused=True
        )
        self.generator_optimizer = adam(self.generator.parameters())
        self.critic_optimizer = adam(self.critic.parameters())
        self.steps_per_epoch = epoch_steps(encoded.shape[0], batch_size)
        self.rows_per_step = batch_size
        self.real_share = 0.0
        if replicas is not None:
            replicas.share_weights(self.generator, self.critic)
            # Same weights everywhere, then different draws in every process.
            seed = np.random.SeedSequence([generator.initial_seed(), replicas.rank]).generate_state(2)
            generator.manual_seed(int(seed[0]) << 32 | int(seed[1]))

    def _noise(self, batch: int) -> torch.Tensor:
        return torch.randn(batch, self.config.embedding_dim, device=self.data.device, generator=self.random)

    def _conditions(self) -> ConditionBatch:
        return self.sampler.sample_for_training(self.batch_size, self.random, self.real_share, pack=self.config.pac)

    def _critic_step(self) -> torch.Tensor:
        conditions = self._conditions()
        raw = self.generator(torch.cat([self._noise(self.batch_size), conditions.vectors], dim=1))
        fake = self.activation(raw, self.config.gumbel_tau, self.random)
        real = self.data[self.real_rows.draw(conditions, self.random)]
        fake_input = torch.cat([fake, conditions.vectors], dim=1).detach()
        real_input = torch.cat([real, conditions.vectors], dim=1)
        # One critic pass over real and fake packs together: packs never mix, and one
        # larger matmul costs less than two small ones.
        scores = self.critic(torch.cat([fake_input, real_input], dim=0))
        fake_scores, real_scores = scores.chunk(2)
        wasserstein = fake_scores.mean() - real_scores.mean()
        penalty = gradient_penalty(self.critic, real_input, fake_input, self.config.gradient_penalty, self.random)
        loss = wasserstein + penalty
        self._step(self.critic, self.critic_optimizer, loss)
        return loss.detach()

    def _generator_step(self) -> torch.Tensor:
        conditions = self._conditions()
        raw = self.generator(torch.cat([self._noise(self.batch_size), conditions.vectors], dim=1))
        fake = self.activation(raw, self.config.gumbel_tau, self.random)
        score = self.critic(torch.cat([fake, conditions.vectors], dim=1)).mean()
        loss = -score + self.activation.condition_loss(raw, conditions.columns, conditions.categories)
        self._step(self.generator, self.generator_optimizer, loss)
        return loss.detach()

    def _step(self, module: torch.nn.Module, optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.replicas is not None:
            self.replicas.average_gradients(module)
        optimizer.step()

    def run_epoch(self, epoch: int) -> EpochReport:
        """One pass of `steps_per_epoch` critic and generator steps."""
        self.generator.train()
        self.critic.train()
        started = time.perf_counter()
        generator_total = torch.zeros((), device=self.data.device)
        critic_total = torch.zeros((), device=self.data.device)
        for _ in range(self.steps_per_epoch):
            critic_total += self._critic_step()
            generator_total += self._generator_step()
        if self.replicas is not None:
            generator_total = self.replicas.average(generator_total)
            critic_total = self.replicas.average(critic_total)
        seconds = time.perf_counter() - started
        rows = self.steps_per_epoch * self.rows_per_step
        return EpochReport(
            epoch=epoch,
            generator_loss=float(generator_total) / self.steps_per_epoch,
            critic_loss=float(critic_total) / self.steps_per_epoch,
            seconds=seconds,
            rows_per_second=rows / max(seconds, 1e-9),
        )

    def _set_condition_mix(self, epoch: int, epochs: int) -> None:
        """Move the training conditions from log-frequency to real frequency.

        Log-frequency conditions train rare categories, but the critic then compares
        against a table where rare categories are over-represented, and a generator
        that follows its condition vector only partly drifts towards that table
        (Adult, 30 epochs: the share of income >50K rose from 0.24 to 0.28). Ending
        on real frequencies makes the last epochs match the real table."""
        self.real_share = epoch / max(epochs - 1, 1)

    def _set_learning_rate(self, epoch: int, epochs: int) -> None:
        """Cosine decay to a tenth of the base rate: GAN weights orbit the equilibrium
        at a fixed rate, and a shrinking step size lets the last epochs settle."""
        progress = epoch / max(epochs - 1, 1)
        scale = 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress))
        for optimizer in (self.generator_optimizer, self.critic_optimizer):
            for group in optimizer.param_groups:
                group["lr"] = self.config.learning_rate * scale

    def state(self) -> tuple[dict, dict[str, torch.Tensor]]:
        """Everything a checkpoint needs to continue this run exactly."""
        return checkpoint_state(self._modules(), self._optimizers(), self.random)

    def restore(self, meta: dict, tensors: dict[str, torch.Tensor]) -> None:
        """Continue from a checkpoint written by `state`."""
        restore_state(meta, tensors, self._modules(), self._optimizers(), self.random)

    def _modules(self) -> dict[str, torch.nn.Module]:
        return {"generator": self.generator, "critic": self.critic}

    def _optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"generator_optimizer": self.generator_optimizer, "critic_optimizer": self.critic_optimizer}

    def train(
        self,
        epochs: int,
        *,
        start_epoch: int = 0,
        max_seconds: float | None = None,
        on_epoch: Callable[[EpochReport], None] | None = None,
    ) -> list[EpochReport]:
        """Run epochs `start_epoch`..`epochs`-1, stopping early once `max_seconds` is spent."""
        history: list[EpochReport] = []
        started = time.perf_counter()
        for epoch in range(start_epoch, epochs):
            self._set_learning_rate(epoch, epochs)
            self._set_condition_mix(epoch, epochs)
            report = self.run_epoch(epoch)
            history.append(report)
            if on_epoch is not None:
                on_epoch(report)
            spent = max_seconds is not None and time.perf_counter() - started >= max_seconds
            if self.replicas is not None:
                spent = self.replicas.decide(spent)
            if spent:
                break
        return history
