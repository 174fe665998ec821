"""Dates, windows, durations, times and time zones: parsing, formatting, recurrence.

Everything here is pure: "today" is always passed in, never read from the clock.

Accepted date forms (after stripping and Unicode NFKC normalisation, so full-width
digits work): ISO ``2016-10-12`` (zero-padded), German ``12.10.2016`` / ``1.2.2016``,
Japanese ``2016年10月12日`` / ``2016年1月2日``, ``today`` / ``tomorrow`` / ``yesterday``
(any case) and relative ``+3d`` ``-3d`` ``+2w`` ``+1m`` ``+1y`` (month and year steps
use calendar arithmetic: 31 Jan +1m is the last day of February). Slash forms are never
guessed. Years must lie in 1900..2199.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rit_cli.errors import InvalidInput
from rit_cli.text import shortened

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from dateutil.relativedelta import relativedelta

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Window",
    "add_duration",
    "convert",
    "format_span",
    "format_window",
    "localize",
    "month_end",
    "parse_date",
    "parse_duration",
    "parse_time",
    "parse_until",
    "parse_window",
    "parse_zone",
    "year_span",
    "yearly_dates",
    "yearly_windows",
]

MIN_YEAR = 1900
MAX_YEAR = 2199

_DATE_FORMS = (
    "ISO 2016-10-12, German 12.10.2016, Japanese 2016年10月12日, "
    "today, tomorrow, yesterday, or +3d/-3d/+2w/+1m/+1y"
)
_PERIOD_FORMS = "month 2016-10, quarter 2016-Q4, half 2016-H2, year 2016"
_WINDOW_FORMS = f"{_PERIOD_FORMS}, a single date, or START..END (each side a date or period)"

# Patterns, compiled (and cached by re) on first use: a command compiles only those it needs.
_ISO = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_ISO_LOOSE = r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
_GERMAN = r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})"
_GERMAN_SHORT_YEAR = r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2})"
_JAPANESE = r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"
_RELATIVE = r"([+-])([0-9]{1,9})([dwmy])"
_SLASH = r"([0-9]{1,4})/([0-9]{1,2})/([0-9]{1,4})"
_YEAR = r"([0-9]{4})"
_MONTH = r"([0-9]{4})-([0-9]{2})"
_QUARTER = r"([0-9]{4})-q([0-9])"
_HALF = r"([0-9]{4})-h([0-9])"
_DURATION = r"([+-]?)([0-9]{1,9})([dwmy]?)"
_TIME = r"([0-9]{1,2}):([0-9]{2})"
_ZONE_NAME = r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*"

_MAX_DURATION_DAYS = {"d": 36525, "w": 36525 // 7, "m": 1200, "y": 100}
_UNIT_WORD = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


def _q(value: str) -> str:
    """Quote a user value for an error message; repr keeps it on one line, and the middle
    of a long one goes, so a pasted paragraph is not echoed whole."""
    return repr(shortened(value))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class _Days(NamedTuple):
    start: date
    end: date


class Window(_Days):
    """A span of calendar days; both ends inclusive; ordered by start, then end.

    A named tuple rather than a frozen dataclass: every command imports this module, and
    building a dataclass's methods costs about half a millisecond of start-up.
    """

    __slots__ = ()

    def __new__(cls, start: date, end: date) -> Window:
        if end < start:
            raise ValueError(f"Window end {end} is before its start {start}")
        return super().__new__(cls, start, end)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def overlaps(self, other: Window) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# --------------------------------------------------------------------------- dates


def _check_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            f"{_q(shown)}: year {year} is out of range; rit accepts years {MIN_YEAR}..{MAX_YEAR}"
        )


def _days_in_month(year: int, month: int) -> int:
    # What calendar.monthrange gives, without importing calendar on every start.
    if month == 12:
        return 31  # and December 9999, which has no following month in datetime
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    _check_year(year, shown)
    if not 1 <= month <= 12:
        raise InvalidInput(
            f"{_q(shown)} is not a day: there is no month {month} (months run 1..12)"
        )
    last = _days_in_month(year, month)
    if not 1 <= day <= last:
        import calendar

        raise InvalidInput(
            f"{_q(shown)} is not a day: {calendar.month_name[month]} {year} has {last} days"
        )
    return date(year, month, day)


def _slash_error(shown: str, m: re.Match[str]) -> InvalidInput:
    a, b, c = m.groups()
    if len(a) <= 2 and len(c) in (2, 4):
        x, y = int(a), int(b)
        year = c if len(c) == 4 else "YYYY"
        if 1 <= x <= 12 and 1 <= y <= 12 and x != y:
            import calendar

            name_x, name_y = calendar.month_name[x], calendar.month_name[y]
            return InvalidInput(
                f"{_q(shown)} could be {x} {name_y} or {y} {name_x}; "
                f"write {year}-{y:02d}-{x:02d} or {x:02d}.{y:02d}.{year}"
            )
    # A form that can mean one day only (2016/10/12 as Japan writes it, 13/04/2016,
    # 05/05/2016) is still not read, but the error writes it out as rit reads it.
    day = _one_reading(a, b, c)
    if day is not None:
        return InvalidInput(
            f"{_q(shown)}: dates with slashes are never read; "
            f"write {day.isoformat()} or {day.strftime('%d.%m.%Y')}"
        )
    return InvalidInput(
        f"{_q(shown)}: dates with slashes are never guessed; "
        "write ISO YYYY-MM-DD (e.g. 2016-10-12) or German DD.MM.YYYY"
    )


def _one_reading(a: str, b: str, c: str) -> date | None:
    """The one day a slash form with a four-digit year can mean: year/month/day, or
    day/month/year and month/day/year when they agree or only one is a date."""
    if len(a) == 4:
        readings = {(int(a), int(b), int(c))}
    elif len(c) == 4:
        readings = {(int(c), int(b), int(a)), (int(c), int(a), int(b))}
    else:
        return None
    days = set()
    for year, month, day in readings:
        with contextlib.suppress(InvalidInput):  # not a day (_make_date says why)
            days.add(_make_date(year, month, day, ""))
    return days.pop() if len(days) == 1 else None


def _try_date(text: str, today: date) -> date | None:
    """Parse a date; None if the form is not recognised, InvalidInput if it is but is bad."""
    shown = text.strip()
    t = _norm(text).lower()
    if t in ("today", "tomorrow", "yesterday"):
        return today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[t])
    if m := re.fullmatch(_ISO, t):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), shown)
    if m := re.fullmatch(_ISO_LOOSE, t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        raise InvalidInput(
            f"{_q(shown)}: ISO dates need two-digit month and day; write {y:04d}-{mo:02d}-{d:02d}"
        )
    if m := re.fullmatch(_GERMAN, t):
        return _make_date(int(m[3]), int(m[2]), int(m[1]), shown)
    if re.fullmatch(_GERMAN_SHORT_YEAR, t):
        raise InvalidInput(f"{_q(shown)} has a two-digit year; write it in full as DD.MM.YYYY")
    if m := re.fullmatch(_JAPANESE, t):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), shown)
    if m := re.fullmatch(_RELATIVE, t):
        from dateutil.relativedelta import relativedelta

        n = int(m[2]) * (1 if m[1] == "+" else -1)
        unit = m[3]
        step = {
            "d": relativedelta(days=n),
            "w": relativedelta(weeks=n),
            "m": relativedelta(months=n),
            "y": relativedelta(years=n),
        }[unit]
        try:
            result: date = today + step
        except (OverflowError, ValueError):
            result = date.max if n > 0 else date.min
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            raise InvalidInput(
                f"{_q(shown)} lands outside the years {MIN_YEAR}..{MAX_YEAR}; "
                "use a smaller step or a calendar date"
            )
        return result
    if m := re.fullmatch(_SLASH, t):
        raise _slash_error(shown, m)
    if "/" in t:
        raise InvalidInput(
            f"{_q(shown)}: dates with slashes are never guessed; "
            "write ISO YYYY-MM-DD (e.g. 2016-10-12) or German DD.MM.YYYY"
        )
    return None


def parse_date(text: str, today: date) -> date:
    """Parse a user-entered date (see module docstring for the forms)."""
    if not text.strip():
        raise InvalidInput(f"empty date {_q(text)}: use {_DATE_FORMS}")
    d = _try_date(text, today)
    if d is None:
        raise InvalidInput(f"cannot read {_q(text.strip())} as a date: use {_DATE_FORMS}")
    return d


def parse_until(text: str, today: date) -> date:
    """Parse ``--until DATE|YEAR``: a bare four-digit year means 31 December of that year."""
    shown = text.strip()
    if not shown:
        raise InvalidInput(f"empty date {_q(text)}: use a year such as 2017 or {_DATE_FORMS}")
    if m := re.fullmatch(_YEAR, _norm(text)):
        year = int(m[1])
        _check_year(year, shown)
        return date(year, 12, 31)
    d = _try_date(text, today)
    if d is None:
        raise InvalidInput(
            f"cannot read {_q(shown)} as a date or year: use a year such as 2017 or {_DATE_FORMS}"
        )
    return d


# ------------------------------------------------------------------------- windows


def year_span(year: int) -> Window:
    """The whole calendar year: 1 January .. 31 December."""
    return Window(date(year, 1, 1), date(year, 12, 31))


def month_end(d: date) -> date:
    """The last day of d's month."""
    return date(d.year, d.month, _days_in_month(d.year, d.month))


