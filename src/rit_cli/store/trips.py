"""Delegation trips and their itinerary of stops."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import places
from ..dates import format_days, parse_date
from ..errors import Ambiguous, Conflict, InvalidInput, NotFound
from ..models.trips import Trip, TripStop
from ..text import MAX_TEXT, clean, key, short_repr
from . import delete, insert, resolve, update
from .exchanges import IN_DATE_ORDER, TRIP, exchanges_at_stops
from .orgs import find_org

if TYPE_CHECKING:
    from ..models.exchanges import Exchange

MAX_TRIP_DAYS = 366


def _title(conn: sqlite3.Connection, title: str, own_id: int | None) -> str:
    """A trip's title, checked: titles are unique (case-insensitively), so a trip can
    always be referred to by its title."""
    name = clean(title, "title")
    assert name is not None
    same = conn.execute(
        "SELECT id FROM trips WHERE title_key = ? AND id IS NOT ?", (key(name), own_id)
    ).fetchone()
    if same is not None:
        raise Conflict(f"trip {short_repr(name)} already exists as #{same['id']}")
    return name


def _check_trip_days(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput(f"trip end {last.isoformat()} is before its start {first.isoformat()}")
    if (last - first).days >= MAX_TRIP_DAYS:
        raise InvalidInput(f"trip {format_days(first, last)} is too long: at most a year")


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
    name = _title(conn, title, None)
    first, last = parse_date(start, today), parse_date(end, today)
    _check_trip_days(first, last)
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


def _check_stop_days(
    conn: sqlite3.Connection, trip: sqlite3.Row, first: date, last: date, own_id: int | None
) -> None:
    """Refuse stop days that end before they start, lie outside the trip or share a day
    with another of its stops (own_id: the stop being changed, which may keep its days)."""
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
        " WHERE trip_id = ? AND start_on <= ? AND end_on >= ? AND id IS NOT ?",
        (trip["id"], last.isoformat(), first.isoformat(), own_id),
    ).fetchone()
    if clash is not None:
        raise Conflict(
            f"stop {shown} overlaps the stop {clash['city']} "
            f"{clash['start_on']}..{clash['end_on']}; a day belongs to one stop"
        )


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
    _check_stop_days(conn, trip, first, last, None)
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


# ------------------------------------------------------------------ correcting


@dataclass(frozen=True)
class TripEdit:
    """What edit-trip was given; None means 'not given', an empty lead or note clears it."""

    title: str | None = None
    start: str | None = None
    end: str | None = None
    lead: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class StopEdit:
    """What edit-stop was given; None means 'not given', an empty org or note clears it
    (as does no_org); detach takes exchanges the stop would no longer hold off the trip."""

    city: str | None = None
    country: str | None = None
    start: str | None = None
    end: str | None = None
    org: str | None = None
    no_org: bool = False
    note: str | None = None
    detach: bool = False


@dataclass(frozen=True)
class StopChange:
    """A stop after edit-stop (or as it was, after remove-stop), its trip afterwards, what
    changed (column names, as history shows them) and the exchanges taken off the trip."""

    trip: Trip
    stop: TripStop
    changed: list[str]
    detached: list[Held]


def edit_trip(
    conn: sqlite3.Connection, ref: str, data: TripEdit, today: date
) -> tuple[Trip, list[str]]:
    """Correct a trip: its title stays unique and its days keep every stop."""
    if data == TripEdit():
        raise InvalidInput("nothing to change: give --title, --from, --to, --lead or --note")
    row = resolve(conn, TRIP, ref)
    values: dict[str, Any] = {}
    if data.title is not None:
        values["title"] = _title(conn, data.title, row["id"])
        values["title_key"] = key(values["title"])
    if data.start is not None or data.end is not None:
        first = parse_date(data.start, today) if data.start is not None else _day(row["start_on"])
        last = parse_date(data.end, today) if data.end is not None else _day(row["end_on"])
        _check_trip_days(first, last)
        _check_keeps_stops(conn, row, first, last)
        values.update(start_on=first.isoformat(), end_on=last.isoformat())
    if data.lead is not None:
        values["lead"] = clean(data.lead, "lead", required=False)
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    changed = update(conn, "trips", row["id"], values)
    return get_trip(conn, row["id"]), [c for c in changed if not c.endswith("_key")]


def _day(iso: str) -> date:
    return date.fromisoformat(iso)


def _check_keeps_stops(
    conn: sqlite3.Connection, trip: sqlite3.Row, first: date, last: date
) -> None:
    """Refuse trip days that would leave out one of its stops."""
    outside = conn.execute(
        "SELECT id, city, start_on, end_on FROM trip_stops"
        " WHERE trip_id = ? AND (start_on < ? OR end_on > ?) ORDER BY start_on",
        (trip["id"], first.isoformat(), last.isoformat()),
    ).fetchall()
    if not outside:
        return
    stop = outside[0]
    more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
    raise Conflict(
        f"trip {short_repr(trip['title'])} {format_days(first, last)} would leave out its stop"
        f" #{stop['id']} {short_repr(stop['city'])} {stop['start_on']}..{stop['end_on']}{more}:"
        " change or remove the stop first (rit edit-stop, rit remove-stop)"
    )


def _stop_text(stop: sqlite3.Row) -> str:
    return f"#{stop['id']} {short_repr(stop['city'])} {stop['start_on']}..{stop['end_on']}"


def _find_stop(conn: sqlite3.Connection, trip: sqlite3.Row, ref: str) -> sqlite3.Row:
    """One stop of the trip: by its id ('7', '#7', as show-trip shows it) or its city
    (case-insensitively) when the trip stops there once."""
    raw = ref.strip()
    if not raw:
        raise NotFound("stop reference must not be empty: give its id or city")
    stops = conn.execute(
        "SELECT * FROM trip_stops WHERE trip_id = ? ORDER BY start_on", (trip["id"],)
    ).fetchall()
    number = raw[1:] if raw.startswith("#") else raw
    if number.isascii() and number.isdigit():
        found = [s for s in stops if s["id"] == int(number)]
    else:
        found = [s for s in stops if key(s["city"]) == key(raw)]
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(_stop_text(s) for s in found[:6])
        raise Ambiguous(
            f"trip {short_repr(trip['title'])} stops in {short_repr(raw)} more than once:"
            f" {listed}; use the id, e.g. '#{found[0]['id']}'"
        )
    listed = ", ".join(_stop_text(s) for s in stops[:6]) + (", …" if len(stops) > 6 else "")
    raise NotFound(
        f"trip {short_repr(trip['title'])} has no stop {short_repr(raw)}: "
        + (f"its stops are {listed}" if stops else "it has no stops yet")
    )


def _stop_of(trip: Trip, stop_id: int) -> TripStop:
    return next(s for s in trip.stops if s.id == stop_id)


class Held(NamedTuple):
    """An exchange at a trip stop, as a refusal or a detached line names it."""

    id: int
    type: str
    title: str


def edit_stop(
    conn: sqlite3.Connection, trip_ref: str, stop_ref: str, data: StopEdit, today: date
) -> StopChange:
    """Correct a stop: it stays within the trip and off the other stops' days (as add-stop
    checks), and the exchanges joined to it must still fit it, by the rule that joined them
    (its days; its city or organisation), unless detach takes those off the trip."""
    if data.org is not None and data.no_org:
        raise InvalidInput("give either --org or --no-org, not both")
    if data == StopEdit(detach=data.detach):
        raise InvalidInput(
            "nothing to change: give --city, --country, --from, --to, --org or --no-org, --note"
        )
    trip = resolve(conn, TRIP, trip_ref)
    stop = _find_stop(conn, trip, stop_ref)
    values: dict[str, Any] = {}
    if data.city is not None:
        values["city"] = clean(data.city, "city")
    if data.country is not None:
        values["country"] = places.country(data.country)
    if data.no_org:
        values["org_id"] = None
    elif data.org is not None:
        values["org_id"] = find_org(conn, data.org).id if data.org.strip() else None
    if data.start is not None or data.end is not None:
        first = parse_date(data.start, today) if data.start is not None else _day(stop["start_on"])
        last = parse_date(data.end, today) if data.end is not None else _day(stop["end_on"])
        _check_stop_days(conn, trip, first, last, stop["id"])
        values.update(start_on=first.isoformat(), end_on=last.isoformat())
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)

    from .scheduling import detach_from_stop, stop_misfit

    after = {**dict(stop), **values}
    misfits: list[tuple[Exchange, str]] = []
    for ex in exchanges_at_stops(conn, [stop["id"]]):
        why = stop_misfit(ex, after["city"], after["org_id"], after["start_on"], after["end_on"])
        if why is not None:
            misfits.append((ex, why))
    if misfits and not data.detach:
        ex, why = misfits[0]
        more = f" (and {len(misfits) - 1} more)" if len(misfits) > 1 else ""
        raise Conflict(
            f"stop #{stop['id']} {short_repr(stop['city'])} would no longer hold {ex.type}"
            f" #{ex.id} {short_repr(ex.title)}{more}: {why}; pass --detach to take"
            f" {'them' if more else 'it'} off the trip (kept as {'they are' if more else 'it is'})"
        )
    changed = update(conn, "trip_stops", stop["id"], values)
    detached = [Held(ex.id, ex.type, ex.title) for ex, _ in misfits]
    detach_from_stop(conn, [ex.id for ex in detached])
    full = get_trip(conn, trip["id"])
    return StopChange(
        full,
        _stop_of(full, stop["id"]),
        [c.removesuffix("_id") for c in changed],
        detached,
    )


def _removable(
    conn: sqlite3.Connection, what: str, at: str, param: int, detach: bool
) -> list[Held]:
    """The exchanges joined to the stops about to go (AT: a condition on e.stop_id with one
    parameter), in date order; refused unless detach says to keep them outside the trip
    (nothing else could join them to it again). A refusal counts them and names the first:
    a trip of a year's stops holds thousands, none of them read in full."""
    where = f" FROM exchanges e WHERE {at}"
    if not detach:
        (count,) = conn.execute(f"SELECT count(*){where}", (param,)).fetchone()
        if count:
            first = Held(*conn.execute(
                f"SELECT e.id, e.type, e.title{where}{IN_DATE_ORDER} LIMIT 1", (param,)
            ).fetchone())  # fmt: skip
            more = f" and {count - 1} more" if count > 1 else ""
            raise Conflict(
                f"{what} holds {first.type} #{first.id} {short_repr(first.title)}{more}: pass"
                f" --detach to remove it and keep {'them' if count > 1 else 'it'} outside the"
                " trip"
            )
        return []
    rows = conn.execute(f"SELECT e.id, e.type, e.title{where}{IN_DATE_ORDER}", (param,))
    return [Held(*row) for row in rows]


