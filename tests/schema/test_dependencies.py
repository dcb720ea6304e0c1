"""Columns determined by another column are found, grouped, and kept together in samples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata import Schema, TabularGAN
from synthdata.schema.constraints import FixedCombinations
from synthdata.schema.dependencies import determined_groups
from synthdata.schema.infer import infer_columns

CITIES = {"Omaha": "NE", "Lincoln": "NE", "Boston": "MA", "Salem": "MA", "Austin": "TX"}


def groups(df: pd.DataFrame) -> list[list[str]]:
    return determined_groups(df, infer_columns(df))


def cities(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    city = rng.choice(list(CITIES), rows, p=[0.4, 0.2, 0.2, 0.15, 0.05])
    return pd.DataFrame(
        {
            "state": [CITIES[c] for c in city],
            "city": city,
            "income": rng.normal(50_000, 10_000, rows).round(),
            "size": np.where(city == "Austin", None, rng.choice(["S", "M", "L"], rows)),
        }
    )


def test_adult_education_and_its_number_are_one_group(adult):
    assert groups(adult) == [["education", "education-num"]]
    (constraint,) = Schema.infer(adult).constraints
    assert isinstance(constraint, FixedCombinations)
    listed = constraint.to_dict()
    assert listed["columns"] == ["education", "education-num"]
    assert len(listed["combinations"]) == 16
    assert [" HS-grad", 9] in listed["combinations"]


def test_a_finer_column_leads_whatever_the_order():
    assert groups(cities(2_000)) == [["city", "state"]]


def test_one_exception_breaks_the_dependency():
    table = cities(2_000)
    table.loc[7, "state"] = "TX" if table.loc[7, "state"] != "TX" else "NE"
    assert groups(table) == []


def test_too_few_rows_per_value_find_nothing():
    rng = np.random.default_rng(3)
    # 60 rows of a 10-value column: pairs repeat by chance, not by a rule
    table = pd.DataFrame({"a": rng.integers(0, 10, 60), "b": rng.integers(0, 3, 60)})
    table["c"] = table["a"] % 3
    assert groups(table) == []
    assert groups(pd.concat([table] * 4, ignore_index=True)) == [["a", "c"]]


def test_sampled_rows_keep_every_city_in_its_state_and_conditions_work():
    table = cities(3_000)
    model = TabularGAN(epochs=3, batch_size=200, verbose=False).fit(table)
    sample = model.sample(2_000)
    assert list(sample.columns) == list(table.columns)
    assert (sample["state"] == sample["city"].map(CITIES)).all()
    rare = model.sample(300, conditions={"city": "Austin"})  # 5% of rows
    assert (rare["city"] == "Austin").all() and (rare["state"] == "TX").all()
    texan = model.sample(300, conditions=["state=TX"])
    assert (texan["state"] == "TX").all() and (texan["city"] == "Austin").all()
