"""Programmes, agreements and cooperations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .orgs import Contact


AGREEMENT_KINDS = ("loi", "mou", "framework", "contract", "other")
COOPERATION_STATUSES = ("idea", "talks", "agreed", "running", "completed", "dropped")
CONCRETE_STATUSES = ("agreed", "running", "completed")


@dataclass(frozen=True)
class Party:
    """An organisation, programme or agreement as another record names it."""

    id: int
    name: str
    short: str | None

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Extension:
    """A decision that moved an agreement's or programme's end date."""

    id: int
    old_until: date | None
    new_until: date
    decided_on: date
    note: str | None


@dataclass(frozen=True)
class Programme:
    """A funding or support programme that agreements run under (JETRO's RIT)."""

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
    """A letter of intent, MoU or contract between parties, and what it promises."""

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
    valid_until: date | None  # as planned, every extension included
    terminated_on: date | None
    # The last day in force (schedule.AgreementTerms.end): valid_until, or the day before
    # an early termination; None when open-ended. What every listing shows as its end.
    in_force_until: date | None
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
    """One step of a cooperation's status, with the day it happened."""

    status: str
    changed_on: date
    note: str | None


@dataclass(frozen=True)
class Cooperation:
    """A joint project or plan between organisations, tracked from idea to result."""

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
    """How often a field of action is named by agreements, cooperations and exchanges."""

    field: str
    agreements: int
    cooperations: int
    exchanges: int
