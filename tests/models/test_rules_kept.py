"""Rules found inside rows hold on every sampled row of a tiny fit: they are built in."""

from __future__ import annotations

import numpy as np

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
