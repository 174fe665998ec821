"""Export and import of the whole database as JSON, driven by the schema itself.

Every table of the schema is exported (except SQLite's own, the search index, the
migration log and what `remind --new` has sent), so new tables travel without changes
here. Records keep their integer ids, and every reference to another record is written as
that record's uuid (``org_id`` -> ``org_uuid``): an import into an empty database
reproduces the original exactly, and ``--merge`` can match records across two partners'
databases by uuid.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .. import db
from ..errors import Conflict, InvalidInput, RitError
from ..models.exchanges import CALENDAR_COLUMNS
from ..text import key, short_repr
from . import _text, record_history
from .history import FOREIGN, ID_LIST, ID_LISTS, REFERENCES

FORMAT = "rit-export"
VERSION = 1
SKIPPED_TABLES = {"_sqlite_migrations", "reminders_sent"}
# Tables whose rows are facts about one database, not shared records: never merged.
LOCAL_TABLES = {"meta"}
# The meta key that marks a demo database (demo.py): never exported nor imported, since a
# copy of the demo is the importer's own data, which rit demo must never rebuild.
MARKER = "demo"
# What a record is called in messages, by table.
LABELS = {
    "orgs": "organisation",
    "contacts": "contact",
    "programmes": "programme",
    "agreements": "agreement",
    "extensions": "extension",
    "trips": "trip",
    "trip_stops": "trip stop",
    "exchanges": "exchange",
    "cooperations": "cooperation",
}
# The field under which the commands record a change of a link table, on the record the
# rows belong to (edit-exchange --field: exchanges, "fields"). A link table not named here
# is recorded under its own name.
LINK_FIELDS = {
    "org_tags": "tags",
    "agreement_parties": "parties",
    "agreement_fields": "fields",
    "agreement_signatories": "signatories",
    "exchange_orgs": "orgs",
    "exchange_fields": "fields",
    "exchange_participants": "participants",
    "cooperation_orgs": "organisations",
    "cooperation_fields": "fields",
}


@dataclass
class Table:
    """How one table is exported and imported: columns, keys and references to others."""

    name: str
    columns: list[str]
    primary_key: list[str]
    references: dict[str, str]  # column -> referenced table
    has_uuid: bool
    unique: list[str] = field(default_factory=list)  # single unique columns besides uuid
    types: dict[str, str] = field(default_factory=dict)  # column -> declared type
    not_null: set[str] = field(default_factory=set)
    defaults: dict[str, Any] = field(default_factory=dict)  # column -> its DEFAULT value
    # Case-folded key columns -> the column each is made from (name_key -> name).
    derived: dict[str, str] = field(default_factory=dict)
    # (column, name in the file, referenced table or None), computed once: an import
    # converts every value of every record through it.
    plan: list[tuple[str, str, str | None]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.plan = [(c, self.exported_name(c), self.references.get(c)) for c in self.columns]

    @property
    def is_link(self) -> bool:
        """Rows that link a record to values or other records, keyed (owner, value): tags,
        parties, fields, participants. Their owner is the record they belong to."""
        return (
            not self.has_uuid
            and len(self.primary_key) == 2
            and self.primary_key[0] in self.references
        )

    def exported_name(self, column: str) -> str:
        if column not in self.references:
            return column
        return (column[:-3] if column.endswith("_id") else column) + "_uuid"


def tables(conn: sqlite3.Connection) -> list[Table]:
    """The exportable tables, parents before the tables that refer to them."""
    master = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    virtual = [n for n, sql in master if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    found: dict[str, Table] = {}
    for name, _sql in master:
        if (
            name.startswith("sqlite_")
            or name in SKIPPED_TABLES
            or name in virtual
            or any(name.startswith(v + "_") for v in virtual)
        ):
            continue
        info = conn.execute(f"PRAGMA table_info({name})").fetchall()
        columns = [r["name"] for r in info]
        primary_key = [r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"]]
        references = {
            r["from"]: r["table"] for r in conn.execute(f"PRAGMA foreign_key_list({name})")
        }
        unique = []
        for index in conn.execute(f"PRAGMA index_list({name})"):
            if index["unique"] and index["origin"] == "u":
                cols = [r["name"] for r in conn.execute(f"PRAGMA index_info({index['name']})")]
                if len(cols) == 1 and cols[0] != "uuid":
                    unique.append(cols[0])
        found[name] = Table(
            name,
            columns,
            primary_key,
            references,
            "uuid" in columns,
            unique,
            types={r["name"]: r["type"].upper() for r in info},
            not_null={r["name"] for r in info if r["notnull"]},
            defaults={
                r["name"]: _literal(r["dflt_value"]) for r in info if r["dflt_value"] is not None
            },
            derived={
                c: c.removesuffix("_key")
                for c in columns
                if c.endswith("_key") and c.removesuffix("_key") in columns
            },
        )
    return _ordered(found)


def _literal(sql: str) -> Any:
    """A column's DEFAULT as a value: 'other' -> other, 0 -> 0."""
    import ast

    try:
        return ast.literal_eval(sql)
    except (ValueError, SyntaxError):
        return None


def _ordered(found: dict[str, Table]) -> list[Table]:
    ordered: list[Table] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in found:
            return
        done.add(name)
        for target in sorted(found[name].references.values()):
            if target != name:
                visit(target)
        ordered.append(found[name])

    # Records first, then link tables; history last (merge maps it by record uuid).
    names = sorted(found, key=lambda n: (n == "history", not found[n].has_uuid, n))
    for name in names:
        visit(name)
    return ordered