def _try_period(t: str, shown: str) -> Window | None:
    """Parse a month/quarter/half/year from normalised lower-case text; None if not one."""
    if m := re.fullmatch(_YEAR, t):
        year = int(m[1])
        _check_year(year, shown)
        return year_span(year)
    if m := re.fullmatch(_MONTH, t):
        year, month = int(m[1]), int(m[2])
        _check_year(year, shown)
        if not 1 <= month <= 12:
            raise InvalidInput(f"{_q(shown)}: there is no month {month}; months run 01..12")
        first = date(year, month, 1)
        return Window(first, month_end(first))
    if m := re.fullmatch(_QUARTER, t):
        year, quarter = int(m[1]), int(m[2])
        _check_year(year, shown)
        if not 1 <= quarter <= 4:
            raise InvalidInput(f"{_q(shown)}: there is no quarter {quarter}; use Q1..Q4")
        first = date(year, 3 * quarter - 2, 1)
        return Window(first, month_end(date(year, 3 * quarter, 1)))
    if m := re.fullmatch(_HALF, t):
        year, half = int(m[1]), int(m[2])
        _check_year(year, shown)
        if not 1 <= half <= 2:
            raise InvalidInput(f"{_q(shown)}: there is no half {half}; use H1 or H2")
        return Window(date(year, 6 * half - 5, 1), month_end(date(year, 6 * half, 1)))
    return None


