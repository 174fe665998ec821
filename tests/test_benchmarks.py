"""The benchmark scripts run (on a tiny N): no timing is asserted here, ever."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rit_cli import db
from rit_cli.text import key

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))
import make_dataset  # noqa: E402


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "rit-200.db"
    make_dataset.make(path, 200, seed=5)
    return path


def test_a_dataset_with_history_keeps_the_present(tmp_path: Path) -> None:
    """--present P: the P-exchange database exactly (ids included), plus N - P exchanges of
    closed history before mid-2018, so what is open, due or counted this year is the same."""
    plain, grown = tmp_path / "present.db", tmp_path / "history.db"
    make_dataset.make(plain, 200, seed=5)
    make_dataset.make(grown, 600, seed=5, present=200)
    columns = (
        "id, type, title, status, host_id, place, tz, window_start, window_end, decide_by, day,"
        " days, at, starts_utc, start_on, end_on, agreement_id, stop_id, outcome"
    )  # not uuid: the exchanges made through add_exchange get random ones
    present = "SELECT {} FROM exchanges WHERE id <= 200 ORDER BY id"
    with sqlite3.connect(plain) as a, sqlite3.connect(grown) as b:
        assert (
            a.execute(present.format(columns)).fetchall()
            == b.execute(present.format(columns)).fetchall()
        )
        for table in ("orgs", "contacts", "agreements", "trip_stops", "cooperations"):
            sql = f"SELECT count(*) FROM {table}"
            assert a.execute(sql).fetchone() == b.execute(sql).fetchone(), table
        parties = "SELECT * FROM exchange_orgs WHERE exchange_id <= 200 ORDER BY 1, 2, 3"
        assert a.execute(parties).fetchall() == b.execute(parties).fetchall()
        count = lambda sql: b.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM exchanges") == 600
        end = make_dataset.HISTORY_END.isoformat()
        assert count(f"SELECT count(*) FROM exchanges WHERE id > 200 AND end_on > '{end}'") == 0
        assert not count(
            "SELECT count(*) FROM exchanges WHERE id > 200 AND status NOT IN ('done', 'cancelled')"
        )


def test_dataset_holds_what_it_promises(small_db: Path) -> None:
    conn = db.connect(small_db)
    try:
        count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM exchanges") == 200
        assert count("SELECT count(DISTINCT country) FROM orgs") >= 2
        assert count("SELECT count(*) FROM orgs WHERE country IN ('DE', 'JP')") >= 2
        assert count("SELECT count(*) FROM contacts") == 2 * count("SELECT count(*) FROM orgs")
        assert count("SELECT count(*) FROM agreements WHERE visits_per_year > 0") >= 1
        assert count("SELECT count(*) FROM trip_stops") >= 2
        assert count("SELECT count(*) FROM exchanges WHERE stop_id IS NOT NULL") >= 2
        assert count("SELECT count(*) FROM cooperations") >= 1
        assert count("SELECT count(*) FROM exchanges WHERE series IS NOT NULL") >= 2
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM exchanges")}
        assert statuses == {"planned", "scheduled", "done", "cancelled"}
        # Dates as the store writes them: windows while planned, days once fixed.
        assert not count(
            "SELECT count(*) FROM exchanges WHERE status = 'planned' AND day IS NOT NULL"
        )
        assert not count("SELECT count(*) FROM exchanges WHERE status = 'done' AND day IS NULL")
        assert not count(
            "SELECT count(*) FROM exchanges WHERE start_on IS NULL OR end_on < start_on"
        )
        assert count("SELECT min(start_on) FROM exchanges") >= "2000-01-01"
        assert count("SELECT max(end_on) FROM exchanges") <= "2031-12-31"
        # Every exchange has its parties and its creation in history.
        assert not count(
            "SELECT count(*) FROM exchanges e WHERE NOT EXISTS"
            " (SELECT 1 FROM exchange_orgs x WHERE x.exchange_id = e.id)"
        )
        assert not count(
            "SELECT count(*) FROM exchanges e WHERE NOT EXISTS (SELECT 1 FROM history h"
            " WHERE h.table_name = 'exchanges' AND h.record_id = e.id AND h.action = 'create')"
        )
        for title, title_key in conn.execute("SELECT title, title_key FROM exchanges"):
            assert title_key == key(title)
    finally:
        conn.close()


def test_the_bulk_search_index_is_what_the_triggers_write(small_db: Path) -> None:
    """The builder indexes its batches of exchanges for search in bulk (as import csv
    does); the row-by-row triggers must give the very same index."""
    conn = sqlite3.connect(small_db)
    db._register_functions(conn)
    query = (
        "SELECT rowid, kind, record_id, field, body FROM search_index"
        " WHERE kind = 'exchange' ORDER BY rowid"
    )
    bulk = conn.execute(query).fetchall()
    assert len(bulk) >= 200  # every exchange has at least its title
    conn.execute("DELETE FROM search_index WHERE kind = 'exchange'")
    conn.execute("UPDATE exchanges SET title = title")  # the update trigger indexes each row
    assert conn.execute(query).fetchall() == bulk
    conn.rollback()
    conn.close()


def test_dataset_is_reproducible(tmp_path: Path) -> None:
    def content(path: Path) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(path)
        rows = conn.execute(
            "SELECT id, uuid, title, status, start_on, end_on FROM exchanges ORDER BY id"
        ).fetchall()
        conn.close()
        return rows

    a, b = tmp_path / "a.db", tmp_path / "b.db"
    make_dataset.make(a, 120, seed=9)
    make_dataset.make(b, 120, seed=9)
    assert [r[2:] for r in content(a)] == [r[2:] for r in content(b)]
    bulk = [r for r in content(a) if r[0] > 60]
    assert bulk and [r[1] for r in bulk] == [r[1] for r in content(b) if r[0] > 60]


def test_make_dataset_command_line(tmp_path: Path) -> None:
    target = tmp_path / "x.db"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "make_dataset.py"),
            "--exchanges",
            "100",
            "--db",
            str(target),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "100 exchanges" in proc.stdout
    assert target.exists()


def test_run_smoke_writes_a_results_table(small_db: Path, tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "rit-200.db").write_bytes(small_db.read_bytes())
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--smoke",
            "--sizes",
            "200",
            "--workdir",
            str(workdir),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "median ms" in proc.stdout
    assert "rit remind" in proc.stdout
    text = out.read_text(encoding="utf-8")
    assert "# rit benchmark results" in text
    assert "| `rit remind` |" in text
    assert "| `rit agenda 14d` |" in text
    assert "## Targets" in text
    assert "Machine:" in text
    # Every command either ran or says n/a; none failed.
    assert "| error |" not in text and " error " not in text
