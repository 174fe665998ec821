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
