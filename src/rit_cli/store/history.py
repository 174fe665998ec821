"""The change history of records."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..errors import Ambiguous, NotFound
from ..models.orgs import Change, ShownChange
from ..text import key, short_repr
from . import RefSpec, batches, id_of, resolve
from .contacts import CONTACT

# Every kind of record whose history can be asked for, in the order references are tried.
KINDS: dict[str, RefSpec] = {
    "org": RefSpec("orgs", "organisation", "name", ("name_key", "short_key"), "short"),
    "contact": CONTACT,
    "programme": RefSpec("programmes", "programme", "name", ("name_key", "short_key"), "short"),
    "agreement": RefSpec("agreements", "agreement", "title", ("title_key",)),
    "exchange": RefSpec("exchanges", "exchange", "title", ("title_key",)),
    "trip": RefSpec("trips", "trip", "title", ("title_key",)),
    "cooperation": RefSpec("cooperations", "cooperation", "title", ("title_key",)),
}


# The kinds rit can remove (remove-org, -contact, -trip, -programme, -agreement,
# -cooperation): a removed one is also found by the name it last had, read from its
# history. Their whole history is read for that (a few rows per record, a few thousand
# records); a new remove-* command adds its table here. Not exchanges: hundreds of
# thousands of them, so a mistyped name would read millions of rows (a removed exchange
# is found by its uuid, or its id with --kind exchange, both by index).
REMOVABLE = frozenset({"orgs", "contacts", "trips", "programmes", "agreements", "cooperations"})


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
        if row is not None and kind and row["table_name"] != KINDS[kind].table:
            label = next(s.label for s in KINDS.values() if s.table == row["table_name"])
            raise NotFound(
                f"{short_repr(ref.strip())} is {label} #{row['record_id']}, "
                f"not a record of kind {kind!r}"
            )
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
    number = id_of(text)
    wanted = key(text)
    found = []
    for spec in specs:
        if by_id and number is not None:
            rows = conn.execute(
                "SELECT DISTINCT record_uuid FROM history WHERE table_name = ? AND record_id = ?"
                " AND (action = 'delete' OR (action = 'erase' AND field IS NULL))",
                (spec.table, number),
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


# A trip's history holds its stops' too: those created for it (a stop never moves to
# another trip, and its creation recorded its trip_id) while the trip existed, bounded by
# the trip's own first and last rows since SQLite may give a removed trip's id to a new
# one; each stop then by its uuid, as SQLite may give a removed stop's id to another.
_TRIP_ROWS = """
    SELECT min(id), max(id), max(action = 'delete') FROM history
    WHERE table_name = 'trips' AND record_id = :id AND (:uuid IS NULL OR record_uuid = :uuid)
"""
_TRIP_HISTORY = """
    SELECT * FROM history WHERE table_name = 'trips' AND record_id = :id
        AND (:uuid IS NULL OR record_uuid = :uuid)
    UNION ALL
    SELECT * FROM history WHERE record_uuid IN (
        SELECT record_uuid FROM history WHERE table_name = 'trip_stops' AND action = 'create'
            AND field = 'trip_id' AND new = CAST(:id AS TEXT) AND id BETWEEN :first AND :last
    )
    ORDER BY at, id
