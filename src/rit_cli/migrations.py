"""The schema, as ordered migrations applied through ``sqlite_utils.Migrations``."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("rit")

# Every table that holds records shares these columns; the uuid is what export and
# partner exchange rely on, the integer id is what people type.
_COMMON = """
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    updated TEXT NOT NULL"""


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        f"""
CREATE TABLE orgs ({_COMMON},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    short TEXT,
    short_key TEXT UNIQUE,
    kind TEXT NOT NULL DEFAULT 'other',
    country TEXT,
    city TEXT,
    region TEXT,
    tz TEXT,
    website TEXT,
    note TEXT
);
CREATE TABLE org_tags (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (org_id, tag)
) WITHOUT ROWID;
CREATE INDEX org_tags_tag ON org_tags(tag);

CREATE TABLE contacts ({_COMMON},
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    title TEXT,
    role TEXT,
    email TEXT,
    phone TEXT,
    note TEXT
);
CREATE INDEX contacts_org ON contacts(org_id);
CREATE INDEX contacts_name ON contacts(name_key);

CREATE TABLE programmes ({_COMMON},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    short TEXT,
    short_key TEXT UNIQUE,
    run_by INTEGER REFERENCES orgs(id),
    valid_from TEXT,
    valid_until TEXT,
    note TEXT
);
CREATE INDEX programmes_run_by ON programmes(run_by);

