"""A high-cardinality text column: values held by few rows are made afresh, never copied."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema, TabularGAN
from synthdata.errors import SchemaError
from synthdata.schema.constraints import RareValues, constraint_from_dict
from synthdata.schema.constraints.rare_values import MARKER

WORDS = ["Senior", "Junior", "Lead", "Chief", "Staff"], ["Engineer", "Nurse", "Teacher", "Driver", "Clerk", "Pilot"]


def titles(rows: int = 1_500, seed: int = 0) -> pd.DataFrame:
    """Job titles with a long tail (a few common, hundreds held by one or two rows) and 8% nulls."""
    rng = np.random.default_rng(seed)
    common = [f"{rank} {job}" for rank in WORDS[0] for job in WORDS[1]]
    vocabulary = np.array(common + [f"Keeper of exhibit {i}" for i in range(800)], dtype=object)
    weights = np.r_[np.full(len(common), 30.0), np.ones(800)]
    title = vocabulary[rng.choice(len(vocabulary), rows, p=weights / weights.sum())]
    title[rng.random(rows) < 0.08] = None
    return pd.DataFrame({"emp_title": title, "badge_text": title, "income": rng.normal(5e4, 1e4, rows).round(0)})


def test_inference_keeps_values_held_by_k_rows_and_names_a_provider_from_the_column_name():
    schema = Schema.infer(titles())
    rules = {c.column: c.to_dict() for c in schema.constraints if isinstance(c, RareValues)}
    assert rules["emp_title"] == {"type": "rare_values", "column": "emp_title", "min_rows": 5, "provider": "job"}
    # no provider for a badge: the word model of the kept values makes its tail
    assert rules["badge_text"] == {"type": "rare_values", "column": "badge_text", "min_rows": 5}
    assert Schema.from_dict(schema.to_dict()) == schema


def test_no_rare_real_value_is_sampled_and_the_kept_ones_keep_their_share():
    real = titles()
    schema = Schema.infer(real)
    schema.constraints = [
        RareValues(column="emp_title", min_rows=3, provider="job"),
        RareValues(column="badge_text", min_rows=3),
    ]
    model = TabularGAN(epochs=1, batch_size=200, refine=False, redraw=False, verbose=False, seed=0)
    rows = model.fit(real, schema=schema).sample(1_000)
    counts = real["emp_title"].value_counts()
    rare, kept = set(counts[counts < 3].index), set(counts[counts >= 3].index)
    assert not rows["emp_title"].isin(rare).any()
    assert not rows.isin([MARKER]).any().any()
    assert abs(rows["emp_title"].isin(kept).mean() - real["emp_title"].isin(kept).mean()) < 0.1
    assert abs(rows["emp_title"].isna().mean() - 0.08) < 0.05
    # the word model recombines the kept values' words
    fresh = rows["badge_text"].dropna()[~rows["badge_text"].dropna().isin(kept)]
    assert len(fresh) and fresh.str.split().explode().isin({w for t in kept for w in t.split()}).all()


def test_the_rule_fits_only_text_categories_and_round_trips():
    rule = RareValues(column="emp_title", min_rows=3).fit(titles())
    again = constraint_from_dict(rule.to_dict())
    assert again.kept_ == rule.kept_ and again.words_ == rule.words_
    assert "Keeper of exhibit 7" not in rule.kept_
    with pytest.raises(SchemaError, match="min_rows"):
        RareValues(column="emp_title", min_rows=1)
    with pytest.raises(SchemaError, match="categorical"):
        RareValues(column="income").fit(titles())


def test_fresh_values_are_written_in_the_case_the_real_column_shares(synthea):
    """Synthea writes organisation names in capitals; Faker's companies come capitalised, and are raised."""
    organizations = pd.read_csv(synthea / "ne_111" / "organizations.csv")
    rule = RareValues(column="NAME", min_rows=2, provider="company").fit(organizations)
    again = constraint_from_dict(rule.to_dict())
    fresh = again.repair(again.transform(organizations), rng=np.random.default_rng(0))["NAME"]
    made = fresh[~fresh.isin(organizations["NAME"])]
    assert len(made) > 10 and (made == made.str.upper()).all()
    # a lower-case column gets lower-case values
    lower = titles().assign(emp_title=lambda frame: frame["emp_title"].str.lower())
    rows = RareValues(column="emp_title", provider="job").fit(lower)
    titled = rows.repair(rows.transform(lower), rng=np.random.default_rng(0))["emp_title"].dropna()
    assert (titled == titled.str.lower()).all()
