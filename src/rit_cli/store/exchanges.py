"""Exchanges as commands read them: loading, the agenda, and how dates are shown.

One record type for visits and meetings: a visit has guests travelling to a host, a meeting
has participating organisations. ``start_on``/``end_on`` always hold the span every date
query uses: the window while the exchange is planned, its fixed days once scheduled.
Creating and changing exchanges is in store/scheduling.py, so that reading commands such as
`rit agenda` do not load the validation behind them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..dates import (
    Window,
    convert,
    format_days,
    format_instant,
    format_span,
    format_window,
    parse_date,
    parse_zone,
    same_clock,
    start_at_place,
)
from ..errors import InvalidInput, RitError
from ..models.exchanges import (
    EXCHANGE_STATUSES,
    EXCHANGE_TYPES,
    Exchange,
    ExchangeLine,
    ExchangeParty,
)
from ..text import short_repr
from . import RefSpec, batches, resolve

EXCHANGE = RefSpec("exchanges", "exchange", "title", ("title_key",))
AGREEMENT = RefSpec("agreements", "agreement", "title", ("title_key",))
TRIP = RefSpec("trips", "trip", "title", ("title_key",))


# The columns in the order of Exchange's fields, so that a row becomes a record by position
# (sqlite3.Row looks a name up by comparing it with every column name in turn).
_SELECT = """
    SELECT e.id, e.uuid, e.type, e.title, e.status, e.host_id, e.place, e.online, e.tz,
           e.window_start, e.window_end, e.decide_by, e.day, e.days, e.at, e.fold,
           e.starts_utc, e.start_on, e.end_on, e.agreement_id, a.title AS agreement_title,
           e.stop_id,
           CASE WHEN s.id IS NULL THEN NULL
                ELSE t.title || ': ' || s.city || ' ' || s.start_on || '..' || s.end_on END
           AS stop_label,
           e.series, e.purpose, e.outcome, e.cancel_reason, e.sequence, e.note
    FROM exchanges e
    LEFT JOIN agreements a ON a.id = e.agreement_id
    LEFT JOIN trip_stops s ON s.id = e.stop_id
    LEFT JOIN trips t ON t.id = s.trip_id
