"""What a saved TabularGAN holds: the fields of meta.json and the names of its tensors.

`TabularGAN.save` and `load` decide when a file is written and how a bad one is
refused; the layout of its contents (model file format 2, see `synthdata.persist`)
is kept here, where writing and reading it sit side by side and cannot drift apart,
and so is the summary of them that `TabularGAN.info` (and `synthdata info`) shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from synthdata.models.stages import stage_tensors
from synthdata.schema import Schema
from synthdata.transform.table import DataTransformer
from synthdata.version import __version__

if TYPE_CHECKING:
    from synthdata.models.tabular_gan import TabularGAN


def saved_contents(model: TabularGAN) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """meta.json's fields and the named tensors of a fitted model, as its file stores them."""
    meta = {
        "synthdata_version": __version__,
        "options": model.get_params(),
        "schema": model.schema_.to_dict(),
        "transformer": model.transformer_.state(),
        "columns": model.columns_,
        "n_rows": model.n_rows_,
        "training": model.training_,
        "privacy": model.privacy_,
        "stages": list(model.pipeline_.names),
    }
    tensors = {f"generator.{k}": v for k, v in model.generator_.state_dict().items()}
    tensors.update({f"category_counts.{i}": c for i, c in enumerate(model.category_counts_)})
    tensors.update(stage_tensors(model.pipeline_.stages))
    return meta, tensors


def restore_fitted_fields(model: TabularGAN, meta: dict[str, Any], tensors: dict[str, torch.Tensor]) -> None:
    """Set the fitted attributes read straight from a file; the networks are rebuilt by the caller."""
    model.schema_ = Schema.from_dict(meta["schema"])
    model.transformer_ = DataTransformer.from_state(meta["transformer"])
    model.columns_ = list(meta["columns"])
    model.n_rows_ = int(meta["n_rows"])
    model.history_ = []
    model.training_ = meta["training"]
    model.privacy_ = meta["privacy"]  # None for a fit without DP
    model.file_versions_ = (meta["synthdata_version"], meta["format_version"])
    model.category_counts_ = [tensors[f"category_counts.{i}"] for i in range(len(model.transformer_.category_spans))]


def model_info(model: TabularGAN) -> dict[str, Any]:
    """`TabularGAN.info` of a fitted model, read from the fields its file stores."""
    kinds = {}
    for column in model.schema_.columns.values():
        detail = column.provider or column.format if not column.is_modelled else None
        kinds[column.name] = f"{column.type} ({detail})" if detail else column.type
    return {
        "synthdata_version": model.file_versions_[0],
        "format_version": model.file_versions_[1],
        "n_rows": model.n_rows_,
        "training": {k: v for k, v in model.training_.items() if k != "losses"},
        "options": model.get_params(),
        "columns": {name: kinds.get(name, "?") for name in model.columns_},
        "constraints": [_declared(constraint.to_dict()) for constraint in model.schema_.constraints],
        "privacy": model.privacy_,
    }


def _declared(constraint: dict[str, Any]) -> dict[str, Any]:
    """A constraint as its schema file declares it, without the state learned by fitting."""
    return {key: value for key, value in constraint.items() if key != "fitted"}
