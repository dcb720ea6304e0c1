"""The `synthdata` command group: one line per error, exit 1 for data, 2 for usage.

Each command lives in its own module and is registered here; commands parse options
and call the public API of `synthdata`, nothing more.
"""

from __future__ import annotations

import sys

import click

from synthdata import SynthDataError, __version__


class SynthDataGroup(click.Group):
    """A click group that turns a SynthDataError into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context):  # noqa: D401 - click's signature
        try:
            return super().invoke(ctx)
        except SynthDataError as error:
            click.echo(f"{_fresh_line()}synthdata: error: {error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"{_fresh_line()}synthdata: interrupted", err=True)
            sys.exit(130)


def _fresh_line() -> str:
    """On a terminal, return to the start of the line and clear it: a progress bar cut
    short by the error may still hold it."""
    return "\r\x1b[K" if sys.stderr.isatty() else ""


@click.group(cls=SynthDataGroup)
@click.version_option(__version__, prog_name="synthdata")
def main() -> None:
    """Synthetic tabular and test data: fit a model on a table, sample rows, evaluate, seed databases."""


from synthdata_cli.evaluate import evaluate_command  # noqa: E402  (commands register after the group exists)
from synthdata_cli.fit import fit  # noqa: E402
from synthdata_cli.info import info  # noqa: E402
from synthdata_cli.sample import sample  # noqa: E402
from synthdata_cli.schema import schema_command  # noqa: E402
from synthdata_cli.seed import seed  # noqa: E402

main.add_command(fit)
main.add_command(sample)
main.add_command(info)
main.add_command(evaluate_command)
main.add_command(schema_command)
main.add_command(seed)
