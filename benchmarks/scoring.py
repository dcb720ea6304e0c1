"""How faithful and how useful a synthetic table is, by three independent measures.

- synthdata's own `evaluate` (quality, column shapes, pair trends, HGB detection AUC,
  train-synthetic-test-real utility and distance-to-closest-record privacy against
  the real hold-out);
- SDMetrics' classic single-table QualityReport on the same pair, the number the
  field quotes, so synthdata's scores can be checked against it;
- a plain train-synthetic-test-real with scikit-learn's HistGradientBoosting on the
  real 20% reporting accuracy and F1 of the rarer class, the definition of the
  fidelity table the project tracks (synthdata's `evaluate` reports macro F1 instead).

Every system's rows are scored against the same training rows and the same hold-out.
Scoring is not timed, and runs on one thread: on a shared, busy machine the metrics'
OpenMP threads otherwise spin against other work (8x slower measured at load 6 on
2 cores); the scores do not depend on the thread count.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import torch
from data_split import Split, as_numbers, sdv_metadata
from result_files import markdown_table, number
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score
from threadpoolctl import threadpool_limits

from synthdata import evaluate
from synthdata.evaluate.detection import detect
from synthdata.evaluate.kinds import evaluated_columns, metric_kinds, prepare_table

# HistGradientBoosting handles at most this many categories natively; columns with
# more are given as ordinal codes.
_NATIVE_CATEGORIES = 255


def score_synthetic(split: Split, synthetic: pd.DataFrame) -> dict:
    """All scores of a synthetic table; utility and privacy are measured on the real hold-out."""
    return _scores(split, synthetic, training_rows=synthetic, target=split.target, holdout=split.holdout)


def score_holdout(split: Split) -> dict:
    """The ceiling: the real hold-out scored as if it were synthetic, and a model trained on real rows."""
    return _scores(split, split.holdout, training_rows=split.train, target=None, holdout=None)


def _scores(
    split: Split,
    scored: pd.DataFrame,
    *,
    training_rows: pd.DataFrame,
    target: str | None,
    holdout: pd.DataFrame | None,
) -> dict:
    with one_thread():
        report = evaluate(split.train, scored, schema=split.schema, target=target, holdout=holdout, verbose=False)
        return {
            "synthdata_evaluate": report.scores,
            "detection_auc_holdout": None if holdout is None else holdout_detection(split, scored),
            "sdmetrics": sdmetrics_quality(split, split.train, scored),
            "tstr": tstr(split, training_rows),
        }


def holdout_detection(split: Split, synthetic: pd.DataFrame) -> float:
    """The detection AUC of `synthetic` against the real hold-out the model never saw,
    on as many synthetic rows as the hold-out holds: a model that copied its training
    rows is caught here, where against the training rows it would look perfect."""
    columns = evaluated_columns(split.train, split.schema)
    real = prepare_table(split.holdout, columns, role="real")
    rows = prepare_table(synthetic, columns, role="synthetic").sample(min(len(real), len(synthetic)), random_state=0)
    return detect(real, rows, metric_kinds(columns)).auc


@contextmanager
def one_thread() -> Iterator[None]:
    """torch, OpenMP and BLAS limited to one thread for the duration."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(threads)


