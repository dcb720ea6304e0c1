"""The reversible DataTransformer: a DataFrame of modelled columns <-> one float tensor.

Each numeric or datetime column becomes a scalar span (tanh) followed by a component
span (softmax over mixture modes, point masses and null); each categorical or
boolean column becomes one softmax span. The layout is described by `spans`, which
the generator uses to pick activations and the condition sampler uses to find the
discrete columns, so no other module needs to know how a column was encoded.
A number column also learns how round the values of its modes are (see
synthdata.schema.round_steps), and values decoded from a mode are rounded the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch

from synthdata.errors import NotFittedError, SynthDataError
from synthdata.schema.column import Column
from synthdata.schema.float_values import from_floats, to_floats
from synthdata.schema.round_steps import RoundSteps, unit_of
from synthdata.transform.categories import CategoryEncoder
from synthdata.transform.modes import ModeSpecificNormalizer

SpanKind = Literal["scalar", "component", "category"]
DISCRETE_TYPES = frozenset({"categorical", "boolean"})


@dataclass(frozen=True)
class Span:
    """A contiguous block of the encoded row that belongs to one column."""

    column: str
    kind: SpanKind
    start: int
    width: int

    @property
    def stop(self) -> int:
        return self.start + self.width


class DataTransformer:
    """Encodes modelled columns for the GAN and decodes its output.

    Options are fixed in `__init__`; `fit` learns one encoder per column. Mode
    assignment during `transform` is random (a value's mode is drawn from its
    posterior), so both `transform` and `inverse_transform` take a NumPy Generator.
    """

    def __init__(
        self,
        *,
        max_modes: int = 10,
        weight_threshold: float = 0.005,
        max_fit_values: int = 5_000,
        max_categories: int = 100,
    ) -> None:
        self.max_modes = max_modes
        self.weight_threshold = weight_threshold
        self.max_fit_values = max_fit_values
        self.max_categories = max_categories

    def fit(self, data: pd.DataFrame, columns: list[Column], *, rng: np.random.Generator) -> DataTransformer:
        """Learn each column's encoder from `data`; returns self."""
        self.columns_ = list(columns)
        self.encoders_: dict[str, ModeSpecificNormalizer | CategoryEncoder] = {}
        self.round_steps_: dict[str, RoundSteps] = {}
        for column in self.columns_:
            series = data[column.name]
            encoder: ModeSpecificNormalizer | CategoryEncoder
            if column.type in DISCRETE_TYPES:
                encoder = CategoryEncoder(max_categories=self.max_categories).fit(series)
            else:
                values = to_floats(series, column)
                encoder = ModeSpecificNormalizer(
                    max_modes=self.max_modes,
                    weight_threshold=self.weight_threshold,
                    max_fit_values=self.max_fit_values,
                ).fit(values, rng=rng)
                unit = _unit(column)
                steps = None if unit is None else RoundSteps.fit(encoder.continuous(values), unit=unit)
                if steps is not None and steps.rounds:
                    self.round_steps_[column.name] = steps
            self.encoders_[column.name] = encoder
        self.spans_ = self._layout()
        return self

    def _layout(self) -> list[Span]:
        spans: list[Span] = []
        start = 0
        for column in self.columns_:
            encoder = self.encoders_[column.name]
            pieces: list[tuple[SpanKind, int]]
            if isinstance(encoder, CategoryEncoder):
                pieces = [("category", encoder.n_categories)]
            else:
                pieces = [("scalar", 1), ("component", encoder.n_components)]
            for kind, width in pieces:
                spans.append(Span(column.name, kind, start, width))
                start += width
        return spans

    @property
    def output_dim(self) -> int:
        self._check_fitted()
        return self.spans_[-1].stop if self.spans_ else 0

    @property
    def category_spans(self) -> list[Span]:
        """The one-hot spans of discrete columns: what the generator is conditioned on."""
        return [span for span in self.spans_ if span.kind == "category"]

    def category_frequencies(self, column: str) -> np.ndarray:
        """Real share of each one-hot slot of a discrete column."""
        encoder = self.encoders_[column]
        assert isinstance(encoder, CategoryEncoder)
        return encoder.frequencies_

    def transform(self, data: pd.DataFrame, *, rng: np.random.Generator) -> torch.Tensor:
        """Encode `data` as a float32 tensor of shape (rows, output_dim)."""
        self._check_fitted()
        encoded = np.zeros((len(data), self.output_dim), dtype=np.float32)
        rows = np.arange(len(data))
        for span in self.spans_:
            column = self._column(span.column)
            encoder = self.encoders_[span.column]
            # A discrete column has one span, its categories; a continuous one a scalar and its components.
            if isinstance(encoder, CategoryEncoder):
                codes = self._category_codes(encoder, data[span.column])
                encoded[rows, span.start + codes] = 1.0
            elif span.kind == "scalar":
                scalar, component = encoder.transform(to_floats(data[span.column], column), rng=rng)
                encoded[:, span.start] = scalar
                encoded[rows, span.stop + component] = 1.0
        return torch.from_numpy(encoded)

    def _category_codes(self, encoder: CategoryEncoder, series: pd.Series) -> np.ndarray:
        try:
            return encoder.transform(series)
        except KeyError as error:
            raise SynthDataError(
                f"Column {series.name!r} holds {error.args[0]!r}, a value the model never saw; "
                f"fit on data that includes it."
            ) from None

    def inverse_transform(self, encoded: torch.Tensor | np.ndarray, *, rng: np.random.Generator) -> pd.DataFrame:
        """Decode model output (activated: tanh scalars, softmax spans) to a DataFrame."""
        self._check_fitted()
        matrix = encoded.detach().cpu().numpy() if isinstance(encoded, torch.Tensor) else encoded
        decoded: dict[str, Any] = {}
        for span in self.spans_:
            column = self._column(span.column)
            encoder = self.encoders_[span.column]
            if isinstance(encoder, CategoryEncoder):
                codes = matrix[:, span.start : span.stop].argmax(axis=1)
                values = encoder.inverse_transform(codes, rng=rng)
                categorical = encoder.as_dtype_categories(values)
                decoded[span.column] = (
                    categorical if categorical is not None else _restore_discrete_dtype(values, column)
                )
            elif span.kind == "scalar":
                width = encoder.n_components
                component = matrix[:, span.stop : span.stop + width].argmax(axis=1)
                floats = encoder.inverse_transform(matrix[:, span.start], component)
                if span.column in self.round_steps_:
                    # point masses come back exactly; only values drawn from a mode are rounded
                    modes = component < len(encoder.means_)
                    floats[modes] = self.round_steps_[span.column].apply(floats[modes], rng=rng)
                decoded[span.column] = from_floats(floats, column)
        return pd.DataFrame(dict(decoded))

    def _column(self, name: str) -> Column:
        return next(column for column in self.columns_ if column.name == name)

    def _check_fitted(self) -> None:
        if not hasattr(self, "spans_"):
            raise NotFittedError("The transformer is not fitted; call fit first.")

    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild the fitted transformer, JSON-able."""
        self._check_fitted()
        return {
            "options": {
                "max_modes": self.max_modes,
                "weight_threshold": self.weight_threshold,
                "max_fit_values": self.max_fit_values,
                "max_categories": self.max_categories,
            },
            "columns": [{"name": c.name, **c.to_dict()} for c in self.columns_],
            "encoders": {name: encoder.state() for name, encoder in self.encoders_.items()},
            "round_steps": {name: steps.state() for name, steps in self.round_steps_.items()},
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DataTransformer:
        transformer = cls(**state["options"])
        transformer.columns_ = [
            Column.from_dict(spec["name"], {k: v for k, v in spec.items() if k != "name"}) for spec in state["columns"]
        ]
        transformer.encoders_ = {}
        for column in transformer.columns_:
            encoder_state = state["encoders"][column.name]
            encoder_class = CategoryEncoder if column.type in DISCRETE_TYPES else ModeSpecificNormalizer
            transformer.encoders_[column.name] = encoder_class.from_state(encoder_state)
        transformer.round_steps_ = {name: RoundSteps.from_state(steps) for name, steps in state["round_steps"].items()}
        transformer.spans_ = transformer._layout()
        return transformer


def _unit(column: Column) -> float | None:
    """The unit a number column's roundness is counted in; None for dates and unknown decimals."""
    if column.type == "datetime":
        return None
    return unit_of(integer=column.type == "integer", decimals=column.decimals)


def _restore_discrete_dtype(values: np.ndarray, column: Column) -> pd.Series:
    dtype = column.dtype or "object"
    has_null = bool(pd.isna(values).any())
    if dtype == "bool" and not has_null:
        return pd.Series(values.astype(bool))
    if dtype in ("bool", "boolean"):
        return pd.Series(values, dtype="boolean")
    if dtype in ("category", "string"):
        return pd.Series(values, dtype=dtype)
    if dtype.startswith(("int", "Int", "uint", "UInt", "float")):
        target = dtype if not has_null or dtype.startswith(("Int", "UInt", "float")) else "Int64"
        return pd.Series(values).astype(target)
    return pd.Series(values, dtype=object)
