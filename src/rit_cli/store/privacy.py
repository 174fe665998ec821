"""Erasing a person: every trace of a contact, leaving only the fact that it was erased."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Conflict, NotFound
from ..text import key, short_repr
from . import now, record_history, resolve
from .contacts import CONTACT

# Link tables that point at a contact: (table, column).
_CONTACT_LINKS = (
    ("agreement_signatories", "contact_id"),
    ("exchange_participants", "contact_id"),
)

# The person's own fields whose values identify them, now or in their history; a title
# ('Dr.') only together with a name.
_IDENTIFYING = ("name", "title", "email", "phone")

# Live text written about something, where a person may be named in passing: the same
# free text whose history values are scrubbed. Titles too (their key follows). Not the
# names, e-mails or phones of organisations and other contacts: those name someone else.
_FREE_TEXT: dict[str, tuple[str, ...]] = {
    "orgs": ("note",),
    "contacts": ("role", "note"),
    "programmes": ("note",),
    "agreements": ("title", "place", "termination_reason", "note"),
    "extensions": ("note",),
    "trips": ("title", "lead", "note"),
    "trip_stops": ("note",),
    "exchanges": ("title", "place", "purpose", "outcome", "cancel_reason", "note"),
    "cooperations": ("title", "note"),
}

# What organisations and other contacts are called, in their own records and history:
# never erased, since it names someone else.
_OTHERS_NAMES: dict[str, tuple[str, ...]] = {
    "orgs": ("name", "short", "website"),
    "contacts": ("name", "title", "email", "phone"),
}

# Scripts written without spaces between words: a name there ends where the next word
# begins, so it cannot be told from its neighbours by a word boundary.
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "THAI", "LAO", "KHMER")

_MENTIONS = "rit_mentions_erased"  # the SQL function that finds rows worth scrubbing

ERASED = "(erased)"


@dataclass(frozen=True)
class Erasure:
    """What forget-contact removed (links, the person's history) and scrubbed, counted."""

    contact_id: int
    uuid: str
    links: int  # rows removed from link tables (signatories, participants)
    history_removed: int  # history rows about the contact itself
    history_scrubbed: int  # other history rows whose values mentioned the person
    records_scrubbed: int  # live records whose text mentioned the person


def describe_contact(conn: sqlite3.Connection, ref: str) -> tuple[int, str]:
    """The id and display name of the contact REF names (for a confirmation prompt)."""
    found, _ = _find(conn, ref)
    return found["id"], found["name"]


def _find(conn: sqlite3.Connection, ref: str) -> tuple[dict[str, Any], bool]:
    """The contact REF names, and whether it is live. One remove-contact took out is found
    as rit history finds it (the name it last had, its id with its kind, its uuid): its
    history still holds the person. Its fields are then only in that history."""
    try:
        return dict(resolve(conn, CONTACT, ref)), True
    except NotFound:
        from .history import find_record

        _, contact_id, _, uuid = find_record(conn, ref, "contact")
    live = conn.execute("SELECT * FROM contacts WHERE uuid = ?", (uuid,)).fetchone()
    if live is not None:
        return dict(live), True
    rows = conn.execute(
        "SELECT action, field, new FROM history WHERE record_uuid = ? ORDER BY id", (uuid,)
    ).fetchall()
    if not any(r["action"] == "delete" for r in rows):
        raise NotFound(f"contact #{contact_id} {short_repr(uuid)} is erased already")
    names = [r["new"] for r in rows if r["field"] == "name" and r["new"]]
    removed = dict.fromkeys(_IDENTIFYING)
    return {**removed, "id": contact_id, "uuid": uuid, "name": names[-1] if names else uuid}, False


def _identifiers(conn: sqlite3.Connection, row: Mapping[str, Any]) -> list[str]:
    """Every name, e-mail and phone the person has had (the record and its history), and
    each name after each title, longest first: 'Dr. X' goes before 'X', 'X-Straße' before 'X'.

    The history is read by the contact's uuid only: an id can be reused by a later contact.
    """
    changes = conn.execute(
        "SELECT field, old, new FROM history WHERE table_name = 'contacts' AND record_uuid = ?"
        f" AND field IN ({', '.join('?' for _ in _IDENTIFYING)})",
        (row["uuid"], *_IDENTIFYING),
    )
    return identifiers_of(row, changes)


def identifiers_of(
    record: Mapping[str, Any] | sqlite3.Row, changes: Iterable[Sequence[Any]]
) -> list[str]:
    """The identifiers (as _identifiers) of a contact record and its (field, old, new)
    history, wherever they come from: our database, or a partner's file (merge)."""
    had: dict[str, set[str]] = {field: {record[field]} for field in _IDENTIFYING}
    for field, old, new in changes:
        if field in had:
            had[field].update((old, new))
    known = {field: {v.strip() for v in values if v and v.strip()} for field, values in had.items()}
    titles = known.pop("title")
    values = set().union(*known.values())
    values.update(f"{title} {name}" for title in titles for name in known["name"])
    return sorted((v for v in values if len(v) >= 2), key=lambda v: (-len(v), v))


def _spaced(char: str) -> bool:
    return not unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


def _unspaced(left: str, right: str) -> bool:
    return not _spaced(left) and not _spaced(right)


def _pattern(identifiers: list[str]) -> re.Pattern[str]:
    """The identifiers as whole words, in that order, any run of spaces matching any other."""

    def alternative(value: str) -> str:
        # Between two characters of a script written without spaces (山田 花子, 山田花子)
        # any spacing or none; elsewhere a run of spaces for a run of spaces.
        body, previous = [], ""
        for part in value.split():
            if previous:
                body.append(r"\s*" if _unspaced(previous, part[0]) else r"\s+")
            for i, char in enumerate(part):
                if i and _unspaced(part[i - 1], char):
                    body.append(r"\s*")
                body.append(re.escape(char))
            previous = part[-1]
        # Whole words only, so erasing "Li" leaves "Life Science Nord" alone.
        before = r"(?<!\w)" if _spaced(value[0]) else ""
        after = r"(?!\w)" if _spaced(value[-1]) else ""
        return before + "".join(body) + after

    return re.compile("|".join(alternative(v) for v in identifiers), re.IGNORECASE)


def _scrub(value: str | None, pattern: re.Pattern[str]) -> str | None:
    if value is None:
        return None
    return pattern.sub(ERASED, value)


def forget_contact(conn: sqlite3.Connection, ref: str) -> Erasure:
    """Delete the contact, its links and its history, and erase every name, e-mail and
    phone it has had from other history values and from the free text of live records;
    a contact remove-contact took out, from its history and those mentions."""
    found, live = _find(conn, ref)
    contact_id, contact_uuid = found["id"], found["uuid"]
    # Before its history goes: the names it had before are in there.
    identifiers = _identifiers(conn, found)
    links = 0
    if live:
        for table, column in _CONTACT_LINKS:
            links += conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (contact_id,)).rowcount
    # By uuid only: SQLite gives a removed contact's id to a later one, each its history.
    history_removed = conn.execute(
        "DELETE FROM history WHERE record_uuid = ?", (contact_uuid,)
    ).rowcount
    if live:
        # Search-index triggers (if any) remove the row from the index on this DELETE.
        conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    history_scrubbed = records_scrubbed = 0
    if identifiers:
        pattern = _pattern(identifiers)
        conn.create_function(
            _MENTIONS,
            1,
            lambda value: isinstance(value, str) and pattern.search(value) is not None,
            deterministic=True,
        )
        history_scrubbed = _scrub_history(conn, pattern)
        records_scrubbed = _scrub_records(conn, pattern)

    conn.execute(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, old, new)"
        " VALUES (?, 'contacts', ?, ?, 'erase', NULL, NULL, NULL)",
        (now(), contact_id, contact_uuid),
    )
    _merge_search_indexes(conn)
    return Erasure(
        contact_id, contact_uuid, links, history_removed, history_scrubbed, records_scrubbed
    )


