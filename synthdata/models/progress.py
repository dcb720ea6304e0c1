"""Progress on a terminal: the training bar and one-line notes for the stages' fits.
Quiet when `verbose` is off or stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

from tqdm.auto import tqdm

from synthdata.models.training import AdversarialTrainer, EpochReport


def show_progress(verbose: bool) -> bool:
    """Whether to draw progress at all."""
    return verbose and sys.stderr.isatty()


class Phase:
    """A one-line progress note for a step that has no natural count."""

    def __init__(self, description: str, verbose: bool) -> None:
        self.bar = tqdm(total=1, desc=description, disable=not show_progress(verbose), leave=False)

    def __enter__(self) -> Phase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.update(1)
        self.bar.close()


def train_with_progress(
    trainer: AdversarialTrainer,
    epochs: int,
    *,
    start_epoch: int,
    max_seconds: float | None,
    verbose: bool,
    save_every: int | None,
    save: Callable[[int], object],
) -> list[EpochReport]:
    """Train from `start_epoch` to `epochs` under a progress bar, calling `save(epochs
    done)` every `save_every` epochs and after the last."""
    with tqdm(
        total=epochs, initial=start_epoch, desc="Training", unit="epoch", disable=not show_progress(verbose)
    ) as bar:

        def report(epoch: EpochReport) -> None:
            bar.set_postfix(
                G=f"{epoch.generator_loss:.3f}",
                D=f"{epoch.critic_loss:.3f}",
                rows_s=f"{epoch.rows_per_second:,.0f}",
            )
            bar.update(1)
            done = epoch.epoch + 1
            if save_every is not None and (done % save_every == 0 or done == epochs):
                save(done)

        return trainer.train(epochs, start_epoch=start_epoch, max_seconds=max_seconds, on_epoch=report)
