"""The privacy record a DP model carries (`privacy_`, stored in the model file)."""

from __future__ import annotations

from typing import Any

from synthdata.privacy.accountant import ACCOUNTANT_NAME, Mechanism, shares, total_epsilon
from synthdata.privacy.budget import PrivacyBudget

# What a DP fit leaves out, stated in the record so that nobody assumes otherwise.
SWITCHED_OFF = (
    "realness rejection (it trains on the real rows; off under DP, the two-column tables stand in for it); "
    "schema rule and dependency discovery (off unless declared, and declared constraints are refused)"
)
REDRAW_OFF = "; the categorical redraw (redraw=False, no categorical column, or too few rows to learn from)"
PAIRS_OFF = "; matching the two-column tables (refine=False, or fewer than two columns of two values or more)"
POST_PROCESSING = (
    "calibration to the released histograms (reads only what the releases published); the redraw network's "
    "value bins, input scaling and category shares (fitted on the releases; its weights are DP-SGD's); "
    "which pairs of columns are tabled (chosen on generated rows), their cells (cut on the releases) and the "
    "weights that keep rows to the released tables"
)
UNIT = "one row of the table (add/remove one row)"


def privacy_record(
    budget: PrivacyBudget,
    mechanisms: list[Mechanism],
    *,
    delta_threshold: float,
    public: str,
    redraws: bool,
    pairs: bool,
) -> dict[str, Any]:
    """epsilon and delta spent, the accountant, each mechanism with its share, and
    what was treated as public, and what was switched off (`redraws`: whether the
    redraw network was trained under DP; `pairs`: whether the two-column tables were
    released). The shares sum to `epsilon`; delta is the
    accountant's delta plus the unknown-domain release's `delta_threshold`."""
    accountant_delta = budget.delta - delta_threshold
    spent = shares(mechanisms, accountant_delta)
    return {
        "epsilon": round(total_epsilon(mechanisms, accountant_delta), 6),
        "delta": budget.delta,
        "epsilon_requested": budget.epsilon,
        "unit": UNIT,
        "accountant": ACCOUNTANT_NAME,
        "accountant_delta": accountant_delta,
        "threshold_delta": delta_threshold,
        "mechanisms": [
            {
                "name": m.name,
                "epsilon": round(spent[m.name], 6),
                "noise_multiplier": round(m.noise_multiplier, 6),
                "sample_rate": m.sample_rate,
                "steps": m.steps,
                "description": m.description,
            }
            for m in mechanisms
        ],
        "public": public,
        "switched_off": SWITCHED_OFF + ("" if redraws else REDRAW_OFF) + ("" if pairs else PAIRS_OFF),
        "post_processing": POST_PROCESSING,
    }
