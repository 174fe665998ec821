"""Where the database lives, how it is opened, and how a command writes to it."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .errors import InvalidInput, StoreError
from .fold import SQL_FUNCTION, sql_function

# Kept here, not read from migrations.py, so that opening an up-to-date database never
# imports sqlite-utils; tests/test_migrations.py checks the two agree.
SCHEMA_VERSION = 7
APPLICATION_ID = 0x52495431  # "RIT1": marks a file as a rit database
BUSY_TIMEOUT_MS = 5_000
# How long a write waits in all for another writer before giving up with one line: long
# enough for any rit command to finish, short enough that cron never hangs.
WRITE_WAIT_SECONDS = 15.0


class DbLocation(NamedTuple):
    """Where the database is, and what said so."""

    path: Path
    source: str  # "flag", "env" or "default"


def locate(flag: str | None) -> DbLocation:
    """The database path: --db, else $RIT_DB, else the platform's user data directory."""
    if flag is not None:
        if not flag.strip():
            # An unset shell variable (--db "$DB"): never fall back to the real database.
            raise InvalidInput("--db must not be empty")
        return DbLocation(Path(flag).expanduser(), "flag")
    env = os.environ.get("RIT_DB")
    if env is not None:
        if not env.strip():
            # RIT_DB="$UNSET" in a crontab: as with --db, never the real database instead.
            raise InvalidInput("RIT_DB is set but empty: give the database file, or unset it")
        return DbLocation(Path(env).expanduser(), "env")
    from platformdirs import user_data_path

    return DbLocation(user_data_path("rit", appauthor=False) / "rit.db", "default")


def _prepare_directory(path: Path) -> None:
    directory = path.parent
    if directory.exists():
        if not directory.is_dir():
            raise StoreError(f"cannot create database {str(path)!r}: {str(directory)!r} is a file")
        return
    old_umask = os.umask(0o077)  # parents created on the way are private too
    try:
        directory.mkdir(mode=0o700, parents=True)
        os.chmod(directory, 0o700)
    except OSError as exc:
        raise StoreError(f"cannot create directory {str(directory)!r}: {exc.strerror}") from exc
    finally:
        os.umask(old_umask)


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only, unless it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create database {str(path)!r}: {exc.strerror}") from exc
    os.close(fd)


def _private_sidecars(path: Path) -> None:
    """Keep SQLite's -wal and -shm files as private as the database itself."""
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        with contextlib.suppress(OSError):
            if side.exists() and stat.S_IMODE(side.stat().st_mode) != 0o600:
                os.chmod(side, 0o600)


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (creating if asked) and migrate the database; raise StoreError if it is not rit's."""
    if str(path) != ":memory:":
        if not path.exists():
            if not create:
                raise StoreError(f"no database at {str(path)!r}")
            _prepare_directory(path)
            _create_private(path)
        elif path.is_dir():
            raise StoreError(f"{str(path)!r} is a directory, not a database")
        elif not path.is_file():  # /dev/null, a FIFO: SQLite would say "disk I/O error"
            raise StoreError(f"{str(path)!r} is not a regular file, so not a database")
    old_umask = os.umask(0o077)
    try:
        conn = _open(path)
    except _ReadOnlyWal:
        conn = _open_read_only(path)
    finally:
        os.umask(old_umask)
    if str(path) != ":memory:":
        _private_sidecars(path)
    return conn


