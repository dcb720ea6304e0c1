"""One-hot encoding of a discrete column, with nulls and rare values handled.

Nulls are a category of their own, so the model learns the null share like any
other. A column with a long tail of rare values keeps its frequent categories as
one-hot slots and pools the rest into one slot; a pooled slot comes back as one of
its members drawn by their real frequencies. That keeps the one-hot width bounded
(a city column never becomes a thousand outputs) while every value that comes back
is one the column really held. A pandas Categorical column also keeps its dtype's
categories, in their order (`'1'...'10'`, not sorted as text), so that it comes back
with the same dtype.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class CategoryEncoder:
    """Maps values to category codes and back.

    `categories_` lists the one-hot slots in order; the entry `None` is the null
    slot, and the last slot is the pool when `pool_values_` is non-empty.
    """

    max_categories: int = 100
    min_share: float = 0.001
    categories_: list[Any] = field(default_factory=list)
    frequencies_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pool_values_: list[Any] = field(default_factory=list)
    pool_weights_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # The categories of a pandas Categorical input, in its order; None for other dtypes.
    dtype_categories_: list[Any] | None = None
    ordered_: bool = False

    @property
    def n_categories(self) -> int:
        return len(self.categories_)

    @property
    def has_pool(self) -> bool:
        return len(self.pool_values_) > 0

    def fit(self, values: pd.Series) -> CategoryEncoder:
        """Learn the slots from real values, most frequent first."""
        if isinstance(values.dtype, pd.CategoricalDtype):
            self.dtype_categories_ = [_plain(category) for category in values.dtype.categories]
            self.ordered_ = bool(values.dtype.ordered)
        counts = values.value_counts(dropna=False, sort=True)
        # A categorical dtype lists categories no row holds; the model must never make them.
        counts = counts[counts > 0]
        shares = counts.to_numpy(dtype=float) / max(len(values), 1)
        keys = [None if _is_null(key) else _plain(key) for key in counts.index]
        keep = np.arange(len(keys)) < self.max_categories
        keep &= (shares >= self.min_share) | (np.arange(len(keys)) == 0)
        keep |= np.array([key is None for key in keys], dtype=bool)
        pooled = ~keep
        if pooled.sum() == 1:
            keep[:] = True
            pooled[:] = False
        self.categories_ = [key for key, kept in zip(keys, keep, strict=True) if kept]
        frequencies = list(shares[keep])
        self.pool_values_ = [key for key, pool in zip(keys, pooled, strict=True) if pool]
        if self.pool_values_:
            pool_shares = shares[pooled]
            self.pool_weights_ = pool_shares / pool_shares.sum()
            self.categories_.append("<pooled>")
            frequencies.append(float(pool_shares.sum()))
        self.frequencies_ = np.asarray(frequencies, dtype=float)
        return self

    def transform(self, values: pd.Series) -> np.ndarray:
        """Category code of every value; values never seen in `fit` go to the pool
        when there is one, else raise KeyError naming the value."""
        slots = self.categories_[:-1] if self.has_pool else self.categories_
        null_mask = values.isna().to_numpy()
        present = [category for category in slots if category is not None]
        # One hash lookup per value instead of one comparison pass per category.
        lookup = pd.Index(present, dtype=object).get_indexer(values.astype(object).where(~null_mask, None))
        positions = np.array([slots.index(category) for category in present] + [-1], dtype=np.int64)
        codes = positions[lookup]
        if None in slots:
            codes[null_mask] = slots.index(None)
        else:
            codes[null_mask] = -1
        unmatched = codes < 0
        if unmatched.any():
            if not self.has_pool:
                raise KeyError(values[unmatched].iloc[0])
            codes[unmatched] = self.n_categories - 1
        return codes

    def as_dtype_categories(self, values: np.ndarray) -> pd.Series | None:
        """Decoded values as a Categorical with the real dtype's categories, or None
        when the real column was not a Categorical."""
        if self.dtype_categories_ is None:
            return None
        return pd.Series(pd.Categorical(values, categories=self.dtype_categories_, ordered=self.ordered_))

    def inverse_transform(self, codes: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Values (None for nulls) from category codes."""
        lookup = np.empty(self.n_categories, dtype=object)
        lookup[:] = self.categories_
        values = lookup[codes]
        if self.has_pool:
            pooled = codes == self.n_categories - 1
            drawn = rng.choice(len(self.pool_values_), size=int(pooled.sum()), p=self.pool_weights_)
            members = np.empty(len(self.pool_values_), dtype=object)
            members[:] = self.pool_values_
            values[pooled] = members[drawn]
        return values

    def state(self) -> dict[str, Any]:
        """Learned slots as JSON-able lists, for the model file."""
        categories = self.categories_[:-1] if self.has_pool else self.categories_
        return {
            "categories": categories,
            "frequencies": self.frequencies_.tolist(),
            "pool_values": self.pool_values_,
            "pool_weights": self.pool_weights_.tolist(),
            "dtype_categories": self.dtype_categories_,
            "ordered": self.ordered_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CategoryEncoder:
        encoder = cls(
            categories_=list(state["categories"]),
            frequencies_=np.asarray(state["frequencies"], dtype=float),
            pool_values_=list(state["pool_values"]),
            pool_weights_=np.asarray(state["pool_weights"], dtype=float),
            dtype_categories_=state["dtype_categories"],
            ordered_=state["ordered"],
        )
        if encoder.pool_values_:
            encoder.categories_.append("<pooled>")
        return encoder


def _is_null(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _plain(value: Any) -> Any:
    """NumPy scalars as Python scalars, so categories serialize to JSON as they are."""
    return value.item() if isinstance(value, np.generic) else value
