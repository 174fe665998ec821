"""The queries behind `rit remind`: each a range scan on an index, never a full scan."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from heapq import heappop, heappush
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..reminders import ZONE_SPREAD, ExchangeFact, Reminder
from . import batches
from .visits import agreement_terms, visit_facts_for

if TYPE_CHECKING:
    from ..schedule import Compliance

_EXCHANGE_COLUMNS = """
    id, uuid, type, title, status, start_on, end_on, decide_by, day, at, tz, starts_utc, place,
    fold
"""


def _facts(rows: Iterable[tuple[Any, ...]]) -> Iterator[ExchangeFact]:
    """Rows of _EXCHANGE_COLUMNS, unpacked by position and built by position: by name
    costs more, for every row."""
    day, instant, fact = date.fromisoformat, datetime.fromisoformat, ExchangeFact
    for (
        number, uuid, kind, title, status, start, end, decide_by, fixed, at, tz, utc, place, fold
    ) in rows:  # fmt: skip
        yield fact(
            number,
            uuid,
            kind,
            title,
            status,
            day(start),
            day(end),
            day(decide_by) if decide_by else None,
            fixed is not None,  # the day column
            at,
            tz,
            instant(utc) if utc else None,
            place,
            fold,
        )


# A start's day in the user's zone is at most ZONE_SPREAD from its day at the place; an
# upcoming exchange is due on the former. A day to spare.
_ZONE_SLACK = ZONE_SPREAD + timedelta(days=1)

_SELECT = f"SELECT {_EXCHANGE_COLUMNS} FROM exchanges"

# The open exchanges that may need attention, in four disjoint parts, each read in the
# order of the day its reminders fall on (or, for fixed days, within _ZONE_SLACK of it):
# (query, the field of the fact that orders it, how many days before that an item may
# be due).
_EXCHANGE_PARTS = (
    # Fixed days: overdue on their first day, upcoming on the user's day of it. Read up
    # to ZONE_SPREAD past the horizon (:reach): a start on such a day at the place may be
    # on the horizon's day in the user's zone, which classify_exchange decides.
    (
        f"{_SELECT} WHERE status = 'scheduled' AND start_on <= :reach ORDER BY start_on",
        "start",
        _ZONE_SLACK,
    ),
    # Windows with a decide-by date by the horizon, still open: decide-overdue or
    # decide-by, on that date. Without statistics SQLite would walk every planned
    # exchange by status; the partial decide_by index holds only windows that have one.
    (
        f"{_SELECT} INDEXED BY exchanges_decide_by WHERE decide_by <= :horizon"
        " AND decide_by IS NOT NULL AND status = 'planned' AND end_on >= :today"
        " ORDER BY decide_by",
        "decide_by",
        timedelta(0),
    ),
    # Windows opening within the horizon with no decide-by date in it: on their first day.
    (
        f"{_SELECT} WHERE status = 'planned' AND start_on BETWEEN :today AND :horizon"
        " AND (decide_by IS NULL OR decide_by > :horizon) ORDER BY start_on",
        "start",
        timedelta(0),
    ),
    # Windows opened before today, closed or closing by the horizon (those still open
    # with a decide-by date by then are the second part's): on their last day.
    (
        f"{_SELECT} WHERE status = 'planned' AND start_on < :today AND end_on <= :horizon"
        " AND (end_on < :today OR decide_by IS NULL OR decide_by > :horizon)"
        " ORDER BY end_on",
        "end",
        timedelta(0),
    ),
)


def in_order(pairs: Iterable[tuple[date, Reminder | None]]) -> Iterator[Reminder]:
    """The reminders of PAIRS in sort_key order, each yielded as soon as no later one can
    come before it: a pair's day is one before which neither its reminder (if any) nor a
    later pair's is due. Holds only the reminders due from the latest such day on (a day's
    worth, or a few days' for fixed days in other zones), however far the horizon."""
    from ..reminders import sort_key

    held: list[tuple[Any, int, Reminder]] = []
    for count, (bound, item) in enumerate(pairs):
        while held and held[0][0][0] < bound:
            yield heappop(held)[2]
        if item is not None:
            heappush(held, (sort_key(item), count, item))
    while held:
        yield heappop(held)[2]


def exchange_reminders(
    conn: sqlite3.Connection, today: date, horizon: date, user_zone: str
) -> list[Iterator[Reminder]]:
    """The reminders of open exchanges due by the horizon, as streams each in sort_key
    order (to merge), read as they are needed.

    Done and cancelled exchanges are never read: the (status, start_on) index keeps the
    cost to the open ones, however long the history grows.
    """
    from ..reminders import classify_exchange

    dates = {
        "today": today.isoformat(),
        "horizon": horizon.isoformat(),
        "reach": (horizon + ZONE_SPREAD).isoformat(),
    }

    def part(sql: str, field: str, slack: timedelta) -> Iterator[Reminder]:
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: unpacked by position, no sqlite3.Row each
        ordering = attrgetter(field)
        # With each reminder the day before which none from this fact on is due.
        yield from in_order(
            (ordering(fact) - slack, classify_exchange(fact, today, horizon, user_zone))
            for fact in _facts(cursor.execute(sql, dates))
        )

    return [part(*spec) for spec in _EXCHANGE_PARTS]


