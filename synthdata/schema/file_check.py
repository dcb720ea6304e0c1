"""Checking a schema file against the JSON Schema of the format, with line numbers.

The format is defined once, in `synthdata.schema.json` (shipped in the package; the
repository's `schemas/synthdata.schema.json` points at it). A file is parsed with
`yaml.safe_load` (JSON parses too) and checked against it; every problem is reported
as `file:line: where: what`, the line found by walking YAML's own node tree along
the error's path, so a person can jump straight to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from synthdata.errors import SchemaError
from synthdata.wording import plural, quoted, shorten

# Problems listed in one error message; more are counted, not shown.
MAX_LISTED = 10
# Values a schema file may expand to. YAML aliases let a few lines stand for billions
# of values ("billion laughs"), which checking would then walk one by one.
MAX_VALUES = 1_000_000
# Characters of one problem shown: a data file given as a schema is one long string,
# and the message would otherwise repeat all of it.
MAX_PROBLEM = 200


@lru_cache(maxsize=1)
def format_document() -> dict[str, Any]:
    """The JSON Schema of schema files."""
    text = resources.files("synthdata.schema").joinpath("synthdata.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(format_document())


def format_problems(data: Any) -> list[tuple[list[Any], str]]:
    """(path, message) for every way `data` breaks the format, in document order."""
    errors = sorted(_validator().iter_errors(data), key=lambda error: [str(step) for step in error.absolute_path])
    return [(list(error.absolute_path), _message(error)) for error in _most_specific(errors)]


def check_format(data: Any, *, source: str = "schema", text: str | None = None) -> None:
    """Raise SchemaError listing each problem (with line numbers when `text` is YAML/JSON)."""
    problems = format_problems(data)
    if not problems:
        return
    root = _compose(text) if text is not None else None
    located = sorted(
        ((_line_of(root, path) if root is not None else None, path, message) for path, message in problems),
        key=lambda item: item[0] or 0,
    )
    lines = []
    for line, path, message in located[:MAX_LISTED]:
        where = ".".join(str(step) for step in path) or "(top level)"
        message = shorten(message, MAX_PROBLEM)
        lines.append(f"{source}:{line}: {where}: {message}" if line else f"{source}: {where}: {message}")
    more = len(problems) - MAX_LISTED
    if more > 0:
        lines.append(f"... and {plural(more, 'more problem')}")
    raise SchemaError(
        f"{source} does not follow the schema-file format (schemas/synthdata.schema.json):\n" + "\n".join(lines)
    )


def read_schema_file(path: Path) -> dict[str, Any]:
    """Parse and check a schema file; any problem is a SchemaError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SchemaError(f"Cannot read schema file {path}: {error.strerror}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise SchemaError(f"{where}: not valid YAML or JSON: {problem}.") from None
    except RecursionError:
        raise SchemaError(f"{path}: nested too deeply to be a schema file.") from None
    if _expanded_size(data, path) > MAX_VALUES:
        raise SchemaError(
            f"{path}: expands to more than {MAX_VALUES:,} values (through YAML aliases); "
            "write the schema out without nested aliases."
        )
    check_format(data, source=str(path), text=text)
    return data


def _expanded_size(data: Any, path: Path) -> int:
    """How many values `data` holds once every alias is written out, counted without
    writing them out: a list or mapping that aliases share is sized once."""
    sizes: dict[int, int] = {}
    open_containers: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, (list, dict)):
            return 1
        key = id(node)
        if key in open_containers:
            raise SchemaError(f"{path}: a YAML alias refers to a value that contains it.")
        if key not in sizes:
            open_containers.add(key)
            children = node.values() if isinstance(node, dict) else node
            sizes[key] = 1 + sum(size(child) for child in children)
            open_containers.discard(key)
        return sizes[key]

    return size(data)


def _most_specific(errors: Iterable[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """Errors of an if/then or oneOf replaced by what inside them went wrong."""
    out = []
    for error in errors:
        if error.context:
            out.extend(_most_specific(error.context))
        else:
            out.append(error)
    return out


def _message(error: jsonschema.ValidationError) -> str:
    if "propertyNames" in error.absolute_schema_path:
        return f"unknown key {error.instance!r}; allowed: {', '.join(map(str, error.validator_value))}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
    if error.validator == "additionalProperties" or error.validator == "propertyNames":
        return f"unknown key: {error.message}"
    # jsonschema quotes the whole value; a data file given as a schema is one long string
    return error.message.replace(repr(error.instance), quoted(error.instance))


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _line_of(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The 1-based line of the node at `path` (or of the deepest node found on the way)."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        child = _child(node, step)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, step: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None
