"""Visits and meetings as the store reads them."""

from __future__ import annotations

from typing import NamedTuple

EXCHANGE_TYPES = ("visit", "meeting")
EXCHANGE_STATUSES = ("planned", "scheduled", "done", "cancelled")
# The columns an exported calendar event shows (ics.py: summary, location, description,
# start, end, status): a change to one (by an edit or a merge) raises the exchange's
# sequence, so subscribed calendars take the change.
CALENDAR_COLUMNS = frozenset(
    "type title status host_id place online tz window_start window_end decide_by day days"
    " at fold starts_utc start_on end_on purpose note".split()
)


class ExchangeParty(NamedTuple):
    """An organisation taking part in an exchange: guest, host or participant.

    A named tuple, not a dataclass: listings build one for every party of every line.
    """

    org_id: int
    label: str
    role: str


class Exchange(NamedTuple):
    """A visit or a meeting: a window while planned, fixed days once scheduled.

    A named tuple: reports and exports build thousands, and a frozen dataclass of 32
    fields costs six times as much to build, field by field.
    """

    id: int
    uuid: str
    type: str
    title: str
    status: str
    host_id: int | None
    place: str | None
    online: bool
    tz: str | None
    window_start: str | None
    window_end: str | None
    decide_by: str | None
    day: str | None
    days: int
    at: str | None
    fold: int | None
    starts_utc: str | None
    start_on: str
    end_on: str
    agreement_id: int | None
    agreement: str | None
    stop_id: int | None
    stop: str | None
    series: str | None
    purpose: str | None
    outcome: str | None
    cancel_reason: str | None
    sequence: int
    note: str | None
    parties: tuple[ExchangeParty, ...] = ()
    fields: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()

    def labels(self, role: str) -> list[str]:
        return [p.label for p in self.parties if p.role == role]


class ExchangeLine(NamedTuple):
    """What a line of a listing shows of an exchange: its date, time, parties and place.

    `rit agenda` and the report's next days build one per line, from the few columns they
    show; the full Exchange (notes, fields, participants, agreement, trip stop) is loaded
    only for --json. Same names as Exchange, so the presentation functions take either.
    """

    id: int
    type: str
    title: str
    status: str
    place: str | None
    online: bool
    tz: str | None
    window_start: str | None
    window_end: str | None
    day: str | None
    at: str | None
    fold: int | None
    start_on: str
    end_on: str
    starts_utc: str | None
    agreement_id: int | None
    parties: tuple[ExchangeParty, ...] = ()

    def labels(self, role: str) -> list[str]:
        return [p.label for p in self.parties if p.role == role]
