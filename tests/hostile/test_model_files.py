"""Model files from strangers: loading never runs code, never blows up, always says what is wrong.

Each hostile file is built from a real `.synth` file or from a pickle payload that
really runs (a sanity check proves it writes its marker when unpickled). Loading any
of them must raise SynthDataError and leave the marker absent.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings

from synthdata import Schema, SynthDataError, TabularGAN
from synthdata.persist import META_MEMBER, WEIGHTS_MEMBER
from synthdata.schema.constraints import Regex

from .conftest import small_table
from .expectations import SMALL, outcome_within
from .generator_strategies import PATTERNS, faker_columns


class Payload:
    """Unpickling this writes a marker file: the proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('ran')",)


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory) -> bytes:
    model = TabularGAN(epochs=1, batch_size=50, **SMALL).fit(small_table())
    return model.save(tmp_path_factory.mktemp("real") / "real.synth").read_bytes()


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "payload-ran"


def _pickled(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker))


def _torch_saved(marker: Path) -> bytes:
    buffer = io.BytesIO()
    torch.save({"generator": Payload(marker)}, buffer)
    return buffer.getvalue()


def _members(source: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_payloads_are_live(marker):
    """Without this, the tests below could pass with payloads that never run anything."""
    pickle.loads(_pickled(marker))
    assert marker.read_text() == "ran"
    marker.unlink()
    torch.load(io.BytesIO(_torch_saved(marker)), weights_only=False)
    assert marker.exists()


PAYLOAD_FILES = {
    "a plain pickle named .synth": lambda real, marker: _pickled(marker),
    "a torch.save of the payload": lambda real, marker: _torch_saved(marker),
    "meta.json replaced by a pickle": lambda real, marker: _zip({**_members(real), META_MEMBER: _pickled(marker)}),
    "weights replaced by a pickle": lambda real, marker: _zip({**_members(real), WEIGHTS_MEMBER: _pickled(marker)}),
    "meta.json replaced by a torch.save": lambda real, marker: _zip(
        {**_members(real), META_MEMBER: _torch_saved(marker)}
    ),
    "weights replaced by a torch.save": lambda real, marker: _zip(
        {**_members(real), WEIGHTS_MEMBER: _torch_saved(marker)}
    ),
    "a pickle added beside the real members": lambda real, marker: _zip(
        {**_members(real), "data.pkl": _pickled(marker)}
    ),
    "the torch archive's members added": lambda real, marker: _zip(
        {**_members(real), **_members(_torch_saved(marker))}
    ),
}


@pytest.mark.parametrize("name", list(PAYLOAD_FILES))
def test_pickle_payloads_never_run(name, model_bytes, marker, tmp_path):
    hostile = tmp_path / "model.synth"
    hostile.write_bytes(PAYLOAD_FILES[name](model_bytes, marker))
    with pytest.raises(SynthDataError):
        TabularGAN.load(hostile)
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    "names",
    [
        ["../meta.json", WEIGHTS_MEMBER],
        ["/meta.json", WEIGHTS_MEMBER],
        [META_MEMBER, "../../../../tmp/weights.safetensors"],
        [META_MEMBER, WEIGHTS_MEMBER, "/etc/cron.d/job"],
        [META_MEMBER, META_MEMBER, WEIGHTS_MEMBER],
    ],
)
def test_members_with_paths_or_repeats_are_refused(names, model_bytes, tmp_path):
    real = _members(model_bytes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), real.get(Path(name).name, b"x"))
    hostile = tmp_path / "model.synth"
    hostile.write_bytes(buffer.getvalue())
    with pytest.raises(SynthDataError, match="not a synthdata model file"):
        TabularGAN.load(hostile)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.synth"]


def _with_claimed_size(source: bytes, member: str, size: int) -> bytes:
    """`source` with the uncompressed size the central directory claims for `member` changed."""
    data = bytearray(source)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, position + 24, size)
            return bytes(data)
        position = data.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{member} not found")


@pytest.mark.parametrize("member", [META_MEMBER, WEIGHTS_MEMBER])
def test_a_member_claiming_a_huge_size_is_refused_before_reading(member, model_bytes, tmp_path):
    hostile = tmp_path / "bomb.synth"
    hostile.write_bytes(_with_claimed_size(model_bytes, member, 0xFFFFFFFE))
    with pytest.raises(SynthDataError, match="claims 4294967294 bytes"):
        TabularGAN.load(hostile)


