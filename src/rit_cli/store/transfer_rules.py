"""The rules between records that `rit import json` checks, by the commands' own functions.

transfer_checks.py checks each value and each record on its own before anything is
written. What the commands keep between records is checked here, on the database as the
import leaves it, inside its transaction and before it is committed: with --merge only
that shows which side of each record won, the link rows that side brought (transfer.py,
merge_links) and the records that were here already. Any problem raises, and the
transaction rolls everything back.

The rules, each by the function the command uses:

- an agreement has at least two parties, a cooperation two organisations
  (agreements.MIN_PARTIES, as party_ids requires for add-agreement and add-cooperation);
- a visit has guests and a host, a meeting an organisation (scheduling.missing_parties),
  a visit's host is its host among its organisations, a meeting has none;
- an exchange linked to an agreement fits it (scheduling._misfit) and starts on a day
  it is in force (scheduling._in_force; a termination is left out, since end-agreement
  keeps the links of what was planned after it);
- the stops of a trip share no day (trips._check_stop_days, as add-stop checks);
- an exchange at a trip stop lies within its days, in its city or at its organisation
  (scheduling.stop_misfit, the rule --trip joins by);
- a cooperation's status history goes forward in time and ends at its status
  (cooperations.status_misfit).

With --merge, the records checked are those the file holds and those they touch (the
exchanges linked to its agreements or at its trips' stops): a problem among records the
file does not touch is not the file's, and is left alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import InvalidInput
from ..text import short_repr
from .transfer import Table
from .transfer_checks import RecordErrors, describe

Scope = dict[str, set[int]] | None  # table -> local ids to check; None: everything


class _Notes:
    """Problems by record, named as transfer_checks names them (from the file's record
    when it is in the file, else from the record here), in the order of the file."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        schema: dict[str, Table],
        data: dict[str, list[dict[str, Any]]],
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.data = data
        self.position = {name: i for i, name in enumerate(schema)}
        self.index: dict[str, dict[Any, int]] = {}
        self.errors = RecordErrors()

    def note(self, table_name: str, record_id: int, column: str, message: str) -> None:
        table = self.schema[table_name]
        records = self.data.get(table_name, [])
        if table_name not in self.index:
            self.index[table_name] = {r.get("uuid"): i for i, r in enumerate(records)}
        row = self.conn.execute(f"SELECT * FROM {table_name} WHERE id = ?", (record_id,))
        here = dict(row.fetchone())
        index = self.index[table_name].get(here["uuid"])
        if index is not None:
            record = records[index]
            order = index
        else:
            record, order = here, len(records) + record_id
        columns = table.columns
        where = columns.index(column) if column in columns else len(columns)
        self.errors.add(
            (self.position[table_name], order, where),
            lambda: describe(table, record, order + 1),
            table.exported_name(column) if column in columns else column,
            message,
        )


def _within(column: str, ids: set[int] | None) -> tuple[str, list[Any]]:
    """A WHERE condition keeping the ids (all rows for None), and its parameters."""
    if ids is None:
        return "1 = 1", []
    return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(sorted(ids))]


def merge_scope(
    conn: sqlite3.Connection,
    schema: dict[str, Table],
    data: dict[str, list[dict[str, Any]]],
    local_ids: Callable[[str], dict[str, int]],
) -> dict[str, set[int]]:
    """The records a merge of the file touches, by table: those in the file, those its
    link rows belong to, the stops of its trips and the exchanges linked to its
    agreements or at those stops."""

    def ids(table: str) -> set[int]:
        found = local_ids(table)
        return {found[r["uuid"]] for r in data.get(table, []) if r.get("uuid") in found}

    def owners(link: str, column: str, table: str) -> set[int]:
        name = schema[link].exported_name(column)
        found = local_ids(table)
        return {found[r[name]] for r in data.get(link, []) if r.get(name) in found}

    agreements = ids("agreements") | owners("agreement_parties", "agreement_id", "agreements")
    trips = ids("trips") | {
        trip for (trip,) in _rows(conn, "SELECT trip_id FROM trip_stops", "id", ids("trip_stops"))
    }
    stops = {stop for (stop,) in _rows(conn, "SELECT id FROM trip_stops", "trip_id", trips)}
    exchanges = ids("exchanges") | owners("exchange_orgs", "exchange_id", "exchanges")
    exchanges |= {e for (e,) in _rows(conn, "SELECT id FROM exchanges", "agreement_id", agreements)}
    exchanges |= {e for (e,) in _rows(conn, "SELECT id FROM exchanges", "stop_id", stops)}
    cooperations = (
        ids("cooperations")
        | owners("cooperation_orgs", "cooperation_id", "cooperations")
        | owners("cooperation_status_changes", "cooperation_id", "cooperations")
    )
    return {
        "agreements": agreements,
        "trips": trips,
        "exchanges": exchanges,
        "cooperations": cooperations,
    }


