"""The `synthdata` command group: one line per error, exit 1 for data, 2 for usage.

Each command lives in its own module and is registered here; commands parse options
and call the public API of `synthdata`, nothing more. SIGTERM (from kill, docker,
Kubernetes, CI) and SIGHUP (a closed terminal) stop a run the way Ctrl-C does: the
interrupt is raised where the program stands, so every sink throws away what it
wrote (temporary files, staging tables, half-seeded databases), and the exit status
is 128 + the signal's number (130 for INT, 143 for TERM, 129 for HUP).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

import click

from synthdata import SynthDataError, __version__


class SynthDataGroup(click.Group):
    """A click group that turns a SynthDataError into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            with _stop_signals_interrupt():
                return super().invoke(ctx)
        except SynthDataError as error:
            click.echo(f"{_fresh_line()}synthdata: error: {error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as interrupt:
            number = interrupt.signal if isinstance(interrupt, Interrupted) else signal.SIGINT
            named = f" ({number.name})" if number != signal.SIGINT else ""
            click.echo(f"{_fresh_line()}synthdata: interrupted{named}", err=True)
            sys.exit(128 + number)


class Interrupted(KeyboardInterrupt):
    """A stop signal, raised as an interrupt so the run ends through the same clean-up as Ctrl-C."""

    def __init__(self, number: signal.Signals) -> None:
        super().__init__(number.name)
        self.signal = number


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """While a command runs, INT, TERM and HUP raise Interrupted; the handlers before are restored after."""

    def interrupt(number: int, _frame: object) -> None:
        # One stop is enough: a second signal must not cut short the clean-up the first started.
        for each in _STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        raise Interrupted(signal.Signals(number))

    if threading.current_thread() is not threading.main_thread():
        # Only the main thread may set handlers; a command run from another thread keeps the process's own.
        yield
        return
    # A signal the parent set to be ignored (nohup, a background job's INT) stays ignored.
    previous = {number: signal.getsignal(number) for number in _STOP_SIGNALS}
    previous = {number: handler for number, handler in previous.items() if handler not in (signal.SIG_IGN, None)}
    for number in previous:
        signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


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
