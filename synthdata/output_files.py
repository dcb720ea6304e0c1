"""Where synthdata writes files: one overwrite policy for every output, and atomic writes.

Every command that writes a file (a model, a schema, sampled rows, a report) follows the
same three rules, kept here once:

- a run never writes over one of its own inputs, whatever it is told (`fit data.csv -o
  data.csv` would replace the training data with a model);
- an existing file is replaced only when the caller asks (`overwrite=True`; `--force` on
  the command line);
- the folder is checked, by creating a file in it, before any work is spent on what goes
  there, and the file itself is written under a temporary name beside the target and
  renamed into place, so a reader sees the old file or the whole new one, never a part.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from synthdata.errors import SynthDataError, file_errors


def check_output_path(
    path: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike | None] = (),
    overwrite: bool = False,
    replace_hint: str = "overwrite=True",
) -> Path:
    """`path` as a Path, once it is known that writing it is safe and possible.

    Refused with a SynthDataError: a path that is one of `inputs` (files or SQLite URLs
    read by the same run; None and other URLs are skipped), an existing file unless
    `overwrite`, a folder, and a folder that is missing or cannot be written. The
    message for an existing file names `replace_hint` as the way to replace it.
    """
    target = Path(path)
    for source in inputs:
        if _same_file(target, source):
            raise SynthDataError(f"{target} is also an input of this run; write the output to another file")
    if target.is_dir():
        raise SynthDataError(f"cannot write {target}: {target} is a folder; name a file inside it")
    if target.exists() and not overwrite:
        raise SynthDataError(f"{target} already exists; choose another name, or use {replace_hint} to replace it")
    temporary_beside(target).unlink()
    return target


def temporary_beside(path: Path) -> Path:
    """A new, empty file beside `path`, hidden by a leading dot, with the usual permissions.

    Creating it is also the check that the folder exists and can be written.
    """
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise SynthDataError(f"cannot write {path}: {folder} is a file, not a folder; choose a path inside a folder")
    if not folder.is_dir():
        raise SynthDataError(f"cannot write {path}: the folder {folder} does not exist; create it first")
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    with file_errors(f"write {path}", denied=f" in {folder}; choose an output path you can write to"):
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return temporary


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    """Write `text` (UTF-8) to `path` through a temporary file renamed into place."""
    target = Path(path)
    temporary = temporary_beside(target)
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        raise SynthDataError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _same_file(target: Path, source: str | os.PathLike | None) -> bool:
    """Whether `source` names the file `target` (a path, or a SQLite URL's file)."""
    if source is None:
        return False
    text = os.fspath(source)
    if text.startswith("sqlite:"):
        text = text.split(":///", 1)[1].split("?", 1)[0] if ":///" in text else ""
    elif "://" in text or text in ("", "-"):
        return False
    source_path = Path(text)
    try:
        if target.exists() and source_path.exists():
            return os.path.samefile(target, source_path)
    except OSError:
        return False
    return target.resolve() == source_path.resolve()
