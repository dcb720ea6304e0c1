"""`synthdata seed URL`: fill a database with a synthetic copy of a whole database.

The whole-database side of `synthdata fit` lives here too: a database URL given
without --table or --query is learned as a whole, tables and foreign keys, into one
`.synth` file that `seed` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from synthdata import DatabaseSynthesizer
from synthdata_cli.options import IF_EXISTS_CHOICE, IfExists, model_file_option, newest_model


@click.command()
@click.argument("url")
@model_file_option("Database model file")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Rows of each table without parents, as a multiple of the rows learned.",
)
@click.option(
    "--if-exists",
    type=IF_EXISTS_CHOICE,
    default="fail",
    show_default=True,
    help="What to do when the database already holds some of the tables.",
)
@click.option("--seed", type=int, help="Random seed [default: the model's].")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def seed(url: str, model_path: str | None, scale: float, if_exists: IfExists, seed: int | None, quiet: bool) -> None:
    """Create the tables of a database model at URL, with their keys, and fill them, parents first."""
    path = Path(model_path) if model_path else newest_model(Path("."))
    if not model_path:
        click.echo(f"synthdata: using model {path}", err=True)
    model = DatabaseSynthesizer.load(path)
    model.verbose = not quiet
    written = model.seed(url, scale=scale, if_exists=if_exists, seed=seed)
    for table, rows in written.items():
        click.echo(f"synthdata:   {table}: {rows:,} rows", err=True)
    click.echo(f"synthdata: seeded {len(written)} tables, {sum(written.values()):,} rows", err=True)


def fit_database(options: Mapping[str, Any], target: Path) -> None:
    """`synthdata fit URL` with no table named: learn every table and the foreign keys between them.

    `options` are the fit command's; `target` is the model file, already checked.
    """
    if options["checkpoint_every"] is not None or options["resume"] or options["distributed"]:
        raise click.UsageError(
            "--checkpoint-every, --resume and --distributed apply to one table; name it with --table."
        )
    url = options["data"]
    model = DatabaseSynthesizer(
        epochs=options["epochs"],
        batch_size=options["batch_size"],
        max_time=options["max_time"],
        max_rows=options["max_rows"],
        calibrate=not options["no_calibrate"],
        refine=not options["no_refine"],
        redraw=not options["no_redraw"],
        device=options["device"],
        random_seed=options["seed"],
        verbose=not options["quiet"],
        epsilon=options["epsilon"],
    ).fit(url, schema=options["schema_path"])
    written = model.save(target)
    tables = model.info()["tables"]
    rows = sum(table["rows"] for table in tables.values())
    click.echo(f"synthdata: wrote model {written} ({len(tables)} tables, {rows:,} rows learned)", err=True)