def _open(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {str(path)!r}: {exc}") from exc
    try:
        return _prepare(conn, path)
    except BaseException:
        conn.close()  # a refused file keeps no -wal/-shm left open behind it
        raise


def _prepare(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    try:
        conn.row_factory = sqlite3.Row
        _register_functions(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted personal data is overwritten, not left in free pages (forget-contact).
        conn.execute("PRAGMA secure_delete = ON")
        version, app_id = _identify(conn, path)
        if version < SCHEMA_VERSION:
            _migrate(conn, path, version, app_id)
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {str(path)!r}: {exc}") from exc
    return conn


def _register_functions(conn: sqlite3.Connection) -> None:
    """What the schema's triggers call: the search index's fold (migration m004)."""
    conn.create_function(SQL_FUNCTION, 1, sql_function, deterministic=True)


class _ReadOnlyWal(StoreError):
    """A WAL database whose file and directory are read-only: SQLite cannot make its -shm."""


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Read a database nobody may write (read-only file in a read-only directory or mount)."""
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"cannot read {str(path)!r}: it is read-only and its -wal file holds changes not yet "
            "saved into it; open it once where it can be written"
        )
    try:
        conn = sqlite3.connect(_read_only_uri(path, immutable=True), uri=True, isolation_level=None)
        conn.row_factory = sqlite3.Row
        _register_functions(conn)
        version, _ = _identify(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {str(path)!r}: {exc}") from exc
    if version < SCHEMA_VERSION:
        conn.close()
        raise StoreError(
            f"{str(path)!r} is read-only and from an older rit (schema {version}); "
            "it cannot be upgraded where it is"
        )
    return conn


def _read_only_uri(path: Path, *, immutable: bool) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.absolute()))}?mode=ro" + ("&immutable=1" if immutable else "")


def open_snapshot(path: Path) -> sqlite3.Connection:
    """A database file (a backup, or the database for doctor) opened only to be read,
    creating no -wal or -shm beside it, in a read-only directory or on a read-only mount too.

    rit's connections keep a -wal file while they are open, so a file without one is in
    nobody's use: it is read as immutable (no locks, no side files). With a -wal beside it,
    it is read through SQLite's locks, as it may be in use; an empty -wal that cannot be
    opened (a read-only place) holds nothing, and the file is read as immutable.
    """
    wal = Path(str(path) + "-wal")
    if wal.exists():
        conn = sqlite3.connect(_read_only_uri(path, immutable=False), uri=True)
        try:
            conn.execute("PRAGMA application_id").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            if wal.stat().st_size > 0:
                raise
        else:
            conn.row_factory = sqlite3.Row
            return conn
    conn = sqlite3.connect(_read_only_uri(path, immutable=True), uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        # A read-only file and directory ("readonly": no -shm can be made), or a read-only
        # mount ("unable to open": not even opened for writing): read it all the same.
        message = str(exc)
        read_only = "readonly" in message or "unable to open database file" in message
        if read_only and str(path) != ":memory:":
            raise _ReadOnlyWal(f"cannot read {str(path)!r}: {exc}") from exc
        if "malformed" in str(exc):
            raise StoreError(
                f"{str(path)!r} is damaged ({exc}); rit doctor checks it, rit restore puts "
                "a backup in its place"
            ) from exc
        raise StoreError(f"{str(path)!r} is not a rit database ({exc})") from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise StoreError(f"{str(path)!r} is not a rit database")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{str(path)!r} was written by a newer rit (schema {version}, this rit knows "
            f"{SCHEMA_VERSION}); upgrade rit to use it"
        )
    if app_id == APPLICATION_ID and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        _set_wal(conn)
    return version, app_id


def _set_wal(conn: sqlite3.Connection) -> None:
    # A read-only file cannot switch journal mode; reading it still works.
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("PRAGMA journal_mode = WAL")


def _migrate(conn: sqlite3.Connection, path: Path, version: int, app_id: int) -> None:
    """Migrate under one write lock, so processes opening a new database at once queue up."""
    from sqlite_utils import Database

    from . import migrations

    _set_wal(conn)
    try:
        _begin_immediate(conn)
    except StoreError as exc:
        raise StoreError(f"cannot migrate {str(path)!r}: {exc}") from exc
    try:
        # Another process may have migrated while this one waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            if app_id == APPLICATION_ID and version > 0 and str(path) != ":memory:":
                backup_before_migration(conn, path, version)
            migrations.apply(Database(conn, execute_plugins=False))
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database aside (0600) before an older schema is migrated."""
    target = path.with_name(f"{path.name}.schema{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.schema{version}.{n}.bak")
    if not conn.in_transaction:
        backup_to(conn, target)
        return target
    # SQLite refuses to back up from a connection that holds the write lock (SQLITE_LOCKED,
    # which Python retries forever): copy through a second connection, which sees the
    # same committed state, since the migration has written nothing yet.
    source = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        backup_to(source, target)
    finally:
        source.close()
    return target


def backup_to(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy through SQLite's backup API, created 0600.

    The copy is switched to a rollback journal: a file complete in itself, which can be
    read where no -wal or -shm can be made beside it (a read-only mount); restore and
    the first open switch it back to WAL.
    """
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    os.chmod(target, 0o600)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One command's writes: BEGIN IMMEDIATE, commit on success, roll back on any error."""
    _begin_immediate(conn)
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"cannot save the change: {exc}") from exc


def _begin_immediate(conn: sqlite3.Connection) -> None:
    # busy_timeout covers most waits; a retry until the deadline covers the cases where
    # SQLite returns SQLITE_BUSY at once (a WAL snapshot that cannot be upgraded).
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    delay = 0.01
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "readonly" in message or "read-only" in message:
                raise StoreError(f"the database is read-only: {message}") from exc
            if "locked" not in message and "busy" not in message:
                raise StoreError(f"cannot write to the database: {message}") from exc
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the database is busy: another program kept it locked for "
                    f"{WRITE_WAIT_SECONDS:.0f} s; nothing was changed, try again"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def check_writable(path: Path) -> None:
    """Refuse early and clearly when the database file cannot be written."""
    if str(path) != ":memory:" and path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"the database {str(path)!r} is read-only")
