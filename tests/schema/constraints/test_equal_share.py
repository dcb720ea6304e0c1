"""Two columns equal on most rows: the model learns their difference, no row is forced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.constraints import EqualShare, constraint_from_dict

RNG = np.random.default_rng(0)
COUNTS = pd.DataFrame({"a": [3, 5, 7, 2], "b": [3, 5, 9, 2]})


def test_the_column_becomes_its_difference_and_comes_back():
    rule = EqualShare(column="b", equals="a").fit(COUNTS)
    reshaped = rule.transform(COUNTS)
    assert reshaped.columns.tolist() == ["a", "b - a"]
    assert reshaped["b - a"].tolist() == [0, 0, 2, 0]
    assert rule.real_share_ == 0.75
    restored = rule.reverse_transform(reshaped.assign(a=[1, 1, 1, 1]), rng=RNG)
    assert restored["b"].tolist() == [1, 1, 3, 1]
    # a share, not a rule: no row is ever dropped for it
    assert rule.is_valid(restored.assign(b=[10, 20, 30, 40])).all()


def test_it_round_trips_and_refuses_what_it_cannot_carry():
    rule = EqualShare(column="b", equals="a", share=0.75).fit(COUNTS)
    again = constraint_from_dict(rule.to_dict())
    assert again.to_dict() == rule.to_dict() and again.fitted
    with pytest.raises(SchemaError, match="without 'a'"):
        EqualShare(column="b", equals="a").fit(COUNTS.assign(a=[3, None, 7, 2]))
    with pytest.raises(SchemaError, match="share"):
        EqualShare(column="b", equals="a", share=1.5)
