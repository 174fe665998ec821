"""Entities as flat tables (CSV export), and organisations/contacts from tables (CSV import)."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput, RitError
from ..text import short_repr, tag
from . import new_uuid, now

# Several organisations or fields in one cell: short names joined by '; '.
JOIN = "; "

_ORG_LABEL = "coalesce(o.short, o.name)"


def _joined(sql: str) -> str:
    return f"(SELECT group_concat(v, '{JOIN}') FROM ({sql}))"


EXPORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "orgs": (
        (
            "id",
            "name",
            "short",
            "kind",
            "country",
            "city",
            "region",
            "tz",
            "website",
            "tags",
            "note",
            "uuid",
        ),
        f"""SELECT t.id, t.name, t.short, t.kind, t.country, t.city, t.region, t.tz, t.website,
            {_joined("SELECT tag AS v FROM org_tags WHERE org_id = t.id ORDER BY tag")},
            t.note, t.uuid FROM orgs t ORDER BY t.id""",
    ),
    "contacts": (
        ("id", "name", "org", "title", "role", "email", "phone", "note", "uuid"),
        f"""SELECT t.id, t.name, {_ORG_LABEL}, t.title, t.role, t.email, t.phone, t.note, t.uuid
            FROM contacts t JOIN orgs o ON o.id = t.org_id ORDER BY t.id""",
    ),
    "programmes": (
        ("id", "name", "short", "run_by", "valid_from", "valid_until", "note", "uuid"),
        f"""SELECT t.id, t.name, t.short, {_ORG_LABEL}, t.valid_from, t.valid_until, t.note,
            t.uuid FROM programmes t LEFT JOIN orgs o ON o.id = t.run_by ORDER BY t.id""",
    ),
    "agreements": (
        (
            "id",
            "title",
            "kind",
            "programme",
            "parties",
            "signatories",
            "signed_on",
            "place",
            "valid_from",
            "valid_until",
            "visits_per_year",
            "each_way",
            "fields",
            "terminated_on",
            "termination_reason",
            "note",
            "uuid",
        ),
        f"""SELECT t.id, t.title, t.kind, coalesce(p.short, p.name),
            {
            _joined(
                f"SELECT {_ORG_LABEL} AS v FROM agreement_parties x JOIN orgs o "
                "ON o.id = x.org_id WHERE x.agreement_id = t.id ORDER BY o.name_key"
            )
        },
            {
            _joined(
                "SELECT c.name AS v FROM agreement_signatories x JOIN contacts c "
                "ON c.id = x.contact_id WHERE x.agreement_id = t.id ORDER BY c.name_key"
            )
        },
            t.signed_on, t.place, t.valid_from, t.valid_until, t.visits_per_year,
            CASE t.each_way WHEN 1 THEN 'yes' ELSE 'no' END,
            {
            _joined(
                "SELECT field AS v FROM agreement_fields WHERE agreement_id = t.id ORDER BY field"
            )
        },
            t.terminated_on, t.termination_reason, t.note, t.uuid
            FROM agreements t LEFT JOIN programmes p ON p.id = t.programme_id ORDER BY t.id""",
    ),
    "exchanges": (
        (
            "id",
            "type",
            "title",
            "status",
            "host",
            "guests",
            "participants",
            "people",
            "start_on",
            "end_on",
            "day",
            "days",
            "at",
            "tz",
            "window_start",
            "window_end",
            "decide_by",
            "place",
            "online",
            "agreement",
            "purpose",
            "outcome",
            "cancel_reason",
            "fields",
            "sequence",
            "note",
            "uuid",
        ),
        f"""SELECT t.id, t.type, t.title, t.status,
            (SELECT {_ORG_LABEL} FROM orgs o WHERE o.id = t.host_id),
            {
            _joined(
                f"SELECT {_ORG_LABEL} AS v FROM exchange_orgs x JOIN orgs o "
                "ON o.id = x.org_id WHERE x.exchange_id = t.id AND x.role = 'guest' "
                "ORDER BY o.name_key"
            )
        },
            {
            _joined(
                f"SELECT {_ORG_LABEL} AS v FROM exchange_orgs x JOIN orgs o "
                "ON o.id = x.org_id WHERE x.exchange_id = t.id AND x.role = 'participant' "
                "ORDER BY o.name_key"
            )
        },
            {
            _joined(
                "SELECT c.name AS v FROM exchange_participants x JOIN contacts c "
                "ON c.id = x.contact_id WHERE x.exchange_id = t.id ORDER BY c.name_key"
            )
        },
            t.start_on, t.end_on, t.day, t.days, t.at, t.tz, t.window_start, t.window_end,
            t.decide_by, t.place, CASE t.online WHEN 1 THEN 'yes' ELSE 'no' END, a.title,
            t.purpose, t.outcome, t.cancel_reason,
            {
            _joined(
                "SELECT field AS v FROM exchange_fields WHERE exchange_id = t.id ORDER BY field"
            )
        },
            t.sequence, t.note, t.uuid
            FROM exchanges t LEFT JOIN agreements a ON a.id = t.agreement_id
            ORDER BY t.start_on, t.id""",
    ),
    "cooperations": (
        ("id", "title", "status", "agreement", "organisations", "fields", "note", "uuid"),
        f"""SELECT t.id, t.title, t.status, a.title,
            {
            _joined(
                f"SELECT {_ORG_LABEL} AS v FROM cooperation_orgs x JOIN orgs o "
                "ON o.id = x.org_id WHERE x.cooperation_id = t.id ORDER BY o.name_key"
            )
        },
            {
            _joined(
                "SELECT field AS v FROM cooperation_fields WHERE cooperation_id = t.id "
                "ORDER BY field"
            )
        },
            t.note, t.uuid
            FROM cooperations t LEFT JOIN agreements a ON a.id = t.agreement_id
            ORDER BY t.id""",
    ),
    "trips": (
        ("id", "title", "start_on", "end_on", "lead", "stops", "note", "uuid"),
        f"""SELECT t.id, t.title, t.start_on, t.end_on, t.lead,
            {
            _joined(
                "SELECT s.city || ' ' || s.country || ' ' || s.start_on || "
                "CASE WHEN s.end_on != s.start_on THEN '..' || s.end_on ELSE '' END AS v "
                "FROM trip_stops s WHERE s.trip_id = t.id ORDER BY s.start_on, s.id"
            )
        },
            t.note, t.uuid FROM trips t ORDER BY t.start_on, t.id""",
    ),
}
ENTITIES = tuple(EXPORTS)


def export_table(conn: sqlite3.Connection, entity: str) -> tuple[Sequence[str], list[tuple]]:
    """One entity as a header and rows, with references shown by short name or title."""
    if entity not in EXPORTS:
        raise InvalidInput(f"unknown table {short_repr(entity)}: use one of {', '.join(ENTITIES)}")
    header, sql = EXPORTS[entity]
    return header, [tuple(r) for r in conn.execute(sql)]


# --- import ---------------------------------------------------------------------------

# Accepted headings (compared case-insensitively, ignoring spaces, '-' and '_').
ORG_HEADERS = {
    "name": ("name", "organisation", "organization", "firma"),
    "short": ("short", "shortname", "kurzname", "kurz", "abbreviation", "kürzel"),
    "kind": ("kind", "art", "typ", "type"),
    "country": ("country", "land"),
    "city": ("city", "stadt", "ort"),
    "region": ("region", "bundesland", "state"),
    "tz": ("tz", "timezone", "zeitzone"),
    "website": ("website", "web", "url", "webseite", "homepage"),
    "tags": ("tags", "schlagwörter", "schlagworte"),
    "note": ("note", "notes", "notiz", "bemerkung", "anmerkung"),
    "uuid": ("uuid",),
    "id": ("id",),
}
CONTACT_HEADERS = {
    "name": ("name",),
    "org": ("org", "organisation", "organization", "firma"),
    "title": ("title", "titel"),
    "role": ("role", "rolle", "funktion", "position"),
    "email": ("email", "mail", "emailadresse"),
    "phone": ("phone", "telefon", "tel", "telephone", "telefonnummer"),
    "note": ("note", "notes", "notiz", "bemerkung", "anmerkung"),
    "uuid": ("uuid",),
    "id": ("id",),
}
REQUIRED = {"orgs": ("name",), "contacts": ("name", "org")}
HEADERS = {"orgs": ORG_HEADERS, "contacts": CONTACT_HEADERS}


def _heading_key(text: str) -> str:
    folded = unicodedata.normalize("NFC", text).strip().casefold()
    return "".join(ch for ch in folded if ch not in " -_.")


def map_header(entity: str, header: Sequence[str]) -> list[str]:
    """The field each column holds; an unknown, repeated or missing column is an error."""
    aliases = {_heading_key(a): f for f, names in HEADERS[entity].items() for a in names}
    fields: list[str] = []
    for text in header:
        found = aliases.get(_heading_key(text))
        if found is None:
            hint = ""
            if len(header) == 1 and (";" in text or "," in text):
                hint = " (a ';'-separated file needs --excel)" if ";" in text else ""
            known = ", ".join(f for f in HEADERS[entity] if f != "id")
            raise InvalidInput(
                f"line 1: unknown column {short_repr(text)}{hint}; columns are {known}"
            )
        if found in fields:
            raise InvalidInput(f"line 1: column {short_repr(text)} appears twice")
        fields.append(found)
    for required in REQUIRED[entity]:
        if required not in fields:
            raise InvalidInput(f"line 1: the required column {required!r} is missing")
    return fields


@dataclass(frozen=True)
class ImportResult:
    entity: str
    added: int


class RowErrors:
    """Collects every row's problems so the first error names them all at once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < 5:
            self.items.append(f"line {line}, column {column}: {message}")

    def raise_if_any(self) -> None:
        if not self.count:
            return
        more = ""
        if self.count > 1:
            others = "; ".join(self.items[1:])
            extra = f" (and {self.count - len(self.items)} more)" if self.count > 5 else ""
            more = f"; {self.count - 1} more error{'s' if self.count > 2 else ''}: {others}{extra}"
        raise InvalidInput(f"{self.items[0]}{more}; nothing was imported")