def _try_span(text: str, today: date) -> Window | None:
    t = _norm(text).lower()
    period = _try_period(t, text.strip())
    if period is not None:
        return period
    d = _try_date(text, today)
    return None if d is None else Window(d, d)


def parse_window(text: str, today: date) -> Window:
    """Parse a window: a period, a single date, or ``START..END``."""
    shown = text.strip()
    if not shown:
        raise InvalidInput(f"empty window {_q(text)}: use {_WINDOW_FORMS}")
    normalised = _norm(text)
    if ".." not in normalised:
        w = _try_span(text, today)
        if w is None:
            raise InvalidInput(f"cannot read {_q(shown)} as a window: use {_WINDOW_FORMS}")
        return w
    left, _, right = normalised.partition("..")
    sides: list[Window] = []
    for name, side in (("start", left), ("end", right)):
        if not side.strip():
            raise InvalidInput(
                f"window {_q(shown)} has no {name}; write START..END such as 2016-10-01..2016-10-20"
            )
        w = _try_span(side, today)
        if w is None:
            raise InvalidInput(
                f"cannot read {_q(side.strip())} as the {name} of window {_q(shown)}: "
                f"use a date or a {_PERIOD_FORMS} on each side of START..END"
            )
        sides.append(w)
    start, end = sides[0].start, sides[1].end
    if end < start:
        raise InvalidInput(f"window {_q(shown)}: end {end} is before its start {start}")
    return Window(start, end)


