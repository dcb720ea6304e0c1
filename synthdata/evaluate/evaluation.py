"""`evaluate`: compare a synthetic table with the real one it stands for, and return a Report.

It ties the metrics together in the order a reader wants them: fidelity (column
shapes and pair trends, as SDMetrics computes them), detection, utility when a target
is named, privacy when a real hold-out is given. Each metric that caps its rows draws
its subsample from its own child of `seed`, so adding a metric never changes another's
numbers, and the caps are written into `report.settings`.
"""

from __future__ import annotations

import sys
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from synthdata.device import resolve_device
from synthdata.errors import SynthDataError
from synthdata.evaluate.column_shapes import column_shapes
from synthdata.evaluate.detection import DETECTION_ROWS, MIN_DETECTION_ROWS, detect
from synthdata.evaluate.kinds import MetricKind, evaluated_columns, metric_kinds, prepare_table
from synthdata.evaluate.pairs import PAIR_SUBSAMPLE_ROWS, column_pair_trends, trend_averages
from synthdata.evaluate.privacy import QUERY_ROWS, REFERENCE_ROWS, exact_copy_rate, measure_privacy
from synthdata.evaluate.profiles import profile_columns
from synthdata.evaluate.report import Report
from synthdata.evaluate.utility import UTILITY_ROWS, Utility, train_synthetic_test_real
from synthdata.schema import Schema
from synthdata.version import __version__

