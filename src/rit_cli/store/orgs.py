"""Organisations."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from .. import places
from ..dates import parse_zone
from ..errors import Conflict, InvalidInput
from ..models.orgs import ORG_KINDS, Org
from ..text import MAX_TEXT, clean, key, one_tag, short_repr, tags
from . import References, RefSpec, delete, insert, links, resolve, set_links, update

ORG = RefSpec("orgs", "organisation", "name", ("name_key", "short_key"), "short")


@dataclass(frozen=True)
class OrgInput:
    """What the user gave for an organisation; None means 'not given'."""

    name: str | None = None
    short: str | None = None
    kind: str | None = None
    country: str | None = None
    city: str | None = None
    region: str | None = None
    tz: str | None = None
    website: str | None = None
    note: str | None = None
    tags: tuple[str, ...] | None = None


def _row_to_org(conn: sqlite3.Connection, row: sqlite3.Row) -> Org:
    return Org(
        id=row["id"],
        uuid=row["uuid"],
        name=row["name"],
        short=row["short"],
        kind=row["kind"],
        country=row["country"],
        city=row["city"],
        region=row["region"],
        tz=row["tz"],
        website=row["website"],
        note=row["note"],
        tags=tuple(links(conn, "org_tags", "org_id", row["id"], "tag")),
    )


def kind(value: str) -> str:
    wanted = value.strip().casefold()
    if wanted not in ORG_KINDS:
        raise InvalidInput(f"unknown kind {short_repr(value)}: use one of {', '.join(ORG_KINDS)}")
    return wanted


_SPACE = re.compile(r"\s")


def _website(value: str) -> str | None:
    text = clean(value, "website", limit=500, required=False)
    if text and (_SPACE.search(text) or "." not in text):
        raise InvalidInput(f"website {short_repr(text)} is not a web address like example.org")
    return text


def _check_unique(conn: sqlite3.Connection, values: dict[str, Any], own_id: int | None) -> None:
    # Names and short names share one namespace, so every reference stays unambiguous.
    for column in ("name_key", "short_key"):
        wanted = values.get(column)
        if not wanted:
            continue
        row = conn.execute(
            "SELECT id, name FROM orgs WHERE (name_key = ? OR short_key = ?) AND id IS NOT ?",
            (wanted, wanted, own_id),
        ).fetchone()
        if row is not None:
            what = "name" if column == "name_key" else "short name"
            shown = values["name"] if column == "name_key" else values["short"]
            raise Conflict(
                f"{what} {short_repr(shown)} is already used by organisation "
                f"#{row['id']} {short_repr(row['name'])}"
            )


def _values(data: OrgInput, current: sqlite3.Row | None) -> dict[str, Any]:
    """Validate given fields into column values (only those given)."""
    values: dict[str, Any] = {}
    if data.name is not None:
        values["name"] = clean(data.name, "name")
        values["name_key"] = key(values["name"])
    if data.short is not None:
        values["short"] = clean(data.short, "short name", limit=40, required=False)
        values["short_key"] = key(values["short"]) if values["short"] else None
    if data.kind is not None:
        values["kind"] = kind(data.kind)
    if data.country is not None:
        values["country"] = places.country(data.country) if data.country.strip() else None
    for column in ("city", "region"):
        given = getattr(data, column)
        if given is not None:
            values[column] = clean(given, column, required=False)
    if data.website is not None:
        values["website"] = _website(data.website)
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    if data.tz is not None:
        values["tz"] = parse_zone(data.tz).key if data.tz.strip() else None
    elif "country" in values and (current is None or _zone_left(current, values["country"])):
        values["tz"] = places.default_zone(values["country"]) if values["country"] else None
    return values


def _zone_left(current: sqlite3.Row, country: str | None) -> bool:
    """Whether a new country takes the organisation's zone with it: it has none, or one of
    the country it leaves that is not the new one's (DE -> JP: Europe/Berlin goes). A zone
    set apart from its country (UTC for a network spread over several) stays, and so does
    every zone when the country is cleared (no longer known is not elsewhere)."""
    zone = current["tz"]
    if zone is None:
        return True
    if country is None or current["country"] is None:
        return False
    return zone in places.zones(current["country"]) and zone not in places.zones(country)


def add_org(conn: sqlite3.Connection, data: OrgInput) -> Org:
    if data.name is None:
        raise InvalidInput("an organisation needs a name")
    values = _values(data, None)
    values.setdefault("kind", "other")
    _check_unique(conn, values, None)
    org_id = insert(conn, "orgs", values)
    if data.tags:
        set_links(conn, "org_tags", "org_id", org_id, "tag", tags(data.tags))
    return get_org(conn, org_id)


# What edit-* takes: given none of it, there is nothing to change.
EDITABLE = "--name, --short, --kind, --country, --city, --region, --tz, --website, --tag or --note"


def edit_org(
    conn: sqlite3.Connection, ref: str, data: OrgInput
) -> tuple[Org, list[str], list[int]]:
    """Change an organisation; also the ids of the visits whose default title follows its
    new short name or name."""
    if data == OrgInput():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    current = resolve(conn, ORG, ref)
    values = _values(data, current)
    merged = {"name": current["name"], "short": current["short"], **values}
    _check_unique(conn, {**merged, **values}, current["id"])
    changed = list(update(conn, "orgs", current["id"], values))
    if data.tags is not None:
        old = links(conn, "org_tags", "org_id", current["id"], "tag")
        new = tags(data.tags)
        if old != new:
            set_links(conn, "org_tags", "org_id", current["id"], "tag", new)
            from . import record_history, touch

            touch(conn, "orgs", current["id"])
            record_history(
                conn,
                "orgs",
                current["id"],
                current["uuid"],
                "update",
                {"tags": (", ".join(old) or None, ", ".join(new) or None)},
            )
            changed.append("tags")
    org = get_org(conn, current["id"])
    followed: list[int] = []
    old_label = current["short"] or current["name"]
    if org.label != old_label or org.name != current["name"]:
        from .scheduling import follow_org_label

        followed = follow_org_label(conn, org.id, old_label)
    return org, [c for c in changed if not c.endswith("_key")], followed


def get_org(conn: sqlite3.Connection, org_id: int) -> Org:
    row = conn.execute("SELECT * FROM orgs WHERE id = ?", (org_id,)).fetchone()
    return _row_to_org(conn, row)


def find_org(conn: sqlite3.Connection, ref: str) -> Org:
    return _row_to_org(conn, resolve(conn, ORG, ref))


def list_orgs(
    conn: sqlite3.Connection,
    *,
    kind_filter: str | None = None,
    country: str | None = None,
    tag_filter: str | None = None,
) -> list[Org]:
    where, params = [], []
    if kind_filter is not None:
        where.append("kind = ?")
        params.append(kind(kind_filter))
    if country is not None:
        where.append("country = ?")
        params.append(places.country(country))
    if tag_filter is not None:
        where.append("id IN (SELECT org_id FROM org_tags WHERE tag = ?)")
        params.append(one_tag(tag_filter))
    sql = "SELECT * FROM orgs"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY name_key", params).fetchall()
    tags: dict[int, list[str]] = {}
    for org_id, value in conn.execute("SELECT org_id, tag FROM org_tags ORDER BY org_id, tag"):
        tags.setdefault(org_id, []).append(value)
    return [
        Org(
            id=r["id"],
            uuid=r["uuid"],
            name=r["name"],
            short=r["short"],
            kind=r["kind"],
            country=r["country"],
            city=r["city"],
            region=r["region"],
            tz=r["tz"],
            website=r["website"],
            note=r["note"],
            tags=tuple(tags.get(r["id"], ())),
        )
        for r in rows
    ]


# What may refer to an organisation: (table, column, label, how to name the referrer).
# The records that refer to an organisation, by kind (see References).
_REFERENCES = {
    "contact": "SELECT id, name FROM contacts WHERE org_id = :id ORDER BY id",
    "programme": "SELECT id, name FROM programmes WHERE run_by = :id ORDER BY id",
    "agreement": (
        "SELECT a.id, a.title FROM agreement_parties p JOIN agreements a "
        "ON a.id = p.agreement_id WHERE p.org_id = :id ORDER BY a.id"
    ),
    "exchange": (
        "SELECT id, title FROM exchanges WHERE id IN "
        "(SELECT exchange_id FROM exchange_orgs WHERE org_id = :id "
        "UNION ALL SELECT id FROM exchanges WHERE host_id = :id) ORDER BY id"
    ),
    "cooperation": (
        "SELECT c.id, c.title FROM cooperation_orgs o JOIN cooperations c "
        "ON c.id = o.cooperation_id WHERE o.org_id = :id ORDER BY c.id"
    ),
    "trip stop": "SELECT id, city FROM trip_stops WHERE org_id = :id ORDER BY id",
}


def references_to_org(conn: sqlite3.Connection, org_id: int) -> References:
    """Every record that refers to the organisation, by kind: '#3 LoI Kobe–LSN'."""
    return References(conn, _REFERENCES, org_id)


def remove_org(conn: sqlite3.Connection, ref: str) -> Org:
    org = find_org(conn, ref)
    listed = "; ".join(references_to_org(conn, org.id).summary())
    if listed:
        raise Conflict(
            f"organisation {short_repr(org.name)} is still referred to by {listed}; "
            "remove or change those first"
        )
    set_links(conn, "org_tags", "org_id", org.id, "tag", [])
    delete(conn, "orgs", org.id)
    return org
