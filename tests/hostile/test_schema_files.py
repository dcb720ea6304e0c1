"""Schema files from strangers: YAML never builds Python objects, formulas never run as code.

A schema file is data a person may have been sent. Its YAML is read with the safe
loader, so `!!python/...` tags are refused; aliases cannot expand into billions of
values; formulas and conditions are parsed into a small expression tree, so anything
outside arithmetic and comparisons is refused and nothing is ever evaluated by
Python, and no expression can compute for hours or fill the memory.
"""

from __future__ import annotations

import ast
import builtins
import functools
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from synthdata import Schema
from synthdata.errors import SchemaError
from synthdata.schema.constraints.expression import Expression

from .expectations import outcome_within, time_limit
from .generator_strategies import BACKTRACKING_VALUES, PATTERNS, faker_columns
from .test_cli import invoke

COLUMNS = """\
columns:
  PRICE: {type: numerical}
  QTY: {type: integer}
  TOTAL: {type: numerical}
  STATUS: {type: categorical}
"""
FRAME = pd.DataFrame(
    {"PRICE": [2.5, 4.0, 1.0], "QTY": [2, 3, 1], "TOTAL": [5.0, 12.0, 1.0], "STATUS": ["open", "closed", "open"]}
)


def _payload(marker) -> str:
    return f"open({str(marker)!r}, 'w').write('ran')"


PYTHON_TAGS = {
    "apply": lambda code: f"!!python/object/apply:builtins.exec [{code!r}]",
    "new": lambda code: f"!!python/object/new:builtins.exec [{code!r}]",
    "name": lambda code: "!!python/name:os.system",
    "module": lambda code: "!!python/module:os",
    "object": lambda code: "!!python/object:builtins.object {}",
}
PLACES = {
    "as the columns": lambda tag: f"columns: {tag}\n",
    "as a column": lambda tag: f"columns:\n  PRICE: {tag}\n",
    "as a formula": lambda tag: COLUMNS + f"constraints:\n  - {{type: formula, column: TOTAL, expression: {tag}}}\n",
}


def test_the_yaml_payloads_are_live(tmp_path):
    marker = tmp_path / "ran"
    yaml.unsafe_load(PLACES["as a column"](PYTHON_TAGS["apply"](_payload(marker))))
    assert marker.exists()


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("tag", list(PYTHON_TAGS))
def test_python_tags_are_refused_and_never_run(tag, place, tmp_path):
    marker = tmp_path / "ran"
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(PLACES[place](PYTHON_TAGS[tag](_payload(marker))))
    with pytest.raises(SchemaError, match=r"schema\.yaml"):
        Schema.load(schema_file)
    assert not marker.exists()


def _laughs(levels: int) -> str:
    lines = ["columns:", "  a: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_laughs(9), "expands to more than"),
        (_laughs(30), "expands to more than"),
        ("columns: &a\n  x: [*a]\n", "refers to a value that contains it"),
        ("columns: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ],
    ids=["billion laughs", "9**30 laughs", "an alias inside itself", "5000 nested lists"],
)
def test_yaml_that_expands_without_end_is_refused_at_once(text, message, tmp_path):
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(text)
    with time_limit(20), pytest.raises(SchemaError, match=message):
        Schema.load(schema_file)


@pytest.fixture
def no_python_evaluation(monkeypatch):
    """eval, exec and compiling to code fail while it is active; parsing to a tree is allowed."""

    def refuse(*args, **kwargs):
        raise AssertionError("user text reached eval/exec")

    real_compile = builtins.compile

    def compile_to_tree_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            refuse()
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "compile", compile_to_tree_only)


def _schema_file(tmp_path, constraint: str):
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(COLUMNS + f"constraints:\n  - {constraint}\n")
    return schema_file


def test_a_formula_is_computed_without_python_evaluating_anything(tmp_path, no_python_evaluation):
    schema = Schema.load(_schema_file(tmp_path, '{type: formula, column: TOTAL, expression: "PRICE * QTY"}'))
    schema.fit_constraints(FRAME)
    rows = schema.reverse_transform(schema.transform(FRAME))
    assert rows["TOTAL"].tolist() == [5.0, 12.0, 1.0]
    assert schema.is_valid(rows).all()


