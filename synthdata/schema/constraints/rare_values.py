"""`rare_values`: a high-cardinality text column whose rare values are made afresh, never copied.

A job-title column of 10,000 loans holds 4,000 distinct titles; most are held by one
person, and a title held by one person can say who they are ("Chief pilot, Omaha
Zoo"). Values held by at least `min_rows` real rows stay categories the model learns
with the rest of the row; every rarer value becomes one marker category, so the
model learns how often a row has a rare title (and with what), and each sampled
marker is replaced by a fresh value: from a Faker provider when the schema names
one (inferred from the column's name: job, company), otherwise from the tail's
shape when its values share one (codes: a pattern, see `string_shapes`), otherwise from a
word model built on the kept values only (their words, and the tail's count of
words per value), and Faker's words when nothing is kept. Fresh values are written in
the letter case the real values share (see letter_case). The model file holds the
kept values, the pattern, the word model and the case, never a rare value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column, json_scalar
from synthdata.schema.constraints.base import ColumnConstraint, column_of
from synthdata.schema.faker_draw import draw
from synthdata.schema.faker_recipes import recipe_for
from synthdata.schema.ids import PatternGenerator
from synthdata.schema.letter_case import LetterCase, in_case, letter_case
from synthdata.schema.names import name_words
from synthdata.schema.row_random import RowRandom
from synthdata.schema.string_shapes import learn_pattern, sample_strings

# The category that stands for "a rare value" while the model learns.
MARKER = "<rare value>"
DEFAULT_MIN_ROWS = 5
# Free-text columns whose name says which Faker provider makes values like theirs.
_TAIL_PROVIDERS = {
    "job": "job",
    "title": "job",
    "occupation": "job",
    "profession": "job",
    "position": "job",
    "role": "job",
    "company": "company",
    "employer": "company",
    "organization": "company",
    "organisation": "company",
}
MAX_WORDS = 8


def tail_provider_for(name: str) -> str | None:
    """The Faker provider for a column's fresh values, from the words of its name."""
    return next((_TAIL_PROVIDERS[word] for word in reversed(name_words(name)) if word in _TAIL_PROVIDERS), None)


class RareValues(ColumnConstraint):
    """Values of `column` held by fewer than `min_rows` rows are generated, not learned."""

    type = "rare_values"
    reshapes = False

    def __init__(
        self, *, column: str, min_rows: int = DEFAULT_MIN_ROWS, provider: str | None = None, locale: str = "en_US"
    ) -> None:
        if not isinstance(min_rows, int) or isinstance(min_rows, bool) or min_rows < 2:
            raise SchemaError(f"Constraint 'rare_values' on '{column}': min_rows must be a whole number >= 2.")
        self.column = column
        self.min_rows = min_rows
        self.provider = provider
        self.locale = locale

    def describe(self) -> str:
        return f"{self.type} {self.column} (fewer than {self.min_rows} rows)"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        if column_of(self.column, df, columns).type != "categorical":
            raise SchemaError(f"Constraint '{self.describe()}' needs a categorical column.")
        if self.provider is not None:
            recipe_for(self.locale, self.provider)  # an unknown provider fails now, not when sampling
        self.kept_: list[Any] = []
        self.words_: list[str] = []
        self.word_weights_: list[float] = []
        self.lengths_: list[float] = [1.0]
        self.pattern_: str | None = None
        self.case_: LetterCase | None = None
        if df is None:
            return
        self.case_ = letter_case(df[self.column])
        counts = df[self.column].value_counts()
        kept = counts[counts >= self.min_rows]
        self.kept_ = [json_scalar(value) for value in kept.index]
        if MARKER in set(map(str, self.kept_)):
            raise SchemaError(
                f"Column '{self.column}' holds the value {MARKER!r}; rename it to use '{self.describe()}'."
            )
        words = pd.Series(kept.index.astype(str)).str.split().explode()
        weights = words.groupby(words).size()
        self.words_ = weights.index.tolist()
        self.word_weights_ = (weights / weights.sum()).round(6).tolist()
        tail = pd.Series(counts[counts < self.min_rows].index.astype(str))
        self.pattern_ = learn_pattern(sample_strings(tail.to_numpy())) if len(tail) else None
        lengths = (
            tail.str.split().str.len().clip(1, MAX_WORDS).value_counts().reindex(range(1, MAX_WORDS + 1), fill_value=0)
        )
        if lengths.sum():
            self.lengths_ = (lengths / lengths.sum()).round(6).tolist()

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        values = df[self.column]
        rare = values.notna() & ~values.isin(self.kept_)
        if not rare.any():
            return df
        out = df.copy()
        out[self.column] = values.astype(object).where(~rare, MARKER)
        return out

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        marked = (df[self.column] == MARKER).to_numpy()
        if not marked.any():
            return df
        random = RowRandom(int(rng.integers(0, 2**63)), np.flatnonzero(marked).astype(np.uint64))
        out = df.copy()
        values = out[self.column].astype(object)
        values[marked] = in_case(self._fresh(random), self.case_)
        out[self.column] = values
        return out

    def _fresh(self, random: RowRandom) -> np.ndarray:
        """New values, one per row of `random` (see the module docstring for which)."""
        if self.provider is not None or not (self.pattern_ or self.words_):
            return draw(recipe_for(self.locale, self.provider or "word"), random)
        if self.pattern_ is not None:
            return PatternGenerator(self.pattern_).draw(random)
        words = np.array(self.words_, dtype=object)
        counts = 1 + random.child("length").choice(MAX_WORDS, np.array(self.lengths_))
        text = words[random.child("word 0").choice(len(words), np.array(self.word_weights_))]
        for position in range(1, MAX_WORDS):
            more = words[random.child(f"word {position}").choice(len(words), np.array(self.word_weights_))]
            text = np.where(counts > position, text + " " + more, text)
        return text

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        return (df[self.column] != MARKER).to_numpy()

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "min_rows": self.min_rows}
        if self.provider is not None:
            out["provider"] = self.provider
        if self.locale != "en_US":
            out["locale"] = self.locale
        return out

    def state(self) -> dict[str, Any]:
        return {
            "kept": self.kept_,
            "words": self.words_,
            "word_weights": self.word_weights_,
            "lengths": self.lengths_,
            "pattern": self.pattern_,
            "case": self.case_,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.kept_ = list(state["kept"])
        self.words_ = list(state["words"])
        self.word_weights_ = list(state["word_weights"])
        self.lengths_ = list(state["lengths"])
        self.pattern_ = state["pattern"]
        self.case_ = state["case"]
