"""Utility: does a model trained on synthetic rows predict real ones as well as one trained on real rows?

Train on synthetic, test on real (TSTR): the same gradient-boosting model is fitted once
on the real training rows and once on the synthetic rows, and both are scored on real
rows neither saw. The gap between the two columns of the table is what a data
scientist loses by working on the synthetic table. Classification (a categorical or
boolean target) reports accuracy, macro F1 and ROC AUC, regression (a numerical
target) R^2 and mean absolute error; the headline is macro F1 or R^2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, r2_score, roc_auc_score

from synthdata.errors import SynthDataError
from synthdata.evaluate.features import FeatureEncoder, make_classifier, make_regressor
from synthdata.evaluate.kinds import MetricKind
from synthdata.evaluate.subsample import sample_positions

UTILITY_ROWS = 100_000
Task = Literal["classification", "regression"]


@dataclass
class Utility:
    """Scores of the model trained on real rows and of the one trained on synthetic rows."""

    target: str
    task: Task
    headline: str
    table: pd.DataFrame  # one row per metric: metric, real, synthetic
    rows: dict[str, int]


def train_synthetic_test_real(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    test: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    target: str,
    *,
    seed: int | np.random.Generator = 0,
    max_rows: int = UTILITY_ROWS,
) -> Utility:
    """Fit on real `train` and on `synthetic` (each capped at `max_rows`), score both on real `test`."""
    if target not in kinds:
        raise SynthDataError(
            f"Target column '{target}' is not among the evaluated columns "
            f"({', '.join(kinds)}); name a numerical, categorical or boolean column."
        )
    if kinds[target] == "datetime":
        raise SynthDataError(
            f"Target column '{target}' holds dates; utility needs a categorical, boolean or numerical target."
        )
    rng = np.random.default_rng(seed)
    task: Task = "regression" if kinds[target] == "numerical" else "classification"
    train, synthetic, test = (
        frame.loc[frame[target].notna()].reset_index(drop=True) for frame in (train, synthetic, test)
    )
    train = train.iloc[sample_positions(len(train), max_rows, rng)]
    synthetic = synthetic.iloc[sample_positions(len(synthetic), max_rows, rng)]
    for role, frame in (("real training", train), ("synthetic", synthetic), ("real test", test)):
        if len(frame) < 2:
            raise SynthDataError(
                f"The {role} rows have fewer than two non-null values of target '{target}'; utility cannot be measured."
            )
    feature_kinds = {name: kind for name, kind in kinds.items() if name != target}
    if not feature_kinds:
        raise SynthDataError(
            f"Target column '{target}' is the only evaluated column; there is nothing to predict it from."
        )
    encoder = FeatureEncoder(feature_kinds).fit(pd.concat([train, synthetic], ignore_index=True))
    model_seed = int(rng.integers(2**31 - 1))
    test_features = encoder.transform(test)
    if task == "regression":
        scores = {
            role: _regression_scores(
                make_regressor(encoder.categorical_mask_, seed=model_seed),
                encoder.transform(frame),
                frame[target].to_numpy(dtype=np.float64),
                test_features,
                test[target].to_numpy(dtype=np.float64),
            )
            for role, frame in (("real", train), ("synthetic", synthetic))
        }
        headline = "r2"
    else:
        labels, classes = pd.factorize(pd.concat([train[target], synthetic[target], test[target]], ignore_index=True))
        split = np.cumsum([len(train), len(synthetic)])
        train_labels, synthetic_labels, test_labels = np.split(labels, split)
        scores = {
            role: _classification_scores(
                make_classifier("hgb", encoder.categorical_mask_, seed=model_seed),
                encoder.transform(frame),
                frame_labels,
                test_features,
                test_labels,
                n_classes=len(classes),
            )
            for role, frame, frame_labels in (
                ("real", train, train_labels),
                ("synthetic", synthetic, synthetic_labels),
            )
        }
        headline = "f1_macro"
    table = pd.DataFrame(
        {
            "metric": list(scores["real"]),
            "real": list(scores["real"].values()),
            "synthetic": list(scores["synthetic"].values()),
        }
    )
    return Utility(
        target=target,
        task=task,
        headline=headline,
        table=table,
        rows={"real_train": len(train), "synthetic_train": len(synthetic), "real_test": len(test)},
    )


def _regression_scores(
    model: BaseEstimator,
    features: np.ndarray,
    target: np.ndarray,
    test_features: np.ndarray,
    test_target: np.ndarray,
) -> dict[str, float]:
    predicted = model.fit(without_empty_columns(features), target).predict(test_features)
    return {
        "r2": float(r2_score(test_target, predicted)),
        "mae": float(mean_absolute_error(test_target, predicted)),
    }


def _classification_scores(
    model: BaseEstimator,
    features: np.ndarray,
    labels: np.ndarray,
    test_features: np.ndarray,
    test_labels: np.ndarray,
    *,
    n_classes: int,
) -> dict[str, float]:
    """Accuracy, macro F1 and ROC AUC; a model that never saw a class gives it probability 0."""
    probabilities = np.zeros((len(test_labels), n_classes))
    seen = np.unique(labels)
    if len(seen) < 2:
        predicted = np.full(len(test_labels), seen[0])
        probabilities[:, seen[0]] = 1.0
    else:
        model.fit(without_empty_columns(features), labels)
        predicted = model.predict(test_features)
        probabilities[:, model.classes_] = model.predict_proba(test_features)
    return {
        "accuracy": float(accuracy_score(test_labels, predicted)),
        "f1_macro": float(f1_score(test_labels, predicted, average="macro")),
        "roc_auc": _roc_auc(test_labels, probabilities),
    }


def without_empty_columns(features: np.ndarray) -> np.ndarray:
    """`features` with every column that holds no value at all (a synthetic table
    whose model generated only nulls there) set to 0: HistGradientBoosting cannot bin
    a column of nothing but NaN, and a constant column gives it nothing to split on,
    which is what such a column tells a model trained on those rows."""
    empty = np.isnan(features).all(axis=0)
    if not empty.any():
        return features
    filled = features.copy()
    filled[:, empty] = 0.0
    return filled


def _roc_auc(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Binary AUC, or one-vs-rest macro AUC over the classes present in the test rows."""
    present = np.unique(labels)
    if len(present) < 2:
        return float("nan")
    if len(present) == 2:
        return float(roc_auc_score(labels == present[1], probabilities[:, present[1]]))
    restricted = probabilities[:, present]
    totals = restricted.sum(axis=1, keepdims=True)
    restricted = np.where(totals > 0, restricted / np.where(totals > 0, totals, 1.0), 1.0 / len(present))
    return float(roc_auc_score(labels, restricted, multi_class="ovr", labels=present))
