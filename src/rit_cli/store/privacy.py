"""Erasing a person: every trace of a contact, leaving only the fact that it was erased."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from . import now, resolve
from .contacts import CONTACT

# Link tables that point at a contact: (table, column).
_CONTACT_LINKS = (
    ("agreement_signatories", "contact_id"),
    ("exchange_participants", "contact_id"),
)

ERASED = "(erased)"


@dataclass(frozen=True)
class Erasure:
    """What forget-contact removed (links, the person's history) and scrubbed, counted."""

    contact_id: int
    uuid: str
    links: int  # rows removed from link tables (signatories, participants)
    history_removed: int  # history rows about the contact itself
    history_scrubbed: int  # other history rows whose values mentioned the person


def describe_contact(conn: sqlite3.Connection, ref: str) -> tuple[int, str]:
    """The id and display name of the contact REF names (for a confirmation prompt)."""
    row = resolve(conn, CONTACT, ref)
    return row["id"], row["name"]


def _identifiers(row: sqlite3.Row) -> list[str]:
    """The person's identifying strings, longest first, so 'Dr. X' goes before 'X'."""
    values = {row["name"], row["email"], row["phone"]}
    if row["title"] and row["name"]:
        values.add(f"{row['title']} {row['name']}")
    return sorted((v for v in values if v and len(v.strip()) >= 2), key=len, reverse=True)


def _scrub(value: str | None, pattern: re.Pattern[str]) -> str | None:
    if value is None:
        return None
    return pattern.sub(ERASED, value)


def forget_contact(conn: sqlite3.Connection, ref: str) -> Erasure:
    """Delete the contact, its links, its history and every history value naming it."""
    found = resolve(conn, CONTACT, ref)
    contact_id, contact_uuid = found["id"], found["uuid"]
    links = 0
    for table, column in _CONTACT_LINKS:
        links += conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (contact_id,)).rowcount
    history_removed = conn.execute(
        "DELETE FROM history WHERE (table_name = 'contacts' AND record_id = ?) OR record_uuid = ?",
        (contact_id, contact_uuid),
    ).rowcount

    # Other records' history may have stored the person's name, e-mail or phone as a value
    # (a participant list, a signatory): replace just those words, keep the rest.
    identifiers = _identifiers(found)
    scrubbed = 0
    if identifiers:
        # Whole words only, so erasing "Li" leaves "Life Science Nord" alone.
        alternatives = "|".join(re.escape(v) for v in identifiers)
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        for row in conn.execute(
            "SELECT id, old, new FROM history WHERE old IS NOT NULL OR new IS NOT NULL"
        ).fetchall():
            old, new = _scrub(row["old"], pattern), _scrub(row["new"], pattern)
            if (old, new) != (row["old"], row["new"]):
                conn.execute(
                    "UPDATE history SET old = ?, new = ? WHERE id = ?", (old, new, row["id"])
                )
                scrubbed += 1

    # Search-index triggers (if any) remove the row from the index on this DELETE.
    conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
    conn.execute(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, old, new)"
        " VALUES (?, 'contacts', ?, ?, 'erase', NULL, NULL, NULL)",
        (now(), contact_id, contact_uuid),
    )
    _merge_search_indexes(conn)
    return Erasure(contact_id, contact_uuid, links, history_removed, scrubbed)


def _merge_search_indexes(conn: sqlite3.Connection) -> None:
    # An FTS5 delete only adds a tombstone; 'optimize' merges the segments so the erased
    # words leave the index's pages too.
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        " AND lower(sql) LIKE '%using fts5%'"
    ).fetchall():
        quoted = '"' + name.replace('"', '""') + '"'
        conn.execute(f"INSERT INTO {quoted}({quoted}) VALUES ('optimize')")


def purge_free_space(conn: sqlite3.Connection) -> bool:
    """Rewrite the file and empty the WAL so no freed page keeps erased data.

    Runs outside any transaction; returns False when another process kept the WAL busy.
    """
    conn.execute("VACUUM")
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
