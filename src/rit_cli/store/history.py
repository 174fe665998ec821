"""The change history of records."""

from __future__ import annotations

import sqlite3

from ..errors import Ambiguous, NotFound
from ..models.orgs import Change
from ..text import short_repr
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


def find_record(conn: sqlite3.Connection, ref: str, kind: str | None) -> tuple[str, int, str]:
    """(table, id, display name) of the record REF names, in one kind or across all."""
    specs = [KINDS[kind]] if kind else list(KINDS.values())
    found = []
    for spec in specs:
        try:
            row = resolve(conn, spec, ref)
        except NotFound:
            continue
        found.append((spec.table, row["id"], f"{spec.label} #{row['id']} {row[spec.display]}"))
    if not found:
        # A record that was deleted still has its history, reachable by uuid.
        row = conn.execute(
            "SELECT table_name, record_id FROM history WHERE record_uuid = ? LIMIT 1",
            (ref.strip(),),
        ).fetchone()
        if row is not None:
            return row["table_name"], row["record_id"], ref.strip()
        if kind:
            resolve(conn, KINDS[kind], ref)  # raises with the closest candidates
        raise NotFound(
            f"no record {short_repr(ref)}: give an id, name or title (and --kind to narrow)"
        )
    if len(found) > 1:
        listed = ", ".join(name for _, _, name in found)
        raise Ambiguous(f"{short_repr(ref)} could be {listed}; add --kind")
    return found[0]


def history_of(conn: sqlite3.Connection, table: str, record_id: int) -> list[Change]:
    rows = conn.execute(
        "SELECT * FROM history WHERE table_name = ? AND record_id = ? ORDER BY id",
        (table, record_id),
    )
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
