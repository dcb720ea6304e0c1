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
    ["__import__('os').system('true')", "PRICE.real", "PRICE[0]", "lambda: 1", "QTY // 2", "PRICE == 'a'", "'x'"],
)
def test_everything_outside_the_grammar_is_refused(text):
    with pytest.raises(SchemaError, match=r"allowed|parse"):
        Expression(text)


def test_conditions_refuse_calls_too():
    with pytest.raises(SchemaError, match="Call"):
        Expression("len(STATUS) > 2", condition=True)
    with pytest.raises(SchemaError, match="names"):
        Expression("MISSING + 1").evaluate(FRAME)
