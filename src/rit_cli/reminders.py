"""What needs attention as of a day: pure classification of exchanges and agreements.

Nothing here reads the clock or the database; the store hands in the facts and ``today``.

Kinds, in the order a person deals with them:

- ``overdue``: a fixed day has passed and the exchange is neither done nor cancelled
  (a timed one's last day in the user's days and at the place);
- ``window-closed``: a window ended without a fixed day;
- ``decide-overdue``: the decide-by date has passed and the day is still open;
- ``upcoming``: a fixed day (or a multi-day visit in progress) within the horizon, a timed
  one's day being the user's day of its start;
- ``decide-by``: the decide-by date falls within the horizon;
- ``window-opens``: a window opens within the horizon, its day not fixed;
- ``window-closes``: an open window ends within the horizon, its day not fixed;
- ``expiring``: an agreement or programme ends within the expiry horizon;
- ``at-risk``: this year's visit obligation of an agreement cannot be met by what is
  held and planned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from .dates import format_days, format_span

KINDS = (
    "overdue",
    "window-closed",
    "decide-overdue",
    "upcoming",
    "decide-by",
    "window-opens",
    "window-closes",
    "expiring",
    "at-risk",
)


# A start's day in the user's zone is at most two days from its day at the place: zones
# are at most 26 hours apart (UTC-12 to UTC+14).
ZONE_SPREAD = timedelta(days=2)


class ExchangeFact(NamedTuple):
    """An open exchange as classify_exchange needs it (the store reads it in bulk).

    Named tuples, this and Reminder: remind builds one of each for every line it prints.
    """

    id: int
    uuid: str
    type: str
    title: str
    status: str
    start: date
    end: date
    decide_by: date | None
    fixed: bool
    at: str | None = None
    tz: str | None = None
    starts_utc: datetime | None = None  # as recorded; the time given at the place stands
    place: str | None = None
    fold: int | None = None


class Reminder(NamedTuple):
    """One thing that needs attention: the record, the day it is due and what to do."""

    kind: str
    on: date
    record: str  # exchange | agreement | programme
    record_id: int
    uuid: str
    title: str
    message: str
    days_left: int
    start: date | None = None
    end: date | None = None
    local_time: str | None = None
    user_time: str | None = None
    starts_utc: datetime | None = None  # orders one day's items by their time

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record}:{self.uuid}"

    @property
    def fingerprint(self) -> str:
        """Changes when the item's dates or time change, so a moved item counts as new.

        Not with the passing days: a visit under way is due "today" every day it lasts, so
        an upcoming item is known by its start, not by the day it is due.
        """
        import hashlib  # only --new needs it; loading OpenSSL costs about 3 ms

        on = self.start if self.kind == "upcoming" and self.start is not None else self.on
        parts = (self.kind, on, self.start, self.end, self.local_time)
        return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def _in(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    if days == -1:
        return "yesterday"
    return f"{-days} days ago"


def _times(fact: ExchangeFact, user_zone: str) -> tuple[str | None, str | None, date]:
    """'10:00 JST' at the place and '03:00 CEST' in the user's zone (with the date when it
    differs), written as agenda writes them, so the two sides of a clock change differ;
    and the user's day of the start, which 'today' and 'tomorrow' count from (07:00 in
    Kobe is 23:00 the evening before in Hamburg)."""
    if fact.at is None or fact.tz is None:
        return None, None, fact.start
    if fact.starts_utc is None:
        return f"{fact.at} {fact.tz}", None, fact.start
    from .dates import convert, format_instant, same_clock, start_at_place

    local = start_at_place(fact.start, fact.at, fact.tz, fact.fold, fact.starts_utc)
    if fact.tz == user_zone:
        return format_instant(local), None, fact.start
    mine = convert(local, user_zone)
    day = mine.date()
    if same_clock(mine, local):
        return format_instant(local), None, day  # the same text again
    return format_instant(local), format_instant(mine, with_date=day != local.date()), day


def classify_exchange(
    fact: ExchangeFact, today: date, horizon: date, user_zone: str
) -> Reminder | None:
    """The one reminder an exchange deserves today, if any (the most pressing one)."""
    # Fixed days read as agenda writes them: 30 days from 1 September are not the window
    # '2016-09'.
    window = (format_days if fact.fixed else format_span)(fact.start, fact.end)

    def item(
        kind: str, on: date, message: str, local: str | None = None, mine: str | None = None
    ) -> Reminder:
        return Reminder(
            kind,
            on,
            "exchange",
            fact.id,
            fact.uuid,
            fact.title,
            message,
            (on - today).days,
            fact.start,
            fact.end,
            local,
            mine,
            fact.starts_utc,
        )

    if fact.status == "scheduled":
        # Over once its last day has passed at the place and in the user's days: those of
        # its start there and as many after as it lasts (20:00 in Hamburg is the next day
        # in Kobe). The place's day counts too: 07:00 in Kobe is the evening before in
        # Hamburg, and under way there the next day while it is that day in Kobe. Over in
        # every zone (most overdue exchanges): decided without converting its time.
        if fact.end < today and (
            fact.end + ZONE_SPREAD < today
            or _times(fact, user_zone)[2] + (fact.end - fact.start) < today
        ):
            # A visit of several days is late since its last day, not its first.
            when = _in((fact.end - today).days)
            when = when if fact.end == fact.start else f"ended {when}"
            return item(
                "overdue", fact.start, f"was on {window} ({when}); mark it done or cancel it"
            )
        if fact.start > horizon and fact.start - ZONE_SPREAD > horizon:
            return None  # beyond the horizon in every zone: no time to convert
        local, mine, day = _times(fact, user_zone)
        # Due on the user's day, as the message counts it, its date and days_left too;
        # and so is the horizon reached.
        if day > horizon:
            return None
        at = f" at {local}" if local else ""
        also = f" ({mine})" if mine else ""
        if day >= today:
            message = f"on {window}{at}{also}, {_in((day - today).days)}"
        else:
            message = f"under way ({window}){at}{also}"
        return item("upcoming", max(day, today), message, local, mine)
    if fact.status != "planned":
        return None
    if fact.end < today:
        return item(
            "window-closed",
            fact.end,
            f"window {window} closed on {fact.end.isoformat()} without a fixed day",
        )
    if fact.decide_by is not None and fact.decide_by < today:
        return item(
            "decide-overdue",
            fact.decide_by,
            f"the day should have been fixed by {fact.decide_by.isoformat()} (window {window})",
        )
    if fact.decide_by is not None and fact.decide_by <= horizon:
        return item(
            "decide-by",
            fact.decide_by,
            f"fix the day by {fact.decide_by.isoformat()}, "
            f"{_in((fact.decide_by - today).days)} (window {window})",
        )
    if today <= fact.start <= horizon:
        return item(
            "window-opens",
            fact.start,
            f"window {window} opens {_in((fact.start - today).days)}; day not fixed",
        )
    if fact.start < today and fact.end <= horizon:
        return item(
            "window-closes",
            fact.end,
            f"window {window} closes {_in((fact.end - today).days)}; day not fixed",
        )
    return None


# Where an item without a time sorts among the timed ones of its day: first, as in agenda.
_ALL_DAY = datetime.min.replace(tzinfo=UTC)


def sort_key(reminder: Reminder) -> tuple[date, int, datetime, str, int]:
    """By day and kind, then a day's exchanges in the order of their start times."""
    return (
        reminder.on,
        KINDS.index(reminder.kind),
        reminder.starts_utc or _ALL_DAY,
        reminder.record,
        reminder.record_id,
    )
