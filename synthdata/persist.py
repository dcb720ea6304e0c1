"""The `.synth` model file: a zip of `meta.json` and `weights.safetensors`.

Nothing in a model file is ever unpickled: metadata is JSON and weights are
safetensors, so a file from a stranger can hold wrong numbers but cannot run code.
Reading checks the archive before trusting it (only the two known members, no
paths, sizes bounded before anything is decompressed, a format version this code
understands, an older one translated to the current one by `_from_format_1`); writing goes to a temporary file that is renamed into place, so an
interrupted save never leaves half a model behind.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from synthdata.errors import ModelFileError
from synthdata.output_files import temporary_beside

FORMAT = "synthdata-model"
DATABASE_FORMAT = "synthdata-database-model"  # see synthdata.relational.model_file
# 2: meta.json lists the sampling stages by name (`stages`), their tensors under
# `stages.<i>.`; 1: calibration, realness and conditionals tensors under those names.
FORMAT_VERSION = 2
# Format 1's stages: (name in format 2, tensor prefix in format 1), in sampling order.
FORMAT_1_STAGES = (("calibrate", "calibration."), ("reject", "realness."), ("redraw", "conditionals."))
# Learned constraint state that format-1 files may lack, by constraint type, with what
# its absence meant: no declared range for an inequality's rebuilt column and no round
# steps learned for it, no pattern or letter case shared by a column's rare values, no
# real share measured for an equality, no fallback value for a refilled null.
FORMAT_1_CONSTRAINT_STATE: dict[str, dict[str, Any]] = {
    "inequality": {"high_range": [None, None], "high_steps": None},
    "formula": {"range": [None, None], "real_share": None},
    "rare_values": {"pattern": None, "case": None},
    "equal_share": {"real_share": None},
    "null_if": {"fallback": None},
    "not_null": {"fallback": None},
}
META_MEMBER = "meta.json"
WEIGHTS_MEMBER = "weights.safetensors"
MAX_META_BYTES = 64 * 1024 * 1024
MAX_WEIGHTS_BYTES = 4 * 1024 * 1024 * 1024
# JSON and float weights deflate a few times at most; a member that claims to grow a
# thousandfold is a zip bomb, refused before it is decompressed.
MAX_COMPRESSION_RATIO = 1000
SMALL_MEMBER_BYTES = 1024 * 1024


def save_model(path: str | os.PathLike, meta: dict[str, Any], tensors: dict[str, torch.Tensor]) -> Path:
    """Write the model file atomically; returns its path."""
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta}
    payload = json.dumps(document, indent=1, default=json_default).encode()
    weights = save_tensors({name: t.detach().cpu().contiguous() for name, t in tensors.items()})

    def fill(archive: zipfile.ZipFile) -> None:
        archive.writestr(META_MEMBER, payload)
        archive.writestr(WEIGHTS_MEMBER, weights)

    return write_zip_atomically(path, fill)


def load_model(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Read and check a model file; returns (meta, tensors)."""
    with open_model_archive(path) as (archive, source):
        _refuse_database_model(archive, source)
        check_members(archive, source, {META_MEMBER: MAX_META_BYTES, WEIGHTS_MEMBER: MAX_WEIGHTS_BYTES})
        meta = read_meta(archive, source)
        check_format(meta, source, FORMAT, FORMAT_VERSION, "model format")
        weights = archive.read(WEIGHTS_MEMBER)
    try:
        tensors = load_tensors(weights)
    except (SafetensorError, ValueError, RuntimeError) as error:
        raise ModelFileError(f"The weights in {source} are damaged ({error}); fit the model again.") from None
    if meta["format_version"] == 1:
        try:
            return _from_format_1(meta, tensors)
        except (KeyError, TypeError, AttributeError) as error:
            raise ModelFileError(
                f"The model file {source} is inconsistent ({type(error).__name__}: {error}); "
                "it was damaged or edited. Fit the model again."
            ) from None
    return meta, tensors


