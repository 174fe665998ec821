"""Entities as flat tables (CSV export), and organisations/contacts from tables (CSV import)."""

from __future__ import annotations

import contextlib
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput, RitError
from ..text import separated, short_repr, tags
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
            "fold",
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
            t.start_on, t.end_on, t.day, t.days, t.at, t.tz, t.fold, t.window_start, t.window_end,
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


def export_table(
    conn: sqlite3.Connection, entity: str
) -> tuple[Sequence[str], Iterable[tuple[Any, ...]]]:
    """One entity as a header and rows, with references shown by short name or title.

    The rows come as they are read (a cursor), for a table of 500 000 exchanges."""
    if entity not in EXPORTS:
        raise InvalidInput(f"unknown table {short_repr(entity)}: use one of {', '.join(ENTITIES)}")
    header, sql = EXPORTS[entity]
    cursor = conn.cursor()
    cursor.row_factory = None
    return header, cursor.execute(sql)


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
    """The field each column holds; an unknown, repeated or missing column is an error.

    Empty headings after the last column are ignored (Excel writes 'Name;Land;;;' when
    cells right of the data were ever used); a cell below one is refused row by row.
    """
    aliases = {_heading_key(a): f for f, names in HEADERS[entity].items() for a in names}
    known = ", ".join(f for f in HEADERS[entity] if f != "id")
    while header and not header[-1].strip():
        header = header[:-1]
    fields: list[str] = []
    for number, text in enumerate(header, 1):
        if not text.strip():
            raise InvalidInput(
                f"line 1: column {number} has no heading: name it (columns are {known})"
                " or delete it"
            )
        found = aliases.get(_heading_key(text))
        if found is None:
            hint = ""
            if len(header) == 1 and (";" in text or "," in text):
                hint = (
                    " (a ';'-separated file needs --excel)"
                    if ";" in text
                    else " (a ','-separated file is read without --excel)"
                )
            raise InvalidInput(
                f"line 1: unknown column {short_repr(text)}{hint}; columns are {known}"
            )
        if found in fields:
            first = header[fields.index(found)]
            if _heading_key(first) == _heading_key(text):
                raise InvalidInput(f"line 1: column {short_repr(text)} appears twice")
            raise InvalidInput(
                f"line 1: columns {short_repr(first)} and {short_repr(text)} both hold"
                f" {found}; keep one"
            )
        fields.append(found)
    for required in REQUIRED[entity]:
        if required not in fields:
            raise InvalidInput(f"line 1: the required column {required!r} is missing")
    return fields


@dataclass(frozen=True)
class ImportResult:
    """How many records a CSV import added, for its summary."""

    entity: str
    added: int


class RowErrors:
    """Collects every row's problems so the first error names them all at once.

    A column is named by its heading in the file (``headings``: field -> heading).
    """

    def __init__(self, headings: Mapping[str, str] | None = None) -> None:
        self.headings = headings or {}
        self.items: list[str] = []
        self.count = 0
        self.pending: list[tuple[int, int, str, str]] = []

    def add(self, line: int, column: str, message: str) -> None:
        """Note a problem; a batch's problems are kept in line order by ``flush``."""
        self.pending.append((line, len(self.pending), column, message))

    def flush(self) -> None:
        for line, _, column, message in sorted(self.pending):
            self.count += 1
            if len(self.items) < 5:
                shown = self.headings.get(column, column)
                self.items.append(f"line {line}, column {shown}: {message}")
        self.pending.clear()

    def raise_if_any(self) -> None:
        self.flush()
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


