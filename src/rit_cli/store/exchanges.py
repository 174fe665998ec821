"""Exchanges: visits and meetings, their date windows, fixed days, times and yearly plans.

One record type for both: a visit has guests travelling to a host, a meeting has
participating organisations. ``start_on``/``end_on`` always hold the span every date query
uses: the window while the exchange is planned, its fixed days once scheduled.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..dates import (
    Window,
    add_years,
    convert,
    format_days,
    format_instant,
    format_window,
    localize,
    parse_date,
    parse_time,
    parse_until,
    parse_window,
    parse_zone,
)
from ..errors import Ambiguous, Conflict, InvalidInput
from ..models import EXCHANGE_STATUSES, EXCHANGE_TYPES, Exchange, ExchangeParty, Org
from ..text import MAX_TEXT, clean, key, short_repr, tag
from . import SPAN_DAYS, RefSpec, insert, new_uuid, record_history, resolve, set_links, update
from .contacts import find_contact
from .orgs import find_org

EXCHANGE = RefSpec("exchanges", "exchange", "title", ("title_key",))
AGREEMENT = RefSpec("agreements", "agreement", "title", ("title_key",))
TRIP = RefSpec("trips", "trip", "title", ("title_key",))

MAX_DAYS = 60
# A window narrows dates down; one longer than two years is not a window. The bound also
# gives every "what is open around day D" query a lower limit on start_on (store.SPAN_DAYS).
MAX_WINDOW_DAYS = SPAN_DAYS
MAX_YEARS = 50

_SELECT = """
    SELECT e.*, a.title AS agreement_title,
           CASE WHEN s.id IS NULL THEN NULL
                ELSE t.title || ': ' || s.city || ' ' || s.start_on || '..' || s.end_on END
           AS stop_label
    FROM exchanges e
    LEFT JOIN agreements a ON a.id = e.agreement_id
    LEFT JOIN trip_stops s ON s.id = e.stop_id
    LEFT JOIN trips t ON t.id = s.trip_id
