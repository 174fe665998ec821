"""Exchanges as calendar entries (for the ICS export)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain

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


def calendar_entries(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> list[CalendarEntry]:
    """Exchanges whose days (or window) overlap START..END, in date order."""
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
    sql = "SELECT e.*, (SELECT coalesce(short, name) FROM orgs WHERE id = e.host_id) AS host"
    sql += " FROM exchanges e"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY e.start_on, e.id", params).fetchall()
    roles: dict[int, dict[str, list[str]]] = {}
    party_sql = (
        "SELECT x.exchange_id, x.role, coalesce(o.short, o.name) FROM exchange_orgs x"
        " JOIN orgs o ON o.id = x.org_id"
    )
    parties: Iterable[sqlite3.Cursor]
    if where:  # only the parties of what is shown, not every exchange's
        parties = (
            conn.execute(
                party_sql + f" WHERE x.exchange_id IN ({marks}) ORDER BY o.name_key", chunk
            )
            for chunk, marks in batches([r["id"] for r in rows])
        )
    else:
        parties = [conn.execute(party_sql + " ORDER BY o.name_key")]
    for exchange_id, role, name in chain.from_iterable(parties):
        roles.setdefault(exchange_id, {}).setdefault(role, []).append(name)
    entries = []
    for r in rows:
        by_role = roles.get(r["id"], {})
        host = r["host"] or next(iter(by_role.get("host", [])), None)
        entries.append(
            CalendarEntry(
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
        )
    return entries
