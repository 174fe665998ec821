"""Writing files that hold data: private (0600) from the first byte, never the database."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InvalidInput, StoreError
from .text import short_repr


def write_private(path: Path, data: str | bytes, *, protect: Path | None = None) -> None:
    """Write data to path, created (or truncated) 0600; refuse to write over `protect`."""
    target = path.expanduser()
    if protect is not None and target.exists() and protect.exists():
        if os.path.samefile(target, protect):
            raise InvalidInput(f"--out {short_repr(str(path))} is the database itself")
    if target.is_dir():
        raise InvalidInput(f"--out {short_repr(str(path))} is a directory")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError as exc:
        raise InvalidInput(
            f"--out {short_repr(str(path))}: directory {short_repr(str(target.parent))} "
            "does not exist"
        ) from exc
    except OSError as exc:
        raise StoreError(f"cannot write {short_repr(str(path))}: {exc.strerror}") from exc
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    except OSError as exc:
        raise StoreError(f"cannot write {short_repr(str(path))}: {exc.strerror}") from exc
