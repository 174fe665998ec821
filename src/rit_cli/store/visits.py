"""Visits as an agreement's obligation counts them.

Kept apart from store/agreements.py so that `rit remind` can judge obligations without
loading everything agreements need for display.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta

from ..schedule import AgreementTerms, VisitFact
from . import SPAN_DAYS


def visit_facts(
    conn: sqlite3.Connection, agreement_id: int, year: int | None = None
) -> list[VisitFact]:
    """The visits linked to an agreement; with a year, only those that can count for it.

    For a year: the visits done in it (the (agreement_id, start_on) index, limited to the
    year) and the open ones (the (status, start_on) index holds only what is not yet done
    or cancelled), so the cost does not grow with the agreement's past years.
    """
    if year is None:
        rows = conn.execute(
            "SELECT id, status, host_id, day, start_on, end_on FROM exchanges"
            " WHERE agreement_id = ? AND type = 'visit' ORDER BY start_on, id",
            (agreement_id,),
        ).fetchall()
    else:
        first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
        # No exchange spans more than SPAN_DAYS, so an open one that reaches into the year
        # started at most that long before it: the scan stays within the agreement's
        # recent exchanges however long its history.
        earliest = (date(year, 1, 1) - timedelta(days=SPAN_DAYS)).isoformat()
        rows = conn.execute(
            "SELECT id, status, host_id, day, start_on, end_on FROM exchanges"
            " WHERE agreement_id = ? AND start_on BETWEEN ? AND ? AND type = 'visit'"
            " AND status = 'done'"
            " UNION "
            "SELECT id, status, host_id, day, start_on, end_on FROM exchanges"
            " WHERE agreement_id = ? AND start_on BETWEEN ? AND ? AND end_on >= ?"
            " AND +status IN ('planned', 'scheduled') AND type = 'visit'"
            " ORDER BY start_on, id",
            (agreement_id, first, last, agreement_id, earliest, last, first),
        ).fetchall()
    return _facts(conn, rows)


def visit_facts_for(
    conn: sqlite3.Connection, agreement_ids: Sequence[int], year: int
) -> dict[int, list[VisitFact]]:
    """visit_facts(conn, id, year) for many agreements at once, in a fixed number of queries.

    The same two bounded range scans on (agreement_id, start_on) as for one agreement, one
    per agreement in the IN list: the cost follows the agreements asked about and their
    exchanges around the year, not the history. Agreements without visits map to [].
    """
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    earliest = (date(year, 1, 1) - timedelta(days=SPAN_DAYS)).isoformat()
    ids = sorted(set(agreement_ids))
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows += conn.execute(
            "SELECT agreement_id, id, status, host_id, day, start_on, end_on FROM exchanges"
            f" WHERE agreement_id IN ({marks}) AND start_on BETWEEN ? AND ? AND type = 'visit'"
            " AND +status = 'done'"
            " UNION "
            "SELECT agreement_id, id, status, host_id, day, start_on, end_on FROM exchanges"
            f" WHERE agreement_id IN ({marks}) AND start_on BETWEEN ? AND ? AND end_on >= ?"
            " AND +status IN ('planned', 'scheduled') AND type = 'visit'"
            " ORDER BY agreement_id, start_on, id",
            (*chunk, first, last, *chunk, earliest, last, first),
        ).fetchall()
    found: dict[int, list[VisitFact]] = {i: [] for i in ids}
    for row, fact in zip(rows, _facts(conn, rows), strict=True):
        found[row["agreement_id"]].append(fact)
    return found


def _facts(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[VisitFact]:
    """Exchange rows as visit facts, with the guests and hosts fetched in batches."""
    roles: dict[int, dict[str, set[int]]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for exchange_id, org_id, role in conn.execute(
            f"SELECT exchange_id, org_id, role FROM exchange_orgs WHERE exchange_id IN ({marks})",
            chunk,
        ):
            roles.setdefault(exchange_id, {}).setdefault(role, set()).add(org_id)
    facts = []
    for row in rows:
        mine = roles.get(row["id"], {})
        host = row["host_id"] or min(mine.get("host", ()), default=None)
        first_day = date.fromisoformat(row["day"] or row["start_on"])
        last_day = max(first_day, date.fromisoformat(row["end_on"]))
        facts.append(
            VisitFact(frozenset(mine.get("guest", ())), host, row["status"], first_day, last_day)
        )
    return facts


def terms_from_row(conn: sqlite3.Connection, row: sqlite3.Row) -> AgreementTerms:
    """An agreements row (and its parties) as compliance needs it."""
    parties = tuple(
        r[0]
        for r in conn.execute(
            "SELECT org_id FROM agreement_parties WHERE agreement_id = ? ORDER BY org_id",
            (row["id"],),
        )
    )

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return AgreementTerms(
        parties=parties,
        signed_on=day(row["signed_on"]),
        valid_from=day(row["valid_from"]),
        valid_until=day(row["valid_until"]),
        terminated_on=day(row["terminated_on"]),
        visits_per_year=row["visits_per_year"],
        each_way=bool(row["each_way"]),
    )
