"""Writing a data file (an export, a report, a backup) privately and atomically, never over
the database; through symlinks, and into FIFOs and character devices without replacing them."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .errors import InvalidInput, StoreError

# What is written: the bytes, or the pieces of a large export as they are made.
Data = bytes | Iterable[bytes]


def write_all(handle: BinaryIO, data: Data) -> None:
    """DATA into HANDLE, piece by piece when it comes in pieces."""
    if isinstance(data, bytes):
        handle.write(data)
        return
    for piece in data:
        handle.write(piece)


def database_files(db_path: Path) -> set[Path]:
    base = db_path.expanduser().resolve()
    return {base, *(Path(str(base) + s) for s in ("-wal", "-shm", "-journal"))}


def refuse_database(target: Path, db_path: Path) -> None:
    """An output path must never be the database or one of SQLite's files beside it."""
    if target.expanduser().resolve() in database_files(db_path):
        raise InvalidInput(f"{str(target)!r} is the database itself: give another file")


class Target(NamedTuple):
    """Where an output file goes once symlinks are followed, and how it is written."""

    path: Path  # the file itself: a symlink's target, not the link
    replaces: bool  # a regular file is there, which the new one replaces
    stream: bool  # a FIFO or character device (or our own stdout/stderr): written into


def resolve_target(target: Path, db_path: Path) -> Target:
    """Check TARGET as an output file and say where and how to write it.

    A symlink is followed, so the link stays and the file it names is written (a rename
    over the link would replace it). A FIFO or a character device (/dev/null, a terminal,
    /dev/stdout) is written into, never replaced: as root a rename would turn /dev/null
    into a regular file. A block device or a socket is refused.
    """
    refuse_database(target, db_path)
    shown = repr(str(target))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InvalidInput(f"cannot write {shown}: {exc.strerror}") from exc
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{shown} is a directory: give a file name")
    if info is not None and _is_stream(info):
        return Target(target, False, True)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{shown} is not a regular file, a FIFO or a terminal: give a file name")
    # realpath follows every link, a dangling one too (the file it names is created).
    real = Path(os.path.realpath(target))
    if not real.parent.is_dir():
        raise InvalidInput(f"the directory {str(real.parent)!r} does not exist")
    return Target(real, info is not None, False)


def _is_stream(info: os.stat_result) -> bool:
    mode = info.st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or _standard_stream(info) is not None


def _standard_stream(info: os.stat_result) -> int | None:
    """The descriptor of our stdout or stderr when INFO is that file (/dev/stdout)."""
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            if os.path.samestat(info, os.fstat(fd)):
                return fd
    return None


def as_typed(text: str, what: str = "--out") -> Path:
    """An output path as the user typed it: an empty one (`--out "$FILE"` with FILE unset)
    is refused, never taken for '.'; a trailing '/' names a directory (the shell's
    `> notes.txt/` says "Not a directory"), never the file before it."""
    if not text.strip():
        raise InvalidInput(f"{what} must not be empty")
    path = Path(text)
    if text.endswith(("/", os.sep)) and not path.is_dir():
        from .text import short_repr

        raise InvalidInput(
            f"{short_repr(text)} ends with '/', which names a directory, and there is none:"
            " give a file name"
        )
    return path


def write_private(target: Path, data: Data, db_path: Path) -> None:
    """Write DATA to TARGET (0600) through a temporary file and a rename.

    A reader (a web server serving a subscribed calendar) sees the old or the new file,
    never half of one; an existing file is replaced, its mode becomes 0600. A FIFO or a
    character device is written into instead.
    """
    where = resolve_target(target, db_path)
    if where.stream:
        write_stream(where.path, data)
        return
    temporary = where.path.with_name(f".{where.path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, where.path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
    except BaseException:  # a failure while the pieces are made, or ^C: no file is left
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_stream(target: Path, data: Data) -> None:
    """Write DATA into a FIFO or character device: opened for writing, never replaced."""
    _into_stream(target, lambda handle: write_all(handle, data))


def copy_into_stream(source: Path, target: Path) -> None:
    """Copy the file SOURCE into a FIFO or character device."""
    with open(source, "rb") as copy:
        _into_stream(target, lambda handle: shutil.copyfileobj(copy, handle, 1 << 16))


def _into_stream(target: Path, write: Callable[[BinaryIO], object]) -> None:
    with open_stream(target) as handle:
        try:
            write(handle)
            handle.flush()
        except BrokenPipeError:
            raise  # the reader went away (| head): quiet, as when rit prints to stdout
        except OSError as exc:
            raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc


@contextlib.contextmanager
def open_stream(target: Path) -> Iterator[BinaryIO]:
    """TARGET opened for writing as it is: our own stdout or stderr through its descriptor
    (so `>> log` keeps appending), anything else opened without creating or truncating."""
    try:
        fd = _standard_stream(os.stat(target))
        if fd is not None:
            handle = os.fdopen(os.dup(fd), "wb")
        else:
            handle = os.fdopen(os.open(target, os.O_WRONLY | os.O_NOCTTY), "wb")
    except OSError as exc:
        raise StoreError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
    try:
        yield handle
    finally:
        with contextlib.suppress(OSError):
            handle.close()
