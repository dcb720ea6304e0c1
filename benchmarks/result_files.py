"""Where benchmark results go and how they read: one JSON for programs, one Markdown for people.

Files are named `<date>-<machine>-<benchmark>` under benchmarks/results/, so runs on
different hardware or days sit side by side instead of overwriting each other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from machine import machine_slug

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(benchmark: str, results: dict, markdown: str, *, folder: Path = RESULTS) -> list[Path]:
    """Write `<date>-<machine>-<benchmark>.json` and `.md`; returns both paths."""
    machine = results["machine"]
    stem = f"{machine['date']}-{machine_slug(machine)}-{benchmark}"
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{stem}.json"
    markdown_path = folder / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    markdown_path.write_text(markdown.rstrip() + "\n")
    return [json_path, markdown_path]


def number(value: float | None, digits: int = 3) -> str:
    """A table cell: `digits` decimals, or a dash where there is nothing to show."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_markdown(machine: dict) -> str:
    """The lines that say where and under what load a run happened."""
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items() if version)
    lines = [
        f"- date: {machine['date']}",
        f"- CPU: {machine['cpu']}, {machine['cores']} cores, torch threads {machine['torch_threads']}",
        f"- GPU: {machine['gpu'] or 'none used'} (device {machine['device']})",
        f"- load average (1, 5, 15 min): {machine['load_average_at_start']} at start, "
        f"{machine.get('load_average_at_end', '?')} at end",
        f"- {versions}; Python {machine['python']}",
    ]
    return "\n".join(lines)
