"""DCR agrees with SDMetrics' calculate_dcr, on every code path of the blocked torch computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

from synthdata.evaluate import distance
from synthdata.evaluate.distance import distance_to_closest_record
from synthdata.evaluate.kinds import prepare_table
from synthdata.schema import Column

from .conftest import damage


@pytest.fixture(scope="module")
def mixed_tables(adult_sample):
    """Adult rows plus a date, a numeric column constant in the reference, a many-valued category; nulls."""
    rng = np.random.default_rng(0)
    table = adult_sample.iloc[:1200].copy()
    table["visit"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, len(table)), unit="D")
    table["batch"] = 7.0
    table["code"] = rng.integers(0, 60, len(table)).astype(str)
    reference = table.iloc[:700].reset_index(drop=True)
    queries = damage(table.iloc[700:].reset_index(drop=True), seed=3)
    queries.loc[::6, "batch"] = 8.0
    queries.loc[::5, "visit"] = pd.NaT
    queries.loc[::11, "fnlwgt"] = 5e6  # far outside the reference range: the cap at 1 applies
    reference.loc[::13, "capital-gain"] = np.nan
    kinds = {
        "age": "numerical", "workclass": "categorical", "fnlwgt": "numerical", "education": "categorical",
        "capital-gain": "numerical", "hours-per-week": "numerical", "native-country": "categorical",
        "sex": "categorical", "visit": "datetime", "batch": "numerical", "code": "categorical",
    }  # fmt: skip
    columns = {name: Column(name=name, type=kind) for name, kind in kinds.items()}
    return queries, reference, kinds, columns


def test_dcr_matches_sdmetrics(mixed_tables, monkeypatch):
    queries, reference, kinds, columns = mixed_tables
    monkeypatch.setattr(distance, "_CPU_BLOCKS", (128, 256))  # several blocks each way, ragged ends
    ours = distance_to_closest_record(
        prepare_table(queries, columns, role="synthetic"),
        prepare_table(reference, columns, role="real"),
        kinds,
        device="cpu",
    )
    metadata = {"columns": {name: {"sdtype": kind} for name, kind in kinds.items()}}
    theirs = calculate_dcr(queries[list(kinds)], reference[list(kinds)], metadata).to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    assert ours.min() >= 0 and ours.max() <= 1 and ours.std() > 0.01


def test_a_row_copied_from_the_reference_is_at_distance_zero(mixed_tables):
    _, reference, kinds, columns = mixed_tables
    prepared = prepare_table(reference, columns, role="real")
    copies = prepared.iloc[[3, 50, 600]].reset_index(drop=True)
    assert distance_to_closest_record(copies, prepared, kinds, device="cpu") == pytest.approx(0.0, abs=1e-6)


def test_nulls_match_nulls_and_differ_from_values():
    kinds = {"x": "numerical", "c": "categorical"}
    reference = pd.DataFrame({"x": [0.0, 10.0, np.nan], "c": ["a", "b", None]})
    queries = pd.DataFrame({"x": [np.nan, np.nan, 5.0], "c": [None, "a", "z"]})
    dcr = distance_to_closest_record(queries, reference, kinds, device="cpu")
    np.testing.assert_allclose(dcr, [0.0, 0.5, 0.75], atol=1e-6)


def test_queries_with_categories_the_reference_lacks_still_find_their_nearest_row():
    kinds = {"x": "numerical", "c": "categorical"}
    reference = pd.DataFrame({"x": [0.0, 4.0, 10.0], "c": ["a", "b", "a"]})
    queries = pd.DataFrame({"x": [5.0, 1.0, 9.0], "c": ["z", "b", "a"]})
    dcr = distance_to_closest_record(queries, reference, kinds, device="cpu")
    np.testing.assert_allclose(dcr, [(1 + 0.1) / 2, (0 + 0.3) / 2, (0 + 0.1) / 2], atol=1e-6)