"""


@dataclass(frozen=True)
class When:
    """The dates the user gave: a day (with time, length) or a window (with decide-by)."""

    on: str | None = None
    at: str | None = None
    days: int | None = None
    fold: int | None = None
    window: str | None = None
    decide_by: str | None = None


@dataclass(frozen=True)
class ExchangeInput:
    """What the user gave to schedule a visit or add a meeting; None means 'not given'."""

    type: str
    when: When
    title: str | None = None
    guests: tuple[str, ...] = ()
    host: str | None = None
    orgs: tuple[str, ...] = ()
    place: str | None = None
    online: bool = False
    tz: str | None = None
    agreement: str | None = None
    purpose: str | None = None
    fields: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    trip: str | None = None
    note: str | None = None
    yearly: bool = False
    until: str | None = None


@dataclass(frozen=True)
class Added:
    """The exchanges one command created, and how the agreement came to be linked."""

    exchanges: list[Exchange]
    agreement: str | None
    linked_automatically: bool


@dataclass(frozen=True)
class Dates:
    """Validated dates of one occurrence: a window or a fixed span, and the start instant."""

    window: Window | None
    decide_by: date | None
    day: date | None
    days: int
    at: str | None
    fold: int | None
    starts_utc: str | None

    @property
    def span(self) -> Window:
        if self.day is not None:
            return Window(self.day, self.day + timedelta(days=self.days - 1))
        assert self.window is not None
        return self.window


# ------------------------------------------------------------------ reading


def _row_to_exchange(row: sqlite3.Row, extra: dict[str, Any]) -> Exchange:
    return Exchange(
        id=row["id"],
        uuid=row["uuid"],
        type=row["type"],
        title=row["title"],
        status=row["status"],
        host_id=row["host_id"],
        place=row["place"],
        online=bool(row["online"]),
        tz=row["tz"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        decide_by=row["decide_by"],
        day=row["day"],
        days=row["days"],
        at=row["at"],
        fold=row["fold"],
        starts_utc=row["starts_utc"],
        start_on=row["start_on"],
        end_on=row["end_on"],
        agreement_id=row["agreement_id"],
        agreement=row["agreement_title"],
        stop_id=row["stop_id"],
        stop=row["stop_label"],
        series=row["series"],
        purpose=row["purpose"],
        outcome=row["outcome"],
        cancel_reason=row["cancel_reason"],
        sequence=row["sequence"],
        note=row["note"],
        parties=tuple(extra.get("parties", ())),
        fields=tuple(extra.get("fields", ())),
        participants=tuple(extra.get("participants", ())),
    )


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _load(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Exchange]:
    """Rows with their organisations, fields and participants, fetched in batches."""
    extra: dict[int, dict[str, list[Any]]] = {r["id"]: {} for r in rows}
    role_order = {"guest": 0, "host": 1, "participant": 2}
    for chunk in _chunks([r["id"] for r in rows]):
        marks = ", ".join("?" for _ in chunk)
        parties = conn.execute(
            "SELECT x.exchange_id, x.org_id, x.role, coalesce(o.short, o.name) AS label"
            f" FROM exchange_orgs x JOIN orgs o ON o.id = x.org_id WHERE x.exchange_id IN ({marks})"
            " ORDER BY x.exchange_id, o.name_key",
            list(chunk),
        )
        for p in parties:
            extra[p["exchange_id"]].setdefault("parties", []).append(
                ExchangeParty(p["org_id"], p["label"], p["role"])
            )
        for exchange_id, field in conn.execute(
            f"SELECT exchange_id, field FROM exchange_fields WHERE exchange_id IN ({marks})"
            " ORDER BY exchange_id, field",
            list(chunk),
        ):
            extra[exchange_id].setdefault("fields", []).append(field)
        for exchange_id, name in conn.execute(
            "SELECT p.exchange_id, CASE WHEN c.title IS NULL THEN c.name"
            " ELSE c.title || ' ' || c.name END"
            " FROM exchange_participants p JOIN contacts c ON c.id = p.contact_id"
            f" WHERE p.exchange_id IN ({marks}) ORDER BY p.exchange_id, c.name_key",
            list(chunk),
        ):
            extra[exchange_id].setdefault("participants", []).append(name)
    for value in extra.values():
        value.get("parties", []).sort(key=lambda p: role_order[p.role])
    return [_row_to_exchange(r, extra[r["id"]]) for r in rows]


def get_exchange(conn: sqlite3.Connection, exchange_id: int) -> Exchange:
    row = conn.execute(_SELECT + " WHERE e.id = ?", (exchange_id,)).fetchone()
    return _load(conn, [row])[0]


def exchanges_by_id(conn: sqlite3.Connection, exchange_ids: Iterable[int]) -> dict[int, Exchange]:
    """Many exchanges at once, loaded in batches (a report's next exchange per agreement)."""
    ids = sorted(set(exchange_ids))
    rows: list[sqlite3.Row] = []
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        rows += conn.execute(_SELECT + f" WHERE e.id IN ({marks})", list(chunk)).fetchall()
    return {e.id: e for e in _load(conn, rows)}


def find_exchange(conn: sqlite3.Connection, ref: str) -> Exchange:
    return get_exchange(conn, resolve(conn, EXCHANGE, ref)["id"])


def exchanges_at_stops(conn: sqlite3.Connection, stop_ids: Sequence[int]) -> list[Exchange]:
    rows: list[sqlite3.Row] = []
    for chunk in _chunks(list(stop_ids)):
        marks = ", ".join("?" for _ in chunk)
        rows += conn.execute(
            _SELECT + f" WHERE e.stop_id IN ({marks}) ORDER BY e.start_on, e.starts_utc, e.id",
            list(chunk),
        ).fetchall()
    return _load(conn, rows)


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    wanted = value.strip().casefold()
    if wanted not in allowed:
        raise InvalidInput(f"unknown {what} {short_repr(value)}: use one of {', '.join(allowed)}")
    return wanted


AGENDA_DAYS = 90


def julian_day(day: date) -> int:
    """The day as exchange_spans stores it: CAST(julianday('YYYY-MM-DD') AS INTEGER)."""
    return day.toordinal() + 1_721_424


def agenda_range(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The agenda's days: --from (default today) to --to (default 90 days after --from)."""
    first = parse_date(start, today) if start else today
    last = parse_date(end, today) if end else first + timedelta(days=AGENDA_DAYS)
    return first, last


def agenda(
    conn: sqlite3.Connection,
    start: date,
    end: date,
    *,
    org: str | None = None,
    agreement: str | None = None,
    type_filter: str | None = None,
    status: str | None = None,
) -> list[Exchange]:
    """Exchanges whose days or window overlap start..end, in date order."""
    if end < start:
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    # The R*Tree of exchange spans (m003) finds what overlaps in logarithmic time however
    # long the history; the comparisons on the ISO dates and the status (kept out of any
    # index with '+': by status SQLite would walk every done exchange ever) only confirm
    # what it found.
    where = [
        "e.id IN (SELECT id FROM exchange_spans WHERE first_day <= ? AND last_day >= ?)",
        "+e.start_on <= ?",
        "+e.end_on >= ?",
    ]
    params: list[Any] = [julian_day(end), julian_day(start), end.isoformat(), start.isoformat()]
    if org:
        where.append("e.id IN (SELECT exchange_id FROM exchange_orgs WHERE org_id = ?)")
        params.append(find_org(conn, org).id)
    if agreement:
        where.append("e.agreement_id = ?")
        params.append(resolve(conn, AGREEMENT, agreement)["id"])
    if type_filter:
        where.append("e.type = ?")
        params.append(_choice(type_filter, EXCHANGE_TYPES, "type"))
    if status:
        where.append("+e.status = ?")
        params.append(_choice(status, EXCHANGE_STATUSES, "status"))
    rows = conn.execute(
        _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY e.start_on, e.starts_utc, e.id",
        params,
    ).fetchall()
    return _load(conn, rows)


# ------------------------------------------------------------ presentation


def when_text(ex: Exchange) -> str:
    """The exchange's date: a window as a range while planned, else its fixed day(s)."""
    if ex.day is None and ex.window_start and ex.window_end:
        w = Window(date.fromisoformat(ex.window_start), date.fromisoformat(ex.window_end))
        return format_window(w)
    return format_days(date.fromisoformat(ex.start_on), date.fromisoformat(ex.end_on))


def start_instant(ex: Exchange) -> datetime | None:
    if not ex.starts_utc or not ex.tz:
        return None
    return convert(datetime.fromisoformat(ex.starts_utc), ex.tz)


def local_time(ex: Exchange) -> str | None:
    """The start time at the place: '10:00 JST'."""
    instant = start_instant(ex)
    return format_instant(instant) if instant else None


def user_time(ex: Exchange, zone: str) -> str | None:
    """The start time in the user's zone, when that zone differs from the place's.

    The date is added when it differs from the local date (a morning in Kobe can be the
    evening before in Hamburg).
    """
    instant = start_instant(ex)
    if instant is None or parse_zone(zone).key == ex.tz:
        return None
    mine = convert(instant, zone)
    return format_instant(mine, with_date=mine.date() != instant.date())


def parties_text(ex: Exchange) -> str:
    if ex.type == "visit":
        return f"{' + '.join(ex.labels('guest'))} → {', '.join(ex.labels('host'))}"
    return ", ".join(ex.labels("participant"))


def exchange_json(ex: Exchange, zone: str) -> dict[str, Any]:
    instant = start_instant(ex)
    return {
        "id": ex.id,
        "uuid": ex.uuid,
        "type": ex.type,
        "title": ex.title,
        "status": ex.status,
        "when": when_text(ex),
        "start_on": ex.start_on,
        "end_on": ex.end_on,
        "window": ({"start": ex.window_start, "end": ex.window_end} if ex.window_start else None),
        "decide_by": ex.decide_by,
        "day": ex.day,
        "days": ex.days,
        "at": ex.at,
        "tz": ex.tz,
        "fold": ex.fold,
        "starts_utc": ex.starts_utc,
        "starts_local": instant.isoformat() if instant else None,
        "starts_user": convert(instant, zone).isoformat() if instant else None,
        "user_tz": zone,
        "place": ex.place,
        "online": ex.online,
        "guests": ex.labels("guest"),
        "host": next(iter(ex.labels("host")), None),
        "participants_orgs": ex.labels("participant"),
        "participants": list(ex.participants),
        "fields": list(ex.fields),
        "agreement_id": ex.agreement_id,
        "agreement": ex.agreement,
        "stop_id": ex.stop_id,
        "stop": ex.stop,
        "series": ex.series,
        "purpose": ex.purpose,
        "outcome": ex.outcome,
        "cancel_reason": ex.cancel_reason,
        "sequence": ex.sequence,
        "note": ex.note,
    }


# --------------------------------------------------------------- validating


def _dates(
    when: When,
    today: date,
    zone: str | None,
    *,
    need_window_or_day: bool = True,
    current_days: int = 1,
) -> Dates:
    """Check the date options together and turn them into one occurrence's dates."""
    if when.on is not None and when.window is not None:
        raise InvalidInput("give either --on DATE or --window WINDOW, not both")
    if when.on is None and when.window is None and need_window_or_day:
        raise InvalidInput("give the day (--on DATE) or a window (--window WINDOW such as 2016-10)")
    if when.days is not None and not 1 <= when.days <= MAX_DAYS:
        raise InvalidInput(f"--days {when.days} is not allowed: use 1..{MAX_DAYS}")
    if when.window is not None:
        for flag, value in (("--at", when.at), ("--days", when.days), ("--fold", when.fold)):
            if value is not None:
                raise InvalidInput(f"{flag} goes with a fixed day (--on), not with --window")
        window = parse_window(when.window, today)
        _check_window_length(window, when.window)
        decide_by = parse_date(when.decide_by, today) if when.decide_by else None
        if decide_by is not None and decide_by > window.end:
            raise InvalidInput(
                f"--decide-by {decide_by.isoformat()} is after the window "
                f"{format_window(window)} ends"
            )
        return Dates(window, decide_by, None, 1, None, None, None)
    if when.decide_by is not None:
        raise InvalidInput("--decide-by goes with a --window, not with a fixed day")
    assert when.on is not None
    day = parse_date(when.on, today)
    return fixed(day, when.days or current_days, when.at, when.fold, zone)


def _check_window_length(window: Window, given: str) -> None:
    if window.days > MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"window {short_repr(given.strip())} spans {window.days} days: a window may span "
            f"at most {MAX_WINDOW_DAYS} days (two years); plan one per year with --yearly"
        )


def fixed(day: date, days: int, at: str | None, fold: int | None, zone: str | None) -> Dates:
    """A fixed day with an optional local time, checked against the zone's clock changes."""
    if fold is not None and at is None:
        raise InvalidInput("--fold goes with a time (--at HH:MM)")
    if at is None:
        return Dates(None, None, day, days, None, None, None)
    clock: time = parse_time(at)
    if zone is None:
        raise InvalidInput(
            f"--at {clock.strftime('%H:%M')} needs a time zone: give --tz (e.g. Asia/Tokyo) "
            "or set the organisation's zone with rit edit-org --tz"
        )
    instant = localize(day, clock, zone, fold)
    starts = instant.astimezone(UTC).isoformat(timespec="minutes")
    return Dates(None, None, day, days, clock.strftime("%H:%M"), fold, starts)


def _orgs(conn: sqlite3.Connection, data: ExchangeInput) -> list[tuple[Org, str]]:
    """(organisation, role) for every party, in the order given; no organisation twice."""
    if data.type == "visit":
        if not data.guests:
            raise InvalidInput("a visit needs the guests: --from ORG (repeat for several)")
        if not data.host:
            raise InvalidInput("a visit needs the host: --to ORG")
        host = find_org(conn, data.host)
        parties = [(find_org(conn, g), "guest") for g in data.guests]
        for org, _ in parties:
            if org.id == host.id:
                raise InvalidInput(
                    f"{short_repr(org.label)} cannot visit itself: --from and --to must differ"
                )
        parties.append((host, "host"))
    else:
        if not data.orgs:
            raise InvalidInput("a meeting needs at least one organisation: --org ORG")
        parties = [(find_org(conn, o), "participant") for o in data.orgs]
    seen: set[int] = set()
    unique = []
    for org, role in parties:
        if org.id not in seen:
            seen.add(org.id)
            unique.append((org, role))
    return unique


def fit_rule(exchange_type: str) -> str:
    """Which agreements fit an exchange, in words (for messages)."""
    if exchange_type == "visit":
        return "the host and a guest as parties"
    return "two of the organisations as parties"


def _misfit(parties: list[tuple[Org, str]], have: frozenset[int]) -> str | None:
    """What keeps an agreement with the parties HAVE from fitting the exchange, or None.

    A visit fits when its host and at least one guest are parties (other guests may come
    along); a meeting when at least two of its organisations are parties.
    """
    guests = [o for o, role in parties if role == "guest"]
    host = next((o for o, role in parties if role == "host"), None)
    if host is not None:
        missing = []
        if host.id not in have:
            missing.append(f"the host {short_repr(host.label)}")
        if not any(g.id in have for g in guests):
            names = ", ".join(short_repr(g.label) for g in guests)
            missing.append(f"a guest ({names})" if len(guests) > 1 else f"the guest {names}")
        return " or ".join(missing) + " as a party" if missing else None
    orgs = [o for o, _ in parties]
    among = [o for o in orgs if o.id in have]
    if len(among) >= 2:
        return None
    found = f"only {short_repr(among[0].label)}" if among else "none of them"
    return f"two of the organisations as parties ({found})"


def _agreement(
    conn: sqlite3.Connection,
    ref: str | None,
    exchange_type: str,
    parties: list[tuple[Org, str]],
    on: date,
) -> tuple[sqlite3.Row | None, bool]:
    """The agreement to link: the one given (it must fit), or the only one in force that fits.

    See _misfit for when an agreement fits. Several fitting ones: --agreement is required.
    """
    from .agreements import agreements_in_force_with_any, parties_of

    if ref is not None:
        row = resolve(conn, AGREEMENT, ref)
        missing = _misfit(parties, parties_of(conn, row["id"]))
        if missing:
            raise InvalidInput(
                f"agreement {short_repr(row['title'])} does not have {missing}: "
                f"a {exchange_type} needs an agreement with {fit_rule(exchange_type)}"
            )
        return row, False
    candidates = agreements_in_force_with_any(conn, [o.id for o, _ in parties], on)
    found = [row for row, have in candidates if _misfit(parties, have) is None]
    if len(found) > 1:
        listed = ", ".join(f"#{r['id']} {short_repr(r['title'])}" for r in found[:6])
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        raise Ambiguous(
            f"several agreements in force on {on.isoformat()} fit ({listed}{more}): "
            "choose one with --agreement"
        )
    return (found[0], True) if found else (None, False)


def _stop_for(conn: sqlite3.Connection, trip_id: int, span: Window) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM trip_stops WHERE trip_id = ? AND start_on <= ? AND end_on >= ?"
        " ORDER BY start_on LIMIT 1",
        (trip_id, span.start.isoformat(), span.end.isoformat()),
    ).fetchone()


