"""Cooperations: the concrete plans that come out of the exchange, with a dated status."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..dates import parse_date
from ..errors import Conflict, InvalidInput
from ..models.agreements import (
    CONCRETE_STATUSES,
    COOPERATION_STATUSES,
    Cooperation,
    Party,
    StatusChange,
)
from ..models.orgs import Removed
from ..text import MAX_TEXT, clean, key, one_tag, short_repr, tags
from . import RefSpec, delete, insert, links, record_history, resolve, set_links, touch, update
from .agreements import AGREEMENT, party_ids
from .orgs import find_org, get_org

COOPERATION = RefSpec("cooperations", "cooperation", "title", ("title_key",))
_NEEDS_ORGS = "a cooperation needs at least two distinct organisations (--org ORG --org ORG)"


@dataclass(frozen=True)
class CooperationInput:
    """What the user gave for a cooperation; None means 'not given', '' clears."""

    title: str | None = None
    orgs: tuple[str, ...] | None = None
    agreement: str | None = None
    fields: tuple[str, ...] | None = None
    status: str | None = None
    note: str | None = None


def status(value: str) -> str:
    wanted = value.strip().casefold()
    if wanted not in COOPERATION_STATUSES:
        raise InvalidInput(
            f"unknown status {short_repr(value)}: use one of {', '.join(COOPERATION_STATUSES)}"
        )
    return wanted


def _values(
    conn: sqlite3.Connection, data: CooperationInput, own_id: int | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if data.title is not None:
        values["title"] = clean(data.title, "title")
        values["title_key"] = key(values["title"])
        row = conn.execute(
            "SELECT id, title FROM cooperations WHERE title_key = ? AND id IS NOT ?",
            (values["title_key"], own_id),
        ).fetchone()
        if row is not None:
            raise Conflict(
                f"title {short_repr(values['title'])} is already used by cooperation "
                f"#{row['id']} {short_repr(row['title'])}"
            )
    if data.agreement is not None:
        values["agreement_id"] = (
            resolve(conn, AGREEMENT, data.agreement)["id"] if data.agreement.strip() else None
        )
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    return values


def _replace_links(
    conn: sqlite3.Connection, row_id: int, uuid: str, data: CooperationInput, action: str
) -> list[str]:
    changed = []
    wanted: list[tuple[str, str, str, list[Any]]] = []
    if data.orgs is not None:
        ids = party_ids(conn, data.orgs, "organisation", _NEEDS_ORGS)
        wanted.append(("organisations", "cooperation_orgs", "org_id", ids))
    if data.fields is not None:
        fields = tags(data.fields, "field of action")
        wanted.append(("fields", "cooperation_fields", "field", fields))
    for name, table, column, values in wanted:
        old = links(conn, table, "cooperation_id", row_id, column)
        if old == values:
            continue
        set_links(conn, table, "cooperation_id", row_id, column, values)
        touch(conn, "cooperations", row_id)

        def shown(items: list[Any], column: str = column) -> str | None:
            if column == "org_id":
                items = [get_org(conn, i).label for i in items]
            return ", ".join(str(i) for i in items) or None

        record_history(
            conn, "cooperations", row_id, uuid, action, {name: (shown(old), shown(values))}
        )
        changed.append(name)
    return changed


def _record_status(
    conn: sqlite3.Connection, cooperation_id: int, value: str, on: date, note: str | None
) -> None:
    conn.execute(
        "INSERT INTO cooperation_status_changes (cooperation_id, status, changed_on, note)"
        " VALUES (?, ?, ?, ?)",
        (cooperation_id, value, on.isoformat(), note),
    )


def add_cooperation(
    conn: sqlite3.Connection, data: CooperationInput, today: date, on_text: str | None = None
) -> Cooperation:
    """A new cooperation plan; its first status is dated today, or on_text (--on: the past
    of a plan entered afterwards, never after today)."""
    if data.title is None:
        raise InvalidInput("a cooperation needs a title")
    on = parse_date(on_text, today) if on_text is not None else today
    if on > today:
        raise InvalidInput(f"status date {on.isoformat()} is after today {today}")
    values = _values(conn, data)
    values["status"] = status(data.status) if data.status is not None else "idea"
    party_ids(conn, data.orgs or (), "organisation", _NEEDS_ORGS)
    cooperation_id = insert(conn, "cooperations", values)
    uuid = conn.execute("SELECT uuid FROM cooperations WHERE id = ?", (cooperation_id,)).fetchone()[
        0
    ]
    _replace_links(conn, cooperation_id, uuid, data, "create")
    _record_status(conn, cooperation_id, values["status"], on, None)
    return get_cooperation(conn, cooperation_id)


# What edit-* takes: given none of it, there is nothing to change.
EDITABLE = "--title, --org, --agreement, --field or --note"


def edit_cooperation(
    conn: sqlite3.Connection, ref: str, data: CooperationInput
) -> tuple[Cooperation, list[str]]:
    """Change title, organisations, agreement, fields or note (the status has its own command)."""
    if data == CooperationInput():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    current = resolve(conn, COOPERATION, ref)
    values = _values(conn, data, current["id"])
    changed = list(update(conn, "cooperations", current["id"], values))
    changed += _replace_links(conn, current["id"], current["uuid"], data, "update")
    return get_cooperation(conn, current["id"]), [
        c.removesuffix("_id") for c in changed if not c.endswith("_key")
    ]


def back_in_time(on: str, last: str | None) -> str | None:
    """Why a status change dated ON cannot follow the last one, dated LAST, or None: a
    cooperation's dated status history only moves forward."""
    if last and on < last:
        return f"status change date {on} is before the last change on {last}"
    return None


