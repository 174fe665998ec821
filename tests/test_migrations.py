"""The schema's migrations, against in-memory and on-disk databases."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from rit_cli import db, migrations

from .helpers import schema_before


def test_schema_version_matches_the_migrations() -> None:
    assert db.SCHEMA_VERSION == migrations.schema_version()


def test_migrating_an_in_memory_database() -> None:
    conn = db.connect(Path(":memory:"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"orgs", "exchanges", "search_index", "search_orgs_insert"} <= names
    conn.close()


def test_m002_indexes_records_that_existed_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    schema_before(raw, "m002_search")
    raw.execute(
        "INSERT INTO orgs (uuid, created, updated, name, name_key, city)"
        " VALUES ('u1', 't', 't', 'Wirtschaftsförderung Lübeck', 'x', 'Lübeck')"
    )
    raw.commit()
    raw.close()
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    rows = conn.execute("SELECT field, body FROM search_index ORDER BY rowid").fetchall()
    assert [tuple(r) for r in rows] == [
        ("name", "wirtschaftsfoerderung luebeck"),
        ("city", "luebeck"),
    ]
    conn.close()
    assert (tmp_path / "old.db.schema1.bak").exists()


def test_m003_span_index_follows_every_change(tmp_path: Path) -> None:
    """The R*Tree holds each exchange's first and last day, through inserts, updates, deletes."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    schema_before(raw, "m003_exchange_spans")
    raw.execute(
        "INSERT INTO exchanges (uuid, created, updated, type, title, title_key, status,"
        " start_on, end_on) VALUES ('e1', 't', 't', 'visit', 'v', 'v', 'planned',"
        " '2016-10-01', '2016-10-31')"
    )
    raw.commit()
    raw.close()
    conn = db.connect(path)  # migrates, backfilling the existing exchange
    spans = "SELECT id, first_day, last_day FROM exchange_spans ORDER BY id"
    from rit_cli.store.exchanges import julian_day

    assert [tuple(r) for r in conn.execute(spans)] == [
        (1, julian_day(date(2016, 10, 1)), julian_day(date(2016, 10, 31)))
    ]
    conn.execute("UPDATE exchanges SET start_on = '2016-10-12', end_on = '2016-10-12'")
    assert [tuple(r) for r in conn.execute(spans)] == [
        (1, julian_day(date(2016, 10, 12)), julian_day(date(2016, 10, 12)))
    ]
    conn.execute("DELETE FROM exchanges")
    assert conn.execute(spans).fetchall() == []
    conn.close()


def test_m004_keeps_the_index_and_makes_the_triggers_lean(tmp_path: Path) -> None:
    """Triggers call rit_fold instead of 100 KB of replace() chains; the index is unchanged."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    schema_before(raw, "m004_lean_search_triggers")
    names = ["Wirtschaftsförderung Lübeck", "Hyōgo Œuvre Straße", "山田 Ærø Ñandú", "plain"]
    for n, name in enumerate(names):
        raw.execute(
            "INSERT INTO orgs (uuid, created, updated, name, name_key, city, note)"
            " VALUES (?, 't', 't', ?, ?, ?, ?)",
            (f"u{n}", name, f"k{n}", name.upper(), None),
        )
    raw.commit()
    chained = raw.execute("SELECT rowid, body FROM search_index ORDER BY rowid").fetchall()
    old_size = raw.execute("SELECT sum(length(sql)) FROM sqlite_master").fetchone()[0]
    raw.close()

    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    index = "SELECT rowid, body FROM search_index ORDER BY rowid"
    assert [tuple(r) for r in conn.execute(index)] == chained
    triggers = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type='trigger'")]
    assert len(triggers) == 24  # 7 searched tables x insert/update/delete, 3 for spans
    assert not any("replace(" in sql for sql in triggers)
    size = conn.execute("SELECT sum(length(sql)) FROM sqlite_master").fetchone()[0]
    assert size < old_size / 3
    # Rows written now are indexed as the chained triggers indexed the old ones.
    conn.execute("UPDATE orgs SET note = name")
    rows = conn.execute(
        "SELECT o.name, s.body FROM orgs o JOIN search_index s ON s.record_id = o.id"
        " AND s.kind = 'org' AND s.field = 'note' ORDER BY o.id"
    ).fetchall()
    bodies = dict(chained)
    assert [r[1] for r in rows] == [bodies[i * 128 + 16] for i in range(1, len(names) + 1)]
    conn.close()


def test_other_tools_can_read_but_not_write_searched_tables(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    db.connect(path).close()
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM orgs").fetchone()[0] == 0
    with pytest.raises(sqlite3.OperationalError, match="rit_fold"):
        other.execute(
            "INSERT INTO orgs (uuid, created, updated, name, name_key) VALUES ('u', 't', 't', 'n', 'n')"
        )
    other.close()


def test_m006_folds_the_index_again_for_width_and_dashes(tmp_path: Path) -> None:
    """Records indexed by an older rit (full-width Latin kept as typed) are found by the
    folded form once the database is opened by this one."""
    from rit_cli import fold

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    schema_before(raw, "m006_search_width")
    # The fold before m006: case and letters only, no width or dashes.
    raw.create_function(
        fold.SQL_FUNCTION, 1, lambda v: None if v is None else str(v).translate(fold._TABLE)
    )
    raw.execute(
        "INSERT INTO orgs (uuid, created, updated, name, name_key, city)"
        " VALUES ('u1', 't', 't', 'ＫＯＢＥ Cluster–Hub', 'x', 'ｶﾞｲｱ')"
    )
    raw.commit()
    old = raw.execute("SELECT body FROM search_index ORDER BY rowid").fetchall()
    assert old == [("ＫＯＢＥ cluster–hub",), ("ｶﾞｲｱ",)]
    raw.close()
    conn = db.connect(path)
    rows = conn.execute("SELECT field, body FROM search_index ORDER BY rowid").fetchall()
    assert [tuple(r) for r in rows] == [("name", "kobe cluster-hub"), ("city", "ガイア")]
    conn.close()
