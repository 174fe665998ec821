"""Search across records: the index is kept by triggers (migrations m002, m004, m007)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InvalidInput
from ..fold import fold
from ..text import clean

# kind -> (table, column shown as the record's title); fields come from the index rows.
KINDS: dict[str, tuple[str, str]] = {
    "org": ("orgs", "name"),
    "contact": ("contacts", "name"),
    "programme": ("programmes", "name"),
    "agreement": ("agreements", "title"),
    "exchange": ("exchanges", "title"),
    "cooperation": ("cooperations", "title"),
    "trip": ("trips", "title"),
}

# Parts of a record indexed as rows of their own (m007): index kind -> the kind they are
# shown as, the field name's prefix, and how to read the record they belong to, its title
# and the part's matching field (FIELD), by the part's id. A search lands on the record.
PARTS: dict[str, tuple[str, str, str]] = {
    "stop": (
        "trip",
        "stop",
        "SELECT t.id, t.title, p.FIELD FROM trip_stops p JOIN trips t ON t.id = p.trip_id"
        " WHERE p.id = ?",
    ),
    "status": (
        "cooperation",
        "status",
        "SELECT c.id, c.title, p.FIELD FROM cooperation_status_changes p"
        " JOIN cooperations c ON c.id = p.cooperation_id WHERE p.id = ?",
    ),
}

# The order of the index rows: by the kind they are shown as, a record's own rows before
# those of its parts (rowid % 128 is kind * 16 + field; parts are 0..15: stops 0..7, status
# changes 8..15, see migrations.SEARCH_PARTS_M007), then by rowid. Own kinds 1..7 sort as
# 2..14; status notes after cooperations (12) as 13, stops after trips (14) as 15.
ORDER = (
    "CASE WHEN rowid % 128 >= 16 THEN rowid % 128 / 16 * 2"
    " WHEN rowid % 128 >= 8 THEN 13 ELSE 15 END, rowid"
)

_ROWS_PER_RECORD = 16  # own index rows a record can have (see migrations.search_index_rows)


@dataclass(frozen=True)
class SearchHit:
    """One record that matched a search: its kind, id, title and the field that matched."""

    kind: str
    id: int
    title: str
    field: str
    text: str


def search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[SearchHit]:
    """Records whose indexed fields contain the query (folded: case, ß/ss, ä/ae, accents)."""
    return list(matches(conn, query, limit))


def matches(
    conn: sqlite3.Connection, query: str, limit: int, *, one_more: bool = False
) -> Iterator[SearchHit]:
    """The first `limit` records that match (and `one_more`, which tells whether the list
    is cut), in search order, found as they are read (the query and the limit are checked
    at once): `search --limit 1000000` of a common word in a large database is written as
    it is found, never held whole."""
    text = clean(query, "search text")
    assert text is not None
    wanted = fold(text)
    if len(wanted) >= 3:
        # Trigram index: a quoted phrase is a substring match of the folded text.
        phrase = '"' + wanted.replace('"', '""') + '"'
        sql = "SELECT kind, record_id, field FROM search_index WHERE body MATCH ?"
        params: list[object] = [phrase]
    else:
        # Fewer than three characters cannot use trigrams: scan the index's own text.
        sql = "SELECT kind, record_id, field FROM search_index WHERE instr(body, ?) > 0"
        params = [wanted]
    if limit < 1:
        raise InvalidInput(f"--limit must be at least 1, not {limit}")
    return _matches(conn, sql + f" ORDER BY {ORDER} LIMIT ? OFFSET ?", params, limit + one_more)


# Kinds a record can also be found as by its parts (a trip by its stops), rows that do not
# follow its own in the search order: the only hits remembered, to show each record once.
_FOUND_BY_PARTS = frozenset(shown for shown, _, _ in PARTS.values())


def _matches(
    conn: sqlite3.Connection, sql: str, params: list[object], limit: int
) -> Iterator[SearchHit]:
    # Grouped by kind, then by record and field (ORDER). A record has at most 16 rows of
    # its own (rowid = id * 128 + kind * 16 + field), so `limit` records usually lie within
    # the first limit * 16 rows: read a page that size, not every match (a common word in a
    # large database matches tens of thousands), and another only if rows were skipped (a
    # trip found by many of its stops, say).
    # A limit past any database's size (99999999999999999999) means all: keep it in int64.
    page = min(limit, 2**32) * _ROWS_PER_RECORD
    found = 0
    last: tuple[str, int] | None = None
    seen: set[tuple[str, int]] = set()
    offset = 0
    while True:
        rows = 0
        for kind, record_id, field in conn.execute(sql, [*params, page, offset]):
            rows += 1
            hit = _hit(conn, kind, record_id, field)
            if hit is None:
                continue
            # One hit per record, its first matching field: a record's own rows come one
            # after the other (their rowids are adjacent).
            key = (hit.kind, hit.id)
            if key == last or key in seen:
                continue
            last = key
            if hit.kind in _FOUND_BY_PARTS:
                seen.add(key)
            yield hit
            found += 1
            if found >= limit:
                return
        if rows < page:
            return
        offset += page


def _hit(conn: sqlite3.Connection, kind: str, record_id: int, field: str) -> SearchHit | None:
    """The record an index row stands for (a stop's trip, ...), or None if it has gone."""
    if kind in PARTS:
        shown, prefix, sql = PARTS[kind]
        row = conn.execute(sql.replace("FIELD", field), (record_id,)).fetchone()
        if row is None:
            return None
        return SearchHit(shown, row[0], row[1], f"{prefix} {field}", row[2])
    if kind not in KINDS:
        return None
    table, title_column = KINDS[kind]
    row = conn.execute(
        f"SELECT {title_column}, {field} FROM {table} WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None:
        return None
    return SearchHit(kind, record_id, row[0], field, row[1])
