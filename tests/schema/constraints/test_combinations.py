"""Fixed combinations: one categorical column in place of the members."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints import FixedCombinations, constraint_from_dict

RNG = np.random.default_rng(0)
PLACE = ["CITY", "COUNTY", "FIPS", "ZIP"]


@pytest.fixture()
def patients(patients_path) -> pd.DataFrame:
    return pd.read_csv(patients_path)


def test_members_fold_into_one_column_and_unfold_exactly(patients):
    rule = FixedCombinations(columns=PLACE).fit(patients)
    reshaped = rule.transform(patients)
    assert not set(PLACE) & set(reshaped.columns)
    codes = reshaped["CITY+COUNTY+FIPS+ZIP"]
    assert codes.max() == len(rule.combinations_) - 1 and codes.value_counts().idxmax() == 0
    restored = rule.reverse_transform(reshaped, rng=RNG)
    pd.testing.assert_frame_equal(restored[patients.columns], patients)


def test_every_code_gives_a_seen_combination_after_a_json_round_trip(patients):
    rule = constraint_from_dict(json.loads(json.dumps(FixedCombinations(columns=PLACE).fit(patients).to_dict())))
    sampled = pd.DataFrame({"CITY+COUNTY+FIPS+ZIP": np.arange(-1, len(rule.combinations_) + 1)})
    restored = rule.reverse_transform(sampled, rng=RNG)
    assert rule.is_valid(restored).all()
    assert restored["FIPS"].isna().any() and restored["ZIP"].dtype == np.int64


def test_mixed_up_rows_are_caught_and_repaired(patients):
    rule = FixedCombinations(columns=PLACE).fit(patients)
    shuffled = patients.assign(ZIP=patients["ZIP"].sample(frac=1, random_state=1).to_numpy())
    assert not rule.is_valid(shuffled).all()
    assert rule.is_valid(rule.repair(shuffled, rng=RNG)).all()


def test_members_must_be_modelled_and_distinct(patients):
    with pytest.raises(SchemaError, match="declare it categorical"):
        FixedCombinations(columns=["CITY", "SSN"]).fit(patients, columns={"SSN": Column("SSN", "faker")})
    with pytest.raises(SchemaError, match="two or more"):
        FixedCombinations(columns=["CITY"])


def test_declared_combinations_serve_without_data_and_are_checked_with_it(patients):
    listed = patients[PLACE].drop_duplicates().head(5)
    declared = [[None if pd.isna(v) else v for v in row] for row in listed.itertuples(index=False)]
    rule = FixedCombinations(columns=PLACE, combinations=declared).fit(None)
    assert len(rule.combinations_) == 5 and rule.to_dict()["combinations"] == declared
    drawn = rule.repair(patients, rng=RNG)
    assert rule.is_valid(drawn).all()
    with pytest.raises(SchemaError, match="does not list"):
        FixedCombinations(columns=PLACE, combinations=declared).fit(patients)
    FixedCombinations(columns=PLACE, combinations=declared).fit(patients.loc[listed.index])
    with pytest.raises(SchemaError, match="without data"):
        FixedCombinations(columns=PLACE).fit(None)
