"""synthdata.output_files: the overwrite policy and atomic text writes, as the library offers them."""

from __future__ import annotations

import pytest

from synthdata import SynthDataError, check_output_path
from synthdata.output_files import write_text_atomically


def test_an_input_is_refused_even_when_overwriting(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    with pytest.raises(SynthDataError, match="is also an input of this run"):
        check_output_path(tmp_path / "." / "data.csv", inputs=[str(data)], overwrite=True)


def test_a_hard_link_to_an_input_is_the_input(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    (tmp_path / "other.csv").hardlink_to(data)
    with pytest.raises(SynthDataError, match="is also an input"):
        check_output_path(tmp_path / "other.csv", inputs=[data], overwrite=True)


def test_a_sqlite_file_read_is_an_input(tmp_path):
    database = tmp_path / "shop.db"
    database.write_bytes(b"")
    with pytest.raises(SynthDataError, match="is also an input"):
        check_output_path(database, inputs=[f"sqlite:///{database}", None, "postgresql://h/db"], overwrite=True)


def test_an_existing_file_names_the_way_to_replace_it(tmp_path):
    (tmp_path / "out.csv").write_text("x\n")
    with pytest.raises(SynthDataError, match="use --force to replace it"):
        check_output_path(tmp_path / "out.csv", replace_hint="--force")
    assert check_output_path(tmp_path / "out.csv", overwrite=True) == tmp_path / "out.csv"


def test_the_folder_is_checked_and_nothing_is_left_behind(tmp_path):
    with pytest.raises(SynthDataError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "out.csv")
    check_output_path(tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_text_is_renamed_into_place(tmp_path):
    target = tmp_path / "s.yaml"
    target.write_text("old\n")
    (tmp_path / "link.yaml").hardlink_to(target)
    write_text_atomically(target, "new\n")
    assert target.read_text() == "new\n" and (tmp_path / "link.yaml").read_text() == "old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.yaml", "s.yaml"]
