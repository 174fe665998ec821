"""The exchange store against an in-memory database: queries, series, date history."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rit_cli.store.exchanges import agenda, agenda_range, date_history
from rit_cli.store.orgs import OrgInput, add_org
from rit_cli.store.scheduling import ExchangeInput, When, add_exchange, fix_date, narrow

TODAY = date(2016, 8, 25)


def _orgs(conn: sqlite3.Connection) -> None:
    add_org(conn, OrgInput("Life Science Nord", "LSN", country="DE", city="Hamburg"))
    add_org(conn, OrgInput("FBRI", country="JP", city="Kobe"))


def test_agenda_is_a_range_scan_on_the_start_index(conn: sqlite3.Connection) -> None:
    plan = " ".join(
        row[3]
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM exchanges e"
            " WHERE e.start_on <= ? AND e.end_on >= ? ORDER BY e.start_on",
            ("2016-12-31", "2016-01-01"),
        )
    )
    assert "USING INDEX exchanges_start (start_on<?)" in plan


def test_agenda_overlap_includes_windows_that_started_earlier(conn: sqlite3.Connection) -> None:
    _orgs(conn)
    for window in ("2016-H2", "2016-10", "2017-Q1"):
        add_exchange(
            conn,
            ExchangeInput("visit", When(window=window), guests=("LSN",), host="FBRI"),
            TODAY,
        )
    found = list(agenda(conn, date(2016, 11, 1), date(2016, 12, 31)))
    assert [e.id for e in found] == [1]
    found = list(agenda(conn, date(2016, 10, 31), date(2017, 1, 1)))
    assert [e.id for e in found] == [1, 2, 3]


def test_agenda_default_range_is_ninety_days_from_today() -> None:
    assert agenda_range(None, None, TODAY) == (TODAY, date(2016, 11, 23))
    assert agenda_range("2017-01-01", None, TODAY) == (date(2017, 1, 1), date(2017, 4, 1))


def test_yearly_series_share_one_uuid_and_decide_by_moves_with_the_window(
    conn: sqlite3.Connection,
) -> None:
    _orgs(conn)
    added = add_exchange(
        conn,
        ExchangeInput(
            "visit",
            When(window="2016-02", decide_by="2016-01-29"),
            guests=("LSN",),
            host="FBRI",
            yearly=True,
            until="2019",
        ),
        TODAY,
    )
    assert len({e.series for e in added.exchanges}) == 1
    assert [(e.window_end, e.decide_by) for e in added.exchanges] == [
        ("2016-02-29", "2016-01-29"),
        ("2017-02-28", "2017-01-29"),
        ("2018-02-28", "2018-01-29"),
        ("2019-02-28", "2019-01-29"),
    ]


def test_date_history_replays_each_change(conn: sqlite3.Connection) -> None:
    _orgs(conn)
    add_exchange(
        conn, ExchangeInput("visit", When(window="2016-Q4"), guests=("LSN",), host="FBRI"), TODAY
    )
    narrow(conn, "1", "2016-10", TODAY)
    moved = fix_date(conn, "1", When(on="2016-10-03", days=2), TODAY)
    assert moved.widened is None and moved.relinked is None
    steps = date_history(conn, moved.exchange)
    assert [(s["sequence"], s["status"], s["when"]) for s in steps] == [
        (0, "planned", "2016-Q4"),
        (1, "planned", "2016-10"),
        (2, "scheduled", "2016-10-03..2016-10-04"),
    ]


def test_the_select_lists_columns_in_the_order_of_the_record(conn: sqlite3.Connection) -> None:
    """Rows become Exchange records by position, so the two orders must agree."""
    from rit_cli.models.exchanges import Exchange
    from rit_cli.store.exchanges import _SELECT

    columns = [d[0] for d in conn.execute(_SELECT + " LIMIT 0").description]
    renamed = {"agreement_title": "agreement", "stop_label": "stop"}
    expected = list(Exchange._fields[: len(columns)])
    assert [renamed.get(c, c) for c in columns] == expected
    assert len(columns) == len(Exchange._fields) - 3  # parties, fields, participants follow


def test_the_line_select_lists_columns_in_the_order_of_the_line(conn: sqlite3.Connection) -> None:
    """Listing lines are built by position too."""
    from rit_cli.models.exchanges import ExchangeLine
    from rit_cli.store.exchanges import _LINE_SELECT

    columns = [d[0] for d in conn.execute(_LINE_SELECT + " LIMIT 0").description]
    assert columns == list(ExchangeLine._fields[:-1])  # the parties follow


def test_the_json_report_refuses_exchanges_without_their_details() -> None:
    from rit_cli.models.exchanges import ExchangeLine
    from rit_cli.render_report import _exchange_dict

    line = ExchangeLine(
        1,
        "visit",
        "t",
        "planned",
        None,
        False,
        None,
        None,
        None,
        None,
        None,
        None,
        "2020-06-01",
        "2020-06-01",
        None,
        None,
    )
    with pytest.raises(TypeError, match="in full"):
        _exchange_dict(line)


def test_parties_come_guests_first_then_the_host_each_by_name(conn: sqlite3.Connection) -> None:
    """Whatever the names: a host named "Aachen" still comes after guests named Z..."""
    from rit_cli.store.exchanges import agenda_lines

    for name in ("Zeta Cluster", "Yokohama Lab", "Aachen Hub"):
        add_org(conn, OrgInput(name, country="DE", city="Aachen"))
    add_exchange(
        conn,
        ExchangeInput(
            "visit",
            When(on="2016-09-01"),
            guests=("Zeta Cluster", "Yokohama Lab"),
            host="Aachen Hub",
        ),
        TODAY,
    )
    for found in (
        list(agenda(conn, TODAY, date(2016, 12, 31))),
        list(agenda_lines(conn, TODAY, date(2016, 12, 31))),
    ):
        assert [(p.role, p.label) for p in found[0].parties] == [
            ("guest", "Yokohama Lab"),
            ("guest", "Zeta Cluster"),
            ("host", "Aachen Hub"),
        ]


# ------------------------------------------------------------ taking back done and cancel


def _visit(conn: sqlite3.Connection, when: When) -> int:
    added = add_exchange(conn, ExchangeInput("visit", when, guests=("LSN",), host="FBRI"), TODAY)
    return added.exchanges[0].id


@pytest.mark.parametrize(
    ("when", "before"),
    [(When(on="2016-08-20"), "scheduled"), (When(window="2016-10"), "planned")],
)
def test_take_back_restores_the_status_before_the_cancel(
    conn: sqlite3.Connection, when: When, before: str
) -> None:
    from rit_cli.store.scheduling import cancel, status_before, take_back

    _orgs(conn)
    number = _visit(conn, when)
    cancelled = cancel(conn, str(number), "wrong one")
    assert status_before(conn, cancelled) == before
    back = take_back(conn, str(number), "cancelled")
    assert (back.status, back.cancel_reason, back.sequence) == (before, None, 2)
    assert date_history(conn, back)[-1]["taken_back"] == "cancelled"


def test_take_back_of_done_clears_the_outcome(conn: sqlite3.Connection) -> None:
    from rit_cli.store.scheduling import mark_done, take_back

    _orgs(conn)
    number = _visit(conn, When(on="2016-08-20"))
    mark_done(conn, str(number), "signed", TODAY)
    back = take_back(conn, str(number), "done")
    assert (back.status, back.outcome, back.sequence) == ("scheduled", None, 2)


def test_without_the_history_row_the_dates_say_the_status_before(conn: sqlite3.Connection) -> None:
    """An exchange imported already cancelled has no row that cancelled it: a fixed day
    was scheduled, a window planned; a history row out of step with the dates (a merge)
    cannot be followed either, since an open exchange's status follows from its dates."""
    from rit_cli.store.exchanges import get_exchange
    from rit_cli.store.scheduling import cancel, status_before

    _orgs(conn)
    day, window = _visit(conn, When(on="2016-08-20")), _visit(conn, When(window="2016-10"))
    for number in (day, window):
        cancel(conn, str(number), None)
    conn.execute("DELETE FROM history WHERE record_id = ? AND field = 'status'", (day,))
    conn.execute(
        "UPDATE history SET old = 'scheduled' WHERE record_id = ? AND field = 'status'"
        " AND new = 'cancelled'",
        (window,),
    )
    assert status_before(conn, get_exchange(conn, day)) == "scheduled"
    assert status_before(conn, get_exchange(conn, window)) == "planned"


