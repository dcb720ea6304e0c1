"""The sampling stages by the names model files and `sample(stages=...)` use.

The order here is the order they are fitted and run in (see synthdata.models.pipeline);
each is fitted when its option of `TabularGAN` is on.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from synthdata.errors import SynthDataError
from synthdata.models.calibrate import Calibrate
from synthdata.models.pair_matching import MatchPairs
from synthdata.models.pipeline import SamplingStage
from synthdata.models.redraw import Redraw
from synthdata.models.reject import Reject
from synthdata.persist import prefixed
from synthdata.transform.table import DataTransformer

STAGES: dict[str, type[Calibrate] | type[Reject] | type[Redraw] | type[MatchPairs]] = {
    "calibrate": Calibrate,
    "reject": Reject,
    "redraw": Redraw,
    "pairs": MatchPairs,
}
# The option of TabularGAN that fits each stage. Matching the pair tables stands in for
# realness rejection under DP, where the classifier would read the rows outside any
# budget; a plain fit rejects by the classifier, which sees every pair and more.
STAGE_OPTIONS = {"calibrate": "calibrate", "reject": "refine", "redraw": "redraw", "pairs": "refine"}
# Stages only a DP fit runs (synthdata.privacy.fit_plan).
PRIVATE_STAGES = ("pairs",)


def checked_stage_names(names: Sequence[str], fitted: Sequence[str]) -> Sequence[str]:
    """`names`, when every one is a stage's; a model without a named stage runs the others."""
    unknown = [names] if isinstance(names, str) else [name for name in names if name not in STAGES]
    if unknown:
        raise SynthDataError(
            f"Unknown sampling stages {unknown}: give a sequence of names from {', '.join(STAGES)} "
            f"(this model has {', '.join(fitted) or 'none'})."
        )
    return names


def stage_tensors(stages: Sequence[SamplingStage]) -> dict[str, torch.Tensor]:
    """Every stage's tensors, the i-th stage's under `stages.<i>.`."""
    return {
        f"stages.{index}.{name}": value for index, stage in enumerate(stages) for name, value in stage.tensors().items()
    }


def loaded_stages(
    names: Sequence[str], tensors: dict[str, torch.Tensor], transformer: DataTransformer, device: torch.device
) -> list[SamplingStage]:
    """The stages `names` lists, from `tensors` named `<i>.<tensor>` (as `stage_tensors`
    writes them, less the `stages.` prefix); an unknown name is a KeyError."""
    stages: list[SamplingStage] = []
    for index, name in enumerate(names):
        stages.append(STAGES[name].from_tensors(prefixed(tensors, f"{index}."), transformer, device))
    return stages
