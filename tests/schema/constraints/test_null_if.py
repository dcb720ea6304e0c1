"""A column null exactly when a condition holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.constraints import NullIf

RNG = np.random.default_rng(0)


def test_repair_empties_and_fills_as_the_condition_says():
    real = pd.DataFrame({"ALIVE": ["Y", "N", "N", "Y"], "DEATH": [None, "2001-01-01", "1999-05-05", None]})
    rule = NullIf(column="DEATH", condition="ALIVE == 'Y'").fit(real)
    sampled = pd.DataFrame({"ALIVE": ["Y", "N", "Y", "N"], "DEATH": ["2020-01-01", None, None, "2002-02-02"]})
    assert rule.is_valid(sampled).tolist() == [False, False, True, True]
    repaired = rule.repair(sampled, rng=RNG)
    assert repaired["DEATH"].iloc[0] is None or pd.isna(repaired["DEATH"].iloc[0])
    assert repaired["DEATH"].iloc[1] in {"2020-01-01", "2002-02-02"}
    assert rule.is_valid(repaired).all()


def test_real_data_must_agree():
    real = pd.DataFrame({"ALIVE": ["Y", "N"], "DEATH": ["2001-01-01", "2001-01-01"]})
    with pytest.raises(SchemaError, match="breaks"):
        NullIf(column="DEATH", condition="ALIVE == 'Y'").fit(real)
