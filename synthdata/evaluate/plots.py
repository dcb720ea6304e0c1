"""The report's figures, drawn with matplotlib and returned as PNG data URIs.

Figures are built with `matplotlib.figure.Figure` directly, never pyplot, so drawing a
report touches no global state and needs no display. Embedding them as data URIs keeps
the HTML a single file that opens offline.
"""

from __future__ import annotations

import base64
import io

import matplotlib.dates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from synthdata.evaluate.profiles import ColumnProfile

REAL_COLOUR = "#1f4e79"
SYNTHETIC_COLOUR = "#e07b00"
_DPI = 80


def column_overlay(name: str, profile: ColumnProfile, score: float) -> str:
    """Real and synthetic distributions of one column on shared axes."""
    figure = Figure(figsize=(4.2, 2.8), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    if profile.edges is not None:
        edges = profile.edges
        if profile.kind == "datetime":
            edges = matplotlib.dates.date2num(pd.to_datetime(edges).to_pydatetime())
            axes.xaxis_date()
        for shares, colour, label in (
            (profile.real, REAL_COLOUR, "real"),
            (profile.synthetic, SYNTHETIC_COLOUR, "synthetic"),
        ):
            axes.stairs(
                shares, edges, color=colour, label=label, fill=label == "real", alpha=0.35 if label == "real" else 1.0
            )
        axes.tick_params(axis="x", labelrotation=30, labelsize=7)
    else:
        positions = np.arange(len(profile.labels))
        axes.bar(positions - 0.2, profile.real, width=0.4, color=REAL_COLOUR, label="real")
        axes.bar(positions + 0.2, profile.synthetic, width=0.4, color=SYNTHETIC_COLOUR, label="synthetic")
        axes.set_xticks(positions, [_shorten(label) for label in profile.labels], rotation=60, ha="right", fontsize=7)
    axes.set_title(
        f"{_shorten(name, 28)}  score {score:.3f}\n"
        f"nulls: real {profile.real_null_share:.1%}, synthetic {profile.synthetic_null_share:.1%}",
        fontsize=8,
    )
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(fontsize=7, frameon=False)
    return _png(figure)


def heatmaps(matrices: list[tuple[str, pd.DataFrame, tuple[float, float], str]]) -> str:
    """Side-by-side heatmaps: (title, square matrix, colour limits, colour map) each."""
    size = max(len(matrix) for _, matrix, _, _ in matrices)
    cell = 0.32
    figure = Figure(figsize=(len(matrices) * (size * cell + 1.6), size * cell + 1.6), dpi=_DPI, layout="constrained")
    for index, (title, matrix, limits, colour_map) in enumerate(matrices, start=1):
        axes = figure.add_subplot(1, len(matrices), index)
        image = axes.imshow(matrix.to_numpy(dtype=float), vmin=limits[0], vmax=limits[1], cmap=colour_map)
        labels = [_shorten(str(label), 16) for label in matrix.index]
        axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        axes.set_yticks(range(len(labels)), labels if index == 1 else [], fontsize=7)
        axes.set_title(title, fontsize=9)
        figure.colorbar(image, ax=axes, shrink=0.7)
    return _png(figure)


def importance_bars(features: pd.DataFrame) -> str:
    """The columns the detection classifier leaned on, as AUC lost when each is shuffled."""
    shown = features.iloc[::-1]
    figure = Figure(figsize=(5.5, 0.28 * len(shown) + 0.9), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.barh(
        [_shorten(str(name), 24) for name in shown["column"]],
        shown["importance"],
        xerr=shown["importance_std"],
        color=SYNTHETIC_COLOUR,
    )
    axes.set_xlabel("ROC AUC lost when the column is shuffled", fontsize=8)
    axes.tick_params(labelsize=7)
    return _png(figure)


def dcr_histograms(synthetic: np.ndarray, holdout: np.ndarray) -> str:
    """Distance to closest training record: synthetic rows against real hold-out rows."""
    figure = Figure(figsize=(5.5, 2.8), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    edges = np.histogram_bin_edges(np.concatenate([synthetic, holdout]), bins=40).tolist()
    axes.hist(holdout, bins=edges, density=True, color=REAL_COLOUR, alpha=0.35, label="real hold-out")
    axes.hist(synthetic, bins=edges, density=True, histtype="step", color=SYNTHETIC_COLOUR, label="synthetic")
    axes.set_xlabel("distance to closest training row", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=7, frameon=False)
    return _png(figure)


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _shorten(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