def _trip_alone(conn: sqlite3.Connection, trip_id: int) -> Trip:
    """The trip and its stops, without the exchanges at them (a removal names the trip,
    its stops and what it detached, not every exchange in full)."""
    row = conn.execute("SELECT * FROM trips WHERE id = ?", (trip_id,)).fetchone()
    return _trip(row, _stops(conn, trip_id, with_exchanges=False))


def remove_stop(conn: sqlite3.Connection, trip_ref: str, stop_ref: str, detach: bool) -> StopChange:
    """Remove a stop from a trip's itinerary; the exchanges joined to it are kept and,
    with detach, taken off the trip (refused otherwise). The stop as it was, and the trip
    after, come without their exchanges."""
    trip = resolve(conn, TRIP, trip_ref)
    row = _find_stop(conn, trip, stop_ref)
    stop = _stop_of(_trip_alone(conn, trip["id"]), row["id"])
    what = f"stop #{row['id']} {short_repr(row['city'])}"
    joined = _removable(conn, what, "e.stop_id = ?", row["id"], detach)
    from .scheduling import detach_from_stop

    detach_from_stop(conn, [ex.id for ex in joined])
    delete(conn, "trip_stops", row["id"])
    return StopChange(_trip_alone(conn, trip["id"]), stop, [], joined)


def remove_trip(conn: sqlite3.Connection, ref: str, detach: bool) -> tuple[Trip, list[Held]]:
    """Remove a trip and its stops; the exchanges joined to them are kept and, with
    detach, taken off the trip (refused otherwise). The trip comes without its exchanges."""
    trip = _trip_alone(conn, resolve(conn, TRIP, ref)["id"])
    joined = _removable(
        conn,
        f"trip {short_repr(trip.title)}",
        "e.stop_id IN (SELECT id FROM trip_stops WHERE trip_id = ?)",
        trip.id,
        detach,
    )
    from .scheduling import detach_from_stop

    detach_from_stop(conn, [ex.id for ex in joined])
    for stop in trip.stops:
        delete(conn, "trip_stops", stop.id)
    delete(conn, "trips", trip.id)
    return trip, joined