def _stop(
    conn: sqlite3.Connection,
    trip_ref: str,
    span: Window,
    place: str | None,
    host: Org | None,
    orgs: list[Org],
    online: bool,
) -> int:
    """The trip's stop the exchange belongs to: the one covering its days, in its place
    (the city, compared case-insensitively) or at its host (a meeting: one of its orgs).
    An online meeting belongs to the stop the delegation is at."""
    trip = resolve(conn, TRIP, trip_ref)
    stop = _stop_for(conn, trip["id"], span)
    if stop is None:
        stops = conn.execute(
            "SELECT city, start_on, end_on FROM trip_stops WHERE trip_id = ? ORDER BY start_on",
            (trip["id"],),
        ).fetchall()
        listed = ", ".join(f"{s['city']} {s['start_on']}..{s['end_on']}" for s in stops)
        raise InvalidInput(
            f"{format_window(span)} lies within no stop of trip {short_repr(trip['title'])}"
            f" (stops: {listed or 'none yet; add them with rit add-stop'})"
        )
    ours = {host.id} if host is not None else {o.id for o in orgs}
    if online or stop["org_id"] in ours or (place is not None and key(stop["city"]) == key(place)):
        return int(stop["id"])
    org = conn.execute("SELECT coalesce(short, name) FROM orgs WHERE id = ?", (stop["org_id"],))
    at = org.fetchone() if stop["org_id"] is not None else None
    where = f"{stop['city']} ({stop['country']})" + (f" at {short_repr(at[0])}" if at else "")
    where += f" {stop['start_on']}..{stop['end_on']}"
    if host is not None:
        rule = f"a visit belongs to a stop in its place or at its host ({short_repr(host.label)})"
    else:
        rule = "a meeting belongs to a stop in its place or at one of its organisations"
    raise InvalidInput(
        f"on {format_window(span)} trip {short_repr(trip['title'])} is in {where}, not in "
        f"{short_repr(place or '')}: {rule}"
    )


