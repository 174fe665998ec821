"""The store: every SQL statement rit runs lives in this package, behind named functions."""

from __future__ import annotations

import sqlite3
import uuid as uuid_module
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from ..errors import Ambiguous, Conflict, NotFound
from ..text import key, line_breaks, short_repr

# An agreement is in force on day :d when it is signed, has started, has not ended
# (valid_until already includes every extension) and was not terminated before :d.
IN_FORCE_ON = """
    a.signed_on IS NOT NULL
    AND coalesce(a.valid_from, a.signed_on) <= :d
    AND (a.valid_until IS NULL OR a.valid_until >= :d)
    AND (a.terminated_on IS NULL OR a.terminated_on > :d)
"""

# The longest span an exchange may have (a two-year window; fixed visits last at most 60
# days), so "what is still open around day D" can bound start_on from below: D - SPAN_DAYS.
SPAN_DAYS = 731


def batches(values: Sequence[Any], size: int = 500) -> Iterator[tuple[list[Any], str]]:
    """The values (ids, keys) in slices of at most size, each with the '?, ?, ...' of its
    IN list. SQLite before 3.32 takes at most 999 parameters a statement."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ", ".join("?" for _ in chunk)


def now() -> str:
    """The wall-clock time of a change, in UTC (when it was recorded, not the --today date)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# What rit writes in the history: rows about records of these tables (a change to a link
# table is recorded on the record it belongs to; a trip stop has rows of its own), with
# these actions (import: a record added by import csv; merge: by import json --merge;
# erase: by forget-contact). import json refuses any other row.
HISTORY_TABLES = (
    "orgs", "contacts", "programmes", "agreements", "extensions", "trips", "trip_stops",
    "exchanges", "cooperations",
)  # fmt: skip
HISTORY_ACTIONS = ("create", "update", "delete", "erase", "merge", "import")