def _validated(
    check: Callable[[Any], dict[str, Any]],
    make: Callable[..., Any],
    given: dict[str, str],
    line: int,
    errors: RowErrors,
) -> dict[str, Any] | None:
    """Column values as the add command would store them, or None (errors noted).

    A row is checked whole first (the fast path); when it fails, each column is checked
    alone by the same code, so every error names its column.
    """
    if given.get("name"):
        try:
            return check(make(**given))
        except RitError:
            pass
    else:
        errors.add(line, "name", "name must not be empty")
    for column, value in given.items():
        try:
            check(make(**{column: value}))
        except RitError as exc:
            errors.add(line, column, str(exc))
    return None


def _split(cell: str | None) -> list[str]:
    return [t for t in (cell or "").replace(",", ";").split(";") if t.strip()]


def _fresh_ids(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


def _uuid(value: str | None, line: int, errors: RowErrors, seen: set[str]) -> str:
    if not value:
        return new_uuid()
    import uuid as uuid_module

    try:
        text = str(uuid_module.UUID(value.strip()))
    except ValueError:
        errors.add(line, "uuid", f"{short_repr(value)} is not a uuid")
        return new_uuid()
    if text in seen:
        errors.add(line, "uuid", f"{text} appears twice")
    seen.add(text)
    return text


def import_orgs(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] = lambda n: None,
) -> ImportResult:
    """Validate every row as add-org does, then insert them all in batches."""
    from .orgs import OrgInput, _values

    errors = RowErrors()
    stamp = now()
    next_id = _fresh_ids(conn, "orgs")
    taken = {
        k: (i, n)
        for i, n, *keys in conn.execute("SELECT id, name, name_key, short_key FROM orgs")
        for k in keys
        if k
    }
    existing_uuids = {r[0] for r in conn.execute("SELECT uuid FROM orgs")}
    seen_uuids: set[str] = set()
    records: list[dict[str, Any]] = []
    tags: list[tuple[int, str]] = []
    fields = tuple(f for f in ORG_HEADERS if f not in ("tags", "uuid", "id"))
    for line, cells in rows:
        progress(1)
        given = {k: v for k, v in cells.items() if k in fields and v.strip()}
        values = _validated(lambda d: _values(d, None), OrgInput, given, line, errors)
        try:
            row_tags = sorted({tag(t) for t in _split(cells.get("tags"))})
        except RitError as exc:
            errors.add(line, "tags", str(exc))
            continue
        if values is None:
            continue
        record_uuid = _uuid(cells.get("uuid"), line, errors, seen_uuids)
        if record_uuid in existing_uuids:
            errors.add(line, "uuid", f"{record_uuid} is already an organisation here")
        clash = False
        for column, shown_column in (("name_key", "name"), ("short_key", "short")):
            wanted = values.get(column)
            if wanted and wanted in taken:
                other_id, other_name = taken[wanted]
                where = (
                    f"by #{other_id} {short_repr(other_name)}"
                    if other_id
                    else f"on line {other_name}"
                )
                errors.add(
                    line,
                    shown_column,
                    f"{short_repr(values[shown_column])} is already used {where}",
                )
                clash = True
        if clash:
            continue
        for column in ("name_key", "short_key"):
            if values.get(column):
                taken[values[column]] = (0, str(line))
        values.setdefault("kind", "other")
        values.update(id=next_id, uuid=record_uuid, created=stamp, updated=stamp)
        records.append(values)
        tags.extend((next_id, t) for t in row_tags)
        next_id += 1
    errors.raise_if_any()
    _insert_many(conn, "orgs", records, stamp)
    conn.executemany("INSERT INTO org_tags (org_id, tag) VALUES (?, ?)", tags)
    return ImportResult("orgs", len(records))


