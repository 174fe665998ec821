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
    # 7 searched tables (9 since m007: stops, status changes) x insert/update/delete, 3 spans
    assert len(triggers) == 30
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


def test_m007_indexes_the_stops_and_status_notes_there_were(tmp_path: Path) -> None:
    """A schema-6 database's stops and status notes are found once it is opened; their rows
    share the blocks of records with the same ids without touching them, through every
    change of either."""
    from rit_cli.store.search import search

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    schema_before(raw, "m007_search_stops_and_status_notes")  # registers rit_fold as rit 6
    raw.executescript(
        """
        INSERT INTO orgs (uuid, created, updated, name, name_key, city)
            VALUES ('o1', 't', 't', 'FBRI', 'fbri', 'Kobe');
        INSERT INTO trips (uuid, created, updated, title, title_key, start_on, end_on)
            VALUES ('t1', 't', 't', 'Delegation 2016', 'delegation 2016',
                    '2016-05-01', '2016-05-05');
        INSERT INTO trip_stops (uuid, created, updated, trip_id, city, country, start_on,
                                end_on, note)
            VALUES ('s1', 't', 't', 1, 'Kōbe', 'JP', '2016-05-02', '2016-05-03', NULL),
                   ('s2', 't', 't', 1, 'Shanghai', 'CN', '2016-05-04', '2016-05-05',
                    'Empfang im Rathaus');
        INSERT INTO cooperations (uuid, created, updated, title, title_key, status)
            VALUES ('c1', 't', 't', 'Biobank pilot', 'biobank pilot', 'talks');
        INSERT INTO cooperation_status_changes (cooperation_id, status, changed_on, note)
            VALUES (1, 'idea', '2016-05-02', NULL), (1, 'talks', '2016-06-01', 'in Shanghai');
        """
    )
    raw.commit()
    before = raw.execute("SELECT rowid, body FROM search_index ORDER BY rowid").fetchall()
    raw.close()

    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION == 7
    index = "SELECT rowid, kind, record_id, field, body FROM search_index ORDER BY rowid"
    added = [tuple(r) for r in conn.execute(index) if (r[0], r[4]) not in before]
    assert added == [
        (128 + 0, "stop", 1, "city", "kobe"),
        (256 + 0, "stop", 2, "city", "shanghai"),
        (256 + 1, "stop", 2, "note", "empfang im rathaus"),
        (256 + 8, "status", 2, "note", "in shanghai"),
    ]

    def found(query: str) -> list[tuple[str, int, str]]:
        return [(h.kind, h.id, h.field) for h in search(conn, query)]

    assert found("shanghai") == [("cooperation", 1, "status note"), ("trip", 1, "stop city")]
    assert found("kobe") == [("org", 1, "city"), ("trip", 1, "stop city")]
    # The records that share the ids keep their own rows when theirs change, and so on.
    conn.execute("UPDATE orgs SET city = 'Hyogo'")
    conn.execute("UPDATE trips SET title = 'Japan and China 2016', title_key = 'x'")
    conn.execute("UPDATE cooperations SET note = 'Kobe first' WHERE id = 1")
    assert found("kobe") == [("cooperation", 1, "note"), ("trip", 1, "stop city")]
    conn.execute("UPDATE trip_stops SET city = 'Osaka', note = NULL WHERE id = 1")
    conn.execute("DELETE FROM trip_stops WHERE id = 2")
    conn.execute("DELETE FROM cooperation_status_changes WHERE id = 2")
    assert found("kobe") == [("cooperation", 1, "note")]
    assert found("shanghai") == found("rathaus") == []
    assert found("osaka") == [("trip", 1, "stop city")]
    assert found("hyogo") == [("org", 1, "city")]
    assert found("japan and") == [("trip", 1, "title")]
    conn.close()