def status_misfit(current: str, changes: Sequence[tuple[str, str]]) -> tuple[int, str] | None:
    """Where a cooperation's status and its dated history (status, changed_on), in the
    order recorded, contradict what add-cooperation and set-cooperation-status keep:
    (index of the change or -1 for the status, why), or None.

    Dates never go back, and the status is the last change's (both are written together).
    """
    for index in range(1, len(changes)):
        went_back = back_in_time(changes[index][1], changes[index - 1][1])
        if went_back is not None:
            return index, went_back
    if changes and changes[-1][0] != current:
        last, on = changes[-1]
        return -1, (
            f"status {short_repr(current)} is not the last status of its history"
            f" ({short_repr(last)} since {on})"
        )
    return None


def set_status(
    conn: sqlite3.Connection,
    ref: str,
    value: str,
    note: str | None,
    today: date,
    on_text: str | None = None,
) -> tuple[Cooperation, bool]:
    """Move a cooperation to a status, dated today (or --on); False when it already has it."""
    row = resolve(conn, COOPERATION, ref)
    wanted = status(value)
    on = parse_date(on_text, today) if on_text is not None else today
    if on > today:
        raise InvalidInput(f"status change date {on.isoformat()} is after today {today}")
    last = conn.execute(
        "SELECT max(changed_on) FROM cooperation_status_changes WHERE cooperation_id = ?",
        (row["id"],),
    ).fetchone()[0]
    went_back = back_in_time(on.isoformat(), last)
    if went_back is not None:
        raise InvalidInput(f"{went_back} of cooperation {short_repr(row['title'])}")
    if wanted == row["status"]:
        if note is not None and note.strip():
            # A status change's note goes with a change: kept silently it would be lost.
            raise InvalidInput(
                f"cooperation {short_repr(row['title'])} is already {wanted}, so the note has "
                "no change to go with: edit-cooperation --note notes it on the plan"
            )
        return get_cooperation(conn, row["id"]), False
    text = clean(note, "note", limit=MAX_TEXT, required=False) if note is not None else None
    update(conn, "cooperations", row["id"], {"status": wanted})
    _record_status(conn, row["id"], wanted, on, text)
    return get_cooperation(conn, row["id"]), True


def take_back_status(conn: sqlite3.Connection, ref: str) -> tuple[Cooperation, StatusChange]:
    """Take back the last status change (a mistaken status, or the right one on the wrong
    day): the cooperation has the status of the change before again, and the change taken
    back, its day and note with it. The status it was added with stays (it needs one);
    rit history shows the status going there and back."""
    row = resolve(conn, COOPERATION, ref)
    changes = conn.execute(
        "SELECT id, status, changed_on, note FROM cooperation_status_changes"
        " WHERE cooperation_id = ? ORDER BY changed_on DESC, id DESC LIMIT 2",
        (row["id"],),
    ).fetchall()
    if len(changes) < 2:
        raise Conflict(
            f"cooperation {short_repr(row['title'])} has no status change to take back:"
            f" {row['status']} is the status it was added with"
        )
    last, before = changes
    conn.execute("DELETE FROM cooperation_status_changes WHERE id = ?", (last["id"],))
    update(conn, "cooperations", row["id"], {"status": before["status"]})
    taken = StatusChange(last["status"], date.fromisoformat(last["changed_on"]), last["note"])
    return get_cooperation(conn, row["id"]), taken