def scrub_mentions(conn: sqlite3.Connection, identifiers: list[str]) -> None:
    """Erase these identifiers from other records' history and live free text, as
    forget-contact does: for a merge that brings a person erased here back in a partner's
    history rows or notes."""
    if not identifiers:
        return
    pattern = _pattern(identifiers)
    conn.create_function(
        _MENTIONS,
        1,
        lambda value: isinstance(value, str) and pattern.search(value) is not None,
        deterministic=True,
    )
    _scrub_history(conn, pattern)
    _scrub_records(conn, pattern)
    _merge_search_indexes(conn)


def _scrub_history(conn: sqlite3.Connection, pattern: re.Pattern[str]) -> int:
    """Other records' history may hold the person as a value (a participant list, a
    signatory, a note): replace just those words, keep the rest."""
    # Not what other people and organisations are called: their records keep their names,
    # so their history does too ("Li Wei" stays "Li Wei" when a contact "Li" is erased).
    kept = " OR ".join(
        f"(table_name = '{table}' AND field IN ({', '.join(repr(f) for f in fields)}))"
        for table, fields in _OTHERS_NAMES.items()
    )
    rows = conn.execute(
        f"SELECT id, old, new FROM history WHERE ({_MENTIONS}(old) OR {_MENTIONS}(new))"
        f" AND NOT ({kept})"
    ).fetchall()
    for row in rows:
        conn.execute(
            "UPDATE history SET old = ?, new = ? WHERE id = ?",
            (_scrub(row["old"], pattern), _scrub(row["new"], pattern), row["id"]),
        )
    return len(rows)


