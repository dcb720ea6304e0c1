"""Detection: how well a classifier tells synthetic rows from real ones.

Marginals and pair trends can all look right while rows still betray themselves
through higher-order structure; a classifier trained to separate the two tables finds
that. The score is the stratified 5-fold cross-validated ROC AUC (0.5: the tables are
indistinguishable, 1.0: every row gives itself away), turned into SDMetrics' detection
score 1 - (2 * max(AUC, 0.5) - 1). The columns the classifier leaned on most are
measured by permutation importance (the AUC lost when a column is shuffled) on the
first fold (on at most 5,000 of its rows), which is where one looks to fix a generator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from synthdata.evaluate.features import FeatureEncoder, ModelName, make_classifier
from synthdata.evaluate.kinds import MetricKind
from synthdata.evaluate.subsample import sample_positions

DETECTION_ROWS = 50_000
_FOLDS = 5
# Rows each table needs: one per fold, or some folds test a single class (AUC undefined).
MIN_DETECTION_ROWS = _FOLDS
_IMPORTANCE_REPEATS = 2
# Permutation importance predicts once per column and repeat; a few thousand rows rank
# the columns as well as all of them would, at a fraction of the cost.
_IMPORTANCE_ROWS = 5_000


@dataclass
class Detection:
    """The cross-validated AUC, its score, and the columns the classifier used most."""

    auc: float
    score: float
    model: ModelName
    rows: int
    features: pd.DataFrame


def detect(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    *,
    model: ModelName = "hgb",
    seed: int | np.random.Generator = 0,
    max_rows: int = DETECTION_ROWS,
    on_fold: Callable[[], None] | None = None,
) -> Detection:
    """Cross-validate a real-vs-synthetic classifier on at most `max_rows` rows of each table.

    `on_fold` is called after each fold (progress reporting).
    """
    rng = np.random.default_rng(seed)
    real = real.iloc[sample_positions(len(real), max_rows, rng)]
    synthetic = synthetic.iloc[sample_positions(len(synthetic), max_rows, rng)]
    both = pd.concat([real, synthetic], ignore_index=True)
    encoder = FeatureEncoder(kinds).fit(both)
    features = encoder.transform(both)
    labels = np.r_[np.zeros(len(real), dtype=int), np.ones(len(synthetic), dtype=int)]
    model_seed = int(rng.integers(2**31 - 1))
    folds = StratifiedKFold(n_splits=_FOLDS, shuffle=True, random_state=model_seed)
    aucs = []
    losses: list[np.ndarray] = []  # of the first fold's classifier only
    for train, test in folds.split(features, labels):
        classifier = make_classifier(model, encoder.categorical_mask_, seed=model_seed)
        classifier.fit(features[train], labels[train])
        aucs.append(roc_auc_score(labels[test], classifier.predict_proba(features[test])[:, 1]))
        if not losses:
            probe = test[sample_positions(len(test), _IMPORTANCE_ROWS, rng)]
            losses.append(_auc_lost_when_shuffled(classifier, features[probe], labels[probe], aucs[0], rng))
        if on_fold is not None:
            on_fold()
    auc = float(np.mean(aucs))
    ranked = pd.DataFrame(
        {
            "column": encoder.feature_names_,
            "importance": losses[0].mean(axis=1),
            "importance_std": losses[0].std(axis=1),
        }
    ).sort_values("importance", ascending=False, ignore_index=True)
    return Detection(
        auc=auc,
        score=1.0 - (2.0 * max(auc, 0.5) - 1.0),
        model=model,
        rows=len(both),
        features=ranked,
    )


def _auc_lost_when_shuffled(
    classifier: BaseEstimator, features: np.ndarray, labels: np.ndarray, auc: float, rng: np.random.Generator
) -> np.ndarray:
    """Permutation importance, (columns, repeats): the AUC lost when one column is shuffled.

    Every shuffled copy is stacked into one matrix and scored by a single prediction,
    which costs far less than one prediction per column and repeat.
    """
    rows, width = features.shape
    copies = np.repeat(features[None], width * _IMPORTANCE_REPEATS, axis=0)
    for copy in range(len(copies)):
        column = copy // _IMPORTANCE_REPEATS
        copies[copy, :, column] = features[rng.permutation(rows), column]
    scores = classifier.predict_proba(copies.reshape(-1, width))[:, 1].reshape(len(copies), rows)
    shuffled = np.array([roc_auc_score(labels, score) for score in scores])
    return (auc - shuffled).reshape(width, _IMPORTANCE_REPEATS)
