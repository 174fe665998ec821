"""Crash safety: SIGKILL a long write at random moments; the file stays sound, all or nothing.

Nothing here waits on the clock: the writer reports its progress on a pipe and the test
kills it after a random number of progress lines (or once its -wal file has grown past a
random size, for commands that do not report progress).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rit_cli import db

RIT = Path(sys.executable).with_name("rit")
ROUNDS = 10
BATCH = 600

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rit_cli import db
    from rit_cli.store.orgs import OrgInput, add_org
    from rit_cli.store.contacts import ContactInput, add_contact

    path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    conn = db.connect(path)
    with db.transaction(conn):
        for i in range(count):
            org = add_org(conn, OrgInput(name=f"{tag} organisation {i}", country="DE"))
            add_contact(conn, ContactInput(name=f"{tag} person {i}", org=str(org.id)))
            if i % 25 == 0:
                print(i, flush=True)
        print("committing", flush=True)
    print("done", flush=True)
    """
)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("orgs", "contacts", "history")
        )
    finally:
        conn.close()


def tagged(path: Path, tag: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT count(*) FROM orgs WHERE name LIKE ?", (f"{tag} organisation %",)
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "rit.db"
    conn = db.connect(path)
    from rit_cli.store.orgs import OrgInput, add_org

    with db.transaction(conn):
        add_org(conn, OrgInput(name="Life Science Nord", short="LSN", country="DE"))
    conn.close()
    return path


def test_killed_long_transaction_leaves_all_or_nothing(database: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(20160502)
    committed = 0
    for round_number in range(ROUNDS):
        tag = f"round{round_number}"
        proc = subprocess.Popen(
            [sys.executable, str(script), str(database), tag, str(BATCH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        # Most rounds die in the middle of the transaction; some right at the commit.
        target = rng.randrange(1, BATCH // 25) if round_number % 4 else BATCH // 25 + 1
        for _ in range(target):
            if not proc.stdout.readline():
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()  # type: ignore[union-attr]

        assert integrity(database) == "ok"
        found = tagged(database, tag)
        assert found in (0, BATCH), f"round {round_number}: {found} of {BATCH} rows survived"
        committed += found == BATCH
        orgs, contacts, _ = counts(database)
        assert orgs == 1 + committed * BATCH
        assert contacts == committed * BATCH

    # The database is still fully usable, and as private as before.
    conn = db.connect(database)
    with db.transaction(conn):
        conn.execute("INSERT INTO meta VALUES ('after', 'crashes')")
    conn.close()
    assert integrity(database) == "ok"
    for path in database.parent.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def _has_command(name: str) -> bool:
    from .helpers import commands

    return name in commands()


def _signal_when_wal_grows(
    proc: subprocess.Popen, wal: Path, threshold: int, signum: int = signal.SIGKILL
) -> None:
    """Busy-poll (no sleeping) until the -wal file passes `threshold` bytes or the process
    ends; then send the signal if it still runs."""
    while proc.poll() is None:
        try:
            if wal.stat().st_size >= threshold:
                break
        except FileNotFoundError:
            pass
        os.sched_yield()
    if proc.poll() is None:
        proc.send_signal(signum)


def _kill_when_wal_grows(proc: subprocess.Popen, wal: Path, threshold: int) -> None:
    _signal_when_wal_grows(proc, wal, threshold)
    proc.wait(timeout=60)


@pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
def test_killed_rit_write_commands_leave_all_or_nothing(database: Path) -> None:
    """The real `rit add-org` process, killed at random points of its run."""
    env = {"PATH": "/usr/bin:/bin", "RIT_DB": str(database), "RIT_TODAY": "2016-08-25"}
    rng = random.Random(7)
    wal = Path(str(database) + "-wal")
    for round_number in range(6):
        name = f"Killed {round_number}"
        proc = subprocess.Popen(
            [str(RIT), "add-org", name, "--country", "JP", "--tag", "x", "--note", "n" * 5000],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _kill_when_wal_grows(proc, wal, rng.randrange(0, 20000))
        assert integrity(database) == "ok"
        conn = sqlite3.connect(database)
        row = conn.execute("SELECT id FROM orgs WHERE name = ?", (name,)).fetchone()
        if row is None:
            # None of it: no history row either.
            assert not conn.execute("SELECT id FROM history WHERE new = ?", (name,)).fetchall()
        else:
            # All of it: the record, its tag and its history.
            assert (
                conn.execute(
                    "SELECT count(*) FROM org_tags WHERE org_id = ?", (row[0],)
                ).fetchone()[0]
                == 1
            )
            assert (
                conn.execute(
                    "SELECT count(*) FROM history WHERE table_name = 'orgs' AND record_id = ?",
                    (row[0],),
                ).fetchone()[0]
                >= 1
            )
        conn.close()


@pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
@pytest.mark.skipif(not _has_command("import"), reason="rit has no import command yet")
def test_killed_import_leaves_all_or_nothing(database: Path, tmp_path: Path) -> None:
    """A large `rit import csv` killed at random moments: all of the file or none of it."""
    rows = 2000
    data = tmp_path / "orgs.csv"
    lines = ["name,country,city,note"]
    lines += [f"Imported {i:05d},DE,Hamburg,{'n' * 40}" for i in range(rows)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "RIT_DB": str(database), "RIT_TODAY": "2016-08-25"}
    rng = random.Random(11)
    wal = Path(str(database) + "-wal")
    before = counts(database)[0]
    imported = 0
    for round_number in range(ROUNDS):
        if round_number == ROUNDS - 1:
            threshold = 1 << 40  # the last round runs to the end: the import does work
        else:
            threshold = rng.randrange(0, 600_000)
        proc = subprocess.Popen(
            [str(RIT), "import", "csv", "orgs", str(data)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _kill_when_wal_grows(proc, wal, threshold)
        error = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in error
        assert integrity(database) == "ok"
        now = counts(database)[0]
        assert now in (before, before + rows), f"round {round_number}: {now - before} rows"
        if now == before + rows:
            imported += 1
            # The same names again would conflict: start over from the pre-import state.
            conn = sqlite3.connect(database)
            conn.execute("DELETE FROM orgs WHERE name LIKE 'Imported %'")
            conn.commit()
            conn.close()
    assert imported >= 1, "the import never completed"


@pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
@pytest.mark.skipif(not _has_command("import"), reason="rit has no import command yet")
def test_interrupted_import_says_so_in_one_line_and_keeps_nothing(
    database: Path, tmp_path: Path
) -> None:
    """Ctrl-C (SIGINT) in the middle of a large import: exit 130, one line, nothing kept."""
    rows = 2000
    data = tmp_path / "orgs.csv"
    data.write_text(
        "name,country\n" + "".join(f"Interrupted {i:05d},DE\n" for i in range(rows)),
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "RIT_DB": str(database), "RIT_TODAY": "2016-08-25"}
    wal = Path(str(database) + "-wal")
    before = counts(database)[0]
    for threshold in (50_000, 200_000, 400_000):
        proc = subprocess.Popen(
            [str(RIT), "import", "csv", "orgs", str(data)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _signal_when_wal_grows(proc, wal, threshold, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        now = counts(database)[0]
        if proc.returncode != 0:
            assert proc.returncode == 130, err
            assert err == "error: interrupted\n", repr(err)
        # All or nothing (Ctrl-C can land after the commit, while rit is exiting).
        assert now in (before, before + rows)
        if now == before + rows:
            conn = sqlite3.connect(database)
            conn.execute("DELETE FROM orgs WHERE name LIKE 'Interrupted %'")
            conn.commit()
            conn.close()
        assert integrity(database) == "ok"
