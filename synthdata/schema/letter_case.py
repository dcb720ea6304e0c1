"""The letter case a text column writes its values in, so that made-up values match it.

Fresh values come from sources with a case of their own (Faker's job titles are
capitalised: "Nurse, learning disability"), while a real column is often written all
in lower or upper case ("registered nurse"). A generated value in the wrong case is
told from the real ones at a glance, so the case the real values share is learned and
fresh values are written in it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

LetterCase = Literal["lower", "upper"]
# Share of the values with letters that must agree for the column to have a case: a
# few acronyms in a lower-case column should not leave its fresh values capitalised.
CASE_SHARE = 0.95


def letter_case(values: pd.Series) -> LetterCase | None:
    """ "lower" or "upper" when the column's values with letters are written so, else None."""
    text = values.dropna().astype(str)
    text = text[text.str.lower() != text.str.upper()]
    if text.empty:
        return None
    if (text == text.str.lower()).mean() >= CASE_SHARE:
        return "lower"
    if (text == text.str.upper()).mean() >= CASE_SHARE:
        return "upper"
    return None


def in_case(values: np.ndarray, case: LetterCase | None) -> np.ndarray:
    """`values` (strings) written in `case`; as they are when it is None."""
    if case is None:
        return values
    text = pd.Series(values, dtype=object).astype(str)
    return (text.str.lower() if case == "lower" else text.str.upper()).to_numpy(dtype=object)
