"""Exchanges as an iCalendar file (RFC 5545), built with the icalendar library.

- A fixed day with a time: DTSTART with TZID (the exchange's zone, VTIMEZONE included);
  the second occurrence of a time that happens twice (--fold 1) in UTC, because a TZID
  time that happens twice means its first occurrence (RFC 5545, 3.3.5).
- A fixed day without a time: an all-day event (DTEND is the day after the last day).
- A window (day not yet fixed): an all-day span over the window, STATUS:TENTATIVE,
  TRANSP:TRANSPARENT (it blocks no time), its summary marked as a window.
- A cancelled exchange: STATUS:CANCELLED, so subscribed calendars remove or strike it, and
  TRANSP:TRANSPARENT, so one that keeps showing it counts it as free time.
- UID is '<uuid>@rit' and SEQUENCE the exchange's sequence number, so a calendar that
  subscribes to the file updates an event instead of duplicating it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store.calendar import CalendarEntry

PRODID = "-//rit//rit-cli//EN"
# RFC 5545 text may not hold control characters (other than the line breaks it escapes).


def _text(value: str) -> str:
    import re

    from .text import INVISIBLE

    # C1 controls and bidi/invisible format characters would act in a terminal or reorder
    # the text in a calendar app: replaced like the controls RFC 5545 forbids.
    return re.sub(INVISIBLE, "\ufffd", value)


def _instant(value: str) -> datetime:
    """A stored UTC timestamp ('2016-08-25T10:00:00+00:00') as an aware datetime."""
    from datetime import UTC

    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ambiguous(dt: datetime) -> bool:
    """True if the aware wall-clock dt happens twice (clocks fall back)."""
    return dt.replace(fold=0).utcoffset() != dt.replace(fold=1).utcoffset()


def _summary(entry: CalendarEntry, fixed: bool) -> str:
    title = _text(entry.title)
    if fixed:
        return title
    decide = f", decide by {entry.decide_by}" if entry.decide_by else ""
    return f"{title} (window{decide})"


def _description(entry: CalendarEntry) -> str | None:
    lines = []
    if entry.guests:
        lines.append("guests: " + ", ".join(entry.guests))
    if entry.host:
        lines.append(f"host: {entry.host}")
    if entry.participants:
        lines.append("participants: " + ", ".join(entry.participants))
    if entry.purpose:
        lines.append(f"purpose: {entry.purpose}")
    if entry.note:
        lines.append(entry.note)
    return _text("\n".join(lines)) if lines else None


def _start(day: str, at: str, tz: str, fold: int | None) -> tuple[datetime, bool]:
    """A timed exchange's start at its place, and whether it must be written in UTC.

    RFC 5545 resolves an ambiguous TZID time to its FIRST occurrence: the second one
    (fold 1) can only be written as a UTC instant."""
    from zoneinfo import ZoneInfo

    start = datetime.combine(date.fromisoformat(day), time.fromisoformat(at), ZoneInfo(tz))
    in_utc = bool(fold) and _ambiguous(start)
    return (start.replace(fold=1) if fold else start), in_utc


def zones_named(timed: Iterable[tuple[str, str | None, str | None, int]]) -> list[str]:
    """The TZIDs the events name, in order, from store.calendar.timed_zones' rows: every
    timed exchange's zone, but one whose only times are second occurrences (in UTC), and
    UTC under any of its names (Etc/UTC, GMT, Zulu: icalendar writes those times with Z)."""
    named: set[str] = set()
    for tz, day, at, fold in timed:
        if tz not in named and not (fold and day and at and _start(day, at, tz, fold)[1]):
            named.add(tz)
    return sorted({tzid for tzid in map(_tzid, named) if tzid is not None})


def _tzid(tz: str) -> str | None:
    """The TZID icalendar writes for a time in the zone TZ (what add_missing_timezones
    looks for): None for a zone it takes for UTC."""
    from zoneinfo import ZoneInfo

    from icalendar.prop import vDDDTypes

    tzid = vDDDTypes(datetime(2000, 1, 1, tzinfo=ZoneInfo(tz))).params.get("TZID")
    return None if tzid in (None, "UTC") else str(tzid)


END = b"END:VCALENDAR\r\n"


def calendar_bytes(
    entries: Iterable[CalendarEntry], span: tuple[date, date] | None, zones: Sequence[str]
) -> Iterator[bytes]:
    """The calendar (CRLF lines, folded at 75 octets, UTF-8) an event at a time: the
    header, the VTIMEZONE of each of ZONES (sorted: the same data gives the same file)
    with only the rules SPAN's years need, not 1970..2038, then the events of ENTRIES."""
    from icalendar import Calendar, Timezone

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "rit exchanges")
    if span is not None:
        first, last = span
        for tzid in zones:
            try:
                zone = Timezone.from_tzid(
                    tzid,
                    first_date=date(first.year - 1, 1, 1),
                    last_date=date(last.year + 1, 12, 31),
                )
            except ValueError:  # a zone icalendar does not know is left out, as it does
                continue
            calendar.add_component(zone)
    head = calendar.to_ical()
    yield head.removesuffix(END)
    for entry in entries:
        yield _event(entry).to_ical()
    yield END


def _event(entry: CalendarEntry) -> Any:
    from datetime import UTC

    from icalendar import Event

    event = Event()
    event.add("uid", f"{entry.uuid}@rit")
    event.add("dtstamp", _instant(entry.updated))
    event.add("created", _instant(entry.created))
    event.add("last-modified", _instant(entry.updated))
    event.add("sequence", entry.sequence)
    fixed = entry.day is not None
    event.add("summary", _summary(entry, fixed))
    if entry.day and entry.at and entry.tz:
        start, in_utc = _start(entry.day, entry.at, entry.tz, entry.fold)
        event.add("dtstart", start.astimezone(UTC) if in_utc else start)
        if entry.days > 1:
            # Runs until the end of its last day, in its own zone.
            last_day = start.date() + timedelta(days=entry.days)
            until = datetime.combine(last_day, time(0), start.tzinfo)
            event.add("dtend", until.astimezone(UTC) if in_utc else until)
    else:
        start_day = date.fromisoformat(entry.start_on)
        end_day = date.fromisoformat(entry.end_on)
        event.add("dtstart", start_day)
        event.add("dtend", end_day + timedelta(days=1))  # exclusive
    if entry.status == "cancelled":
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")  # a calendar still showing it counts no time
    elif not fixed:
        event.add("status", "TENTATIVE")
        event.add("transp", "TRANSPARENT")
    else:
        event.add("status", "CONFIRMED")
    if entry.online:
        event.add("location", _text(entry.place) if entry.place else "online")
    elif entry.place:
        event.add("location", _text(entry.place))
    description = _description(entry)
    if description:
        event.add("description", description)
    event.add("categories", [entry.type])
    return event
