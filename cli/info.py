"""`synthdata info MODEL`: what a model file holds, without sampling from it.

A table model shows its columns, kinds, constraints and training run; a database model
its tables, keys and parents. `--json` prints the same as JSON for scripts.
"""

from __future__ import annotations

import json
from typing import Any

import click

from synthdata import DatabaseSynthesizer, SynthDataError, TabularGAN
from synthdata.wording import plural


@click.command()
@click.argument("model_path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print what the model holds as JSON.")
def info(model_path: str, as_json: bool) -> None:
    """Show the columns, kinds, constraints, training settings and versions of MODEL_PATH
    (or the tables of a database model)."""
    try:
        summary = TabularGAN.load(model_path, device="cpu").info()
    except SynthDataError as table_error:
        try:
            summary = DatabaseSynthesizer.load(model_path, device="cpu").info()
        except SynthDataError:
            raise table_error from None
    if as_json:
        click.echo(json.dumps({"model": model_path, **summary}, indent=2, default=str))
    elif "tables" in summary:
        _show_database(model_path, summary)
    else:
        _show_table(model_path, summary)


def _show_table(model_path: str, summary: dict[str, Any]) -> None:
    click.echo(f"model:      {model_path}")
    click.echo(f"synthdata:  {summary['synthdata_version']} (model format {summary['format_version']})")
    click.echo(f"rows:       {summary['n_rows']:,} learned")
    training = summary["training"]
    click.echo(
        f"training:   {plural(training['epochs_run'], 'epoch')} in {training['seconds']:.1f} s on {training['device']}"
    )
    options = ", ".join(f"{key}={value}" for key, value in summary["options"].items())
    click.echo(f"options:    {options}")
    click.echo("columns:")
    width = max(len(name) for name in summary["columns"])
    for name, kind in summary["columns"].items():
        click.echo(f"  {name:<{width}}  {kind}")
    click.echo("constraints:" if summary["constraints"] else "constraints: none")
    for constraint in summary["constraints"]:
        click.echo(f"  {_inline(constraint)}")
    _show_privacy(summary["privacy"])


def _show_privacy(record: dict[str, Any] | None) -> None:
    """The DP guarantee: what was spent, how it was split, and what was public."""
    if record is None:
        click.echo("privacy:    no differential privacy (fitted without epsilon)")
        return
    click.echo(f"privacy:    ({record['epsilon']:g}, {record['delta']:g})-differential privacy for {record['unit']}")
    click.echo(f"  accountant:   {record['accountant']}")
    for mechanism in record["mechanisms"]:
        noise = f"noise multiplier {mechanism['noise_multiplier']:g}"
        if mechanism["steps"] > 1:
            noise += f", sample rate {mechanism['sample_rate']:.4g}, {mechanism['steps']} steps"
        click.echo(f"  epsilon {mechanism['epsilon']:.4f}  {mechanism['name']} ({noise})")
    click.echo(f"  public:       {record['public']}")
    click.echo(f"  switched off: {record['switched_off']}")
    click.echo(f"  post-processing: {record['post_processing']}")


def _show_database(model_path: str, summary: dict[str, Any]) -> None:
    tables = summary["tables"]
    click.echo(f"model:      {model_path} (a database model; fill a database: synthdata seed URL -m {model_path})")
    click.echo(f"tables:     {plural(len(tables), 'table')}, {sum(t['rows'] for t in tables.values()):,} rows learned")
    width = max(len(name) for name in tables)
    for name, table in tables.items():
        key = ", ".join(table["primary_key"]) if isinstance(table["primary_key"], list) else table["primary_key"]
        parts = [f"{table['rows']:,} rows", f"key {key or '-'}"]
        if table["parent"]:
            parts.append(f"child of {table['parent']}")
        click.echo(f"  {name:<{width}}  {', '.join(parts)}")


def _inline(constraint: dict[str, Any]) -> str:
    """`{type: inequality, low: A, high: B}` on one line, as in the schema file."""
    return "{" + ", ".join(f"{key}: {json.dumps(value, default=str)}" for key, value in constraint.items()) + "}"
