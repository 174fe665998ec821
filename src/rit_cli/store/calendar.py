"""Exchanges as calendar entries (for the ICS export)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date


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
    where, params = [], []
    if start is not None:
        where.append("e.end_on >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("e.start_on <= ?")
        params.append(end.isoformat())
    sql = "SELECT e.*, (SELECT coalesce(short, name) FROM orgs WHERE id = e.host_id) AS host"
    sql += " FROM exchanges e"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY e.start_on, e.id", params).fetchall()
    roles: dict[int, dict[str, list[str]]] = {}
    for exchange_id, role, name in conn.execute(
        "SELECT x.exchange_id, x.role, coalesce(o.short, o.name) FROM exchange_orgs x"
        " JOIN orgs o ON o.id = x.org_id ORDER BY o.name_key"
    ):
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
