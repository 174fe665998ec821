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
        # A visit's default title ends with its dates as the store writes them ('2016-10',
        # a day): a build that passed the store the wrong thing wrote 'Dates(window=…)'.
        from rit_cli.store.scheduling import _period

        visits = conn.execute(
            "SELECT title, day, window_start, window_end FROM exchanges"
            " WHERE type = 'visit' AND title LIKE '% → % visit %'"
        ).fetchall()
        assert visits
        for title, day, window_start, window_end in visits:
            assert title.endswith(f" visit {_period(day, window_start, window_end)}"), title
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


def _database_content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a dataset holds, but for what add_exchange makes anew on every run (random
    uuids) and the clock (timestamps)."""
    import re

    made_anew = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4|^\d{4}-\d\d-\d\dT\d\d:\d\d")
    queries = {
        "exchanges": "SELECT * FROM exchanges ORDER BY id",
        "parties": "SELECT * FROM exchange_orgs ORDER BY 1, 2, 3",
        "fields": "SELECT * FROM exchange_fields ORDER BY 1, 2",
        "people": "SELECT * FROM exchange_participants ORDER BY 1, 2",
        "history": "SELECT * FROM history ORDER BY id",
        "search": "SELECT rowid, kind, record_id, field, body FROM search_index ORDER BY rowid",
        "spans": "SELECT * FROM exchange_spans ORDER BY id",
    }
    conn = sqlite3.connect(path)
    try:
        content = {
            name: [
                tuple(
                    None if isinstance(value, str) and made_anew.match(value) else value
                    for value in row
                )
                for row in conn.execute(sql)
            ]
            for name, sql in queries.items()
        }
        # The bulk exchanges' uuids come from the seeded generator: those must match too.
        content["bulk uuids"] = conn.execute(
            "SELECT id, uuid, series FROM exchanges WHERE id > 100 ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return content


needs_fork = pytest.mark.skipif(
    "fork" not in make_dataset.multiprocessing.get_all_start_methods(),
    reason="rows are made aside in a forked process",
)


@needs_fork
def test_rows_made_aside_give_the_same_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process makes the bulk rows while the first writes them (batch after
    batch, the present then the history): the database is the one made in one process."""
    monkeypatch.setattr(make_dataset.ExchangeRows, "BATCH", 40)  # many batches at this N
    written: list[int] = []
    write_batch = make_dataset.write_batch

    def counting(conn: sqlite3.Connection, batch: make_dataset.Batch, index: object) -> None:
        written.append(len(batch.rows))
        write_batch(conn, batch, index)  # type: ignore[arg-type]

    monkeypatch.setattr(make_dataset, "write_batch", counting)
    here, aside = tmp_path / "here.db", tmp_path / "aside.db"
    make_dataset.make(here, 600, seed=4, present=300, parallel=False)
    in_one = list(written)
    written.clear()
    make_dataset.make(aside, 600, seed=4, present=300, parallel=True)
    assert written == in_one and len(written) >= 10
    one, two = _database_content(here), _database_content(aside)
    assert len(one["exchanges"]) == 600 and len(one["bulk uuids"]) > 400
    for name in one:
        assert one[name] == two[name], name


@needs_fork
def test_a_failure_making_rows_aside_ends_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the child (or the child dying) ends the build with what happened; it
    neither hangs waiting for rows nor leaves a half-built database behind."""
    import os

    add = make_dataset.ExchangeRows.add

    def failing(self: make_dataset.ExchangeRows, plan: make_dataset.Plan) -> int:
        if self.next_id > 150:
            raise ValueError("no such window: 2020-13")
        return add(self, plan)

    monkeypatch.setattr(make_dataset.ExchangeRows, "add", failing)
    with pytest.raises(RuntimeError, match=r"(?s)making rows failed.*no such window: 2020-13"):
        make_dataset.make(tmp_path / "a.db", 400, seed=4, parallel=True)
    assert not list(tmp_path.iterdir())

    def dying(self: make_dataset.ExchangeRows, plan: make_dataset.Plan) -> int:
        if self.next_id > 150:
            os._exit(3)
        return add(self, plan)

    monkeypatch.setattr(make_dataset.ExchangeRows, "add", dying)
    with pytest.raises(RuntimeError, match=r"ended early \(exit status 3\)"):
        make_dataset.make(tmp_path / "b.db", 400, seed=4, parallel=True)
    assert not list(tmp_path.iterdir())


@needs_fork
def test_a_child_dying_halfway_through_a_batch_ends_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while sending (the OOM killer): the parent, waiting for the rest of a batch,
    sees the pipe's end instead of waiting for ever."""
    import os
    import struct

    def half_a_batch(batches: object, reader: object, writer: object) -> None:
        reader.close()  # type: ignore[attr-defined]
        # A message announces its length, then only part of it arrives.
        os.write(writer.fileno(), struct.pack("!i", 1_000_000) + b"part of a batch")  # type: ignore[attr-defined]
        os._exit(9)

    monkeypatch.setattr(make_dataset, "_hand_over", half_a_batch)
    with pytest.raises(RuntimeError, match=r"ended early \(exit status 9\)"):
        make_dataset.make(tmp_path / "c.db", 400, seed=4, parallel=True)
    assert not list(tmp_path.iterdir())


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