def format_window(w: Window) -> str:
    """The shortest canonical text for w; ``parse_window`` reads it back to w."""
    return format_span(w.start, w.end)


def format_span(s: date, e: date) -> str:
    """format_window of the days s to e, without building a Window (remind writes one for
    every line)."""
    if s.day == 1 and e.day == _days_in_month(e.year, e.month):
        if s.year == e.year:
            if s.month == 1 and e.month == 12:
                return f"{s.year:04d}"
            if s.month in (1, 7) and e.month == s.month + 5:
                return f"{s.year:04d}-H{(s.month + 5) // 6}"
            if s.month in (1, 4, 7, 10) and e.month == s.month + 2:
                return f"{s.year:04d}-Q{(s.month + 2) // 3}"
            if s.month == e.month:
                return f"{s.year:04d}-{s.month:02d}"
    if s == e:
        return s.isoformat()
    return f"{s.isoformat()}..{e.isoformat()}"


# ----------------------------------------------------------------------- durations


def parse_duration(text: str) -> timedelta | relativedelta:
    """Parse a positive duration such as ``14d``, ``2w``, ``3m``, ``1y``, ``+14d`` or ``90``.

    Days and weeks are a timedelta; months and years need dateutil's calendar arithmetic,
    imported only then (remind's default horizons, 14d and 90d, are spared the import).
    """
    shown = text.strip()
    accepted = "use a positive number of days, weeks, months or years such as 14d, 2w, 3m, 1y"
    m = re.fullmatch(_DURATION, _norm(text).lower())
    if m is None:
        raise InvalidInput(f"cannot read {_q(shown)} as a duration: {accepted}")
    sign, n, unit = m[1], int(m[2]), m[3] or "d"
    if sign == "-" or n == 0:
        raise InvalidInput(f"duration {_q(shown)} must be positive: {accepted}")
    if n > _MAX_DURATION_DAYS[unit]:
        in_unit = f" ({_MAX_DURATION_DAYS[unit]} {_UNIT_WORD[unit]})" if unit != "y" else ""
        raise InvalidInput(f"duration {_q(shown)} is too long: at most 100 years{in_unit}")
    if unit == "d":
        return timedelta(days=n)
    if unit == "w":
        return timedelta(weeks=n)
    from dateutil.relativedelta import relativedelta

    if unit == "m":
        return relativedelta(months=n)
    return relativedelta(years=n)


def add_duration(d: date, dur: timedelta | relativedelta) -> date:
    """d shifted by dur (calendar arithmetic: 31 Jan + 1 month = end of February)."""
    try:
        result: date = d + dur
    except (OverflowError, ValueError) as exc:
        raise InvalidInput(
            f"a duration from {d.isoformat()} reaches past the calendar's end"
        ) from exc
    return result


# ---------------------------------------------------------------- times and zones


def parse_time(text: str) -> time:
    """Parse a 24-hour wall-clock time ``HH:MM`` (``9:30`` is fine too)."""
    shown = text.strip()
    accepted = "write a 24-hour time HH:MM such as 09:30 or 23:59"
    m = re.fullmatch(_TIME, _norm(text))
    if m is None:
        raise InvalidInput(f"cannot read {_q(shown)} as a time: {accepted}")
    hour, minute = int(m[1]), int(m[2])
    if hour > 23:
        raise InvalidInput(f"{_q(shown)} is not a time of day: hours run 00..23; {accepted}")
    if minute > 59:
        raise InvalidInput(f"{_q(shown)} is not a time of day: minutes run 00..59; {accepted}")
    return time(hour, minute)


