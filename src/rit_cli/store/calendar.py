"""Exchanges as calendar entries (for the ICS export)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from . import batches


@dataclass(frozen=True)
class CalendarEntry:
    """An exchange as an ICS event needs it."""

    uuid: str
    title: str
    type: str
    status: str
    start_on: str
    end_on: str
    day: str | None
    days: int
    at: str | None
    tz: str | None
    fold: int | None
    decide_by: str | None
    place: str | None
    online: bool
    purpose: str | None
    note: str | None
    sequence: int
    created: str
    updated: str
    host: str | None
    guests: tuple[str, ...]
    participants: tuple[str, ...]


# Exchanges read (with one query for their organisations) at a time.
AT_A_TIME = 500

# An exchange fixed to a day with a time at its place: its event names a TZID.
_TIMED = "e.day IS NOT NULL AND coalesce(e.at, '') <> '' AND coalesce(e.tz, '') <> ''"


def _where(start: date | None, end: date | None) -> tuple[str, list[object]]:
    """The WHERE clause (or '') of the exchanges whose days or window overlap START..END."""
    from .exchanges import julian_day

    where: list[str] = []
    params: list[object] = []
    if start is not None or end is not None:
        # The R*Tree of spans (m003) finds a month's exchanges without reading the years
        # around it; the ISO dates only confirm what it found, as in the agenda.
        where.append(
            "e.id IN (SELECT id FROM exchange_spans WHERE first_day <= ? AND last_day >= ?)"
        )
        params += [julian_day(end or date.max), julian_day(start or date.min)]
    if start is not None:
        where.append("+e.end_on >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("+e.start_on <= ?")
        params.append(end.isoformat())
    return (" WHERE " + " AND ".join(where) if where else ""), params


def calendar_span(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> tuple[date, date] | None:
    """The first and the last day of the exchanges calendar_entries gives; None if none."""
    where, params = _where(start, end)
    first, last = conn.execute(
        f"SELECT min(e.start_on), max(e.end_on) FROM exchanges e{where}", params
    ).fetchone()
    return None if first is None else (date.fromisoformat(first), date.fromisoformat(last))


def timed_zones(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> list[tuple[str, str | None, str | None, int]]:
    """(zone, day, time, fold) of the timed exchanges among calendar_entries': one row a zone
    for the usual ones (day and time None), one a day and time for a second occurrence
    (fold 1), which the calendar may have to write in UTC."""
    where, params = _where(start, end)
    timed = f"{where} AND {_TIMED}" if where else f" WHERE {_TIMED}"
    return conn.execute(
        "SELECT DISTINCT e.tz, CASE WHEN e.fold THEN e.day END, CASE WHEN e.fold THEN e.at END,"
        f" coalesce(e.fold, 0) FROM exchanges e{timed}",
        params,
    ).fetchall()


def calendar_entries(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> Iterator[CalendarEntry]:
    """Exchanges whose days (or window) overlap START..END, in date order.

    Read a batch at a time while the connection is open: a calendar of half a million
    exchanges is written as it is read, never held whole."""
    where, params = _where(start, end)
    sql = "SELECT e.*, (SELECT coalesce(short, name) FROM orgs WHERE id = e.host_id) AS host"
    cursor = conn.execute(sql + f" FROM exchanges e{where} ORDER BY e.start_on, e.id", params)
    while rows := cursor.fetchmany(AT_A_TIME):
        yield from _entries(conn, rows)


def _entries(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> Iterator[CalendarEntry]:
    roles: dict[int, dict[str, list[str]]] = {}
    for chunk, marks in batches([r["id"] for r in rows]):
        for exchange_id, role, name in conn.execute(
            "SELECT x.exchange_id, x.role, coalesce(o.short, o.name) FROM exchange_orgs x"
            f" JOIN orgs o ON o.id = x.org_id WHERE x.exchange_id IN ({marks})"
            " ORDER BY o.name_key",
            chunk,
        ):
            roles.setdefault(exchange_id, {}).setdefault(role, []).append(name)
    for r in rows:
        by_role = roles.get(r["id"], {})
        host = r["host"] or next(iter(by_role.get("host", [])), None)
        yield CalendarEntry(
            uuid=r["uuid"],
            title=r["title"],
            type=r["type"],
            status=r["status"],
            start_on=r["start_on"],
            end_on=r["end_on"],
            day=r["day"],
            days=r["days"] or 1,
            at=r["at"],
            tz=r["tz"],
            fold=r["fold"],
            decide_by=r["decide_by"],
            place=r["place"],
            online=bool(r["online"]),
            purpose=r["purpose"],
            note=r["note"],
            sequence=r["sequence"] or 0,
            created=r["created"],
            updated=r["updated"],
            host=host,
            guests=tuple(by_role.get("guest", ())),
            participants=tuple(by_role.get("participant", ())),
        )
