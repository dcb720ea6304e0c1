"""`synthdata fit DATA`: learn a table and write a `.synth` model file."""

from __future__ import annotations

import click

from synthdata import Schema, TabularGAN, read_table
from synthdata_cli.options import (
    OVERWRITE_POLICY,
    checked_output,
    force_option,
    model_option,
    refuse_database_options,
    source_name,
)
from synthdata_cli.seed import fit_database


@click.command(epilog=OVERWRITE_POLICY)
@click.argument("data")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Model file to write [default: NAME.synth here].")
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(dir_okay=False),
    help="Schema file (YAML or JSON) to use instead of inferring one.",
)
@click.option("--table", help="Table to read when DATA is a database URL.")
@click.option("--query", help="SQL query to read when DATA is a database URL.")
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Fit on a uniform sample of at most this many rows.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    help="Training epochs [default: as many as make 2,500 steps, each row seen at most 1,100 times].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=10),
    default=500,
    show_default=True,
    callback=model_option,
    help="A multiple of 10 (the critic packs 10 rows).",
)
@click.option("--max-time", callback=model_option, help="Stop training after this long, e.g. 90s, 10m, 1h.")
@click.option("--device", default="auto", show_default=True, callback=model_option, help="auto, cpu or cuda.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--checkpoint-every", type=click.IntRange(min=1), help="Save the training state every N epochs to MODEL.ckpt."
)
@click.option("--resume", is_flag=True, help="Continue from MODEL.ckpt when it exists.")
@click.option(
    "--no-calibrate",
    is_flag=True,
    help="Sample the generator as trained, without matching the real shares of categories, modes and nulls or the spread within modes.",
)
@click.option(
    "--no-refine",
    is_flag=True,
    help="Keep every generated row, without the classifier that drops rows unlike real ones (faster sampling).",
)
@click.option(
    "--no-redraw",
    is_flag=True,
    help="Keep each category as the generator draws it, without redrawing it from what real rows say it should be given the rest of the row.",
)
@click.option(
    "--epsilon",
    type=float,
    help="Fit with (epsilon, delta)-differential privacy for each row, e.g. 1, 3 or 10 (smaller is more private).",
)
@click.option("--delta", type=float, help="The delta of --epsilon [default: min(1e-5, 0.1/rows)].")
@click.option(
    "--distributed",
    is_flag=True,
    help="Train data-parallel as one process of a torchrun job (gloo on CPUs, NCCL on GPUs).",
)
@force_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def fit(
    data: str,
    output: str | None,
    schema_path: str | None,
    table: str | None,
    query: str | None,
    max_rows: int,
    epochs: int | None,
    batch_size: int,
    max_time: str | None,
    device: str,
    seed: int,
    checkpoint_every: int | None,
    resume: bool,
    no_calibrate: bool,
    no_refine: bool,
    no_redraw: bool,
    epsilon: float | None,
    delta: float | None,
    distributed: bool,
    force: bool,
    quiet: bool,
) -> None:
    """Learn the table DATA (a .csv, .parquet or .jsonl file, or a database URL), or a whole
    database: a database URL without --table or --query.

    The output is checked before training starts."""
    refuse_database_options(data, table, query)
    target = checked_output(output or f"{source_name(data, table)}.synth", inputs=(data, schema_path), force=force)
    if "://" in data and table is None and query is None:
        return fit_database(click.get_current_context().params, target)
    frame = read_table(data, table=table, query=query, max_rows=max_rows, seed=seed, verbose=not quiet)
    schema = Schema.load(schema_path) if schema_path else None
    checkpoint = target.with_name(target.name + ".ckpt")
    tracked = checkpoint_every is not None or resume
    model = TabularGAN(
        epochs=epochs,
        batch_size=batch_size,
        max_time=max_time,
        device=device,
        seed=seed,
        calibrate=not no_calibrate,
        refine=not no_refine,
        redraw=not no_redraw,
        epsilon=epsilon,
        delta=delta,
        verbose=not quiet,
    ).fit(
        frame,
        schema=schema,
        checkpoint=checkpoint if tracked else None,
        checkpoint_every=checkpoint_every or 10,
        resume=resume,
        distributed=distributed,
    )
    written = model.save(target)
    if model.replica_rank_ != 0:
        return
    checkpoint.unlink(missing_ok=True)
    click.echo(f"synthdata: wrote model {written} ({len(frame):,} rows learned)", err=True)