def _occurrences(first: Dates, until: date, zone: str | None) -> list[Dates]:
    """One Dates a year from first up to until: fixed days by yearly_dates, windows by
    yearly_windows (decide-by moved by the same number of years)."""
    from ..dates import yearly_dates, yearly_windows

    if first.day is not None:
        result = []
        for k, day in enumerate(yearly_dates(first.day, until)):
            if k >= MAX_YEARS:
                break
            result.append(fixed(day, first.days, first.at, first.fold, zone))
        return result
    assert first.window is not None
    windows = yearly_windows(first.window, until)[:MAX_YEARS]
    return [
        replace(
            first,
            window=w,
            decide_by=add_years(first.decide_by, k) if first.decide_by else None,
        )
        for k, w in enumerate(windows)
    ]


def _default_zone(host: Org | None, orgs: list[Org], place: str | None) -> str | None:
    """The host's zone; for a meeting, that of an organisation in the place, else the first's."""
    if host is not None:
        return host.tz
    if place:
        for org in orgs:
            if org.city and key(org.city) == key(place) and org.tz:
                return org.tz
    return orgs[0].tz


def _default_title(parties: list[tuple[Org, str]], dates: Dates) -> str:
    guests = " + ".join(o.label for o, role in parties if role == "guest")
    host = next(o.label for o, role in parties if role == "host")
    period = format_window(dates.window) if dates.window else dates.span.start.isoformat()
    return f"{guests} → {host} visit {period}"


