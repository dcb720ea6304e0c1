"""The HTML report: one self-contained page a person can open offline and read top to bottom.

Headline scores first, then what to fix: the worst columns with their overlays, the
correlation heatmaps (real, synthetic, difference) and worst pairs, the columns the
detection classifier leaned on, utility and privacy. A database's page
(`render_database_report`) gives the entity-level AUC of each parent table, what it
means, and the history features that gave synthetic entities away. Styles are inline
and plots are data URIs, so the file can be mailed or archived as is.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

from synthdata.evaluate import plots
from synthdata.evaluate.kinds import CONTINUOUS_KINDS

_WORST = 10
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
       color: #1d1d1f; background: #ffffff; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #e5e5ea; }
.muted { color: #6e6e73; font-size: 0.9rem; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 1rem 0; }
.card { border: 1px solid #d2d2d7; border-radius: 8px; padding: 0.7rem 1rem; min-width: 150px; background: #f5f5f7; }
.card .value { font-size: 1.6rem; font-weight: 600; } .card .label { font-size: 0.85rem; color: #515154; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e5e5ea; padding: 0.25rem 0.7rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: flex; flex-wrap: wrap; gap: 0.5rem; } img { max-width: 100%; }
"""


def render_report(report: Any) -> str:
    """The whole page for a `Report`."""
    settings = report.settings
    sections = [
        f"<h1>Synthetic data evaluation</h1><p class='muted'>{settings.get('real_rows', 0):,} real rows, "
        f"{settings.get('synthetic_rows', 0):,} synthetic rows, {len(report.columns)} evaluated columns; "
        f"synthdata {html.escape(str(settings.get('synthdata_version')))}</p>",
        _headline(report.scores),
        _columns_section(report),
        _pairs_section(report),
        _detection_section(report),
    ]
    if report.utility is not None:
        sections.append(_utility_section(report))
    if report.dcr is not None:
        sections.append(_privacy_section(report))
    sections.append(
        "<h2>All scores and settings</h2>"
        + _table(pd.DataFrame({"name": list(report.scores), "value": list(report.scores.values())}))
        + _table(pd.DataFrame({"setting": list(settings), "value": [str(value) for value in settings.values()]}))
    )
    return _page("Synthetic data evaluation", sections)


def render_database_report(report: Any) -> str:
    """The whole page for a `DatabaseReport`."""
    entities = report.entities
    sections = [
        "<h1>Synthetic database evaluation</h1><p class='muted'>Entity-level realism; synthdata "
        f"{html.escape(str(report.settings.get('synthdata_version')))}</p>",
        "<div class='cards'>"
        + "".join(
            f"<div class='card'><div class='value'>{_format(found.auc)}</div><div class='label'>"
            f"{html.escape(found.parent)} with their {html.escape(found.child)}, ROC AUC (0.5 is best)</div></div>"
            for found in entities
        )
        + "</div>",
        "<h2>Entity-level detection</h2><p>Each row of a parent table becomes one entity: its own columns "
        "plus features of its history in one child table (how many children it has, the age at its first and "
        "last child, the mean gap between children, its most common child types). A gradient-boosting "
        "classifier tries to tell real entities from synthetic ones; the table gives its 5-fold "
        "cross-validated ROC AUC. <b>0.5 means indistinguishable</b>: the synthetic parents and their histories "
        "cannot be told from real ones; 1.0 means every synthetic entity gives itself away. The real hold-out "
        "column is the AUC of half the real entities against the other half, what a perfect synthesizer "
        "would reach on this many entities.</p>"
        + _table(
            pd.DataFrame(
                {
                    "parent table": [found.parent for found in entities],
                    "history in": [found.child for found in entities],
                    "entities": [f"{found.entities:,}" for found in entities],
                    "ROC AUC": [found.auc for found in entities],
                    "real hold-out AUC": [found.ceiling for found in entities],
                }
            )
        ),
    ]
    for found in entities:
        sections.append(
            f"<h3>What gives {html.escape(found.parent)} away</h3><p class='muted'>The AUC lost when one "
            "feature is shuffled.</p>"
            f"<img alt='{html.escape(found.parent)} features' src='{plots.importance_bars(found.importance.head(_WORST))}'>"
        )
    if report.skipped:
        skipped = pd.DataFrame({"table": list(report.skipped), "not judged because": list(report.skipped.values())})
        sections.append("<h2>Parent tables not judged</h2>" + _table(skipped))
    return _page("Synthetic database evaluation", sections)


def _page(title: str, sections: list[str]) -> str:
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _headline(scores: dict[str, float]) -> str:
    cards = [
        ("quality", "Quality (SDMetrics)"),
        ("column_shapes", "Column shapes"),
        ("column_pair_trends", "Column pair trends"),
        ("detection_auc", "Detection ROC AUC (0.5 is best)"),
        ("utility_synthetic", "Utility, trained on synthetic"),
        ("utility_real", "Utility, trained on real"),
        ("dcr_share_closer_to_train", "Rows closer to training than hold-out (0.5 is best)"),
        ("exact_copy_rate", "Exact copies of training rows"),
    ]
    shown = [
        f"<div class='card'><div class='value'>{_format(scores[key])}</div><div class='label'>{label}</div></div>"
        for key, label in cards
        if key in scores
    ]
    return "<div class='cards'>" + "".join(shown) + "</div>"


