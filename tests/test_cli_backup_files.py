"""Backups are self-contained files; reading one (restore, doctor) leaves nothing beside it,
also in a read-only directory or on a read-only mount."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_LSN, ok

RIT = Path(sys.executable).with_name("rit")
SIDE = ("-wal", "-shm", "-journal")


def side_files(path: Path) -> list[str]:
    return [s for s in SIDE if Path(str(path) + s).exists()]


def header_versions(path: Path) -> tuple[int, int]:
    """The file format's write/read versions: 1 for a rollback journal, 2 for WAL."""
    data = path.read_bytes()[18:20]
    return data[0], data[1]


def journal_mode(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def wal_backup(source: Path, target: Path) -> None:
    """A backup as an older rit wrote it: a copy still in WAL mode (no -wal beside it)."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert header_versions(target) == (2, 2) and not side_files(target)


def test_backups_are_in_rollback_journal_mode(
    rit: RitRunner, tmp_path: Path, db_path: Path
) -> None:
    ok(rit, *ADD_LSN)
    backup = tmp_path / "b.db"
    ok(rit, "backup", str(backup))
    assert header_versions(backup) == (1, 1)
    assert not side_files(backup)
    assert header_versions(db_path) == (2, 2)  # the database itself stays in WAL mode
    ok(rit, *ADD_FBRI)
    result = rit("restore", str(backup))
    assert result.exit_code == 0, result.output
    kept = Path(result.stdout.splitlines()[1].rsplit(" ", 1)[1])
    assert header_versions(kept) == (1, 1) and not side_files(kept)


@pytest.mark.parametrize("old", [False, True], ids=["backup", "wal-mode-backup"])
def test_restore_and_doctor_leave_nothing_beside_the_backup(
    rit: RitRunner, tmp_path: Path, db_path: Path, old: bool
) -> None:
    ok(rit, *ADD_LSN)
    backup = tmp_path / "backups" / "b.db"
    backup.parent.mkdir()
    ok(rit, "backup", str(backup))
    if old:
        wal_backup(backup, backup.with_name("old.db"))
        backup = backup.with_name("old.db")
    os.chmod(backup, 0o644)
    ok(rit, *ADD_FBRI)
    assert rit("restore", str(backup)).exit_code == 0
    assert not side_files(backup)
    assert journal_mode(db_path) == "wal"
    assert [o["short"] for o in json.loads(ok(rit, "orgs", "--json"))] == ["LSN"]
    result = rit("--db", str(backup), "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["integrity_check"]["status"] == "ok", result.output
    assert not side_files(backup)
    assert "permissions -wal" not in checks and "permissions -shm" not in checks


# --- as another user, in a read-only directory ----------------------------------------------


def _unprivileged() -> list[str] | None:
    """A command prefix that runs a program as 'nobody', when we are root and can."""
    if os.geteuid() != 0 or not RIT.exists():
        return None
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    return None


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory outside root's private tmp tree, reachable by 'nobody'."""
    path = Path(tempfile.mkdtemp(prefix="rit-ro-"))
    os.chmod(path, 0o755)
    yield path
    for directory in (path, *path.iterdir()):
        if directory.is_dir():
            os.chmod(directory, 0o755)
    shutil.rmtree(path, ignore_errors=True)


def _as_nobody(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    prefix = _unprivileged()
    assert prefix is not None
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "RIT_TODAY": "2016-08-25"}
    return subprocess.run(
        [*prefix, str(RIT), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(_unprivileged() is None, reason="needs root and setpriv/runuser")
@pytest.mark.parametrize("old", [False, True], ids=["backup", "wal-mode-backup"])
def test_a_backup_in_a_read_only_directory(
    rit: RitRunner, db_path: Path, shared_dir: Path, old: bool
) -> None:
    if _as_nobody(shared_dir, "--version").returncode != 0:
        pytest.skip("the venv is not readable by an unprivileged user")
    ok(rit, *ADD_LSN)
    store, home = shared_dir / "store", shared_dir / "home"
    store.mkdir()
    home.mkdir()
    backup = store / "b.db"
    ok(rit, "backup", str(backup))
    if old:
        wal_backup(backup, store / "old.db")
        backup.unlink()
        backup = store / "old.db"
    shutil.copyfile(db_path, store / "live.db")  # a database (WAL mode) to read there too
    for path in (home, store, *store.iterdir()):
        os.chown(path, 65534, 65534)
    for path in store.iterdir():
        os.chmod(path, 0o400)
    os.chmod(store, 0o500)
    before = sorted(p.name for p in store.iterdir())

    restored = _as_nobody(home, "--db", str(home / "rit.db"), "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert journal_mode(home / "rit.db") == "wal"
    orgs = _as_nobody(home, "--db", str(home / "rit.db"), "orgs")
    assert orgs.returncode == 0 and "LSN" in orgs.stdout, orgs.stderr
    doctor = _as_nobody(home, "--db", str(backup), "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "integrity_check\tok" in doctor.stdout
    live = _as_nobody(home, "--db", str(store / "live.db"), "orgs")
    assert live.returncode == 0 and "LSN" in live.stdout, live.stderr
    assert sorted(p.name for p in store.iterdir()) == before


def _read_only_mount() -> bool:
    """Whether this test may bind-mount a directory read-only in a private mount namespace."""
    if os.geteuid() != 0 or not RIT.exists() or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind / /mnt && mount -o remount,bind,ro /mnt"],
        capture_output=True,
        timeout=60,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mount(), reason="needs root and mount namespaces")
def test_a_backup_and_a_database_on_a_read_only_mount(
    rit: RitRunner, db_path: Path, tmp_path: Path
) -> None:
    ok(rit, *ADD_LSN)
    store, mount = tmp_path / "store", tmp_path / "mount"
    store.mkdir()
    mount.mkdir()
    ok(rit, "backup", str(store / "b.db"))
    wal_backup(store / "b.db", store / "old.db")
    shutil.copyfile(db_path, store / "live.db")
    before = sorted(p.name for p in store.iterdir())
    script = (
        f'mount --bind "{store}" "{mount}" && mount -o remount,bind,ro "{mount}" || exit 99\n'
        f'for b in b old; do "{RIT}" --db "{tmp_path}/$b.db" restore "{mount}/$b.db" || exit 1\n'
        f'"{RIT}" --db "{mount}/$b.db" doctor || exit 2; done\n'
        f'"{RIT}" --db "{mount}/live.db" orgs || exit 3\n'
    )
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RIT_TODAY": "2016-08-25"}
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LSN" in result.stdout.splitlines()[-1]
    assert sorted(p.name for p in store.iterdir()) == before
