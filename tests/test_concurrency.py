"""Several processes writing at once while others read: nobody sees 'database is locked'.

Each worker is a separate Python process that runs rit's real entry point (error boundary
included) in a loop, so many commands run without paying an interpreter start each; a
few real `rit` processes join in. The test waits by joining processes, never by sleeping.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RIT = Path(sys.executable).with_name("rit")
WRITERS = 4
PER_WRITER = 15
READ_LOOPS = 25

WORKER = textwrap.dedent(
    """
    import io, json, sys
    from contextlib import redirect_stderr, redirect_stdout
    from rit_cli.cli import main

    role, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    results = []
    for i in range(count):
        if role == "write":
            args = ["add-org", f"{tag} org {i}", "--country", "DE", "--tag", tag]
            if i % 5 == 4:
                args = ["edit-org", f"{tag} org {i - 1}", "--city", f"City {i}"]
        else:
            args = [sys.argv[4 + i % (len(sys.argv) - 4)]]
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
        results.append({"args": args, "code": code, "stderr": err.getvalue()})
    print(json.dumps(results))
    """
)


def _reader_commands() -> list[str]:
    from .helpers import commands

    names = commands()
    return [name for name in ("remind", "orgs", "contacts") if name in names]


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    path = tmp_path / "data" / "rit.db"
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RIT_DB": str(path),
        "RIT_TODAY": "2016-08-25",
        "RIT_TZ": "Europe/Berlin",
    }
    # Create the database first, so the workers race on writes, not on creating the schema.
    subprocess.run(
        [sys.executable, str(script), "write", "seed", "1"], env=env, check=True, timeout=120
    )
    readers = _reader_commands()
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), "write", f"w{n}", str(PER_WRITER)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ] + [
        subprocess.Popen(
            [sys.executable, str(script), "read", "r", str(READ_LOOPS), *readers],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    ]
    real = []
    if RIT.exists():
        real = [
            subprocess.Popen(
                [str(RIT), "add-org", f"Real {n}", "--country", "JP"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(3)
        ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        results.extend(json.loads(out))
    for proc in real:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append({"args": proc.args, "code": proc.returncode, "stderr": err})

    failures = [r for r in results if r["code"] != 0 or r["stderr"]]
    assert not failures, failures[:3]
    assert not [r for r in results if "locked" in r["stderr"] or "busy" in r["stderr"]]

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {row[0] for row in conn.execute("SELECT name FROM orgs")}
        adds_per_writer = sum(1 for i in range(PER_WRITER) if i % 5 != 4)
        expected = {
            f"w{n} org {i}" for n in range(WRITERS) for i in range(PER_WRITER) if i % 5 != 4
        }
        assert expected <= names, sorted(expected - names)[:5]
        assert len(names) == 1 + WRITERS * adds_per_writer + len(real)
        cities = conn.execute("SELECT count(*) FROM orgs WHERE city IS NOT NULL").fetchone()[0]
        assert cities == WRITERS * (PER_WRITER // 5)
        # Every change is in the history exactly once.
        created = conn.execute(
            "SELECT count(*) FROM history WHERE action = 'create' AND field = 'name'"
        ).fetchone()[0]
        assert created == len(names)
    finally:
        conn.close()


@pytest.mark.parametrize("command", ["orgs", "contacts"])
def test_reads_do_not_wait_for_a_long_write(tmp_path: Path, command: str) -> None:
    """A reader is not blocked by an open write transaction (WAL): it sees the last commit."""
    from rit_cli import db
    from rit_cli.store.orgs import OrgInput, add_org

    path = tmp_path / "rit.db"
    conn = db.connect(path)
    with db.transaction(conn):
        add_org(conn, OrgInput(name="Committed"))
    writer = db.connect(path)
    writer.execute("BEGIN IMMEDIATE")
    add_org(writer, OrgInput(name="Uncommitted"))
    try:
        result = subprocess.run(
            [str(RIT), command],
            env={"PATH": "/usr/bin:/bin", "RIT_DB": str(path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        conn.close()
    assert result.returncode == 0, result.stderr
    assert "Uncommitted" not in result.stdout
    if command == "orgs":
        assert "Committed" in result.stdout


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    """A second writer blocks on the busy timeout and succeeds once the first commits."""
    import threading

    from rit_cli import db
    from rit_cli.store.orgs import OrgInput, add_org

    path = tmp_path / "rit.db"
    db.connect(path).close()
    holder = db.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    add_org(holder, OrgInput(name="First"))
    trying = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        conn = db.connect(path)
        conn.set_trace_callback(lambda sql: trying.set() if "BEGIN" in sql else None)
        try:
            with db.transaction(conn):
                add_org(conn, OrgInput(name="Second"))
        except BaseException as exc:  # noqa: BLE001  reported below
            errors.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=second)
    thread.start()
    assert trying.wait(timeout=60)  # it is now trying to take the write lock
    holder.execute("COMMIT")
    holder.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and not errors, errors
    conn = sqlite3.connect(path)
    assert {r[0] for r in conn.execute("SELECT name FROM orgs")} == {"First", "Second"}
    conn.close()
