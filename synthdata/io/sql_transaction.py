"""What the SQL sinks share: one connection holding the one transaction every row goes into.

A sink opens it in its constructor, writes through `_connection` inside `_errors`, and
ends it with its own commit or with `abort`: the transaction is rolled back and the
tables a database committed on its own (MySQL and MariaDB commit DDL at once) are
dropped again, so a failure leaves the database as it was. An interrupt (Ctrl-C, or
the TERM and HUP the CLI turns into one) may land while the driver is half way
through a message to the server, where the connection can no longer be trusted with
a ROLLBACK: it is closed instead, which rolls the transaction back on the server, and
the tables are dropped on a fresh connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from tqdm.auto import tqdm

from synthdata.io.sql_url import create_engine, database_errors, driver_errors


class TransactionalWrite:
    """Base of the SQL sinks: the engine, connection, transaction, progress bar and rollback."""

    url: sa.URL

    def _open_transaction(
        self, *, label: str, verbose: bool, doing: str, on_connect: Callable[..., None] | None = None
    ) -> None:
        """Connect to `self.url` and begin the transaction (once, from the sink's constructor)."""
        self._engine = create_engine(self.url)
        if on_connect is not None:
            sa.event.listen(self._engine, "connect", on_connect)
        self._atomic_ddl = self._engine.dialect.name in ("postgresql", "sqlite")
        # MySQL and MariaDB have no infinite floating-point value.
        self.stores_infinity = self._engine.dialect.name not in ("mysql", "mariadb")
        self._bar = tqdm(unit=" rows", desc=label, disable=None if verbose else True, delay=0.5)
        self._open = False
        with self._errors(doing):
            self._connection = self._engine.connect()
            self._open = True
            self._connection.begin()

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Database errors become one SynthDataError; any failure rolls the write back first."""
        try:
            with database_errors(self.url, doing):
                yield
        except Exception:
            self.abort()
            raise
        except BaseException:
            self._abandon()
            raise

    def _created_outside_transaction(self) -> list[str]:
        """Tables this sink created that the database committed on its own, dropped on abort."""
        raise NotImplementedError

    def abort(self) -> None:
        """Throw away everything written."""
        if not self._open:
            return
        _roll_back(self._connection, created=self._created_outside_transaction())
        self._close()

    def _abandon(self) -> None:
        """Throw away everything written after an interrupt inside a database call: close, then drop anew."""
        if not self._open:
            return
        self._connection.invalidate()
        created = self._created_outside_transaction()
        if created:
            with contextlib.suppress(*driver_errors()), self._engine.connect() as fresh:
                _drop(fresh, created)
        self._close()

    def _close(self) -> None:
        self._open = False
        self._bar.close()
        self._connection.close()
        self._engine.dispose()


def _roll_back(connection: sa.Connection, *, created: list[str]) -> None:
    """Roll back the transaction, then drop the `created` tables a database committed on its own.

    Whatever failed first is what the caller hears about: a connection that broke may
    fail the rollback too, and the server then rolls back by itself.
    """
    with contextlib.suppress(*driver_errors()):
        connection.rollback()
        if created:
            _drop(connection, created)


def _drop(connection: sa.Connection, created: list[str]) -> None:
    """Drop the `created` tables that are there, last created first (children before parents)."""
    for name in reversed(created):
        sa.Table(name, sa.MetaData()).drop(connection, checkfirst=True)
    connection.commit()