def test_a_zip_bomb_within_the_size_limit_is_refused_before_decompressing(model_bytes, tmp_path):
    """200 MB of zeros deflate to 200 kB: honest sizes, but no model grows like that."""
    hostile = tmp_path / "bomb.synth"
    hostile.write_bytes(_zip({META_MEMBER: _members(model_bytes)[META_MEMBER], WEIGHTS_MEMBER: bytes(200_000_000)}))
    assert hostile.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(SynthDataError, match="claims 200000000 bytes"):
            TabularGAN.load(hostile)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_a_member_claiming_less_than_it_holds_is_damaged(model_bytes, tmp_path):
    real = _members(model_bytes)
    hostile = tmp_path / "short.synth"
    hostile.write_bytes(_with_claimed_size(model_bytes, WEIGHTS_MEMBER, 16))
    with pytest.raises(SynthDataError, match="damaged"):
        TabularGAN.load(hostile)
    assert len(real[WEIGHTS_MEMBER]) > 16


def _damaged(real: bytes) -> bytes:
    """Bytes flipped inside the compressed weights: CRC or inflate errors, depending on where."""
    data = bytearray(real)
    start = data.find(WEIGHTS_MEMBER.encode()) + len(WEIGHTS_MEMBER)
    for offset in range(40, 400, 37):
        data[start + offset] ^= 0xFF
    return bytes(data)


def _with_meta(real: bytes, change) -> bytes:
    members = _members(real)
    meta = json.loads(members[META_MEMBER])
    return _zip({**members, META_MEMBER: json.dumps(change(meta)).encode()})


