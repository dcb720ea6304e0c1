"""Fixtures for the io tests: running code as an unprivileged user, and throwaway databases."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

NOBODY = 65534


def _as_unprivileged(action: Callable[[], object]) -> str:
    """Run `action` as a user without special rights; return its error as 'Type: message', or 'ok'."""
    if os.geteuid() != 0:
        try:
            action()
        except Exception as error:
            return f"{type(error).__name__}: {error}"
        return "ok"
    # Root may read and write anything: drop to an unprivileged user in a child process.
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            action()
            message = "ok"
        except BaseException as error:  # the child reports whatever happened, then exits
            message = f"{type(error).__name__}: {error}"
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


@pytest.fixture
def unprivileged() -> Callable[[Callable[[], object]], str]:
    """Runs a function as an unprivileged user and returns 'ok' or 'ErrorType: message'."""
    return _as_unprivileged


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's own temporary folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="synthdata-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)