@functools.lru_cache(maxsize=256)
def parse_zone(name: str) -> ZoneInfo:
    """A validated IANA time zone such as ``Europe/Berlin`` or ``UTC``.

    Cached: a listing converts every row's time with the same few zones (IANA data does
    not change while rit runs; an unknown name raises and is not cached).
    """
    message = f"unknown time zone {_q(name)}: use an IANA name such as Europe/Berlin or Asia/Tokyo"
    if not re.fullmatch(_ZONE_NAME, name) or name not in _iana_names():
        raise InvalidInput(message)
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError, UnicodeError) as exc:
        raise InvalidInput(message) from exc


@functools.cache
def _iana_names() -> frozenset[str]:
    """The zone names of the IANA database (the tzdata package's list). The system's
    zoneinfo directory also holds files that are no zone of a place: 'localtime' (this
    machine's zone: another on the next machine or the cron server), 'posixrules',
    'right/…' and 'posix/…' copies."""
    from pathlib import Path

    import tzdata

    return frozenset(Path(tzdata.__file__).with_name("zones").read_text("utf-8").split())


@functools.lru_cache(maxsize=256)
def _stored_zone(name: str) -> ZoneInfo:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError, UnicodeError):
        return parse_zone(name)  # which refuses it with its message


def _zone(zone: str | ZoneInfo) -> ZoneInfo:
    # A zone read back from the database: one a rit before the list check stored is shown.
    return _stored_zone(zone) if isinstance(zone, str) else zone


def _exists(dt: datetime) -> bool:
    """True if the aware wall-clock dt survives a round trip through UTC."""
    back = dt.astimezone(UTC).astimezone(dt.tzinfo)
    return back.replace(tzinfo=None, fold=0) == dt.replace(tzinfo=None, fold=0)


def localize(day: date, at: time, zone: str | ZoneInfo, fold: int | None = None) -> datetime:
    """The aware datetime for wall-clock ``at`` on ``day`` in ``zone``.

    A time skipped by a spring-forward change is refused; a time that happens twice at a
    fall-back change is refused unless ``fold`` is 0 (the first) or 1 (the second).
    """
    tz = _zone(zone)
    if fold not in (None, 0, 1):
        raise InvalidInput(f"--fold {fold} is not allowed: use --fold 0 or --fold 1")
    first = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz)
    second = first.replace(fold=1)
    hhmm = at.strftime("%H:%M") if not at.second else at.strftime("%H:%M:%S")
    ok_first, ok_second = _exists(first), _exists(second)
    if not ok_first and not ok_second:
        raise InvalidInput(
            f"{_q(hhmm)} on {day.isoformat()} does not exist in {tz.key} "
            "(clocks spring forward); choose another time"
        )
    if ok_first and ok_second and first.utcoffset() != second.utcoffset():
        if fold is None:
            raise InvalidInput(
                f"{_q(hhmm)} on {day.isoformat()} happens twice in {tz.key} (clocks fall back); "
                f"use --fold 0 for the first ({first.tzname()}) "
                f"or --fold 1 for the second ({second.tzname()})"
            )
        return second if fold == 1 else first
    return first if ok_first else second.replace(fold=0)


