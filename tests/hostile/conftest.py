"""Fixtures for hostile inputs: the CLI as a user runs it, a small table, a small model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SYNTHDATA = [sys.executable, "-m", "synthdata_cli"]
NOBODY = 65534


def run_cli(folder: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`synthdata ARGS` in `folder`, as a subprocess; its output as text."""
    return subprocess.run([*SYNTHDATA, *args], cwd=folder, capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, code: int = 1, *, mentions: str = "") -> str:
    """A failed command printed one line on stderr (no traceback) and exited with `code`."""
    message = result.stderr.strip()
    assert result.returncode == code, (result.returncode, message)
    assert "Traceback" not in result.stderr and message.count("\n") == 0, message
    assert mentions in message, message
    return message


def small_table(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A few columns of each modelled kind, quick to fit."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": np.round(rng.lognormal(10, 1, n), 2),
            "city": rng.choice(["Lyon", "Köln", "São Paulo"], n),
            "member": rng.random(n) < 0.3,
            "joined": pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        }
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess]:
    return run_cli


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    """A folder holding table.csv and table.synth, fitted for one epoch."""
    folder = tmp_path_factory.mktemp("model")
    small_table().to_csv(folder / "table.csv", index=False)
    result = run_cli(folder, "fit", "table.csv", "--epochs", "1", "--batch-size", "50", "-q")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def unprivileged_cli() -> Callable[..., tuple[int, str]]:
    """Runs the CLI as a user without special rights (root reads any file): in a forked
    child that drops to nobody, since that user cannot start the virtualenv's Python.
    Returns (exit code, stderr)."""

    def run(folder: Path, *args: str) -> tuple[int, str]:
        if os.geteuid() != 0:
            result = run_cli(folder, *args)
            return result.returncode, result.stderr
        from click.testing import CliRunner

        from synthdata_cli.main import main

        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            report = {"code": -1, "stderr": "child failed"}
            try:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                os.chdir(folder)
                outcome = CliRunner().invoke(main, list(args))
                unexpected = outcome.exception if not isinstance(outcome.exception, SystemExit) else None
                report = {
                    "code": outcome.exit_code,
                    "stderr": outcome.stderr + (f"Traceback: {unexpected!r}" if unexpected else ""),
                }
            finally:
                os.write(write_end, json.dumps(report).encode())
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            report = json.loads(pipe.read())
        os.waitpid(pid, 0)
        return report["code"], report["stderr"]

    return run
