"""Scheduling visits and meetings: validating dates, windows, times and yearly plans,
linking agreements and trip stops, and each step of an exchange's life (fix-date, narrow,
reschedule, done, cancel, and taking a done or cancel back), and removing one entered by
mistake. Reading them back is in store/exchanges.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from ..dates import (
    Window,
    add_years,
    format_days,
    format_window,
    happens_twice,
    localize,
    parse_date,
    parse_time,
    parse_until,
    parse_window,
    parse_zone,
)
from ..errors import Ambiguous, Conflict, InvalidInput
from ..models.exchanges import CALENDAR_COLUMNS, EXCHANGE_TYPES, Exchange
from ..models.orgs import Org, Removed
from ..text import MAX_TEXT, clean, key, short_repr, tags
from . import (
    SPAN_DAYS,
    delete,
    insert,
    links,
    new_uuid,
    record_history,
    resolve,
    set_links,
    touch,
    update,
)
from .contacts import find_contact
from .exchanges import AGREEMENT, TRIP, find_exchange, get_exchange, when_text
from .orgs import find_org, get_org

if TYPE_CHECKING:
    from ..schedule import AgreementTerms

MAX_DAYS = 60
# A window narrows dates down; one longer than two years is not a window. The bound also
# gives every "what is open around day D" query a lower limit on start_on (store.SPAN_DAYS).
MAX_WINDOW_DAYS = SPAN_DAYS
MAX_YEARS = 50


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
class Link:
    """How some of the exchanges one command created came to be linked, or not.

    how: 'only' (the only fitting agreement in force on their start days), 'chosen' (the
    --agreement given, in force then), 'none' (no fitting agreement in force then) or
    'not-in-force' (the --agreement given is not in force then; term says when it is).
    """

    how: str
    agreement: str | None
    starts: tuple[date, ...]
    term: str | None = None


@dataclass(frozen=True)
class Added:
    """The exchanges one command created, and how each came to be linked to an agreement
    (one Link per agreement and reason, in the order of the first exchange it covers)."""

    exchanges: list[Exchange]
    links: list[Link]


@dataclass(frozen=True)
class Moved:
    """An exchange after fix-date, narrow or reschedule: the window --force widened it to,
    and, when its start day moved out of its agreement's term, how it is linked now."""

    exchange: Exchange
    widened: Window | None = None
    relinked: str | None = None
    unchanged: bool = False


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
        decide_by = parse_date(when.decide_by, today) if when.decide_by is not None else None
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
    # A fold only tells which of a repeated hour: given for a time that happens once (most
    # years of a --yearly plan from a fall-back night) it is taken and not stored.
    kept = fold if happens_twice(instant) else None
    return Dates(None, None, day, days, clock.strftime("%H:%M"), kept, starts)


def missing_parties(
    exchange_type: str, guests: Sequence[object], host: object | None, orgs: Sequence[object]
) -> str | None:
    """Which parties an exchange lacks, or None: a visit needs guests and a host, a
    meeting at least one organisation (import json checks stored exchanges by it too)."""
    if exchange_type == "visit":
        if not guests:
            return "a visit needs the guests: --from ORG (repeat for several)"
        if host is None or host == "":
            return "a visit needs the host: --to ORG"
    elif not orgs:
        return "a meeting needs at least one organisation: --org ORG"
    return None


def _orgs(conn: sqlite3.Connection, data: ExchangeInput) -> list[tuple[Org, str]]:
    """(organisation, role) for every party, in the order given; no organisation twice."""
    missing = missing_parties(data.type, data.guests, data.host, data.orgs)
    if missing is not None:
        raise InvalidInput(missing)
    if data.type == "visit":
        assert data.host is not None
        host = find_org(conn, data.host)
        parties = [(find_org(conn, g), "guest") for g in data.guests]
        for org, _ in parties:
            if org.id == host.id:
                raise InvalidInput(
                    f"{short_repr(org.label)} cannot visit itself: --from and --to must differ"
                )
        parties.append((host, "host"))
    else:
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