HOSTILE_EXPRESSIONS = [
    "__import__('os').system('touch /tmp/pwned')",
    "open('/tmp/pwned', 'w')",
    "PRICE.__class__.__bases__[0].__subclasses__()",
    "PRICE.real",
    "getattr(PRICE, 'real')",
    "PRICE[0]",
    "(lambda: 1)()",
    "[x for x in PRICE]",
    "{x: 1 for x in QTY}",
    "__builtins__",
    "__import__",
    "f'{PRICE}'",
    "(x := 1)",
    "PRICE if QTY else 1",
    "PRICE @ QTY",
    "PRICE << QTY",
    "PRICE ^ QTY",
    "'%s' % PRICE",
    "PRICE | QTY",
    "*PRICE",
    "'text'",
    "PRICE + 'text'",
    "1e400 * PRICE",
    "1" + "0" * 400,
    "1" + "+1" * 2000,
    "-" * 5000 + "1",
    "(" * 500 + "PRICE" + ")" * 500,
]


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS)
def test_formulas_outside_arithmetic_are_refused(expression, tmp_path, no_python_evaluation):
    constraint = f"{{type: formula, column: TOTAL, expression: {json.dumps(expression)}}}"
    with time_limit(10), pytest.raises(SchemaError, match=r"schema\.yaml.*Expression"):
        Schema.load(_schema_file(tmp_path, constraint))


HOSTILE_CONDITIONS = [
    "STATUS.startswith('o')",
    "len(STATUS) > 2",
    "STATUS == 'a' * 10**10",
    "STATUS == ('ab' + 'c') * 10**9",
    "STATUS == __name__",
    "STATUS is 'open'",
    "STATUS in ['open']",
]


@pytest.mark.parametrize("condition", HOSTILE_CONDITIONS)
def test_conditions_outside_comparisons_are_refused(condition, tmp_path, no_python_evaluation):
    constraint = f"{{type: null_if, column: PRICE, condition: {json.dumps(condition)}}}"
    with time_limit(10), pytest.raises(SchemaError, match="Expression"):
        Schema.load(_schema_file(tmp_path, constraint))


@pytest.mark.parametrize(
    "expression",
    ["9 ** 9 ** 9 ** 9", "(PRICE + 1) ** 9 ** 9 ** 9", "-(10 ** 10 ** 8)", "QTY * 2 ** 100000000", "10 ** 400 ** 2"],
)
def test_huge_powers_overflow_to_infinity_at_once(expression, no_python_evaluation):
    with time_limit(10):
        values = Expression(expression).evaluate(FRAME)
    assert np.isinf(values).all()


def test_a_condition_doing_arithmetic_on_text_columns_compares_numbers(no_python_evaluation):
    """`STATUS * 10**9` would repeat each string a billion times; on numbers it is NaN."""
    with time_limit(10):
        assert not Expression("STATUS * 10**9 == 1", condition=True).evaluate(FRAME).any()


HOSTILE_GENERATORS = {
    "a catastrophic regex constraint": (
        COLUMNS + "constraints:\n  - {type: regex, column: STATUS, pattern: '(a+)+$'}\n",
        "varying length",
    ),
    "overlapping alternatives repeated": (
        COLUMNS + "constraints:\n  - {type: regex, column: STATUS, pattern: '(a|a)*$'}\n",
        "start with the same",
    ),
    "an id pattern repeating a billion times": ("columns:\n  ID: {type: id, pattern: 'a{999999999}'}\n", "999,999,999"),
    "an id pattern of a million pieces": ("columns:\n  ID: {type: id, pattern: '((a{100}){100}){100}'}\n", "pieces"),
    "a path 10**8 folders deep": (
        "columns:\n  P: {type: faker, provider: file_path, args: {depth: 100000000}}\n",
        "'depth'",
    ),
    "4 GB of binary": ("columns:\n  B: {type: faker, provider: binary, args: {length: 4.0e+9}}\n", "'length'"),
    "a string of 10**9 characters": (
        "columns:\n  S: {type: faker, provider: pystr, args: {max_chars: 1000000000}}\n",
        "'max_chars'",
    ),
    "text of 10**9 characters": ("columns:\n  T: {type: text, args: {max_nb_chars: 1000000000}}\n", "'max_nb_chars'"),
    "a huge integer range": (
        "columns:\n  N: {type: faker, provider: pyint, args: {max_value: 1.0e+300}}\n",
        "'max_value'",
    ),
    "an unknown Faker argument": (
        "columns:\n  F: {type: faker, provider: first_name, args: {bogus: 1}}\n",
        "no argument 'bogus'",
    ),
    "pyint with min above max": (
        "columns:\n  N: {type: faker, provider: pyint, args: {min_value: 10, max_value: 1}}\n",
        "empty range",
    ),
    "a bad date": ("columns:\n  D: {type: faker, provider: date_between, args: {start_date: soon}}\n", "ParseError"),
    "an unknown provider": ("columns:\n  F: {type: faker, provider: frist_name}\n", "did you mean first_name"),
}


