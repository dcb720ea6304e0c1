"""Install the built wheel into a fresh venv outside the clone and run the command line there.

`make dist` runs this after `python -m build` and `twine check`: it proves the wheel
carries everything a user needs (every package, the JSON Schema, py.typed, the console
script, the pytest plugin) and that nothing imports from the checkout. The venv gets
the pinned CPU torch first, so pip never resolves a CUDA build.

    python .ci/wheel_check.py dist
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

TORCH_VERSION = os.environ.get("TORCH_VERSION", "2.13.0")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "patients.csv"


def run(*command: str | Path, cwd: Path) -> str:
    print("$", " ".join(str(part) for part in command), flush=True)
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main(dist: Path) -> None:
    wheels = sorted(dist.glob("synthdata-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one synthdata wheel in {dist}, found {[wheel.name for wheel in wheels]}")
    with tempfile.TemporaryDirectory(prefix="synthdata-wheel-") as scratch:
        work = Path(scratch)
        venv.create(work / "venv", with_pip=True)
        bin_dir = work / "venv" / "bin"
        run(bin_dir / "pip", "install", "-q", f"torch=={TORCH_VERSION}", cwd=work)
        run(bin_dir / "pip", "install", "-q", wheels[0].resolve(), cwd=work)
        version = run(bin_dir / "synthdata", "--version", cwd=work)
        print(version.strip())
        shipped = run(
            bin_dir / "python",
            "-c",
            "import importlib.resources as r, synthdata; "
            "f = r.files('synthdata'); "
            "assert f.joinpath('py.typed').is_file(), 'py.typed'; "
            "assert f.joinpath('schema', 'synthdata.schema.json').is_file(), 'schema'; "
            "print(synthdata.__file__)",
            cwd=work,
        )
        if str(Path.cwd()) in shipped or "/site-packages/" not in shipped:
            sys.exit(f"synthdata was imported from {shipped.strip()}, not from the installed wheel")
        run(bin_dir / "synthdata", "fit", EXAMPLE, "--epochs", "1", "-o", "patients.synth", "-q", cwd=work)
        run(bin_dir / "synthdata", "sample", "-m", "patients.synth", "-n", "50", "-o", "rows.csv", "-q", cwd=work)
        rows = (work / "rows.csv").read_text().splitlines()
        if len(rows) != 51:
            sys.exit(f"expected a header and 50 rows, got {len(rows)} lines")
        plugins = run(
            bin_dir / "python",
            "-c",
            "from importlib.metadata import entry_points; print([e.value for e in entry_points(group='pytest11')])",
            cwd=work,
        )
        if "synthdata.testing" not in plugins:
            sys.exit(f"the pytest11 entry point is missing: {plugins}")
        print("the wheel installs and runs outside the clone")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist"))