def import_contacts(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] = lambda n: None,
) -> ImportResult:
    """Validate every row as add-contact does, then insert them all in batches."""
    from .contacts import ContactInput, _values
    from .orgs import find_org

    errors = RowErrors()
    stamp = now()
    next_id = _fresh_ids(conn, "contacts")
    existing = {(k, o): i for i, k, o in conn.execute("SELECT id, name_key, org_id FROM contacts")}
    existing_uuids = {r[0] for r in conn.execute("SELECT uuid FROM contacts")}
    seen_uuids: set[str] = set()
    org_ids: dict[str, int | str] = {}
    records: list[dict[str, Any]] = []
    fields = tuple(f for f in CONTACT_HEADERS if f not in ("org", "uuid", "id"))
    for line, cells in rows:
        progress(1)
        given = {k: v for k, v in cells.items() if k in fields and v.strip()}
        ref = (cells.get("org") or "").strip()
        if not ref:
            errors.add(line, "org", "the organisation must not be empty")
            continue
        if ref not in org_ids:
            try:
                org_ids[ref] = find_org(conn, ref).id
            except RitError as exc:
                org_ids[ref] = str(exc)  # remembered: the same reference fails the same way
        org_id = org_ids[ref]
        if isinstance(org_id, str):
            errors.add(line, "org", org_id)
            continue
        values = _validated(lambda d: _values(conn, d), ContactInput, given, line, errors)
        if values is None:
            continue
        values["org_id"] = org_id
        record_uuid = _uuid(cells.get("uuid"), line, errors, seen_uuids)
        if record_uuid in existing_uuids:
            errors.add(line, "uuid", f"{record_uuid} is already a contact here")
        same = existing.get((values["name_key"], values["org_id"]))
        if same is not None:
            where = f"#{same}" if same > 0 else f"on line {-same}"
            errors.add(
                line,
                "name",
                f"{short_repr(values['name'])} already exists at {short_repr(ref)} ({where})",
            )
            continue
        existing[(values["name_key"], values["org_id"])] = -line
        values.update(id=next_id, uuid=record_uuid, created=stamp, updated=stamp)
        records.append(values)
        next_id += 1
    errors.raise_if_any()
    _insert_many(conn, "contacts", records, stamp)
    return ImportResult("contacts", len(records))


def _insert_many(
    conn: sqlite3.Connection, table: str, records: list[dict[str, Any]], stamp: str
) -> None:
    """Batched inserts, grouped by the columns each record sets; one history row each."""
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for record in records:
        columns = tuple(record)
        groups.setdefault(columns, []).append(tuple(record.values()))
    for columns, values in groups.items():
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    conn.executemany(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action)"
        " VALUES (?, ?, ?, ?, 'import')",
        [(stamp, table, r["id"], r["uuid"]) for r in records],
    )


def csv_records(
    entity: str, lines: Iterable[tuple[int, list[str]]]
) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, {field: cell}) for each record after the header row, checked for its width."""
    import csv

    iterator = iter(lines)
    try:
        first = next(iterator, None)
        if first is None:
            raise InvalidInput("the file is empty: the first line must name the columns")
        fields = map_header(entity, first[1])
        for line, cells in iterator:
            if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields) :]):
                raise InvalidInput(
                    f"line {line}: {len(cells)} cells, but the header names {len(fields)} columns"
                )
            yield line, dict(zip(fields, cells, strict=False))
    except csv.Error as exc:
        raise InvalidInput(f"the file is not valid CSV: {exc}") from exc