def export_text(conn: sqlite3.Connection) -> Iterator[str]:
    """The export document as text, a record at a time: sorted keys, real UTF-8.

    The layout of json.dumps(document, sort_keys=True, indent=1), written as it is read:
    the whole document of 500 000 exchanges would take gigabytes. A reference becomes its
    record's uuid in the query itself, so no table of ids is kept either.
    """
    from ..text import json_safe

    yield f'{{\n "format": "{FORMAT}",\n "schema": {db.SCHEMA_VERSION},\n "tables": {{'
    for number, table in enumerate(sorted(tables(conn), key=lambda t: t.name)):
        order = ", ".join(table.primary_key) or "rowid"
        cells = [
            f"(SELECT uuid FROM {table.references[c]} WHERE id = t.{c})"
            if c in table.references
            else f"t.{c}"
            for c in table.columns
        ]
        names = [table.exported_name(c) for c in table.columns]
        cursor = conn.cursor()
        cursor.row_factory = None
        rows: Iterable[tuple[Any, ...]] = cursor.execute(
            f"SELECT {', '.join(cells)} FROM {table.name} t ORDER BY {order}"
        )
        if table.name in LOCAL_TABLES:
            rows = (r for r in rows if r[names.index("key")] != MARKER)  # the demo's marker
        if table.name == "exchanges":
            rows = _current_instants(rows, names)
        yield f"{',' if number else ''}\n  {json.dumps(table.name, ensure_ascii=False)}: ["
        separator = "\n   "
        for row in rows:
            record = json.dumps(dict(zip(names, row, strict=True)), **_LAYOUT)
            yield separator + json_safe(record.replace("\n", "\n   "))
            separator = ",\n   "
        yield "]" if separator == "\n   " else "\n  ]"
    yield f'\n }},\n "version": {VERSION}\n}}\n'


def _current_instants(
    rows: Iterable[tuple[Any, ...]], names: list[str]
) -> Iterator[tuple[Any, ...]]:
    """Exchange rows with the instant of their time as the zone's rules give it now
    (dates.start_at_place): one recorded before a change of rules names another time, and
    an import checks the instant against the local time (as agenda --json shows it)."""
    from datetime import UTC, date, datetime

    from ..dates import start_at_place

    at, tz, fold, utc, start = (
        names.index(n) for n in ("at", "tz", "fold", "starts_utc", "start_on")
    )
    for row in rows:
        if row[utc] and row[at] and row[tz]:
            recorded = datetime.fromisoformat(row[utc])
            with contextlib.suppress(ValueError, RitError):  # an unknown zone: as recorded
                local = start_at_place(
                    date.fromisoformat(row[start]), row[at], row[tz], row[fold], recorded
                )
                current = local.astimezone(UTC).isoformat(timespec="minutes")
                if current != row[utc]:
                    row = (*row[:utc], current, *row[utc + 1 :])
        yield row


# json.dumps of one record; its lines are indented to its place in the document.
_LAYOUT: dict[str, Any] = {"ensure_ascii": False, "sort_keys": True, "indent": 1}