CREATE TABLE agreements ({_COMMON},
    title TEXT NOT NULL,
    title_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'loi',
    programme_id INTEGER REFERENCES programmes(id),
    signed_on TEXT,
    place TEXT,
    valid_from TEXT,
    valid_until TEXT,
    visits_per_year INTEGER,
    each_way INTEGER NOT NULL DEFAULT 0,
    terminated_on TEXT,
    termination_reason TEXT,
    note TEXT
);
CREATE INDEX agreements_programme ON agreements(programme_id);
CREATE INDEX agreements_until ON agreements(valid_until);
CREATE TABLE agreement_parties (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (agreement_id, org_id)
) WITHOUT ROWID;
CREATE INDEX agreement_parties_org ON agreement_parties(org_id);
CREATE TABLE agreement_fields (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    field TEXT NOT NULL,
    PRIMARY KEY (agreement_id, field)
) WITHOUT ROWID;
CREATE TABLE agreement_signatories (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (agreement_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX agreement_signatories_contact ON agreement_signatories(contact_id);

-- Extensions are kept as records of their own, never as a silent overwrite.
CREATE TABLE extensions ({_COMMON},
    programme_id INTEGER REFERENCES programmes(id),
    agreement_id INTEGER REFERENCES agreements(id),
    old_until TEXT,
    new_until TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    note TEXT,
    CHECK ((programme_id IS NULL) != (agreement_id IS NULL))
);
CREATE INDEX extensions_programme ON extensions(programme_id);
CREATE INDEX extensions_agreement ON extensions(agreement_id);

CREATE TABLE trips ({_COMMON},
    title TEXT NOT NULL,
    title_key TEXT NOT NULL UNIQUE,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    lead TEXT,
    note TEXT
);
CREATE TABLE trip_stops ({_COMMON},
    trip_id INTEGER NOT NULL REFERENCES trips(id),
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    org_id INTEGER REFERENCES orgs(id),
    note TEXT
);
CREATE INDEX trip_stops_trip ON trip_stops(trip_id, start_on);
CREATE INDEX trip_stops_org ON trip_stops(org_id);

-- One record for visits and meetings. start_on/end_on are always set: the fixed days
-- once a day is known, the window while it is not, so every date query is one range
-- scan on the same index.
CREATE TABLE exchanges ({_COMMON},
    type TEXT NOT NULL CHECK (type IN ('visit', 'meeting')),
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'scheduled', 'done', 'cancelled')),
    host_id INTEGER REFERENCES orgs(id),
    place TEXT,
    online INTEGER NOT NULL DEFAULT 0,
    tz TEXT,
    window_start TEXT,
    window_end TEXT,
    decide_by TEXT,
    day TEXT,
    days INTEGER NOT NULL DEFAULT 1,
    at TEXT,
    fold INTEGER,
    starts_utc TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    agreement_id INTEGER REFERENCES agreements(id),
    stop_id INTEGER REFERENCES trip_stops(id),
    series TEXT,
    purpose TEXT,
    outcome TEXT,
    cancel_reason TEXT,
    sequence INTEGER NOT NULL DEFAULT 0,
    note TEXT
);
CREATE INDEX exchanges_start ON exchanges(start_on);
CREATE INDEX exchanges_title ON exchanges(title_key);
CREATE INDEX exchanges_status_start ON exchanges(status, start_on);
CREATE INDEX exchanges_agreement ON exchanges(agreement_id, start_on);
CREATE INDEX exchanges_decide_by ON exchanges(decide_by) WHERE decide_by IS NOT NULL;
CREATE INDEX exchanges_host ON exchanges(host_id);
CREATE INDEX exchanges_stop ON exchanges(stop_id);
CREATE INDEX exchanges_series ON exchanges(series);
CREATE TABLE exchange_orgs (
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL CHECK (role IN ('guest', 'host', 'participant')),
    PRIMARY KEY (exchange_id, org_id)
) WITHOUT ROWID;
CREATE INDEX exchange_orgs_org ON exchange_orgs(org_id);
CREATE TABLE exchange_participants (
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (exchange_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX exchange_participants_contact ON exchange_participants(contact_id);
CREATE TABLE exchange_fields (
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id),
    field TEXT NOT NULL,
    PRIMARY KEY (exchange_id, field)
) WITHOUT ROWID;

CREATE TABLE cooperations ({_COMMON},
    title TEXT NOT NULL,
    title_key TEXT NOT NULL UNIQUE,
    agreement_id INTEGER REFERENCES agreements(id),
    status TEXT NOT NULL DEFAULT 'idea',
    note TEXT
);
CREATE INDEX cooperations_agreement ON cooperations(agreement_id);
CREATE TABLE cooperation_orgs (
    cooperation_id INTEGER NOT NULL REFERENCES cooperations(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (cooperation_id, org_id)
) WITHOUT ROWID;
CREATE INDEX cooperation_orgs_org ON cooperation_orgs(org_id);
CREATE TABLE cooperation_fields (
    cooperation_id INTEGER NOT NULL REFERENCES cooperations(id),
    field TEXT NOT NULL,
    PRIMARY KEY (cooperation_id, field)
) WITHOUT ROWID;
-- Dated by the reference day (--today), so reports can say when a plan became concrete.
CREATE TABLE cooperation_status_changes (
    id INTEGER PRIMARY KEY,
    cooperation_id INTEGER NOT NULL REFERENCES cooperations(id),
    status TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    note TEXT
);
CREATE INDEX cooperation_status_changes_coop
    ON cooperation_status_changes(cooperation_id, changed_on);
CREATE INDEX cooperation_status_changes_on ON cooperation_status_changes(changed_on);

-- Every change to every record: when, which record, which field, old -> new.
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    record_uuid TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT,
    old TEXT,
    new TEXT
);
CREATE INDEX history_record ON history(table_name, record_id);
CREATE INDEX history_uuid ON history(record_uuid);

-- Facts about the database itself, e.g. that it is a demo database.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- What `rit remind --new` has already printed, by item key and a fingerprint of its dates.
CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
"""
    )


def schema_version() -> int:
    """The number of migrations this rit knows; stored as SQLite's user_version."""
    return len(migrations._migrations)


def apply(db: Database) -> None:
    """Apply pending migrations and record the resulting schema version."""
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {schema_version()}")


# What search covers: kind -> (table, fields). A record's index rows have rowids
# id * 128 + kind number * 16 + field number, so a trigger replaces them with one range
# delete. Frozen with m002: changing it needs a new migration that rebuilds the index.
SEARCH_KINDS_M002: dict[str, tuple[str, tuple[str, ...]]] = {
    "org": ("orgs", ("name", "short", "city", "region", "website", "note")),
    "contact": ("contacts", ("name", "title", "role", "email", "phone", "note")),
    "programme": ("programmes", ("name", "short", "note")),
    "agreement": ("agreements", ("title", "place", "termination_reason", "note")),
    "exchange": ("exchanges", ("title", "place", "purpose", "outcome", "cancel_reason", "note")),
    "cooperation": ("cooperations", ("title", "note")),
    "trip": ("trips", ("title", "lead", "note")),
}

# Since m007, parts of a record kept as rows of their own: a trip's stops, a cooperation's
# status changes. They are indexed under their own kind and id and found as the record
# they belong to (store/search.py). Their rowids take the 16 that m002 left free at the
# start of every block of 128 (kind number 0): a stop's id * 128 + 0..7, a status change's
# id * 128 + 8..15, so they meet neither a record's own rows nor each other, whatever the
# ids. kind -> (table, first rowid in the block, fields); frozen with m007 as above.
SEARCH_PARTS_M007: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "stop": ("trip_stops", 0, ("city", "note")),
    "status": ("cooperation_status_changes", 8, ("note",)),
}