_TEST_SHARE = 0.2


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    schema: Schema | None = None,
    target: str | None = None,
    holdout: pd.DataFrame | None = None,
    seed: int | np.random.Generator = 0,
    detection: Literal["hgb", "logistic"] = "hgb",
    device: str | torch.device = "auto",
    verbose: bool = True,
) -> Report:
    """Measure how faithful, useful and private `synthetic` is with respect to `real`.

    `schema` decides which columns are compared and how (inferred from `real` when
    None; id, Faker, text, constant and reference columns are skipped). With `target`,
    a model trained on synthetic rows is tested on real rows (`holdout`, or else 20% of
    `real` set aside; the generator may have seen those). With `holdout`, real rows the
    generator never saw, synthetic rows' distances to `real` are compared with theirs.
    `detection` picks the classifier ("hgb" gradient boosting or "logistic");
    `device` runs the distance computations ("auto": the GPU when there is one).
    """
    if detection not in ("hgb", "logistic"):
        raise SynthDataError(f"detection={detection!r} is not a detection model; use 'hgb' or 'logistic'.")
    device = resolve_device(str(device))
    for role, frame in (("real", real), ("synthetic", synthetic), ("holdout", holdout)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise SynthDataError(f"The {role} table must be a pandas DataFrame, got {type(frame).__name__}.")
    columns = evaluated_columns(real, schema)
    kinds = metric_kinds(columns)
    real_table = prepare_table(real, columns, role="real")
    synthetic_table = prepare_table(synthetic, columns, role="synthetic")
    holdout_table = None if holdout is None else prepare_table(holdout, columns, role="holdout")
    for role, table in (("real", real_table), ("synthetic", synthetic_table)):
        if len(table) < MIN_DETECTION_ROWS:
            raise SynthDataError(
                f"The {role} table has {len(table)} row{'' if len(table) == 1 else 's'}; evaluate needs at least "
                f"{MIN_DETECTION_ROWS} in each table (detection is cross-validated over {MIN_DETECTION_ROWS} "
                "folds); give it more rows."
            )
    pair_seed, detection_seed, utility_seed, privacy_seed = np.random.default_rng(seed).spawn(4)
    stages = 3 + (target is not None) + (holdout is not None)
    # Shown only past two seconds, and only to a person at a terminal.
    progress = tqdm(
        total=stages, desc="evaluate", unit="stage", delay=2.0, leave=False,
        disable=not (verbose and sys.stderr.isatty()),
    )  # fmt: skip
    settings: dict[str, Any] = {
        "synthdata_version": __version__,
        "real_rows": len(real_table),
        "synthetic_rows": len(synthetic_table),
        "pair_subsample_rows": PAIR_SUBSAMPLE_ROWS,
        "detection_model": detection,
    }
    with progress:
        utility = None
        if target is not None:
            # first: it is the stage whose checks of the user's tables can still fail
            progress.set_postfix_str("utility")
            utility = _utility(real_table, synthetic_table, holdout_table, kinds, target, utility_seed)
            progress.update()
        progress.set_postfix_str("column shapes")
        shapes = column_shapes(real_table, synthetic_table, kinds)
        profiles = profile_columns(real_table, synthetic_table, kinds)
        progress.update()
        progress.set_postfix_str("pair trends")
        pairs = column_pair_trends(real_table, synthetic_table, kinds, seed=pair_seed)
        progress.update()
        progress.set_postfix_str("detection")
        found = detect(
            real_table,
            synthetic_table,
            kinds,
            model=detection,
            seed=detection_seed,
            on_fold=lambda: progress.update(0.2),
        )
        settings["detection_rows"] = found.rows
        settings["detection_rows_cap_per_table"] = DETECTION_ROWS
        column_pairs, column_pairs_all = trend_averages(pairs)
        column_shapes_score = float(shapes["score"].mean())
        scores = {
            "quality": float(np.nanmean([column_shapes_score, column_pairs])),
            "column_shapes": column_shapes_score,
            "column_pair_trends": column_pairs,
            "column_pair_trends_all": column_pairs_all,
            "detection_auc": found.auc,
            "detection_score": found.score,
            "exact_copy_rate": exact_copy_rate(synthetic_table, real_table, kinds),
        }
        if utility is not None:
            scores.update(_utility_scores(utility))
            settings.update(_utility_settings(utility, holdout_given=holdout_table is not None))
        dcr = None
        if holdout_table is not None:
            progress.set_postfix_str("privacy")
            privacy = measure_privacy(
                real_table,
                synthetic_table,
                holdout_table,
                kinds,
                seed=privacy_seed,
                device=device,
            )
            progress.update()
            scores.update(privacy.scores)
            dcr = {"synthetic": privacy.synthetic_dcr, "holdout": privacy.holdout_dcr}
            settings.update(
                device=str(device),
                dcr_query_rows_cap=QUERY_ROWS,
                dcr_reference_rows_cap=REFERENCE_ROWS,
                **{f"dcr_{role}_rows": value for role, value in privacy.rows.items()},
            )
    return Report(
        scores=scores,
        columns=shapes,
        pairs=pairs,
        detection_features=found.features,
        utility=None if utility is None else utility.table,
        settings=settings,
        profiles=profiles,
        dcr=dcr,
    )


def _utility(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame | None,
    kinds: dict[str, MetricKind],
    target: str,
    seed: np.random.Generator,
) -> Utility:
    """TSTR on the hold-out when there is one, else on a seeded share of the real rows."""
    rng = np.random.default_rng(seed)
    if holdout is not None:
        return train_synthetic_test_real(real, synthetic, holdout, kinds, target, seed=rng)
    test = rng.random(len(real)) < _TEST_SHARE
    return train_synthetic_test_real(
        real.loc[~test].reset_index(drop=True),
        synthetic,
        real.loc[test].reset_index(drop=True),
        kinds,
        target,
        seed=rng,
    )


def _utility_settings(utility: Utility, *, holdout_given: bool) -> dict[str, object]:
    return {
        "target": utility.target,
        "utility_task": utility.task,
        "utility_headline": utility.headline,
        "utility_rows_cap": UTILITY_ROWS,
        "utility_test": "the real hold-out" if holdout_given else f"{_TEST_SHARE:.0%} of the real rows",
        **{f"utility_{key}_rows": value for key, value in utility.rows.items()},
    }


def _utility_scores(utility: Utility) -> dict[str, float]:
    scores = {}
    for row in utility.table.itertuples():
        if row.metric == utility.headline:
            scores["utility_real"] = row.real
            scores["utility_synthetic"] = row.synthetic
        scores[f"utility_real_{row.metric}"] = row.real
        scores[f"utility_synthetic_{row.metric}"] = row.synthetic
    return scores