def _fresh_ids(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


# Rows are checked and inserted this many at a time, so memory does not grow with the file.
BATCH = 5000


def _batches(
    rows: Iterable[tuple[int, dict[str, str]]], size: int = BATCH
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _given_uuid(value: str | None, line: int, errors: RowErrors) -> str | None:
    """The uuid a row gives, normalised; None if none or not a uuid (noted)."""
    if not value or not value.strip():
        return None
    import uuid as uuid_module

    try:
        return str(uuid_module.UUID(value.strip()))
    except ValueError:
        errors.add(line, "uuid", f"{short_repr(value)} is not a uuid")
        return None


def _found(
    conn: sqlite3.Connection, table: str, column: str, values: Iterable[Any]
) -> dict[Any, tuple[int, str]]:
    """{value: (id, name)} of the rows of ``table`` whose ``column`` is one of ``values``.

    The table's unique index is the set of what is taken: rows imported by earlier batches
    of the same file are in it too (same transaction), so no set grows with the file.
    """
    import json

    wanted = sorted({v for v in values if v})
    if not wanted:
        return {}
    found: dict[Any, tuple[int, str]] = {}
    for value, row_id, name in conn.execute(
        f"SELECT k.value, t.id, t.name FROM json_each(?) AS k "
        f"JOIN {table} AS t ON t.{column} = k.value",
        (json.dumps(wanted),),
    ):
        found.setdefault(value, (row_id, name))
    return found


@contextlib.contextmanager
def _search_in_bulk(conn: sqlite3.Connection, table: str) -> Iterator[Callable[[int, int], None]]:
    """Index inserted rows a batch at a time instead of by the per-row insert trigger.

    The trigger is dropped and created again (from its own stored SQL) inside the caller's
    transaction: an error or a crash rolls the drop back with everything else. The bulk
    statements come from the same code as the trigger (migrations.search_index_rows).
    """
    name = f"search_{table}_insert"
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    if row is None:  # nothing indexes this table: nothing to do in bulk either
        yield lambda first, last: None
        return
    from ..migrations import search_index_rows

    statements = search_index_rows(table)

    def index(first: int, last: int) -> None:
        if first <= last:
            for statement in statements:
                conn.execute(statement, (first, last))

    conn.execute(f"DROP TRIGGER {name}")
    yield index
    conn.execute(row[0])  # only on success; otherwise the rollback restores it


class _Lines:
    """The file line of each record this import added, by its id (4 bytes a record)."""

    def __init__(self, first_id: int) -> None:
        from array import array

        self.first_id = first_id
        self.lines = array("l")

    def of(self, record_id: int) -> int | None:
        """The line that added ``record_id``, or None for a record that was there before."""
        return self.lines[record_id - self.first_id] if record_id >= self.first_id else None


def _check_uuids(
    conn: sqlite3.Connection,
    table: str,
    what: str,
    given: list[tuple[int, str]],
    added: _Lines,
    errors: RowErrors,
) -> set[int]:
    """Lines whose uuid is already in the table or earlier in the file (noted)."""
    found = _found(conn, table, "uuid", (u for _, u in given))
    seen: set[str] = set()
    bad: set[int] = set()
    for line, value in given:
        if value in found and added.of(found[value][0]) is None:
            errors.add(line, "uuid", f"{value} is already {what} here")
            bad.add(line)
        elif value in found or value in seen:
            errors.add(line, "uuid", f"{value} appears twice")
            bad.add(line)
        seen.add(value)
    return bad


def import_orgs(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] = lambda n: None,
    headings: Mapping[str, str] | None = None,
) -> ImportResult:
    """Validate every row as add-org does and insert them in batches; any error: none."""
    fields = tuple(f for f in ORG_HEADERS if f not in ("tags", "uuid", "id"))
    return _run_import(conn, "orgs", fields, rows, progress, _import_org_batch, headings)


@dataclass
class _Import:
    """One CSV import as it goes, batch after batch: what every batch reads and adds to."""

    conn: sqlite3.Connection
    fields: tuple[str, ...]  # the columns a row may set
    stamp: str
    next_id: int
    added: _Lines
    errors: RowErrors
    progress: Callable[[int], None]
    index: Callable[[int, int], None] = lambda first, last: None  # search, in bulk


def _run_import(
    conn: sqlite3.Connection,
    table: str,
    fields: tuple[str, ...],
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int], None],
    import_batch: Callable[[_Import, list[tuple[int, dict[str, str]]]], None],
    headings: Mapping[str, str] | None,
) -> ImportResult:
    """Rows are inserted batch by batch inside the caller's transaction while the file is
    read; errors are collected to the end and then raised, which rolls everything back."""
    next_id = _fresh_ids(conn, table)
    errors = RowErrors(headings)
    run = _Import(conn, fields, now(), next_id, _Lines(next_id), errors, progress)
    with _search_in_bulk(conn, table) as run.index:
        for batch in _batches(rows):
            import_batch(run, batch)
    run.errors.raise_if_any()
    return ImportResult(table, len(run.added.lines))


def _import_org_batch(run: _Import, batch: list[tuple[int, dict[str, str]]]) -> None:
    """Check one batch of organisation rows and insert the good ones (moves run.next_id on)."""
    from .orgs import OrgInput, _values

    conn, fields, stamp, added, errors = run.conn, run.fields, run.stamp, run.added, run.errors
    first_id = next_id = run.next_id
    checked: list[tuple[int, dict[str, Any], list[str], str | None]] = []
    for line, cells in batch:
        run.progress(1)
        given = {k: v for k, v in cells.items() if k in fields and v.strip()}
        values = _validated(lambda d: _values(d, None), OrgInput, given, line, errors)
        try:
            row_tags = tags(separated(cells.get("tags") or ""))
        except RitError as exc:
            errors.add(line, "tags", str(exc))
            continue
        if values is None:
            continue
        checked.append((line, values, row_tags, _given_uuid(cells.get("uuid"), line, errors)))
    keys = [v.get(c) for _, v, _, _ in checked for c in ("name_key", "short_key")]
    taken = {
        **_found(conn, "orgs", "short_key", keys),
        **_found(conn, "orgs", "name_key", keys),
    }
    bad = _check_uuids(
        conn,
        "orgs",
        "an organisation",
        [(ln, u) for ln, _, _, u in checked if u],
        added,
        errors,
    )
    here: dict[str, int] = {}  # keys taken by earlier rows of this batch -> line
    records: list[dict[str, Any]] = []
    tag_rows: list[tuple[int, str]] = []
    for line, values, row_tags, record_uuid in checked:
        clash = False
        for column, shown_column in (("name_key", "name"), ("short_key", "short")):
            wanted = values.get(column)
            if not wanted:
                continue
            if wanted in taken:
                other_id, other_name = taken[wanted]
                other_line = added.of(other_id)
                where = (
                    f"by #{other_id} {short_repr(other_name)}"
                    if other_line is None
                    else f"on line {other_line}"
                )
            elif wanted in here:
                where = f"on line {here[wanted]}"
            else:
                continue
            errors.add(
                line,
                shown_column,
                f"{short_repr(values[shown_column])} is already used {where}",
            )
            clash = True
        if clash or line in bad:
            continue
        for column in ("name_key", "short_key"):
            if values.get(column):
                here[values[column]] = line
        values.setdefault("kind", "other")
        values.update(id=next_id, uuid=record_uuid or new_uuid(), created=stamp, updated=stamp)
        records.append(values)
        added.lines.append(line)
        tag_rows.extend((next_id, t) for t in row_tags)
        next_id += 1
    # Inserted even after an error, so later rows are checked against them; the error
    # raised at the end rolls them back.
    _insert_many(conn, "orgs", records, stamp)
    conn.executemany("INSERT INTO org_tags (org_id, tag) VALUES (?, ?)", tag_rows)
    run.index(first_id, next_id - 1)
    errors.flush()
    run.next_id = next_id


