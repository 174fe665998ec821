"""Backup, restore and the health checks of `rit doctor`."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import db
from ..errors import InvalidInput, StoreError
from ..outfile import copy_into_stream, resolve_target

REQUIRED_TABLES = ("orgs", "contacts", "history")


# --- backup and restore -----------------------------------------------------------------


def backup(conn: sqlite3.Connection, target: Path, db_path: Path, force: bool) -> int:
    """Copy the open database to TARGET (0600) through SQLite's backup API; its size.

    A symlink is followed (the file it names is written); a FIFO or character device is
    written into, never replaced.
    """
    if str(target) == "-":
        raise InvalidInput(
            "'-' is standard output, and a backup is a database file: give a file name"
        )
    where = resolve_target(target, db_path)
    if where.replaces and not force:
        raise InvalidInput(
            f"{str(target)!r} exists: give a new file name, or --force to replace it"
        )
    if where.stream:
        # Built where only we can read it, then copied in: the copy is checked first.
        with tempfile.TemporaryDirectory(prefix="rit-backup-") as directory:
            temporary = Path(directory) / "backup.db"
            size = _checked_copy(conn, temporary, target)
            copy_into_stream(temporary, where.path)
        return size
    temporary = where.path.with_name(f".{where.path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    try:
        size = _checked_copy(conn, temporary, target)
        os.replace(temporary, where.path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise StoreError(f"cannot write the backup {str(target)!r}: {exc}") from exc
    return size


def _checked_copy(conn: sqlite3.Connection, temporary: Path, target: Path) -> int:
    """The database copied to TEMPORARY and checked; its size. Removed again on failure."""
    try:
        db.backup_to(conn, temporary)
        # restore refuses a backup that fails its integrity check: one that could never be
        # restored must not take the place of a good one (rotating nightly backups).
        problems = first_problem(temporary)
    except (OSError, sqlite3.Error) as exc:
        _discard(temporary)
        raise StoreError(f"cannot write the backup {str(target)!r}: {exc}") from exc
    if problems is not None:
        _discard(temporary)
        raise StoreError(
            f"the database fails its integrity check ({problems}): no backup written, "
            f"{str(target)!r} is left as it was; rit doctor says more, rit restore puts a "
            "good backup in its place"
        )
    return temporary.stat().st_size


def _discard(temporary: Path) -> None:
    """A copy that failed, with any -wal/-shm a failure midway left beside it."""
    for path in (temporary, *_sidecars(temporary)):
        with contextlib.suppress(OSError):
            path.unlink()


def first_problem(path: Path) -> str | None:
    """The first problem SQLite's integrity check finds in the file, or None."""
    conn = db.open_snapshot(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:  # too broken to be checked at all
        return str(exc)
    finally:
        conn.close()
    return None if problems == ["ok"] else problems[0]


def check_rit_file(path: Path) -> int:
    """Refuse a file that is not a sound rit database this rit can read; its schema."""
    shown = repr(str(path))
    if path.is_dir():
        raise InvalidInput(f"{shown} is a directory, not a rit database")
    if not path.is_file():
        # A device (/dev/null, /dev/zero) is there, but is no database either.
        raise InvalidInput(
            f"{shown} is not a regular file, so not a rit database"
            if path.exists()
            else f"no file {shown}"
        )
    try:
        conn = db.open_snapshot(path)
    except sqlite3.Error as exc:
        raise InvalidInput(f"{shown} cannot be opened: {exc}") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != db.APPLICATION_ID or not set(REQUIRED_TABLES) <= names:
            raise InvalidInput(f"{shown} is not a rit database")
        if version > db.SCHEMA_VERSION:
            raise InvalidInput(
                f"{shown} was written by a newer rit (schema {version}, this rit knows "
                f"{db.SCHEMA_VERSION}); upgrade rit first"
            )
        problem = first_problem(path)
        if problem is not None:
            raise InvalidInput(f"{shown} fails its integrity check: {problem}")
        return int(version)
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{shown} is not a rit database ({exc})") from exc
    finally:
        conn.close()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def restore(source: Path, live: Path) -> Path | None:
    """Replace the live database by SOURCE; the replaced one is kept beside it (0600).

    Returns where the replaced database was kept (None when there was none).
    """
    if source.exists() and source.resolve() in {live.resolve(), *_sidecars(live)}:
        raise InvalidInput(f"{str(source)!r} is the database itself")
    check_rit_file(source)
    db.check_writable(live)
    kept: Path | None = None
    if live.exists():
        current = db.connect(live)
        try:
            kept = live.with_name(f"{live.name}.before-restore-{_stamp()}.bak")
            n = 1
            while kept.exists():
                n += 1
                kept = live.with_name(f"{live.name}.before-restore-{_stamp()}-{n}.bak")
            db.backup_to(current, kept)
        except OSError as exc:
            raise StoreError(
                f"cannot restore into {str(live)!r}: cannot keep the replaced database "
                f"beside it: {exc.strerror}"
            ) from exc
        finally:
            current.close()
    source_conn = db.open_snapshot(source)
    try:
        target = db.connect(live)  # creates it (0600) when missing
        try:
            source_conn.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        if kept is not None:
            kept.unlink(missing_ok=True)  # the database is as it was: no copy of it to keep
        raise StoreError(f"cannot restore into {str(live)!r}: {exc}") from exc
    finally:
        source_conn.close()
    # The restored data is as private as any database rit makes, whatever the old file was.
    with contextlib.suppress(OSError):
        os.chmod(live, 0o600)
    db.connect(live).close()  # migrates an older backup, back to WAL, private side files
    return kept


def _sidecars(path: Path) -> set[Path]:
    base = path.resolve()
    return {Path(str(base) + s) for s in ("-wal", "-shm")}


# --- doctor -------------------------------------------------------------------------------

NETWORK_FILE_SYSTEMS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p",
    "afs", "ceph", "fuse.ceph", "glusterfs", "fuse.glusterfs", "lustre", "davfs",
    "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "gpfs", "ocfs2", "gfs2",
    "ncpfs", "coda", "beegfs", "fuse.juicefs",
}  # fmt: skip