def _date_values(dates: Dates) -> dict[str, Any]:
    span = dates.span
    values: dict[str, Any] = {
        "day": dates.day.isoformat() if dates.day else None,
        "days": dates.days,
        "at": dates.at,
        "fold": dates.fold,
        "starts_utc": dates.starts_utc,
        "start_on": span.start.isoformat(),
        "end_on": span.end.isoformat(),
        "status": "scheduled" if dates.day else "planned",
    }
    if dates.window is not None:
        values["window_start"] = dates.window.start.isoformat()
        values["window_end"] = dates.window.end.isoformat()
        values["decide_by"] = dates.decide_by.isoformat() if dates.decide_by else None
    return values


# ------------------------------------------------------------------ writing


def add_exchange(conn: sqlite3.Connection, data: ExchangeInput, today: date) -> Added:
    """Schedule a visit or add a meeting (one, or one a year with yearly)."""
    if data.type not in EXCHANGE_TYPES:
        raise InvalidInput(f"unknown type {short_repr(data.type)}")
    if data.until is not None and not data.yearly:
        raise InvalidInput("--until goes with --yearly")
    if data.place is not None and data.online:
        raise InvalidInput("give either --place or --online, not both")
    if data.yearly and data.trip:
        raise InvalidInput("a trip happens once: --trip cannot be combined with --yearly")
    parties = _orgs(conn, data)
    orgs = [o for o, _ in parties]
    host = next((o for o, role in parties if role == "host"), None)
    title = None
    if data.title is not None:
        title = clean(data.title, "title")
    elif data.type == "meeting":
        raise InvalidInput("a meeting needs a title")
    place = clean(data.place, "place", required=False) if data.place is not None else None
    zone = parse_zone(data.tz).key if data.tz else _default_zone(host, orgs, place)
    if place is None and not data.online and host is not None:
        place = host.city
    first = _dates(data.when, today, zone)
    agreement, automatic = _agreement(conn, data.agreement, data.type, parties, first.span.start)
    occurrences = [first]
    if data.yearly:
        if data.until is not None:
            until = parse_until(data.until, today)
        elif agreement is not None and agreement["valid_until"]:
            until = date.fromisoformat(agreement["valid_until"])
        else:
            raise InvalidInput(
                "--yearly needs --until DATE|YEAR, or a linked agreement with an end date"
            )
        occurrences = _occurrences(first, until, zone)
        if not occurrences:
            raise InvalidInput(
                f"--until {until.isoformat()} is before the first occurrence "
                f"{first.span.start.isoformat()}"
            )
    stop_id = (
        _stop(conn, data.trip, first.span, place, host, orgs, data.online) if data.trip else None
    )
    fields = sorted({tag(f, "field of action") for f in data.fields})
    contacts = list(dict.fromkeys(find_contact(conn, c).id for c in data.participants))
    common: dict[str, Any] = {
        "type": data.type,
        "host_id": host.id if host else None,
        "place": place,
        "online": 1 if data.online else 0,
        "tz": zone,
        "agreement_id": agreement["id"] if agreement else None,
        "stop_id": stop_id,
        "series": new_uuid() if data.yearly else None,
        "purpose": clean(data.purpose, "purpose", limit=MAX_TEXT, required=False)
        if data.purpose is not None
        else None,
        "note": clean(data.note, "note", limit=MAX_TEXT, required=False)
        if data.note is not None
        else None,
        "sequence": 0,
    }
    created = []
    for dates in occurrences:
        if title is None:
            name = _default_title(parties, dates)
        elif data.yearly:
            name = f"{title} {dates.span.start.year}"
        else:
            name = title
        values = {"title": name, "title_key": key(name), **_date_values(dates), **common}
        exchange_id = insert(conn, "exchanges", values)
        _link(conn, exchange_id, parties, fields, contacts)
        created.append(exchange_id)
    return Added(
        [get_exchange(conn, i) for i in created],
        agreement["title"] if agreement else None,
        automatic,
    )