_SELECT = """
    SELECT c.*, a.title AS agreement_title FROM cooperations c
    LEFT JOIN agreements a ON a.id = c.agreement_id
"""


def _row_to_cooperation(conn: sqlite3.Connection, row: sqlite3.Row) -> Cooperation:
    orgs = conn.execute(
        "SELECT o.id, o.name, o.short FROM cooperation_orgs co JOIN orgs o ON o.id = co.org_id"
        " WHERE co.cooperation_id = ? ORDER BY o.id",
        (row["id"],),
    )
    history = tuple(
        StatusChange(r["status"], date.fromisoformat(r["changed_on"]), r["note"])
        for r in conn.execute(
            "SELECT status, changed_on, note FROM cooperation_status_changes"
            " WHERE cooperation_id = ? ORDER BY changed_on, id",
            (row["id"],),
        )
    )
    agreement = None
    if row["agreement_id"]:
        agreement = Party(row["agreement_id"], row["agreement_title"], None)
    return Cooperation(
        id=row["id"],
        uuid=row["uuid"],
        title=row["title"],
        status=row["status"],
        since=history[-1].changed_on if history else None,
        orgs=tuple(Party(r["id"], r["name"], r["short"]) for r in orgs),
        agreement=agreement,
        fields=tuple(links(conn, "cooperation_fields", "cooperation_id", row["id"], "field")),
        note=row["note"],
        history=history,
    )


def get_cooperation(conn: sqlite3.Connection, cooperation_id: int) -> Cooperation:
    row = conn.execute(_SELECT + " WHERE c.id = ?", (cooperation_id,)).fetchone()
    return _row_to_cooperation(conn, row)


def find_cooperation(conn: sqlite3.Connection, ref: str) -> Cooperation:
    return get_cooperation(conn, resolve(conn, COOPERATION, ref)["id"])


def list_cooperations(
    conn: sqlite3.Connection,
    *,
    status_filter: str | None = None,
    agreement: str | None = None,
    field: str | None = None,
    org: str | None = None,
) -> list[Cooperation]:
    where: list[str] = []
    params: list[Any] = []
    if status_filter is not None:
        where.append("c.status = ?")
        params.append(status(status_filter))
    if agreement is not None:
        where.append("c.agreement_id = ?")
        params.append(resolve(conn, AGREEMENT, agreement)["id"])
    if field is not None:
        where.append("c.id IN (SELECT cooperation_id FROM cooperation_fields WHERE field = ?)")
        params.append(one_tag(field, "field of action"))
    if org is not None:
        where.append("c.id IN (SELECT cooperation_id FROM cooperation_orgs WHERE org_id = ?)")
        params.append(find_org(conn, org).id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.title_key"
    return [_row_to_cooperation(conn, r) for r in conn.execute(sql, params).fetchall()]


def cooperations_became_concrete(conn: sqlite3.Connection, year: int) -> list[Cooperation]:
    """Cooperations whose first change to agreed, running or completed falls in the year."""
    marks = ", ".join("?" for _ in CONCRETE_STATUSES)
    rows = conn.execute(
        f"""
        SELECT cooperation_id, min(changed_on) AS first FROM cooperation_status_changes
        WHERE status IN ({marks}) GROUP BY cooperation_id
        HAVING first BETWEEN ? AND ? ORDER BY first, cooperation_id
        """,
        (*CONCRETE_STATUSES, f"{year:04d}-01-01", f"{year:04d}-12-31"),
    ).fetchall()
    return [get_cooperation(conn, r["cooperation_id"]) for r in rows]


def remove_cooperation(conn: sqlite3.Connection, ref: str) -> Removed:
    """Remove a cooperation entered by mistake, with its organisations, fields and status
    history (nothing refers to a cooperation)."""
    row = resolve(conn, COOPERATION, ref)
    for table in ("cooperation_orgs", "cooperation_fields", "cooperation_status_changes"):
        conn.execute(f"DELETE FROM {table} WHERE cooperation_id = ?", (row["id"],))
    delete(conn, "cooperations", row["id"])
    return Removed("cooperation", row["id"], row["title"], row["uuid"])
