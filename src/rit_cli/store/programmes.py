"""Programmes (umbrella schemes such as JETRO's RIT) and the extensions of their terms."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..dates import parse_date, parse_until
from ..errors import Conflict, InvalidInput
from ..models.agreements import Extension, Party, Programme
from ..models.orgs import Removed
from ..text import MAX_TEXT, clean, key, short_repr
from . import Referrer, RefSpec, delete, insert, refuse_while_referred, resolve, update
from .orgs import find_org

PROGRAMME = RefSpec("programmes", "programme", "name", ("name_key", "short_key"), "short")


@dataclass(frozen=True)
class ProgrammeInput:
    """What the user gave for a programme; None means 'not given', '' clears."""

    name: str | None = None
    short: str | None = None
    run_by: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None


def iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def optional_date(text: str, today: date, *, until: bool = False) -> date | None:
    """A date option: '' clears it; --until also takes a bare year (31 December)."""
    if not text.strip():
        return None
    return parse_until(text, today) if until else parse_date(text, today)


def check_order(
    valid_from: date | None, valid_until: date | None, what: str, start: str = "--from"
) -> None:
    """Refuse an end before the start; START names the option the start comes from."""
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput(
            f"{what} end {valid_until.isoformat()} (--until) is before its start "
            f"{valid_from.isoformat()} ({start})"
        )


def _check_unique(conn: sqlite3.Connection, values: dict[str, Any], own_id: int | None) -> None:
    for column, what in (("name_key", "name"), ("short_key", "short name")):
        wanted = values.get(column)
        if not wanted:
            continue
        row = conn.execute(
            "SELECT id, name FROM programmes WHERE (name_key = ? OR short_key = ?) AND id IS NOT ?",
            (wanted, wanted, own_id),
        ).fetchone()
        if row is not None:
            shown = values["name" if column == "name_key" else "short"]
            raise Conflict(
                f"{what} {short_repr(shown)} is already used by programme "
                f"#{row['id']} {short_repr(row['name'])}"
            )


def _values(conn: sqlite3.Connection, data: ProgrammeInput, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if data.name is not None:
        values["name"] = clean(data.name, "name")
        values["name_key"] = key(values["name"])
    if data.short is not None:
        values["short"] = clean(data.short, "short name", limit=40, required=False)
        values["short_key"] = key(values["short"]) if values["short"] else None
    if data.run_by is not None:
        values["run_by"] = find_org(conn, data.run_by).id if data.run_by.strip() else None
    if data.valid_from is not None:
        values["valid_from"] = optional_date(data.valid_from, today)
    if data.valid_until is not None:
        values["valid_until"] = optional_date(data.valid_until, today, until=True)
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    return values


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def add_programme(conn: sqlite3.Connection, data: ProgrammeInput, today: date) -> Programme:
    if data.name is None:
        raise InvalidInput("a programme needs a name")
    values = _values(conn, data, today)
    check_order(values.get("valid_from"), values.get("valid_until"), "programme")
    _check_unique(conn, values, None)
    return get_programme(conn, insert(conn, "programmes", _stored(values)))


# What edit-* takes: given none of it, there is nothing to change.
EDITABLE = "--name, --short, --run-by, --from, --until or --note"


def edit_programme(
    conn: sqlite3.Connection, ref: str, data: ProgrammeInput, today: date
) -> tuple[Programme, list[str]]:
    if data == ProgrammeInput():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    current = resolve(conn, PROGRAMME, ref)
    values = _values(conn, data, today)
    if "valid_until" in values and extensions_of(conn, "programme_id", current["id"]):
        raise Conflict(
            f"programme {short_repr(current['name'])} has been extended; "
            "change its end with extend-programme (--undo takes back the last extension)"
        )
    merged = {"valid_from": iso(current["valid_from"]), "valid_until": iso(current["valid_until"])}
    merged.update({k: v for k, v in values.items() if k in merged})
    check_order(merged["valid_from"], merged["valid_until"], "programme")
    _check_unique(
        conn, {"name": current["name"], "short": current["short"], **values}, current["id"]
    )
    changed = update(conn, "programmes", current["id"], _stored(values))
    return get_programme(conn, current["id"]), [c for c in changed if not c.endswith("_key")]


def add_extension(
    conn: sqlite3.Connection,
    owner_column: str,
    row: sqlite3.Row,
    until_text: str,
    note: str | None,
    today: date,
    what: str,
) -> Extension:
    """Move a programme's or agreement's end: kept as an extension and in its history."""
    new_until = parse_until(until_text, today)
    old_until = iso(row["valid_until"])
    label = row["name"] if owner_column == "programme_id" else row["title"]
    if old_until is None:
        raise Conflict(
            f"{what} {short_repr(label)} has no end date to extend; "
            f"set one with edit-{what} --until"
        )
    if new_until <= old_until:
        raise InvalidInput(
            f"new end {new_until.isoformat()} is not after the current end "
            f"{old_until.isoformat()} of {what} {short_repr(label)}"
        )
    values = {
        owner_column: row["id"],
        "old_until": old_until.isoformat(),
        "new_until": new_until.isoformat(),
        "decided_on": today.isoformat(),
        "note": clean(note, "note", limit=MAX_TEXT, required=False) if note is not None else None,
    }
    extension_id = insert(conn, "extensions", values)
    table = "programmes" if owner_column == "programme_id" else "agreements"
    update(conn, table, row["id"], {"valid_until": new_until.isoformat()})
    return Extension(extension_id, old_until, new_until, today, values["note"])


def last_extension(
    conn: sqlite3.Connection, owner_column: str, row: sqlite3.Row, what: str
) -> Extension:
    """The extension --undo would take back: the last one, whose end is still the end."""
    label = row["name"] if owner_column == "programme_id" else row["title"]
    extensions = extensions_of(conn, owner_column, row["id"])
    if not extensions:
        raise Conflict(f"{what} {short_repr(label)} has no extension to take back")
    last = extensions[-1]
    if last.new_until.isoformat() != row["valid_until"]:
        raise Conflict(
            f"{what} {short_repr(label)} ends on {row['valid_until']}, not on "
            f"{last.new_until} where its last extension put it: nothing to take back"
        )
    return last


def undo_extension(
    conn: sqlite3.Connection, owner_column: str, row: sqlite3.Row, last: Extension
) -> None:
    """Take back an extension (a mistyped year): the end it replaced is the end again.
    The history keeps the extension and its removal. Refused when that end is before the
    start (moved after the extension): it would end before it began."""
    if owner_column == "programme_id":
        what, table, name, start = "programme", "programmes", row["name"], iso(row["valid_from"])
    else:  # an agreement is in force from its signing unless valid_from says otherwise
        what, table, name = "agreement", "agreements", row["title"]
        start = iso(row["valid_from"]) or iso(row["signed_on"])
    if start and last.old_until and last.old_until < start:
        raise Conflict(
            f"{what} {short_repr(name)} starts on {start.isoformat()}: without its extension"
            f" to {last.new_until.isoformat()} it would end on {last.old_until.isoformat()},"
            f" before it starts; correct its start first (rit edit-{what} --from)"
        )
    delete(conn, "extensions", last.id)
    old = last.old_until.isoformat() if last.old_until else None
    update(conn, table, row["id"], {"valid_until": old})


def extensions_of(conn: sqlite3.Connection, owner_column: str, owner_id: int) -> list[Extension]:
    """In the order they moved the end (each one's new end is after the one before it),
    not by the day decided: --today can date a later extension before an earlier one."""
    rows = conn.execute(
        f"SELECT * FROM extensions WHERE {owner_column} = ? ORDER BY new_until, id", (owner_id,)
    )
    return [
        Extension(
            r["id"],
            iso(r["old_until"]),
            date.fromisoformat(r["new_until"]),
            date.fromisoformat(r["decided_on"]),
            r["note"],
        )
        for r in rows
    ]


def extend_programme(
    conn: sqlite3.Connection, ref: str, until_text: str | None, note: str | None, today: date
) -> tuple[Programme, Extension]:
    """Extend the programme's term; without until_text, take back its last extension."""
    row = resolve(conn, PROGRAMME, ref)
    if until_text is None:
        extension = last_extension(conn, "programme_id", row, "programme")
        undo_extension(conn, "programme_id", row, extension)
    else:
        extension = add_extension(conn, "programme_id", row, until_text, note, today, "programme")
    return get_programme(conn, row["id"]), extension


_SELECT = """
    SELECT p.*, o.name AS org_name, o.short AS org_short,
           (SELECT count(*) FROM agreements a WHERE a.programme_id = p.id) AS agreement_count
    FROM programmes p LEFT JOIN orgs o ON o.id = p.run_by
"""


def remove_programme(conn: sqlite3.Connection, ref: str) -> Removed:
    """Remove a programme entered by mistake, with its extensions; refused while an
    agreement belongs to it."""
    from .reminders import forget_reminders

    row = resolve(conn, PROGRAMME, ref)
    referrers = (
        Referrer(
            "agreements",
            "programme_id",
            "agreement",
            "title",
            "rit edit-agreement ID --programme ''",
        ),
    )
    refuse_while_referred(conn, f"programme {short_repr(row['name'])}", row["id"], referrers)
    for extension in extensions_of(conn, "programme_id", row["id"]):
        delete(conn, "extensions", extension.id)
    forget_reminders(conn, "programme", row["uuid"])
    delete(conn, "programmes", row["id"])
    return Removed("programme", row["id"], row["name"], row["uuid"])


def _row_to_programme(conn: sqlite3.Connection, row: sqlite3.Row, full: bool) -> Programme:
    return Programme(
        id=row["id"],
        uuid=row["uuid"],
        name=row["name"],
        short=row["short"],
        run_by=Party(row["run_by"], row["org_name"], row["org_short"]) if row["run_by"] else None,
        valid_from=iso(row["valid_from"]),
        valid_until=iso(row["valid_until"]),
        note=row["note"],
        agreements=row["agreement_count"],
        extensions=tuple(extensions_of(conn, "programme_id", row["id"])) if full else (),
    )


def get_programme(conn: sqlite3.Connection, programme_id: int) -> Programme:
    row = conn.execute(_SELECT + " WHERE p.id = ?", (programme_id,)).fetchone()
    return _row_to_programme(conn, row, full=True)


def find_programme(conn: sqlite3.Connection, ref: str) -> Programme:
    return get_programme(conn, resolve(conn, PROGRAMME, ref)["id"])


def list_programmes(conn: sqlite3.Connection) -> list[Programme]:
    rows = conn.execute(_SELECT + " ORDER BY p.name_key").fetchall()
    return [_row_to_programme(conn, r, full=False) for r in rows]
