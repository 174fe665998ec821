"""Search across records: the index is kept by triggers (migration m002_search)."""

from __future__ import annotations

import sqlite3
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


_ROWS_PER_RECORD = 16  # index rows a record can have (see migrations.search_index_rows)


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
    # Grouped by kind (rowid % 128 // 16), then by record and field. A record has at most
    # 16 index rows (rowid = id * 128 + kind * 16 + field), so `limit` records lie within
    # the first limit * 16 rows: read a page that size, not every match (a common word in a
    # large database matches tens of thousands), and another only if rows were skipped.
    sql += " ORDER BY rowid % 128 / 16, rowid LIMIT ? OFFSET ?"
    page = limit * _ROWS_PER_RECORD
    hits: list[SearchHit] = []
    seen: set[tuple[str, int]] = set()
    offset = 0
    while len(hits) < limit:
        rows = conn.execute(sql, [*params, page, offset]).fetchall()
        for kind, record_id, field in rows:
            if (kind, record_id) in seen or kind not in KINDS:
                continue  # one hit per record: the first matching field
            seen.add((kind, record_id))
            table, title_column = KINDS[kind]
            row = conn.execute(
                f"SELECT {title_column}, {field} FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None:
                continue
            hits.append(SearchHit(kind, record_id, row[0], field, row[1]))
            if len(hits) >= limit:
                break
        if len(rows) < page:
            break
        offset += page
    return hits
