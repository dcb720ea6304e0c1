"""`synthdata evaluate REAL SYNTH`: how faithful, useful and private a synthetic table is.

With `--database`, REAL and SYNTH are whole databases and the scores are entity-level:
for each parent table, how well a classifier tells its real rows-with-histories from
synthetic ones (`evaluate_database`)."""

from __future__ import annotations

from typing import Literal

import click

from synthdata import Schema, evaluate, evaluate_database, read_table
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
@click.option(
    "--database",
    is_flag=True,
    help="REAL and SYNTH are whole databases (URLs): entity-level detection per parent table; --schema then "
    "names a database schema giving the foreign keys.",
)
@click.option(
    "--parent",
    "parents",
    multiple=True,
    help="With --database: judge only this parent table (repeat for more; default every one).",
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
    database: bool,
    parents: tuple[str, ...],
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
    if parents and not database:
        raise click.UsageError("--parent names a parent table of a database; add --database.")
    if database:
        given = {"--target": target, "--holdout": holdout, "--table": table, "--max-rows": max_rows}
        given.update({"--synthetic-table": synthetic_table, "--holdout-table": holdout_table})
        clashing = [name for name, value in given.items() if value is not None]
        if clashing:
            raise click.UsageError(f"--database compares whole databases; drop {', '.join(clashing)}.")
        result = evaluate_database(real, synthetic, schema=schema_path, parents=parents or None, seed=seed)
        click.echo(str(result))
        if json_target is not None:
            click.echo(f"synthdata: wrote {result.to_json(json_target)}", err=True)
        if report_target is not None:
            click.echo(f"synthdata: wrote {result.to_html(report_target)}", err=True)
        return

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