"""


def history_of(
    conn: sqlite3.Connection, table: str, record_id: int, uuid: str | None = None
) -> list[Change]:
    """Every change to the record in the order of time (a partner's merged rows among ours),
    then as recorded: by its uuid when given (SQLite may give
    a removed record's id to a new one); a trip's includes its stops', each field named
    after its stop ('stop #3 city'; 'stop #3' for its removal)."""
    return list(changes_of(conn, table, record_id, uuid))


def changes_of(
    conn: sqlite3.Connection, table: str, record_id: int, uuid: str | None = None
) -> Iterator[Change]:
    """history_of's changes as they are read (a record changed 100 000 times is never held)."""
    sql, params = _history_query(conn, table, record_id, uuid)
    for r in conn.execute(sql, params):
        yield Change(
            at=r["at"],
            table=r["table_name"],
            record_id=r["record_id"],
            action=r["action"],
            field=_field(table, r),
            old=r["old"],
            new=r["new"],
            column=r["field"],
            row_id=r["id"],
        )


def _history_query(
    conn: sqlite3.Connection, table: str, record_id: int, uuid: str | None
) -> tuple[str, dict[str, Any]]:
    """The query of the record's history rows, in order, and its parameters."""
    if table == "trips":
        bounds: dict[str, Any] = {"id": record_id, "uuid": uuid}
        first, last, removed = conn.execute(_TRIP_ROWS, bounds).fetchone()
        bounds.update(first=first or 0, last=last if removed else 2**63 - 1)
        return _TRIP_HISTORY, bounds
    if uuid is not None:
        return "SELECT * FROM history WHERE record_uuid = :uuid ORDER BY at, id", {"uuid": uuid}
    return (
        "SELECT * FROM history WHERE table_name = :table AND record_id = :id ORDER BY at, id",
        {"table": table, "id": record_id},
    )


def shown_history(
    conn: sqlite3.Connection, table: str, record_id: int, uuid: str | None = None
) -> Iterator[ShownChange]:
    """show_changes(history_of(...)) as it is read: the ids the history refers to are
    gathered first from its reference fields alone (filtered in SQL), then every change
    is read again and shown as it comes (100 000 changes of one exchange held twice over
    took 89 MB)."""
    sql, params = _history_query(conn, table, record_id, uuid)
    columns = sorted({*REFERENCES, *ID_LISTS})
    marks = ", ".join(f":c{i}" for i in range(len(columns)))
    references = conn.execute(
        f"SELECT field, old, new FROM ({sql}) WHERE field IN ({marks})",
        {**params, **{f"c{i}": column for i, column in enumerate(columns)}},
    )
    wanted = _wanted((column, text) for column, *texts in references for text in texts)
    return _shown(conn, wanted, changes_of(conn, table, record_id, uuid))


def _field(table: str, row: sqlite3.Row) -> str | None:
    if row["table_name"] == table:
        return row["field"]
    stop = f"stop #{row['record_id']}"
    return f"{stop} {row['field']}" if row["field"] else stop


# ------------------------------------------------------------------- labels for people

# History columns that hold another record's id, and that record's table. A name means the
# same in every table (a contact's, a stop's and an extension's org_id, programme_id, ...).
# import json --merge translates a partner's ids in these (and ID_LISTS) to ours.
REFERENCES = {
    "org_id": "orgs",
    "host_id": "orgs",
    "run_by": "orgs",
    "programme_id": "programmes",
    "agreement_id": "agreements",
    "trip_id": "trips",
    "stop_id": "trip_stops",
}
# Link lists recorded as ids ('#3, #2, #1'): an exchange's participants. An agreement's
# signatories are recorded by name, but an import writes '#N' for a link it cannot name.
ID_LISTS = {"participants": "contacts", "signatories": "contacts"}
# A merge writes a partner's id it cannot translate to ours (the record is neither in
# the file nor here) as '#5 (partner's)': shown as it is, never named by our record #5.
FOREIGN = "(partner's)"
_ID_ITEM = rf"#\d+(?: {re.escape(FOREIGN)})?"
ID_LIST = re.compile(rf"{_ID_ITEM}(?:, {_ID_ITEM})*")
_FLAGS = frozenset({"online", "each_way"})
_INSTANTS = {"starts_utc": "starts"}

# How a record of each referenced table is named: as its own listings show it.
_LABELS = {
    "orgs": "coalesce(short, name)",
    "programmes": "coalesce(short, name)",
    "agreements": "title",
    "trips": "title",
    "trip_stops": "city || ' ' || start_on"
    " || CASE WHEN end_on = start_on THEN '' ELSE '..' || end_on END",
    "contacts": "CASE WHEN coalesce(title, '') = '' THEN name ELSE title || ' ' || name END",
}


def show_changes(conn: sqlite3.Connection, changes: Sequence[Change]) -> list[ShownChange]:
    """The changes as people read them: a reference field without its '_id' and its value
    as '#ID label', participants by name, flags as yes/no, 'starts_utc' as 'starts'.

    Labels are what the records are called now, read in two queries per referenced table
    (the records, and which of them were removed or erased), however long the history. A
    record removed after the change was recorded shows as '#ID (removed)', even once a
    newer record has its id; a contact forget-contact erased as '#ID (erased)': its name
    is nowhere to be read any more, and is not looked for anywhere else.
    """
    wanted = _wanted((c.column, text) for c in changes for text in (c.old, c.new))
    return list(_shown(conn, wanted, changes))


def _wanted(values: Iterable[tuple[str | None, str | None]]) -> dict[str, set[int]]:
    """The ids of each table that these (column, stored value) pairs refer to."""
    wanted: dict[str, set[int]] = {}
    for column, text in values:
        table, ids = _referenced(column, text)
        if table:
            wanted.setdefault(table, set()).update(ids)
    return wanted


def _shown(
    conn: sqlite3.Connection, wanted: dict[str, set[int]], changes: Iterable[Change]
) -> Iterator[ShownChange]:
    """CHANGES as show_changes shows them, as they come; WANTED: every id they refer to."""
    labels = _labels(conn, wanted)
    gone = _gone(conn, wanted)

    def name(table: str, record_id: int, when: tuple[str, int], with_id: bool) -> str:
        removed = gone.get((table, record_id))
        if removed is not None and removed[0] > when:
            return f"#{record_id} ({removed[1]})"
        label = labels.get((table, record_id))
        if label is None:
            return f"#{record_id} (removed)"
        return f"#{record_id} {label}" if with_id else label

    def value(column: str | None, text: str | None, when: tuple[str, int]) -> str | None:
        if text is None or column is None:
            return text
        if column in _FLAGS:
            return {"0": "no", "1": "yes"}.get(text, text)
        table, ids = _referenced(column, text)
        if not table:
            return text
        if column in REFERENCES:
            return name(table, ids[0], when, with_id=True)
        return ", ".join(
            name(table, int(item[1:]), when, with_id=False) if item[1:].isdigit() else item
            for item in text.split(", ")
        )

    for change in changes:
        column = change.column
        field = change.field
        if column is not None and field is not None:
            if column in REFERENCES or column in _INSTANTS:
                label = _INSTANTS.get(column) or column.removesuffix("_id")
                field = field.removesuffix(column) + label
        yield ShownChange(
            change,
            field,
            value(column, change.old, (change.at, change.row_id)),
            value(column, change.new, (change.at, change.row_id)),
            column in _INSTANTS,
        )


def _referenced(column: str | None, text: str | None) -> tuple[str | None, list[int]]:
    """The table a history value refers to, and the ids it names (none: shown as it is)."""
    if column is None or text is None:
        return None, []
    if column in REFERENCES:
        if text.isascii() and text.isdigit():
            return REFERENCES[column], [int(text)]
    elif column in ID_LISTS and ID_LIST.fullmatch(text):
        ids = [int(item[1:]) for item in text.split(", ") if item[1:].isdigit()]
        return ID_LISTS[column], ids
    return None, []


def _labels(conn: sqlite3.Connection, wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """(table, id) -> label of the records that exist now."""
    found: dict[tuple[str, int], str] = {}
    for table, ids in wanted.items():
        for chunk, marks in batches(sorted(ids)):
            for record_id, label in conn.execute(
                f"SELECT id, {_LABELS[table]} FROM {table} WHERE id IN ({marks})", chunk
            ):
                found[(table, record_id)] = label
    return found


def _gone(
    conn: sqlite3.Connection, wanted: dict[str, set[int]]
) -> dict[tuple[str, int], tuple[tuple[str, int], str]]:
    """(table, id) -> when (time, row) the last record with that id was removed or erased,
    and which it was: 'removed' or 'erased'. A change made before then named the record
    that went, not one that was given its id afterwards; by time, so that a partner's
    older row that a merge wrote after our removal still names the removed record."""
    found: dict[tuple[str, int], tuple[tuple[str, int], str]] = {}
    for table, ids in wanted.items():
        for chunk, marks in batches(sorted(ids)):
            # An 'erase' row without a field is forget-contact's (one with fields records
            # text it scrubbed in a record that stays). SQLite: the bare column `action`
            # comes from the row holding max(id).
            for record_id, row_id, action, at in conn.execute(
                "SELECT record_id, max(id), action, at FROM history WHERE table_name = ?"
                f" AND record_id IN ({marks})"
                " AND (action = 'delete' OR (action = 'erase' AND field IS NULL))"
                " GROUP BY record_id",
                [table, *chunk],
            ):
                kind = "erased" if action == "erase" else "removed"
                found[(table, record_id)] = ((at, row_id), kind)
    return found
