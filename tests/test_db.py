"""Opening the database: location, permissions, pragmas, foreign and future files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from rit_cli import db
from rit_cli.errors import StoreError

from .conftest import RitRunner


def test_locate_prefers_flag_then_env_then_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RIT_DB", str(tmp_path / "env.db"))
    assert db.locate(str(tmp_path / "flag.db")) == db.DbLocation(tmp_path / "flag.db", "flag")
    assert db.locate(None) == db.DbLocation(tmp_path / "env.db", "env")
    monkeypatch.delenv("RIT_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    location = db.locate(None)
    assert location.source == "default"
    assert location.path == tmp_path / "xdg" / "rit" / "rit.db"


def test_new_database_is_private_in_a_private_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "rit.db"
    conn = db.connect(path)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    conn.execute("COMMIT")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0
    conn.close()


def test_connection_pragmas(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "rit.db")
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_MS
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    conn.close()


def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    db.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer rit"):
        db.connect(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (x)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a rit database"):
        db.connect(path)
    assert path.read_bytes() == before


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(os.urandom(4096))
    before = path.read_bytes()
    with pytest.raises(StoreError):
        db.connect(path)
    assert path.read_bytes() == before


def test_failed_write_rolls_back(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "rit.db")
    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO meta VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
    conn.close()


def test_cli_reports_bad_database_in_one_line(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database at all" * 200)
    result = rit("orgs")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_global_options_work_after_the_command(rit: RitRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert rit("add-org", "Life Science Nord", "--db", str(other)).exit_code == 0
    assert other.exists()
    assert "Life Science Nord" in rit("--db", str(other), "orgs").stdout
    assert rit("orgs").stdout == ""


def test_bad_today_is_refused(rit: RitRunner) -> None:
    result = rit("orgs", "--today", "03/04/2016")
    assert result.exit_code == 2
    assert "03/04/2016" in result.stderr


def test_version(rit: RitRunner) -> None:
    from rit_cli import __version__

    result = rit("--version")
    assert result.exit_code == 0
    assert result.stdout == f"rit {__version__}\n"


def test_a_write_gives_up_after_a_bounded_wait(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holding the write lock: one line, exit 1, after the bounded wait."""
    assert rit("add-org", "Life Science Nord").exit_code == 0
    monkeypatch.setattr(db, "WRITE_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = rit("add-org", "FBRI")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the database is busy")
    assert len(result.stderr.splitlines()) == 1
    assert "FBRI" not in rit("orgs").stdout
