"""A small loan table built like Lending Club's rows, with every rule the finders look for."""

from __future__ import annotations

import numpy as np
import pandas as pd


def loan_table(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """Totals that are sums, a balance, an amortised instalment, an ordering, two counts
    equal on about 98% of rows and a joint income null exactly for individual loans."""
    rng = np.random.default_rng(seed)
    amount = rng.integers(10, 400, rows) * 100
    rate = np.round(rng.uniform(5, 25, rows), 2)
    term = rng.choice([36, 60], rows)
    monthly = rate / 1200
    principal = np.round(rng.uniform(0, 1, rows) * amount, 2)
    interest = np.round(rng.uniform(0, 3000, rows), 2)
    fees = np.round(rng.exponential(20, rows), 2)
    total_accounts = rng.integers(2, 60, rows)
    count = rng.integers(0, 30, rows)
    application = rng.choice(["Individual", "Joint"], rows, p=[0.85, 0.15])
    return pd.DataFrame(
        {
            "loan_amnt": amount,
            "int_rate": rate,
            "term": term,
            "installment": np.round(amount * monthly / (1 - (1 + monthly) ** -term), 2),
            "total_rec_prncp": principal,
            "total_rec_int": interest,
            "fees": fees,
            "total_pymnt": np.round(principal + interest + fees, 2),
            "out_prncp": np.round(amount - principal, 2),
            "open_acc": np.minimum(total_accounts, rng.integers(1, 40, rows)),
            "total_acc": total_accounts,
            "num_rev_tl": count,
            "num_actv_rev_tl": np.where(rng.random(rows) < 0.98, count, rng.integers(0, 30, rows)),
            "application_type": application,
            "annual_inc_joint": np.where(application == "Joint", rng.normal(80_000, 20_000, rows).round(0), np.nan),
        }
    )


def broken(df: pd.DataFrame, column: str, row: int = 7, by: float = 1.0) -> pd.DataFrame:
    """`df` with one cell moved off its rule."""
    out = df.copy()
    out.loc[row, column] = out.loc[row, column] + by
    return out
