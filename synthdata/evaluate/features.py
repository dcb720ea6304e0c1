"""Turn evaluated columns into the matrices and models that detection and utility share.

Numbers and dates become float columns with NaN for nulls (HistGradientBoosting routes
missing values itself). Categories and booleans become integer codes learned on the
rows a model is fitted on: the 254 most frequent values keep their own code and the
rest share one, because HistGradientBoosting's native categorical support takes at most
255 values. The logistic model reads the same matrix, numbers imputed and
standardized, codes one-hot encoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float

ModelName = Literal["hgb", "logistic"]
MAX_CATEGORY_CODES = 254


class FeatureEncoder:
    """Learns category codes on a frame; turns frames into float matrices in column order."""

    def __init__(self, kinds: Mapping[str, MetricKind]) -> None:
        self.kinds = dict(kinds)

    def fit(self, frame: pd.DataFrame) -> FeatureEncoder:
        """Learn, per categorical column, which values keep a code of their own."""
        self.categories_ = {
            name: pd.Index(frame[name].value_counts().index[:MAX_CATEGORY_CODES])
            for name, kind in self.kinds.items()
            if kind not in CONTINUOUS_KINDS
        }
        self.feature_names_ = list(self.kinds)
        self.categorical_mask_ = np.array([name in self.categories_ for name in self.kinds])
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """A float matrix: numbers and dates as values, categories as codes, nulls as NaN.

        A value outside the learned codes gets the shared code of the pooled values.
        """
        columns = []
        for name in self.feature_names_:
            if name not in self.categories_:
                columns.append(as_float(frame[name]))
                continue
            known = self.categories_[name]
            codes = known.get_indexer(frame[name]).astype(np.float64)
            codes[codes < 0] = len(known)
            codes[frame[name].isna().to_numpy()] = np.nan
            columns.append(codes)
        return np.column_stack(columns)


def make_classifier(model: ModelName, categorical_mask: np.ndarray, *, seed: int) -> BaseEstimator:
    """A fresh classifier: gradient boosting with native categoricals, or logistic regression."""
    if model == "hgb":
        return HistGradientBoostingClassifier(categorical_features=categorical_mask, random_state=seed)
    return make_pipeline(_logistic_inputs(categorical_mask), LogisticRegression(max_iter=1000))


def make_regressor(categorical_mask: np.ndarray, *, seed: int) -> BaseEstimator:
    """A fresh gradient-boosting regressor with native categoricals."""
    return HistGradientBoostingRegressor(categorical_features=categorical_mask, random_state=seed)


def _logistic_inputs(categorical_mask: np.ndarray) -> ColumnTransformer:
    numbers = np.flatnonzero(~categorical_mask)
    categories = np.flatnonzero(categorical_mask)
    branches = []
    if len(numbers):
        branches.append(
            (
                "numbers",
                make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler()),
                numbers,
            )
        )
    if len(categories):
        branches.append(
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value=-1),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categories,
            )
        )
    return ColumnTransformer(branches)