def _rows(conn: sqlite3.Connection, select: str, column: str, ids: set[int] | None) -> list[Any]:
    condition, params = _within(column, ids)
    return conn.execute(f"{select} WHERE {condition}", params).fetchall()


def check_records(
    conn: sqlite3.Connection,
    schema: dict[str, Table],
    data: dict[str, list[dict[str, Any]]],
    scope: Scope,
) -> None:
    """Refuse the import if a record breaks a rule between records, naming every one."""
    notes = _Notes(conn, schema, data)

    def only(table: str) -> set[int] | None:
        return None if scope is None else scope[table]

    if data.get("agreements") or data.get("cooperations"):
        _check_parties(conn, notes, only("agreements"), only("cooperations"))
    if data.get("exchanges") or data.get("exchange_orgs") or data.get("agreements"):
        _check_exchanges(conn, notes, only("exchanges"))
    if data.get("trip_stops") or data.get("trips") or data.get("exchanges"):
        _check_stops(conn, notes, only("trips"), only("exchanges"))
    if data.get("cooperations") or data.get("cooperation_status_changes"):
        _check_status_history(conn, notes, only("cooperations"))
    notes.errors.raise_if_any()


def _check_parties(
    conn: sqlite3.Connection,
    notes: _Notes,
    agreements: set[int] | None,
    cooperations: set[int] | None,
) -> None:
    from .agreements import MIN_PARTIES

    for table, link, owner, ids, what in (
        ("agreements", "agreement_parties", "agreement_id", agreements, "parties"),
        ("cooperations", "cooperation_orgs", "cooperation_id", cooperations, "organisations"),
    ):
        condition, params = _within("r.id", ids)
        for record_id, count in conn.execute(
            f"SELECT r.id, (SELECT count(*) FROM {link} l WHERE l.{owner} = r.id)"
            f" FROM {table} r WHERE {condition}",
            params,
        ):
            if count < MIN_PARTIES:
                kind = "an agreement" if table == "agreements" else "a cooperation"
                notes.note(
                    table,
                    record_id,
                    link,
                    f"{kind} needs at least {MIN_PARTIES} distinct {what}; it has {count}",
                )


def _check_exchanges(conn: sqlite3.Connection, notes: _Notes, ids: set[int] | None) -> None:
    """Each exchange's parties and host; and the agreement it is linked to."""
    from .agreements import parties_of
    from .orgs import get_org
    from .scheduling import _in_force, _misfit, _term_text, fit_rule, missing_parties

    condition, params = _within("e.id", ids)
    exchanges: dict[int, tuple[str, int | None, int | None, str, list[tuple[int, str]]]] = {}
    for exchange_id, kind, host_id, agreement_id, start_on, org_id, role in conn.execute(
        "SELECT e.id, e.type, e.host_id, e.agreement_id, e.start_on, x.org_id, x.role"
        f" FROM exchanges e LEFT JOIN exchange_orgs x ON x.exchange_id = e.id WHERE {condition}"
        " ORDER BY e.id",
        params,
    ):
        entry = exchanges.setdefault(exchange_id, (kind, host_id, agreement_id, start_on, []))
        if org_id is not None:
            entry[4].append((org_id, role))
    orgs: dict[int, Any] = {}
    agreements: dict[int, tuple[sqlite3.Row, frozenset[int]]] = {}
    for exchange_id, (kind, host_id, agreement_id, start_on, parties) in exchanges.items():
        guests = [o for o, role in parties if role == "guest"]
        hosts = [o for o, role in parties if role == "host"]
        others = [o for o, role in parties if role == "participant"]
        missing = missing_parties(kind, guests, hosts[0] if hosts else None, others)
        if missing is not None:
            notes.note("exchanges", exchange_id, "exchange_orgs", missing)
            continue
        if kind == "visit" and (others or len(hosts) > 1):
            notes.note(
                "exchanges",
                exchange_id,
                "exchange_orgs",
                "a visit's organisations are its guests and one host",
            )
            continue
        if kind == "meeting" and (guests or hosts):
            notes.note(
                "exchanges",
                exchange_id,
                "exchange_orgs",
                "a meeting's organisations are participants, not guests or a host",
            )
            continue
        if host_id != (hosts[0] if hosts else None):
            why = (
                "is not the host among its organisations (exchange_orgs)"
                if kind == "visit"
                else "goes with a visit: a meeting has no host"
            )
            notes.note("exchanges", exchange_id, "host_id", f"host_uuid {why}")
            continue
        if agreement_id is None:
            continue
        if agreement_id not in agreements:
            # Without the termination: end-agreement keeps the links of what was planned
            # after it (see agreements._check_linked_days).
            row = conn.execute(
                "SELECT id, title, signed_on, valid_from, valid_until, NULL AS terminated_on"
                " FROM agreements WHERE id = ?",
                (agreement_id,),
            ).fetchone()
            agreements[agreement_id] = (row, parties_of(conn, agreement_id))
        row, have = agreements[agreement_id]
        for org_id, _ in parties:
            if org_id not in orgs:
                orgs[org_id] = get_org(conn, org_id)
        misfit = _misfit([(orgs[o], role) for o, role in parties], have)
        if misfit is not None:
            notes.note(
                "exchanges",
                exchange_id,
                "agreement_id",
                f"agreement {short_repr(row['title'])} does not have {misfit}: a {kind} needs"
                f" an agreement with {fit_rule(kind)}",
            )
        elif not _in_force(row, date.fromisoformat(start_on)):
            notes.note(
                "exchanges",
                exchange_id,
                "agreement_id",
                f"agreement {short_repr(row['title'])} ({_term_text(row)}) is not in force on"
                f" {start_on}: an exchange is only linked to an agreement in force on its"
                " start day",
            )


