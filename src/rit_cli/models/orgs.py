"""Organisations, their contacts and the change history of any record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

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
    """An organisation: a cluster, company, university, agency or other partner."""

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
    """A person at an organisation."""

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
    """One recorded change of one field of a record (the history table)."""

    at: str
    table: str
    record_id: int
    action: str
    field: str | None
    old: str | None
    new: str | None
    column: str | None = None  # the row's own field: a stop's 'org_id', not 'stop #3 org_id'
    row_id: int = 0  # the history row's id: rows are numbered in the order they were written


class ShownChange(NamedTuple):
    """A change as people read it: a reference by its label ('agreement', '#1 LoI Kobe–LSN'),
    a yes/no for a flag, names for a list of contact ids; the stored Change alongside."""

    change: Change
    field: str | None
    old: str | None
    new: str | None
    instant: bool  # old and new are UTC instants, shown in the reader's zone


@dataclass(frozen=True)
class Removed:
    """A record a remove-* command took away: what its confirmation names."""

    kind: str  # what it was: agreement, programme, cooperation, visit or meeting
    id: int
    name: str
    uuid: str  # its history stays reachable by it
    series_kept: int = 0  # an exchange's: the others of its yearly plan, which stay