def format_years(years: list[int]) -> str:
    """Years in order, runs of consecutive years joined: ``2016–2017, 2019``."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _terms(row: sqlite3.Row) -> AgreementTerms:
    """What decides on which days an agreement row is in force (schedule.in_force_span)."""
    from ..schedule import AgreementTerms

    def day(column: str) -> date | None:
        return date.fromisoformat(row[column]) if row[column] else None

    return AgreementTerms(
        (), day("signed_on"), day("valid_from"), day("valid_until"), day("terminated_on")
    )


def _term_text(row: sqlite3.Row) -> str:
    """When an agreement is in force, in words: ``in force 2016-01-01..2017-12-31``."""
    from ..schedule import in_force_span, span_text

    if row["signed_on"] is None:
        return "not signed"
    span = in_force_span(_terms(row))
    return "never in force" if span is None else span_text(span)


def _in_force(row: sqlite3.Row, day: date, termination: bool = True) -> bool:
    """Whether the agreement is in force on the day (the rule of store.IN_FORCE_ON); without
    termination, whether the day is in its planned term (what end-agreement keeps linked)."""
    from ..schedule import in_force_span

    terms = _terms(row)
    span = in_force_span(terms if termination else terms._replace(terminated_on=None))
    return span is not None and span[0] <= day and (span[1] is None or day <= span[1])


def _chosen_agreement(
    conn: sqlite3.Connection, ref: str, exchange_type: str, parties: list[tuple[Org, str]]
) -> sqlite3.Row:
    """The agreement given with --agreement; it must fit (see _misfit)."""
    from .agreements import parties_of

    row = resolve(conn, AGREEMENT, ref)
    missing = _misfit(parties, parties_of(conn, row["id"]))
    if missing:
        raise InvalidInput(
            f"agreement {short_repr(row['title'])} does not have {missing}: "
            f"a {exchange_type} needs an agreement with {fit_rule(exchange_type)}"
        )
    return row


def _only_agreement(
    conn: sqlite3.Connection,
    exchange_type: str,
    parties: list[tuple[Org, str]],
    on: date,
    series_first: date | None = None,
) -> sqlite3.Row | None:
    """The only fitting agreement in force on the day, or None; several: --agreement is
    required. series_first: the first start of a --yearly plan this day belongs to."""
    from .agreements import fitting_in_force

    found = fitting_in_force(conn, [(o.id, role) for o, role in parties], on)
    if len(found) <= 1:
        return found[0] if found else None
    listed = ", ".join(f"#{r['id']} {short_repr(r['title'])}" for r in found[:6])
    more = f" and {len(found) - 6} more" if len(found) > 6 else ""
    where = f"on {on.isoformat()}"
    way_out = "choose one with --agreement"
    if series_first is not None:
        where += f" (the {on.year} {exchange_type} of the --yearly plan)"
        if on.year > series_first.year:
            way_out += f", or end the plan before {on.year} with --until"
    raise Ambiguous(f"several agreements in force {where} fit ({listed}{more}): {way_out}")


def _links(
    conn: sqlite3.Connection,
    chosen: sqlite3.Row | None,
    exchange_type: str,
    parties: list[tuple[Org, str]],
    starts: list[date],
    series: bool,
) -> tuple[list[int | None], list[Link]]:
    """The agreement id for each start day, and how they came to be linked.

    Each exchange is linked on its own start day: to the chosen agreement when it is in
    force then, else (none chosen) to the only fitting one in force then. A chosen one in
    force on none of the days is refused: linking none of them cannot be what was meant.
    """
    ids: list[int | None] = []
    # (how, agreement id) -> the agreement the message names, and the start days.
    groups: dict[tuple[str, int | None], tuple[sqlite3.Row | None, list[date]]] = {}
    for day in starts:
        row: sqlite3.Row | None
        named: sqlite3.Row | None
        if chosen is not None:
            row = chosen if _in_force(chosen, day) else None
            how, named = ("chosen", row) if row is not None else ("not-in-force", chosen)
        else:
            row = _only_agreement(conn, exchange_type, parties, day, starts[0] if series else None)
            how, named = ("only" if row is not None else "none"), row
        ids.append(row["id"] if row is not None else None)
        groups.setdefault((how, ids[-1]), (named, []))[1].append(day)
    if chosen is not None and all(i is None for i in ids):
        raise _not_in_force(chosen, exchange_type, starts, series)
    term = _term_text(chosen) if chosen is not None else None
    links = [
        Link(
            how,
            named["title"] if named is not None else None,
            tuple(days),
            term if how == "not-in-force" else None,
        )
        for (how, _), (named, days) in groups.items()
    ]
    return ids, links


def _not_in_force(
    chosen: sqlite3.Row,
    exchange_type: str,
    starts: list[date],
    series: bool,
    way_out: str = "choose another, or leave out --agreement",
) -> InvalidInput:
    """The refusal of an agreement in force on none of the start days."""
    if series:
        years = format_years([d.year for d in starts])
        when = f"on the start day of any {exchange_type} of the plan ({years})"
    else:
        when = f"on {starts[0].isoformat()}"
    return InvalidInput(
        f"agreement {short_repr(chosen['title'])} ({_term_text(chosen)}) is not in force"
        f" {when}: an exchange is only linked to an agreement in force on its start day;"
        f" {way_out}"
    )


def _series_end(row: sqlite3.Row | None) -> date:
    """Where a --yearly plan without --until ends: the last day its agreement is in force."""
    from ..schedule import in_force_span

    span = in_force_span(_terms(row)) if row is not None else None
    if span is None or span[1] is None:
        raise InvalidInput(
            "--yearly needs --until DATE|YEAR, or a linked agreement with an end date"
        )
    return span[1]


def _stop_for(conn: sqlite3.Connection, trip_id: int, span: Window) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM trip_stops WHERE trip_id = ? AND start_on <= ? AND end_on >= ?"
        " ORDER BY start_on LIMIT 1",
        (trip_id, span.start.isoformat(), span.end.isoformat()),
    ).fetchone()


def _span_text(span: Window, fixed: bool) -> str:
    """An exchange's days in a message, as agenda shows them: fixed days as days (30 from 1
    September are not the window '2016-09'), a window as a window."""
    return format_days(span.start, span.end) if fixed else format_window(span)


def _stop(
    conn: sqlite3.Connection,
    trip_ref: str,
    span: Window,
    fixed: bool,
    place: str | None,
    host: Org | None,
    orgs: list[Org],
    online: bool,
) -> int:
    """The trip's stop the exchange belongs to: the one covering its days (fixed: a day and
    those after it, else a window), in its place (the city, compared case-insensitively)
    or at its host (a meeting: one of its orgs). An online meeting belongs to the stop the
    delegation is at."""
    trip = resolve(conn, TRIP, trip_ref)
    stop = _stop_for(conn, trip["id"], span)
    if stop is None:
        stops = conn.execute(
            "SELECT city, start_on, end_on FROM trip_stops WHERE trip_id = ? ORDER BY start_on",
            (trip["id"],),
        ).fetchall()
        listed = ", ".join(f"{s['city']} {s['start_on']}..{s['end_on']}" for s in stops)
        raise InvalidInput(
            f"{_span_text(span, fixed)} lies within no stop of trip {short_repr(trip['title'])}"
            f" (stops: {listed or 'none yet; add them with rit add-stop'})"
        )
    _check_stop(conn, stop, trip["title"], span, fixed, place, host, orgs, online)
    return int(stop["id"])


def _at_stop(
    city: str, org_id: int | None, place: str | None, ours: set[int], online: bool
) -> bool:
    """Whether an exchange is at a stop in that city with that organisation: online, at
    one of its own organisations (ours: a visit's host, a meeting's organisations), or in
    its place (compared case-insensitively). The rule --trip joins an exchange by."""
    return online or org_id in ours or (place is not None and key(city) == key(place))


def stop_misfit(
    ex: Exchange, city: str, org_id: int | None, start_on: str, end_on: str
) -> str | None:
    """Why an exchange joined to a trip stop would not fit it with these city, organisation
    and days (by the rule --trip joined it by); None when it fits."""
    if not (start_on <= ex.start_on and ex.end_on <= end_on):
        span = format_days(date.fromisoformat(ex.start_on), date.fromisoformat(ex.end_on))
        hint = (
            " (rit reschedule can move it first)" if ex.status in ("planned", "scheduled") else ""
        )
        return f"{span} is outside {start_on}..{end_on}{hint}"
    ours = {ex.host_id} if ex.host_id is not None else {p.org_id for p in ex.parties}
    if _at_stop(city, org_id, ex.place, ours, ex.online):
        return None
    if ex.host_id is not None:
        host = next((p.label for p in ex.parties if p.role == "host"), "")
        rule = f"a visit belongs to a stop in its place or at its host ({short_repr(host)})"
    else:
        rule = "a meeting belongs to a stop in its place or at one of its organisations"
    here = f"it is in {short_repr(ex.place)}" if ex.place else "it has no place"
    return f"{here}, not in {short_repr(city)}, and {rule}"


def detach_from_stop(conn: sqlite3.Connection, exchange_ids: Sequence[int]) -> None:
    """Take exchanges off their trip stop: they are kept, no longer part of the trip (the
    trip stop is not part of a calendar event: the sequence stays)."""
    for exchange_id in exchange_ids:
        update(conn, "exchanges", exchange_id, {"stop_id": None})


def _check_stop(
    conn: sqlite3.Connection,
    stop: sqlite3.Row,
    trip_title: str,
    span: Window,
    fixed: bool,
    place: str | None,
    host: Org | None,
    orgs: list[Org],
    online: bool,
) -> None:
    """Refuse an exchange that is not at the trip stop: not in its city, not at its
    organisation (the host; a meeting: one of its orgs) and not online."""
    ours = {host.id} if host is not None else {o.id for o in orgs}
    if _at_stop(stop["city"], stop["org_id"], place, ours, online):
        return
    org = conn.execute("SELECT coalesce(short, name) FROM orgs WHERE id = ?", (stop["org_id"],))
    at = org.fetchone() if stop["org_id"] is not None else None
    where = f"{stop['city']} ({stop['country']})" + (f" at {short_repr(at[0])}" if at else "")
    where += f" {stop['start_on']}..{stop['end_on']}"
    if host is not None:
        rule = f"a visit belongs to a stop in its place or at its host ({short_repr(host.label)})"
    else:
        rule = "a meeting belongs to a stop in its place or at one of its organisations"
    raise InvalidInput(
        f"on {_span_text(span, fixed)} trip {short_repr(trip_title)} is in {where}, not in "
        f"{short_repr(place or '')}: {rule}"
    )


def _occurrences(
    first: Dates, until: date, zone: str | None, exchange_type: str, end: str, fold: int | None
) -> list[Dates]:
    """One Dates a year from first up to until: fixed days by yearly_dates, windows by
    yearly_windows (decide-by moved by the same number of years). fold: the --fold given,
    for each year whose time happens twice (first keeps it only if its own does).

    A plan that needs more than MAX_YEARS occurrences is refused rather than cut short,
    which would silently not reach the end asked for. end: that end in words.
    """
    from ..dates import yearly_dates, yearly_windows

    days = yearly_dates(first.day, until) if first.day is not None else []
    windows = yearly_windows(first.window, until) if first.window is not None else []
    starts = days or [w.start for w in windows]
    if len(starts) > MAX_YEARS:
        last = starts[MAX_YEARS - 1].year
        raise InvalidInput(
            f"{end} needs {len(starts)} yearly {exchange_type}s ({starts[0].year}–"
            f"{starts[-1].year}), more than the {MAX_YEARS} one --yearly plan may hold: "
            f"it can reach {last} at most; give --until {last} or earlier"
        )
    if first.day is not None:
        return [fixed(day, first.days, first.at, fold, zone) for day in days]
    # A window of two years spans one day more in the years a 29 February falls into it.
    for w in windows:
        if w.days > MAX_WINDOW_DAYS:
            raise InvalidInput(
                f"the {w.start.year} window {format_window(w)} would span {w.days} days: a"
                f" window may span at most {MAX_WINDOW_DAYS} days (two years); give a shorter"
                " --window"
            )
    return [
        replace(
            first,
            window=w,
            decide_by=add_years(first.decide_by, k) if first.decide_by else None,
        )
        for k, w in enumerate(windows)
    ]


def _zone_at(orgs: Sequence[Org], place: str | None) -> tuple[str | None, list[str]]:
    """The zone of a meeting's place as far as its organisations tell (that of one of them
    in the place, else the one zone they all share; None when they cannot tell), and the
    zones they are in. An organisation without a zone (a country of several) is one more
    zone: which --org comes first must never decide where a time is."""
    zones = list(dict.fromkeys(o.tz or "no zone" for o in orgs))
    if place:
        for org in orgs:
            if org.city and key(org.city) == key(place) and org.tz:
                return org.tz, zones
    return (orgs[0].tz if len(zones) == 1 else None), zones


def _default_zone(
    host: Org | None, orgs: list[Org], place: str | None, online: bool, at: str | None
) -> str | None:
    """The zone of the place: the host's; for a meeting, what its organisations tell
    (_zone_at); online, the first organisation's (the organiser's). A meeting whose
    organisations cannot tell has no zone rit could know: with a time it is refused (--tz
    says where), without one its zone stays undecided (None), and fix-date/reschedule --at
    ask for it then."""
    if host is not None:
        return host.tz
    zone, zones = _zone_at(orgs, place)
    if zone is not None or len(zones) == 1:
        return zone
    if online:
        return orgs[0].tz
    if at is None:
        return None
    differ = f"the meeting's organisations are in different time zones ({', '.join(zones)})"
    if place:
        raise InvalidInput(f"{differ} and none is in {short_repr(place)}: give --tz ZONE")
    raise InvalidInput(
        f"{differ}: give --tz ZONE for the time {at}, --place with the city of one of"
        " them, or --online for the organiser's time"
    )


def _parties_of(conn: sqlite3.Connection, ex: Exchange) -> list[tuple[Org, str]]:
    """The exchange's organisations with their roles, as the scheduling rules take them."""
    return [(get_org(conn, p.org_id), p.role) for p in ex.parties]


