"""The hot read paths never scan the whole exchanges table (EXPLAIN QUERY PLAN).

Each store function behind remind, agenda, report and search runs against a small
realistic database while every statement it executes is recorded; each recorded SELECT is
then explained, and no step may be a full SCAN of exchanges (a SCAN that walks an index is
an index scan, and fine). Cost must follow what a command shows, not how long the history is.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rit_cli import db

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import make_dataset  # noqa: E402

TODAY = date(2020, 6, 1)
# A year's visits of an agreement: a bounded slice of the covering visits index (m005),
# no table lookups.
VISITS_RANGE = "COVERING INDEX exchanges_visits (agreement_id=? AND start_on>? AND start_on<?)"


@pytest.fixture(scope="module")
def bench_conn() -> Iterator[sqlite3.Connection]:
    connection = db.connect(Path(":memory:"))
    with db.transaction(connection):
        make_dataset.build(connection, 400, seed=3)
    yield connection
    connection.close()


def _statements(conn: sqlite3.Connection, call: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _aliases(sql: str) -> set[str]:
    names = {"exchanges"}
    for m in re.finditer(r"\bexchanges\s+(?:AS\s+)?([A-Za-z_]\w*)", sql, re.IGNORECASE):
        if m[1].upper() not in {"WHERE", "JOIN", "LEFT", "ON", "ORDER", "GROUP", "LIMIT", "USING"}:
            names.add(m[1])
    return names


def full_scans_of_exchanges(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The plan steps that read every row of exchanges (no index)."""
    names = _aliases(sql)
    bad = []
    for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
        detail = row[3]
        m = re.match(r"SCAN (\w+)", detail)
        if m and m[1] in names and "INDEX" not in detail:
            bad.append(detail)
    return bad


def assert_no_full_scan(conn: sqlite3.Connection, call: Callable[[], object]) -> None:
    statements = _statements(conn, call)
    assert statements, "the call ran no query"
    touched = [s for s in statements if re.search(r"\bexchanges\b", s)]
    problems = {s: full_scans_of_exchanges(conn, s) for s in touched}
    problems = {" ".join(s.split())[:300]: p for s, p in problems.items() if p}
    assert not problems, problems


def test_the_check_catches_a_full_scan(bench_conn: sqlite3.Connection) -> None:
    assert full_scans_of_exchanges(bench_conn, "SELECT * FROM exchanges WHERE note = 'x'")
    assert full_scans_of_exchanges(bench_conn, "SELECT * FROM exchanges e WHERE e.note = 'x'")
    assert not full_scans_of_exchanges(
        bench_conn, "SELECT * FROM exchanges WHERE start_on BETWEEN '2020-01-01' AND '2020-02-01'"
    )


def test_remind(bench_conn: sqlite3.Connection) -> None:
    from rit_cli.store.reminders import due

    assert_no_full_scan(
        bench_conn,
        lambda: list(due(bench_conn, TODAY, date(2020, 6, 15), date(2020, 8, 30), "UTC")),
    )


def test_agenda(bench_conn: sqlite3.Connection) -> None:
    from rit_cli.store.exchanges import agenda

    assert_no_full_scan(bench_conn, lambda: list(agenda(bench_conn, TODAY, date(2020, 6, 14))))


def test_agenda_by_status(bench_conn: sqlite3.Connection) -> None:
    from rit_cli.store.exchanges import agenda

    assert_no_full_scan(
        bench_conn, lambda: list(agenda(bench_conn, TODAY, date(2020, 6, 14), status="planned"))
    )


def test_agenda_lines(bench_conn: sqlite3.Connection) -> None:
    from rit_cli.store.exchanges import agenda_lines

    assert_no_full_scan(
        bench_conn, lambda: list(agenda_lines(bench_conn, TODAY, date(2020, 6, 14)))
    )
    statements = _statements(bench_conn, lambda: list(agenda_lines(bench_conn, TODAY, TODAY)))
    main = next(s for s in statements if "FROM exchanges e" in s)
    plan = " ".join(r[3] for r in bench_conn.execute("EXPLAIN QUERY PLAN " + main))
    assert "exchange_spans VIRTUAL TABLE" in plan, plan


