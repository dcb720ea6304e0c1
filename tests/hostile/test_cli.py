"""Broken files, bad options and interrupts at the command line: one line, the right exit code, nothing half written.

Every case runs through the real `synthdata` click group. The full matrix runs it
in-process (click's runner: same group, same error handling, no interpreter start per
case); a representative case of each kind, the interrupts and the large sample run it
as a subprocess, as a user does, where a traceback or a stray file would show.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import pickle
import pty
import select
import signal
import struct
import subprocess
import tempfile
import termios
import time
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from synthdata import TabularGAN, open_sink
from synthdata_cli.main import main

from .conftest import SYNTHDATA, assert_one_line_error, run_cli, small_table


def invoke(folder: Path, *args: str):
    """`synthdata ARGS` in `folder`, in-process; returns (exit code, stderr, unexpected exception)."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)
    unexpected = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stderr, unexpected


def assert_clean_failure(folder: Path, args: tuple[str, ...], code: int, mentions: str, *, before: set[str]) -> None:
    exit_code, stderr, unexpected = invoke(folder, *args)
    assert unexpected is None, repr(unexpected)
    assert exit_code == code, (exit_code, stderr)
    if code == 1:
        assert stderr.startswith("synthdata: error: ") and stderr.strip().count("\n") == 0, stderr
    else:
        assert "Error: " in stderr, stderr
    assert mentions in stderr, stderr
    assert set(os.listdir(folder)) == before, "a file was left behind"


def _listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))


BAD_DATA = {
    "missing": ("missing.csv", None, "missing.csv does not exist"),
    "a folder": ("folder.csv", "folder", "is a folder"),
    "empty": ("empty.csv", b"", "empty (0 bytes)"),
    "header only": ("header.csv", b"age,city\n", "header but no rows"),
    "blank lines only": ("blank.csv", b"\n\n\n", "no header and no rows"),
    "binary garbage": ("garbage.csv", bytes(range(256)) * 40, "binary content"),
    "a zip named .csv": ("zipped.csv", b"PK\x03\x04" + bytes(300), "binary content"),
    "ragged rows": ("ragged.csv", b"a,b\n1,2\n3,4,5\n6,7\n", "row 3"),
    "unsupported extension": ("table.xlsx", b"a,b\n1,2\n", "extension '.xlsx'"),
    "no extension": ("table", b"a,b\n1,2\n", "no extension"),
    "broken JSON lines": ("table.jsonl", b'{"a": 1}\n{"a": \n', "not valid JSON Lines"),
    "garbage Parquet": ("table.parquet", b"PAR1" + bytes(100), "not a readable Parquet file"),
}


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_data_files_are_one_line_and_no_model(case, tmp_path):
    name, content, mentions = BAD_DATA[case]
    if content == "folder":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content)
    assert_clean_failure(
        tmp_path, ("fit", name, "-o", "m.synth", "--epochs", "1"), 1, mentions, before=_listing(tmp_path)
    )


def test_an_unreadable_file_says_permission_denied(unprivileged_cli):
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o777)
        secret = folder / "secret.csv"
        small_table(20).to_csv(secret, index=False)
        secret.chmod(0)
        code, stderr = unprivileged_cli(folder, "fit", "secret.csv", "-o", "m.synth", "--epochs", "1")
        assert code == 1 and "Traceback" not in stderr, stderr
        assert "permission denied" in stderr and stderr.strip().count("\n") == 0, stderr
        assert sorted(os.listdir(folder)) == ["secret.csv"]
    finally:
        secret.chmod(0o600)
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def test_a_broken_file_from_a_real_process(tmp_path):
    (tmp_path / "garbage.csv").write_bytes(bytes(range(256)) * 40)
    result = run_cli(tmp_path, "fit", "garbage.csv", "--epochs", "1", "-q")
    assert_one_line_error(result, mentions="binary content")
    assert sorted(os.listdir(tmp_path)) == ["garbage.csv"]


ODD_BUT_READABLE = {
    "semicolons, a BOM and quoted newlines": (
        "\ufeffage;city;note\n" + "".join(f'{20 + i % 50};Köln;"two\nlines; {i % 3}"\n' for i in range(120)),
        "utf-8",
    ),
    "Latin-1 with pipes": (
        "age|city\n" + "".join(f"{20 + i % 50}|{'Zürich' if i % 2 else 'Málaga'}\n" for i in range(120)),
        "latin-1",
    ),
}


@pytest.mark.parametrize("case", list(ODD_BUT_READABLE))
def test_odd_but_readable_files_fit_and_keep_their_text(case, tmp_path):
    text, encoding = ODD_BUT_READABLE[case]
    (tmp_path / "odd.csv").write_bytes(text.encode(encoding))
    code, stderr, unexpected = invoke(tmp_path, "fit", "odd.csv", "--epochs", "1", "--batch-size", "50", "-q")
    assert (code, unexpected) == (0, None), stderr
    code, stderr, unexpected = invoke(tmp_path, "sample", "-m", "odd.synth", "-n", "40", "-o", "out.csv", "-q")
    assert (code, unexpected) == (0, None), stderr
    real = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), sep=None, engine="python")
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written.columns) == list(real.columns)
    for name in real.columns:
        if real[name].dtype == object:
            assert set(written[name]) <= set(real[name]), name