def _default_title(parties: list[tuple[Org, str]], period: str) -> str:
    """A visit's default title: 'LSN + MWVATT → FBRI visit 2016-10' (see _period)."""
    guests = " + ".join(o.label for o, role in parties if role == "guest")
    host = next(o.label for o, role in parties if role == "host")
    return _visit_title(guests, host, period)


def dates_period(dates: Dates) -> str:
    """The date part of a default visit title for new dates: the window, else the first
    day (as _period reads it back from the stored columns)."""
    return format_window(dates.window) if dates.window else dates.span.start.isoformat()


def _visit_title(guests: str, host: str, period: str) -> str:
    """The default title from its parts; _default_guests reads the guests back from it."""
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
    if data.yearly and data.trip is not None:
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
    zone = (
        parse_zone(data.tz).key
        if data.tz is not None
        else _default_zone(host, orgs, place, data.online, data.when.at)
    )
    if place is None and not data.online and host is not None:
        place = host.city
    first = _dates(data.when, today, zone)
    chosen = (
        _chosen_agreement(conn, data.agreement, data.type, parties)
        if data.agreement is not None
        else None
    )
    occurrences = [first]
    if data.yearly:
        if data.until is not None:
            until = parse_until(data.until, today)
            end = f"--until {short_repr(data.until.strip())}"
        else:
            # The plan runs to the end of the agreement its first occurrence belongs to.
            basis = chosen or _only_agreement(
                conn, data.type, parties, first.span.start, first.span.start
            )
            until = _series_end(basis)
            assert basis is not None  # _series_end refuses a plan without one
            end = (
                f"a plan to the end of agreement {short_repr(basis['title'])} ({until.isoformat()})"
            )
        occurrences = _occurrences(first, until, zone, data.type, end, data.when.fold)
        if not occurrences:
            raise InvalidInput(
                f"--until {until.isoformat()} is before the first occurrence "
                f"{first.span.start.isoformat()}"
            )
    stop_id = (
        _stop(conn, data.trip, first.span, first.day is not None, place, host, orgs, data.online)
        if data.trip is not None
        else None
    )
    agreement_ids, links = _links(
        conn, chosen, data.type, parties, [o.span.start for o in occurrences], data.yearly
    )
    fields = tags(data.fields, "field of action")
    contacts = list(dict.fromkeys(find_contact(conn, c).id for c in data.participants))
    common: dict[str, Any] = {
        "type": data.type,
        "host_id": host.id if host else None,
        "place": place,
        "online": 1 if data.online else 0,
        "tz": zone,
        "agreement_id": None,
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
    for dates, agreement_id in zip(occurrences, agreement_ids, strict=True):
        if title is None:
            name = _default_title(parties, dates_period(dates))
        elif data.yearly:
            name = f"{title} {dates.span.start.year}"
        else:
            name = title
        values = {"title": name, "title_key": key(name), **_date_values(dates), **common}
        values["agreement_id"] = agreement_id
        exchange_id = insert(conn, "exchanges", values)
        _link(conn, exchange_id, parties, fields, contacts)
        created.append(exchange_id)
    return Added([get_exchange(conn, i) for i in created], links)


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
    if ex.status in _STEP_COMMANDS:
        step = _STEP_COMMANDS[ex.status]
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is {ex.status}: it cannot be {action}"
            f" (rit {step} '#{ex.id}' --undo takes back the {step} first)"
        )
    return ex