def parse(text: str, source: str) -> dict[str, Any]:
    """Read and check an export document; a wrong file fails here, before any write."""
    try:
        # A byte-order mark (Notepad, PowerShell) is no part of the text, as in CSV files.
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{short_repr(source)} is not JSON (line {exc.lineno}, column {exc.colno}): "
            "give a file written by rit export json"
        ) from exc
    except RecursionError as exc:  # thousands of [ or {: no export is nested so deeply
        raise InvalidInput(
            f"{short_repr(source)} is not JSON (nested too deeply): "
            "give a file written by rit export json"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(
            f'{short_repr(source)} is not a rit export (no "format": "{FORMAT}"): '
            "give a file written by rit export json"
        )
    version, schema = document.get("version"), document.get("schema")
    if version != VERSION:
        raise InvalidInput(
            f"{short_repr(source)} has export format version {short_repr(str(version))}; "
            f"this rit reads version {VERSION}"
        )
    if not isinstance(schema, int) or schema < 1:
        raise InvalidInput(f"{short_repr(source)} has no valid schema number")
    if schema > db.SCHEMA_VERSION:
        raise InvalidInput(
            f"{short_repr(source)} was written by a newer rit (schema {schema}, this rit knows "
            f"{db.SCHEMA_VERSION}); upgrade rit to import it"
        )
    data = document.get("tables")
    if not isinstance(data, dict) or not all(
        isinstance(rows, list) and all(isinstance(r, dict) for r in rows) for rows in data.values()
    ):
        raise InvalidInput(f'{short_repr(source)} has no "tables" of records')
    return document


@dataclass
class Counts:
    """Records added, updated and skipped by a JSON import; and, with --merge, the
    partner's records (with their link and history rows) that were removed here and so
    were not brought back (kept_removed), and the updated records whose values set here
    the partner's newer copy replaced (replaced: a change made on both sides)."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    kept_removed: int = 0
    replaced: int = 0


# The records extensions extend, and the column of an extension that names one.
_EXTENDED = (("programmes", "programme_id"), ("agreements", "agreement_id"))


class _RemovedHere(Exception):
    """A record's reference names a record removed here (see _Importer.removed)."""

    def __init__(self, column: str, target: str, uuid: str) -> None:
        super().__init__(column, target, uuid)
        self.column, self.target, self.uuid = column, target, uuid


def _describe(table: Table, record: dict[str, Any]) -> str:
    label = LABELS.get(table.name, f"{table.name} row")
    name = record.get("name") or record.get("title")
    shown = f" {short_repr(str(name))}" if name else ""
    ident = f" (uuid {record['uuid']})" if record.get("uuid") else ""
    return f"{label}{shown}{ident}"


class _Importer:
    def __init__(self, conn: sqlite3.Connection, merge: bool) -> None:
        self.conn = conn
        self.merge = merge
        self.schema = {t.name: t for t in tables(conn)}
        self.ids: dict[str, dict[str, int]] = {}  # table -> uuid -> local id
        # Records a merge changed: (table, local id, uuid) -> {field: (old, new)}, written
        # to history once the partner's history is in (see record_merges).
        self.merged: dict[tuple[str, int, str], dict[str, tuple[Any, Any]]] = {}
        # Values derive() set back to ours over the partner's copy that had won: history
        # tells it, but nothing of ours was replaced (see record_merges).
        self.restored: dict[tuple[str, int, str], dict[str, tuple[Any, Any]]] = {}
        self.statements: dict[tuple[str, ...], str] = {}  # SQL by what and its columns
        self.data: dict[str, list[dict[str, Any]]] = {}
        # Which side won each record a merge found here too, by table: the partner's
        # (taken: local id -> uuid) or ours, newer (kept); and the records it added. A
        # record's link rows follow the side that won (see merge_links).
        self.taken: dict[str, dict[int, str]] = {}
        self.kept: dict[str, set[int]] = {}
        self.added: dict[str, set[int]] = {}
        # The partner's ids -> uuids, for translating their history's references to ours
        # (see our_id): by their history, built on first use, and by the file's records.
        self.partner_history: dict[tuple[str, int], tuple[list[int], list[str]]] | None = None
        self.partner_uuids: dict[str, dict[Any, Any]] = {}
        self.gone: dict[str, dict[str, int]] | None = None  # see removed
        self.counts: dict[str, Counts] = {}
        self.sent: dict[int, int] = {}  # exchange id -> its sequence here before the merge

    def removed(self, table: str) -> dict[str, int]:
        """uuid -> our last id of the records of a table removed here (remove-*) or erased
        (forget-contact), as our history's 'delete' and 'erase' rows name them. A merge
        does not bring them back (nor the rows that are theirs); an import into an empty
        database has none."""
        if self.gone is None:
            self.gone = {}
            if self.merge:
                # An 'erase' row with a field records text scrubbed in a record that stays.
                for name, uuid, record_id in self.conn.execute(
                    "SELECT table_name, record_uuid, record_id FROM history"
                    " WHERE action = 'delete' OR (action = 'erase' AND field IS NULL)"
                    " ORDER BY id"
                ):
                    self.gone.setdefault(name, {})[uuid] = record_id
        return self.gone.get(table, {})

    def scrub_erased(self) -> None:
        """A person erased here (forget-contact) may still be named in the partner's
        history rows and notes that the merge brought in: erase them again, with the names,
        e-mails and phones the partner's file holds for that contact."""
        erased = self.removed("contacts")
        contacts = [
            c
            for c in self.data.get("contacts", [])
            if c.get("uuid") in erased and c.get("uuid") not in self.local_ids("contacts")
        ]
        if not contacts:
            return
        from .privacy import identifiers_of, scrub_mentions

        identifiers: set[str] = set()
        for contact in contacts:
            changes = [
                (h.get("field"), h.get("old"), h.get("new"))
                for h in self.data.get("history", [])
                if h.get("table_name") == "contacts" and h.get("record_uuid") == contact["uuid"]
            ]
            identifiers.update(identifiers_of(contact, changes))
        scrub_mentions(self.conn, sorted(identifiers, key=lambda v: (-len(v), v)))

    def removed_here(self, table: str, uuid: Any) -> bool:
        """Whether a record removed here has this uuid (and none here has it now: the
        partner's own 'delete' row may have come along for a record we still have)."""
        return (
            isinstance(uuid, str)
            and uuid in self.removed(table)
            and uuid not in self.local_ids(table)
        )

    def local_ids(self, table: str) -> dict[str, int]:
        if table not in self.ids:
            self.ids[table] = {
                u: i for i, u in self.conn.execute(f"SELECT id, uuid FROM {table}").fetchall()
            }
        return self.ids[table]

    def check_columns(self, table: Table, records: list[dict[str, Any]]) -> None:
        allowed = {table.exported_name(c): c for c in table.columns}
        # The usual file passes in bulk; only a wrong one is read record by record, so the
        # error names the first wrong field as before.
        names = set().union(*records)
        types = set(map(type, chain.from_iterable(map(dict.values, records))))
        if names <= allowed.keys() and types <= {str, int, float, bool, type(None)}:
            return
        for record in records:
            for name, value in record.items():
                if name not in allowed:
                    raise InvalidInput(
                        f"table {table.name} has no column {short_repr(name)} "
                        f"({_describe(table, record)})"
                    )
                if value is not None and not isinstance(value, str | int | float):
                    raise InvalidInput(
                        f"{_describe(table, record)}: {name} must be text or a number, "
                        f"not {'an array' if isinstance(value, list) else 'an object'}"
                    )

    def to_row(self, table: Table, record: dict[str, Any]) -> dict[str, Any]:
        """Column values with referenced uuids replaced by local ids.

        Key columns are made from their names here, as the commands make them: a name
        edited in the file is found by its new name.
        """
        row = {}
        for column, name, target in table.plan:
            if name not in record:
                continue
            value = record[name]
            if target is not None and value is not None:
                local = self.local_ids(target).get(str(value))
                if local is None and self.removed_here(target, str(value)):
                    raise _RemovedHere(column, target, str(value))
                if local is None:
                    raise InvalidInput(
                        f"{_describe(table, record)} refers to {LABELS.get(target, target)} "
                        f"{short_repr(str(value))}, which is neither in the file nor here"
                    )
                value = local
            row[column] = value
        for key_column, named in table.derived.items():
            if named in row:
                row[key_column] = key(row[named]) if isinstance(row[named], str) else None
        return row

    def insert(self, table: Table, row: dict[str, Any], record: dict[str, Any]) -> int:
        shape = ("insert", table.name, *row)
        sql = self.statements.get(shape)
        if sql is None:
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            sql = self.statements[shape] = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
        try:
            cursor = self.conn.execute(sql, list(row.values()))
        except sqlite3.IntegrityError as exc:
            raise InvalidInput(f"cannot import {_describe(table, record)}: {exc}") from exc
        return int(cursor.lastrowid or 0)

    def run(self, document: dict[str, Any]) -> dict[str, Counts]:
        data = self.data = document["tables"]
        unknown = sorted(set(data) - set(self.schema))
        if unknown:
            raise InvalidInput(f"unknown table {short_repr(unknown[0])} in the file")
        for table in self.schema.values():
            self.check_columns(table, data.get(table.name, []))
        from .transfer_checks import check_file

        check_file(self.conn, self.schema, data, self.local_ids, merge=self.merge)
        if not self.merge:
            self.require_empty()
        report = self.counts
        for table in self.schema.values():
            records = data.get(table.name, [])
            if self.merge and table.is_link:
                # Also without rows in the file: the partner may have removed them all.
                owner = table.references[table.primary_key[0]]
                if records or self.taken.get(owner):
                    counts = report.setdefault(table.name, Counts()) if records else Counts()
                    self.merge_links(table, records, counts)
                continue
            if not records:
                continue
            counts = report.setdefault(table.name, Counts())
            if table.name in LOCAL_TABLES:
                # The demo's marker (older rits exported it) is never imported.
                kept = [r for r in records if r.get("key") != MARKER]
                counts.skipped += len(records) - len(kept)
                records = kept
            if not self.merge:
                self.add_all(table, records, counts)
            elif table.name in LOCAL_TABLES:
                counts.skipped += len(records)
            elif table.has_uuid:
                self.merge_records(table, records, counts)
            else:
                self.merge_rows(table, records, counts)
        if self.merge:
            self.follow_extensions()
            self.order_status_changes()
        self.record_merges()
        if self.merge:
            self.scrub_erased()
        # The rules between records, on the database as the import leaves it (uncommitted:
        # a refusal rolls it all back).
        from .transfer_rules import check_records, merge_scope

        scope = merge_scope(self.conn, self.schema, data, self.local_ids) if self.merge else None
        check_records(self.conn, self.schema, data, scope)
        return report

    def follow_extensions(self) -> None:
        """An extended programme's or agreement's end is where its last extension put it
        (edit-* --until is refused once it is extended). A merge may take one side's copy
        of the record and the other side's extension: the end follows the extensions, so
        an extension is not lost to a note edited later on the other side, and both sides
        end on the same day."""
        for table, owner in _EXTENDED:
            for local_id, uuid, ours, last in self.conn.execute(
                f"SELECT t.id, t.uuid, t.valid_until, e.until FROM {table} t JOIN"
                f" (SELECT {owner} AS owner, max(new_until) AS until FROM extensions"
                f"  WHERE {owner} IS NOT NULL GROUP BY {owner}) e ON e.owner = t.id"
                " WHERE t.valid_until IS NOT e.until"
            ).fetchall():
                self.derive(table, local_id, uuid, "valid_until", ours, last)
            self.follow_extensions_taken_back(table, owner)

    def follow_extensions_taken_back(self, table: str, owner: str) -> None:
        """The partner's copy that won may carry the end of an extension taken back here
        (extend-* --undo after the partner had it; a merge does not bring it back). With
        no extension left here, the end is where the first one taken back started."""
        exported = self.schema["extensions"].exported_name(owner)  # programme_uuid
        started: dict[str, tuple[str, Any]] = {}  # record uuid -> (new_until, old_until)
        for extension in self.data.get("extensions", []):
            record = extension.get(exported)
            if isinstance(record, str) and self.removed_here("extensions", extension.get("uuid")):
                entry = (str(extension.get("new_until")), extension.get("old_until"))
                started[record] = min(started.get(record, entry), entry)
        for uuid, (_, start) in started.items():
            local_id = self.local_ids(table).get(uuid)
            if local_id is None or local_id not in self.taken.get(table, {}):
                continue  # ours won: it has the end it had
            (extended,) = self.conn.execute(
                f"SELECT count(*) FROM extensions WHERE {owner} = ?", (local_id,)
            ).fetchone()
            (ours,) = self.conn.execute(
                f"SELECT valid_until FROM {table} WHERE id = ?", (local_id,)
            ).fetchone()
            if not extended and ours != start:
                self.derive(table, local_id, uuid, "valid_until", ours, start)

    def order_status_changes(self) -> None:
        """A cooperation's status changes made on both sides between two exchanges, in one
        dated history: its rows are numbered again in date order (as the rules read them),
        the status of the copy that won last among the changes of its day, and the status is
        the last change's, so both sides end alike. A history the file contradicts itself
        (a hand-edited file) is left for the rules to refuse."""
        from .cooperations import status_misfit

        cooperations = self.data.get("cooperations", [])
        statuses = {c.get("uuid"): str(c.get("status")) for c in cooperations}
        theirs: dict[Any, list[tuple[str, str]]] = {}
        for change in self.data.get("cooperation_status_changes", []):
            entry = (str(change.get("status")), str(change.get("changed_on")))
            theirs.setdefault(change.get("cooperation_uuid"), []).append(entry)
        wanted = {
            self.local_ids("cooperations").get(str(uuid))
            for uuid, changes in theirs.items()
            if uuid in statuses and status_misfit(statuses[uuid], changes) is None
        }
        histories: dict[int, list[sqlite3.Row]] = {}
        for row in self.conn.execute(
            "SELECT s.*, c.uuid, c.status AS current FROM cooperation_status_changes s"
            " JOIN cooperations c ON c.id = s.cooperation_id"
            " WHERE s.cooperation_id IN (SELECT value FROM json_each(?))"
            " ORDER BY s.cooperation_id, s.id",
            (json.dumps(sorted(i for i in wanted if i is not None)),),
        ):
            histories.setdefault(row["cooperation_id"], []).append(row)
        for cooperation_id, rows in histories.items():
            current, last_day = rows[0]["current"], max(r["changed_on"] for r in rows)
            ordered = sorted(
                rows,
                key=lambda r: (
                    r["changed_on"],
                    r["changed_on"] == last_day and r["status"] == current,
                ),
            )
            if ordered != rows:
                self.conn.execute(
                    "DELETE FROM cooperation_status_changes WHERE cooperation_id = ?",
                    (cooperation_id,),
                )
                self.conn.executemany(
                    "INSERT INTO cooperation_status_changes"
                    " (id, cooperation_id, status, changed_on, note) VALUES (?, ?, ?, ?, ?)",
                    [
                        (at["id"], cooperation_id, r["status"], r["changed_on"], r["note"])
                        for at, r in zip(rows, ordered, strict=True)
                    ],
                )
            if ordered[-1]["status"] != current:
                last = ordered[-1]["status"]
                self.derive(
                    "cooperations", cooperation_id, rows[0]["uuid"], "status", current, last
                )

    def derive(
        self, table: str, local_id: int, uuid: str, column: str, ours: Any, value: Any
    ) -> None:
        """Set a value other records decide (see follow_extensions), for history and the
        report as a change the merge made: a record it had skipped is updated."""
        self.conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, local_id))
        changes = self.merged.setdefault((table, local_id, uuid), {})
        before = changes.pop(column, (ours, value))[0]
        if before != value:
            changes[column] = (before, value)
        elif ours != value:
            # Ours again over the partner's copy, whose history row says otherwise.
            self.restored.setdefault((table, local_id, uuid), {})[column] = (ours, value)
        if local_id in self.taken.get(table, {}) or local_id in self.added.get(table, set()):
            return
        counts = self.counts.setdefault(table, Counts())
        if counts.skipped:
            counts.skipped -= 1
        counts.updated += 1

    def record_merges(self) -> None:
        """History for the records a merge changed: each change once, with its field.

        The partner's history (imported with the records) usually holds the change already
        as its own 'update' row, the latest of its field; then one 'merge' row without a
        field records that the merge brought it here. A field whose latest history row
        says otherwise (a change made here after the partner's copy was taken, replaced
        because the partner changed the record later; or a change the partner's history
        lacks) gets a 'merge' row with field, old and new value, and the record is
        counted as replaced.
        """
        told = {str(r.get("record_uuid")) for r in self.data.get("history", [])}
        for (table, local_id, uuid), changes in self.merged.items():
            restored = self.restored.get((table, local_id, uuid), {})
            missing = {
                field: (old, new)
                for field, (old, new) in {**changes, **restored}.items()
                if self._latest(table, uuid, field) != _text(new)
            }
            record_history(self.conn, table, local_id, uuid, "merge", missing)
            # Replaced: a value set here that the partner's history shows no change of. A
            # file without history for the record (not rit's export) cannot tell: not counted.
            if missing.keys() - {"sequence"} - restored.keys() and uuid in told:
                self.counts[table].replaced += 1

    def _latest(self, table: str, uuid: str, field: str) -> str | None:
        """The value the latest history row of a record's field gives it (None if none)."""
        row = self.conn.execute(
            "SELECT new FROM history WHERE table_name = ? AND record_uuid = ? AND field = ?"
            " AND action IN ('create', 'update', 'merge') ORDER BY at DESC, id DESC LIMIT 1",
            (table, uuid, field),
        ).fetchone()
        return None if row is None else row["new"]

    def require_empty(self) -> None:
        for name in self.schema:
            if self.conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone():
                raise Conflict(
                    f"the database already holds data (table {name}): import into an empty "
                    "database, or add --merge to merge by uuid"
                )

    def add_all(self, table: Table, records: list[dict[str, Any]], counts: Counts) -> None:
        for record in records:
            row = self.to_row(table, record)
            self.insert(table, row, record)
            if table.has_uuid:
                self.local_ids(table.name)[row["uuid"]] = row["id"]
            counts.added += 1

    def check_unique(self, table: Table, row: dict[str, Any], record: dict[str, Any]) -> None:
        """Refuse a record that would take a name another record (another uuid) holds here."""
        checks = [(c, [c]) for c in table.unique]
        if table.name == "orgs":  # names and short names share one namespace
            checks = [
                ("name_key", ["name_key", "short_key"]),
                ("short_key", ["name_key", "short_key"]),
            ]
        for column, against in checks:
            value = row.get(column)
            if value is None:
                continue
            where = " OR ".join(f"{c} = ?" for c in against)
            clash = self.conn.execute(
                f"SELECT * FROM {table.name} WHERE ({where}) AND uuid != ?",
                [value] * len(against) + [row["uuid"]],
            ).fetchone()
            if clash is not None:
                self.refuse(table, record, column, clash)
        if table.name == "contacts" and "org_id" in row:
            clash = self.conn.execute(
                "SELECT * FROM contacts WHERE name_key = ? AND org_id = ? AND uuid != ?",
                (row.get("name_key"), row["org_id"], row["uuid"]),
            ).fetchone()
            if clash is not None:
                self.refuse(table, record, "name", clash)

    def refuse(self, table: Table, record: dict[str, Any], column: str, clash: sqlite3.Row) -> None:
        shown = clash["name"] if "name" in clash.keys() else clash["title"]
        raise Conflict(
            f"{_describe(table, record)} has the same {column.removesuffix('_key')} as "
            f"{LABELS.get(table.name, table.name)} #{clash['id']} {short_repr(str(shown))} "
            "here, which is another record (another uuid); rename one of them, then import "
            "again (nothing was imported)"
        )

    def merge_records(self, table: Table, records: list[dict[str, Any]], counts: Counts) -> None:
        ids = self.local_ids(table.name)
        for record in records:
            if not isinstance(record.get("uuid"), str):
                raise InvalidInput(f"a record in table {table.name} has no uuid")
            if self.removed_here(table.name, record["uuid"]):
                counts.kept_removed += 1  # removed here: a merge does not bring it back
                continue
            try:
                row = self.to_row(table, record)
            except _RemovedHere as gone:
                self.unless_ours_wins(table, record, gone, counts)
                continue
            row.pop("id", None)
            self.check_unique(table, row, record)
            local_id = ids.get(row["uuid"])
            if local_id is None:
                ids[row["uuid"]] = new_id = self.insert(table, row, record)
                record_history(self.conn, table.name, new_id, row["uuid"], "merge")
                self.added.setdefault(table.name, set()).add(new_id)
                counts.added += 1
                continue
            local = self.conn.execute(
                f"SELECT * FROM {table.name} WHERE id = ?", (local_id,)
            ).fetchone()
            changes = {c: (local[c], v) for c, v in row.items() if local[c] != v}
            # The newer record wins; a local change made after the partner's is kept.
            theirs, ours = str(row.get("updated") or ""), str(local["updated"] or "")
            if not changes or theirs <= ours:
                if theirs < ours:
                    self.kept.setdefault(table.name, set()).add(local_id)
                counts.skipped += 1
                continue
            if table.name == "exchanges":
                self.outrank(changes, local, row["sequence"])
            sets = ", ".join(f"{c} = ?" for c in changes)
            try:
                self.conn.execute(
                    f"UPDATE {table.name} SET {sets} WHERE id = ?",
                    [v for _, v in changes.values()] + [local_id],
                )
            except sqlite3.IntegrityError as exc:
                raise InvalidInput(f"cannot merge {_describe(table, record)}: {exc}") from exc
            shown = {c: v for c, v in changes.items() if not c.endswith("_key") and c != "updated"}
            self.merged[(table.name, local_id, row["uuid"])] = shown
            self.taken.setdefault(table.name, {})[local_id] = row["uuid"]
            counts.updated += 1

    def outrank(self, changes: dict[str, Any], local: sqlite3.Row, theirs: int) -> None:
        """An exchange's sequence as the partner's copy is taken: never lower than the one
        a calendar exported here was sent (ours), and above it when what a calendar shows
        changes, or a subscribed calendar keeps the old event. Its organisations are
        compared later, with the links (see outrank_links)."""
        ours = local["sequence"]
        self.sent[local["id"]] = ours
        if theirs > ours:
            return  # the partner's copy outranks what was sent from here already
        if changes.keys() & CALENDAR_COLUMNS:
            changes["sequence"] = (ours, ours + 1)
        else:
            changes.pop("sequence", None)

    def outrank_links(self, exchange_id: int, changes: dict[str, Any]) -> None:
        """The partner's copy changed an exchange's organisations (a calendar shows them):
        its sequence goes above ours if the merge has not raised it yet."""
        sent = self.sent.get(exchange_id)
        if sent is None:
            return
        (now,) = self.conn.execute(
            "SELECT sequence FROM exchanges WHERE id = ?", (exchange_id,)
        ).fetchone()
        if now <= sent:
            self.conn.execute(
                "UPDATE exchanges SET sequence = ? WHERE id = ?", (sent + 1, exchange_id)
            )
            changes["sequence"] = (now, sent + 1)

    def unless_ours_wins(
        self, table: Table, record: dict[str, Any], gone: _RemovedHere, counts: Counts
    ) -> None:
        """A partner's record that refers to a record removed here: skipped where our
        version wins (ours is newer or the same), else the merge is refused, naming both,
        as a reference to a record neither in the file nor here is."""
        local_id = self.local_ids(table.name).get(record["uuid"])
        if local_id is not None:
            ours = self.conn.execute(
                f"SELECT updated FROM {table.name} WHERE id = ?", (local_id,)
            ).fetchone()["updated"]
            theirs = str(record.get("updated") or "")
            if theirs <= str(ours or ""):
                if theirs < str(ours or ""):
                    self.kept.setdefault(table.name, set()).add(local_id)
                counts.skipped += 1
                return
        target = self.schema[gone.target]
        named = next(
            (r for r in self.data.get(gone.target, []) if r.get("uuid") == gone.uuid),
            {"uuid": gone.uuid},
        )
        what = "would be added" if local_id is None else "is newer than ours"
        raise Conflict(
            f"{_describe(table, record)} {what} and refers to {_describe(target, named)}, "
            f"which was removed here (rit history {gone.uuid} shows it): a merge does not "
            f"bring it back; the partner can change {table.exported_name(gone.column)} there, "
            "then import again (nothing was imported)"
        )

    def merge_links(self, table: Table, records: list[dict[str, Any]], counts: Counts) -> None:
        """A link table's rows, by the side that won the record they belong to.

        The partner's newer record takes its links (ours are replaced); our newer one keeps
        ours. Each side's links speak only for the records it knows: a link of ours to a
        record the file does not hold stays, a partner's link to a record this merge added
        comes along, except a visit's host (one host, the exchange's host_id decides it).
        Where neither side is newer (the same version), what is missing is added.
        """
        owner_column, value_column = table.primary_key
        owner_table = table.references[owner_column]
        target = table.references.get(value_column)
        taken = self.taken.get(owner_table, {})
        kept = self.kept.get(owner_table, set())
        new_here = self.added.get(target, set()) if target else set()
        theirs: dict[int, list[dict[str, Any]]] = {}
        for record in records:
            try:
                row = self.to_row(table, record)
            except _RemovedHere:
                # A link of a record removed here, or to one (remove-org and remove-contact
                # are refused while linked, forget-contact drops the links): not brought
                # back. A record left without a party it needs is refused by the rules.
                counts.kept_removed += 1
                continue
            owner = row.get(owner_column)
            if owner in taken:
                theirs.setdefault(owner, []).append(row)
            elif owner in kept and not (
                row.get(value_column) in new_here and row.get("role") != "host"
            ):
                counts.skipped += 1
            else:
                self.merge_row(table, row, record, counts)
        if taken:
            self.replace_links(table, taken, theirs, counts)

    def replace_links(
        self,
        table: Table,
        taken: dict[int, str],
        theirs: dict[int, list[dict[str, Any]]],
        counts: Counts,
    ) -> None:
        """Replace the link rows of the records whose partner's version was taken."""
        from . import batches

        owner_column, value_column = table.primary_key
        owner_table = table.references[owner_column]
        target = table.references.get(value_column)
        # The records of the link's other side that the file holds (None: values, no records).
        in_file: set[int | None] | None = None
        if target is not None:
            found = self.local_ids(target)
            in_file = {found.get(str(r.get("uuid"))) for r in self.data.get(target, [])}
        ours: dict[int, list[dict[str, Any]]] = {}
        for chunk, marks in batches(sorted(taken)):
            for found_row in self.conn.execute(
                f"SELECT * FROM {table.name} WHERE {owner_column} IN ({marks})", chunk
            ):
                ours.setdefault(found_row[owner_column], []).append(dict(found_row))
        columns = table.columns
        for owner, uuid in taken.items():
            before = ours.get(owner, [])
            partner = theirs.get(owner, [])
            by_key = {row[value_column]: row for row in before}
            # Ours to records the partner never had stay (a visit's host aside).
            after = {
                row[value_column]: row
                for row in before
                if in_file is not None
                and row[value_column] not in in_file
                and row.get("role") != "host"
            }
            after.update((row[value_column], row) for row in partner)
            for row in partner:
                here = by_key.get(row[value_column])
                if here is None:
                    counts.added += 1
                elif any(here.get(c) != row.get(c) for c in columns if c in row):
                    counts.updated += 1
                else:
                    counts.skipped += 1
            shape = [tuple(r.get(c) for c in columns) for r in before]
            wanted = [tuple(r.get(c) for c in columns) for r in after.values()]
            if sorted(shape, key=repr) == sorted(wanted, key=repr):
                continue
            self.conn.execute(f"DELETE FROM {table.name} WHERE {owner_column} = ?", (owner,))
            try:
                self.conn.executemany(
                    f"INSERT INTO {table.name} ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' for _ in columns)})",
                    wanted,
                )
            except sqlite3.IntegrityError as exc:
                owner_label = LABELS.get(owner_table, owner_table)
                raise InvalidInput(
                    f"cannot merge the {table.name} of {owner_label} (uuid {uuid}): {exc}"
                ) from exc
            field_name = LINK_FIELDS.get(table.name, table.name)
            changes = self.merged.setdefault((owner_table, owner, uuid), {})
            changes[field_name] = (
                self.link_text(table, before),
                self.link_text(table, list(after.values())),
            )
            if table.name == "exchange_orgs":
                self.outrank_links(owner, changes)

    def link_text(self, table: Table, rows: list[dict[str, Any]]) -> str | None:
        """Link rows as the commands write them to history: 'guest LSN; host FBRI' for an
        exchange's organisations, labels or names of parties and signatories, '#3, #5'
        for participants, the values themselves for tags and fields."""
        value_column = table.primary_key[1]
        target = table.references.get(value_column)
        values = sorted(row[value_column] for row in rows)
        if target == "orgs":
            named = {
                i: (label, name_key)
                for i, label, name_key in self.conn.execute(
                    "SELECT id, coalesce(short, name), name_key FROM orgs"
                    " WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(values),),
                )
            }
            if table.name == "exchange_orgs":
                order = {"guest": 0, "host": 1}
                parties = sorted(
                    rows, key=lambda r: (order.get(r["role"], 2), named[r[value_column]][1])
                )
                return (
                    "; ".join(f"{r['role']} {named[r[value_column]][0]}" for r in parties) or None
                )
            shown = [named[v][0] for v in values]
        elif target == "contacts" and table.name != "exchange_participants":
            people = {
                i: f"{title} {name}" if title else name
                for i, title, name in self.conn.execute(
                    "SELECT id, title, name FROM contacts"
                    " WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(values),),
                )
            }
            shown = [people[v] for v in values]
        elif target is not None:
            shown = [f"#{v}" for v in values]
        else:
            shown = [str(v) for v in values]
        return ", ".join(shown) or None

    def merge_rows(self, table: Table, records: list[dict[str, Any]], counts: Counts) -> None:
        """Rows without a uuid (history, status changes): add what is missing."""
        for record in records:
            if table.name == "history":
                row = self.history_row(record)
                if row is None:
                    if self.removed_here(str(record.get("table_name")), record.get("record_uuid")):
                        counts.kept_removed += 1  # the history of a record removed here
                    else:
                        counts.skipped += 1
                    continue
            else:
                try:
                    row = self.to_row(table, record)
                except _RemovedHere:
                    counts.kept_removed += 1  # a removed cooperation's status changes
                    continue
            self.merge_row(table, row, record, counts)

    def merge_row(
        self, table: Table, row: dict[str, Any], record: dict[str, Any], counts: Counts
    ) -> None:
        """Add one row without a uuid unless it, or a row with its key, is here already."""
        if table.primary_key == ["id"]:
            row.pop("id", None)  # ours are numbered here; the content is what matches
        shape = ("same", table.name, *row)
        sql = self.statements.get(shape)
        if sql is None:
            where = " AND ".join(f"{c} IS ?" for c in row)
            sql = self.statements[shape] = f"SELECT 1 FROM {table.name} WHERE {where} LIMIT 1"
        if self.conn.execute(sql, list(row.values())).fetchone():
            counts.skipped += 1
            return
        key = {c: row[c] for c in table.primary_key if c in row}
        if key and len(key) == len(table.primary_key):
            where_key = " AND ".join(f"{c} = ?" for c in key)
            if self.conn.execute(
                f"SELECT 1 FROM {table.name} WHERE {where_key}", list(key.values())
            ).fetchone():
                counts.skipped += 1  # same link, other details here: keep ours
                return
        self.insert(table, row, record)
        counts.added += 1

    def history_row(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """A partner's history row, attached to our copy of its record (if we have one)."""
        table = self.schema.get(str(record.get("table_name")))
        if table is None or not table.has_uuid:
            return None
        local = self.local_ids(table.name).get(str(record.get("record_uuid")))
        if local is None:
            return None
        if record.get("action") == "delete" or (
            record.get("action") == "erase" and record.get("field") is None
        ):
            return None  # the partner removed (or erased) a record we keep: not ours to say
        row = {c: record.get(c) for c in self.schema["history"].columns if c != "id"}
        row["record_id"] = local
        column = row.get("field")
        if column in REFERENCES or column in ID_LISTS:
            at = record.get("id")
            at = at if isinstance(at, int) else None
            row["old"] = self.our_ids(column, row.get("old"), at)
            row["new"] = self.our_ids(column, row.get("new"), at)
        return row

    def our_ids(self, column: str, value: Any, at: int | None) -> Any:
        """A reference field's value in a partner's history row, with their ids as ours:
        '5' -> '2', '#3, #1' -> '#1, #4'. An id whose record is neither in the file nor
        here is written '#5 (partner's)', which history shows as it is."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return value
        if column in REFERENCES:
            if not (value.isascii() and value.isdigit()):
                return value
            ours = self.our_id(REFERENCES[column], int(value), at)
            return str(ours) if ours is not None else f"#{value} {FOREIGN}"
        if not ID_LIST.fullmatch(value):
            return value
        items = []
        for item in value.split(", "):
            if item[1:].isdigit():
                ours = self.our_id(ID_LISTS[column], int(item[1:]), at)
                item = f"#{ours}" if ours is not None else f"{item} {FOREIGN}"
            items.append(item)
        return ", ".join(items)

    def our_id(self, table: str, partner_id: int, at: int | None) -> int | None:
        """Our id of the record the partner's id named at their history row `at`: the
        record the partner's history last showed with that id before (SQLite may give a
        removed record's id to a new one), else the next one it showed, else the file's
        record with that id. A record removed here has the id it last had here."""
        if self.partner_history is None:
            self.partner_history = self.index_partner_history()
        uuid = None
        seen = self.partner_history.get((table, partner_id))
        if seen:
            rows, uuids = seen
            i = bisect_right(rows, at) if at is not None else len(rows)
            uuid = uuids[i - 1] if i else uuids[0]
        else:
            if table not in self.partner_uuids:
                self.partner_uuids[table] = {
                    r.get("id"): r.get("uuid") for r in self.data.get(table, [])
                }
            uuid = self.partner_uuids[table].get(partner_id)
        if not isinstance(uuid, str):
            return None
        # A record removed here by the id it had, as our own history names it.
        found = self.local_ids(table).get(uuid)
        return found if found is not None else self.removed(table).get(uuid)

    def index_partner_history(self) -> dict[tuple[str, int], tuple[list[int], list[str]]]:
        """(table, partner's id) -> the partner's history row ids where a record with that
        id changed, and its uuid from each on."""
        index: dict[tuple[str, int], tuple[list[int], list[str]]] = {}
        records = self.data.get("history", [])
        for record in sorted(records, key=lambda r: r.get("id") or 0):
            at, uuid = record.get("id"), record.get("record_uuid")
            table, record_id = record.get("table_name"), record.get("record_id")
            if not (isinstance(at, int) and isinstance(uuid, str) and isinstance(table, str)):
                continue
            if not isinstance(record_id, int):
                continue
            rows, uuids = index.setdefault((table, record_id), ([], []))
            if not uuids or uuids[-1] != uuid:
                rows.append(at)
                uuids.append(uuid)
        return index


def import_data(
    conn: sqlite3.Connection, document: dict[str, Any], merge: bool
) -> dict[str, Counts]:
    """Load an export (already checked by ``parse``) inside the caller's transaction."""
    return _Importer(conn, merge).run(document)