@pytest.fixture(scope="module")
def model_files(model_folder) -> Path:
    """Beside the good model: damaged, truncated, newer, foreign and pickled ones."""
    good = (model_folder / "table.synth").read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(members["meta.json"])
    newer = io.BytesIO()
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr("meta.json", json.dumps({**meta, "format_version": 7}))
        archive.writestr("weights.safetensors", members["weights.safetensors"])
    damaged = bytearray(good)
    start = damaged.find(b"weights.safetensors") + 60
    damaged[start : start + 200] = bytes(200)
    files = {
        "damaged.synth": bytes(damaged),
        "truncated.synth": good[: len(good) // 2],
        "newer.synth": newer.getvalue(),
        "table-as.synth": (model_folder / "table.csv").read_bytes(),
        "pickled.synth": pickle.dumps({"weights": [1, 2, 3]}),
        "empty.synth": b"",
    }
    for name, content in files.items():
        (model_folder / name).write_bytes(content)
    return model_folder


BAD_MODELS = {
    "missing.synth": "does not exist",
    "damaged.synth": "damaged",
    "truncated.synth": "damaged",
    "newer.synth": "newer synthdata",
    "table-as.synth": "not a synthdata model file",
    "pickled.synth": "not a synthdata model file",
    "empty.synth": "not a synthdata model file",
}


@pytest.mark.parametrize("model", list(BAD_MODELS))
def test_bad_model_files_are_one_line_and_no_output(model, model_files):
    before = _listing(model_files)
    assert_clean_failure(
        model_files, ("sample", "-m", model, "-n", "5", "-o", "out.csv"), 1, BAD_MODELS[model], before=before
    )
    assert_clean_failure(model_files, ("info", model), 1, BAD_MODELS[model], before=before)


def test_a_damaged_model_from_a_real_process(model_files):
    result = run_cli(model_files, "sample", "-m", "damaged.synth", "-n", "5", "-o", "out.csv")
    assert_one_line_error(result, mentions="damaged.synth")
    assert not (model_files / "out.csv").exists()


BAD_SAMPLE_OPTIONS = {
    "-n 0": (("-n", "0"), 2, "0 is not in the range"),
    "-n -5": (("-n", "-5"), 2, "-5 is not in the range"),
    "-n abc": (("-n", "abc"), 2, "'abc' is not a valid integer"),
    "-n 1e3": (("-n", "1e3"), 2, "'1e3' is not a valid integer"),
    "unknown --where column": (("-n", "5", "--where", "planet=Mars"), 1, "planet"),
    "unknown --where category": (("-n", "5", "--where", "city=Paris"), 1, "never holds 'Paris'"),
    "--where without an operator": (("-n", "5", "--where", "city"), 1, "Cannot read the condition 'city'"),
    "--where with text for a number": (("-n", "5", "--where", "age>=old"), 1, "'old'"),
    "--where range on a category": (("-n", "5", "--where", "city>=3"), 1, "categorical"),
    "--where that never holds": (("-n", "5", "--where", "age>=1000"), 1, "too rare"),
    "a negative seed": (("-n", "5", "--seed", "-1"), 1, "seed must be a whole number"),
    "a shard that does not exist": (("-n", "5", "--shard", "5/2"), 2, "does not exist"),
    "an unknown format": (("-n", "5", "--format", "xlsx"), 2, "'xlsx' is not one of"),
    "--to without --table": (("-n", "5", "--to", "sqlite:///x.db"), 2, "--to needs --table"),
}


@pytest.mark.parametrize("case", list(BAD_SAMPLE_OPTIONS))
def test_bad_sample_options(case, model_folder):
    options, code, mentions = BAD_SAMPLE_OPTIONS[case]
    args = ("sample", "-m", "table.synth", *options, "-o", "out.csv")
    assert_clean_failure(model_folder, args, code, mentions, before=_listing(model_folder))


def test_a_usage_error_from_a_real_process(model_folder):
    result = run_cli(model_folder, "sample", "-m", "table.synth", "-n", "0", "-o", "out.csv")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Error: Invalid value for '-n' / '--rows': 0 is not in the range x>=1." in result.stderr
    assert not (model_folder / "out.csv").exists()


BAD_OUTPUTS = {
    "a missing folder": ("nowhere/out.csv", "the folder nowhere does not exist"),
    "a file as the folder": ("table.csv/out.csv", "table.csv is a file, not a folder"),
    "a folder as the file": ("sub.csv", "sub.csv is a folder"),
    "an existing file": ("table.csv", "table.csv already exists"),
    "an unsupported extension": ("out.xlsx", "extension '.xlsx'"),
    "a place nobody may create files": ("/proc/out.csv", "cannot write /proc/out.csv"),
}


@pytest.mark.parametrize("case", list(BAD_OUTPUTS))
def test_unwritable_outputs_leave_nothing_behind(case, model_folder):
    (model_folder / "sub.csv").mkdir(exist_ok=True)
    target, mentions = BAD_OUTPUTS[case]
    existing = (model_folder / "table.csv").read_bytes()
    assert_clean_failure(
        model_folder,
        ("sample", "-m", "table.synth", "-n", "5", "-o", target),
        1,
        mentions,
        before=_listing(model_folder),
    )
    assert (model_folder / "table.csv").read_bytes() == existing


@pytest.mark.parametrize("target", ["nowhere/m.synth", "table.csv/m.synth", "/proc/m.synth"])
def test_an_unwritable_model_path_is_one_line(target, model_folder):
    args = ("fit", "table.csv", "--epochs", "1", "--batch-size", "50", "-q", "-o", target)
    assert_clean_failure(model_folder, args, 1, f"cannot write {target}", before=_listing(model_folder))


def test_an_unwritable_output_from_a_real_process(model_folder):
    result = run_cli(model_folder, "sample", "-m", "table.synth", "-n", "5", "-o", "/proc/out.csv")
    assert_one_line_error(result, mentions="cannot write /proc/out.csv")


def _interruptible() -> None:
    """Run in the child before it starts: a test runner launched in the background may
    pass SIGINT on as ignored, and Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "never got ready to interrupt"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)


def test_interrupting_fit_leaves_no_model(tmp_path):
    """SIGINT once the progress bar (on a terminal) shows training: exit 130, no model file."""
    small_table(2000).to_csv(tmp_path / "table.csv", index=False)
    terminal, child_side = pty.openpty()
    # A terminal of no size gets no progress bar at all.
    fcntl.ioctl(child_side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [*SYNTHDATA, "fit", "table.csv", "--epochs", "10000", "--batch-size", "50", "-o", "m.synth"],
        cwd=tmp_path,
        stdout=child_side,
        stderr=child_side,
        preexec_fn=_interruptible,
    )
    os.close(child_side)
    shown = bytearray()

    def training() -> bool:
        if select.select([terminal], [], [], 0.05)[0]:
            shown.extend(os.read(terminal, 65536))
        return b"Training" in shown

    _interrupt_when(process, training)
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(terminal)
    assert process.wait(timeout=60) == 130
    text = shown.decode(errors="replace")
    assert "Traceback" not in text and text.rstrip().endswith("synthdata: interrupted"), text
    assert sorted(os.listdir(tmp_path)) == ["table.csv"]


def _sampling(folder: Path, rows: int, output: str) -> subprocess.Popen:
    command = [*SYNTHDATA, "sample", "-m", "table.synth", "-n", str(rows), "-o", output, "-q"]
    return subprocess.Popen(command, cwd=folder, stderr=subprocess.PIPE, text=True, preexec_fn=_interruptible)


def test_interrupting_a_sample_leaves_no_output(model_folder):
    process = _sampling(model_folder, 5_000_000, "big.csv")

    def partial() -> bool:
        return any(
            name.startswith(".big.csv.") and (model_folder / name).stat().st_size for name in os.listdir(model_folder)
        )

    _interrupt_when(process, partial)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in stderr, stderr
    assert not [name for name in os.listdir(model_folder) if "big" in name]


def test_a_quarter_million_rows_stream_to_the_file(model_folder):
    """The rows reach the (temporary) file chunk by chunk while later chunks are still being made."""
    process = _sampling(model_folder, 250_000, "many.csv")
    sizes = set()
    while process.poll() is None:
        temporary = [name for name in os.listdir(model_folder) if name.startswith(".many.csv.")]
        for name in temporary:
            with contextlib.suppress(FileNotFoundError):
                sizes.add((model_folder / name).stat().st_size)
        time.sleep(0.01)
    assert process.returncode == 0, process.stderr.read()
    final = (model_folder / "many.csv").stat().st_size
    assert any(0 < size < final for size in sizes), "the file appeared all at once"
    with open(model_folder / "many.csv") as written:
        assert sum(1 for _ in written) == 250_001
    assert not [name for name in os.listdir(model_folder) if name.startswith(".many.csv.")]


def test_a_large_sample_holds_one_chunk_at_a_time(model_folder, tmp_path):
    """Five chunks take little more memory than one (after the first chunk's warm-up);
    holding all the rows would take five times as much."""
    model = TabularGAN.load(model_folder / "table.synth")
    model.verbose = False
    peaks = {}
    for n in (25_000, 125_000):
        tracemalloc.start()
        with open_sink(tmp_path / f"{n}.csv", verbose=False) as sink:
            for chunk in model.sample_chunks(n, chunk_size=25_000):
                sink.write(chunk)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks[125_000] < 2.5 * peaks[25_000], peaks