def ending_within(conn: sqlite3.Connection, today: date, until: date) -> list[Reminder]:
    """Agreements and programmes whose term ends between today and until.

    An agreement ends on its last day in force (schedule.AgreementTerms.end): its
    valid-until, or the day before an early termination. Both are found through the
    valid_until index: those planned to end in the window, and those planned to run past it
    (or open-ended) that a termination ends in it. The latter walk the index from the
    window's end on, as obligations_at_risk does from today; no index holds terminated_on.
    A draft (its signing day still to come) is not expiring: nothing is in force yet.
    """
    from ..schedule import AgreementTerms

    items = []
    window = (today.isoformat(), until.isoformat())
    dates = {"today": window[0], "until": window[1], "cut": (until + timedelta(days=1)).isoformat()}
    for row in conn.execute(
        "SELECT id, uuid, title, valid_until, terminated_on FROM agreements"
        " WHERE signed_on <= :today AND (valid_until BETWEEN :today AND :until"
        " OR valid_until > :until AND terminated_on > :today AND terminated_on <= :cut"
        " OR valid_until IS NULL AND terminated_on > :today AND terminated_on <= :cut)",
        dates,
    ):
        planned = date.fromisoformat(row["valid_until"]) if row["valid_until"] else None
        ended = date.fromisoformat(row["terminated_on"]) if row["terminated_on"] else None
        end = AgreementTerms((), None, valid_until=planned, terminated_on=ended).end
        if end is None or not today <= end <= until:
            continue  # terminated by today: no longer in force
        if ended is None:
            items.append(_ending("agreement", row, row["title"], today))
            continue
        days = (end - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        why = f" (terminated on {ended.isoformat()})" if end != planned else ""
        message = f"agreement ends on {end.isoformat()}{why}, {when}; plan what follows"
        items.append(
            Reminder(
                "expiring",
                end,
                "agreement",
                row["id"],
                row["uuid"],
                row["title"],
                message,
                days,
                None,
                end,
            )
        )
    for row in conn.execute(
        "SELECT id, uuid, coalesce(short, name) AS title, valid_until FROM programmes"
        " WHERE valid_until BETWEEN ? AND ?",
        window,
    ):
        items.append(_ending("programme", row, row["title"], today))
    return items


def _ending(record: str, row: sqlite3.Row, title: str, today: date) -> Reminder:
    end = date.fromisoformat(row["valid_until"])
    days = (end - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return Reminder(
        "expiring",
        end,
        record,
        row["id"],
        row["uuid"],
        title,
        f"{record} ends on {end.isoformat()}, {when}; extend it or plan what follows",
        days,
        None,
        end,
    )


def seen_before(conn: sqlite3.Connection, reminders: list[Reminder]) -> set[str]:
    """Keys of reminders already printed with the same fingerprint (for --new)."""
    printed: dict[str, str] = {}
    for chunk, marks in batches([item.key for item in reminders]):
        for key, fingerprint in conn.execute(
            f"SELECT key, fingerprint FROM reminders_sent WHERE key IN ({marks})", chunk
        ):
            printed[key] = fingerprint
    return {item.key for item in reminders if printed.get(item.key) == item.fingerprint}


def remember(conn: sqlite3.Connection, due: list[Reminder], shown: list[Reminder], at: str) -> None:
    """Record what --new has just shown, and forget the agreements no longer at risk.

    An agreement at risk again after it was not (a visit planned, then cancelled) is new
    then, and shown again. Only that kind is forgotten: whether it is due does not depend
    on --within, while the other kinds come and go with the horizon (two cron jobs with
    different horizons must not make each other repeat), and change their fingerprint
    when their dates move.
    """
    conn.executemany(
        "INSERT INTO reminders_sent (key, fingerprint, sent_at) VALUES (?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " sent_at = excluded.sent_at",
        [(item.key, item.fingerprint, at) for item in shown],
    )
    current = {item.key for item in due}
    gone = [
        key
        for (key,) in conn.execute("SELECT key FROM reminders_sent WHERE key LIKE 'at-risk:%'")
        if key not in current
    ]
    for chunk, marks in batches(gone):
        conn.execute(f"DELETE FROM reminders_sent WHERE key IN ({marks})", chunk)


def forget_reminders(conn: sqlite3.Connection, record: str, uuid: str) -> None:
    """Forget what --new printed about a record that is being removed (by its keys, one
    for each kind of reminder; a new record never has its uuid)."""
    from ..reminders import KINDS

    keys = [Reminder(kind, date.min, record, 0, uuid, "", "", 0).key for kind in KINDS]
    conn.execute(f"DELETE FROM reminders_sent WHERE key IN ({', '.join('?' for _ in keys)})", keys)


def due(
    conn: sqlite3.Connection,
    today: date,
    horizon: date,
    expiry_until: date,
    user_zone: str,
    judged: Mapping[int, Compliance] | None = None,
) -> Iterator[Reminder]:
    """Everything that needs attention as of today, sorted by date (sort_key), read as
    it is yielded: the exchanges' reminders from their queries, each in its order, merged
    with the agreements' and programmes' (a few hundred, held). The connection must stay
    open until the last is read.

    judged: this year's compliance of agreements already worked out (the report has it),
    by id; the others are judged here.
    """
    from heapq import merge

    from ..reminders import sort_key

    agreements = ending_within(conn, today, expiry_until)
    agreements.extend(obligations_at_risk(conn, today, judged or {}))
    agreements.sort(key=sort_key)
    return merge(*exchange_reminders(conn, today, horizon, user_zone), agreements, key=sort_key)


def obligations_at_risk(
    conn: sqlite3.Connection, today: date, judged: Mapping[int, Compliance] | None = None
) -> list[Reminder]:
    """Agreements whose obligation for the current year is at risk: those in force today,
    and those signed that come into force later this year (they owe the year's share
    from their first day, as show-agreement and the report say).

    A fixed number of queries however many agreements are in force: their parties, the
    year's visits and the names of the directions' hosts are each read for all at once,
    for the agreements whose compliance is not in judged already.
    """
    from ..schedule import compliance, covered_in_year

    year = today.year
    rows = conn.execute(
        "SELECT a.* FROM agreements a WHERE a.signed_on IS NOT NULL"
        " AND coalesce(a.valid_from, a.signed_on) <= :year_end"
        " AND (a.valid_until IS NULL OR a.valid_until >= :d)"
        " AND (a.terminated_on IS NULL OR a.terminated_on > :d)"
        " AND a.visits_per_year > 0 ORDER BY a.id",
        {"d": today.isoformat(), "year_end": f"{year:04d}-12-31"},
    ).fetchall()
    terms = agreement_terms(conn, rows)
    each_way = {row["id"] for row in rows if row["each_way"]}  # who visits whom matters
    judged = judged or {}
    fresh = [row["id"] for row in rows if row["id"] not in judged]
    held = visit_facts_for(conn, fresh, year, planned=False, parties=each_way)
    # Planned visits can only lift at-risk (or missed: a visit under way when the span
    # ended) to on-track, never change met: they are read only for the agreements that
    # held ones leave short.
    undecided = [
        i
        for i in fresh
        if compliance(terms[i], year, held.get(i, []), today).verdict in ("at-risk", "missed")
    ]
    planned = visit_facts_for(conn, undecided, year, held=False, parties=each_way)
    results = {
        i: compliance(terms[i], year, held.get(i, []) + planned.get(i, []), today)
        for i in undecided
    }
    at_risk = []
    for row in rows:
        result = judged.get(row["id"]) or results.get(row["id"])
        covered = covered_in_year(terms[row["id"]], year)
        if result is not None and result.verdict == "at-risk" and covered is not None:
            at_risk.append((row, result, covered))
    labels = _labels(conn, sorted({d.host for _, result, _ in at_risk for d in result.directions}))
    items = []
    for row, result, covered in at_risk:
        days = (covered.end - today).days
        if result.each_way:
            short = sum(max(0, d.required - d.held - d.planned) for d in result.directions)
            state = "; ".join(
                f"to {labels.get(d.host, f'#{d.host}')}: {d.held} held, {d.planned} planned"
                for d in result.directions
            )
            need = f"{_visits(result.required)} each way ({state})"
        else:
            short = result.required - result.held - result.planned
            need = f"{_visits(result.required)}: {result.held} held, {result.planned} planned"
        items.append(
            Reminder(
                "at-risk",
                covered.end,
                "agreement",
                row["id"],
                row["uuid"],
                row["title"],
                f"{year} requires {need}; {short} more to schedule,"
                f" {days} day{'s' if days != 1 else ''} left"
                + (f" (in force from {covered.start})" if covered.start > today else ""),
                days,
                covered.start,
                covered.end,
            )
        )
    return items


def _visits(count: int) -> str:
    return f"{count} visit" if count == 1 else f"{count} visits"


def _labels(conn: sqlite3.Connection, org_ids: list[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    for chunk, marks in batches(org_ids):
        sql = f"SELECT id, coalesce(short, name) FROM orgs WHERE id IN ({marks})"
        labels.update((row[0], row[1]) for row in conn.execute(sql, chunk))
    return labels
