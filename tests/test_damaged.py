"""Damaged and unusual database files: a clear one-line message, and no file overwritten."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from rit_cli import db, migrations

from .conftest import RitRunner
from .helpers import schema_before

RIT = Path(sys.executable).with_name("rit")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def assert_one_line_error(result, code: int = 1, says: str = "") -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.output


def finishes(call, seconds: float = 60):
    """Run `call` in a thread; fail (instead of hanging the suite) if it does not return."""
    import threading

    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "rit hung (a migration waiting on its own lock?)"
    assert outcome, "the call raised"
    return outcome[0]


def make_database(path: Path, orgs: int = 60) -> None:
    """A real rit database with some records, its WAL merged into the file."""
    conn = db.connect(path)
    from rit_cli.store.orgs import OrgInput, add_org

    with db.transaction(conn):
        for i in range(orgs):
            add_org(conn, OrgInput(name=f"Organisation {i:03d} " + "x" * 80, country="DE"))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


COMMANDS = [["orgs"], ["show-org", "1"], ["add-org", "New"], ["history", "1", "--kind", "org"]]


def test_garbage_file_is_refused_and_kept(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    db_path.write_bytes(random.Random(7).randbytes(16384))
    before = snapshot(db_path.parent)
    for args in COMMANDS:
        assert_one_line_error(rit(*args), 1, "not a rit database")
    assert snapshot(db_path.parent) == before


def test_text_file_is_refused_and_kept(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    db_path.write_text("name,city\nLife Science Nord,Hamburg\n", encoding="utf-8")
    before = snapshot(db_path.parent)
    for args in COMMANDS:
        assert_one_line_error(rit(*args), 1, str(db_path))
    assert snapshot(db_path.parent) == before


def test_foreign_sqlite_database_is_refused_and_kept(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    other = sqlite3.connect(db_path)
    other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO photos (name) VALUES ('holiday')")
    other.commit()
    other.close()
    before = snapshot(db_path.parent)
    for args in COMMANDS:
        assert_one_line_error(rit(*args), 1, "not a rit database")
    assert snapshot(db_path.parent) == before


@pytest.mark.parametrize("keep", [0.5, 0.1, 100 / 4096])
def test_truncated_database_gives_one_line_and_is_kept(
    rit: RitRunner, db_path: Path, keep: float
) -> None:
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: int(len(data) * keep)])
    for args in COMMANDS:
        result = rit(*args)
        if result.exit_code != 0:
            assert_one_line_error(result, 1)
        assert "Traceback" not in result.output


def test_damaged_database_is_called_damaged(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    result = rit("orgs")
    if result.exit_code:
        assert_one_line_error(result, 1, "damaged")


def damage_an_index(path: Path) -> None:
    """Break one index page: the database still opens and lists, its integrity check fails."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'contacts_name'"
    ).fetchone()
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d")  # a table leaf where an index page belongs


def test_a_damaged_database_is_not_backed_up(rit: RitRunner, db_path: Path, tmp_path: Path) -> None:
    """restore refuses a backup that fails its integrity check, so backup does not write one:
    a nightly rotation would otherwise replace good backups with useless ones."""
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path)
    assert rit("add-contact", "Hanako Suzuki", "--org", "1").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    good = tmp_path / "nightly.db"
    assert rit("backup", str(good)).exit_code == 0
    kept = good.read_bytes()
    damage_an_index(db_path)
    assert rit("orgs").exit_code == 0  # still readable ...
    assert rit("doctor").exit_code == 1  # ... but not sound
    result = rit("backup", str(good), "--force")
    assert_one_line_error(result, 1, "the database fails its integrity check")
    assert f"{str(good)!r} is left as it was" in result.stderr
    assert good.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert rit("backup", str(tmp_path / "other.db")).exit_code == 1
    assert not (tmp_path / "other.db").exists()


def test_truncated_database_reads_leave_it_untouched(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    before = snapshot(db_path.parent)
    for args in (["orgs"], ["show-org", "1"], ["orgs", "--json"]):
        result = rit(*args)
        assert result.exit_code in (0, 1)
        if result.exit_code:
            assert_one_line_error(result, 1)
    assert snapshot(db_path.parent) == before


def test_empty_file_becomes_a_new_database(rit: RitRunner, db_path: Path) -> None:
    # An empty file is what rit itself creates before SQLite writes the first page, so it
    # is a new database, not a damaged one; nothing in it can be lost.
    db_path.parent.mkdir(mode=0o700)
    db_path.touch(mode=0o600)
    result = rit("orgs")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert rit("add-org", "Life Science Nord").exit_code == 0
    assert "Life Science Nord" in rit("orgs").stdout


def test_newer_database_is_refused_untouched(rit: RitRunner, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path, orgs=3)
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 5}")
    raw.close()
    before = snapshot(db_path.parent)
    for args in COMMANDS:
        assert_one_line_error(rit(*args), 1, "newer rit")
    assert snapshot(db_path.parent) == before


