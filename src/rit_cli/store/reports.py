"""Assembling the current-state and yearly reports from the other store functions."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .. import schedule
from ..models.agreements import Agreement, Cooperation, FieldUse
from ..models.exchanges import Exchange, ExchangeLine
from ..models.reports import AgreementState, CurrentReport, OrgCount, YearReport
from ..reminders import Reminder
from ..text import short_repr
from . import batches, resolve
from .agreements import get_agreement, list_agreements, terms_of
from .exchanges import AGREEMENT, agenda, agenda_lines, exchanges_by_id, held_between
from .orgs import find_org
from .reminders import due
from .visits import visit_facts_for

UPCOMING_DAYS = 90


@dataclass(frozen=True)
class Scope:
    """What a report covers: everything, one agreement, a programme or an organisation."""

    agreement: str | None = None
    programme: str | None = None
    org: str | None = None

    def describe(self, conn: sqlite3.Connection) -> str:
        if self.agreement:
            return f"agreement {resolve(conn, AGREEMENT, self.agreement)['title']}"
        if self.programme:
            from .programmes import PROGRAMME

            row = resolve(conn, PROGRAMME, self.programme)
            return f"programme {row['short'] or row['name']}"
        if self.org:
            org = find_org(conn, self.org)
            return f"organisation {org.label}"
        return "all agreements"


def _agreements(conn: sqlite3.Connection, scope: Scope, today: date) -> list[Agreement]:
    if scope.agreement:
        return [get_agreement(conn, resolve(conn, AGREEMENT, scope.agreement)["id"], today)]
    return list_agreements(conn, today, programme=scope.programme, org=scope.org)


def _exchange_in_scope(
    exchange: Exchange | ExchangeLine, scope: Scope, agreement_ids: set[int], org_id: int | None
) -> bool:
    if scope.agreement or scope.programme:
        return exchange.agreement_id in agreement_ids
    if org_id is not None:
        return any(p.org_id == org_id for p in exchange.parties)
    return True


def _cooperation_in_scope(
    cooperation: Cooperation, scope: Scope, agreement_ids: set[int], org_id: int | None
) -> bool:
    """As _exchange_in_scope: an agreement's or programme's report by agreement, an
    organisation's by the cooperation's organisations (not by its partners' agreements)."""
    if scope.agreement or scope.programme:
        return cooperation.agreement is not None and cooperation.agreement.id in agreement_ids
    if org_id is not None:
        return any(o.id == org_id for o in cooperation.orgs)
    return True


def _exchange_ids_in_scope(
    conn: sqlite3.Connection,
    exchange_ids: Iterable[int],
    scope: Scope,
    agreement_ids: set[int],
    org_id: int | None,
) -> set[int]:
    """The same rule as _exchange_in_scope for exchanges known only by id (reminders name
    them), asked of the database instead of loading each exchange."""
    ids = sorted(set(exchange_ids))
    if not (scope.agreement or scope.programme or org_id is not None):
        return set(ids)
    found: set[int] = set()
    for chunk, marks in batches(ids):
        if scope.agreement or scope.programme:
            rows = conn.execute(
                f"SELECT id, agreement_id FROM exchanges WHERE id IN ({marks})", chunk
            )
            found.update(i for i, agreement_id in rows if agreement_id in agreement_ids)
        else:
            rows = conn.execute(
                "SELECT exchange_id FROM exchange_orgs"
                f" WHERE org_id = ? AND exchange_id IN ({marks})",
                (org_id, *chunk),
            )
            found.update(i for (i,) in rows)
    return found


def next_exchanges(
    conn: sqlite3.Connection, agreement_ids: Sequence[int], today: date
) -> dict[int, Exchange]:
    """Each agreement's next open exchange (planned or scheduled) that has not ended.

    An open exchange under way today comes first (it began before today): those are found
    for every agreement at once through the R*Tree of spans, the few that overlap today
    however long the history and however many agreements. The others get one range scan
    on (agreement_id, start_on) each that stops at its first hit: the first open exchange
    from today on. Agreements without one are left out.
    """
    from .exchanges import julian_day

    day = today.isoformat()
    wanted = set(agreement_ids)
    running = sorted(
        (start, exchange_id, agreement_id)
        for exchange_id, agreement_id, start in conn.execute(
            "SELECT e.id, e.agreement_id, e.start_on FROM exchanges e"
            " WHERE e.id IN (SELECT id FROM exchange_spans WHERE first_day <= ? AND last_day >= ?)"
            " AND +e.start_on < ? AND +e.end_on >= ? AND +e.status IN ('planned', 'scheduled')",
            (julian_day(today), julian_day(today), day, day),
        )
        if agreement_id in wanted
    )
    found: dict[int, int] = {}
    for _, exchange_id, agreement_id in running:
        found.setdefault(agreement_id, exchange_id)
    for chunk, marks in batches(sorted(wanted - found.keys())):
        for agreement_id, exchange_id in conn.execute(
            "SELECT a.id, (SELECT e.id FROM exchanges e WHERE e.agreement_id = a.id"
            " AND e.start_on >= ? AND +e.status IN ('planned', 'scheduled')"
            " ORDER BY e.start_on, e.id LIMIT 1)"
            f" FROM agreements a WHERE a.id IN ({marks})",
            (day, *chunk),
        ):
            if exchange_id is not None:
                found.setdefault(agreement_id, exchange_id)
    exchanges = exchanges_by_id(conn, found.values())
    return {agreement_id: exchanges[i] for agreement_id, i in found.items()}


def _compliance(
    conn: sqlite3.Connection, agreements: list[Agreement], year: int, today: date
) -> dict[int, schedule.Compliance]:
    """The year's compliance of each agreement with an obligation.

    Visits are read, in one batch, only for the agreements in force in the year: for the
    others compliance is not applicable and does not look at them.
    """
    terms = {a.id: terms_of(a) for a in agreements if a.visits_per_year}
    counted = [i for i, t in terms.items() if schedule.covered_in_year(t, year) is not None]
    visits = visit_facts_for(conn, counted, year)
    return {i: schedule.compliance(t, year, visits.get(i, []), today) for i, t in terms.items()}


def current_report(
    conn: sqlite3.Connection, scope: Scope, today: date, user_zone: str, *, details: bool = True
) -> CurrentReport:
    """Every agreement's state, the next 90 days, and what remind would say.

    details: the next days' exchanges in full (the JSON report has their fields,
    participants and uuids); without, as the lines the other formats show.
    """
    agreements = _agreements(conn, scope, today)
    ids = {a.id for a in agreements}
    org_id = find_org(conn, scope.org).id if scope.org else None
    compliance = _compliance(conn, agreements, today.year, today)
    following = next_exchanges(conn, list(ids), today)
    states = [AgreementState(a, compliance.get(a.id), following.get(a.id)) for a in agreements]
    until = today + timedelta(days=UPCOMING_DAYS)
    select = agenda if details else agenda_lines
    upcoming = [
        e
        for e in select(conn, today, until, org=scope.org, agreement=scope.agreement)
        if e.status in ("planned", "scheduled") and _exchange_in_scope(e, scope, ids, org_id)
    ]
    reminders = list(due(conn, today, today + timedelta(days=14), until, user_zone, compliance))
    if scope != Scope():
        exchanges = _exchange_ids_in_scope(
            conn, (r.record_id for r in reminders if r.record == "exchange"), scope, ids, org_id
        )
        programme = None
        if scope.programme:
            from .programmes import PROGRAMME

            programme = resolve(conn, PROGRAMME, scope.programme)["id"]
        reminders = [r for r in reminders if _reminder_in_scope(r, programme, ids, exchanges)]
    return CurrentReport(today, scope.describe(conn), states, upcoming, until, reminders)


def _reminder_in_scope(
    reminder: Reminder, programme: int | None, agreement_ids: set[int], exchange_ids: set[int]
) -> bool:
    """Whether a reminder belongs to the report's scope: its agreements, their exchanges,
    and, for a programme's report, that programme (not the others)."""
    if reminder.record == "agreement":
        return reminder.record_id in agreement_ids
    if reminder.record == "exchange":
        return reminder.record_id in exchange_ids
    return reminder.record == "programme" and reminder.record_id == programme


def year_report(conn: sqlite3.Connection, scope: Scope, year: int, today: date) -> YearReport:
    """The year's activity as a cluster manager files it."""
    if not 1900 <= year <= 2199:
        from ..errors import InvalidInput

        raise InvalidInput(f"--year {short_repr(str(year))} is out of range: use 1900..2199")
    first, last = date(year, 1, 1), date(year, 12, 31)
    agreements = _agreements(conn, scope, today)
    ids = {a.id for a in agreements}
    org_id = find_org(conn, scope.org).id if scope.org else None
    held = [
        e
        for e in held_between(conn, first, last, org=scope.org, agreement=scope.agreement)
        if _exchange_in_scope(e, scope, ids, org_id)
    ]
    results = _compliance(conn, agreements, year, today)
    compliance = [
        (a, results[a.id])
        for a in agreements
        if a.id in results and schedule.covered_in_year(terms_of(a), year) is not None
    ]
    from .cooperations import cooperations_became_concrete

    cooperations = [
        c
        for c in cooperations_became_concrete(conn, year)
        if _cooperation_in_scope(c, scope, ids, org_id)
    ]
    in_force = [a for a in agreements if schedule.covered_in_year(terms_of(a), year)]
    trips = _trips(conn, first, last, scope, ids, org_id)
    return YearReport(
        year=year,
        today=today,
        scope=scope.describe(conn),
        held=held,
        compliance=compliance,
        cooperations=cooperations,
        orgs=_orgs_involved(conn, held, cooperations, trips),
        fields=_field_coverage(held, cooperations, in_force),
        trips=trips,
    )


def _orgs_involved(
    conn: sqlite3.Connection, held: list[Exchange], cooperations: list, trips: list
) -> list[OrgCount]:
    """The organisations of everything the report lists as done in the year: the exchanges
    held, the cooperations that became concrete and the stops of the delegation trips."""
    found = {p.org_id for e in held for p in e.parties} | {
        o.id for c in cooperations for o in c.orgs
    }
    for chunk, marks in batches([t.id for t in trips]):
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT org_id FROM trip_stops WHERE trip_id IN ({marks}) AND org_id IS NOT NULL",
                chunk,
            )
        )
    ids = sorted(found)
    groups: dict[tuple[str, str], list[str]] = {}
    for chunk, marks in batches(ids):
        for row in conn.execute(
            f"SELECT coalesce(country, '') AS country, kind, coalesce(short, name) AS label"
            f" FROM orgs WHERE id IN ({marks})",
            chunk,
        ):
            groups.setdefault((row["country"], row["kind"]), []).append(row["label"])
    return [
        OrgCount(country, kind, len(names), tuple(sorted(names)))
        for (country, kind), names in sorted(groups.items())
    ]