def record_history(
    conn: sqlite3.Connection,
    table: str,
    record_id: int,
    record_uuid: str,
    action: str,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> None:
    """Write one history row per changed field (or one row for the action alone)."""
    at = now()
    rows: list[tuple[Any, ...]] = [
        (at, table, record_id, record_uuid, action, field, _text(old), _text(new))
        for field, (old, new) in (changes or {}).items()
    ] or [(at, table, record_id, record_uuid, action, None, None, None)]
    conn.executemany(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, old, new)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def insert(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
    """Insert a record with a fresh uuid and timestamps, and record its creation."""
    stamp = now()
    row = {"uuid": new_uuid(), "created": stamp, "updated": stamp, **values}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    record_id = int(cursor.lastrowid or 0)
    shown = {k: (None, v) for k, v in values.items() if v is not None and not k.endswith("_key")}
    record_history(conn, table, record_id, row["uuid"], "create", shown)
    return record_id


def update(
    conn: sqlite3.Connection, table: str, record_id: int, values: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Change the given columns; record old -> new for those that really changed."""
    old = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone()
    changes = {
        column: (old[column], value) for column, value in values.items() if old[column] != value
    }
    if not changes:
        return {}
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE {table} SET {assignments}, updated = ? WHERE id = ?",
        [new for _, new in changes.values()] + [now(), record_id],
    )
    shown = {k: v for k, v in changes.items() if not k.endswith("_key")}
    if shown:
        record_history(conn, table, record_id, old["uuid"], "update", shown)
    return changes


def touch(conn: sqlite3.Connection, table: str, record_id: int) -> None:
    """Mark a record changed now: a change to its link rows (tags, parties, fields) is a
    change to the record, and import json --merge decides by `updated` whose links win."""
    conn.execute(f"UPDATE {table} SET updated = ? WHERE id = ?", (now(), record_id))


def delete(conn: sqlite3.Connection, table: str, record_id: int) -> None:
    row = conn.execute(f"SELECT uuid FROM {table} WHERE id = ?", (record_id,)).fetchone()
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
    record_history(conn, table, record_id, row["uuid"], "delete")


def set_links(
    conn: sqlite3.Connection,
    table: str,
    owner_column: str,
    owner_id: int,
    value_column: str,
    values: Iterable[Any],
) -> None:
    """Replace the rows of a link table (tags, parties, fields) that belong to one record."""
    conn.execute(f"DELETE FROM {table} WHERE {owner_column} = ?", (owner_id,))
    conn.executemany(
        f"INSERT OR IGNORE INTO {table} ({owner_column}, {value_column}) VALUES (?, ?)",
        [(owner_id, value) for value in values],
    )


def links(
    conn: sqlite3.Connection, table: str, owner_column: str, owner_id: int, value_column: str
) -> list[Any]:
    return [
        row[0]
        for row in conn.execute(
            f"SELECT {value_column} FROM {table} WHERE {owner_column} = ? ORDER BY 1",
            (owner_id,),
        )
    ]


class Referrer(NamedTuple):
    """Records of one kind that point at another through one column, and how a user takes
    one of them off it (the hint a refused removal gives)."""

    table: str
    column: str
    label: str  # 'exchange'
    display: str  # the column that names one: 'title'
    unlink: str  # 'rit edit-exchange ID --no-agreement'


def refuse_while_referred(
    conn: sqlite3.Connection, what: str, record_id: int, referrers: Sequence[Referrer]
) -> None:
    """Refuse to remove a record other records still point at, in one line: for each kind,
    the first of them, how many more, and how to unlink one."""
    found = []
    for ref in referrers:
        count, first = conn.execute(
            f"SELECT count(*), min(id) FROM {ref.table} WHERE {ref.column} = ?", (record_id,)
        ).fetchone()
        if not count:
            continue
        (name,) = conn.execute(
            f"SELECT {ref.display} FROM {ref.table} WHERE id = ?", (first,)
        ).fetchone()
        more = f" and {count - 1} more" if count > 1 else ""
        found.append(f"{ref.label} #{first} {short_repr(name)}{more} (unlink: {ref.unlink})")
    if found:
        raise Conflict(
            f"{what} is still referred to by {'; '.join(found)}; unlink or remove those first"
        )


class References:
    """The records that refer to one record, by kind ('exchange': '#12 FBRI → LSN visit'),
    read from the database when asked: an organisation every exchange of half a million
    names is counted by its index and listed from the cursor, never held whole.

    QUERIES maps a kind to a statement selecting (id, name) of its records, at most once
    each and in id order, with the record's id as the parameter :id."""

    def __init__(self, conn: sqlite3.Connection, queries: Mapping[str, str], record_id: int):
        self._conn = conn
        self._queries = queries
        self._id = record_id

    def count(self, kind: str) -> int:
        sql = f"SELECT count(*) FROM ({self._queries[kind]})"
        return int(self._conn.execute(sql, {"id": self._id}).fetchone()[0])

    def kinds(self) -> list[str]:
        """The kinds that have at least one record referring, in the order given."""
        return [
            kind
            for kind, sql in self._queries.items()
            if self._conn.execute(f"SELECT EXISTS ({sql})", {"id": self._id}).fetchone()[0]
        ]

    def entries(self, kind: str, limit: int = -1) -> Iterator[str]:
        """'#ID name' of each record of KIND (the first LIMIT, or all)."""
        sql = f"{self._queries[kind]} LIMIT :limit"
        for ref_id, name in self._conn.execute(sql, {"id": self._id, "limit": limit}):
            yield f"#{ref_id} {name}"

    def every(self) -> dict[str, Iterator[str]]:
        """Each kind's entries as they are read (for JSON written as it is read)."""
        return {kind: self.entries(kind) for kind in self.kinds()}

    def summary(self, shown: int = 3) -> list[str]:
        """'2 exchanges (#1 …, #2 …)' for each kind: a refusal's one line."""
        parts = []
        for kind in self.kinds():
            count = self.count(kind)
            first = ", ".join(self.entries(kind, shown))
            more = ", …" if count > shown else ""
            parts.append(f"{count} {kind}{'s' if count != 1 else ''} ({first}{more})")
        return parts


class RefSpec(NamedTuple):
    """How records of one table are referred to: by id, or by one of its key columns."""

    table: str
    label: str
    display: str  # the column shown to people (name or title)
    keys: tuple[str, ...]  # columns holding case-folded keys (name_key, short_key)
    short: str | None = None  # the short-name column, for records that have one
    # An SQL expression telling records of the same name apart when a name is ambiguous
    # (a contact's organisation: two people called Taro Yamada work at two places).
    context: str | None = None


# The largest id SQLite can store; a longer number in a reference names no record.
MAX_ID = 2**63 - 1


def id_of(text: str) -> int | None:
    """The id a reference spells ('12' or '#12'), or None: not ASCII digits, or past MAX_ID."""
    number = text[1:] if text.startswith("#") else text
    if not (number.isascii() and number.isdigit()):
        return None
    value = int(number)
    return value if value <= MAX_ID else None


def resolve(conn: sqlite3.Connection, spec: RefSpec, text: str) -> sqlite3.Row:
    """Find one record by id, short name or name; list the closest candidates otherwise."""
    raw = text.strip()
    record_id = id_of(raw)
    if record_id is not None:
        row = conn.execute(f"SELECT * FROM {spec.table} WHERE id = ?", (record_id,)).fetchone()
        if row is not None:
            if not raw.startswith("#"):
                _refuse_number_name(conn, spec, raw, row)
            return row
    wanted = key(raw)
    if not wanted:
        raise NotFound(f"{spec.label} reference must not be empty")
    # Typed with \r\n: as stored now (line breaks), then as an earlier rit stored it.
    forms = [key(line_breaks(raw)), wanted] if "\r" in raw else [wanted]
    for form in forms:
        for column in spec.keys:
            rows = conn.execute(
                f"SELECT * FROM {spec.table} WHERE {column} = ? ORDER BY id LIMIT 7", (form,)
            ).fetchall()
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                at = _told_apart(conn, spec, [r["id"] for r in rows[:6]])
                listed = ", ".join(
                    f"#{r['id']} {short_repr(r[spec.display])}{at.get(r['id'], '')}"
                    for r in rows[:6]
                )
                raise Ambiguous(
                    f"{spec.label} {short_repr(raw)} is ambiguous: {listed};"
                    f" use the id, e.g. '#{rows[0]['id']}'"
                )
    # Not exact: even a unique prefix or substring match is refused, but offered.
    shown = f", {spec.short}" if spec.short else ", NULL"
    rows = conn.execute(
        f"SELECT id, {spec.display}{shown} FROM {spec.table} ORDER BY id LIMIT 5000"
    ).fetchall()
    names = {r[0]: r[1] for r in rows}
    shorts = {r[0]: r[2] for r in rows if r[2]}
    hint = ""
    candidates = closest(wanted, names, shorts)
    if candidates:
        at = _told_apart(conn, spec, candidates)
        offered = ", ".join(_candidate(i, names, shorts) + at.get(i, "") for i in candidates)
        hint = f"; did you mean {offered}?"
    raise NotFound(f"no {spec.label} {short_repr(raw)}{hint}")


def _told_apart(conn: sqlite3.Connection, spec: RefSpec, ids: Sequence[int]) -> dict[int, str]:
    """Where spec.context places each record (a contact: " at 'LSN'"), so that records of
    one name, ambiguous or offered, are told apart."""
    if not spec.context or not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {
        number: f" at {short_repr(text)}"
        for number, text in conn.execute(
            f"SELECT id, {spec.context} FROM {spec.table} WHERE id IN ({marks})", list(ids)
        )
        if text
    }


def _refuse_number_name(
    conn: sqlite3.Connection, spec: RefSpec, raw: str, by_id: sqlite3.Row
) -> None:
    """A bare number is an id, unless another record is also named so (an organisation
    called '1' while #1 is another): then which one is meant is not guessed."""
    for column in spec.keys:
        other = conn.execute(
            f"SELECT id, {spec.display} FROM {spec.table} WHERE {column} = ? AND id != ? LIMIT 1",
            (key(raw), by_id["id"]),
        ).fetchone()
        if other is not None:
            raise Ambiguous(
                f"{spec.label} {short_repr(raw)} is ambiguous: #{by_id['id']} "
                f"{short_repr(by_id[spec.display])} by its id, #{other[0]} "
                f"{short_repr(other[1])} by its name; write '#{by_id['id']}' or '#{other[0]}'"
            )


def closest(
    wanted: str, names: Mapping[int, str], shorts: Mapping[int, str], limit: int = 5
) -> list[int]:
    """Ids of the records a mistyped (case-folded) reference most likely meant, best first:
    short names it begins, or that begin it when a letter or two longer (LS, LSNN -> LSN),
    names with a word it begins (Habeck -> Hinrich Habeck), short names and then names
    spelled alike (JETOR -> JETRO), then names it is part of (three letters or more)."""
    import difflib  # only when a reference is not found
    import re

    name_keys = {i: key(n) for i, n in names.items()}
    short_keys = {i: key(s) for i, s in shorts.items()}
    by_short = [
        i
        for i, s in short_keys.items()
        if s.startswith(wanted)
        or (len(s) >= 3 and wanted.startswith(s) and len(wanted) <= len(s) + 2)
    ]
    by_word = [
        i
        for i, n in name_keys.items()
        if any(w.startswith(wanted) for w in re.split(r"\W+", n)) or n.startswith(wanted)
    ]
    # Short names are short: only one of about the same length is alike (not LSN for OLSTEIN).
    ratios = {
        i: difflib.SequenceMatcher(None, wanted, s).ratio()
        for i, s in short_keys.items()
        if abs(len(s) - len(wanted)) <= 1
    }
    short_alike = sorted((i for i, r in ratios.items() if r >= 0.6), key=lambda i: -ratios[i])
    spelled: dict[str, list[int]] = {}
    for i, n in name_keys.items():
        spelled.setdefault(n, []).append(i)
    name_alike = [
        i
        for n in difflib.get_close_matches(wanted, spelled, n=limit, cutoff=0.5)
        for i in spelled[n]
    ]
    within = [i for i, n in name_keys.items() if len(wanted) >= 3 and wanted in n]
    ranked = by_short + by_word + short_alike + name_alike + within
    return list(dict.fromkeys(ranked))[:limit]


def _candidate(record_id: int, names: Mapping[int, str], shorts: Mapping[int, str]) -> str:
    short = shorts.get(record_id)
    return f"#{record_id} {short_repr(names[record_id])}" + (
        f" ({short_repr(short)})" if short else ""
    )
