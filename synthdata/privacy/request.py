"""Turning `TabularGAN(epsilon=...)` into a DP fit plan, or a clear refusal.

Opacus is the `dp` extra, so this module imports nothing of it: a plain install
imports, fits and samples, and only a fit that asks for epsilon loads the plan (and
with it Opacus), or says which extra to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.models.training import default_epochs, epoch_steps
from synthdata.schema import Schema

if TYPE_CHECKING:
    from synthdata.privacy.fit_plan import PrivateFit


def plan_private_fit(
    data: pd.DataFrame,
    schema: Schema | None,
    *,
    epsilon: float | None,
    delta: float | None,
    batch_size: int,
    epochs: int | None,
    resumable: bool,
    redraw: bool,
) -> PrivateFit | None:
    """The DP plan (schema, budget split, noise, epochs) when `epsilon` is set, else None."""
    if epsilon is None:
        return None
    if resumable:
        raise SynthDataError(
            "A DP fit (epsilon) runs in one process without checkpoints for now; drop --distributed/--checkpoint."
        )
    try:
        from synthdata.privacy.fit_plan import PrivateFit
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "opacus":
            raise
        raise SynthDataError(
            "A DP fit (epsilon) needs Opacus, which is not installed: pip install 'synthdata[dp]'."
        ) from None
    return PrivateFit.plan(
        data,
        schema,
        epsilon=epsilon,
        delta=delta,
        batch_size=batch_size,
        epochs=epochs,
        default_epochs=default_epochs(len(data), batch_size),
        steps_per_epoch=epoch_steps(len(data), batch_size),
        redraw=redraw,
    )
