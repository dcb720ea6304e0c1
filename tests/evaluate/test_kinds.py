"""Which columns are evaluated and how they are read: schema kinds, dtypes, dates, bad values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import SchemaError, SynthDataError
from synthdata.evaluate.kinds import as_float, evaluated_columns, metric_kinds, prepare_table
from synthdata.schema import Column


def _schema(**types: str) -> Schema:
    """Faker columns name a provider (a schema refuses one without)."""
    provider = {"faker": "first_name"}
    return Schema({name: Column(name=name, type=kind, provider=provider.get(kind)) for name, kind in types.items()})


def test_generated_kinds_are_skipped_and_modelled_kinds_mapped():
    schema = _schema(
        id="id", name="faker", note="text", fixed="constant", parent="reference",
        amount="numerical", count="integer", when="datetime", colour="categorical", flag="boolean",
    )  # fmt: skip
    kinds = metric_kinds(evaluated_columns(pd.DataFrame(), schema))
    assert kinds == {
        "amount": "numerical", "count": "numerical", "when": "datetime", "colour": "categorical", "flag": "boolean",
    }  # fmt: skip


def test_without_a_schema_the_kinds_are_inferred_from_the_real_table(ma_patients):
    kinds = metric_kinds(evaluated_columns(ma_patients, None))
    assert kinds["BIRTHDATE"] == "datetime" and kinds["GENDER"] == "categorical"
    assert "ID" not in kinds and "SSN" not in kinds


def test_a_schema_of_only_generated_columns_is_refused():
    with pytest.raises(SchemaError, match="No column to evaluate"):
        evaluated_columns(pd.DataFrame(), _schema(id="id", name="faker"))


def test_prepared_tables_have_float_numbers_naive_dates_and_a_fresh_index():
    """Infinities become nulls: they have no place on a histogram or in a range."""
    columns = {
        "n": Column(name="n", type="integer"),
        "x": Column(name="x", type="numerical"),
        "d": Column(name="d", type="datetime", format="%d/%m/%Y"),
        "z": Column(name="z", type="datetime"),
        "c": Column(name="c", type="categorical"),
    }
    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "x": [np.inf, -np.inf, 2.5],
            "d": ["31/12/2020", None, "01/02/2021"],
            "z": pd.to_datetime(["2020-01-01 05:00", "2020-01-02 00:00", None]).tz_localize("America/New_York"),
            "c": pd.Categorical(["a", None, "b"]),
        },
        index=[10, 20, 30],
    )
    prepared = prepare_table(frame, columns, role="real")
    assert list(prepared.index) == [0, 1, 2]
    assert prepared["n"].dtype == np.float64 and np.isnan(prepared.loc[1, "n"])
    assert prepared["x"].isna().sum() == 2 and prepared.loc[2, "x"] == 2.5
    assert prepared.loc[0, "d"] == pd.Timestamp("2020-12-31") and pd.isna(prepared.loc[1, "d"])
    assert prepared["z"].dtype == "datetime64[ns]" and prepared.loc[0, "z"] == pd.Timestamp("2020-01-01T10:00")
    assert prepared.loc[2, "c"] == "b" and prepared["c"].isna().sum() == 1
    assert as_float(prepared["d"])[0] == pd.Timestamp("2020-12-31").value and np.isnan(as_float(prepared["d"])[1])


def test_unreadable_values_name_the_column_and_table():
    columns = {"when": Column(name="when", type="datetime", format="%Y-%m-%d")}
    with pytest.raises(SynthDataError, match=r"Column 'when' of the holdout table .* format '%Y-%m-%d'"):
        prepare_table(pd.DataFrame({"when": ["2020-01-01", "01/02/2020"]}), columns, role="holdout")


def test_a_repeated_column_name_is_refused_with_the_table_named():
    columns = {"n": Column(name="n", type="integer")}
    frame = pd.DataFrame([[1, 2], [3, 4]], columns=["n", "n"])
    with pytest.raises(SynthDataError, match="synthetic table has more than one column named 'n'"):
        prepare_table(frame, columns, role="synthetic")