BROKEN_FILES = {
    "damaged": (_damaged, "damaged"),
    "truncated to half": (lambda real: real[: len(real) // 2], "damaged"),
    "truncated by one byte": (lambda real: real[:-1], "damaged"),
    "empty": (lambda real: b"", "damaged"),
    "a CSV named .synth": (lambda real: b"a,b\n1,2\n", "not a synthdata model file"),
    "a newer format version": (
        lambda real: _with_meta(real, lambda meta: {**meta, "format_version": 3}),
        "newer synthdata",
    ),
    "a format version that is text": (
        lambda real: _with_meta(real, lambda meta: {**meta, "format_version": "1"}),
        "format version",
    ),
    "another program's zip": (
        lambda real: _with_meta(real, lambda meta: {**meta, "format": "other"}),
        "not a synthdata",
    ),
    "meta.json that is a list": (lambda real: _with_meta(real, lambda meta: [meta]), "not a synthdata model file"),
    "meta.json that is not JSON": (lambda real: _zip({**_members(real), META_MEMBER: b"\xff{"}), "not valid JSON"),
    "weights that are not safetensors": (
        lambda real: _zip({**_members(real), WEIGHTS_MEMBER: b"\x00" * 64}),
        "weights",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN_FILES))
def test_broken_model_files_are_one_clear_error(name, model_bytes, tmp_path):
    make, message = BROKEN_FILES[name]
    broken = tmp_path / "model.synth"
    broken.write_bytes(make(model_bytes))
    with pytest.raises(SynthDataError, match=message) as raised:
        TabularGAN.load(broken)
    assert str(broken) in str(raised.value)


def test_weights_of_another_model_are_one_clear_error(model_bytes, tmp_path):
    other = TabularGAN(epochs=1, batch_size=50, **SMALL).fit(small_table(50).drop(columns=["city"]))
    weights = _members(other.save(tmp_path / "other.synth").read_bytes())[WEIGHTS_MEMBER]
    mixed = tmp_path / "mixed.synth"
    mixed.write_bytes(_zip({**_members(model_bytes), WEIGHTS_MEMBER: weights}))
    with pytest.raises(SynthDataError, match=r"inconsistent.*Fit the model again"):
        TabularGAN.load(mixed)


TAMPERED = {
    "a column list of numbers": lambda meta: {**meta, "columns": [0, 1, 2, 3, 4]},
    "a dtype that is a number": lambda meta: _set_column(meta, "dtype", 5),
    "a minimum that is a list": lambda meta: _set_column(meta, "min", [1]),
    "mixture deviations that are a number": lambda meta: _set_encoder(meta, "stds", 1.5),
    "decimals beyond a C long": lambda meta: _set_column(meta, "decimals", 2**70, name="income"),
    "an infinite row count": lambda meta: {**meta, "n_rows": float("inf")},
    "a seed that is text": lambda meta: {**meta, "options": {**meta["options"], "seed": "x"}},
    "a negative seed": lambda meta: {**meta, "options": {**meta["options"], "seed": -1}},
}


def _set_column(meta, key, value, *, name="age"):
    column = next(column for column in meta["transformer"]["columns"] if column["name"] == name)
    column[key] = value
    return meta


def _set_encoder(meta, key, value):
    meta["transformer"]["encoders"]["age"][key] = value
    return meta


@pytest.mark.parametrize("name", list(TAMPERED))
def test_a_hand_edited_meta_json_is_one_clear_error(name, model_bytes, tmp_path):
    edited = tmp_path / "model.synth"
    edited.write_bytes(_with_meta(model_bytes, TAMPERED[name]))
    with pytest.raises(SynthDataError):
        TabularGAN.load(edited).sample(20)


@pytest.fixture(scope="module")
def generated_model_bytes(tmp_path_factory) -> bytes:
    """A model with an id pattern, a Faker column and a regex constraint, for editing."""
    frame = small_table()
    frame["code"] = [f"S{number:08d}" for number in range(len(frame))]
    frame["first_name"] = ["Anna", "Bob", "Carl", "Dora"] * (len(frame) // 4)
    schema = Schema.infer(frame)
    schema.constraints.append(Regex(column="code", pattern=r"S\d{8}"))
    model = TabularGAN(epochs=1, batch_size=50, **SMALL).fit(frame, schema=schema)
    return model.save(tmp_path_factory.mktemp("generated") / "generated.synth").read_bytes()


def _set_schema(path: list[str | int], value):
    def change(meta):
        node = meta["schema"]
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return meta

    return change


HOSTILE_SCHEMAS_IN_MODEL_FILES = {
    "an id pattern repeating a billion times": (
        _set_schema(["columns", "code", "pattern"], r"S\d{999999999}"),
        "repeats 999,999,999 times",
    ),
    "an id pattern with nested quantifiers": (_set_schema(["columns", "code", "pattern"], "(a+)+$"), "varying length"),
    "an id pattern of 10**8 pieces": (_set_schema(["columns", "code", "pattern"], r"((\d{100}){100}){100}"), "pieces"),
    "a catastrophic regex constraint": (_set_schema(["constraints", 0, "pattern"], "(a|a)*$"), "start with the same"),
    "a path 10**8 folders deep": (
        _set_schema(
            ["columns", "first_name"], {"type": "faker", "provider": "file_path", "args": {"depth": 100_000_000}}
        ),
        "'depth'",
    ),
    "4 GB of binary": (
        _set_schema(["columns", "first_name"], {"type": "faker", "provider": "binary", "args": {"length": 4e9}}),
        "'length'",
    ),
    "an unknown Faker argument": (_set_schema(["columns", "first_name", "args"], {"bogus": 1}), "no argument 'bogus'"),
    "an unknown provider": (_set_schema(["columns", "first_name", "provider"], "frist_name"), "did you mean"),
}


@pytest.mark.parametrize("name", list(HOSTILE_SCHEMAS_IN_MODEL_FILES))
def test_a_model_file_asking_for_endless_work_is_refused_at_load(name, generated_model_bytes, tmp_path):
    change, message = HOSTILE_SCHEMAS_IN_MODEL_FILES[name]
    edited = tmp_path / "model.synth"
    edited.write_bytes(_with_meta(generated_model_bytes, change))
    error, text = outcome_within(20, lambda: TabularGAN.load(edited).sample(20))
    assert error in ("SchemaError", "SynthDataError"), (error, text)
    assert message in text and "\n" not in text, text


def test_the_generated_model_file_samples_before_editing(generated_model_bytes, tmp_path):
    """Without this, the refusals above could come from a model that never worked."""
    model_file = tmp_path / "model.synth"
    model_file.write_bytes(generated_model_bytes)
    rows = TabularGAN.load(model_file).sample(20)
    assert rows["code"].str.fullmatch(r"S\d{8}").all()


MODEL_FILE_ERRORS = ("SchemaError", "ModelFileError", "SynthDataError", "ConstraintError")


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(pattern=PATTERNS, column=faker_columns())
def test_any_pattern_or_faker_column_in_a_model_file_loads_and_samples_in_bounded_time(
    pattern, column, generated_model_bytes, tmp_path_factory
):
    def change(meta):
        meta["schema"]["columns"]["code"]["pattern"] = pattern
        meta["schema"]["constraints"][0]["pattern"] = pattern
        meta["schema"]["columns"]["first_name"] = column
        return meta

    edited = tmp_path_factory.mktemp("edited") / "model.synth"
    edited.write_bytes(_with_meta(generated_model_bytes, change))
    error, message = outcome_within(20, lambda: TabularGAN.load(edited).sample(20))
    assert error == "ok" or (error in MODEL_FILE_ERRORS and "\n" not in message), (error, message)
