"""Countries and their time zones, read from the IANA tables that the tzdata package ships."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from .errors import InvalidInput
from .text import short_repr


def _table(name: str) -> list[list[str]]:
    from importlib import resources  # only when a country is checked: not on every start

    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    return {row[0]: row[1] for row in _table("iso3166.tab")}


@cache
def _zones_by_country() -> dict[str, list[str]]:
    zones: dict[str, list[str]] = {}
    for row in _table("zone.tab"):
        zones.setdefault(row[0], []).append(row[2])
    return zones


def zones(code: str) -> list[str]:
    """The IANA zones of a country, in zone.tab's order: east to west or north to south
    more than by population (AU begins with Lord_Howe, CA with St_Johns)."""
    return _zones_by_country().get(code, [])


def zone_hint(code: str | None, org_id: int) -> str:
    """What to say about an organisation left without a zone: its country keeps several.
    Nothing when it keeps one: its zone was cleared on purpose (--tz '')."""
    if code is None or not zones(code) or default_zone(code) is not None:
        return ""
    return (
        f"; no time zone: {code} has several, set one with rit edit-org {org_id} --tz ZONE"
        f" (such as {zones(code)[0]})"
    )


def country(code: str) -> str:
    """Validate an ISO 3166-1 alpha-2 code and return it upper-cased."""
    value = code.strip().upper()
    if value not in countries():
        raise InvalidInput(
            f"unknown country {short_repr(code)}: use an ISO 3166-1 alpha-2 code such as DE or JP"
        )
    return value


@cache
def default_zone(code: str) -> str | None:
    """The country's zone when all of it keeps one time today (DE, JP), else None (US, CN)."""
    names = zones(code)
    if not names:
        return None
    probes = (datetime(2025, 1, 15, 12), datetime(2025, 7, 15, 12))

    def behaviour(zone: str) -> tuple[object, ...]:
        return tuple(ZoneInfo(zone).utcoffset(p) for p in probes)

    if len({behaviour(zone) for zone in names}) == 1:
        return names[0]
    return None
