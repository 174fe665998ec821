"""Contacts: people at organisations (personal data)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import Conflict, InvalidInput
from ..models.orgs import Contact
from ..text import MAX_TEXT, clean, email, key, short_repr
from . import References, RefSpec, batches, delete, insert, resolve, update
from .orgs import find_org

CONTACT = RefSpec(
    "contacts",
    "contact",
    "name",
    ("name_key",),
    context="(SELECT coalesce(short, name) FROM orgs WHERE orgs.id = contacts.org_id)",
)

_SELECT = (
    "SELECT c.*, coalesce(o.short, o.name) AS org FROM contacts c JOIN orgs o ON o.id = c.org_id"
)


@dataclass(frozen=True)
class ContactInput:
    """What the user gave for a new or changed contact; None means not given."""

    name: str | None = None
    org: str | None = None
    title: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None


def _row_to_contact(row: sqlite3.Row) -> Contact:
    return Contact(
        id=row["id"],
        uuid=row["uuid"],
        org_id=row["org_id"],
        org=row["org"],
        name=row["name"],
        title=row["title"],
        role=row["role"],
        email=row["email"],
        phone=row["phone"],
        note=row["note"],
    )


def _phone(value: str) -> str | None:
    text = clean(value, "phone", limit=60, required=False)
    if text and not any(c.isdigit() for c in text):
        raise InvalidInput(f"phone {short_repr(text)} has no digits")
    return text


def _values(conn: sqlite3.Connection, data: ContactInput) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if data.name is not None:
        values["name"] = clean(data.name, "name")
        values["name_key"] = key(values["name"])
    if data.org is not None:
        values["org_id"] = find_org(conn, data.org).id
    for column in ("title", "role"):
        given = getattr(data, column)
        if given is not None:
            values[column] = clean(given, column, required=False)
    if data.email is not None:
        values["email"] = email(data.email) if data.email.strip() else None
    if data.phone is not None:
        values["phone"] = _phone(data.phone)
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    return values


def add_contact(conn: sqlite3.Connection, data: ContactInput) -> Contact:
    if data.name is None or data.org is None:
        raise InvalidInput("a contact needs a name and an organisation (--org)")
    values = _values(conn, data)
    _refuse_twin(conn, values["name"], values["name_key"], values["org_id"], 0)
    return get_contact(conn, insert(conn, "contacts", values))


def _refuse_twin(
    conn: sqlite3.Connection, name: str, name_key: str, org_id: int, contact_id: int
) -> None:
    """One person of a name per organisation: two would be ambiguous to refer to."""
    same = conn.execute(
        "SELECT id FROM contacts WHERE name_key = ? AND org_id = ? AND id != ?",
        (name_key, org_id, contact_id),
    ).fetchone()
    if same is not None:
        raise Conflict(
            f"contact {short_repr(name)} already exists at that organisation as #{same['id']}"
        )


# What edit-* takes: given none of it, there is nothing to change.
EDITABLE = "--name, --org, --title, --role, --email, --phone or --note"


def edit_contact(
    conn: sqlite3.Connection, ref: str, data: ContactInput
) -> tuple[Contact, list[str]]:
    if data == ContactInput():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    current = resolve(conn, CONTACT, ref)
    values = _values(conn, data)
    if "name_key" in values or "org_id" in values:
        _refuse_twin(
            conn,
            values.get("name", current["name"]),
            values.get("name_key", current["name_key"]),
            values.get("org_id", current["org_id"]),
            current["id"],
        )
    changed = update(conn, "contacts", current["id"], values)
    return get_contact(conn, current["id"]), [
        c.removesuffix("_id") for c in changed if not c.endswith("_key")
    ]


def get_contact(conn: sqlite3.Connection, contact_id: int) -> Contact:
    return _row_to_contact(conn.execute(_SELECT + " WHERE c.id = ?", (contact_id,)).fetchone())


def contacts_by_id(conn: sqlite3.Connection, contact_ids: Iterable[int]) -> dict[int, Contact]:
    """Many contacts at once, fetched in batches (a list of agreements shows their
    signatories: a query per contact would grow with the list)."""
    ids = sorted(set(contact_ids))
    found: dict[int, Contact] = {}
    for chunk, marks in batches(ids):
        for row in conn.execute(_SELECT + f" WHERE c.id IN ({marks})", chunk):
            found[row["id"]] = _row_to_contact(row)
    return found


def find_contact(conn: sqlite3.Connection, ref: str) -> Contact:
    return get_contact(conn, resolve(conn, CONTACT, ref)["id"])


def list_contacts(conn: sqlite3.Connection, org: str | None = None) -> list[Contact]:
    if org is not None:
        rows = conn.execute(
            _SELECT + " WHERE c.org_id = ? ORDER BY c.name_key, c.id", (find_org(conn, org).id,)
        )
    else:
        rows = conn.execute(_SELECT + " ORDER BY o.name_key, c.name_key, c.id")
    return [_row_to_contact(r) for r in rows]


# The records that refer to a contact, by kind (see References).
_REFERENCES = {
    "agreement": (
        "SELECT a.id, a.title FROM agreement_signatories s JOIN agreements a "
        "ON a.id = s.agreement_id WHERE s.contact_id = :id ORDER BY a.id"
    ),
    "exchange": (
        "SELECT e.id, e.title FROM exchange_participants p JOIN exchanges e "
        "ON e.id = p.exchange_id WHERE p.contact_id = :id ORDER BY e.id"
    ),
}


def references_to_contact(conn: sqlite3.Connection, contact_id: int) -> References:
    """Every agreement the contact signed and exchange they took part in."""
    return References(conn, _REFERENCES, contact_id)


def remove_contact(conn: sqlite3.Connection, ref: str) -> Contact:
    contact = find_contact(conn, ref)
    listed = "; ".join(references_to_contact(conn, contact.id).summary())
    if listed:
        raise Conflict(
            f"contact {short_repr(contact.name)} is still referred to by {listed}; "
            "remove them there first, or use forget-contact to erase the person everywhere"
        )
    delete(conn, "contacts", contact.id)
    return contact