def _change(conn: sqlite3.Connection, ex: Exchange, values: dict[str, Any]) -> Exchange:
    """Write a change; every change raises the sequence (calendar exports rely on it)."""
    if ex.stop_id is not None and "start_on" in values:
        span = Window(date.fromisoformat(values["start_on"]), date.fromisoformat(values["end_on"]))
        stop = conn.execute("SELECT * FROM trip_stops WHERE id = ?", (ex.stop_id,)).fetchone()
        if not (stop["start_on"] <= values["start_on"] and values["end_on"] <= stop["end_on"]):
            raise InvalidInput(
                f"{_span_text(span, values.get('day', ex.day) is not None)} is outside the"
                f" trip stop {stop['city']} "
                f"{stop['start_on']}..{stop['end_on']} this {ex.type} belongs to"
            )
    title = _moved_title(ex, values)
    if title is not None:
        values = {**values, "title": title, "title_key": key(title)}
    update(conn, "exchanges", ex.id, {"sequence": ex.sequence + 1, **values})
    return get_exchange(conn, ex.id)


def _move(
    conn: sqlite3.Connection, ex: Exchange, values: dict[str, Any], widened: Window | None = None
) -> Moved:
    """Write new dates; a link to an agreement not in force on the new start day follows
    the exchange as scheduling would link it (_link_after_move). Dates it already has
    write nothing: no history, no new sequence for calendars."""
    if all(getattr(ex, column) == value for column, value in values.items()):
        return Moved(ex, unchanged=True)
    relinked = None
    if values["start_on"] != ex.start_on:
        agreement_id, relinked = _link_after_move(conn, ex, date.fromisoformat(values["start_on"]))
        if agreement_id != ex.agreement_id:
            values = {**values, "agreement_id": agreement_id}
    return Moved(_change(conn, ex, values), widened, relinked)


def _link_after_move(
    conn: sqlite3.Connection, ex: Exchange, start: date
) -> tuple[int | None, str | None]:
    """The agreement an exchange counts for once its start day is moved, and what to tell
    the user when that changes.

    An exchange is only linked to an agreement in force on its start day. The link stays
    while that holds (or, for what was planned after an early termination, the day is in
    the agreement's planned term); otherwise the exchange is linked as when it was
    scheduled: to the
    only fitting agreement in force on the new day, or to none (several fit: the user
    chooses with edit-exchange). An unlinked exchange stays unlinked: that may have been
    asked for (--no-agreement).
    """
    if ex.agreement_id is None:
        return None, _could_link(conn, ex, start)
    row = conn.execute("SELECT * FROM agreements WHERE id = ?", (ex.agreement_id,)).fetchone()
    # An early termination leaves what was planned after it linked (end-agreement): a move
    # within the planned term keeps it so, and end-agreement --undo finds it counted again.
    # One that counted, moved past the termination, follows the rule like any other.
    if _in_force(row, start) or (
        _in_force(row, start, termination=False)
        and not _in_force(row, date.fromisoformat(ex.start_on))
    ):
        return ex.agreement_id, None
    why = (
        f"agreement {short_repr(row['title'])} ({_term_text(row)}) is not in force"
        f" on {start.isoformat()}"
    )
    parties = _parties_of(conn, ex)
    try:
        found = _only_agreement(conn, ex.type, parties, start)
    except Ambiguous:
        return None, (
            f"no longer linked: {why}, and several agreements in force then fit: choose one"
            f" with rit edit-exchange '#{ex.id}' --agreement REF"
        )
    if found is None:
        return None, f"no longer linked to an agreement: {why}, and none that fits is"
    return int(found["id"]), f"now linked to agreement {short_repr(found['title'])}: {why}"


class Left(NamedTuple):
    """The exchanges end-agreement leaves counting for no agreement: notes on the first of
    them, how many there are in all, and the day the last of them starts."""

    notes: list[str]
    total: int
    last_start: str | None


def left_by_termination(
    conn: sqlite3.Connection, agreement_id: int, limit: int | None = None
) -> Left:
    """What end-agreement tells of the exchanges linked to an agreement that start on or
    after its termination day: they stay linked (end-agreement --undo finds them counted
    again) but count for no agreement; each names the one agreement in force on its start
    day it would count for, and how to link it (an LoI ended by the MoU that follows).

    Notes on the first LIMIT of them in date order (None: all), and how many there are: an
    agreement that ends with 34 000 exchanges planned after it is told in a page, and the
    rest counted from the index, not judged one by one."""
    row = conn.execute("SELECT * FROM agreements WHERE id = ?", (agreement_id,)).fetchone()
    if not row["terminated_on"]:
        return Left([], 0, None)
    after = " FROM exchanges WHERE agreement_id = ? AND start_on >= ? AND status != 'cancelled'"
    params = (agreement_id, row["terminated_on"])
    total, last_start = conn.execute(f"SELECT count(*), max(start_on){after}", params).fetchone()
    ids = conn.execute(
        f"SELECT id{after} ORDER BY start_on, id LIMIT ?", (*params, -1 if limit is None else limit)
    ).fetchall()
    notes = []
    for (exchange_id,) in ids:
        ex = get_exchange(conn, exchange_id)
        start = date.fromisoformat(ex.start_on)
        try:
            found = _only_agreement(conn, ex.type, _parties_of(conn, ex), start)
        except Ambiguous:
            how = f"several fit then: choose one with rit edit-exchange '#{ex.id}' --agreement REF"
        else:
            how = (
                f"#{found['id']} {short_repr(found['title'])} fits and is in force then:"
                f" rit edit-exchange '#{ex.id}' --agreement '#{found['id']}' links it"
                if found is not None
                else "no other agreement in force then fits"
            )
        notes.append(
            f"{ex.type} #{ex.id} {short_repr(ex.title)} ({when_text(ex)}) starts after it ended"
            f" and counts for no agreement; {how}"
        )
    return Left(notes, total, last_start)


