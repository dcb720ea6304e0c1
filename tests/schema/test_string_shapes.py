"""Learned id shapes and value formats."""

from __future__ import annotations

import re

import numpy as np

from synthdata.schema.string_shapes import format_of_values, learn_pattern, passes_luhn, sample_strings


def test_fixed_width_codes_keep_constant_letters_and_separators_only():
    many = range(1000, 100_000, 7919)
    assert learn_pattern([f"999-{i % 89:02d}-{i % 9973:04d}" for i in many]) == r"\d{3}-\d{2}-\d{4}"
    assert learn_pattern([f"S{i * 7919 % 10**8:08d}" for i in many]) == r"S\d{8}"
    assert learn_pattern([f"X{i * 3571 % 10**8:08d}X" for i in many]) == r"X\d{8}X"


def test_few_values_keep_only_separators_literal():
    assert learn_pattern(["S99995827", "S12345678"]) == r"[A-Z]\d{8}"
    assert learn_pattern(["999-49-3983", "999-17-9786"]) == r"\d{3}-\d{2}-\d{4}"


def test_variable_width_codes_get_repeat_ranges():
    pattern = learn_pattern(["AB12", "C123", "DE1234"])
    assert pattern == r"[A-Z]{1,2}\d{2,4}"
    assert all(re.fullmatch(pattern, value) for value in ["AB12", "C123", "DE1234"])


def test_values_without_a_common_shape_have_none():
    assert learn_pattern(["abc", "12-x", "Q"]) is None
    assert learn_pattern(["two words", "and more"]) is None


def test_formats_and_card_check_digits():
    assert format_of_values(["4111 1111 1111 1111", "5500-0000-0000-0004"]) == "credit_card_number"
    assert format_of_values(["4111 1111 1111 1112"]) != "credit_card_number"
    assert passes_luhn("79927398713") and not passes_luhn("79927398710")
    assert format_of_values(["40.7981", "41.28"]) is None


def test_sample_is_bounded_and_spread():
    sample = sample_strings(np.arange(10_000), size=100)
    assert len(sample) == 100 and sample[0] == "0" and sample[-1] == "9999"
