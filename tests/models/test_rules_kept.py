"""Rules found inside rows hold on every sampled row of a tiny fit: they are built in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from synthdata import Schema, TabularGAN
from tests.schema.rules.loans import loan_table


def test_every_exact_rule_holds_on_every_sampled_row_and_a_share_rule_near_its_share():
    real = loan_table(rows=600)
    schema = Schema.infer(real)
    model = TabularGAN(epochs=1, batch_size=200, refine=False, redraw=False, verbose=False, seed=0)
    rows = model.fit(real, schema=schema).sample(1_000)
    monthly = rows["int_rate"] / 1200
    instalment = rows["loan_amnt"] * monthly / (1 - (1 + monthly) ** -rows["term"])
    assert np.allclose(rows["total_pymnt"], rows["total_rec_prncp"] + rows["total_rec_int"] + rows["fees"], atol=0.015)
    assert np.allclose(rows["out_prncp"], rows["loan_amnt"] - rows["total_rec_prncp"], atol=0.015)
    assert np.allclose(rows["installment"], instalment, atol=0.005)
    assert (rows["open_acc"] <= rows["total_acc"]).all()
    assert (rows["annual_inc_joint"].isna() == (rows["application_type"] == "Individual")).all()
    assert schema.is_valid(rows).all()
    # the two counts: equal on 98% of real rows, learned as a point mass of their difference
    assert (rows["num_actv_rev_tl"] == rows["num_rev_tl"]).mean() > 0.8


def test_real_loans_keep_their_sums_and_an_ordering_on_its_share():
    # 1,000 real loans (openintro's loans_full_schema): credit used within the limit on 98.1%
    real = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "loan_payments.csv")
    schema = Schema.infer(real)
    model = TabularGAN(epochs=3, batch_size=200, refine=False, redraw=False, verbose=False, seed=0)
    rows = model.fit(real, schema=schema).sample(3_000)
    paid = rows["paid_principal"] + rows["paid_interest"] + rows["paid_late_fees"]
    assert np.allclose(rows["paid_total"], paid, atol=0.015)
    assert (rows["open_credit_lines"] <= rows["total_credit_lines"]).all()
    within = (rows["total_credit_utilized"] <= rows["total_credit_limit"]).mean()
    # the exceptions are learned as a share: neither forced away nor left to chance
    independent = (
        rows["total_credit_utilized"].to_numpy() <= rows["total_credit_limit"].sample(frac=1, random_state=0).to_numpy()
    ).mean()
    assert 0.95 <= within < 1.0 and independent < 0.9


def test_a_sum_on_a_share_of_real_loans_holds_on_about_that_share_of_sampled_rows():
    # 600 real loans: balance = amount - principal paid on 593, not on the 7 charged-off ones
    real = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "loan_balances.csv")
    schema = Schema.infer(real)
    model = TabularGAN(epochs=3, batch_size=200, refine=False, redraw=False, verbose=False, seed=0)
    rows = model.fit(real, schema=schema).sample(3_000)
    held = ((rows["loan_amount"] - rows["paid_principal"]).round(2) == rows["balance"]).mean()
    assert abs(held - 593 / 600) < 0.03
    # computed balances are never negative: the principal paid stays within the amount
    assert (rows["paid_principal"] <= rows["loan_amount"]).all() and (rows["balance"] >= 0).all()