def start_at_place(
    day: date, at: str, zone: str | ZoneInfo, fold: int | None, recorded: datetime | None
) -> datetime:
    """The start at the place: ``at`` (HH:MM) on ``day`` in ``zone``, by the rules of the
    zone as this machine knows them now.

    The instant recorded when the time was given (``starts_utc``) is that start while the
    zone's rules stay as they were. After a change of rules (a tzdata update: a country
    giving up daylight saving) it would name another wall-clock time; the time the user
    gave stands, and the instant follows it (a time the new rules repeat is taken by
    ``fold``, one they skip as the clock then reads)."""
    tz = _zone(zone)
    if recorded is not None:
        local = recorded.astimezone(tz)
        if local.date() == day and f"{local.hour:02d}:{local.minute:02d}" == at:
            return local
    wall = datetime.combine(day, time(int(at[:2]), int(at[3:5])), tzinfo=tz).replace(fold=fold or 0)
    return wall.astimezone(UTC).astimezone(tz)


def same_clock(a: datetime, b: datetime) -> bool:
    """Whether one instant reads the same on the clocks of A's and B's zones (the same
    offset and abbreviation: UTC and Etc/UTC, Berlin and Paris), so that showing it in
    the other zone would only repeat it."""
    return a.utcoffset() == b.utcoffset() and a.tzname() == b.tzname()


def happens_twice(dt: datetime) -> bool:
    """Whether the aware wall-clock dt (one that exists: localize's) happens twice, at a
    fall-back change: only then does its fold tell which."""
    return dt.replace(fold=0).utcoffset() != dt.replace(fold=1).utcoffset()


def convert(dt: datetime, zone: str | ZoneInfo) -> datetime:
    """The same instant as the aware dt, shown in ``zone``."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("convert() needs an aware datetime")
    return dt.astimezone(_zone(zone))


# ---------------------------------------------------------------------- recurrence


def yearly_dates(first: date, until: date) -> list[date]:
    """One date a year from ``first`` up to ``until`` (inclusive).

    A series starting on 29 February falls on 28 February in common years and on
    29 February in leap years, so no year is ever dropped. Every other date (including
    28 February) keeps its month and day.
    """
    if until < first:
        return []
    start = datetime(first.year, first.month, first.day)
    end = datetime(until.year, until.month, until.day)
    from dateutil.rrule import YEARLY, rrule  # only plans need it; keeps start-up lean

    if (first.month, first.day) == (2, 29):
        rule = rrule(YEARLY, dtstart=start, until=end, bymonth=2, bymonthday=-1)
    else:
        rule = rrule(YEARLY, dtstart=start, until=end)
    return [dt.date() for dt in rule]


def _shift_years(d: date, years: int, keep_month_end: bool) -> date:
    from dateutil.relativedelta import relativedelta

    shifted: date = d + relativedelta(years=years)
    return month_end(shifted) if keep_month_end else shifted


def yearly_windows(first: Window, until: date) -> list[Window]:
    """``first`` repeated once a year while the repeated window starts on or before ``until``.

    An end on the last day of its month stays on the last day of the month (so February
    windows grow and shrink with leap years); a start on 29 February moves to 28 February
    in common years. A window crossing New Year shifts as a whole.
    """
    end_is_month_end = first.end == month_end(first.end)
    result: list[Window] = []
    k = 0
    while first.end.year + k <= date.max.year:
        start = _shift_years(first.start, k, keep_month_end=False)
        if start > until:
            break
        end = _shift_years(first.end, k, keep_month_end=end_is_month_end)
        result.append(Window(start, end))
        k += 1
    return result


# ------------------------------------------------------------- added for exchanges


def add_years(d: date, years: int) -> date:
    """d moved by whole years; 29 February becomes 28 February in a common year."""
    return _shift_years(d, years, keep_month_end=False)


def format_days(first: date, last: date) -> str:
    """A fixed span of days: ``2016-10-12`` or ``2016-10-12..2016-10-14``."""
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def format_instant(dt: datetime, with_date: bool = False) -> str:
    """An aware datetime as wall-clock text with its zone abbreviation: ``10:00 JST``."""
    text = f"{dt.hour:02d}:{dt.minute:02d}"  # as strftime("%H:%M"), at a fraction of the cost
    if with_date:
        text = f"{dt.date().isoformat()} {text}"
    return f"{text} {dt.tzname()}"
