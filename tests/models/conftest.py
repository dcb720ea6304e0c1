"""Small tables with known dependencies, shared by the model tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.schema import Column
from synthdata.transform.table import DataTransformer

ROLES = ["husband", "wife", "child"]


def households(n: int, seed: int) -> pd.DataFrame:
    """Husbands are men, wives women, children either, with ages that follow the role;
    income is null for a third of the children."""
    rng = np.random.default_rng(seed)
    role = rng.choice(ROLES, size=n, p=[0.45, 0.35, 0.2])
    sex = np.where(role == "husband", "M", np.where(role == "wife", "F", rng.choice(["M", "F"], size=n)))
    age = np.where(role == "child", rng.normal(12, 4, n), rng.normal(45, 12, n)).round()
    income = np.where((role == "child") & (rng.random(n) < 0.33), np.nan, rng.lognormal(10, 1, n).round())
    return pd.DataFrame({"role": role, "sex": sex, "age": age, "income": income})


def fitted_transformer(frame: pd.DataFrame) -> DataTransformer:
    columns = [
        Column("role", "categorical"),
        Column("sex", "categorical"),
        Column("age", "numerical"),
        Column("income", "numerical"),
    ]
    return DataTransformer().fit(frame, columns, rng=np.random.default_rng(0))
