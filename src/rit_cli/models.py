"""Small typed records, converted to and from rows only in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

ORG_KINDS = (
    "cluster",
    "company",
    "research",
    "university",
    "authority",
    "agency",
    "foundation",
    "association",
    "other",
)


@dataclass(frozen=True)
class Org:
    id: int
    uuid: str
    name: str
    short: str | None
    kind: str
    country: str | None
    city: str | None
    region: str | None
    tz: str | None
    website: str | None
    note: str | None
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Contact:
    id: int
    uuid: str
    org_id: int
    org: str
    name: str
    title: str | None
    role: str | None
    email: str | None
    phone: str | None
    note: str | None

    @property
    def full_name(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


@dataclass(frozen=True)
class Change:
    at: str
    table: str
    record_id: int
    action: str
    field: str | None
    old: str | None
    new: str | None


EXCHANGE_TYPES = ("visit", "meeting")
EXCHANGE_STATUSES = ("planned", "scheduled", "done", "cancelled")


@dataclass(frozen=True)
class ExchangeParty:
    """An organisation taking part in an exchange: guest, host or participant."""

    org_id: int
    label: str
    role: str


@dataclass(frozen=True)
class Exchange:
    """A visit or a meeting: a window while planned, fixed days once scheduled."""

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


@dataclass(frozen=True)
class TripStop:
    id: int
    trip_id: int
    city: str
    country: str
    start_on: str
    end_on: str
    org: str | None
    note: str | None
    exchanges: tuple[Exchange, ...] = ()


@dataclass(frozen=True)
class Trip:
    id: int
    uuid: str
    title: str
    start_on: str
    end_on: str
    lead: str | None
    note: str | None
    stops: tuple[TripStop, ...] = ()


# ------------------------------------------------ programmes, agreements, cooperations

AGREEMENT_KINDS = ("loi", "mou", "framework", "contract", "other")
COOPERATION_STATUSES = ("idea", "talks", "agreed", "running", "completed", "dropped")
CONCRETE_STATUSES = ("agreed", "running", "completed")


@dataclass(frozen=True)
class Party:
    id: int
    name: str
    short: str | None

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Extension:
    id: int
    old_until: date | None
    new_until: date
    decided_on: date
    note: str | None


@dataclass(frozen=True)
class Programme:
    id: int
    uuid: str
    name: str
    short: str | None
    run_by: Party | None
    valid_from: date | None
    valid_until: date | None
    note: str | None
    agreements: int = 0
    extensions: tuple[Extension, ...] = ()

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Agreement:
    id: int
    uuid: str
    title: str
    kind: str
    status: str  # derived from the reference day: see schedule.agreement_status
    programme: Party | None  # id, name and short of the programme
    parties: tuple[Party, ...]
    signed_on: date | None
    place: str | None
    valid_from: date | None
    valid_until: date | None
    terminated_on: date | None
    termination_reason: str | None
    visits_per_year: int | None
    each_way: bool
    fields: tuple[str, ...]
    signatories: tuple[Contact, ...]
    note: str | None
    extensions: tuple[Extension, ...] = ()

    @property
    def in_force_from(self) -> date | None:
        return (self.valid_from or self.signed_on) if self.signed_on else None

    @property
    def obligation(self) -> str | None:
        if not self.visits_per_year:
            return None
        plural = "s" if self.visits_per_year > 1 else ""
        each = " each way" if self.each_way else ""
        return f"at least {self.visits_per_year} visit{plural} a year{each}"


@dataclass(frozen=True)
class StatusChange:
    status: str
    changed_on: date
    note: str | None


@dataclass(frozen=True)
class Cooperation:
    id: int
    uuid: str
    title: str
    status: str
    since: date | None
    orgs: tuple[Party, ...]
    agreement: Party | None  # id and title of the agreement
    fields: tuple[str, ...]
    note: str | None
    history: tuple[StatusChange, ...] = ()

    @property
    def concrete_on(self) -> date | None:
        """The first day the plan reached agreed, running or completed."""
        return next((c.changed_on for c in self.history if c.status in CONCRETE_STATUSES), None)


@dataclass(frozen=True)
class FieldUse:
    field: str
    agreements: int
    cooperations: int
    exchanges: int


# ------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class AgreementState:
    """One agreement in the current-state report."""

    agreement: Agreement
    compliance: Any  # schedule.Compliance for this year, or None without an obligation
    next_exchange: Exchange | None


@dataclass(frozen=True)
class CurrentReport:
    today: date
    scope: str
    agreements: list[AgreementState]
    upcoming: list[Exchange]
    upcoming_until: date
    reminders: list[Any]  # reminders.Reminder


@dataclass(frozen=True)
class OrgCount:
    country: str
    kind: str
    count: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class YearReport:
    year: int
    today: date
    scope: str
    held: list[Exchange]
    compliance: list[tuple[Agreement, Any]]  # (agreement, schedule.Compliance)
    cooperations: list[Cooperation]
    orgs: list[OrgCount]
    fields: list[FieldUse]
    trips: list[Trip]
