"""Generated identifiers."""

from __future__ import annotations

import re
import uuid

import pytest

from synthdata.errors import SchemaError
from synthdata.schema.ids import PatternGenerator, uuid4_values
from synthdata.schema.row_random import RowRandom


def test_uuid4_values_are_valid_version_4():
    values = uuid4_values(RowRandom.for_rows(0, 1000))
    parsed = [uuid.UUID(value) for value in values]
    assert all(u.version == 4 and str(u) == value for u, value in zip(parsed, values, strict=True))
    assert len(set(values)) == 1000


@pytest.mark.parametrize(
    "pattern", [r"ORD-\d{8}", r"[A-Z]{2}-\d{6}", r"S999\d{5}", r"(AB|CD)_[a-f0-9]{4}x?", r"[^0-9]{3}", r"\w+@\w{2,4}"]
)
def test_patterns_generate_matching_strings(pattern):
    values = PatternGenerator(pattern).draw(RowRandom.for_rows(3, 500))
    assert all(re.fullmatch(pattern, value) for value in values)


def test_pattern_sizes_and_refusals():
    assert PatternGenerator(r"[A-C]\d{2}").size == 300
    assert PatternGenerator(r"(x|yz)?").size == 3
    with pytest.raises(SchemaError, match="cannot be generated"):
        PatternGenerator(r"(a)\1")
    with pytest.raises(SchemaError, match="not a valid"):
        PatternGenerator(r"[")