def _scrub_records(conn: sqlite3.Connection, pattern: re.Pattern[str]) -> int:
    """Replace the person in live free text, as in its history; the history records only
    which fields an erasure changed. The search triggers re-index each changed row."""
    stamp = now()
    scrubbed: set[tuple[str, int]] = set()
    for table, columns in _FREE_TEXT.items():
        # Calendar exports tell a changed event by its sequence.
        counted = ", sequence" if table == "exchanges" else ""
        where = " OR ".join(f"{_MENTIONS}({column})" for column in columns)
        for row in conn.execute(
            f"SELECT id, uuid, {', '.join(columns)}{counted} FROM {table} WHERE {where}"
        ).fetchall():
            values: dict[str, object] = {}
            for column in columns:
                text = row[column]
                if text is not None and pattern.search(text):
                    values[column] = pattern.sub(ERASED, text)
            changes: dict[str, tuple[object, object]] = dict.fromkeys(values, (None, None))
            if "title" in values:
                values["title_key"] = key(str(values["title"]))
            if counted:
                values["sequence"] = row["sequence"] + 1
                changes["sequence"] = (row["sequence"], values["sequence"])
            assignments = ", ".join(f"{column} = ?" for column in values)
            try:
                conn.execute(
                    f"UPDATE {table} SET {assignments}, updated = ? WHERE id = ?",
                    [*values.values(), stamp, row["id"]],
                )
            except sqlite3.IntegrityError as exc:
                raise Conflict(
                    f"erasing the person would give {table[:-1]} #{row['id']} the title of"
                    f" another {table[:-1]}; rename one of them first (nothing was erased)"
                ) from exc
            record_history(conn, table, row["id"], row["uuid"], "erase", changes)
            scrubbed.add((table, row["id"]))
    # Status changes belong to their cooperation and have no history of their own.
    for row in conn.execute(
        "SELECT s.id, s.note, c.id AS cooperation_id, c.uuid FROM cooperation_status_changes s"
        f" JOIN cooperations c ON c.id = s.cooperation_id WHERE {_MENTIONS}(s.note)"
    ).fetchall():
        conn.execute(
            "UPDATE cooperation_status_changes SET note = ? WHERE id = ?",
            (pattern.sub(ERASED, row["note"]), row["id"]),
        )
        record_history(
            conn,
            "cooperations",
            row["cooperation_id"],
            row["uuid"],
            "erase",
            {"status_note": (None, None)},
        )
        scrubbed.add(("cooperations", row["cooperation_id"]))
    return len(scrubbed)


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