@pytest.mark.parametrize("case", list(HOSTILE_GENERATORS))
def test_schemas_asking_for_endless_or_failing_work_are_refused_at_load(case, tmp_path):
    text, message = HOSTILE_GENERATORS[case]
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(text)
    error, refusal = outcome_within(20, lambda: Schema.load(schema_file).sample(5))
    assert error == "SchemaError", (error, refusal)
    assert message in refusal and refusal.startswith(str(schema_file)) and "\n" not in refusal, refusal


def _one_line_failure(folder, *args: str, mentions: str = "") -> str:
    """`synthdata ARGS` in `folder`, in-process: it must fail with exit 1 and one line naming `mentions`."""
    code, stderr, unexpected = invoke(folder, *args)
    assert code == 1 and unexpected is None, (code, repr(unexpected))
    assert stderr.startswith("synthdata: error: ") and stderr.strip().count("\n") == 0, stderr
    assert mentions in stderr, stderr
    return stderr


@pytest.mark.parametrize(
    "case", ["a catastrophic regex constraint", "a path 10**8 folders deep", "pyint with min above max"]
)
def test_schema_validate_and_sample_call_them_invalid_in_one_line(case, tmp_path):
    text, message = HOSTILE_GENERATORS[case]
    (tmp_path / "schema.yaml").write_text(text)
    FRAME.assign(STATUS="a" * 30 + "!").to_csv(tmp_path / "data.csv", index=False)
    for args in (
        ("schema", "validate", "schema.yaml"),
        ("schema", "validate", "schema.yaml", "data.csv"),
        ("sample", "--schema", "schema.yaml", "-n", "5", "-o", "out.csv"),
    ):
        error, failure = outcome_within(20, functools.partial(_one_line_failure, tmp_path, *args, mentions=message))
        assert error == "ok", failure
    assert not (tmp_path / "out.csv").exists()


def test_a_regex_constraint_every_real_row_breaks_fails_at_fit(tmp_path):
    (tmp_path / "schema.yaml").write_text(
        COLUMNS + "constraints:\n  - {type: regex, column: STATUS, pattern: 'S\\d{8}'}\n"
    )
    FRAME.to_csv(tmp_path / "data.csv", index=False)
    stderr = _one_line_failure(tmp_path, "fit", "data.csv", "--schema", "schema.yaml", "--epochs", "1")
    assert "breaks constraint 'regex STATUS ~ S\\d{8}' on 3 of 3 rows" in stderr and "such as 'open'" in stderr
    assert not (tmp_path / "data.synth").exists()


def _match_backtracking_values(pattern: str) -> None:
    schema = Schema.from_dict(
        {
            "columns": {"CODE": {"type": "categorical"}},
            "constraints": [{"type": "regex", "column": "CODE", "pattern": pattern}],
        }
    )
    schema.is_valid(pd.DataFrame({"CODE": BACKTRACKING_VALUES}))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(pattern=PATTERNS)
def test_any_regex_constraint_is_refused_at_once_or_matches_in_bounded_time(pattern):
    error, message = outcome_within(10, lambda: _match_backtracking_values(pattern))
    assert error in ("ok", "SchemaError"), (error, message)
    assert "\n" not in message


def _sample_ids(pattern: str) -> None:
    values = Schema.from_dict({"columns": {"ID": {"type": "id", "pattern": pattern}}}).sample(50)["ID"]
    assert values.str.fullmatch(pattern).all(), values.head().tolist()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(pattern=PATTERNS)
def test_any_id_pattern_is_refused_at_once_or_generates_matching_ids_in_bounded_time(pattern):
    error, message = outcome_within(10, lambda: _sample_ids(pattern))
    assert error in ("ok", "SchemaError"), (error, message)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(column=faker_columns())
def test_any_faker_column_is_refused_in_one_line_or_samples_in_bounded_time(column):
    error, message = outcome_within(10, lambda: Schema.from_dict({"columns": {"F": column}}).sample(20))
    assert error in ("ok", "SchemaError"), (column, error, message)
    assert error == "ok" or (message.startswith("Column 'F'") and "\n" not in message), message
