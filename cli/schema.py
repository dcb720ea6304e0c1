"""`synthdata schema infer DATA` and `synthdata schema validate SCHEMA [DATA]`.

`infer` writes the schema a table suggests (YAML on standard output by default), a
starting point to edit; `validate` checks a schema file against the format, with
line numbers, and, given data, the data against the schema. A validation that finds
problems exits 1, so scripts and CI can rely on it.
"""

from __future__ import annotations

import json
import sys

import click

from synthdata import Schema, read_table
from synthdata.wording import plural
from synthdata_cli.options import (
    OVERWRITE_POLICY,
    checked_output,
    force_option,
    refuse_database_options,
    source_name,
)


@click.group("schema")
def schema_command() -> None:
    """Infer a schema from data, or check a schema file (and data against it)."""


@schema_command.command("infer", epilog=OVERWRITE_POLICY)
@click.argument("data")
@click.option("--table", help="Table to read when DATA is a database URL.")
@click.option("--query", help="SQL query to read when DATA is a database URL.")
@click.option("--name", help="The table's name in the schema [default: the file's or table's name].")
@click.option("--max-rows", type=click.IntRange(min=1), help="Infer from a uniform sample of at most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Write JSON instead of YAML.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write [default: standard output].")
@force_option
def infer(
    data: str,
    table: str | None,
    query: str | None,
    name: str | None,
    max_rows: int | None,
    as_json: bool,
    output: str | None,
    force: bool,
) -> None:
    """Print the schema the table DATA suggests (a file or a database URL)."""
    refuse_database_options(data, table, query)
    target = checked_output(output, inputs=(data,), force=force) if output is not None else None
    frame = read_table(data, table=table, query=query, max_rows=max_rows, verbose=False)
    schema = Schema.infer(frame, table=name or source_name(data, table))
    if target is None:
        click.echo(schema.to_json() if as_json else schema.to_yaml(), nl=False)
        return
    schema.save(target, as_json=as_json)
    click.echo(f"synthdata: wrote schema {target} ({plural(len(schema.columns), 'column')})", err=True)


@schema_command.command("validate")
@click.argument("schema_file", type=click.Path(dir_okay=False))
@click.argument("data", required=False)
@click.option("--table", help="Table to read when DATA is a database URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the data report as JSON.")
def validate(schema_file: str, data: str | None, table: str | None, as_json: bool) -> None:
    """Check SCHEMA_FILE against the format and, given DATA, the data against it."""
    if data is not None:
        refuse_database_options(data, table)
    schema = Schema.load(schema_file)
    click.echo(
        f"{schema_file}: valid schema file ({plural(len(schema.columns), 'column')}, "
        f"{plural(len(schema.constraints), 'constraint')})",
        err=data is not None and as_json,
    )
    if data is None:
        return
    report = schema.validate(read_table(data, table=table, verbose=False))
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else f"{data}: {report}")
    if not report.ok:
        sys.exit(1)
