"""`synthdata evaluate REAL SYNTH`: how faithful, useful and private a synthetic table is."""

from __future__ import annotations

from typing import Literal

import click

from synthdata import Schema, evaluate, read_table
from synthdata_cli.options import OVERWRITE_POLICY, checked_output, force_option


@click.command(name="evaluate", epilog=OVERWRITE_POLICY)
@click.argument("real")
@click.argument("synthetic")
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(dir_okay=False),
    help="Schema file (YAML or JSON) deciding which columns are compared, instead of inferring one from REAL.",
)
@click.option("--target", help="Column to predict: a model trained on SYNTH is tested on real rows (utility).")
@click.option(
    "--holdout",
    help="Real rows the generator never saw (file or database URL): privacy scores, and the utility test set.",
)
@click.option("--table", help="Table to read when REAL (and SYNTH, HOLDOUT) are database URLs.")
@click.option("--synthetic-table", help="Table to read from SYNTH when it differs from --table.")
@click.option("--holdout-table", help="Table to read from HOLDOUT when it differs from --table.")
@click.option(
    "--max-rows", type=click.IntRange(min=1), help="Read a uniform sample of at most this many rows of each table."
)
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Write the HTML report here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the scores and tables as JSON here.")
@click.option(
    "--detection",
    type=click.Choice(["hgb", "logistic"]),
    default="hgb",
    show_default=True,
    help="Classifier that tries to tell real from synthetic rows.",
)
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda (distance computations).")
@click.option("--seed", type=int, default=0, show_default=True)
@force_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def evaluate_command(
    real: str,
    synthetic: str,
    schema_path: str | None,
    target: str | None,
    holdout: str | None,
    table: str | None,
    synthetic_table: str | None,
    holdout_table: str | None,
    max_rows: int | None,
    report_path: str | None,
    json_path: str | None,
    detection: Literal["hgb", "logistic"],
    device: str,
    seed: int,
    force: bool,
    quiet: bool,
) -> None:
    """Compare SYNTH with REAL (files: .csv, .parquet, .jsonl; or database URLs) and print the scores.

    The --report and --json paths are checked before anything is computed."""
    if report_path is not None and report_path == json_path:
        raise click.UsageError("--report and --json name the same file; give each its own.")
    inputs = (real, synthetic, holdout, schema_path)
    json_target = checked_output(json_path, inputs=inputs, force=force) if json_path else None
    report_target = checked_output(report_path, inputs=inputs, force=force) if report_path else None

    def read(source: str, name: str | None):
        # A table name only means something for a database URL; files ignore --table.
        return read_table(
            source, table=name if "://" in source else None, max_rows=max_rows, seed=seed, verbose=not quiet
        )

    report = evaluate(
        read(real, table),
        read(synthetic, synthetic_table or table),
        schema=Schema.load(schema_path) if schema_path else None,
        target=target,
        holdout=read(holdout, holdout_table or table) if holdout else None,
        seed=seed,
        detection=detection,
        device=device,
        verbose=not quiet,
    )
    click.echo(str(report))
    if json_target is not None:
        click.echo(f"synthdata: wrote {report.to_json(json_target)}", err=True)
    if report_target is not None:
        click.echo(f"synthdata: wrote {report.to_html(report_target)}", err=True)
