"""The result of an evaluation: scores, per-column and per-pair tables, and the ways to read them.

`scores` is a flat dict of numbers for pipelines and CI gates; `columns` and `pairs` are
DataFrames for digging in; `to_json` writes all of it for machines, `to_html` a
self-contained page for people, and `str(report)` a compact table for a terminal.
Files are written under a temporary name and renamed, so a reader never sees half a
report.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.evaluate.profiles import ColumnProfile
from synthdata.output_files import check_output_path, write_text_atomically

_SUMMARY_KEYS = (
    "quality",
    "column_shapes",
    "column_pair_trends",
    "column_pair_trends_all",
    "detection_auc",
    "detection_score",
    "utility_real",
    "utility_synthetic",
    "dcr_share_closer_to_train",
    "dcr_p5_ratio",
    "exact_copy_rate",
)


@dataclass
class Report:
    """Everything `evaluate` measured.

    `detection_features` ranks the columns by how much the real-vs-synthetic classifier
    relied on them; `utility` holds one row per metric (real, synthetic) when a target
    was given; `settings` records the rows and subsamples each metric used.
    """

    scores: dict[str, float]
    columns: pd.DataFrame
    pairs: pd.DataFrame
    detection_features: pd.DataFrame
    utility: pd.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, ColumnProfile] = field(default_factory=dict, repr=False)
    dcr: dict[str, np.ndarray] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Scores, tables and settings as plain JSON data (NaN becomes null)."""
        plain: dict[str, Any] = json_ready(
            {
                "scores": self.scores,
                "columns": self.columns.to_dict(orient="records"),
                "pairs": self.pairs.to_dict(orient="records"),
                "detection_features": self.detection_features.to_dict(orient="records"),
                "utility": None if self.utility is None else self.utility.to_dict(orient="records"),
                "settings": self.settings,
            }
        )
        return plain

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write `to_dict()` as JSON; returns the path written."""
        return write_json(self.to_dict(), path)

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write a self-contained HTML page (plots embedded, no external assets); returns the path."""
        return write_page(path, lambda html: html.render_report(self))

    def __str__(self) -> str:
        lines = [
            f"synthdata evaluation: {self.settings.get('real_rows', '?'):,} real rows, "
            f"{self.settings.get('synthetic_rows', '?'):,} synthetic rows, {len(self.columns)} columns"
        ]
        width = max(len(key) for key in _SUMMARY_KEYS)
        lines += [f"  {key:<{width}}  {_number(self.scores[key])}" for key in _SUMMARY_KEYS if key in self.scores]
        worst = self.columns.nsmallest(3, "score")
        if len(worst):
            listed = ", ".join(f"{row.column} {_number(row.score)}" for row in worst.itertuples())
            lines.append(f"  worst columns: {listed}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{key}={_number(self.scores[key])}" for key in ("quality", "detection_auc") if key in self.scores
        )
        return f"Report({shown})"


def _number(value: float) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.4f}"


def json_ready(value: Any) -> Any:
    """JSON-able copies: numpy scalars to Python, NaN and NaT to None."""
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def write_json(document: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """`document` as indented JSON at `path`, written atomically; returns the path."""
    target = check_output_path(path, overwrite=True)
    return write_text_atomically(target, json.dumps(document, indent=2) + "\n")


def write_page(path: str | os.PathLike[str], render: Callable[[ModuleType], str]) -> Path:
    """The HTML page `render(synthdata.evaluate.html)` makes, written atomically at `path`.
    The renderer is imported here, not with the report: it needs matplotlib, an extra."""
    try:
        from synthdata.evaluate import html
    except ImportError as error:
        raise SynthDataError(
            f"The HTML report needs matplotlib ({error}); install it with `pip install synthdata[report]`."
        ) from None
    target = check_output_path(path, overwrite=True)
    return write_text_atomically(target, render(html))
