"""The `.synth` model file: a zip of `meta.json` and `weights.safetensors`.

Nothing in a model file is ever unpickled: metadata is JSON and weights are
safetensors, so a file from a stranger can hold wrong numbers but cannot run code.
Reading checks the archive before trusting it (only the two known members, no
paths, sizes bounded before anything is decompressed, a format version this code
understands); writing goes to a temporary file that is renamed into place, so an
interrupted save never leaves half a model behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from synthdata.errors import ModelFileError

FORMAT = "synthdata-model"
FORMAT_VERSION = 1
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
    target = Path(path)
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta}
    payload = json.dumps(document, indent=1, default=_json_default).encode()
    weights = save_tensors({name: t.detach().cpu().contiguous() for name, t in tensors.items()})
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise ModelFileError(f"Cannot write the model file {target}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(META_MEMBER, payload)
            archive.writestr(WEIGHTS_MEMBER, weights)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ModelFileError(f"Cannot write the model file {target}: {error}.") from None
        raise
    return target


def load_model(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Read and check a model file; returns (meta, tensors)."""
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"Model file {source} does not exist.")
    try:
        with zipfile.ZipFile(source) as archive:
            _check_members(archive, source)
            meta = _read_meta(archive, source)
            weights = archive.read(WEIGHTS_MEMBER)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as error:
        raise ModelFileError(
            f"{source} is not a synthdata model file or is damaged ({error}); fit the model again."
        ) from None
    except OSError as error:
        raise ModelFileError(f"Cannot read the model file {source}: {error}.") from None
    try:
        tensors = load_tensors(weights)
    except (SafetensorError, ValueError, RuntimeError) as error:
        raise ModelFileError(f"The weights in {source} are damaged ({error}); fit the model again.") from None
    return meta, tensors


def _check_members(archive: zipfile.ZipFile, source: Path) -> None:
    limits = {META_MEMBER: MAX_META_BYTES, WEIGHTS_MEMBER: MAX_WEIGHTS_BYTES}
    names = [info.filename for info in archive.infolist()]
    if sorted(names) != sorted(limits):
        raise ModelFileError(
            f"{source} is not a synthdata model file: it holds {names[:5]}, expected "
            f"{META_MEMBER} and {WEIGHTS_MEMBER}."
        )
    for info in archive.infolist():
        bomb = info.file_size > max(SMALL_MEMBER_BYTES, MAX_COMPRESSION_RATIO * info.compress_size)
        if info.file_size > limits[info.filename] or bomb:
            raise ModelFileError(
                f"{source}: member {info.filename} claims {info.file_size} bytes, more than a "
                f"model file holds; the file is damaged or hostile."
            )


def _read_meta(archive: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    try:
        meta = json.loads(archive.read(META_MEMBER))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{source}: {META_MEMBER} is not valid JSON ({error}).") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{source} is not a synthdata model file.")
    version = meta.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{source}: unknown format version {version!r}.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{source} was written by a newer synthdata (model format {version}, this version "
            f"reads up to {FORMAT_VERSION}); upgrade synthdata to load it."
        )
    return meta


def _json_default(value: Any) -> Any:
    """NumPy scalars and timestamps that reach the metadata, as plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