"""
_ONLINE = 7  # stored as 0/1


# ------------------------------------------------------------------ reading


def _row_to_exchange(row: Sequence[Any], extra: dict[str, Any]) -> Exchange:
    """A row of _SELECT, with its parties, fields and participants."""
    values = list(row)
    values[_ONLINE] = bool(values[_ONLINE])
    values += (
        tuple(extra.get("parties", ())),
        tuple(extra.get("fields", ())),
        tuple(extra.get("participants", ())),
    )
    return Exchange(*values)


# Exchanges as listings show them: by first day, then start time, then as entered.
IN_DATE_ORDER = " ORDER BY e.start_on, e.starts_utc, e.id"


def _parties(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[ExchangeParty]]:
    """The organisations of each exchange: guests, host, then participants, each by name."""
    parties: dict[int, list[ExchangeParty]] = {}
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: no sqlite3.Row for every party
    for chunk, marks in batches(ids):
        for exchange_id, org_id, label, role in cursor.execute(
            "SELECT x.exchange_id, x.org_id, coalesce(o.short, o.name), x.role"
            f" FROM exchange_orgs x JOIN orgs o ON o.id = x.org_id WHERE x.exchange_id IN ({marks})"
            " ORDER BY x.exchange_id,"
            " CASE x.role WHEN 'guest' THEN 0 WHEN 'host' THEN 1 ELSE 2 END, o.name_key",
            chunk,
        ):
            parties.setdefault(exchange_id, []).append(ExchangeParty(org_id, label, role))
    return parties


def _load(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Exchange]:
    """Rows with their organisations, fields and participants, fetched in batches."""
    ids = [r[0] for r in rows]
    extra: dict[int, dict[str, list[Any]]] = {i: {} for i in ids}
    for exchange_id, found in _parties(conn, ids).items():
        extra[exchange_id]["parties"] = found
    for chunk, marks in batches(ids):
        for exchange_id, field in conn.execute(
            f"SELECT exchange_id, field FROM exchange_fields WHERE exchange_id IN ({marks})"
            " ORDER BY exchange_id, field",
            chunk,
        ):
            extra[exchange_id].setdefault("fields", []).append(field)
        for exchange_id, name in conn.execute(
            "SELECT p.exchange_id, CASE WHEN c.title IS NULL THEN c.name"
            " ELSE c.title || ' ' || c.name END"
            " FROM exchange_participants p JOIN contacts c ON c.id = p.contact_id"
            f" WHERE p.exchange_id IN ({marks}) ORDER BY p.exchange_id, c.name_key",
            chunk,
        ):
            extra[exchange_id].setdefault("participants", []).append(name)
    return [_row_to_exchange(r, extra[r[0]]) for r in rows]


def get_exchange(conn: sqlite3.Connection, exchange_id: int) -> Exchange:
    row = conn.execute(_SELECT + " WHERE e.id = ?", (exchange_id,)).fetchone()
    return _load(conn, [row])[0]


def exchanges_by_id(conn: sqlite3.Connection, exchange_ids: Iterable[int]) -> dict[int, Exchange]:
    """Many exchanges at once, loaded in batches (a report's next exchange per agreement)."""
    ids = sorted(set(exchange_ids))
    rows: list[sqlite3.Row] = []
    for chunk, marks in batches(ids):
        rows += conn.execute(_SELECT + f" WHERE e.id IN ({marks})", chunk).fetchall()
    return {e.id: e for e in _load(conn, rows)}


def find_exchange(conn: sqlite3.Connection, ref: str) -> Exchange:
    return get_exchange(conn, resolve(conn, EXCHANGE, ref)["id"])


def exchanges_at_stops(conn: sqlite3.Connection, stop_ids: Sequence[int]) -> list[Exchange]:
    rows: list[sqlite3.Row] = []
    for chunk, marks in batches(stop_ids):
        rows += conn.execute(
            _SELECT + f" WHERE e.stop_id IN ({marks})" + IN_DATE_ORDER,
            chunk,
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
    first = parse_date(start, today) if start is not None else today
    last = parse_date(end, today) if end is not None else first + timedelta(days=AGENDA_DAYS)
    return first, last


def _with_org_or_agreement(
    conn: sqlite3.Connection,
    where: list[str],
    params: list[Any],
    org: str | None,
    agreement: str | None,
) -> None:
    """Add the conditions of --org (a party) and --agreement (linked to it)."""
    if org is not None:
        from .orgs import find_org

        where.append("e.id IN (SELECT exchange_id FROM exchange_orgs WHERE org_id = ?)")
        params.append(find_org(conn, org).id)
    if agreement is not None:
        where.append("e.agreement_id = ?")
        params.append(resolve(conn, AGREEMENT, agreement)["id"])


def _agenda_where(
    conn: sqlite3.Connection,
    start: date,
    end: date,
    org: str | None,
    agreement: str | None,
    type_filter: str | None,
    status: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause of exchanges whose days or window overlap start..end."""
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
    _with_org_or_agreement(conn, where, params, org, agreement)
    if type_filter is not None:
        where.append("e.type = ?")
        params.append(_choice(type_filter, EXCHANGE_TYPES, "type"))
    if status is not None:
        where.append("+e.status = ?")
        params.append(_choice(status, EXCHANGE_STATUSES, "status"))
    return " WHERE " + " AND ".join(where) + IN_DATE_ORDER, params


def agenda(
    conn: sqlite3.Connection,
    start: date,
    end: date,
    *,
    org: str | None = None,
    agreement: str | None = None,
    type_filter: str | None = None,
    status: str | None = None,
) -> Iterator[Exchange]:
    """Exchanges whose days or window overlap start..end, in date order, in full.

    Loaded a batch at a time while the connection is open (as agenda_lines): `agenda --json`
    over decades writes as it reads instead of holding every exchange. The references
    (--org, --agreement) are checked before the first is yielded."""
    where, params = _agenda_where(conn, start, end, org, agreement, type_filter, status)
    return _batches_loaded(conn, conn.execute(_SELECT + where, params))


def _batches_loaded(conn: sqlite3.Connection, cursor: sqlite3.Cursor) -> Iterator[Exchange]:
    while rows := cursor.fetchmany(LINES_AT_A_TIME):
        yield from _load(conn, rows)


def held_between(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    *,
    org: str | None = None,
    agreement: str | None = None,
) -> list[Exchange]:
    """Done exchanges that began between first and last, in date order, in full.

    A range of the (status, start_on) index (or of (agreement_id, start_on)): only the
    year's held exchanges are read, not everything that overlaps the year.
    """
    where = ["e.status = 'done'", "e.start_on BETWEEN ? AND ?"]
    params: list[Any] = [first.isoformat(), last.isoformat()]
    _with_org_or_agreement(conn, where, params, org, agreement)
    sql = _SELECT + " WHERE " + " AND ".join(where) + IN_DATE_ORDER
    return _load(conn, conn.execute(sql, params).fetchall())


# The columns of ExchangeLine but its parties, in its order.
_LINE_SELECT = """
    SELECT e.id, e.type, e.title, e.status, e.place, e.online, e.tz, e.window_start,
           e.window_end, e.day, e.at, e.fold, e.start_on, e.end_on, e.starts_utc, e.agreement_id
    FROM exchanges e
"""


def agenda_lines(
    conn: sqlite3.Connection,
    start: date,
    end: date,
    *,
    org: str | None = None,
    agreement: str | None = None,
    type_filter: str | None = None,
    status: str | None = None,
) -> Iterator[ExchangeLine]:
    """The same exchanges as agenda(), as listing lines: the columns a line shows, and the
    parties. Half the columns and two queries fewer per batch, for agendas of hundreds.

    Read a batch at a time while the connection is open, so an agenda of years is printed
    as it is read, not held whole. The references (--org, --agreement) are checked here."""
    where, params = _agenda_where(conn, start, end, org, agreement, type_filter, status)
    cursor = conn.cursor()
    cursor.row_factory = None
    return _lines(conn, cursor.execute(_LINE_SELECT + where, params))


# Rows agenda_lines reads at a time, with one query for their parties.
LINES_AT_A_TIME = 500


def _lines(conn: sqlite3.Connection, cursor: sqlite3.Cursor) -> Iterator[ExchangeLine]:
    while rows := cursor.fetchmany(LINES_AT_A_TIME):
        parties = _parties(conn, [r[0] for r in rows])
        for r in rows:
            yield ExchangeLine._make((*r[:5], bool(r[5]), *r[6:], tuple(parties.get(r[0], ()))))


# ------------------------------------------------------------ presentation

Shown = Exchange | ExchangeLine  # what the presentation functions below take


def when_text(ex: Shown) -> str:
    """The exchange's date: a window as a range while planned, else its fixed day(s)."""
    if ex.day is None and ex.window_start and ex.window_end:
        return format_span(date.fromisoformat(ex.window_start), date.fromisoformat(ex.window_end))
    if ex.start_on == ex.end_on:
        return ex.start_on  # one day: its ISO date as stored
    return format_days(date.fromisoformat(ex.start_on), date.fromisoformat(ex.end_on))


def start_instant(ex: Shown) -> datetime | None:
    """The start at the place: the time given there, also after its zone's rules changed
    (dates.start_at_place); None for an exchange without a time."""
    if not ex.starts_utc or not ex.tz or not ex.at:
        return None
    recorded = datetime.fromisoformat(ex.starts_utc)
    return start_at_place(date.fromisoformat(ex.start_on), ex.at, ex.tz, ex.fold, recorded)


def local_time(ex: Shown) -> str | None:
    """The start time at the place: '10:00 JST'."""
    instant = start_instant(ex)
    return format_instant(instant) if instant else None


def user_time(ex: Shown, zone: str) -> str | None:
    """The start time in the user's zone, when that zone differs from the place's.

    The date is added when it differs from the local date (a morning in Kobe can be the
    evening before in Hamburg).
    """
    instant = start_instant(ex)
    if instant is None or parse_zone(zone).key == ex.tz:
        return None
    mine = convert(instant, zone)
    if same_clock(mine, instant):
        return None  # the same text again
    return format_instant(mine, with_date=mine.date() != instant.date())


def times_text(ex: Shown, zone: str) -> str | None:
    """The local time, then the time in the user's zone in parentheses when it differs:
    '07:00 JST (2016-11-30 23:00 CET)'."""
    local, mine = local_time(ex), user_time(ex, zone)
    return f"{local} ({mine})" if local and mine else local


def parties_text(ex: Shown) -> str:
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
        "starts_utc": instant.astimezone(UTC).isoformat(timespec="minutes") if instant else None,
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


# ------------------------------------------------------------ date history


_DATE_FIELDS = (
    "status",
    "window_start",
    "window_end",
    "decide_by",
    "day",
    "days",
    "at",
    "tz",
    "starts_utc",  # which of a repeated hour (the zone's abbreviation tells them apart)
)


def date_history(conn: sqlite3.Connection, ex: Exchange) -> list[dict[str, Any]]:
    """How the date was narrowed down: the state after creation and after each change."""
    state: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    # By uuid (SQLite may give a removed exchange's id to a new one), in the order of time
    # (a partner's older step brought in by a merge comes before ours), as rit history.
    # Only the rows that begin a change (its sequence row, see _change) or set a date
    # field, and the very first (it begins the first change, and names its time): an
    # exchange whose note was edited 100 000 times took 62 MB to read them all.
    fields = ("sequence", *_DATE_FIELDS)
    rows = conn.execute(
        "SELECT at, action, field, new FROM history WHERE record_uuid = ?"
        f" AND (field IN ({', '.join('?' for _ in fields)}) OR id = (SELECT id FROM history"
        " WHERE record_uuid = ? ORDER BY at, id LIMIT 1)) ORDER BY at, id",
        (ex.uuid, *fields, ex.uuid),
    )

    def close(at: str, touched: bool, was: str | None) -> None:
        """The step a change makes, if any: after it, state holds its dates."""
        if touched or not steps:
            # Open again after done or cancelled: `done --undo` / `cancel --undo` took it back.
            reopened = was in ("done", "cancelled") and state.get("status") in _OPEN
            described = _describe(state)
            if steps and not reopened and described.items() <= steps[-1].items():
                return  # the zone of a new host, for dates without a time: no new date
            steps.append(
                {
                    "at": at,
                    "sequence": int(state.get("sequence") or 0),
                    **described,
                    "taken_back": was if reopened else None,
                }
            )

    # The change being read: when it began, whether it set a date, the status before it.
    change: tuple[str, bool, str | None] | None = None
    for at, action, field, new in rows:
        # Each change begins with its sequence row (see _change), so it starts a group.
        if change is None or (action == "update" and field == "sequence"):
            if change is not None:
                close(*change)
            change = (at, False, state.get("status"))
        if field in _DATE_FIELDS:
            state[field] = new
            change = (change[0], True, change[2])
        if field == "sequence":
            state["sequence"] = new
    if change is not None:
        close(*change)
    return steps


_OPEN = ("planned", "scheduled")


def step_text(step: dict[str, Any]) -> str:
    """A date history step in words: 'scheduled 2016-09-20; cancel taken back'."""
    text = f"{step['status']} {step['when']}".strip()
    if step.get("taken_back"):
        text += f"; {'cancel' if step['taken_back'] == 'cancelled' else 'done'} taken back"
    return text


def _describe(state: dict[str, Any]) -> dict[str, Any]:
    status = state.get("status")
    if state.get("day"):
        first = date.fromisoformat(state["day"])
        days = int(state.get("days") or 1)
        when = format_days(first, first + timedelta(days=days - 1))
        if state.get("at"):
            when += f" {state['at']}{_abbreviation(state)} ({state.get('tz')})"
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


def _abbreviation(state: dict[str, Any]) -> str:
    """' CEST' for a step's time, so the two 02:30s of an autumn night differ; '' if unknown."""
    if not state.get("starts_utc") or not state.get("tz") or not state.get("day"):
        return ""
    try:
        recorded = datetime.fromisoformat(state["starts_utc"])
        day = date.fromisoformat(state["day"])
        return " " + (start_at_place(day, state["at"], state["tz"], None, recorded).tzname() or "")
    except (ValueError, KeyError, RitError):  # an unknown zone in old history: the time alone
        return ""


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
