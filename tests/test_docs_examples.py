"""Every code example in README.md and docs/ runs, on small data, as a reader would run it.

Each page runs in a folder of its own holding what the examples name: `patients.csv`
(examples/), `orders.yaml` (schemas/ecommerce_orders.yaml) and `shop.db`, a SQLite shop
of customers and their orders with a foreign key. A page's blocks run in order and
share that folder, and its Python blocks share one namespace, as in a session:

- ```python blocks run in-process; in ```sh and ```bash blocks, each `synthdata ...` line
  runs the click application in-process (the same parsing and exit codes as the
  installed command, without a second start-up of torch per line), and any other line
  runs in bash with this venv's `python` first on PATH;
- `<!-- file: NAME -->` before a block writes it to NAME instead (a schema file the next
  example reads);
- `<!-- run: pytest -->` before a Python block runs it as a test file, with the
  synthdata pytest plugin, as a user's suite would;
- `<!-- no-run: reason -->` before a block leaves it out (installs, servers, torchrun).

Any other block (YAML, mermaid, text) is read, not run.

The pages whose examples only repeat what other tests check (fit, sample, evaluate and
seed from the shell and from Python, the pytest plugin) are marked `slow`: the suite
leaves them out, and `.ci/run` runs them with `-m slow`, so CI runs every example.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthdata_cli.main import main
from tests.conftest import make_shop_database

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
RUN_LANGUAGES = {"python", "sh", "bash"}
# page: the tests that check what its examples do
COVERED_ELSEWHERE = {
    "README.md": "tests/cli, tests/models/test_tabular_gan.py, tests/evaluate",
    "getting-started.md": "tests/cli, tests/schema/test_file_check.py, tests/evaluate",
    "databases.md": "tests/cli/test_seed.py, tests/relational",
    "evaluation.md": "tests/evaluate/test_evaluation.py, tests/evaluate/test_html.py",
    "privacy.md": "tests/cli/test_model_commands.py, tests/evaluate/test_privacy.py",
    "testing.md": "tests/test_testing.py",
}
_FENCE = re.compile(
    r"^(?:<!-- (?P<marker>[a-z-]+): ?(?P<argument>[^>]*?) -->\n)?```(?P<language>\w+)\n(?P<code>.*?)^```$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    marker: str | None
    argument: str
    line: int


def blocks_of(page: Path) -> list[Block]:
    text = page.read_text()
    return [
        Block(
            match["language"], match["code"], match["marker"], match["argument"], text.count("\n", 0, match.start()) + 1
        )
        for match in _FENCE.finditer(text)
    ]


def run_shell(code: str, folder: Path, where: str) -> None:
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "synthdata":
            result = CliRunner().invoke(main, words[1:], catch_exceptions=False)
            assert result.exit_code == 0, f"{where} failed: {line}\n{result.output}"
            continue
        environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        done = subprocess.run(["bash", "-c", line], cwd=folder, env=environment, capture_output=True, text=True)
        assert done.returncode == 0, f"{where} failed: {line}\n{done.stdout}\n{done.stderr}"


def run_as_pytest(code: str, folder: Path, where: str) -> None:
    test_file = folder / f"test_example_{where.rsplit(':', 1)[-1]}.py"
    test_file.write_text(code)
    environment = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "synthdata.testing", "-p", "no:cacheprovider", test_file.name],
        cwd=folder, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"


def test_every_page_has_examples_that_run() -> None:
    runnable = {page.name: [block for block in blocks_of(page) if block.language in RUN_LANGUAGES] for page in PAGES}
    assert runnable["README.md"] and runnable["scaling.md"]
    assert all(runnable.get(name) for name in COVERED_ELSEWHERE), "a page marked slow has no examples to run"
    markers = {block.marker for blocks in runnable.values() for block in blocks}
    assert markers <= {None, "no-run", "run"}


@pytest.mark.parametrize(
    "page",
    [pytest.param(page, marks=pytest.mark.slow) if page.name in COVERED_ELSEWHERE else page for page in PAGES],
    ids=[page.name for page in PAGES],
)
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO / "examples" / "patients.csv", tmp_path / "patients.csv")
    shutil.copy(REPO / "schemas" / "ecommerce_orders.yaml", tmp_path / "orders.yaml")
    make_shop_database(tmp_path / "shop.db")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in blocks_of(page):
        where = f"{page.relative_to(REPO)}:{block.line}"
        if block.marker == "file":
            (tmp_path / block.argument).write_text(block.code)
        elif block.marker == "no-run" or block.language not in RUN_LANGUAGES:
            continue
        elif block.marker == "run":
            assert block.argument == "pytest", f"{where}: unknown run marker {block.argument!r}"
            run_as_pytest(block.code, tmp_path, where)
        elif block.language == "python":
            exec(compile(block.code, where, "exec"), namespace)
        else:
            run_shell(block.code, tmp_path, where)
