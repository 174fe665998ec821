"""Agreements and programmes."""

from __future__ import annotations

import sqlite3
from datetime import date

# An agreement is in force on day :d when it is signed, has started, has not ended
# (valid_until already includes every extension) and was not terminated before :d.
IN_FORCE_ON = """
    a.signed_on IS NOT NULL
    AND coalesce(a.valid_from, a.signed_on) <= :d
    AND (a.valid_until IS NULL OR a.valid_until >= :d)
    AND (a.terminated_on IS NULL OR a.terminated_on > :d)
"""


def agreements_in_force(
    conn: sqlite3.Connection, org_ids: list[int], on: date
) -> list[sqlite3.Row]:
    """Agreements in force on a day to which every one of the organisations is a party."""
    ids = sorted(set(org_ids))
    marks = ", ".join("?" for _ in ids)
    sql = f"""
        SELECT a.* FROM agreements a
        WHERE {IN_FORCE_ON.replace(":d", "?")}
          AND (SELECT count(*) FROM agreement_parties p
               WHERE p.agreement_id = a.id AND p.org_id IN ({marks})) = ?
        ORDER BY a.id
    """
    day = on.isoformat()
    return conn.execute(sql, [day, day, day, *ids, len(ids)]).fetchall()