def _check_stops(
    conn: sqlite3.Connection, notes: _Notes, trips: set[int] | None, exchanges: set[int] | None
) -> None:
    """A trip's stops share no day; an exchange at a stop fits it."""
    from .exchanges import exchanges_at_stops
    from .scheduling import stop_misfit
    from .trips import _check_stop_days

    condition, params = _within("s.trip_id", trips)
    stops = conn.execute(
        "SELECT s.id, s.trip_id, s.city, s.org_id, s.start_on, s.end_on FROM trip_stops s"
        f" WHERE {condition} ORDER BY s.trip_id, s.start_on, s.id",
        params,
    ).fetchall()
    trip_rows: dict[int, sqlite3.Row] = {}
    for stop in stops:
        if stop["trip_id"] not in trip_rows:
            trip_rows[stop["trip_id"]] = conn.execute(
                "SELECT * FROM trips WHERE id = ?", (stop["trip_id"],)
            ).fetchone()
        first, last = date.fromisoformat(stop["start_on"]), date.fromisoformat(stop["end_on"])
        try:
            _check_stop_days(conn, trip_rows[stop["trip_id"]], first, last, stop["id"])
        except InvalidInput as exc:
            notes.note("trip_stops", stop["id"], "start_on", str(exc))
    condition, params = _within("id", exchanges)
    at_stops = {
        stop_id
        for (stop_id,) in conn.execute(
            f"SELECT DISTINCT stop_id FROM exchanges WHERE stop_id IS NOT NULL AND {condition}",
            params,
        )
    }
    at_stops |= {stop["id"] for stop in stops}
    by_id = {
        row["id"]: row
        for row in conn.execute(
            "SELECT id, city, org_id, start_on, end_on FROM trip_stops"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(at_stops)),),
        )
    }
    for ex in exchanges_at_stops(conn, sorted(at_stops)):
        assert ex.stop_id is not None
        stop = by_id[ex.stop_id]
        why = stop_misfit(ex, stop["city"], stop["org_id"], stop["start_on"], stop["end_on"])
        if why is not None:
            where = f"{stop['city']} {stop['start_on']}..{stop['end_on']}"
            notes.note(
                "exchanges", ex.id, "stop_id", f"it does not fit its trip stop {where}: {why}"
            )


def _check_status_history(conn: sqlite3.Connection, notes: _Notes, ids: set[int] | None) -> None:
    from .cooperations import status_misfit

    condition, params = _within("c.id", ids)
    histories: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for cooperation_id, current, status, changed_on in conn.execute(
        "SELECT c.id, c.status, s.status, s.changed_on FROM cooperations c"
        " LEFT JOIN cooperation_status_changes s ON s.cooperation_id = c.id"
        f" WHERE {condition} ORDER BY c.id, s.id",
        params,
    ):
        entry = histories.setdefault(cooperation_id, (current, []))
        if status is not None:
            entry[1].append((status, changed_on))
    for cooperation_id, (current, changes) in histories.items():
        found = status_misfit(current, changes)
        if found is not None:
            index, why = found
            column = "status" if index < 0 else "cooperation_status_changes"
            notes.note("cooperations", cooperation_id, column, why)