def _link(
    conn: sqlite3.Connection,
    exchange_id: int,
    parties: list[tuple[Org, str]],
    fields: list[str],
    contacts: list[int],
) -> None:
    conn.executemany(
        "INSERT INTO exchange_orgs (exchange_id, org_id, role) VALUES (?, ?, ?)",
        [(exchange_id, org.id, role) for org, role in parties],
    )
    set_links(conn, "exchange_fields", "exchange_id", exchange_id, "field", fields)
    set_links(conn, "exchange_participants", "exchange_id", exchange_id, "contact_id", contacts)
    uuid = conn.execute("SELECT uuid FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()[0]
    changes: dict[str, tuple[Any, Any]] = {
        "orgs": (None, "; ".join(f"{role} {org.label}" for org, role in parties))
    }
    if fields:
        changes["fields"] = (None, ", ".join(fields))
    if contacts:
        changes["participants"] = (None, ", ".join(f"#{c}" for c in contacts))
    record_history(conn, "exchanges", exchange_id, uuid, "create", changes)


def _open_exchange(conn: sqlite3.Connection, ref: str, action: str) -> Exchange:
    ex = find_exchange(conn, ref)
    if ex.status in ("done", "cancelled"):
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is {ex.status}: it cannot be {action}"
        )
    return ex