def _could_link(conn: sqlite3.Connection, ex: Exchange, start: date) -> str | None:
    """For an unlinked exchange moved to a new start day: the one agreement it would be
    linked to if scheduled there, as a hint (it may have been unlinked on purpose, or by an
    earlier move out of that agreement's term)."""
    parties = _parties_of(conn, ex)
    try:
        found = _only_agreement(conn, ex.type, parties, start)
    except Ambiguous:
        return None
    if found is None:
        return None
    return (
        f"not linked to any agreement; #{found['id']} {short_repr(found['title'])} fits and is"
        f" in force on {start.isoformat()}: rit edit-exchange '#{ex.id}'"
        f" --agreement '#{found['id']}'"
        " links it"
    )


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
    if old is None or new is None or old == new:
        return None
    guests = _default_guests(ex, old)
    if guests is None:
        return None
    return _visit_title(guests, ex.labels("host")[0], new)


def _default_guests(ex: Exchange, period: str) -> str | None:
    """The guests part of the visit's title when it is the default title for the period
    ('LSN + MWVATT → FBRI visit 2016-10'), else None: a title the user gave is kept."""
    hosts = ex.labels("host")
    if len(hosts) != 1:
        return None
    tail = f" → {hosts[0]} visit {period}"
    if not ex.title.endswith(tail):
        return None
    # The guests as the default joined them, in the order they were given.
    guests = ex.title[: -len(tail)]
    if sorted(guests.split(" + ")) != sorted(ex.labels("guest")):
        return None
    return guests


def follow_org_label(conn: sqlite3.Connection, org_id: int, old_label: str) -> list[int]:
    """The ids of the visits whose default title named the organisation by OLD_LABEL ('LSN
    → FRBI visit 2016-10') and that now name it by its label (edit-org corrected its short
    name or name), so they keep following their dates and parties; a title the user gave
    is kept. Each is a change of its own: the calendar event's title changes. The other
    exchanges it takes part in get a new sequence: their events name it too (ics.py's
    description, in the order of the names).

    The home organisation of a busy office takes part in every exchange (500 000): only
    titles naming OLD_LABEL as a whole name are read, and the others' sequences are raised
    by two statements, with the history rows update() writes for each, in the same order."""
    # A default title names each organisation whole, between spaces or at the start: a
    # title only containing it ('JP1' in 'JP144 → DE832 visit …') cannot be one.
    rows = conn.execute(
        "SELECT DISTINCT e.id FROM exchanges e JOIN exchange_orgs o ON o.exchange_id = e.id"
        " WHERE o.org_id = ? AND e.type = 'visit'"
        " AND (substr(e.title, 1, ?) = ? OR instr(e.title, ?) > 0) ORDER BY e.id",
        (org_id, len(old_label) + 1, f"{old_label} ", f" {old_label} "),
    ).fetchall()
    followed = []
    for (exchange_id,) in rows:
        ex = get_exchange(conn, exchange_id)
        before = ex._replace(
            parties=tuple(
                p._replace(label=old_label) if p.org_id == org_id else p for p in ex.parties
            )
        )
        period = _period(ex.day, ex.window_start, ex.window_end)
        guests = _default_guests(before, period) if period is not None else None
        if period is None or guests is None:
            continue
        label = {p.label: q.label for p, q in zip(before.parties, ex.parties, strict=True)}
        named = " + ".join(label[guest] for guest in guests.split(" + "))
        title = _visit_title(named, ex.labels("host")[0], period)
        if title != ex.title:
            _change(conn, ex, {"title": title, "title_key": key(title)})
            followed.append(ex.id)
    bump_sequences(conn, org_id, followed)
    return followed


def bump_sequences(conn: sqlite3.Connection, org_id: int, skip: Sequence[int]) -> None:
    """Raise the sequence of every exchange the organisation takes part in, but those in
    SKIP, as update() raises each (the column, `updated`, and a history row of the old and
    new sequence), in id order: set-wise, not a statement or two per exchange."""
    import json

    from . import now  # read when called: a test's clock replaces store.now

    which = (
        " WHERE id IN (SELECT exchange_id FROM exchange_orgs WHERE org_id = :org)"
        " AND id NOT IN (SELECT value FROM json_each(:skip))"
    )
    params = {"org": org_id, "skip": json.dumps(list(skip)), "at": now()}
    # The history first, while the old sequence is there to read; TEXT columns store the
    # numbers as the text update() writes ('3').
    conn.execute(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, old, new)"
        " SELECT :at, 'exchanges', id, uuid, 'update', 'sequence', sequence, sequence + 1"
        f" FROM exchanges{which} ORDER BY id",
        params,
    )
    conn.execute(f"UPDATE exchanges SET sequence = sequence + 1, updated = :at{which}", params)


def _zone_for(conn: sqlite3.Connection, ex: Exchange, at: str | None) -> str | None:
    """The zone a time given to the exchange is local in: its own. One added while its
    organisations had no zone (a country of several) takes the zone they tell once they
    have it, as scheduling takes it: a visit its host's, a meeting that of an organisation
    in its place or the one they share (online, only that one). A meeting they still cannot
    tell (several zones, none in its place; online, its organiser is not kept) needs it
    first: edit-exchange --tz."""
    if at is None or ex.tz is not None:
        return ex.tz
    parties = _parties_of(conn, ex)
    if ex.type == "visit":
        host = next(org for org, role in parties if role == "host")
        if host.tz is not None:
            return host.tz
        raise InvalidInput(
            f"visit #{ex.id} {short_repr(ex.title)} has no time zone yet: its host"
            f" {short_repr(host.label)} has none; set it with rit edit-org '#{host.id}' --tz ZONE"
            f" (or the visit's own with rit edit-exchange '#{ex.id}' --tz ZONE), then give the time"
        )
    # Online, no place: only the one zone all its organisations share tells it.
    told = _zone_at([org for org, _ in parties], None if ex.online else ex.place)[0]
    if told is not None:
        return told
    raise InvalidInput(
        f"{ex.type} #{ex.id} {short_repr(ex.title)} has no time zone yet (its organisations"
        f" are in different zones or have none): set the zone of its place with"
        f" rit edit-exchange '#{ex.id}' --tz ZONE, then give the time"
    )


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
) -> Moved:
    """Narrow a planned exchange's window to a day; with force, widen the window to fit."""
    ex = _open_exchange(conn, ref, "fixed to a day")
    if ex.status == "scheduled":
        raise Conflict(
            f"exchange #{ex.id} {short_repr(ex.title)} is already fixed to {when_text(ex)}: "
            "use rit reschedule to move it"
        )
    if when.on is None:
        raise InvalidInput("give the day: --on DATE")
    zone = _zone_for(conn, ex, when.at)
    dates = _dates(When(when.on, when.at, when.days, when.fold), today, zone)
    window = _window(ex)
    assert window is not None
    span = dates.span
    widened = None
    values = {**_date_values(dates), "tz": zone}
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
    return _move(conn, ex, values, widened)


