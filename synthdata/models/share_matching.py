"""Giving sampled rows the real table's share of every category slot.

Each sampling stage moves the shares of the slots it touches: the generator gets them
only roughly right, rejection keeps some categories more often than others, and a
redraw's average prediction can miss a category with many siblings. Every stage fixes
its own shift the same way, by iterative proportional fitting (IPF) of one offset per
slot on quantities computed once, the offsets bounded so that a slot the stage can
hardly produce stays rare instead of taking over every row:

- `softmax_shift` for a stage that draws a slot from logits (calibration offsets on
  the generator's logits, the redraw's offsets on its network's): the mean softmax of
  every span equals the target; one margin per span, so IPF is the fixed-point update
  `shift += log(target) - log(share)`.
- `acceptance_shift` for a stage that keeps rows with a probability (rejection): the
  kept share of every slot equals the target, where a slot's offset is added to the
  log-acceptance of every row holding it. Spans share rows, so IPF sweeps them one at
  a time.
"""

from __future__ import annotations

import torch

from synthdata.models.ctgan import OutputActivation

ITERATIONS = 50
TOLERANCE = 1e-4
# Offsets on the generator's logits stay within this many nats.
MAX_OFFSET = 10.0
# How far a stage fitted after the generator (rejection, the redraw) may move a logit.
MAX_BIAS = 3.0
# A slot the real table never holds (an empty mixture component) is switched off.
ABSENT = -30.0
ACCEPTANCE_ITERATIONS = 30
ACCEPTANCE_TOLERANCE = 1e-3


def real_shares(encoded: torch.Tensor, activation: OutputActivation) -> torch.Tensor:
    """The share of `encoded` rows holding each one-hot slot, padded as (spans, width)."""
    return encoded.mean(dim=0)[activation.padded_index].masked_fill(~activation.mask, 0.0)


def softmax_shift(
    logits: torch.Tensor, mask: torch.Tensor, target: torch.Tensor, max_offset: float = MAX_OFFSET
) -> torch.Tensor:
    """Shifts, padded as (spans, width), that make the mean softmax of every span of
    `logits` (rows, spans, width; -inf past a span's slots in `mask`) equal `target`."""
    present = (target > 0) & mask
    shift = torch.where(present, 0.0, ABSENT)
    for _ in range(ITERATIONS):
        shares = torch.softmax(logits + shift, dim=-1).mean(dim=0)
        update = torch.log(target.clamp_min(1e-12)) - torch.log(shares.clamp_min(1e-12))
        update = torch.where(present, update, 0.0)
        # a span's softmax ignores a common shift: pin its mean, keeping offsets small
        shift = (shift + update - _masked_mean(shift + update, present)).clamp(-max_offset, max_offset)
        shift = torch.where(present, shift, ABSENT)
        if float(update.abs().max()) < TOLERANCE:
            break
    return shift


def acceptance_shift(log_acceptance: torch.Tensor, slots: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Offsets, padded as (spans, width) like `target`, that make the share of every
    slot among rows kept with probability `exp(min(0, log_acceptance + offsets of the
    row's slots))` equal `target`; `slots` is each row's slot in each span, (spans, rows)."""
    present = target > 0
    bias = torch.zeros_like(target)
    row_bias = torch.zeros_like(log_acceptance)  # each row's sum of the offsets of its slots
    for _ in range(ACCEPTANCE_ITERATIONS):
        largest = 0.0
        for span in range(target.shape[0]):
            kept = torch.exp((log_acceptance + row_bias).clamp_max(0.0))
            shares = target.new_zeros(target.shape[1]).index_add_(0, slots[span], kept)
            shares /= kept.sum().clamp_min(1e-12)
            update = torch.where(present[span] & (shares > 0), target[span].log() - shares.clamp_min(1e-12).log(), 0.0)
            moved = (bias[span] + update).clamp(-MAX_BIAS, MAX_BIAS) - bias[span]
            bias[span] += moved
            row_bias += moved[slots[span]]
            largest = max(largest, float(update.abs().max()))
        if largest < ACCEPTANCE_TOLERANCE:
            break
    return bias


def _masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    total = torch.where(mask, values, 0.0).sum(dim=-1, keepdim=True)
    return total / mask.sum(dim=-1, keepdim=True).clamp_min(1)
