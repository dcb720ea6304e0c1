"""The `.synth` file of a whole database: one zip with `meta.json` and each table's network.

Each table's TabularGAN is stored as the single-table `.synth` file it writes itself
(a zip of JSON and safetensors), kept as a member `table-<n>.synth`; `meta.json`
holds the rest (tables, keys, groups, counts) as plain JSON. Nothing is unpickled.
Reading trusts nothing before checking it: the members must be exactly `meta.json`
and the networks it lists, named by number only (no paths), each within the size a
model file may have before anything is decompressed; each network is then read
through `TabularGAN.load`, which checks it in turn. Writing goes to a temporary file
renamed into place, so an interrupted save leaves no half model behind.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synthdata import __version__
from synthdata.errors import ModelFileError, SynthDataError
from synthdata.models.tabular_gan import DeviceName, TabularGAN
from synthdata.persist import FORMAT as TABLE_FORMAT
from synthdata.persist import MAX_META_BYTES, MAX_WEIGHTS_BYTES

FORMAT = "synthdata-database-model"
FORMAT_VERSION = 1
META_MEMBER = "meta.json"
_NETWORK_MEMBER = re.compile(r"table-\d+\.synth")


def network_member(index: int) -> str:
    """The member name of the index-th table's network."""
    return f"table-{index}.synth"


def save_database_model(path: str | os.PathLike, meta: dict[str, Any], networks: Mapping[str, TabularGAN]) -> Path:
    """Write `meta` and the networks (by member name) atomically; returns the path."""
    target = Path(path)
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, "synthdata_version": __version__, **meta}
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise ModelFileError(f"Cannot write the model file {target}: {error.strerror}.") from None
    try:
        with tempfile.TemporaryDirectory() as scratch, os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(META_MEMBER, json.dumps(document, indent=1, default=_plain))
                for member, network in networks.items():
                    written = network.save(Path(scratch) / member)
                    # A network file is a compressed zip already.
                    archive.write(written, member, compress_type=zipfile.ZIP_STORED)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ModelFileError(f"Cannot write the model file {target}: {error}.") from None
        raise
    return target


def load_database_model(
    path: str | os.PathLike, *, device: DeviceName = "auto"
) -> tuple[dict[str, Any], dict[str, TabularGAN]]:
    """Read and check a database model file; returns (meta, networks by member name)."""
    source = Path(path)
    if not source.is_file():
        raise ModelFileError(f"Model file {source} does not exist.")
    try:
        with zipfile.ZipFile(source) as archive:
            meta = _read_meta(archive, source)
            members = _check_members(archive, meta, source)
            networks = {member: _read_network(archive, member, source, device) for member in members}
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as error:
        raise ModelFileError(f"{source} is not a synthdata model file or is damaged ({error}); fit it again.") from None
    except OSError as error:
        raise ModelFileError(f"Cannot read the model file {source}: {error}.") from None
    return meta, networks


def _read_meta(archive: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    try:
        info = archive.getinfo(META_MEMBER)
    except KeyError:
        raise ModelFileError(f"{source} is not a synthdata model file: it has no {META_MEMBER}.") from None
    if info.file_size > MAX_META_BYTES:
        raise ModelFileError(f"{source}: {META_MEMBER} claims {info.file_size} bytes; the file is damaged or hostile.")
    try:
        meta = json.loads(archive.read(META_MEMBER))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{source}: {META_MEMBER} is not valid JSON ({error}).") from None
    kind = meta.get("format") if isinstance(meta, dict) else None
    if kind == TABLE_FORMAT:
        raise ModelFileError(f"{source} is a single-table model; load it with TabularGAN.load or `synthdata sample`.")
    if kind != FORMAT:
        raise ModelFileError(f"{source} is not a synthdata database model file.")
    version = meta.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{source}: unknown format version {version!r}.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{source} was written by a newer synthdata (database model format {version}, this version reads up "
            f"to {FORMAT_VERSION}); upgrade synthdata to load it."
        )
    return meta


def _check_members(archive: zipfile.ZipFile, meta: dict[str, Any], source: Path) -> list[str]:
    """The network members meta.json lists, after checking they are all the archive holds, well named and sized."""
    listed = [table.get("network") for table in meta.get("tables", {}).values() if isinstance(table, dict)]
    networks = [member for member in listed if member is not None]
    if not all(isinstance(member, str) and _NETWORK_MEMBER.fullmatch(member) for member in networks):
        raise ModelFileError(f"{source}: meta.json names network members that are not table-<n>.synth.")
    names = [info.filename for info in archive.infolist()]
    if sorted(names) != sorted([META_MEMBER, *networks]):
        raise ModelFileError(
            f"{source} is not a synthdata database model file: it holds {names[:5]}, expected {META_MEMBER} and "
            f"{len(networks)} table networks."
        )
    for info in archive.infolist():
        if info.filename != META_MEMBER and info.file_size > MAX_META_BYTES + MAX_WEIGHTS_BYTES:
            raise ModelFileError(
                f"{source}: member {info.filename} claims {info.file_size} bytes, more than a model holds; "
                "the file is damaged or hostile."
            )
    return networks


def _read_network(archive: zipfile.ZipFile, member: str, source: Path, device: DeviceName) -> TabularGAN:
    with tempfile.TemporaryDirectory() as scratch:
        nested = Path(scratch) / member
        nested.write_bytes(archive.read(member))
        try:
            return TabularGAN.load(nested, device=device)
        except SynthDataError as error:
            reason = str(error).replace(str(nested), member)
            raise ModelFileError(f"{source}: the network {member} is damaged ({reason}); fit the model again.") from None


def _plain(value: Any) -> Any:
    """NumPy scalars that reach the metadata, as plain JSON values."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
