"""What a shell offers while a reference is typed: the values resolve() accepts for it.

Each finder takes the typed text as key() folds it (case-insensitive) and returns at most
LIMIT candidates, best first: names or titles beginning with it (an indexed range of the
key column), then those with a word beginning with it ('kobe' -> 'LoI Kobe–LSN'), which
reads the table (organisations, agreements and the like number hundreds, not millions).
Exchanges, the one table that grows with the years, are only ever read through indexes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

LIMIT = 50
# Above every character a key can hold: key_column < prefix || TOP bounds the range of
# keys beginning with prefix (SQLite compares UTF-8 bytes, which keep code point order).
TOP = "\U0010ffff"
# With nothing typed, an exchange id is offered for the open exchanges around today: the
# last few of those begun before it (to mark done, or cancel) and the next ones.
OPEN = ("planned", "scheduled")
EARLIER_AT_MOST = 10


class Candidate(NamedTuple):
    """One value to offer, with what zsh and fish show beside it ('' for nothing)."""

    value: str
    help: str


def fold(typed: str) -> str:
    """The typed text as key() folds names, but a space typed last is kept: 'Life ' is
    the start of 'Life Science Nord', not of 'Lifeline'."""
    import unicodedata

    return unicodedata.normalize("NFC", typed).lstrip().casefold()


def _starts_a_word(text: str, part: str) -> bool:
    """Whether part begins a word of text other than its first (a prefix found already)."""
    at = text.find(part, 1)
    while at > 0:
        if not text[at - 1].isalnum():
            return True
        at = text.find(part, at + 1)
    return False


def _first(found: Iterable[tuple[int, Candidate]], limit: int) -> list[Candidate]:
    """The candidates in the order found, each record once, at most limit of them."""
    seen: dict[int, Candidate] = {}
    for record_id, candidate in found:
        seen.setdefault(record_id, candidate)
        if len(seen) >= limit:
            break
    return list(seen.values())


def _keyed(
    conn: sqlite3.Connection, select: str, source: str, key: str, prefix: str, limit: int
) -> Iterator[tuple[Any, ...]]:
    """Rows of `SELECT select, key FROM source` whose key begins with prefix (a range of
    the key's index, at most limit), then, when something is typed, those with a later
    word of the key beginning with it (the table read: hundreds of rows, not millions)."""
    yield from conn.execute(
        f"SELECT {select}, {key} FROM {source} WHERE {key} >= ? AND {key} < ?"
        f" ORDER BY {key} LIMIT ?",
        (prefix, prefix + TOP, limit),
    )
    if prefix:
        for row in conn.execute(
            f"SELECT {select}, {key} FROM {source} WHERE instr({key}, ?) > 1 ORDER BY {key}",
            (prefix,),
        ):
            if _starts_a_word(row[-1], prefix):
                yield row


def named(conn: sqlite3.Connection, table: str, typed: str, limit: int = LIMIT) -> list[Candidate]:
    """Organisations or programmes: the short name where one has it, else the name (what
    `rit orgs` shows and people type). A name that the text begins, or has a word beginning
    with, while the short name does not, is offered as the name: the shells keep only
    values beginning with what is typed."""
    prefix = fold(typed)

    def found() -> Iterator[tuple[int, Candidate]]:
        for record_id, name, short, _ in conn.execute(
            f"SELECT id, name, short, short_key FROM {table}"
            " WHERE short_key >= ? AND short_key < ? ORDER BY short_key LIMIT ?",
            (prefix, prefix + TOP, limit),
        ):
            yield record_id, Candidate(short, name)
        for record_id, name, short, _ in _keyed(
            conn, "id, name, short", table, "name_key", prefix, limit
        ):
            # Nothing typed: what people type is the short name.
            yield (
                record_id,
                Candidate(short, name) if short and not prefix else Candidate(name, short or ""),
            )

    return _first(found(), limit)


# What zsh and fish show beside a title: enough to tell records apart.
TITLED: dict[str, str] = {
    "agreements": "'#' || id || ' ' || kind",
    "cooperations": "'#' || id || ' ' || status",
    "trips": "'#' || id || ' ' || start_on || '..' || end_on",
}


def titled(conn: sqlite3.Connection, table: str, typed: str, limit: int = LIMIT) -> list[Candidate]:
    """Agreements, cooperations or trips, by their (unique) titles."""
    rows = _keyed(conn, f"id, title, {TITLED[table]}", table, "title_key", fold(typed), limit)
    return _first(((row[0], Candidate(row[1], row[2])) for row in rows), limit)


def contacts(conn: sqlite3.Connection, typed: str, limit: int = LIMIT) -> list[Candidate]:
    """Contacts by name (a surname typed finds the person too), with their organisation.
    Two people of one name are each offered by id ('#7'): their name would be refused as
    ambiguous."""
    org = "(SELECT coalesce(o.short, o.name) FROM orgs o WHERE o.id = c.org_id)"
    rows = list(
        islice(
            _keyed(conn, f"c.id, c.name, {org}", "contacts c", "c.name_key", fold(typed), limit),
            limit,
        )
    )
    shared = _shared_keys(conn, {row[3] for row in rows})
    return [
        Candidate(f"#{record_id}", f"{name} at {at}")
        if name_key in shared
        else Candidate(name, f"at {at}")
        for record_id, name, at, name_key in rows
    ]


def _shared_keys(conn: sqlite3.Connection, keys: set[str]) -> set[str]:
    """The names among keys that more than one contact has (contacts_name index)."""
    from . import batches

    shared: set[str] = set()
    for chunk, marks in batches(sorted(keys)):
        shared.update(
            row[0]
            for row in conn.execute(
                f"SELECT name_key FROM contacts WHERE name_key IN ({marks})"
                " GROUP BY name_key HAVING count(*) > 1",
                chunk,
            )
        )
    return shared


def exchanges(
    conn: sqlite3.Connection, typed: str, today: date, limit: int = LIMIT
) -> list[Candidate]:
    """Exchanges: an id (typed digits, or nothing: the open ones around today) with its
    title and day beside it, or a title no other exchange has (titles repeat: a title
    shared is refused as ambiguous). Only indexes are read: there may be 500 000."""
    text = typed.strip()
    mark = "#" if text.startswith("#") else ""
    digits = text[len(mark) :]
    if not digits:
        rows = _open_around(conn, today.isoformat(), limit)
    elif digits.isascii() and digits.isdigit():
        rows = [] if digits.startswith("0") else _by_id_prefix(conn, int(digits), limit)
    else:
        prefix = fold(typed)
        return [
            Candidate(title, f"#{record_id} {start_on}")
            for title, record_id, start_on in conn.execute(
                "SELECT min(title), min(id), min(start_on) FROM exchanges"
                " WHERE title_key >= ? AND title_key < ? GROUP BY title_key"
                " HAVING count(*) = 1 ORDER BY title_key LIMIT ?",
                (prefix, prefix + TOP, limit),
            )
        ]
    return [
        Candidate(f"{mark}{record_id}", f"{start_on} {title}")
        for record_id, title, start_on in rows
    ]


def _open_around(conn: sqlite3.Connection, day: str, limit: int) -> list[tuple[int, str, str]]:
    """The open exchanges around a day, in date order: the last few that began before it
    (still to be marked done, or cancelled) and the next ones. Each status is a bounded
    slice of the (status, start_on) index."""
    before: list[tuple[int, str, str]] = []
    after: list[tuple[int, str, str]] = []
    for status in OPEN:
        before += conn.execute(
            "SELECT id, title, start_on FROM exchanges WHERE status = ? AND start_on < ?"
            " ORDER BY start_on DESC, id DESC LIMIT ?",
            (status, day, EARLIER_AT_MOST),
        ).fetchall()
        after += conn.execute(
            "SELECT id, title, start_on FROM exchanges WHERE status = ? AND start_on >= ?"
            " ORDER BY start_on, id LIMIT ?",
            (status, day, limit),
        ).fetchall()
    earlier = sorted(before, key=lambda r: (r[2], r[0]))[-EARLIER_AT_MOST:]
    return earlier + sorted(after, key=lambda r: (r[2], r[0]))[: limit - len(earlier)]


def _by_id_prefix(conn: sqlite3.Connection, number: int, limit: int) -> list[tuple[int, str, str]]:
    """Exchanges whose id begins with these digits: the id itself, then the ranges
    number*10..number*10+9, number*100.. up to the largest id: bounded ranges of the
    primary key."""
    (largest,) = conn.execute("SELECT max(id) FROM exchanges").fetchone()
    if largest is None:
        return []
    rows: list[tuple[int, str, str]] = []
    low, high = number, number
    while len(rows) < limit and low <= largest:
        rows += conn.execute(
            "SELECT id, title, start_on FROM exchanges WHERE id BETWEEN ? AND ?"
            " ORDER BY id LIMIT ?",
            (low, min(high, largest), limit - len(rows)),
        ).fetchall()
        low, high = low * 10, high * 10 + 9
    return rows
