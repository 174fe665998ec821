"""What `rit report` shows: the current state, or one year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .agreements import Agreement, Cooperation, FieldUse
    from .exchanges import Exchange, ExchangeLine
    from .trips import Trip


@dataclass(frozen=True)
class AgreementState:
    """One agreement in the current-state report."""

    agreement: Agreement
    compliance: Any  # schedule.Compliance for this year, or None without an obligation
    next_exchange: Exchange | None


@dataclass(frozen=True)
class CurrentReport:
    """The current state: agreements, what is coming up, and the reminders."""

    today: date
    scope: str
    agreements: list[AgreementState]
    upcoming: list[Exchange | ExchangeLine]  # in full (Exchange) for the JSON report
    upcoming_until: date
    reminders: list[Any]  # reminders.Reminder


@dataclass(frozen=True)
class OrgCount:
    """Organisations taking part in a year, counted by country and kind."""

    country: str
    kind: str
    count: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class YearReport:
    """What came of one year: visits held, obligations met, cooperations, trips."""

    year: int
    today: date
    scope: str
    held: list[Exchange]
    compliance: list[tuple[Agreement, Any]]  # (agreement, schedule.Compliance)
    cooperations: list[Cooperation]
    orgs: list[OrgCount]
    fields: list[FieldUse]
    trips: list[Trip]
