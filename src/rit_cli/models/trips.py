"""Delegation trips and their stops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .exchanges import Exchange


@dataclass(frozen=True)
class TripStop:
    """One city of a delegation trip, with the exchanges held there."""

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
    """A delegation trip: its stops in date order."""

    id: int
    uuid: str
    title: str
    start_on: str
    end_on: str
    lead: str | None
    note: str | None
    stops: tuple[TripStop, ...] = ()
