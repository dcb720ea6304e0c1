"""MkDocs hooks: the pictures and the schema-file tables come from the code, at build time.

`on_files` fits a small model on examples/patients.csv, evaluates it with
`synthdata.evaluate`, and adds the report's own column overlays and correlation
heatmaps to the site as PNGs (nothing is written into docs/). `on_page_markdown`
replaces the `<!-- schema-reference -->` marker with tables generated from the JSON
Schema the package ships, so the reference cannot drift from the format.
"""

from __future__ import annotations

import base64
import json
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[1]
FIGURE_FOLDER = "images/generated"
OVERLAY_COLUMNS = ("BIRTHDATE", "INCOME", "MARITAL", "HEALTHCARE_EXPENSES")
SCHEMA_MARKER = "<!-- schema-reference -->"


def on_files(files: Files, config: Any) -> Files:
    for name, png in _figures().items():
        files.append(File.generated(config, f"{FIGURE_FOLDER}/{name}", content=png))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if SCHEMA_MARKER in markdown:
        markdown = markdown.replace(SCHEMA_MARKER, schema_reference())
    return markdown


def _figures() -> dict[str, bytes]:
    """The report's figures for a model of the 111 example patients, fitted with its defaults."""
    import pandas as pd
    import torch

    from synthdata import TabularGAN, evaluate
    from synthdata.evaluate import plots
    from synthdata.evaluate.html import _square

    torch.set_num_threads(1)
    real = pd.read_csv(REPO / "examples" / "patients.csv")
    synthetic = TabularGAN(seed=0, verbose=False, device="cpu").fit(real).sample(len(real), seed=0)
    report = evaluate(real, synthetic)
    scores = report.columns.set_index("column")["score"]
    figures = {
        f"overlay-{name.lower()}.png": plots.column_overlay(name, report.profiles[name], scores[name])
        for name in OVERLAY_COLUMNS
    }
    correlations = report.pairs[report.pairs["metric"] == "CorrelationSimilarity"]
    continuous = sorted(set(correlations["column_1"]) | set(correlations["column_2"]))
    real_matrix = _square(correlations, continuous, "real_correlation", diagonal=1.0)
    synthetic_matrix = _square(correlations, continuous, "synthetic_correlation", diagonal=1.0)
    figures["correlations.png"] = plots.heatmaps(
        [
            ("Pearson, real", real_matrix, (-1.0, 1.0), "RdBu_r"),
            ("Pearson, synthetic", synthetic_matrix, (-1.0, 1.0), "RdBu_r"),
            ("|real - synthetic|", (real_matrix - synthetic_matrix).abs(), (0.0, 1.0), "Reds"),
        ]
    )
    return {name: base64.b64decode(uri.split(",", 1)[1]) for name, uri in figures.items()}


def schema_reference() -> str:
    """Markdown tables of the schema-file format, from synthdata/schema/synthdata.schema.json."""
    document = json.loads(resources.files("synthdata.schema").joinpath("synthdata.schema.json").read_text())
    definitions = document["$defs"]
    return "\n".join(
        [
            "### Top level",
            "",
            _properties_table(document),
            "",
            "### A column (`columns.<name>`)",
            "",
            _properties_table(definitions["column"]),
            "",
            "### A constraint (`constraints[]`)",
            "",
            _constraint_table(definitions["constraint"]),
            "",
            "### A distribution (`columns.<name>.distribution`)",
            "",
            _properties_table(definitions["distribution"]),
        ]
    )


def _constraint_table(definition: dict[str, Any]) -> str:
    """One row per constraint kind, from the `if type == kind then ...` branches of the format."""
    rows = ["| type | required keys | optional keys |", "|---|---|---|"]
    for branch in definition.get("allOf", []):
        kind = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        then = branch.get("then", {})
        if kind is None:
            continue
        required = then.get("required", [])
        optional = [key for key in then.get("properties", {}) if key not in required]
        rows.append(
            f"| `{kind}` | {', '.join(f'`{key}`' for key in required)} | {', '.join(f'`{key}`' for key in optional)} |"
        )
    return "\n".join(rows)


def _properties_table(definition: dict[str, Any]) -> str:
    required = set(definition.get("required", []))
    rows = ["| key | type | required | description |", "|---|---|---|---|"]
    for key, spec in definition.get("properties", {}).items():
        description = str(spec.get("description", "")).replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{key}` | {_type_of(spec)} | {'yes' if key in required else ''} | {description} |")
    return "\n".join(rows)


def _type_of(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return " \\| ".join(f"`{value}`" for value in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    if "$ref" in spec:
        return f"`{spec['$ref'].rsplit('/', 1)[-1]}`"
    kinds = spec.get("type")
    if isinstance(kinds, list):
        return " or ".join(kinds)
    if kinds is None and ("oneOf" in spec or "anyOf" in spec):
        options = spec.get("oneOf") or spec.get("anyOf")
        return " or ".join(_type_of(option) for option in options)
    return str(kinds or "any")
