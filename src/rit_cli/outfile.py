"""Writing a data file (an export) privately and atomically, never over the database."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import InvalidInput, StoreError


def database_files(db_path: Path) -> set[Path]:
    base = db_path.expanduser().resolve()
    return {base, *(Path(str(base) + s) for s in ("-wal", "-shm", "-journal"))}


def refuse_database(target: Path, db_path: Path) -> None:
    """An output path must never be the database or one of SQLite's files beside it."""
    if target.expanduser().resolve() in database_files(db_path):
        raise InvalidInput(f"{str(target)!r} is the database itself: give another file")


def write_private(target: Path, data: bytes, db_path: Path) -> None:
    """Write DATA to TARGET (0600) through a temporary file and a rename.

    A reader (a web server serving a subscribed calendar) sees the old or the new file,
    never half of one; an existing file is replaced, its mode becomes 0600.
    """
    refuse_database(target, db_path)
    if target.is_dir():
        raise InvalidInput(f"{str(target)!r} is a directory: give a file name")
    if target.exists() and not target.is_file():
        _write_through(target, data)  # /dev/stdout, a named pipe: never replaced by a file
        return
    if target.is_symlink():
        target = target.resolve()  # the file it points to is replaced; the link stays
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidInput(f"the directory {str(directory)!r} does not exist")
    temporary = directory / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc


def _write_through(target: Path, data: bytes) -> None:
    """Write to a device or FIFO as it is: no temporary file, no rename, no mode change."""
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