def _columns_section(report: Any) -> str:
    worst = report.columns.sort_values("score", na_position="first").head(_WORST)
    ordered = report.columns.sort_values("score", na_position="first")
    overlays = "".join(
        f"<img alt='{html.escape(row.column)}' src='{plots.column_overlay(row.column, report.profiles[row.column], row.score)}'>"
        for row in ordered.itertuples()
        if row.column in report.profiles
    )
    return (
        "<h2>Column shapes</h2><p class='muted'>KSComplement for numbers and dates, TVComplement for "
        "categories and booleans (1 is identical). Worst columns first.</p>"
        + _table(worst)
        + f"<div class='grid'>{overlays}</div>"
    )


def _pairs_section(report: Any) -> str:
    pairs = report.pairs
    parts = [
        "<h2>Column pair trends</h2><p class='muted'>CorrelationSimilarity for two continuous columns, "
        "ContingencySimilarity otherwise. The SDMetrics average counts only the pairs marked "
        "<code>meets_threshold</code> (|rho| &gt; 0.5 or Cramer's V &gt; 0.3 in the real data).</p>"
    ]
    if pairs.empty:
        return parts[0] + "<p>There is only one evaluated column.</p>"
    continuous = [row.column for row in report.columns.itertuples() if row.kind in CONTINUOUS_KINDS]
    correlations = pairs[pairs["metric"] == "CorrelationSimilarity"]
    if len(continuous) >= 2 and len(correlations):
        real = _square(correlations, continuous, "real_correlation", diagonal=1.0)
        synthetic = _square(correlations, continuous, "synthetic_correlation", diagonal=1.0)
        image = plots.heatmaps(
            [
                ("Pearson, real", real, (-1.0, 1.0), "RdBu_r"),
                ("Pearson, synthetic", synthetic, (-1.0, 1.0), "RdBu_r"),
                ("|real - synthetic|", (real - synthetic).abs(), (0.0, 1.0), "Reds"),
            ]
        )
        parts.append(f"<img alt='correlation heatmaps' src='{image}'>")
    scores = _square(pairs, list(report.columns["column"]), "score", diagonal=1.0)
    image = plots.heatmaps([("pair score (1 is identical)", scores, (0.0, 1.0), "viridis")])
    parts.append(f"<img alt='pair scores' src='{image}'>")
    worst = pairs.sort_values("score", na_position="first").head(_WORST)
    parts.append("<h3>Worst pairs</h3>" + _table(worst))
    return "".join(parts)


def _detection_section(report: Any) -> str:
    scores, settings = report.scores, report.settings
    top = report.detection_features.head(_WORST)
    return (
        "<h2>Detection</h2>"
        f"<p>A {html.escape(str(settings.get('detection_model')))} classifier separates real from synthetic rows "
        f"with a 5-fold cross-validated ROC AUC of <b>{_format(scores['detection_auc'])}</b> "
        f"(detection score {_format(scores['detection_score'])}; 0.5 means indistinguishable) on "
        f"{settings.get('detection_rows', 0):,} rows. The columns it leaned on most:</p>"
        f"<img alt='detection features' src='{plots.importance_bars(top)}'>"
    )


def _utility_section(report: Any) -> str:
    settings = report.settings
    return (
        f"<h2>Utility</h2><p>Gradient boosting predicts <code>{html.escape(str(settings.get('target')))}</code>"
        f" ({html.escape(str(settings.get('utility_task')))}); trained on real rows and on synthetic rows, "
        f"both tested on real rows neither saw ({html.escape(str(settings.get('utility_test')))}).</p>"
        + _table(report.utility)
    )


def _privacy_section(report: Any) -> str:
    scores = report.scores
    keys = [key for key in scores if key.startswith(("dcr_", "exact_copy"))]
    return (
        "<h2>Privacy</h2><p class='muted'>Distance to the closest training row (mean over columns of "
        "range-scaled |difference| for numbers and dates, 0/1 for categories), for synthetic rows and for "
        "real hold-out rows the generator never saw.</p>"
        + _table(pd.DataFrame({"measure": keys, "value": [scores[key] for key in keys]}))
        + f"<img alt='distance to closest record' src='{plots.dcr_histograms(report.dcr['synthetic'], report.dcr['holdout'])}'>"
    )


def _square(pairs: pd.DataFrame, names: list[str], value: str, *, diagonal: float) -> pd.DataFrame:
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    for row in pairs.itertuples():
        if row.column_1 in matrix.index and row.column_2 in matrix.index:
            matrix.loc[row.column_1, row.column_2] = matrix.loc[row.column_2, row.column_1] = getattr(row, value)
    np.fill_diagonal(matrix.values, diagonal)
    return matrix


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for value in values:
            if isinstance(value, (float, np.floating)):
                cells.append(f"<td class='number'>{_format(value)}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _format(value: float | np.floating) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return "n/a"
    return f"{value:.4f}" if isinstance(value, (float, np.floating)) else str(value)
