"""Delegation trips and their itinerary of stops."""

from __future__ import annotations

import sqlite3
from datetime import date

from .. import places
from ..dates import format_days, parse_date
from ..errors import Conflict, InvalidInput
from ..models.trips import Trip, TripStop
from ..text import MAX_TEXT, clean, key, short_repr
from . import insert, resolve
from .exchanges import TRIP, exchanges_at_stops
from .orgs import find_org

MAX_TRIP_DAYS = 366


def _trip(row: sqlite3.Row, stops: tuple[TripStop, ...] = ()) -> Trip:
    return Trip(
        id=row["id"],
        uuid=row["uuid"],
        title=row["title"],
        start_on=row["start_on"],
        end_on=row["end_on"],
        lead=row["lead"],
        note=row["note"],
        stops=stops,
    )


def add_trip(
    conn: sqlite3.Connection,
    title: str,
    start: str,
    end: str,
    today: date,
    lead: str | None = None,
    note: str | None = None,
) -> Trip:
    name = clean(title, "title")
    assert name is not None
    first, last = parse_date(start, today), parse_date(end, today)
    if last < first:
        raise InvalidInput(f"trip end {last.isoformat()} is before its start {first.isoformat()}")
    if (last - first).days >= MAX_TRIP_DAYS:
        raise InvalidInput(f"trip {format_days(first, last)} is too long: at most a year")
    same = conn.execute("SELECT id FROM trips WHERE title_key = ?", (key(name),)).fetchone()
    if same is not None:
        raise Conflict(f"trip {short_repr(name)} already exists as #{same['id']}")
    trip_id = insert(
        conn,
        "trips",
        {
            "title": name,
            "title_key": key(name),
            "start_on": first.isoformat(),
            "end_on": last.isoformat(),
            "lead": clean(lead, "lead", required=False) if lead is not None else None,
            "note": clean(note, "note", limit=MAX_TEXT, required=False) if note else None,
        },
    )
    return get_trip(conn, trip_id)


def add_stop(
    conn: sqlite3.Connection,
    trip_ref: str,
    city: str,
    country: str,
    start: str,
    end: str | None,
    today: date,
    org: str | None = None,
    note: str | None = None,
) -> tuple[Trip, TripStop]:
    """Add a stop that lies within the trip and shares no day with its other stops."""
    trip = resolve(conn, TRIP, trip_ref)
    place = clean(city, "city")
    code = places.country(country)
    org_id = find_org(conn, org).id if org else None
    first = parse_date(start, today)
    last = parse_date(end, today) if end is not None else first
    if last < first:
        raise InvalidInput(f"stop end {last.isoformat()} is before its start {first.isoformat()}")
    shown = format_days(first, last)
    if first.isoformat() < trip["start_on"] or last.isoformat() > trip["end_on"]:
        raise InvalidInput(
            f"stop {shown} is outside trip {short_repr(trip['title'])} "
            f"({trip['start_on']}..{trip['end_on']})"
        )
    clash = conn.execute(
        "SELECT city, start_on, end_on FROM trip_stops"
        " WHERE trip_id = ? AND start_on <= ? AND end_on >= ?",
        (trip["id"], last.isoformat(), first.isoformat()),
    ).fetchone()
    if clash is not None:
        raise Conflict(
            f"stop {shown} overlaps the stop {clash['city']} "
            f"{clash['start_on']}..{clash['end_on']}; a day belongs to one stop"
        )
    insert(
        conn,
        "trip_stops",
        {
            "trip_id": trip["id"],
            "city": place,
            "country": code,
            "start_on": first.isoformat(),
            "end_on": last.isoformat(),
            "org_id": org_id,
            "note": clean(note, "note", limit=MAX_TEXT, required=False) if note else None,
        },
    )
    full = get_trip(conn, trip["id"])
    stop = next(s for s in full.stops if s.start_on == first.isoformat())
    return full, stop


def _stops(conn: sqlite3.Connection, trip_id: int, with_exchanges: bool) -> tuple[TripStop, ...]:
    rows = conn.execute(
        "SELECT s.*, coalesce(o.short, o.name) AS org FROM trip_stops s"
        " LEFT JOIN orgs o ON o.id = s.org_id WHERE s.trip_id = ? ORDER BY s.start_on",
        (trip_id,),
    ).fetchall()
    by_stop: dict[int, list] = {}
    if with_exchanges and rows:
        for ex in exchanges_at_stops(conn, [r["id"] for r in rows]):
            by_stop.setdefault(ex.stop_id or 0, []).append(ex)
    return tuple(
        TripStop(
            id=r["id"],
            trip_id=r["trip_id"],
            city=r["city"],
            country=r["country"],
            start_on=r["start_on"],
            end_on=r["end_on"],
            org=r["org"],
            note=r["note"],
            exchanges=tuple(by_stop.get(r["id"], ())),
        )
        for r in rows
    )


def get_trip(conn: sqlite3.Connection, trip_id: int) -> Trip:
    row = conn.execute("SELECT * FROM trips WHERE id = ?", (trip_id,)).fetchone()
    return _trip(row, _stops(conn, trip_id, with_exchanges=True))


def find_trip(conn: sqlite3.Connection, ref: str) -> Trip:
    return get_trip(conn, resolve(conn, TRIP, ref)["id"])


def list_trips(conn: sqlite3.Connection, with_exchanges: bool = False) -> list[Trip]:
    """Every trip with its stops; the exchanges at each stop only when asked (--json shows
    them, the listing's lines do not)."""
    rows = conn.execute("SELECT * FROM trips ORDER BY start_on, id").fetchall()
    return [_trip(r, _stops(conn, r["id"], with_exchanges=with_exchanges)) for r in rows]
