"""What several commands share: naming outputs after inputs, finding the newest model."""

from __future__ import annotations

from pathlib import Path

import click


def source_name(data: str, table: str | None) -> str:
    """A short name for the data: the file's stem, or the table of a database URL."""
    if "://" in data:
        return table or "database"
    return Path(data).name.split(".")[0] or "model"


def newest_model(folder: Path) -> Path:
    """The most recently written `.synth` file in `folder`, or a usage error."""
    models = sorted(folder.glob("*.synth"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise click.UsageError(f"No .synth model in {folder.resolve()}; name one with -m or run `synthdata fit` first.")
    return models[-1]


def parse_shard(text: str | None) -> tuple[int, int]:
    """`"3/8"` -> (3, 8); the whole output when not given."""
    if text is None:
        return 0, 1
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not I/N, e.g. 0/4.", param_hint="--shard") from None
    if count < 1 or not 0 <= index < count:
        raise click.BadParameter(f"shard {text} does not exist; use 0 <= I < N.", param_hint="--shard")
    return index, count
