"""The safe expression language of formulas and conditions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.errors import SchemaError
from synthdata.schema.constraints.expression import Expression

FRAME = pd.DataFrame({"PRICE": [2.5, 4.0, None], "QTY": [2, 3, 1], "STATUS": ["open", "closed", None]})


def test_arithmetic_on_whole_columns():
    expression = Expression("PRICE * QTY - -1 + QTY ** 2 / 2")
    assert expression.columns == ["PRICE", "QTY"]
    values = expression.evaluate(FRAME)
    assert values.iloc[:2].tolist() == [8.0, 17.5] and np.isnan(values.iloc[2])


def test_floor_division_and_remainder_read_hhmm_clock_times():
    times = pd.DataFrame({"T": [1530, 5, 2400, None], "D": [0, 0, 0, 0]})
    assert Expression("T // 100").evaluate(times).tolist()[:3] == [15.0, 0.0, 24.0]
    assert Expression("T % 100").evaluate(times).tolist()[:3] == [30.0, 5.0, 0.0]
    # a remainder takes the divisor's sign, so a clock difference wraps across midnight
    assert Expression("(T - 2000) % 1440").evaluate(times).tolist()[:3] == [970.0, 885.0, 400.0]
    assert np.isinf(Expression("T // D").evaluate(times).iloc[0])


def test_conditions_with_strings_null_tests_and_logic():
    assert Expression("STATUS == 'open' or PRICE is None", condition=True).evaluate(FRAME).tolist() == [
        True,
        False,
        True,
    ]
    assert Expression("not (QTY >= 2 and STATUS is not None)", condition=True).evaluate(FRAME).tolist() == [
        False,
        False,
        True,
    ]
    assert Expression("1 < QTY < 3", condition=True).evaluate(FRAME).tolist() == [True, False, False]


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('true')", "PRICE.real", "PRICE[0]", "lambda: 1", "QTY @ 2", "PRICE == 'a'", "'x'"],
)
def test_everything_outside_the_grammar_is_refused(text):
    with pytest.raises(SchemaError, match=r"allowed|parse"):
        Expression(text)


def test_conditions_refuse_calls_too():
    with pytest.raises(SchemaError, match="Call"):
        Expression("len(STATUS) > 2", condition=True)
    with pytest.raises(SchemaError, match="names"):
        Expression("MISSING + 1").evaluate(FRAME)
