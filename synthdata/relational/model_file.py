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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synthdata.device import DeviceName
from synthdata.errors import ModelFileError, SynthDataError
from synthdata.models.tabular_gan import TabularGAN
from synthdata.persist import (
    DATABASE_FORMAT,
    MAX_META_BYTES,
    MAX_WEIGHTS_BYTES,
    check_format,
    check_member_size,
    check_members,
    json_default,
    open_model_archive,
    read_meta,
    write_zip_atomically,
)
from synthdata.persist import FORMAT as TABLE_FORMAT
from synthdata.version import __version__

FORMAT = DATABASE_FORMAT
FORMAT_VERSION = 1
META_MEMBER = "meta.json"
_NETWORK_MEMBER = re.compile(r"table-\d+\.synth")


def network_member(index: int) -> str:
    """The member name of the index-th table's network."""
    return f"table-{index}.synth"


def save_database_model(path: str | os.PathLike, meta: dict[str, Any], networks: Mapping[str, TabularGAN]) -> Path:
    """Write `meta` and the networks (by member name) atomically; returns the path."""
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, "synthdata_version": __version__, **meta}

    def fill(archive: zipfile.ZipFile) -> None:
        archive.writestr(META_MEMBER, json.dumps(document, indent=1, default=json_default))
        with tempfile.TemporaryDirectory() as scratch:
            for member, network in networks.items():
                written = network.save(Path(scratch) / member)
                # A network file is a compressed zip already.
                archive.write(written, member, compress_type=zipfile.ZIP_STORED)

    return write_zip_atomically(path, fill)


def load_database_model(
    path: str | os.PathLike, *, device: DeviceName = "auto"
) -> tuple[dict[str, Any], dict[str, TabularGAN]]:
    """Read and check a database model file; returns (meta, networks by member name)."""
    with open_model_archive(path) as (archive, source):
        if META_MEMBER not in archive.namelist():
            raise ModelFileError(f"{source} is not a synthdata model file: it has no {META_MEMBER}.")
        check_member_size(archive.getinfo(META_MEMBER), MAX_META_BYTES, source)
        meta = read_meta(archive, source)
        if meta.get("format") == TABLE_FORMAT:
            raise ModelFileError(
                f"{source} is a single-table model; load it with TabularGAN.load or `synthdata sample`."
            )
        check_format(meta, source, FORMAT, FORMAT_VERSION, "database model format")
        members = _network_members(meta, source)
        limits = {META_MEMBER: MAX_META_BYTES, **dict.fromkeys(members, MAX_META_BYTES + MAX_WEIGHTS_BYTES)}
        check_members(archive, source, limits)
        networks = {member: _read_network(archive, member, source, device) for member in members}
    return meta, networks


def _network_members(meta: dict[str, Any], source: Path) -> list[str]:
    """The network members meta.json lists, each named table-<n>.synth (no paths)."""
    tables = meta.get("tables", {})
    listed = (
        [table.get("network") for table in tables.values() if isinstance(table, dict)]
        if isinstance(tables, dict)
        else []
    )
    networks = [member for member in listed if member is not None]
    if not all(isinstance(member, str) and _NETWORK_MEMBER.fullmatch(member) for member in networks):
        raise ModelFileError(f"{source}: meta.json names network members that are not table-<n>.synth.")
    if len(set(networks)) != len(networks):
        raise ModelFileError(f"{source}: meta.json names one network member for two tables.")
    return networks


def _read_network(archive: zipfile.ZipFile, member: str, source: Path, device: DeviceName) -> TabularGAN:
    with tempfile.TemporaryDirectory() as scratch:
        nested = Path(scratch) / member
        nested.write_bytes(archive.read(member))
        try:
            return TabularGAN.load(nested, device=device)
        except SynthDataError as error:
            reason = str(error).replace(str(nested), member)
            raise ModelFileError(
                f"{source}: the network {member} is damaged ({reason}); fit the model again."
            ) from None
