"""What the build reads from pyproject.toml: every package, the version from one module, the plugin.

The wheel itself is built, checked by twine and installed into a fresh venv by
`make dist` (.ci/wheel_check.py), which CI runs; these checks are the fast part, so a
new subpackage missing from the package list fails here and not in a user's install.
"""

from __future__ import annotations

from pathlib import Path

import tomllib

import synthdata
from synthdata.version import __version__

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_every_package_of_the_library_is_in_the_wheel() -> None:
    found = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "synthdata").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    listed = set(PROJECT["tool"]["setuptools"]["packages"]) - {"synthdata_cli"}
    assert found == listed


def test_the_version_lives_in_one_module() -> None:
    assert "version" in PROJECT["project"]["dynamic"]
    assert PROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "synthdata.version.__version__"}
    assert synthdata.__version__ is __version__


def test_the_wheel_ships_types_the_json_schema_and_the_plugin() -> None:
    data = PROJECT["tool"]["setuptools"]["package-data"]
    assert "py.typed" in data["synthdata"] and (REPO / "synthdata" / "py.typed").is_file()
    assert "*.json" in data["synthdata.schema"]
    assert PROJECT["project"]["entry-points"]["pytest11"] == {"synthdata": "synthdata.testing"}
