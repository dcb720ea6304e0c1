"""What several commands share: naming outputs after inputs, finding the newest model, the
output policy and the checks that make bad options usage errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

import click

from synthdata import SynthDataError, TabularGAN, check_output_path


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


# What --if-exists accepts: the values of the library's `if_exists` argument.
IfExists = Literal["fail", "append", "replace"]
IF_EXISTS_CHOICE = click.Choice(get_args(IfExists))

OVERWRITE_POLICY = (
    "A run never writes over one of its own inputs, and replaces an existing output file only with --force."
)


def model_file_option(what: str):
    """-m/--model: the model file a command reads, `what` in its help; the newest here by default."""
    return click.option(
        "-m",
        "--model",
        "model_path",
        type=click.Path(dir_okay=False),
        help=f"{what} [default: the newest *.synth here].",
    )


def force_option(function):
    """The --force flag of every command that writes a file."""
    return click.option("--force", is_flag=True, help="Replace the output file when it exists.")(function)


def checked_output(path: str, *, inputs: tuple[str | None, ...], force: bool, hint: str = "--force") -> Path:
    """`path` checked before any work: not an input of the run, not an existing file
    unless `force`, in a folder that can be written."""
    return check_output_path(path, inputs=inputs, overwrite=force, replace_hint=hint)


def model_option(ctx: click.Context, param: click.Parameter, value):
    """A training option checked as the model checks it, so a bad value is a usage error
    (exit 2) before any data is read; the option's name is TabularGAN's keyword."""
    if value is not None:
        try:
            TabularGAN(**{param.name: value}).check_options()
        except SynthDataError as error:
            raise click.BadParameter(str(error)) from None
    return value


def refuse_database_options(data: str, table: str | None, query: str | None = None) -> None:
    """--table and --query name what to read from a database; for a file they are a mistake."""
    if "://" not in data and (table is not None or query is not None):
        option = "--table" if table is not None else "--query"
        raise click.UsageError(f"{option} applies to a database URL, and {data} is a file; drop {option}.")