def test_take_back_refuses_what_the_exchange_is_not(conn: sqlite3.Connection) -> None:
    from rit_cli.errors import Conflict
    from rit_cli.store.scheduling import mark_done, take_back

    _orgs(conn)
    _visit(conn, When(on="2016-08-20"))
    mark_done(conn, "1", None, TODAY)
    with pytest.raises(Conflict, match="#1 'LSN → FBRI visit 2016-08-20' is done, not cancelled"):
        take_back(conn, "1", "cancelled")
    take_back(conn, "1", "done")
    with pytest.raises(Conflict, match="is scheduled, not done: nothing to take back"):
        take_back(conn, "1", "done")


# ------------------------------------------------------------ date history, read in part


def _replayed_from_every_row(conn: sqlite3.Connection, ex: Any) -> list[dict[str, Any]]:
    """The date history as it was worked out from every history row of the exchange (the
    reference: date_history now reads only the rows that begin a change or set a date)."""
    from rit_cli.store.exchanges import _DATE_FIELDS, _OPEN, _describe

    state: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    rows = conn.execute(
        "SELECT at, action, field, new FROM history WHERE record_uuid = ? ORDER BY at, id",
        (ex.uuid,),
    ).fetchall()
    groups: list[tuple[str, list[sqlite3.Row]]] = []
    for row in rows:
        if not groups or (row["action"] == "update" and row["field"] == "sequence"):
            groups.append((row["at"], []))
        groups[-1][1].append(row)
    for at, group in groups:
        touched = False
        was = state.get("status")
        for row in group:
            if row["field"] in _DATE_FIELDS:
                state[row["field"]] = row["new"]
                touched = True
            if row["field"] == "sequence":
                state["sequence"] = row["new"]
        if touched or not steps:
            reopened = was in ("done", "cancelled") and state.get("status") in _OPEN
            described = _describe(state)
            if steps and not reopened and described.items() <= steps[-1].items():
                continue
            steps.append(
                {
                    "at": at,
                    "sequence": int(state.get("sequence") or 0),
                    **described,
                    "taken_back": was if reopened else None,
                }
            )
    return steps


