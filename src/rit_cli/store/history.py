"""The change history of records."""

from __future__ import annotations

import sqlite3

from ..errors import Ambiguous, NotFound
from ..models.orgs import Change
from ..text import key, short_repr
from . import RefSpec, resolve

# Every kind of record whose history can be asked for, in the order references are tried.
KINDS: dict[str, RefSpec] = {
    "org": RefSpec("orgs", "organisation", "name", ("name_key", "short_key"), "short"),
    "contact": RefSpec("contacts", "contact", "name", ("name_key",)),
    "programme": RefSpec("programmes", "programme", "name", ("name_key", "short_key"), "short"),
    "agreement": RefSpec("agreements", "agreement", "title", ("title_key",)),
    "exchange": RefSpec("exchanges", "exchange", "title", ("title_key",)),
    "trip": RefSpec("trips", "trip", "title", ("title_key",)),
    "cooperation": RefSpec("cooperations", "cooperation", "title", ("title_key",)),
}


# The kinds rit can remove (remove-org, remove-contact): a removed one is also found by the
# name it last had, read from its history. Only their history is read for that (a few rows
# per record); a new remove-* command adds its table here.
REMOVABLE = frozenset({"orgs", "contacts"})


def find_record(conn: sqlite3.Connection, ref: str, kind: str | None) -> tuple[str, int, str, str]:
    """(table, id, display name, uuid) of the record REF names, in one kind or across all;
    a removed record by its uuid, by its id with the kind, or by the name it last had."""
    specs = [KINDS[kind]] if kind else list(KINDS.values())
    found = []
    for spec in specs:
        try:
            row = resolve(conn, spec, ref)
        except NotFound:
            continue
        name = f"{spec.label} #{row['id']} {row[spec.display]}"
        found.append((spec.table, row["id"], name, row["uuid"]))
    if not found:
        # A record that was deleted still has its history, reachable by uuid.
        row = conn.execute(
            "SELECT table_name, record_id FROM history WHERE record_uuid = ? LIMIT 1",
            (ref.strip(),),
        ).fetchone()
        if row is not None:
            return row["table_name"], row["record_id"], ref.strip(), ref.strip()
        found = _removed(conn, specs, ref, by_id=kind is not None)
        if not found:
            if kind:
                resolve(conn, KINDS[kind], ref)  # raises with the closest candidates
            raise NotFound(
                f"no record {short_repr(ref)}: give an id, name or title (and --kind to narrow)"
            )
        if len(found) > 1:
            listed = ", ".join(name for _, _, name, _ in found)
            raise Ambiguous(f"{short_repr(ref)} could be {listed}; give the uuid")
    if len(found) > 1:
        listed = ", ".join(name for _, _, name, _ in found)
        raise Ambiguous(f"{short_repr(ref)} could be {listed}; add --kind")
    return found[0]


def _removed(
    conn: sqlite3.Connection, specs: list[RefSpec], ref: str, by_id: bool
) -> list[tuple[str, int, str, str]]:
    """Removed records REF names: by id (when the kind is given: an id alone names a record
    of every kind), or by the name or short name they last had (kinds rit can remove)."""
    text = ref.strip()
    number = text[1:] if text.startswith("#") else text
    wanted = key(text)
    found = []
    for spec in specs:
        if by_id and number.isascii() and number.isdigit():
            rows = conn.execute(
                "SELECT DISTINCT record_uuid FROM history"
                " WHERE table_name = ? AND record_id = ? AND action = 'delete'",
                (spec.table, int(number)),
            ).fetchall()
            uuids = [r[0] for r in rows]
        elif spec.table in REMOVABLE and wanted:
            uuids = _removed_named(conn, spec, wanted)
        else:
            continue
        for uuid in uuids:
            record_id, last_name = _last_name(conn, spec, uuid)
            shown = f"removed {spec.label} #{record_id} {last_name or uuid} ({uuid})"
            found.append((spec.table, record_id, shown, uuid))
    return found


def _removed_named(conn: sqlite3.Connection, spec: RefSpec, wanted: str) -> list[str]:
    """Uuids of the removed records of spec's table whose last name or short name is wanted."""
    columns = [c for c in (spec.display, spec.short) if c]
    last: dict[str, dict[str, str | None]] = {}
    removed = []
    for uuid, action, field, new in conn.execute(
        "SELECT record_uuid, action, field, new FROM history WHERE table_name = ?"
        f" AND (action = 'delete' OR field IN ({', '.join('?' for _ in columns)})) ORDER BY id",
        (spec.table, *columns),
    ):
        if action == "delete":
            removed.append(uuid)
        else:
            last.setdefault(uuid, {})[field] = new
    return [
        uuid
        for uuid in dict.fromkeys(removed)
        if any(v is not None and key(v) == wanted for v in last.get(uuid, {}).values())
    ]


def _last_name(conn: sqlite3.Connection, spec: RefSpec, uuid: str) -> tuple[int, str | None]:
    """The record id a removed record had, and the name it last had (None if not recorded)."""
    record_id = name = None
    for row in conn.execute(
        "SELECT record_id, field, new FROM history WHERE record_uuid = ? ORDER BY id", (uuid,)
    ):
        record_id = row["record_id"]
        if row["field"] == spec.display:
            name = row["new"]
    return int(record_id or 0), name


def history_of(conn: sqlite3.Connection, uuid: str) -> list[Change]:
    """Every change to the record with this uuid (not to another that had its id before)."""
    rows = conn.execute("SELECT * FROM history WHERE record_uuid = ? ORDER BY id", (uuid,))
    return [
        Change(
            at=r["at"],
            table=r["table_name"],
            record_id=r["record_id"],
            action=r["action"],
            field=r["field"],
            old=r["old"],
            new=r["new"],
        )
        for r in rows
    ]
