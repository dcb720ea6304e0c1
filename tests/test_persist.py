"""Model file formats: format 2 is read strictly, format 1 is translated to it in one place.

A current file lacking a field its writer always writes is damaged and refused (naming
the file, saying to fit again); a format-1 file lacking the fields added since gets
them filled with what their absence meant. The real format-1 file pinned in
tests/models/fixtures is loaded by tests/models/test_pinned_rows.py; here a current
file is rewritten as format 1 to reach the fields that file does not hold.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from synthdata import Schema, SynthDataError, TabularGAN
from synthdata.persist import FORMAT_1_STAGES, META_MEMBER, WEIGHTS_MEMBER, load_model
from synthdata.schema.constraints import Inequality, NotNull
from tests.hostile.conftest import small_table
from tests.hostile.expectations import SMALL


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A current model file whose schema holds learned constraint state."""
    frame = small_table()
    schema = Schema.infer(frame)
    schema.constraints += [Inequality(low="age", high="income"), NotNull(column="city")]
    model = TabularGAN(epochs=1, batch_size=50, seed=0, **SMALL).fit(frame, schema=schema)
    return model.save(tmp_path_factory.mktemp("saved") / "model.synth")


def _rewritten(source: Path, target: Path, change: Callable[[dict[str, Any]], None], *, format_1: bool = False) -> Path:
    """`source` with its meta.json changed in place by `change`; as format 1, its stages'
    tensors also go back under the names format 1 gave them."""
    with zipfile.ZipFile(source) as archive:
        meta = json.loads(archive.read(META_MEMBER))
        weights = archive.read(WEIGHTS_MEMBER)
    if format_1:
        prefixes = dict(FORMAT_1_STAGES)
        old = {f"stages.{index}.": prefixes[name] for index, name in enumerate(meta.pop("stages"))}
        tensors = load_tensors(weights)
        for name in list(tensors):
            prefix = next((prefix for prefix in old if name.startswith(prefix)), None)
            if prefix is not None:
                tensors[old[prefix] + name[len(prefix) :]] = tensors.pop(name)
        weights = save_tensors(tensors)
        meta["format_version"] = 1
    change(meta)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(META_MEMBER, json.dumps(meta))
        archive.writestr(WEIGHTS_MEMBER, weights)
    target.write_bytes(buffer.getvalue())
    return target


def _constraint(meta: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(constraint for constraint in meta["schema"]["constraints"] if constraint["type"] == kind)


def _without(path: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Callable[[dict[str, Any]], None]:
    return lambda meta: path(meta).pop(key)


ALWAYS_WRITTEN = {
    "the privacy record": _without(lambda meta: meta, "privacy"),
    "the stages": _without(lambda meta: meta, "stages"),
    "the transformer's round steps": _without(lambda meta: meta["transformer"], "round_steps"),
    "a category's order": _without(lambda meta: meta["transformer"]["encoders"]["city"], "ordered"),
    "a category's dtype": _without(lambda meta: meta["transformer"]["encoders"]["city"], "dtype_categories"),
    "an inequality's range": _without(lambda meta: _constraint(meta, "inequality")["fitted"], "high_range"),
    "an inequality's round steps": _without(lambda meta: _constraint(meta, "inequality")["fitted"], "high_steps"),
    "a not-null fallback": _without(lambda meta: _constraint(meta, "not_null")["fitted"], "fallback"),
}


@pytest.mark.parametrize("name", list(ALWAYS_WRITTEN))
def test_a_current_file_without_a_field_it_always_holds_is_refused(name, saved, tmp_path):
    damaged = _rewritten(saved, tmp_path / "damaged.synth", ALWAYS_WRITTEN[name])
    with pytest.raises(SynthDataError, match=r"[Ff]it (the model )?again") as raised:
        TabularGAN.load(damaged)
    assert str(damaged) in str(raised.value)


def test_a_damaged_format_1_file_is_refused(saved, tmp_path):
    damaged = _rewritten(saved, tmp_path / "damaged.synth", lambda meta: meta.pop("transformer"), format_1=True)
    with pytest.raises(SynthDataError, match=r"inconsistent.*Fit the model again") as raised:
        TabularGAN.load(damaged)
    assert str(damaged) in str(raised.value)


def _as_written_before_the_additions(meta: dict[str, Any]) -> None:
    """Drop what format 1 may lack; a DP record from before post-processing ran under DP."""
    meta["privacy"] = {"epsilon": 1.0, "delta": 1e-5}
    del meta["transformer"]["round_steps"]
    for state in meta["transformer"]["encoders"].values():
        state.pop("dtype_categories", None)
        state.pop("ordered", None)
    for kind, fields in {"inequality": ("high_range", "high_steps"), "not_null": ("fallback",)}.items():
        for field in fields:
            del _constraint(meta, kind)["fitted"][field]


def test_a_format_1_file_gets_what_format_2_always_holds(saved, tmp_path):
    old = _rewritten(saved, tmp_path / "old.synth", _as_written_before_the_additions, format_1=True)
    meta, tensors = load_model(old)
    assert meta["format_version"] == 1 and meta["privacy"]["post_processing"] == "none"
    assert meta["transformer"]["round_steps"] == {}
    assert meta["transformer"]["encoders"]["city"]["ordered"] is False
    assert meta["transformer"]["encoders"]["city"]["dtype_categories"] is None
    assert "dtype_categories" not in meta["transformer"]["encoders"]["age"]
    assert _constraint(meta, "inequality")["fitted"]["high_range"] == [None, None]
    assert _constraint(meta, "inequality")["fitted"]["high_steps"] is None
    assert _constraint(meta, "not_null")["fitted"]["fallback"] is None
    current = TabularGAN.load(saved)
    assert meta["stages"] == list(current.stages_) and meta["stages"]
    assert sorted(tensors) == sorted(load_model(saved)[1])
    model = TabularGAN.load(old)
    assert model.stages_ == current.stages_ and model.file_versions_[1] == 1
    rows = model.sample(50, seed=1)
    assert len(rows) == 50 and (rows["age"] <= rows["income"]).all() and rows["city"].notna().all()