def test_directory_instead_of_file(rit: RitRunner, db_path: Path) -> None:
    db_path.mkdir(parents=True)
    assert_one_line_error(rit("orgs"), 1, "is a directory")


def test_file_where_the_directory_should_be(rit: RitRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("keep me")
    result = rit("add-org", "X", env={"RIT_DB": str(blocker / "rit.db")})
    assert_one_line_error(result, 1, "is a file")
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize(
    "args",
    [
        ["remind", "--new"],
        ["remind"],
        ["agenda"],
        ["orgs"],
        ["report"],
        ["search", "Kobe"],
        ["export", "json"],
        ["show-org", "LSN"],
        ["backup", "copy.db"],
    ],
)
def test_reading_never_creates_a_database(rit: RitRunner, tmp_path: Path, args: list[str]) -> None:
    """A mistyped --db must not become an empty database (cron's remind would then report
    "nothing due" for ever): reading commands say there is none, and create nothing."""
    typo = tmp_path / "typo" / "rti.db"
    result = rit("--db", str(typo), *args)
    assert_one_line_error(result, 1, f"no database at '{typo}'")
    assert not typo.parent.exists()
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["add-org", ""],
        ["add-contact", "Hanako Suzuki", "--org", "FBRI"],
        ["done", "1"],
        ["forget-contact", "x", "--yes"],
        ["end-agreement", "LoI", "--on", "2016-10-01"],
        ["import", "json", "missing.json"],
    ],
)
def test_a_write_that_fails_leaves_no_new_database(
    rit: RitRunner, tmp_path: Path, args: list[str]
) -> None:
    """A command that fails changes nothing: on a mistyped --db not even an empty database
    (or the directories made for it) is left behind, which a later remind would read."""
    typo = tmp_path / "typo" / "deeper" / "rti.db"
    result = rit("--db", str(typo), *args)
    # Refused (2), or, for a command that needs a database, "no database at …" (1).
    assert result.exit_code in (1, 2), result.output
    assert not (tmp_path / "typo").exists()
    assert rit("--db", str(typo), "add-org", "LSN", "--country", "DE").exit_code == 0
    assert typo.exists()  # a write that succeeds creates it, as ever


@pytest.mark.parametrize(
    "args", [["--db", "", "orgs"], ["--db=", "add-org", "X"], ["remind", "--db", " "]]
)
def test_an_empty_db_option_is_refused(rit: RitRunner, dump, args: list[str]) -> None:
    """--db "$UNSET" must not fall back to the default database."""
    before = dump()
    assert_one_line_error(rit(*args), 2, "--db must not be empty")
    assert dump() == before