def _change(conn: sqlite3.Connection, ex: Exchange, values: dict[str, Any]) -> Exchange:
    """Write a change; every change raises the sequence (calendar exports rely on it)."""
    if ex.stop_id is not None and "start_on" in values:
        span = Window(date.fromisoformat(values["start_on"]), date.fromisoformat(values["end_on"]))
        stop = conn.execute("SELECT * FROM trip_stops WHERE id = ?", (ex.stop_id,)).fetchone()
        if not (stop["start_on"] <= values["start_on"] and values["end_on"] <= stop["end_on"]):
            raise InvalidInput(
                f"{format_window(span)} is outside the trip stop {stop['city']} "
                f"{stop['start_on']}..{stop['end_on']} this visit belongs to"
            )
    title = _moved_title(ex, values)
    if title is not None:
        values = {**values, "title": title, "title_key": key(title)}
    update(conn, "exchanges", ex.id, {"sequence": ex.sequence + 1, **values})
    return get_exchange(conn, ex.id)


def _period(day: str | None, window_start: str | None, window_end: str | None) -> str | None:
    """The date part of a default visit title: the fixed first day, else the window."""
    if day is not None:
        return day
    if window_start and window_end:
        return format_window(
            Window(date.fromisoformat(window_start), date.fromisoformat(window_end))
        )
    return None


def _moved_title(ex: Exchange, values: dict[str, Any]) -> str | None:
    """The visit's new title when its dates change and it still has the default title
    ('LSN → FBRI visit 2016-10'): the same with the new date. None to keep the title."""
    if ex.type != "visit" or not ({"day", "window_start", "window_end"} & values.keys()):
        return None
    old = _period(ex.day, ex.window_start, ex.window_end)
    new = _period(
        values.get("day", ex.day),
        values.get("window_start", ex.window_start),
        values.get("window_end", ex.window_end),
    )
    hosts = ex.labels("host")
    if old is None or new is None or old == new or len(hosts) != 1:
        return None
    tail = f" → {hosts[0]} visit {old}"
    if not ex.title.endswith(tail):
        return None
    # The guests as the default joined them, in the order they were given.
    guests = ex.title[: -len(tail)]
    if sorted(guests.split(" + ")) != sorted(ex.labels("guest")):
        return None
    return f"{guests} → {hosts[0]} visit {new}"


def _window(ex: Exchange) -> Window | None:
    if ex.window_start and ex.window_end:
        return Window(date.fromisoformat(ex.window_start), date.fromisoformat(ex.window_end))
    return None


def fix_date(
    conn: sqlite3.Connection,
    ref: str,
    when: When,
    today: date,
    force: bool = False,
) -> tuple[Exchange, Window | None]:
    """Narrow a planned exchange's window to a day; with force, widen the window to fit.

    Returns the exchange and, if the window had to be widened, the new window.
    """
    ex = _open_exchange(conn, ref, "fixed to a day")
    if ex.status == "scheduled":
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is already fixed to {when_text(ex)}: "
            "use rit reschedule to move it"
        )
    if when.on is None:
        raise InvalidInput("give the day: --on DATE")
    dates = _dates(When(when.on, when.at, when.days, when.fold), today, ex.tz)
    window = _window(ex)
    assert window is not None
    span = dates.span
    widened = None
    values = _date_values(dates)
    if not (window.contains(span.start) and window.contains(span.end)):
        if not force:
            raise InvalidInput(
                f"{format_days(span.start, span.end)} is outside the window "
                f"{format_window(window)}: choose a day inside it, or add --force to widen it"
            )
        widened = Window(min(window.start, span.start), max(window.end, span.end))
        _check_window_length(widened, format_window(widened))
        values["window_start"] = widened.start.isoformat()
        values["window_end"] = widened.end.isoformat()
    return _change(conn, ex, values), widened


def narrow(
    conn: sqlite3.Connection, ref: str, window_text: str, today: date, decide_by: str | None = None
) -> Exchange:
    """Narrow a planned exchange's window to a smaller one inside it."""
    ex = _open_exchange(conn, ref, "narrowed")
    if ex.status == "scheduled":
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is already fixed to {when_text(ex)}: "
            "use rit reschedule --window to plan it anew"
        )
    current = _window(ex)
    assert current is not None
    new = parse_window(window_text, today)
    if not (current.contains(new.start) and current.contains(new.end)):
        raise InvalidInput(
            f"window {short_repr(window_text.strip())} is not inside the current window "
            f"{format_window(current)}: narrowing only makes it smaller "
            "(use rit reschedule --window to move it)"
        )
    dates = _dates(When(window=window_text, decide_by=decide_by or ex.decide_by), today, ex.tz)
    return _change(conn, ex, _date_values(dates))


