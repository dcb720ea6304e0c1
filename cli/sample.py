"""`synthdata sample`: synthetic rows from a model file (or from a schema alone)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterable
from pathlib import Path

import click
import pandas as pd

from synthdata import Schema, TabularGAN, open_sink
from synthdata_cli.options import (
    IF_EXISTS_CHOICE,
    OVERWRITE_POLICY,
    IfExists,
    checked_output,
    force_option,
    model_file_option,
    newest_model,
    parse_shard,
)


@click.command(epilog=OVERWRITE_POLICY.replace("--force", "--force (or --if-exists replace)"))
@model_file_option("Model file")
@click.option("-n", "--rows", type=click.IntRange(min=1), required=True, help="Number of rows to produce.")
@click.option(
    "-o",
    "--output",
    help="File to write (.csv, .parquet, .jsonl), or - for CSV on stdout [default: NAME.synthetic.csv].",
)
@click.option("--where", "where", multiple=True, help="Condition, e.g. GENDER=F or age>=30; repeat to combine.")
@click.option(
    "--schema", "schema_path", type=click.Path(dir_okay=False), help="Generate from this schema alone, with no model."
)
@click.option("--to", "database", help="Database URL to write to instead of a file.")
@click.option("--table", help="Table to write with --to.")
@click.option(
    "--if-exists",
    type=IF_EXISTS_CHOICE,
    default="fail",
    show_default=True,
    help="What to do when the output file or table exists.",
)
@click.option("--shard", help="Produce only slice I of N (I/N), for parallel generation.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "jsonl"]),
    help="Output format when the file name does not say.",
)
@click.option("--seed", type=int, help="Random seed [default: the model's].")
@click.option(
    "--dirty",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    help="Share of cells to replace by edge cases (nulls, odd unicode, limits).",
)
@click.option("--dirty-marker", help="Add a column of this name listing the dirtied columns of each row.")
@force_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def sample(
    model_path: str | None,
    rows: int,
    output: str | None,
    where: tuple[str, ...],
    schema_path: str | None,
    database: str | None,
    table: str | None,
    if_exists: IfExists,
    shard: str | None,
    fmt: str | None,
    seed: int | None,
    dirty: float,
    dirty_marker: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """Write ROWS synthetic rows to a file, standard output or a database table."""
    if database and not table:
        raise click.UsageError("--to needs --table to name the table to write.")
    if database and output:
        raise click.UsageError("-o and --to both name where rows go; give one of them.")
    if schema_path and model_path:
        raise click.UsageError("--schema generates without a model, and -m names one; give one of them.")
    if force and if_exists == "append":
        raise click.UsageError("--force replaces the output, and --if-exists append keeps it; give one of them.")
    shard_index = parse_shard(shard)
    if force:
        if_exists = "replace"
    path: Path | None
    if schema_path:
        path, name = None, Path(schema_path).name.split(".")[0]
    else:
        path = Path(model_path) if model_path else newest_model(Path("."))
        name = path.name.removesuffix(".synth")
    target = database or output or f"{name}.synthetic.csv"
    if not database and target != "-":
        hint = "--force (or --if-exists replace)"
        checked_output(target, inputs=(schema_path, path), force=if_exists != "fail", hint=hint)
    if schema_path:
        if where or shard:
            raise click.UsageError("--where and --shard need a model; --schema generates from the schema alone.")
        schema = Schema.load(schema_path)
    else:
        if not model_path:
            click.echo(f"synthdata: using model {path}", err=True)
        assert path is not None  # without --schema, a model file was named or found above
        model = TabularGAN.load(path)
        model.verbose = not quiet
        schema = model.schema_
    # The schema gives a text file each decimal column's places.
    file_schema = None if database else schema
    try:
        with open_sink(
            target, table=table, if_exists=if_exists, fmt=fmt, schema=file_schema, verbose=not quiet
        ) as sink:
            finite = not sink.stores_infinity
            chunks: Iterable[pd.DataFrame]
            if schema_path:
                chunks = [schema.sample(rows, seed=seed or 0, dirty=dirty, marker=dirty_marker, finite=finite)]
            else:
                chunks = model.sample_chunks(
                    rows, conditions=list(where), seed=seed, shard=shard_index, dirty=dirty,
                    dirty_marker=dirty_marker, dirty_finite=finite,
                )  # fmt: skip
            for chunk in chunks:
                sink.write(chunk)
    except BrokenPipeError:
        # The reader of standard output has all it wanted (`| head`): end quietly, with the
        # status of a process stopped by SIGPIPE.
        sys.exit(128 + signal.SIGPIPE)
    if target != "-":
        click.echo(f"synthdata: wrote {sink.rows_written:,} rows to {sink.description}", err=True)