@dataclass(frozen=True)
class Check:
    """One line of rit doctor: what was checked, its verdict and the detail."""

    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str


def _unescape_mount(text: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes.
    for code in ("\\040", "\\011", "\\012", "\\134"):
        text = text.replace(code, chr(int(code[1:], 8)))
    return text


def file_system_of(path: Path, mounts: str) -> tuple[str, str] | None:
    """(mount point, type) of the mount holding PATH, from the text of /proc/mounts."""
    target = str(path)
    best: tuple[str, str] | None = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, kind = _unescape_mount(parts[1]), parts[2]
        inside = point == "/" or target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, kind)
    return best


def _mode_check(name: str, path: Path, wanted: int) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~wanted & 0o077:
        return Check(
            name,
            "warn",
            f"{path} is {mode:04o}, readable by others: chmod {wanted:o} '{path}'",
        )
    return Check(name, "ok", f"{path} is {mode:04o}")


SOURCES = {"flag": "from --db", "env": "from $RIT_DB", "default": "the default location"}


def doctor(location: db.DbLocation, mounts: str | None) -> list[Check]:
    """Every check about the database file; nothing is written."""
    path = location.path
    checks = [Check("database", "ok", f"{path} ({SOURCES.get(location.source, location.source)})")]
    if not path.exists():
        checks.append(Check("file", "warn", "does not exist yet; it is created on first use"))
        return checks
    if path.is_dir():  # as every other command says it (SQLite: "disk I/O error")
        checks.append(Check("file", "fail", f"{path} is a directory, not a database"))
        return checks
    if not path.is_file():
        checks.append(Check("file", "fail", f"{path} is not a regular file, so not a database"))
        return checks
    checks.append(Check("sqlite", "ok", f"SQLite {sqlite3.sqlite_version}"))
    try:
        conn = db.open_snapshot(path)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        checks.append(Check("file", "fail", f"cannot be read as SQLite: {exc}"))
        return checks
    try:
        if app_id != db.APPLICATION_ID:
            checks.append(Check("file", "fail", "is not a rit database"))
            return checks
        if version > db.SCHEMA_VERSION:
            checks.append(
                Check(
                    "schema",
                    "fail",
                    f"{version}: written by a newer rit (this one knows {db.SCHEMA_VERSION})",
                )
            )
        elif version < db.SCHEMA_VERSION:
            checks.append(
                Check("schema", "warn", f"{version}: migrated to {db.SCHEMA_VERSION} on next use")
            )
        else:
            checks.append(Check("schema", "ok", f"{version} (current)"))
        checks.extend(_integrity(conn))
    finally:
        conn.close()
    checks.append(_mode_check("permissions", path, 0o600))
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            checks.append(_mode_check(f"permissions {suffix}", side, 0o600))
    checks.append(_mode_check("directory", path.parent, 0o700))
    checks.append(_file_system(path, mounts))
    return checks


def _integrity(conn: sqlite3.Connection) -> list[Check]:
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [Check("integrity_check", "fail", str(exc))]
    checks = []
    if problems == ["ok"]:
        checks.append(Check("integrity_check", "ok", "ok"))
    else:
        shown = "; ".join(problems[:3])
        checks.append(Check("integrity_check", "fail", f"{len(problems)} problems: {shown}"))
    if not broken:
        checks.append(Check("foreign_key_check", "ok", "no broken references"))
    else:
        shown = ", ".join(f"{r[0]} #{r[1]} -> {r[2]}" for r in broken[:3])
        checks.append(
            Check("foreign_key_check", "fail", f"{len(broken)} broken references: {shown}")
        )
    return checks


def _file_system(path: Path, mounts: str | None) -> Check:
    if mounts is None:
        return Check("file system", "ok", "unknown (no /proc/mounts)")
    found = file_system_of(path.resolve(), mounts)
    if found is None:
        return Check("file system", "ok", "unknown")
    point, kind = found
    if kind in NETWORK_FILE_SYSTEMS:
        return Check(
            "file system",
            "warn",
            f"{kind} at {point} is a network file system: SQLite's locking is unreliable "
            "there; keep the database on a local disk",
        )
    return Check("file system", "ok", f"{kind} at {point}")