def narrow(
    conn: sqlite3.Connection, ref: str, window_text: str, today: date, decide_by: str | None = None
) -> Moved:
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
    if decide_by is None and ex.decide_by is not None and ex.decide_by > new.end.isoformat():
        raise InvalidInput(
            f"its decide-by date {ex.decide_by} is after the window {format_window(new)} ends:"
            f" give --decide-by with a day by {new.end.isoformat()}"
        )
    dates = _dates(
        When(window=window_text, decide_by=ex.decide_by if decide_by is None else decide_by),
        today,
        ex.tz,
    )
    return _move(conn, ex, _date_values(dates))


def _still_planned(ex: Exchange) -> Conflict:
    """A day or time given to an exchange that has only a window: fix-date gives it one."""
    return Conflict(
        f"exchange #{ex.id} {short_repr(ex.title)} is still planned ({when_text(ex)}): "
        "fix its day with rit fix-date"
    )


def reschedule(conn: sqlite3.Connection, ref: str, when: When, today: date) -> Moved:
    """Move an exchange to another day or time, or back to a window."""
    ex = _open_exchange(conn, ref, "rescheduled")
    if when.on is None and when.window is None:
        if when.at is None and when.days is None:
            raise InvalidInput("give the new day (--on), time (--at), --days or --window")
        if ex.day is None:
            raise _still_planned(ex)
        when = replace(when, on=ex.day)
    elif when.on is not None and ex.status == "planned":
        raise _still_planned(ex)
    zone = _zone_for(conn, ex, when.at)
    if when.window is None and when.at is None:
        # The day, new or kept, keeps the time it had; which of a repeated hour it was
        # belongs to its day: another day without --fold has it refused where the time
        # happens twice, as any time there is, instead of taking the old day's choice.
        when = replace(when, at=ex.at)
        if when.fold is None and ex.fold is not None and when.on is not None:
            if parse_date(when.on, today).isoformat() == ex.day:
                when = replace(when, fold=ex.fold)
    dates = _dates(when, today, zone, current_days=ex.days)
    if (
        dates.window is not None
        and when.decide_by is None
        and ex.status == "planned"
        and dates.window == _window(ex)
    ):
        # The window it already has: its dates are unchanged, and so is its decide-by
        # (a move to another window plans it anew, with the --decide-by given, if any).
        kept = date.fromisoformat(ex.decide_by) if ex.decide_by else None
        dates = replace(dates, decide_by=kept)
    values = {**_date_values(dates), "tz": zone}
    if dates.window is None:
        values.pop("decide_by", None)
    return _move(conn, ex, values)


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


# What each step that closes an exchange records besides its status: taken back with it.
# An open exchange has neither (edit-exchange takes an outcome only once it is done).
_CLOSING_STEPS = {"done": "outcome", "cancelled": "cancel_reason"}
_STEP_COMMANDS = {"done": "done", "cancelled": "cancel"}


def status_before(conn: sqlite3.Connection, ex: Exchange) -> str:
    """The status a done or cancelled exchange had before that step, from its history.

    The last history row that set the status to what it is now holds the one before. An
    open exchange's status must agree with its dates (a fixed day: scheduled; a window:
    planned), and nothing moves the dates of a closed one, so the two agree; where they
    cannot (an exchange imported already closed, without that history row, or a history
    a merge left out of step) the dates decide, which leaves a record rit accepts.
    """
    row = conn.execute(
        "SELECT old FROM history WHERE record_uuid = ? AND table_name = 'exchanges'"
        " AND field = 'status' AND new = ? ORDER BY id DESC LIMIT 1",
        (ex.uuid, ex.status),
    ).fetchone()
    by_dates = "scheduled" if ex.day is not None else "planned"
    return str(row["old"]) if row is not None and row["old"] == by_dates else by_dates


def take_back(conn: sqlite3.Connection, ref: str, step: str) -> Exchange:
    """Take back the last done or cancel (step 'done' or 'cancelled'): the exchange has the
    status it had before again, without the outcome or reason the step recorded. A change
    of its own in the history (which keeps both), and the sequence rises, so a calendar
    subscribed to the export shows the event again."""
    ex = find_exchange(conn, ref)
    if ex.status != step:
        name = f"exchange #{ex.id} {short_repr(ex.title)}"
        hint = ""
        if ex.status in _STEP_COMMANDS:
            hint = f" (rit {_STEP_COMMANDS[ex.status]} '#{ex.id}' --undo takes back that)"
        raise Conflict(f"{name} is {ex.status}, not {step}: nothing to take back{hint}")
    values = {"status": status_before(conn, ex), _CLOSING_STEPS[step]: None}
    return _change(conn, ex, values)


# ------------------------------------------------------------------ editing

# What edit-exchange corrects; the dates stay with fix-date, narrow, reschedule, done, cancel.
EDITABLE = (
    "--title, --purpose, --outcome (once done), --note, --place or --online (a meeting), "
    "--field, --participant, --from/--to (a visit) or --org (a meeting), "
    "--agreement or --no-agreement, --trip or --no-trip, --tz"
)
# How a changed column or link is named to the user, in the order they are listed.
_CHANGE_NAMES = {
    "title": "title",
    "guests": "guests",
    "host": "host",
    "organisations": "organisations",
    "place": "place",
    "online": "online",
    "tz": "time zone",
    "purpose": "purpose",
    "outcome": "outcome",
    "fields": "fields",
    "participants": "participants",
    "agreement_id": "agreement",
    "stop_id": "trip stop",
    "note": "note",
}


@dataclass(frozen=True)
class ExchangeEdit:
    """What edit-exchange was given; None means 'not given', an empty text clears an
    optional one (an empty tuple of --field or --participant clears those)."""

    title: str | None = None
    purpose: str | None = None
    outcome: str | None = None
    note: str | None = None
    place: str | None = None
    online: bool = False
    fields: tuple[str, ...] | None = None
    participants: tuple[str, ...] | None = None
    guests: tuple[str, ...] | None = None
    host: str | None = None
    orgs: tuple[str, ...] | None = None
    agreement: str | None = None
    no_agreement: bool = False
    trip: str | None = None
    no_trip: bool = False
    tz: str | None = None  # the zone of its time (its place's), when none follows from it
    fold: int | None = None  # which of a repeated hour, when the time moves to a new zone


@dataclass(frozen=True)
class Edited:
    """An exchange after edit-exchange, what changed (in words, in a fixed order), the
    title of the agreement it was linked to before and the trip stop it was at before."""

    exchange: Exchange
    changed: list[str]
    agreement_before: str | None
    stop_before: str | None = None
    kept_zone: str | None = None  # why a timed meeting's zone stayed where it was


def _check_edit(data: ExchangeEdit, ex: Exchange) -> None:
    """Refuse options that do not go together or with this exchange."""
    name = f"{ex.type} #{ex.id} {short_repr(ex.title)}"
    if ex.type == "visit":
        if data.orgs is not None:
            raise InvalidInput(
                f"--org goes with a meeting: {name} has guests (--from) and a host (--to)"
            )
        if data.online:
            raise InvalidInput(f"--online goes with a meeting: {name} is held at a --place")
    elif data.guests is not None or data.host is not None:
        raise InvalidInput(f"--from and --to go with a visit: {name} has organisations (--org)")
    if data.outcome is not None and ex.status != "done":
        raise Conflict(
            f"{name} is {ex.status}: an outcome goes with a done exchange "
            f"(rit done '#{ex.id}' --outcome …)"
        )


