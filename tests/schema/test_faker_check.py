"""Faker columns are checked when a schema is built: provider, arguments, one trial value."""

from __future__ import annotations

import time

import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.faker_check import MAX_FAKER_CHARS, check_faker_column


def _check(provider: str, **args) -> None:
    check_faker_column(Column(name="NAME", type="faker", provider=provider, args=args), "en_US")


REFUSED = {
    "an unknown provider": (("frist_name", {}), "no provider 'frist_name'; did you mean first_name"),
    "a provider-like name of Faker's machinery": (("seed_instance", {}), "no provider 'seed_instance'"),
    "a private name": (("_random", {}), "no provider '_random'"),
    "an unknown keyword": (("first_name", {"bogus": 1}), "first_name has no argument 'bogus'; it takes no arguments"),
    "a keyword pyint lacks": (("pyint", {"maximum": 3}), "it takes min_value, max_value, step"),
    "min above max": (
        ("pyint", {"min_value": 10, "max_value": 1}),
        r"pyint\(min_value=10, max_value=1\) fails: ValueError",
    ),
    "a date that is not one": (("date_between", {"start_date": "notadate"}), "date_between.*fails: ParseError"),
    "binary of 4 GB": (
        ("binary", {"length": 4e9}),
        "argument 'length' of Faker's binary is 4000000000.0; at most 10,000",
    ),
    "a path 10**8 folders deep": (("file_path", {"depth": 100_000_000}), "argument 'depth'.*at most 10,000"),
    "a string of 10**9 characters": (("pystr", {"max_chars": 10**9}), "argument 'max_chars'"),
    "a huge integer range": (("pyint", {"max_value": 10**30}), "argument 'max_value'.*at most 1,000,000,000,000,000"),
    "an infinite bound": (("pyfloat", {"max_value": float("inf")}), "argument 'max_value' of Faker's pyfloat is inf"),
    "a huge size in a list": (("words", {"nb": 3, "ext_word_list": ["x"] * 20_000}), "argument 'ext_word_list'"),
    "a value longer than the limit": (
        ("pystr", {"min_chars": 9_000, "max_chars": 10_000, "prefix": "x" * 5000}),
        f"at most {MAX_FAKER_CHARS:,}",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_faker_columns_are_one_line_errors_naming_the_column(case):
    (provider, args), message = REFUSED[case]
    started = time.perf_counter()
    with pytest.raises(SchemaError, match=message) as raised:
        _check(provider, **args)
    assert time.perf_counter() - started < 2
    assert "\n" not in str(raised.value) and str(raised.value).startswith("Column 'NAME'")


@pytest.mark.parametrize(
    ("provider", "args"),
    [
        ("first_name", {}),
        ("pyint", {"min_value": 1, "max_value": 5}),
        ("date_between", {"start_date": "-30y"}),
        ("pystr", {"max_chars": 100}),
        ("file_path", {"depth": 3}),
        ("email", {"domain": "example.org"}),
    ],
)
def test_good_faker_columns_pass(provider, args):
    _check(provider, **args)


def test_a_text_column_is_checked_as_faker_text():
    with pytest.raises(SchemaError, match="argument 'max_nb_chars' of Faker's text"):
        check_faker_column(Column(name="NOTE", type="text", args={"max_nb_chars": 10**9}), "en_US")