def _field_coverage(
    held: list[Exchange], cooperations: list, agreements: list[Agreement]
) -> list[FieldUse]:
    exchanges = Counter(f for e in held for f in e.fields)
    coops = Counter(f for c in cooperations for f in c.fields)
    agreed = Counter(f for a in agreements for f in a.fields)
    names = sorted(set(exchanges) | set(coops) | set(agreed))
    return [FieldUse(n, agreed[n], coops[n], exchanges[n]) for n in names]


def _trips(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    scope: Scope,
    ids: set[int],
    org_id: int | None,
) -> list:
    from .trips import get_trip

    rows = conn.execute(
        "SELECT id FROM trips WHERE start_on <= ? AND end_on >= ? ORDER BY start_on, id",
        (last.isoformat(), first.isoformat()),
    ).fetchall()
    trips = [get_trip(conn, row["id"]) for row in rows]
    if scope == Scope():
        return trips
    with_org: set[int] = set()
    if org_id is not None:
        with_org = {
            row[0]
            for row in conn.execute("SELECT trip_id FROM trip_stops WHERE org_id = ?", (org_id,))
        }
    # A cancelled exchange ties no one to the trip: only what is held or planned on it.
    return [
        t
        for t in trips
        if t.id in with_org
        or any(
            e.status != "cancelled" and _exchange_in_scope(e, scope, ids, org_id)
            for s in t.stops
            for e in s.exchanges
        )
    ]
