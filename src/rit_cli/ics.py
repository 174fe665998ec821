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

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

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


def build_calendar(entries: Sequence[CalendarEntry]) -> bytes:
    """The calendar as bytes (CRLF lines, folded at 75 octets, UTF-8)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "rit exchanges")
    first: date | None = None
    last: date | None = None
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uuid}@rit")
        event.add("dtstamp", _instant(entry.updated))
        event.add("created", _instant(entry.created))
        event.add("last-modified", _instant(entry.updated))
        event.add("sequence", entry.sequence)
        fixed = entry.day is not None
        event.add("summary", _summary(entry, fixed))
        if fixed and entry.at and entry.tz:
            day = date.fromisoformat(entry.day or entry.start_on)
            zone = ZoneInfo(entry.tz)
            start = datetime.combine(day, time.fromisoformat(entry.at), zone)
            # RFC 5545 resolves an ambiguous TZID time to its FIRST occurrence: the second
            # one (fold 1) can only be written as a UTC instant.
            in_utc = bool(entry.fold) and _ambiguous(start)
            if entry.fold:
                start = start.replace(fold=1)
            event.add("dtstart", start.astimezone(UTC) if in_utc else start)
            if entry.days > 1:
                # Runs until the end of its last day, in its own zone.
                last_day = day + timedelta(days=entry.days)
                until = datetime.combine(last_day, time(0), zone)
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
        calendar.add_component(event)
        begin, end = date.fromisoformat(entry.start_on), date.fromisoformat(entry.end_on)
        first = begin if first is None or begin < first else first
        last = end if last is None or end > last else last
    if first is not None and last is not None:
        # Only the zone rules the events need, not 1970..2038.
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 1, 12, 31)
        )
        # icalendar adds them in the order of a set, which changes from run to run: sorted,
        # the same data gives the same file (a diff shows only what changed).
        zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        zones.sort(key=lambda zone: str(zone["TZID"]))
        rest = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
        calendar.subcomponents[:] = zones + rest
    return calendar.to_ical()