def _searched() -> list[tuple[str, str, int, tuple[str, ...]]]:
    """Every searched table as (kind, table, first rowid in the block, fields): what a
    migration that indexes everything again (as m006 did) goes through."""
    found = [
        (kind, table, number * 16, fields)
        for number, (kind, (table, fields)) in enumerate(SEARCH_KINDS_M002.items(), 1)
    ]
    found += [
        (kind, table, first, fields) for kind, (table, first, fields) in SEARCH_PARTS_M007.items()
    ]
    return found


def _search_inserts(
    first: int,
    kind: str,
    fields: tuple[str, ...],
    row: str,
    source: str = "",
    condition: str = "",
    *,
    lean: bool = True,
) -> list[str]:
    """The statements that index one record (``row`` is ``new`` in a trigger), or many.

    The insert trigger and the bulk indexing of an import (``search_index_rows``) both
    use this, so they index exactly the same way. ``first`` is where the record's rows
    begin in its block of 128 rowids (kind number * 16). ``lean`` folds with the rit_fold
    SQL function every rit connection registers (m004); m002 spelled the fold out in SQL.
    """
    from .fold import SQL_FUNCTION, sql_fold

    def folded(column: str) -> str:
        return f"{SQL_FUNCTION}({column})" if lean else sql_fold(column)

    base = f"*128+{first}"
    return [
        f"INSERT INTO search_index (rowid, kind, record_id, field, body) "
        f"SELECT {row}.id{base}+{n}, '{kind}', {row}.id, '{field}', "
        f"{folded(f'{row}.{field}')} {source}"
        f"WHERE {row}.{field} IS NOT NULL{condition};"
        for n, field in enumerate(fields)
    ]


def search_index_rows(table: str) -> list[str]:
    """Statements indexing the rows of ``table`` with ids BETWEEN ? AND ?, in bulk.

    They give what the table's insert trigger gives, row by row (tests/test_cli_data.py
    compares the two); `rit import csv` drops that trigger, inserts, runs these, and
    creates the trigger again, all in one transaction.
    """
    for kind, name, first, fields in _searched():
        if name == table:
            return _search_inserts(
                first, kind, fields, "t", f"FROM {table} AS t ", " AND t.id BETWEEN ? AND ?"
            )
    raise ValueError(f"{table} is not searched")


def _search_triggers(
    first: int, rows: int, kind: str, table: str, fields: tuple[str, ...], *, lean: bool
) -> str:
    base = f"*128+{first}"

    def inserts(row: str) -> str:
        return "\n".join(_search_inserts(first, kind, fields, row, lean=lean))

    last = f"old.id{base}+{rows - 1}"
    remove = f"DELETE FROM search_index WHERE rowid BETWEEN old.id{base} AND {last};"
    return f"""
CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN
{inserts("new")}
END;
CREATE TRIGGER search_{table}_update AFTER UPDATE OF id, {", ".join(fields)} ON {table} BEGIN
{remove}
{inserts("new")}
END;
CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN
{remove}
END;
"""


def _statements(script: str) -> list[str]:
    """Split a script into statements, a line at a time.

    sqlite-utils' executescript tests completeness after every character, which is
    quadratic in a statement's length: the long search triggers took seconds to split.
    """
    import sqlite3

    found, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            found.append(current.strip())
            current = ""
    if current.strip():
        found.append(current.strip())
    return found


@migrations()
def m002_search(db: Database) -> None:
    """Full-text search over names, titles and notes, kept current by triggers.

    FTS5's trigram tokenizer finds any substring of three or more characters (case-
    insensitive); shorter queries (山田) scan the same table with instr(). The indexed text
    is folded (fold.py) so that German spellings and Latin accents match.
    """
    parts = [
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, record_id UNINDEXED, field UNINDEXED, body, tokenize = 'trigram');"
    ]
    for number, (kind, (table, fields)) in enumerate(SEARCH_KINDS_M002.items(), 1):
        parts.append(_search_triggers(number * 16, 16, kind, table, fields, lean=False))
    for statement in _statements("\n".join(parts)):
        db.execute(statement)
    # Index what is there already: touching every row fires the update triggers.
    for table, fields in SEARCH_KINDS_M002.values():
        db.execute(f"UPDATE {table} SET {fields[0]} = {fields[0]}")