def _edited_parties(
    conn: sqlite3.Connection, data: ExchangeEdit, ex: Exchange
) -> list[tuple[Org, str]]:
    """The parties after the edit, checked as schedule-visit and add-meeting check them;
    what was not given stays (guests with only --to, the host with only --from)."""
    if data.guests is None and data.host is None and data.orgs is None:
        return _parties_of(conn, ex)
    kept = {
        role: tuple(str(p.org_id) for p in ex.parties if p.role == role)
        for role in ("guest", "host")
    }
    given = ExchangeInput(
        ex.type,
        When(),
        guests=data.guests if data.guests is not None else kept["guest"],
        host=data.host if data.host is not None else next(iter(kept["host"]), None),
        orgs=data.orgs or (),
    )
    return _orgs(conn, given)


_FOLD_ALONE = (
    "--fold goes with new parties that move the time to another zone; "
    "rit reschedule --at HH:MM --fold changes the time itself"
)


def _follow(
    ex: Exchange,
    old: list[tuple[Org, str]],
    new: list[tuple[Org, str]],
    place: str | None,
    online: bool,
    values: dict[str, Any],
    fold: int | None = None,
    tz: str | None = None,
) -> str | None:
    """A place or zone that came from the parties follows them, as when it was created.

    A visit's place, if it was its host's city, becomes the new host's city, and its zone,
    if it was the host's, the new host's. A meeting's zone, if it was one of its
    organisations', becomes that of an organisation in its new place, else the one zone its
    organisations share (online: it stays). A timed meeting whose organisations are in
    several zones, none in its new place, keeps its zone (rit cannot tell whether Osaka
    is Kobe's or Berlin's): returned is a sentence that says so, for the user to give --tz
    where it is wrong. A zone given (--tz) is taken as it is. A time stays the same local
    time, at the new place.
    """
    kept = None
    old_host = next((o for o, role in old if role == "host"), None)
    new_host = next((o for o, role in new if role == "host"), None)
    zone: str | None = None
    if old_host is not None and new_host is not None:
        if (
            "place" not in values
            and new_host.id != old_host.id
            and key(ex.place or "") == key(old_host.city or "")
        ):
            values["place"] = new_host.city
        zone = new_host.tz if ex.tz == old_host.tz else None
    elif ex.tz is None or ex.tz in {o.tz for o, _ in old}:
        # A zone that came from the organisations, or none decided yet (add-meeting left it
        # open): decided again as add-meeting decides it.
        told, zones = _zone_at([o for o, _ in new], place)
        if online:
            zone = None  # online, the time stays where it was (undecided stays undecided)
        elif told is not None or len(zones) == 1:
            zone = told
        elif ex.at is None and tz is None and ex.tz is not None:
            # No time yet: nothing keeps the old place's zone; undecided, as add-meeting
            # leaves it, until a time comes with its zone (fix-date/reschedule ask).
            values["tz"] = None
        elif ex.at is not None and tz is None:
            where = f"none is in {short_repr(place)}" if place else "it has no place"
            kept = (
                f"its time stays {ex.at} in {ex.tz}: its organisations are in different time"
                f" zones ({', '.join(zones)}) and {where}; give --tz ZONE if that is wrong"
            )
    if tz is not None:
        zone = tz
    if zone is None or zone == ex.tz:
        if fold is not None:
            raise InvalidInput(_FOLD_ALONE)
        return kept
    values["tz"] = zone
    if ex.at is not None and ex.day is not None:
        moved = fixed(
            date.fromisoformat(ex.day), ex.days, ex.at, fold if fold is not None else ex.fold, zone
        )
        values["starts_utc"] = moved.starts_utc
        if moved.fold != ex.fold:
            values["fold"] = moved.fold
    elif fold is not None:
        # As scheduling refuses --fold without --at: there is no time it could tell.
        raise InvalidInput(
            f"--fold goes with a time: {ex.type} #{ex.id} {short_repr(ex.title)} has none"
            f" (rit reschedule '#{ex.id}' --at HH:MM gives it one)"
        )
    return None


def _edited_agreement(
    conn: sqlite3.Connection,
    data: ExchangeEdit,
    ex: Exchange,
    parties: list[tuple[Org, str]],
    parties_changed: bool,
) -> int | None:
    """The agreement the exchange is linked to after the edit: --agreement must fit and be
    in force on its start day (as when it was created); a link the new parties no longer
    fit is refused rather than kept."""
    if data.agreement is not None:
        chosen = _chosen_agreement(conn, data.agreement, ex.type, parties)
        start = date.fromisoformat(ex.start_on)
        if not _in_force(chosen, start):
            raise _not_in_force(chosen, ex.type, [start], False, "choose another")
        return int(chosen["id"])
    if data.no_agreement:
        return None
    if parties_changed and ex.agreement_id is not None:
        from .agreements import parties_of

        missing = _misfit(parties, parties_of(conn, ex.agreement_id))
        if missing:
            raise InvalidInput(
                f"{ex.type} #{ex.id} is linked to agreement {short_repr(ex.agreement or '')},"
                f" which does not have {missing}: pass --agreement REF to link it to another"
                " one, or --no-agreement to unlink it"
            )
    return ex.agreement_id


def _party_text(parties: list[tuple[Org, str]]) -> str:
    return "; ".join(f"{role} {org.label}" for org, role in parties)


def _changed_roles(old: list[tuple[Org, str]], new: list[tuple[Org, str]]) -> list[str]:
    """The roles (guest, host, participant) whose organisations the edit changes."""

    def of(parties: list[tuple[Org, str]], role: str) -> set[int]:
        return {org.id for org, r in parties if r == role}

    return [r for r in ("guest", "host", "participant") if of(old, r) != of(new, r)]


def _edited_title(
    data: ExchangeEdit, ex: Exchange, parties: list[tuple[Org, str]], roles: list[str]
) -> str | None:
    """The new title: the one given, or a visit's default title following its parties
    ('LSN → FBRI visit 2016-10'), also when '' asks for it back; None to keep it."""
    period = _period(ex.day, ex.window_start, ex.window_end)
    if data.title is not None and not data.title.strip() and ex.type == "visit" and period:
        return _default_title(parties, period)
    if data.title is not None:
        return clean(data.title, "title")
    if not roles or ex.type != "visit" or period is None:
        return None
    guests = _default_guests(ex, period)
    if guests is None:
        return None
    if data.guests is not None:
        return _default_title(parties, period)
    host = next(org for org, role in parties if role == "host")
    return _visit_title(guests, host.label, period)


