"""Visits as an agreement's obligation counts them.

Kept apart from store/agreements.py so that `rit remind` can judge obligations without
loading everything agreements need for display.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import date, timedelta

from ..schedule import AgreementTerms, VisitFact
from . import SPAN_DAYS, batches

_VISIT_COLUMNS = "agreement_id, id, status, host_id, day, start_on, end_on"


def visit_facts_for(
    conn: sqlite3.Connection,
    agreement_ids: Sequence[int],
    year: int,
    *,
    held: bool = True,
    planned: bool = True,
    parties: Collection[int] | None = None,
) -> dict[int, list[VisitFact]]:
    """The visits that can count for a year, by agreement (none: not in the dict).

    Held ones (done in the year: the (agreement_id, start_on) index, limited to the year)
    and planned ones (planned or scheduled, reaching into the year), or one kind alone;
    read in one query for many agreements, and without walking their past years.

    Guests and hosts are read for the visits of the agreements in parties (None: all).
    Only an each-way obligation looks at them; the other visits get no guests and the
    exchange's own host.
    """
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    # No exchange spans more than SPAN_DAYS, so an open one that reaches into the year
    # started at most that long before it: the scan stays within each agreement's recent
    # exchanges however long its history. Neither half may use the status index (+status):
    # for a long list of agreements SQLite would rather walk every visit done that year.
    earliest = (date(year, 1, 1) - timedelta(days=SPAN_DAYS)).isoformat()
    halves = [
        (condition, dates)
        for condition, dates, wanted in (
            ("start_on BETWEEN ? AND ? AND +status = 'done'", (first, last), held),
            (
                "start_on BETWEEN ? AND ? AND end_on >= ? AND +status IN ('planned', 'scheduled')",
                (earliest, last, first),
                planned,
            ),
        )
        if wanted
    ]
    rows: list[sqlite3.Row] = []
    # Two lists of 400 ids and five dates: fewer than 999 parameters.
    for chunk, marks in batches(agreement_ids, 400):
        sql = " UNION ALL ".join(
            f"SELECT {_VISIT_COLUMNS} FROM exchanges"
            f" WHERE agreement_id IN ({marks}) AND type = 'visit' AND {condition}"
            for condition, _ in halves
        )
        params = [value for _, dates in halves for value in (*chunk, *dates)]
        rows += conn.execute(sql, params).fetchall()
    # Sorted here: asked to sort, SQLite would read each row through exchanges_agreement
    # (already in that order) instead of the covering exchanges_visits (m005).
    rows.sort(key=lambda row: (row["agreement_id"], row["start_on"], row["id"]))
    return _facts(conn, rows, parties)


def _facts(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], parties: Collection[int] | None = None
) -> dict[int, list[VisitFact]]:
    """Rows of _VISIT_COLUMNS as visit facts by agreement; guests and hosts read in batches
    for the agreements in parties (None: all)."""
    roles: dict[int, dict[str, set[int]]] = {}
    wanted = [row["id"] for row in rows if parties is None or row["agreement_id"] in parties]
    for chunk, marks in batches(wanted):
        for exchange_id, org_id, role in conn.execute(
            f"SELECT exchange_id, org_id, role FROM exchange_orgs WHERE exchange_id IN ({marks})",
            chunk,
        ):
            roles.setdefault(exchange_id, {}).setdefault(role, set()).add(org_id)
    facts: dict[int, list[VisitFact]] = {}
    nobody: frozenset[int] = frozenset()
    day_of = date.fromisoformat
    for agreement_id, exchange_id, status, host_id, day, start_on, end_on in rows:
        mine = roles.get(exchange_id)
        if mine is None:  # no guests or hosts read: the exchange's own host
            guests, host = nobody, host_id
        else:
            guests = frozenset(mine.get("guest", ()))
            host = host_id or min(mine.get("host", ()), default=None)
        first_day = day_of(day or start_on)
        last_day = max(first_day, day_of(end_on))
        facts.setdefault(agreement_id, []).append(
            VisitFact(guests, host, status, first_day, last_day)
        )
    return facts


def agreement_terms(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]
) -> dict[int, AgreementTerms]:
    """Agreements rows as compliance needs them, by id; their parties read in batches."""
    parties: dict[int, list[int]] = {}
    for chunk, marks in batches([row["id"] for row in rows]):
        for agreement_id, org_id in conn.execute(
            "SELECT agreement_id, org_id FROM agreement_parties"
            f" WHERE agreement_id IN ({marks}) ORDER BY agreement_id, org_id",
            chunk,
        ):
            parties.setdefault(agreement_id, []).append(org_id)

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return {
        row["id"]: AgreementTerms(
            parties=tuple(parties.get(row["id"], ())),
            signed_on=day(row["signed_on"]),
            valid_from=day(row["valid_from"]),
            valid_until=day(row["valid_until"]),
            terminated_on=day(row["terminated_on"]),
            visits_per_year=row["visits_per_year"],
            each_way=bool(row["each_way"]),
        )
        for row in rows
    }
