"""`rit remind` written as it is read: the reminders of each part of the exchanges come
from SQL in the order of their days and are merged, never all held and sorted.

The merged order must be the one sorting everything gave (sort_key), whatever the
exchanges, the horizon and the zones: compared here with that reference.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rit_cli import db, reminders
from rit_cli.reminders import classify_exchange, sort_key
from rit_cli.store.reminders import (
    _EXCHANGE_COLUMNS,
    _facts,
    due,
    ending_within,
    obligations_at_risk,
)

from .helpers import ADD_FBRI, ADD_LSN, RitRunner, ok

TODAY = date(2020, 6, 1)
# The zones farthest apart (UTC+14 and UTC-12), and some between.
ZONES = ("Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo", "Europe/Berlin", "UTC")

EXCHANGE = st.fixed_dictionaries(
    {
        "status": st.sampled_from(("planned", "scheduled", "done", "cancelled")),
        "start": st.integers(-8, 16),
        "days": st.integers(0, 8),
        "decide_by": st.none() | st.integers(-10, 16),
        "at": st.none()
        | st.sampled_from((time(0, 0), time(0, 30), time(10, 30), time(12, 0), time(23, 59))),
        "tz": st.sampled_from(ZONES),
    }
)


def _insert(conn: sqlite3.Connection, number: int, spec: dict[str, Any]) -> None:
    start = TODAY + timedelta(days=spec["start"])
    end = start + timedelta(days=spec["days"])
    fixed = spec["status"] != "planned"
    at = spec["at"] if fixed else None
    utc = None
    if at is not None:
        local = datetime.combine(start, at, ZoneInfo(spec["tz"]))
        utc = local.astimezone(UTC).isoformat(timespec="minutes")
    decide_by = spec["decide_by"]
    conn.execute(
        "INSERT INTO exchanges (uuid, created, updated, type, title, title_key, status, tz,"
        " day, at, starts_utc, start_on, end_on, window_start, window_end, decide_by, days)"
        " VALUES (?, '2020-01-01', '2020-01-01', 'visit', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            f"u-{number}",
            f"visit {number}",
            f"visit {number}",
            spec["status"],
            spec["tz"],
            start.isoformat() if fixed else None,
            at.strftime("%H:%M") if at else None,
            utc,
            start.isoformat(),
            end.isoformat(),
            None if fixed else start.isoformat(),
            None if fixed else end.isoformat(),
            None if fixed or decide_by is None else (TODAY + timedelta(days=decide_by)).isoformat(),
            spec["days"] + 1,
        ),
    )


def sorted_as_before(
    conn: sqlite3.Connection, today: date, horizon: date, until: date, zone: str
) -> list[reminders.Reminder]:
    """The reference: every exchange classified, then everything sorted at once."""
    cursor = conn.cursor()
    cursor.row_factory = None
    items = [
        item
        for fact in _facts(cursor.execute(f"SELECT {_EXCHANGE_COLUMNS} FROM exchanges"))
        if (item := classify_exchange(fact, today, horizon, zone)) is not None
    ]
    items.extend(ending_within(conn, today, until))
    items.extend(obligations_at_risk(conn, today))
    return sorted(items, key=sort_key)


def _fixed(start: int, at: time, tz: str) -> dict[str, Any]:
    return {"status": "scheduled", "start": start, "days": 0, "decide_by": None, "at": at, "tz": tz}


@settings(max_examples=150, deadline=None)
# A day's visits are due in the order of their instants, whatever day they start at the
# place: read in the order of the latter, each must wait for the visits of the next days.
@example(
    [_fixed(5, time(0, 0), "Etc/GMT+12"), _fixed(6, time(0, 0), "Pacific/Kiritimati")], 14, "UTC"
)
@example(  # two days apart at the place, at the same instant
    [_fixed(6, time(0, 0), "Pacific/Kiritimati"), _fixed(5, time(12, 0), "Europe/Berlin")],
    14,
    "Etc/GMT+12",
)
# A start the day after the horizon at the place, on the horizon's day in the user's
# zone: the query of fixed days must read beyond the horizon for it.
@example([_fixed(15, time(0, 0), "Pacific/Kiritimati")], 14, "UTC")
# The evening before today at the place, today in the user's zone: due today, not overdue.
@example([_fixed(-1, time(12, 0), "Etc/GMT+12")], 0, "UTC")
@given(
    st.lists(EXCHANGE, max_size=25),
    st.integers(0, 14),
    st.sampled_from(ZONES),
)
def test_merged_reminders_are_in_the_order_of_sorting_them_all(
    exchanges: list[dict[str, Any]], within: int, zone: str
) -> None:
    conn = db.connect(Path(":memory:"))
    try:
        for number, spec in enumerate(exchanges, 1):
            _insert(conn, number, spec)
        horizon = TODAY + timedelta(days=within)
        until = TODAY + timedelta(days=90)
        expected = sorted_as_before(conn, TODAY, horizon, until, zone)
        assert list(due(conn, TODAY, horizon, until, zone)) == expected
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("status", "start", "days", "decide_by", "kind"),
    [
        ("scheduled", -3, 0, None, "overdue"),
        ("scheduled", -3, 5, None, "upcoming"),  # under way
        ("scheduled", 4, 0, None, "upcoming"),
        ("planned", -10, 3, None, "window-closed"),
        ("planned", -10, 3, 5, "window-closed"),  # closed: its decide-by date no longer counts
        ("planned", -3, 10, None, "window-closes"),
        ("planned", -3, 10, -1, "decide-overdue"),
        ("planned", -3, 10, 6, "decide-by"),
        ("planned", 20, 10, 6, "decide-by"),  # opens beyond the horizon
        ("planned", 3, 10, None, "window-opens"),
        ("planned", 3, 10, 20, "window-opens"),  # decides beyond the horizon
        ("planned", 20, 10, None, None),
        ("planned", -3, 30, None, None),  # open, closes beyond the horizon
        ("done", -3, 0, None, None),
        ("cancelled", 3, 0, None, None),
    ],
)
def test_each_exchange_is_read_by_exactly_one_part(
    conn: sqlite3.Connection,
    status: str,
    start: int,
    days: int,
    decide_by: int | None,
    kind: str | None,
) -> None:
    spec = {"status": status, "start": start, "days": days, "decide_by": decide_by}
    _insert(conn, 1, {**spec, "at": None, "tz": "UTC"})
    horizon = TODAY + timedelta(days=14)
    found = list(due(conn, TODAY, horizon, TODAY, "UTC"))
    assert [item.kind for item in found] == ([kind] if kind else [])
    assert found == sorted_as_before(conn, TODAY, horizon, TODAY, "UTC")


def _visits(rit: RitRunner, count: int) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    for week in range(count):
        day = date(2017, 1, 2) + timedelta(weeks=week)
        ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", day.isoformat())


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_remind_is_written_as_it_is_read(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Each exchange is classified after the reminders of those days before it were
    written: a horizon of years is never held whole (at 500 000 exchanges and five years,
    82 000 reminders took 87 MB; 143 MB for ten years)."""
    _visits(rit, 6)
    classify = reminders.classify_exchange
    written_before: list[int] = []  # output written before each exchange is classified

    def watching(*given: Any) -> Any:
        sys.stdout.flush()
        written_before.append(len(sys.stdout.buffer.getvalue()))
        return classify(*given)

    monkeypatch.setattr(reminders, "classify_exchange", watching)
    out = ok(rit, "remind", "--within", "2m", *args, env={"RIT_TODAY": "2017-01-01"})
    assert out.count("upcoming") == 6
    assert len(written_before) == 6
    assert written_before[0] == 0 and written_before == sorted(written_before)
    # A week apart, each visit's reminder is written before the visit after next is read.
    assert len(set(written_before)) >= 4
    assert written_before[-1] < len(out.encode())