def _from_format_1(
    meta: dict[str, Any], tensors: dict[str, torch.Tensor]
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """A format-1 model as format 2 states it (`format_version` still says what the file is).

    Format 2's readers are strict: every field it always writes is read as written,
    so whatever a format-1 file may lack is filled in here, once, with what its
    absence meant when the file was written:

    - `stages`: the stages whose tensors it holds, their tensors moved under
      `stages.<i>.`; the `calibrate`, `refine` and `redraw` options False (files
      written before those stages existed name none of them);
    - `privacy`: None (written before DP existed); a DP record's `post_processing`
      says none ran (calibration was switched off under DP then);
    - the transformer's `round_steps`: none learned (before round numbers);
      a category encoder's `dtype_categories` None and `ordered` False (a plain,
      not a pandas categorical, column);
    - constraints' learned state: the fields `FORMAT_1_CONSTRAINT_STATE` names.
    """
    if "options" not in meta:  # a training checkpoint: no sampling stages
        return meta, tensors
    options = {"calibrate": False, "refine": False, "redraw": False, **meta["options"]}
    moved = dict(tensors)
    stages: list[str] = []
    for name, prefix in FORMAT_1_STAGES:
        held = {key: moved.pop(key) for key in [key for key in moved if key.startswith(prefix)]}
        if held:
            moved.update({f"stages.{len(stages)}.{key[len(prefix) :]}": value for key, value in held.items()})
            stages.append(name)
    privacy = meta.get("privacy")
    if privacy is not None:
        privacy = {"post_processing": "none", **privacy}
    transformer = meta["transformer"]
    encoders = {
        name: {"dtype_categories": None, "ordered": False, **state} if "categories" in state else state
        for name, state in transformer["encoders"].items()
    }
    schema = meta["schema"]
    constraints = [
        {**constraint, "fitted": {**FORMAT_1_CONSTRAINT_STATE.get(constraint["type"], {}), **constraint["fitted"]}}
        if "fitted" in constraint
        else constraint
        for constraint in schema.get("constraints", [])  # a schema without constraints names none
    ]
    return {
        **meta,
        "options": options,
        "stages": stages,
        "privacy": privacy,
        "transformer": {"round_steps": {}, **transformer, "encoders": encoders},
        "schema": {**schema, "constraints": constraints} if constraints else schema,
    }, moved


def _refuse_database_model(archive: zipfile.ZipFile, source: Path) -> None:
    """A database model read as one table's is named for what it is, with the way to use it."""
    if META_MEMBER not in archive.namelist() or WEIGHTS_MEMBER in archive.namelist():
        return
    check_member_size(archive.getinfo(META_MEMBER), MAX_META_BYTES, source)
    if read_meta(archive, source).get("format") == DATABASE_FORMAT:
        raise ModelFileError(
            f"{source} is a database model; fill a database with it (`synthdata seed URL -m {source}`, "
            "or DatabaseSynthesizer.load)."
        )


# -- shared with the database model file ----------------------------------------------


def write_zip_atomically(path: str | os.PathLike, fill: Callable[[zipfile.ZipFile], None]) -> Path:
    """Create a deflated zip at `path` with `fill`, through a temporary file renamed
    into place, so an interrupted write never leaves half a model behind."""
    target = Path(path)
    temporary = temporary_beside(target)
    try:
        with open(temporary, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            fill(archive)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ModelFileError(f"Cannot write the model file {target}: {error}.") from None
        raise
    return target


@contextmanager
def open_model_archive(path: str | os.PathLike) -> Iterator[tuple[zipfile.ZipFile, Path]]:
    """The open zip at `path`; a missing, unreadable or damaged file is one ModelFileError."""
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"Model file {source} does not exist.")
    try:
        with zipfile.ZipFile(source) as archive:
            yield archive, source
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as error:
        raise ModelFileError(
            f"{source} is not a synthdata model file or is damaged ({error}); fit the model again."
        ) from None
    except OSError as error:
        raise ModelFileError(f"Cannot read the model file {source}: {error}.") from None


def check_members(archive: zipfile.ZipFile, source: Path, limits: Mapping[str, int]) -> None:
    """The archive holds exactly the members of `limits`, none larger than its limit
    or than a plausible compression ratio allows, checked before any is decompressed."""
    names = [info.filename for info in archive.infolist()]
    if sorted(names) != sorted(limits):
        raise ModelFileError(
            f"{source} is not a synthdata model file: it holds {names[:5]}, expected {', '.join(sorted(limits)[:5])}."
        )
    for info in archive.infolist():
        check_member_size(info, limits[info.filename], source)


def check_member_size(info: zipfile.ZipInfo, limit: int, source: Path) -> None:
    """A member claiming more than `limit` bytes, or a thousandfold its compressed
    size (a zip bomb), is refused before it is decompressed."""
    bomb = info.file_size > max(SMALL_MEMBER_BYTES, MAX_COMPRESSION_RATIO * info.compress_size)
    if info.file_size > limit or bomb:
        raise ModelFileError(
            f"{source}: member {info.filename} claims {info.file_size} bytes, more than a "
            f"model file holds; the file is damaged or hostile."
        )


def read_meta(archive: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    """`meta.json` as a dict (its size is checked by `check_members` first)."""
    try:
        meta = json.loads(archive.read(META_MEMBER))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{source}: {META_MEMBER} is not valid JSON ({error}).") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{source} is not a synthdata model file.")
    return meta


def check_format(meta: dict[str, Any], source: Path, kind: str, newest: int, label: str) -> None:
    """`meta` declares the format `kind` in a version from 1 to `newest`."""
    if meta.get("format") != kind:
        raise ModelFileError(f"{source} is not a synthdata model file.")
    version = meta.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{source}: unknown format version {version!r}.")
    if version > newest:
        raise ModelFileError(
            f"{source} was written by a newer synthdata ({label} {version}, this version "
            f"reads up to {newest}); upgrade synthdata to load it."
        )


def json_default(value: Any) -> Any:
    """NumPy scalars and timestamps that reach the metadata, as plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def prefixed(tensors: Mapping[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The tensors stored under `prefix`, named without it: how a model file nests the
    tensors of its parts (`generator.`, `stages.<i>.`, a checkpoint's modules)."""
    return {name[len(prefix) :]: value for name, value in tensors.items() if name.startswith(prefix)}