def test_missing_directories_are_created_private(rit: RitRunner, tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "rit.db"
    assert rit("add-org", "X", env={"RIT_DB": str(path)}).exit_code == 0
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unwritable_directory_is_a_clear_error(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = rit("add-org", "X", env={"RIT_DB": str(tmp_path / "nope" / "rit.db")})
    assert_one_line_error(result, 1, "Permission denied")


# ------------------------------------------------------------------ older schemas


def test_older_schema_is_backed_up_privately_then_migrated(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the real migrations are, a database one step behind is copied, then upgraded."""
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path, orgs=3)
    original = db_path.read_bytes()
    applied: list[str] = []

    def m999_test_step(database) -> None:
        applied.append("yes")
        database.execute("CREATE TABLE test_step (x)")

    extra = migrations.migrations._Migration("m999_test_step", m999_test_step)
    monkeypatch.setattr(
        migrations.migrations, "_migrations", [*migrations.migrations._migrations, extra]
    )
    monkeypatch.setattr(db, "SCHEMA_VERSION", db.SCHEMA_VERSION + 1)

    result = finishes(lambda: rit("orgs"))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Organisation") == 3
    assert applied == ["yes"]
    backups = sorted(db_path.parent.glob("*.bak"))
    assert [b.name for b in backups] == [f"rit.db.schema{db.SCHEMA_VERSION - 1}.bak"]
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION - 1
    assert copy.execute("SELECT count(*) FROM orgs").fetchone()[0] == 3
    copy.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    conn.close()
    assert len(original) > 0

    # A second older database next to it gets its own backup; none is overwritten.
    first = backups[0].read_bytes()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION - 1}")
    raw.execute("DELETE FROM _sqlite_migrations WHERE name = 'm999_test_step'")
    raw.execute("DROP TABLE test_step")
    raw.commit()
    raw.close()
    assert rit("orgs").exit_code == 0
    assert len(list(db_path.parent.glob("*.bak"))) == 2
    assert backups[0].read_bytes() == first


def test_real_previous_schema_migrates(rit: RitRunner, db_path: Path) -> None:
    steps = migrations.migrations._migrations
    if len(steps) < 2:
        pytest.skip("only one migration so far")
    db_path.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    schema_before(conn, steps[-1].name)
    conn.close()
    assert finishes(lambda: rit("add-org", "Life Science Nord")).exit_code == 0
    backups = list(db_path.parent.glob("*.bak"))
    assert len(backups) == 1 and stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert "Life Science Nord" in rit("orgs").stdout


# ------------------------------------------------------------------ read-only databases


def _deny_writing(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    """The database file as a read-only one looks to rit (os.access says no to writing)."""
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if Path(path) == db_path and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_read_only_database_reads_work_writes_fail_clearly(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path, orgs=2)
    _deny_writing(monkeypatch, db_path)
    before = db_path.read_bytes()
    assert rit("orgs").stdout.count("Organisation") == 2
    for args in (["add-org", "X"], ["edit-org", "1", "--city", "Kiel"], ["remove-org", "1"]):
        assert_one_line_error(rit(*args), 1, "read-only")
    assert db_path.read_bytes() == before


def _database_and_backup(rit: RitRunner, db_path: Path, tmp_path: Path) -> Path:
    """A database of two organisations and a backup of it, to restore."""
    db_path.parent.mkdir(mode=0o700)
    make_database(db_path, orgs=2)
    backup = tmp_path / "backup.db"
    assert rit("backup", str(backup)).exit_code == 0
    return backup


def test_restore_into_a_read_only_database_fails_clearly_and_keeps_no_copy(
    rit: RitRunner, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = _database_and_backup(rit, db_path, tmp_path)
    _deny_writing(monkeypatch, db_path)
    before = db_path.read_bytes()
    assert_one_line_error(rit("restore", str(backup)), 1, "read-only")
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["rit.db"]


def test_restore_where_the_replaced_database_cannot_be_kept_fails_clearly(
    rit: RitRunner, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory rit may not write in (the copy of the replaced database goes there)."""
    backup = _database_and_backup(rit, db_path, tmp_path)

    def backup_to(conn: object, target: Path) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(db, "backup_to", backup_to)
    before = db_path.read_bytes()
    result = rit("restore", str(backup))
    assert_one_line_error(result, 1, "cannot keep the replaced database beside it")
    assert "unexpected" not in result.stderr
    assert db_path.read_bytes() == before


def _unprivileged() -> list[str] | None:
    """A command prefix that runs a program as 'nobody', when we are root and can."""
    if os.geteuid() != 0 or not RIT.exists():
        return None
    for tool in ("setpriv", "runuser"):
        if shutil.which(tool):
            if tool == "setpriv":
                return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            return ["runuser", "-u", "nobody", "--"]
    return None


def _run_as_nobody(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    prefix = _unprivileged()
    assert prefix is not None
    env = {"PATH": "/usr/bin:/bin", "HOME": str(path.parent), "RIT_DB": str(path)}
    return subprocess.run(
        [*prefix, str(RIT), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory outside root's private tmp tree, reachable by 'nobody'."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="rit-ro-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(_unprivileged() is None, reason="needs root and setpriv/runuser")
@pytest.mark.parametrize("directory_writable", [True, False])
def test_read_only_file_for_a_real_user(shared_dir: Path, directory_writable: bool) -> None:
    venv_ok = subprocess.run(
        [*_unprivileged(), str(RIT), "--version"], capture_output=True, text=True, timeout=60
    )
    if venv_ok.returncode != 0:
        pytest.skip("the venv is not readable by an unprivileged user")
    path = shared_dir / "rit.db"
    make_database(path, orgs=2)
    os.chmod(path, 0o444)
    os.chown(path, 65534, 65534)
    if directory_writable:
        os.chown(shared_dir, 65534, 65534)
    before = path.read_bytes()

    read = _run_as_nobody(["orgs"], path)
    assert read.returncode == 0, read.stderr
    assert read.stdout.count("Organisation") == 2
    write = _run_as_nobody(["add-org", "X"], path)
    assert write.returncode == 1
    assert write.stderr.startswith("error: ") and write.stderr.count("\n") == 1
    assert "read-only" in write.stderr and "Traceback" not in write.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RIT_DB": ""}, "RIT_DB is set but empty: give the database file, or unset it"),
        ({"RIT_DB": "  "}, "RIT_DB is set but empty"),
        ({"RIT_TODAY": ""}, "RIT_TODAY is set but empty: give a date, or unset it for today's"),
        ({"RIT_TODAY": " "}, "RIT_TODAY is set but empty"),
    ],
)
@pytest.mark.parametrize("args", [["orgs"], ["remind"], ["add-org", "X", "--country", "DE"]])
def test_an_empty_environment_variable_is_refused_like_the_empty_option(
    rit: RitRunner,
    dump,
    db_path: Path,
    tmp_path: Path,
    env: dict[str, str],
    message: str,
    args: list[str],
) -> None:
    """RIT_DB="$UNSET" must not mean the real database, nor RIT_TODAY="$UNSET" today."""
    assert rit("add-org", "Seed", "--country", "DE").exit_code == 0
    before = dump()
    home = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert_one_line_error(rit(*args, env={**home, **env}), 2, message)
    assert dump() == before
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
    # The option given wins over the environment, as ever.
    given = ["--db", str(db_path)] if "RIT_DB" in env else ["--today", "2016-08-25"]
    assert rit(*given, *args, env={**home, **env}).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["schedule-visit", "--from", "A", "--to", "B", "--on", "2016-10-12"],
        ["add-meeting", "Call", "--org", "A", "--on", "2016-10-12", "--at", "10:00"],
        ["add-org", "C", "--country", "FR"],  # any write: checked before the transaction
    ],
)
@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime"])
def test_a_bad_rit_tz_is_refused_before_anything_is_written(
    rit: RitRunner, dump, args: list[str], zone: str
) -> None:
    """Commands that write show the new time in $RIT_TZ: a bad one once failed after the
    commit (exit 2, the visit saved all the same, and saved again on every retry)."""
    assert rit("add-org", "A", "--country", "DE").exit_code == 0
    assert rit("add-org", "B", "--country", "JP").exit_code == 0
    before = dump()
    result = rit(*args, env={"RIT_TZ": zone})
    assert_one_line_error(result, 2, f"RIT_TZ: unknown time zone '{zone}'")
    assert dump() == before
    assert rit(*args, env={"RIT_TZ": "Asia/Tokyo"}).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["remind"],
        ["agenda", "--from", "2016-10-01", "--to", "2016-10-31"],
        ["report"],
        ["history", "1", "--kind", "exchange"],
    ],
)
def test_a_listings_tz_wins_over_a_bad_rit_tz(rit: RitRunner, args: list[str]) -> None:
    """The option given wins over the environment, as for --db and --today."""
    assert rit("add-org", "A", "--country", "DE").exit_code == 0
    assert rit("add-org", "B", "--country", "JP").exit_code == 0
    meeting = ["add-meeting", "Call", "--org", "A", "--on", "2016-10-12", "--at", "10:00"]
    assert rit(*meeting).exit_code == 0
    assert rit(*args, "--tz", "UTC", env={"RIT_TZ": "Mars/Olympus"}).exit_code == 0
    assert_one_line_error(rit(*args, env={"RIT_TZ": "Mars/Olympus"}), 2, "RIT_TZ")


def test_an_empty_zone_is_refused_not_taken_for_the_systems(rit: RitRunner) -> None:
    """--tz "$ZONE" or RIT_TZ="$ZONE" with ZONE unset: refused, as --db '' and RIT_DB=''."""
    assert rit("add-org", "A", "--country", "DE").exit_code == 0
    for args in (["remind", "--tz", ""], ["agenda", "--tz", " "], ["report", "--tz", ""]):
        assert_one_line_error(rit(*args), 2, "--tz must not be empty")
    assert_one_line_error(rit("remind", env={"RIT_TZ": ""}), 2, "RIT_TZ is set but empty")
    assert_one_line_error(rit("add-org", "B", "--country", "JP", env={"RIT_TZ": " "}), 2, "empty")