def test_ics_export_of_a_month(bench_conn: sqlite3.Connection) -> None:
    from rit_cli.store.calendar import calendar_entries, calendar_span, timed_zones

    for ask in (calendar_span, timed_zones):
        assert_no_full_scan(bench_conn, lambda ask=ask: ask(bench_conn, TODAY, date(2020, 6, 30)))
    month = lambda: list(calendar_entries(bench_conn, TODAY, date(2020, 6, 30)))  # noqa: E731
    assert_no_full_scan(bench_conn, month)
    statements = _statements(bench_conn, month)
    main = next(s for s in statements if "FROM exchanges e" in s)
    plan = " ".join(r[3] for r in bench_conn.execute("EXPLAIN QUERY PLAN " + main))
    assert "exchange_spans VIRTUAL TABLE" in plan, plan
    # Only the shown exchanges' parties, not every exchange's.
    for sql in statements:
        plan = [r[3] for r in bench_conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert not [step for step in plan if step.startswith("SCAN x")], (sql, plan)


def test_report_current(bench_conn: sqlite3.Connection) -> None:
    reports = pytest.importorskip("rit_cli.store.reports")
    assert_no_full_scan(
        bench_conn, lambda: reports.current_report(bench_conn, reports.Scope(), TODAY, "UTC")
    )


def test_report_year(bench_conn: sqlite3.Connection) -> None:
    reports = pytest.importorskip("rit_cli.store.reports")
    assert_no_full_scan(
        bench_conn, lambda: reports.year_report(bench_conn, reports.Scope(), 2020, TODAY)
    )


def test_report_current_scoped(bench_conn: sqlite3.Connection) -> None:
    """A scope also decides which exchange reminders to keep: by their ids, in the database."""
    reports = pytest.importorskip("rit_cli.store.reports")
    # Three days before an open exchange of an agreement in a programme: it is due.
    start, org, programme = bench_conn.execute(
        "SELECT e.start_on, x.org_id, a.programme_id FROM exchanges e"
        " JOIN agreements a ON a.id = e.agreement_id"
        " JOIN exchange_orgs x ON x.exchange_id = e.id"
        " WHERE e.status IN ('planned', 'scheduled') AND e.start_on >= ?"
        " AND a.programme_id IS NOT NULL ORDER BY e.start_on LIMIT 1",
        (TODAY.isoformat(),),
    ).fetchone()
    today = date.fromisoformat(start) - timedelta(days=3)
    for scope, marker in (
        (reports.Scope(org=str(org)), "FROM exchange_orgs WHERE org_id = "),
        (reports.Scope(programme=str(programme)), "SELECT id, agreement_id FROM exchanges"),
    ):

        def call(scope: object = scope) -> object:
            return reports.current_report(bench_conn, scope, today, "UTC")

        assert any(marker in s for s in _statements(bench_conn, call)), marker
        assert_no_full_scan(bench_conn, call)


def test_search(bench_conn: sqlite3.Connection) -> None:
    search = pytest.importorskip("rit_cli.store.search")
    if not bench_conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").fetchone():
        pytest.skip("no search index in this schema yet")
    assert_no_full_scan(bench_conn, lambda: search.search(bench_conn, "Kobe"))


def test_agenda_finds_overlaps_through_the_span_rtree(bench_conn: sqlite3.Connection) -> None:
    """The overlap query is answered by the R*Tree (m003), not by walking start_on."""
    from rit_cli.store.exchanges import agenda

    statements = _statements(bench_conn, lambda: list(agenda(bench_conn, TODAY, date(2020, 6, 14))))
    main = next(s for s in statements if "FROM exchanges e" in s)
    plan = " ".join(r[3] for r in bench_conn.execute("EXPLAIN QUERY PLAN " + main))
    assert "exchange_spans VIRTUAL TABLE" in plan, plan
    assert "SEARCH e USING INTEGER PRIMARY KEY" in plan, plan
    assert not re.search(r"SCAN e\b", plan), plan


def test_agenda_by_status_finds_overlaps_through_the_span_rtree(
    bench_conn: sqlite3.Connection,
) -> None:
    """Not by walking every exchange with the status (all done ones ever) through the
    (status, start_on) index: `agenda --status done` over a year."""
    from rit_cli.store.exchanges import agenda

    statements = _statements(
        bench_conn,
        lambda: list(agenda(bench_conn, date(2020, 1, 1), date(2020, 12, 31), status="done")),
    )
    main = next(s for s in statements if "FROM exchanges e" in s)
    plan = " ".join(r[3] for r in bench_conn.execute("EXPLAIN QUERY PLAN " + main))
    assert "exchange_spans VIRTUAL TABLE" in plan, plan
    assert "SEARCH e USING INTEGER PRIMARY KEY" in plan, plan
    assert "exchanges_status_start" not in plan, plan


@pytest.mark.parametrize("scope", [{}, {"agreement": "1"}, {"org": "1"}])
def test_a_year_s_held_exchanges_are_one_index_range(
    bench_conn: sqlite3.Connection, scope: dict[str, str]
) -> None:
    """report --year reads the done exchanges that began in the year, bounded on both
    sides, through (status, start_on) or (agreement_id, start_on)."""
    from rit_cli.store.exchanges import held_between

    def call() -> object:
        return held_between(bench_conn, date(2020, 1, 1), date(2020, 12, 31), **scope)  # type: ignore[arg-type]

    plan = _plans(bench_conn, call, "FROM exchanges e")
    assert re.search(
        r"SEARCH e USING INDEX exchanges_(status_start \(status=\?|agreement \(agreement_id=\?)"
        r" AND start_on>\? AND start_on<\?\)",
        plan,
    ), plan
    assert_no_full_scan(bench_conn, call)
    held = held_between(bench_conn, date(2020, 1, 1), date(2020, 12, 31))
    assert held and all(e.status == "done" and e.start_on[:4] == "2020" for e in held)


def _plans(conn: sqlite3.Connection, call: Callable[[], object], marker: str) -> str:
    statements = [s for s in _statements(conn, call) if marker in s]
    assert statements, f"no statement with {marker!r}"
    return " | ".join(
        " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + s)) for s in statements
    )


def test_remind_finds_decide_by_dates_through_their_own_index(
    bench_conn: sqlite3.Connection,
) -> None:
    """Not by walking every planned exchange through the status index."""
    from rit_cli.store.reminders import due

    plan = _plans(
        bench_conn,
        lambda: list(due(bench_conn, TODAY, date(2020, 6, 15), TODAY, "UTC")),
        "decide_by <=",
    )
    assert "USING INDEX exchanges_decide_by (decide_by" in plan, plan


def test_per_agreement_lookups_are_bounded_ranges_on_the_agreement_index(
    bench_conn: sqlite3.Connection,
) -> None:
    """next_exchanges and a year's visit facts read a bounded slice of each agreement's
    exchanges (start_on from a lower bound, and up to an upper one or the first hit), never
    its whole history, for one agreement or for all of them in one query; what is under
    way today comes from the R*Tree of spans; visit facts from the covering visits index
    alone."""
    from rit_cli.store.reports import next_exchanges
    from rit_cli.store.visits import visit_facts_for

    agreement = bench_conn.execute(
        "SELECT min(agreement_id) FROM exchanges WHERE start_on > ?", (TODAY.isoformat(),)
    ).fetchone()[0]
    every = [r[0] for r in bench_conn.execute("SELECT id FROM agreements")]
    for ids in ([agreement], every):
        call = lambda ids=ids: next_exchanges(bench_conn, ids, TODAY)  # noqa: E731
        plan = _plans(bench_conn, call, "exchange_spans")
        assert "VIRTUAL TABLE INDEX" in plan and "exchanges_" not in plan, plan
        plan = _plans(bench_conn, call, "LIMIT 1")
        assert "SEARCH a USING INTEGER PRIMARY KEY" in plan, plan
        assert plan.count("exchanges_agreement (agreement_id=? AND start_on>?)") == 1, plan
        plan = _plans(bench_conn, lambda ids=ids: visit_facts_for(bench_conn, ids, 2020), "UNION")
        assert plan.count(VISITS_RANGE) == 2, plan


def test_visit_facts_of_many_agreements_are_bounded_ranges_of_the_visits_index(
    bench_conn: sqlite3.Connection,
) -> None:
    """remind reads the year's visits of every agreement in force in one query: per
    agreement a bounded slice of the covering visits index, held and planned alike. Never
    the status index, which would walk every visit done that year."""
    from rit_cli.store.visits import visit_facts_for

    ids = [
        r[0]
        for r in bench_conn.execute(
            "SELECT DISTINCT agreement_id FROM exchanges WHERE agreement_id IS NOT NULL"
        )
    ]
    assert len(ids) > 1
    for kinds, halves in (({}, 2), ({"planned": False}, 1), ({"held": False}, 1)):
        plan = _plans(
            bench_conn,
            lambda kinds=kinds: visit_facts_for(bench_conn, ids, 2020, **kinds),
            "WHERE agreement_id IN",
        )
        assert plan.count(VISITS_RANGE) == halves, plan
        assert "exchanges_status_start" not in plan, plan


@pytest.mark.parametrize(
    ("first", "last", "filters"),
    [
        (TODAY, date(2020, 12, 31), {}),
        (date(2000, 1, 1), date(2030, 12, 31), {}),
        (date(2019, 1, 1), date(2020, 12, 31), {"status": "done"}),
        (date(2019, 1, 1), date(2021, 12, 31), {"type_filter": "meeting"}),
        (date(2015, 1, 1), date(2025, 12, 31), {"agreement": "1"}),
        (date(2015, 1, 1), date(2025, 12, 31), {"org": "1"}),
    ],
)
@pytest.mark.parametrize("at_a_time", [500, 7])
def test_agenda_lines_are_the_agenda_s_exchanges(
    bench_conn: sqlite3.Connection,
    first: date,
    last: date,
    filters: dict[str, str],
    at_a_time: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The listing's lines hold exactly what the full records hold, in the same order,
    read a batch at a time (7: many batches, each with its own parties)."""
    from rit_cli.models.exchanges import ExchangeLine
    from rit_cli.store import exchanges
    from rit_cli.store.exchanges import agenda, agenda_lines

    monkeypatch.setattr(exchanges, "LINES_AT_A_TIME", at_a_time)

    full = list(agenda(bench_conn, first, last, **filters))  # type: ignore[arg-type]
    lines = list(agenda_lines(bench_conn, first, last, **filters))  # type: ignore[arg-type]
    assert full, "the case should find exchanges"
    assert lines == [
        ExchangeLine(**{name: getattr(e, name) for name in ExchangeLine._fields}) for e in full
    ]
    assert any(len(line.parties) > 1 for line in lines)


@pytest.mark.parametrize(
    "day", ["2000-01-01", "2012-03-04", "2019-12-31", "2020-06-01", "2024-02-29"]
)
def test_next_exchanges_are_each_agreement_s_first_open_exchange_not_ended(
    bench_conn: sqlite3.Connection, day: str
) -> None:
    """What the report shows as next: an open exchange under way (begun before the day,
    not ended), else the first open one from the day on; by start, then as entered."""
    import random

    from rit_cli.store.reports import next_exchanges

    today = date.fromisoformat(day)
    conn = db.connect(Path(":memory:"))
    bench_conn.backup(conn)
    # Around the day: exchanges under way, ended the day before, starting on the day,
    # on the same start day as another; open, done and cancelled.
    pick = random.Random(day)
    ids = [r[0] for r in conn.execute("SELECT id FROM exchanges WHERE agreement_id IS NOT NULL")]
    with db.transaction(conn):
        for exchange_id in pick.sample(ids, min(len(ids), 80)):
            start = today + timedelta(days=pick.randrange(-40, 6))
            end = start + timedelta(days=pick.choice([0, 1, 3, 30, 60]))
            status = pick.choice(["planned", "scheduled", "done", "cancelled"])
            conn.execute(
                "UPDATE exchanges SET start_on = ?, end_on = ?, status = ? WHERE id = ?",
                (start.isoformat(), end.isoformat(), status, exchange_id),
            )
    expected: dict[int, tuple[bool, str, int]] = {}
    for agreement_id, exchange_id, start, end in conn.execute(
        "SELECT agreement_id, id, start_on, end_on FROM exchanges"
        " WHERE agreement_id IS NOT NULL AND status IN ('planned', 'scheduled')"
    ):
        if end >= day:
            key = (start >= day, start, exchange_id)  # under way first, then by start and id
            expected[agreement_id] = min(expected.get(agreement_id, key), key)
    assert sum(not from_the_day_on for from_the_day_on, _, _ in expected.values()) >= 3
    agreements = [r[0] for r in conn.execute("SELECT id FROM agreements")]
    for asked in (agreements, agreements[::3]):
        found = next_exchanges(conn, asked, today)
        assert {a: e.id for a, e in found.items()} == {
            a: k[2] for a, k in expected.items() if a in asked
        }
    conn.close()


def test_completing_an_exchange(bench_conn: sqlite3.Connection) -> None:
    """rit done <TAB>: ids of the open exchanges around today, ids by their first digits,
    unique titles by their start: bounded slices of indexes, however long the history."""
    from rit_cli.store.completion import exchanges

    for typed in ("", "1", "#12", "Vis"):
        assert_no_full_scan(bench_conn, lambda typed=typed: exchanges(bench_conn, typed, TODAY))