def import_contacts(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] = lambda n: None,
    headings: Mapping[str, str] | None = None,
) -> ImportResult:
    """Validate every row as add-contact does and insert them in batches; any error: none."""
    fields = tuple(f for f in CONTACT_HEADERS if f not in ("org", "uuid", "id"))
    org_ids: dict[str, int | str] = {}  # each organisation named in the file, looked up once
    return _run_import(
        conn,
        "contacts",
        fields,
        rows,
        progress,
        lambda run, b: _import_contact_batch(run, b, org_ids),
        headings,
    )


def _import_contact_batch(
    run: _Import, batch: list[tuple[int, dict[str, str]]], org_ids: dict[str, int | str]
) -> None:
    """Check one batch of contact rows and insert the good ones (moves run.next_id on)."""
    import json

    from .contacts import ContactInput, _values
    from .orgs import find_org

    conn, fields, stamp, added, errors = run.conn, run.fields, run.stamp, run.added, run.errors
    first_id = next_id = run.next_id
    checked: list[tuple[int, dict[str, Any], str, str | None]] = []
    for line, cells in batch:
        run.progress(1)
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
        checked.append((line, values, ref, _given_uuid(cells.get("uuid"), line, errors)))
    pairs = sorted({(v["name_key"], v["org_id"]) for _, v, _, _ in checked})
    existing: dict[tuple[str, int], int] = {}
    if pairs:
        for name_key, org_id, contact_id in conn.execute(
            "SELECT c.name_key, c.org_id, c.id FROM json_each(?) AS k JOIN contacts AS c"
            " ON c.name_key = json_extract(k.value, '$[0]')"
            " AND c.org_id = json_extract(k.value, '$[1]')",
            (json.dumps(pairs),),
        ):
            existing.setdefault((name_key, org_id), contact_id)
    bad = _check_uuids(
        conn, "contacts", "a contact", [(ln, u) for ln, _, _, u in checked if u], added, errors
    )
    here: dict[tuple[str, int], int] = {}
    records: list[dict[str, Any]] = []
    for line, values, ref, record_uuid in checked:
        pair = (values["name_key"], values["org_id"])
        if pair in existing or pair in here:
            same = existing.get(pair)
            other_line = here.get(pair) if same is None else added.of(same)
            where = f"#{same}" if other_line is None else f"on line {other_line}"
            errors.add(
                line,
                "name",
                f"{short_repr(values['name'])} already exists at {short_repr(ref)} ({where})",
            )
            continue
        if line in bad:
            continue
        here[pair] = line
        values.update(id=next_id, uuid=record_uuid or new_uuid(), created=stamp, updated=stamp)
        records.append(values)
        added.lines.append(line)
        next_id += 1
    _insert_many(conn, "contacts", records, stamp)
    run.index(first_id, next_id - 1)
    errors.flush()
    run.next_id = next_id


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
) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, str]]]]:
    """{field: heading as written}, and (line, {field: cell}) for each record after the
    header row, checked for its width.

    The header is read and checked at once (before any database is opened); the records
    are read as they are asked for.
    """
    import csv

    iterator = iter(lines)
    try:
        first = next(iterator, None)
    except csv.Error as exc:
        raise InvalidInput(f"the file is not valid CSV: {exc}") from exc
    if first is None:
        raise InvalidInput("the file is empty: the first line must name the columns")
    fields = map_header(entity, first[1])
    headings = dict(zip(fields, (h.strip() for h in first[1]), strict=False))
    return headings, _records(fields, iterator)


def _records(
    fields: list[str], iterator: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    import csv

    try:
        for line, cells in iterator:
            if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields) :]):
                raise InvalidInput(
                    f"line {line}: {len(cells)} cells, but the header names {len(fields)} columns"
                )
            yield line, dict(zip(fields, cells, strict=False))
    except csv.Error as exc:
        raise InvalidInput(f"the file is not valid CSV: {exc}") from exc
