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


def zone_hint(code: str | None, org_id: int, city: str | None = None) -> str:
    """What to say about an organisation left without a zone: its country keeps several.
    Nothing when it keeps one: its zone was cleared on purpose (--tz '').

    The zone named after its city is offered (Chicago: America/Chicago); zone.tab's first
    is no example for the rest of a country (AU begins with Lord_Howe)."""
    if code is None or not zones(code) or default_zone(code) is not None:
        return ""
    wanted = _plain(city or "")
    named = [zone for zone in zones(code) if _plain(zone.rsplit("/", 1)[-1]) == wanted]
    such = f" ({named[0]} for {city})" if named else ""
    return (
        f"; no time zone: {code} has several, set one with rit edit-org '#{org_id}' --tz ZONE{such}"
    )


def _plain(name: str) -> str:
    """A city's name as zone names spell it: 'São Paulo' -> 'sao_paulo'."""
    import unicodedata

    letters = unicodedata.normalize("NFKD", name.strip().replace(" ", "_"))
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold()


def country(code: str) -> str:
    """Validate an ISO 3166-1 alpha-2 code and return it upper-cased."""
    value = code.strip().upper()
    if value not in countries():
        named = _codes_by_name().get(code.strip().casefold())
        use = (
            f"its ISO 3166-1 alpha-2 code, {named}"
            if named
            else "an ISO 3166-1 alpha-2 code such as DE or JP"
        )
        raise InvalidInput(f"unknown country {short_repr(code)}: use {use}")
    return value


@cache
def _codes_by_name() -> dict[str, str]:
    """English short name, case-folded -> code: a country written out gets its code named."""
    return {name.casefold(): code for code, name in countries().items()}


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
