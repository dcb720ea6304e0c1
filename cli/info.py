"""`synthdata info MODEL`: what a model file holds, without sampling from it."""

from __future__ import annotations

import click

from synthdata import TabularGAN


@click.command()
@click.argument("model_path", type=click.Path(dir_okay=False))
def info(model_path: str) -> None:
    """Show the columns, kinds, training settings and versions of MODEL_PATH."""
    summary = TabularGAN.load(model_path, device="cpu").info()
    click.echo(f"model:      {model_path}")
    click.echo(f"synthdata:  {summary['synthdata_version']} (model format {summary['format_version']})")
    click.echo(f"rows:       {summary['n_rows']:,} learned")
    training = summary["training"]
    click.echo(
        f"training:   {training['epochs_run']} epochs in {training['seconds']:.1f} s on {training['device']}"
    )
    options = ", ".join(f"{key}={value}" for key, value in summary["options"].items())
    click.echo(f"options:    {options}")
    click.echo("columns:")
    width = max(len(name) for name in summary["columns"])
    for name, kind in summary["columns"].items():
        click.echo(f"  {name:<{width}}  {kind}")