# Raw history rows of the exchange (as a merge or an old version may have written them):
# (at, action, field, new), the times around its creation's.
HISTORY_ROW = st.tuples(
    st.sampled_from(("2016-01-01T00:00:00+00:00", "2099-01-01T00:00:00+00:00", None)),
    st.sampled_from(("update", "create")),
    st.sampled_from(
        ("sequence", "note", "status", "window_start", "window_end", "day", "days", "at", "tz")
    ),
    st.integers(0, 3),
)
VALUES = {
    "status": ("planned", "scheduled", "done", "cancelled"),
    "window_start": ("2016-10-01", "2016-10-15"),  # never after an end
    "window_end": ("2016-10-31", "2016-11-30"),
    "day": ("2016-10-03", None),
    "days": ("1", "2"),
    "at": ("10:00", None),
    "tz": ("Asia/Tokyo", None),
    "sequence": ("1", "2", "3"),
    "note": ("a", "b"),
}


def _exchange_with_history(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> Any:
    from rit_cli.store.exchanges import find_exchange

    _orgs(conn)
    add_exchange(
        conn, ExchangeInput("visit", When(window="2016-Q4"), guests=("LSN",), host="FBRI"), TODAY
    )
    ex = find_exchange(conn, "1")
    created = conn.execute("SELECT at FROM history WHERE record_uuid = ?", (ex.uuid,)).fetchone()
    for at, action, field, pick in rows:
        values = VALUES[field]
        conn.execute(
            "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, new)"
            " VALUES (?, 'exchanges', ?, ?, ?, ?, ?)",
            (at or created[0], ex.id, ex.uuid, action, field, values[pick % len(values)]),
        )
    return ex


@settings(max_examples=150, deadline=None)
@given(st.lists(HISTORY_ROW, max_size=14))
def test_date_history_read_in_part_is_the_replay_of_every_row(rows: list[Any]) -> None:
    from rit_cli import db

    conn = db.connect(Path(":memory:"))
    try:
        ex = _exchange_with_history(conn, rows)
        narrow(conn, "1", "2016-10", TODAY)
        assert date_history(conn, ex) == _replayed_from_every_row(conn, ex)
    finally:
        conn.close()


def test_date_history_reads_no_row_that_changes_no_date(conn: sqlite3.Connection) -> None:
    """An exchange whose note was edited 1000 times: only the rows that begin a change or
    set a date are read (at 100 000 edits, reading them all took 62 MB)."""
    from rit_cli.store.exchanges import find_exchange

    ex = _exchange_with_history(conn, [])
    for n in range(1000):
        conn.execute(
            "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, new)"
            " VALUES ('2017-01-01T00:00:00+00:00', 'exchanges', ?, ?, 'update', 'note', ?)",
            (ex.id, ex.uuid, f"note {n}"),
        )
    narrow(conn, "1", "2016-10", TODAY)
    ex = find_exchange(conn, "1")
    wanted = conn.execute(
        "SELECT count(*) FROM history WHERE record_uuid = ? AND field <> 'note'", (ex.uuid,)
    ).fetchone()[0]
    read: list[Any] = []

    class Rows(list[Any]):
        def fetchall(self) -> list[Any]:
            return self

    class Counting:  # the connection, counting the rows its queries give
        def execute(self, *args: Any) -> Rows:
            rows = Rows(conn.execute(*args))
            read.extend(rows)
            return rows

    steps = date_history(Counting(), ex)  # type: ignore[arg-type]
    assert [s["when"] for s in steps] == ["2016-Q4", "2016-10"]
    assert steps == _replayed_from_every_row(conn, ex)
    assert 0 < len(read) <= wanted < 100