@migrations()
def m003_exchange_spans(db: Database) -> None:
    """An R*Tree over each exchange's days, so "what overlaps these dates" stays cheap.

    A plain index on start_on bounds such a query only from above (every exchange that
    started before the range's end would be read); windows have no fixed length, so no
    lower bound can be derived. The R*Tree answers start <= :to AND end >= :from in
    logarithmic time. Days are Julian day numbers; triggers keep it equal to the table.
    """
    script = """
CREATE VIRTUAL TABLE exchange_spans USING rtree_i32(id, first_day, last_day);
INSERT INTO exchange_spans (id, first_day, last_day)
    SELECT id, CAST(julianday(start_on) AS INTEGER), CAST(julianday(end_on) AS INTEGER)
    FROM exchanges;
CREATE TRIGGER exchange_spans_insert AFTER INSERT ON exchanges BEGIN
    INSERT INTO exchange_spans (id, first_day, last_day)
    VALUES (new.id, CAST(julianday(new.start_on) AS INTEGER),
            CAST(julianday(new.end_on) AS INTEGER));
END;
CREATE TRIGGER exchange_spans_update AFTER UPDATE OF id, start_on, end_on ON exchanges BEGIN
    DELETE FROM exchange_spans WHERE id = old.id;
    INSERT INTO exchange_spans (id, first_day, last_day)
    VALUES (new.id, CAST(julianday(new.start_on) AS INTEGER),
            CAST(julianday(new.end_on) AS INTEGER));
END;
CREATE TRIGGER exchange_spans_delete AFTER DELETE ON exchanges BEGIN
    DELETE FROM exchange_spans WHERE id = old.id;
END;
"""
    for statement in _statements(script):
        db.execute(statement)


@migrations()
def m004_lean_search_triggers(db: Database) -> None:
    """Search triggers that call rit_fold instead of spelling the fold out in SQL.

    m002's triggers held the accent fold as chains of replace(): 100 KB of the schema's
    127 KB, which SQLite parses on every connection (about 4 ms for each command) and
    evaluates for every indexed field of every row written. rit_fold (fold.fold, registered
    by db.connect on every connection) gives the same text, so the index stays as it is.
    Writing to these tables now needs that function: other SQLite tools can read the
    database, but changes go through rit.
    """
    statements = []
    for number, (kind, (table, fields)) in enumerate(SEARCH_KINDS_M002.items(), 1):
        for event in ("insert", "update", "delete"):
            statements.append(f"DROP TRIGGER IF EXISTS search_{table}_{event};")
        statements.append(_search_triggers(number * 16, 16, kind, table, fields, lean=True))
    for statement in _statements("\n".join(statements)):
        db.execute(statement)


@migrations()
def m005_visit_count_index(db: Database) -> None:
    """A covering index for counting an agreement's visits in a year.

    Compliance (remind's obligations at risk, report, show-agreement) reads every visit of
    the agreements in force in one year. Through exchanges_agreement each candidate row
    was looked up in the table (at 500 000 exchanges, 3 000 lookups to find 767 visits);
    this index holds every column that reading needs, for visits only (type too: SQLite
    3.40 does not count a partial index's own condition as covered).
    """
    db.execute(
        "CREATE INDEX exchanges_visits"
        " ON exchanges(agreement_id, start_on, status, end_on, day, host_id, type)"
        " WHERE type = 'visit'"
    )


@migrations()
def m006_search_width(db: Database) -> None:
    """The search index folded again, now with width and dashes (fold.py since m006).

    The triggers call rit_fold, which changed, not their SQL: the index is emptied and
    every searched record indexed again by the statements the triggers run.
    """
    db.execute("DELETE FROM search_index")
    for table, _ in SEARCH_KINDS_M002.values():
        for statement in search_index_rows(table):
            db.execute(statement, (0, 2**62))


@migrations()
def m007_search_stops_and_status_notes(db: Database) -> None:
    """Search finds a trip by its stops' cities and notes, a cooperation by its status notes.

    Stops and status changes get index rows and lean triggers of their own (rowids in the
    block's free first 16, see SEARCH_PARTS_M007); the rows there already are indexed once
    by the statements the insert triggers run. A stop's country (an ISO code) is not
    searched, as an organisation's is not.
    """
    statements = []
    for kind, (table, first, fields) in SEARCH_PARTS_M007.items():
        statements.append(_search_triggers(first, 8, kind, table, fields, lean=True))
    for statement in _statements("\n".join(statements)):
        db.execute(statement)
    for table, _, _ in SEARCH_PARTS_M007.values():
        for statement in search_index_rows(table):
            db.execute(statement, (0, 2**62))