def _edited_stop(
    conn: sqlite3.Connection,
    data: ExchangeEdit,
    ex: Exchange,
    parties: list[tuple[Org, str]],
    values: dict[str, Any],
    moved: bool,
) -> int | None:
    """The trip stop the exchange is at after the edit, judged on its place, online and
    parties after the edit: --trip joins it to the stop of that trip by the rule --trip
    joins by when it is created (_stop), --no-trip takes it off its stop, and one at a stop
    whose place or parties change (moved) must stay at it (in its city, at its
    organisation or online)."""
    if data.no_trip:
        return None
    span = Window(date.fromisoformat(ex.start_on), date.fromisoformat(ex.end_on))
    fixed = ex.day is not None
    place = values.get("place", ex.place)
    host = next((org for org, role in parties if role == "host"), None)
    orgs = [org for org, _ in parties]
    online = bool(values.get("online", ex.online))
    if data.trip is not None:
        return _stop(conn, data.trip, span, fixed, place, host, orgs, online)
    if ex.stop_id is not None and moved:
        stop = conn.execute(
            "SELECT s.*, t.title AS trip_title FROM trip_stops s"
            " JOIN trips t ON t.id = s.trip_id WHERE s.id = ?",
            (ex.stop_id,),
        ).fetchone()
        _check_stop(conn, stop, stop["trip_title"], span, fixed, place, host, orgs, online)
    return ex.stop_id


def _replace_links(
    conn: sqlite3.Connection,
    ex: Exchange,
    parties: list[tuple[Org, str]] | None,
    fields: list[str] | None,
    contacts: list[int] | None,
) -> dict[str, tuple[Any, Any]]:
    """Replace the organisations, fields and participants given (None: keep them); the
    history of each that changed, as creating the exchange writes it."""
    history: dict[str, tuple[Any, Any]] = {}
    if parties is not None:
        old = _parties_of(conn, ex)
        conn.execute("DELETE FROM exchange_orgs WHERE exchange_id = ?", (ex.id,))
        conn.executemany(
            "INSERT INTO exchange_orgs (exchange_id, org_id, role) VALUES (?, ?, ?)",
            [(ex.id, org.id, role) for org, role in parties],
        )
        history["orgs"] = (_party_text(old), _party_text(parties))
    if fields is not None:
        before = links(conn, "exchange_fields", "exchange_id", ex.id, "field")
        if before != fields:
            set_links(conn, "exchange_fields", "exchange_id", ex.id, "field", fields)
            history["fields"] = (", ".join(before) or None, ", ".join(fields) or None)
    if contacts is not None:
        had = links(conn, "exchange_participants", "exchange_id", ex.id, "contact_id")
        if had != contacts:
            set_links(conn, "exchange_participants", "exchange_id", ex.id, "contact_id", contacts)
            history["participants"] = (
                ", ".join(f"#{c}" for c in had) or None,
                ", ".join(f"#{c}" for c in contacts) or None,
            )
    if history:
        touch(conn, "exchanges", ex.id)
        record_history(conn, "exchanges", ex.id, ex.uuid, "update", history)
    return history


def edit_exchange(conn: sqlite3.Connection, ref: str, data: ExchangeEdit) -> Edited:
    """Correct what a visit or meeting is, who takes part and the agreement it counts for."""
    if data == ExchangeEdit():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    if data.place is not None and data.online:
        raise InvalidInput("give either --place or --online, not both")
    if data.agreement is not None and data.no_agreement:
        raise InvalidInput("give either --agreement or --no-agreement, not both")
    if data.trip is not None and data.no_trip:
        raise InvalidInput("give either --trip or --no-trip, not both")
    ex = find_exchange(conn, ref)
    _check_edit(data, ex)
    old_parties = _parties_of(conn, ex)
    parties = _edited_parties(conn, data, ex)
    roles = _changed_roles(old_parties, parties)

    values: dict[str, Any] = {}
    title = _edited_title(data, ex, parties, roles)
    if title is not None:
        values.update(title=title, title_key=key(title))
    for column, given in (
        ("purpose", data.purpose),
        ("outcome", data.outcome),
        ("note", data.note),
    ):
        if given is not None:
            values[column] = clean(given, column, limit=MAX_TEXT, required=False)
    if data.online:
        values.update(place=None, online=1)
    elif data.place is not None:
        values.update(place=clean(data.place, "place", required=False), online=0)
    if "host" in roles:
        values["host_id"] = next(org.id for org, role in parties if role == "host")
    tz = parse_zone(data.tz).key if data.tz is not None else None
    kept_zone = None
    moved = (
        values.get("place", ex.place) != ex.place
        or bool(values.get("online", ex.online)) != ex.online
    )
    if roles or moved or tz is not None:
        place, online = values.get("place", ex.place), bool(values.get("online", ex.online))
        kept_zone = _follow(ex, old_parties, parties, place, online, values, data.fold, tz)
    elif data.fold is not None:
        raise InvalidInput(_FOLD_ALONE)
    values["stop_id"] = _edited_stop(
        conn, data, ex, parties, values, bool(roles) or "place" in values
    )
    values["agreement_id"] = _edited_agreement(conn, data, ex, parties, bool(roles))
    fields = contacts = None
    if data.fields is not None:
        fields = tags(data.fields, "field of action")
    if data.participants is not None:
        contacts = sorted({find_contact(conn, c).id for c in data.participants})

    current = conn.execute("SELECT * FROM exchanges WHERE id = ?", (ex.id,)).fetchone()
    if roles or any(current[c] != v for c, v in values.items() if c in CALENDAR_COLUMNS):
        values = {"sequence": ex.sequence + 1, **values}  # the sequence row opens the change
    changed = set(update(conn, "exchanges", ex.id, values))
    changed |= _replace_links(conn, ex, parties if roles else None, fields, contacts).keys()
    names = {"guest": "guests", "host": "host", "participant": "organisations"}
    changed |= {names[role] for role in roles}
    return Edited(
        get_exchange(conn, ex.id),
        [shown for column, shown in _CHANGE_NAMES.items() if column in changed],
        ex.agreement,
        ex.stop,
        kept_zone,
    )


def remove_exchange(conn: sqlite3.Connection, ref: str) -> Removed:
    """Remove a visit or meeting entered by mistake (a duplicate, a test) with its
    organisations, participants and fields, and what remind --new printed about it.

    Nothing refers to an exchange: its agreement, trip stop and the other exchanges of its
    yearly plan stay as they are. One that really was called off is cancelled instead,
    which a subscribed calendar shows; a removed one just leaves the next export.
    """
    from .reminders import forget_reminders

    ex = find_exchange(conn, ref)
    for table in ("exchange_orgs", "exchange_participants", "exchange_fields"):
        conn.execute(f"DELETE FROM {table} WHERE exchange_id = ?", (ex.id,))
    forget_reminders(conn, "exchange", ex.uuid)
    delete(conn, "exchanges", ex.id)
    kept = 0
    if ex.series:
        (kept,) = conn.execute(
            "SELECT count(*) FROM exchanges WHERE series = ?", (ex.series,)
        ).fetchone()
    return Removed(ex.type, ex.id, ex.title, ex.uuid, kept)
