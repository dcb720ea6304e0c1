"""Generated columns through Schema.generate: kinds, nulls, uniqueness, chunks."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import ConstraintError

SHOP = {
    "table": "customers",
    "primary_key": "customer_id",
    "columns": {
        "customer_id": {"type": "id", "format": "sequential", "start": 1000, "dtype": "int64"},
        "token": {"type": "id", "format": "uuid"},
        "code": {"type": "id", "pattern": r"CU-\d{6}", "unique": True},
        "first": {"type": "faker", "provider": "first_name"},
        "last": {"type": "faker", "provider": "last_name", "nullable": 0.3},
        "email": {"type": "faker", "provider": "email", "unique": True, "from": ["first", "last"]},
        "note": {"type": "text", "args": {"max_nb_chars": 60}},
        "country": {"type": "constant", "value": "NZ"},
        "segment": {"type": "categorical", "values": {"a": 0.5, "b": 0.5}},
    },
}


def test_every_generated_kind():
    frame = Schema.from_dict(SHOP).generate(2000, seed=0)
    assert list(frame.columns) == ["customer_id", "token", "code", "first", "last", "email", "note", "country"]
    assert frame["customer_id"].tolist() == list(range(1000, 3000))
    assert frame["token"].is_unique and frame["code"].is_unique and frame["email"].is_unique
    assert frame["code"].str.fullmatch(r"CU-\d{6}").all()
    assert frame["last"].isna().mean() == pytest.approx(0.3, abs=0.04)
    assert (frame["country"] == "NZ").all() and frame["note"].str.len().max() <= 60


def test_emails_follow_the_rows_names_where_formats_use_them():
    frame = Schema.from_dict(SHOP).generate(500, seed=1)
    with_last = frame.dropna(subset=["last"])
    uses_last = [str(last).lower() in email for last, email in zip(with_last["last"], with_last["email"], strict=True)]
    assert np.mean(uses_last) > 0.6


def test_chunks_add_up_to_the_whole_and_seeds_matter():
    schema = Schema.from_dict(SHOP)
    whole = schema.generate(300, seed=5)
    parts = pd.concat(
        [schema.generate(100, seed=5, row_offset=0), schema.generate(200, seed=5, row_offset=100)], ignore_index=True
    )
    same = ["customer_id", "token", "first", "last", "note"]
    pd.testing.assert_frame_equal(parts[same], whole[same])
    assert not schema.generate(300, seed=6)["token"].equals(whole["token"])


def test_impossible_uniqueness_is_a_clear_error():
    schema = Schema.from_dict({"columns": {"c": {"type": "id", "pattern": r"[AB]\d", "unique": True}}})
    with pytest.raises(ConstraintError, match="only 20 distinct"):
        schema.generate(21, seed=0)
    names = Schema.from_dict({"columns": {"p": {"type": "faker", "provider": "prefix_female", "unique": True}}})
    with pytest.raises(ConstraintError, match="prefix_female"):
        names.generate(50, seed=0)


def test_no_real_value_is_reused(patients_path):
    real = pd.read_csv(patients_path)
    frame = Schema.infer(real).generate(5000, seed=0)
    for column in ("Id", "SSN", "DRIVERS", "PASSPORT", "ADDRESS"):
        assert not set(frame[column].dropna()) & set(real[column].dropna()), column
    assert frame["DRIVERS"].dropna().map(lambda v: bool(re.fullmatch(r"S\d{8}", v))).all()