def sdmetrics_quality(split: Split, real: pd.DataFrame, synthetic: pd.DataFrame) -> dict:
    """SDMetrics' QualityReport score and its two properties, on the modelled columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdmetrics.reports.single_table import QualityReport

        columns = split.modelled_columns
        report = QualityReport()
        report.generate(real[columns], synthetic[columns], sdv_metadata(split.schema, columns), verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    return {
        "quality": float(report.get_score()),
        "column_shapes": float(properties["Column Shapes"]),
        "column_pair_trends": float(properties["Column Pair Trends"]),
    }


def tstr(split: Split, training_rows: pd.DataFrame) -> dict | None:
    """Accuracy and rarer-class F1 on the real hold-out of HGB trained on `training_rows`.

    None without a target, or when the target is numerical (evaluate's R^2 covers that).
    """
    target = split.target
    if target is None or split.schema.columns[target].type not in ("categorical", "boolean"):
        return None
    training_rows = training_rows.loc[training_rows[target].notna()]
    test_rows = split.holdout.loc[split.holdout[target].notna()]
    features = [name for name in split.modelled_columns if name != target]
    train_x, test_x, categorical = _features(split, features, training_rows, test_rows)
    labels = split.train[target].astype(str)
    rarer = labels.value_counts().idxmin()
    model = HistGradientBoostingClassifier(categorical_features=categorical, random_state=0)
    model.fit(train_x, training_rows[target].astype(str).to_numpy())
    predicted = model.predict(test_x)
    truth = test_rows[target].astype(str).to_numpy()
    binary = labels.nunique() == 2
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "f1": float(
            f1_score(truth, predicted, pos_label=rarer, average="binary")
            if binary
            else f1_score(truth, predicted, average="macro")
        ),
        "f1_of": f"class {rarer.strip()!r}" if binary else "macro",
        "training_rows": len(training_rows),
    }


def _features(
    split: Split, features: list[str], train: pd.DataFrame, test: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """Numbers as floats, dates as days, categories as codes shared by both tables. A
    number with no value in `train` (a DP fit that released none of a column's
    values samples it as all null) is left out: HGB cannot bin it, and it teaches
    nothing."""
    train_columns, test_columns, categorical = [], [], []
    for name in features:
        column = split.schema.columns[name]
        if column.type in ("categorical", "boolean"):
            values = pd.concat([train[name], test[name]], ignore_index=True).astype(str)
            codes = pd.Series(pd.factorize(values)[0], dtype=float)
            train_columns.append(codes.iloc[: len(train)].to_numpy())
            test_columns.append(codes.iloc[len(train) :].to_numpy())
            categorical.append(values.nunique() <= _NATIVE_CATEGORIES)
        else:
            train_values = as_numbers(train[name], column).to_numpy()
            if np.isnan(train_values).all():
                continue
            train_columns.append(train_values)
            test_columns.append(as_numbers(test[name], column).to_numpy())
            categorical.append(False)
    return np.column_stack(train_columns), np.column_stack(test_columns), categorical


def fidelity_markdown(ceiling: dict, systems: dict[str, dict]) -> str:
    """The fidelity table (the real hold-out first, then each system) and what its columns mean."""
    header = [
        "system",
        "quality (SDMetrics)",
        "column shapes",
        "pair trends",
        "quality (synthdata)",
        "detection AUC (train / hold-out)",
        "TSTR accuracy / F1",
        "fit s",
    ]
    rows = [("real 20% hold-out (the ceiling; TSTR trains on the real 80%)", ceiling, None)]
    rows += [(label, result["scores"], result["fit_seconds"]) for label, result in systems.items()]
    lines = []
    for label, scores, fit_seconds in rows:
        sdmetrics, ours, utility = scores["sdmetrics"], scores["synthdata_evaluate"], scores["tstr"]
        lines.append(
            [
                label,
                number(sdmetrics["quality"]),
                number(sdmetrics["column_shapes"]),
                number(sdmetrics["column_pair_trends"]),
                number(ours["quality"]),
                f"{number(ours['detection_auc'])} / {number(scores.get('detection_auc_holdout'))}",
                f"{number(utility['accuracy'])} / {number(utility['f1'])}" if utility else "–",
                number(fit_seconds, 1),
            ]
        )
    f1_of = ceiling["tstr"]["f1_of"] if ceiling["tstr"] else "the rarer class"
    note = (
        "Quality, column shapes and pair trends by SDMetrics' QualityReport, beside synthdata's own "
        "quality; detection: 5-fold ROC AUC of HistGradientBoosting telling real rows from synthetic "
        "ones (0.5: indistinguishable), against the training rows and against the real hold-out the "
        "model never saw (as many synthetic rows as the hold-out has); TSTR: HistGradientBoosting trained on each system's rows, "
        f"tested on the real hold-out (F1 of {f1_of})."
    )
    return markdown_table(header, lines) + "\n\n" + note