def reschedule(conn: sqlite3.Connection, ref: str, when: When, today: date) -> Exchange:
    """Move an exchange to another day or time, or back to a window."""
    ex = _open_exchange(conn, ref, "rescheduled")
    if when.on is None and when.window is None:
        if when.at is None and when.days is None:
            raise InvalidInput("give the new day (--on), time (--at), --days or --window")
        if ex.day is None:
            raise InvalidInput(
                f"exchange #{ex.id} {short_repr(ex.title)} has no day yet: give --on DATE"
            )
        when = replace(when, on=ex.day, at=when.at if when.at is not None else ex.at)
    elif when.on is not None and ex.status == "planned":
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is still planned ({when_text(ex)}): "
            "fix its day with rit fix-date"
        )
    elif when.on is not None and when.at is None:
        when = replace(when, at=ex.at)  # a new day keeps the time it had
    dates = _dates(when, today, ex.tz, current_days=ex.days)
    values = _date_values(dates)
    if dates.window is None:
        values.pop("decide_by", None)
    return _change(conn, ex, values)


def mark_done(conn: sqlite3.Connection, ref: str, outcome: str | None, today: date) -> Exchange:
    ex = _open_exchange(conn, ref, "marked done")
    if ex.day is None:
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} has no day yet ({when_text(ex)}): "
            "fix it first with rit fix-date"
        )
    if ex.start_on > today.isoformat():
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} starts on {ex.start_on}, after today "
            f"({today.isoformat()}): it cannot be done yet"
        )
    values: dict[str, Any] = {"status": "done"}
    if outcome is not None:
        values["outcome"] = clean(outcome, "outcome", limit=MAX_TEXT, required=False)
    return _change(conn, ex, values)


def cancel(conn: sqlite3.Connection, ref: str, reason: str | None) -> Exchange:
    ex = _open_exchange(conn, ref, "cancelled")
    values: dict[str, Any] = {"status": "cancelled"}
    if reason is not None:
        values["cancel_reason"] = clean(reason, "reason", limit=MAX_TEXT, required=False)
    return _change(conn, ex, values)


# ------------------------------------------------------------ date history


_DATE_FIELDS = ("status", "window_start", "window_end", "decide_by", "day", "days", "at", "tz")


def date_history(conn: sqlite3.Connection, ex: Exchange) -> list[dict[str, Any]]:
    """How the date was narrowed down: the state after creation and after each change."""
    state: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    rows = conn.execute(
        "SELECT at, action, field, new FROM history"
        " WHERE table_name = 'exchanges' AND record_id = ? ORDER BY id",
        (ex.id,),
    ).fetchall()
    groups: list[tuple[str, list[sqlite3.Row]]] = []
    for row in rows:
        # Each change begins with its sequence row (see _change), so it starts a group.
        if not groups or (row["action"] == "update" and row["field"] == "sequence"):
            groups.append((row["at"], []))
        groups[-1][1].append(row)
    for at, group in groups:
        touched = False
        for row in group:
            if row["field"] in _DATE_FIELDS:
                state[row["field"]] = row["new"]
                touched = True
            if row["field"] == "sequence":
                state["sequence"] = row["new"]
        if touched or not steps:
            steps.append(
                {"at": at, "sequence": int(state.get("sequence") or 0), **_describe(state)}
            )
    return steps


def _describe(state: dict[str, Any]) -> dict[str, Any]:
    status = state.get("status")
    if state.get("day"):
        first = date.fromisoformat(state["day"])
        days = int(state.get("days") or 1)
        when = format_days(first, first + timedelta(days=days - 1))
        if state.get("at"):
            when += f" {state['at']} ({state.get('tz')})"
    elif state.get("window_start") and state.get("window_end"):
        when = format_window(
            Window(
                date.fromisoformat(state["window_start"]), date.fromisoformat(state["window_end"])
            )
        )
        if state.get("decide_by"):
            when += f", decide by {state['decide_by']}"
    else:
        when = ""
    return {"status": status, "when": when}


def series_of(conn: sqlite3.Connection, ex: Exchange) -> list[tuple[int, str, str]]:
    """(id, start_on, status) of every exchange in the same yearly plan."""
    if not ex.series:
        return []
    return [
        (r[0], r[1], r[2])
        for r in conn.execute(
            "SELECT id, start_on, status FROM exchanges WHERE series = ? ORDER BY start_on",
            (ex.series,),
        )
    ]
