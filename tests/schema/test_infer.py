"""Inference on the real Synthea and adult tables, and on small frames with one trap each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.infer import choose_primary_key, infer_column, infer_columns


def kinds(df: pd.DataFrame, **options) -> dict[str, str]:
    return {name: column.type for name, column in infer_columns(df, **options).items()}


PERSONAL_OR_ID = {"faker", "id"}


def test_modern_patients_table(patients_path):
    df = pd.read_csv(patients_path)
    columns = infer_columns(df, table="patients")
    assert columns["Id"].type == "id" and columns["Id"].format == "uuid"
    assert choose_primary_key(columns, "patients") == "Id"
    for name in ("BIRTHDATE", "DEATHDATE"):
        assert columns[name].type == "datetime" and columns[name].format == "%Y-%m-%d"
    assert columns["BIRTHDATE"].min == "1934-11-16"
    for name in ("FIRST", "LAST", "MAIDEN", "SSN", "DRIVERS", "PASSPORT", "ADDRESS"):
        assert columns[name].type in PERSONAL_OR_ID, name
    assert columns["FIRST"].provider == "first_name"
    assert columns["SSN"].provider == "ssn"
    assert columns["DRIVERS"].pattern == r"S\d{8}"
    for name in ("GENDER", "RACE", "ETHNICITY", "MARITAL", "CITY", "BIRTHPLACE", "ZIP"):
        assert columns[name].type == "categorical", name
    for name in ("LAT", "LON", "HEALTHCARE_EXPENSES"):
        assert columns[name].type == "numerical", name
    assert columns["INCOME"].type == "integer"
    assert columns["HEALTHCARE_EXPENSES"].decimals == 2
    assert columns["DEATHDATE"].nullable == pytest.approx(0.9, abs=0.01)
    assert all(column.dtype == str(df[name].dtype) for name, column in columns.items())


def test_modern_patients_read_as_text_gives_the_same_kinds(patients_path):
    as_numbers = kinds(pd.read_csv(patients_path))
    as_text = kinds(pd.read_csv(patients_path, dtype=str))
    assert as_text == as_numbers


def test_old_layout_patients_table(synthea):
    df = pd.read_csv(synthea / "ma_1462" / "patients.csv")
    columns = infer_columns(df, table="patients")
    assert choose_primary_key(columns, "patients") == "ID"
    assert columns["ADDRESS"].provider == "address"  # street, town, ZIP in one field
    assert columns["SSN"].provider == "ssn" and not columns["SSN"].unique  # two repeats
    assert columns["PASSPORT"].type in PERSONAL_OR_ID
    assert columns["ETHNICITY"].type == "categorical"


@pytest.mark.parametrize("table", ["encounters", "conditions"])
@pytest.mark.parametrize("layout", ["ne_111", "ma_1462"])
def test_clinical_tables_reference_patients_and_encounters(synthea, layout, table):
    df = pd.read_csv(synthea / layout / f"{table}.csv")
    columns = infer_columns(df, table=table)
    assert columns["PATIENT"].type == "reference"
    if "ENCOUNTER" in columns:
        assert columns["ENCOUNTER"].type == "reference"
    assert columns["CODE"].type == "categorical"
    for name in ("START", "STOP", "DATE"):
        if name in columns:
            assert columns[name].type == "datetime"
    if layout == "ne_111" and table == "encounters":
        assert columns["START"].format == "%Y-%m-%dT%H:%M:%SZ"
        assert columns["START"].min.endswith("+00:00")
        assert choose_primary_key(columns, table) == "Id"


def test_adult(adult):
    found = kinds(adult)
    assert found["age"] == "integer" and found["fnlwgt"] == "integer"
    assert found["income"] == "categorical" and found["native-country"] == "categorical"
    assert set(found.values()) == {"integer", "categorical"}


def test_booleans_from_strings_keep_their_labels():
    column = infer_column("active", pd.Series(["Y", "N", "N", None]))
    assert column.type == "boolean" and column.values == ["N", "Y"]
    assert infer_column("flag", pd.Series([True, False])).type == "boolean"
    assert infer_column("flag", pd.Series(["true", "False"])).values == ["False", "true"]


def test_integral_floats_are_integers_and_nullable_ints_too():
    assert infer_column("n", pd.Series([1.0, 2.0, np.nan, 2.0])).type == "integer"
    column = infer_column("n", pd.Series([3, None, 5, 3], dtype="Int64"))
    assert (column.type, column.min, column.max, column.dtype) == ("integer", 3, 5, "Int64")


def test_sequential_and_patterned_ids():
    seq = infer_column("order_id", pd.Series(np.arange(100, 150)))
    assert (seq.type, seq.format, seq.start) == ("id", "sequential", 100)
    codes = pd.Series([f"ORD-{i:06d}" for i in range(7, 400_000, 3001)])
    patterned = infer_column("reference", codes)
    assert patterned.type == "id" and patterned.pattern == r"ORD-\d{6}"


def test_values_say_email_phone_ip_even_under_vague_names():
    n = 50
    assert infer_column("contact", pd.Series([f"user{i}@mail.example.org" for i in range(n)])).provider == "email"
    assert infer_column("c2", pd.Series([f"(402) 555-{i:04d}" for i in range(n)])).provider == "phone_number"
    assert infer_column("origin", pd.Series([f"10.0.{i}.{i + 1}" for i in range(n)])).provider == "ipv4"


def test_long_free_text_and_high_cardinality_categories():
    rng = np.random.default_rng(0)
    words = np.array(
        ["the", "patient", "reported", "mild", "pain", "after", "a", "long", "walk", "in", "cold", "weather"]
    )
    notes = pd.Series([" ".join(rng.choice(words, 12)) for _ in range(200)])
    assert infer_column("notes", notes).type == "text"
    towns = pd.Series(rng.choice([f"Town {i}" for i in range(120)], 500))
    column = infer_column("birthplace", towns)
    assert column.type == "categorical" and column.values is None  # too many to list


def test_constants_and_all_null_columns():
    assert infer_column("state", pd.Series(["NE"] * 5)).value == "NE"
    empty = infer_column("address2", pd.Series([None, None], dtype=object))
    assert (empty.type, empty.nullable) == ("constant", 1.0)


def test_datetime_dtypes_with_and_without_timezone():
    naive = pd.Series(pd.date_range("2020-01-01", periods=3, freq="D"))
    column = infer_column("d", naive)
    assert (column.type, column.format, column.min, column.max) == ("datetime", None, "2020-01-01", "2020-01-03")
    aware = infer_column("d", naive.dt.tz_localize("UTC") + pd.Timedelta(hours=5))
    assert aware.max == "2020-01-03T05:00:00+00:00" and aware.dtype == "datetime64[ns, UTC]"


def test_us_dates_and_mixed_formats():
    assert infer_column("d", pd.Series(["12/31/2020", "01/02/2021"])).format == "%m/%d/%Y"
    mixed = pd.Series([f"2020-01-{day:02d}" for day in range(1, 29)] + ["31/12/2020"] * 2)
    column = infer_column("DEATHDATE", mixed)
    assert (column.type, column.format, column.max) == ("datetime", "%Y-%m-%d", "2020-12-31")
    garbled = pd.Series([f"2020-01-{day:02d}" for day in range(1, 29)] + ["2020-13-45"] * 2)
    with pytest.raises(SchemaError, match="fit no date format"):
        infer_column("DEATHDATE", garbled)


def test_dates_in_three_formats_are_read_value_by_value():
    days = pd.date_range("2020-01-01", periods=60, freq="3D")
    formats = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
    # The 13th of a month and later tells day-first from month-first on its own.
    mixed = pd.Series([day.strftime(formats[i % 3]) for i, day in enumerate(days)])
    column = infer_column("visit", mixed)
    assert (column.type, column.format, column.min, column.max) == ("datetime", "%Y-%m-%d", "2020-01-01", "2020-06-26")


def test_a_nearly_unique_column_is_never_a_category_list():
    huge = infer_column("account", pd.Series([str(2**70 + i) for i in range(50)]))
    assert (huge.type, huge.pattern, huge.values) == ("id", r"\d{22}", None)
    spaced = infer_column("label", pd.Series([f"{chr(97 + i % 26)}-{i} x" for i in range(50)]))
    assert (spaced.type, spaced.pattern) == ("id", r"[0-9a-z\ \-]{5,6}")
    codes = infer_column("zip_code", pd.Series(range(10_000, 10_350, 7)))
    assert (codes.type, codes.pattern) == ("id", r"\d{5}")
    repeated = infer_column("label", pd.Series([f"{chr(97 + i % 5)}-{i % 5} x" for i in range(50)]))
    assert repeated.type == "categorical"


def test_primary_key_prefers_the_column_named_like_a_key():
    df = pd.DataFrame({"uuid": [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(30)], "customer_id": range(30)})
    assert choose_primary_key(infer_columns(df, table="customer"), "customer") == "customer_id"


def test_codes_longer_than_a_pattern_may_repeat_become_uuids():
    """1,200-digit zero-padded codes would need `\\d{1201}`, beyond what a pattern may repeat."""
    column = infer_column("code", pd.Series(["0" + str(10**1200 + i) for i in range(20)]))
    assert (column.type, column.format, column.pattern) == ("id", "uuid", None)
