"""Checking the values of a JSON export before `rit import json` writes any of them.

Each value is checked the way the command that creates the record checks it, with the
same validators (dates.parse_date on ISO dates, dates.parse_zone, places.country,
text.clean's limits and NUL refusal, text.tag, the enumerations of models/, the number
ranges of the store), and each record for what the commands keep consistent: an end not
before its start, a window of at most two years, start_on/end_on equal to the fixed days
or the window, starts_utc equal to the local time in the exchange's zone, a stop inside
its trip. References must name a record in the file or (for --merge) here, and nothing
may be what SQLite cannot store (whole numbers beyond 64 bits, lone surrogates in text).

Every problem is collected, so one error line names each bad record and field (like the
CSV import's RowErrors); any problem refuses the whole file before anything is written.
"""

from __future__ import annotations

import re
import sqlite3
import uuid as uuid_module
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

from .. import places
from ..dates import MAX_YEAR, MIN_YEAR, format_days, localize, parse_date, parse_time, parse_zone
from ..errors import InvalidInput, RitError
from ..text import MAX_NAME, MAX_TEXT, clean, email, key, short_repr, tag
from . import HISTORY_ACTIONS, HISTORY_TABLES
from . import SPAN_DAYS as MAX_WINDOW_DAYS  # what scheduling.MAX_WINDOW_DAYS is
from .transfer import LABELS, Table

# A value check: raises InvalidInput naming what is wrong and what would be accepted.
Check = Callable[[Any, str], None]
# A record check: (column, message) for each inconsistency between the values it reads.
RecordCheck = Callable[[dict[str, Any], "_Context"], Iterator[tuple[str, str]]]

SHOWN = 5  # errors spelled out in the message; the rest are counted
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ANY_DAY = date(2000, 1, 1)  # "today" for parse_date: an ISO date does not depend on it
EXCHANGE_ROLES = ("guest", "host", "participant")
# scheduling.MAX_DAYS and agreements.MAX_VISITS_PER_YEAR, written out: importing those
# modules (with schedule, visits, exchanges) took longer than checking a 5000-exchange
# file. tests/test_import_json_checks.py keeps them equal.
MAX_DAYS = 60
MAX_VISITS_PER_YEAR = 365
_INT64 = (-(2**63), 2**63 - 1)  # the whole numbers SQLite stores


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RecordErrors:
    """Every record's problems, so the one error names them all (as RowErrors does by line).

    Shown in the order of the file: by table, record, then column.
    """

    def __init__(self) -> None:
        self.found: list[tuple[tuple[int, int, int], Callable[[], str], str, str]] = []

    def add(
        self, order: tuple[int, int, int], describe: Callable[[], str], field: str, message: str
    ) -> None:
        self.found.append((order, describe, field, message))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        count = len(self.found)
        first = sorted(self.found, key=lambda f: f[0])[:SHOWN]
        items = [f"{describe()}, {field}: {message}" for _, describe, field, message in first]
        more = ""
        if count > 1:
            others = "; ".join(items[1:])
            extra = f" (and {count - len(items)} more)" if count > SHOWN else ""
            more = f"; {count - 1} more error{'s' if count > 2 else ''}: {others}{extra}"
        raise InvalidInput(f"{items[0]}{more}; nothing was imported")


# --- values -------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def iso_day(value: str) -> date:
    """A date as the file must hold it: ISO YYYY-MM-DD, a real day in the years rit accepts."""
    if not _ISO_DAY.fullmatch(value):
        raise InvalidInput(
            f"{short_repr(value)} is not an ISO date: write YYYY-MM-DD such as 2016-10-12"
        )
    try:
        day = date.fromisoformat(value)  # the common case, at a fraction of parse_date's cost
    except ValueError:
        pass
    else:
        if MIN_YEAR <= day.year <= MAX_YEAR:
            return day
    return parse_date(value, _ANY_DAY)  # which refuses it, saying why


def _date(value: str, what: str) -> None:
    iso_day(value)


def _text(limit: int = MAX_NAME, required: bool = False) -> Check:
    def check(value: str, what: str) -> None:
        if clean(value, what, limit=limit, required=required) is None:
            raise InvalidInput(f"{what} must not be blank: write null to leave it out")

    return check


def _one_of(allowed: tuple[str, ...], kind: str) -> Check:
    def check(value: str, what: str) -> None:
        if value not in allowed:
            raise InvalidInput(
                f"unknown {kind} {short_repr(value)}: use one of {', '.join(allowed)}"
            )

    return check


def _number(low: int, high: int | None = None) -> Check:
    def check(value: int, what: str) -> None:
        if value < low or (high is not None and value > high):
            accepted = f"{low}..{high}" if high is not None else f"{low} or more"
            raise InvalidInput(f"{what} {value} is out of range: use {accepted}")

    return check


def _country(value: str, what: str) -> None:
    code = places.country(value)
    if code != value:
        raise InvalidInput(f"country {short_repr(value)} must be written {code}")


def _zone(value: str, what: str) -> None:
    parse_zone(value)


def _time(value: str, what: str) -> None:
    shown = parse_time(value).strftime("%H:%M")
    if shown != value:
        raise InvalidInput(f"time {short_repr(value)} must be written {shown} (HH:MM)")


def _uuid(value: str, what: str) -> None:
    if _UUID.fullmatch(value):
        return  # as new_uuid writes them (the canonical form)
    try:
        canonical = str(uuid_module.UUID(value))
    except ValueError:
        raise InvalidInput(f"{short_repr(value)} is not a uuid") from None
    if canonical != value:
        raise InvalidInput(f"uuid {short_repr(value)} must be written {canonical}")


def _instant(value: str, what: str) -> None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() != timedelta(0):
        raise InvalidInput(
            f"{what} {short_repr(value)} is not a UTC time such as 2016-08-25T10:00:00+00:00"
        )


def _normalised(normalise: Callable[[str, str], str]) -> Check:
    def check(value: str, what: str) -> None:
        wanted = normalise(value, what)
        if wanted != value:
            raise InvalidInput(f"{what} {short_repr(value)} must be written {short_repr(wanted)}")

    return check


def _email(value: str, what: str) -> None:
    email(value)


def _website(value: str, what: str) -> None:
    from .orgs import _website as website

    website(value)


def _phone(value: str, what: str) -> None:
    from .contacts import _phone as phone

    phone(value)


@cache
def value_checks() -> dict[str, dict[str, Check]]:
    """table -> column -> check, for every column a command validates."""
    from ..models.agreements import AGREEMENT_KINDS, COOPERATION_STATUSES
    from ..models.exchanges import EXCHANGE_STATUSES, EXCHANGE_TYPES
    from ..models.orgs import ORG_KINDS

    name, note = _text(required=True), _text(MAX_TEXT)
    short = _text(40)
    # What rit itself may store longer than a command accepts as typed: default titles
    # built from long organisation names, a yearly plan's year added to a title, and text
    # in which forget-contact wrote '(erased)' for a shorter name. Every export rit writes
    # must import again, so titles and other short text are held to the length of a note.
    title, text = _text(MAX_TEXT, required=True), _text(MAX_TEXT)
    field = _normalised(lambda value, what: tag(value, "field of action"))
    common = {"id": _number(1), "uuid": _uuid, "created": _instant, "updated": _instant}
    return {
        "orgs": {
            **common,
            "name": name,
            "short": short,
            "kind": _one_of(ORG_KINDS, "kind"),
            "country": _country,
            "city": text,
            "region": text,
            "tz": _zone,
            "website": _website,
            "note": note,
        },
        "org_tags": {"tag": _normalised(tag)},
        "contacts": {
            **common,
            "name": name,
            "title": text,
            "role": text,
            "email": _email,
            "phone": _phone,
            "note": note,
        },
        "programmes": {
            **common,
            "name": name,
            "short": short,
            "valid_from": _date,
            "valid_until": _date,
            "note": note,
        },
        "agreements": {
            **common,
            "title": title,
            "kind": _one_of(AGREEMENT_KINDS, "agreement kind"),
            "signed_on": _date,
            "place": text,
            "valid_from": _date,
            "valid_until": _date,
            "visits_per_year": _number(0, MAX_VISITS_PER_YEAR),
            "each_way": _number(0, 1),
            "terminated_on": _date,
            "termination_reason": note,
            "note": note,
        },
        "agreement_fields": {"field": field},
        "extensions": {
            **common,
            "old_until": _date,
            "new_until": _date,
            "decided_on": _date,
            "note": note,
        },
        "trips": {
            **common,
            "title": title,
            "start_on": _date,
            "end_on": _date,
            "lead": text,
            "note": note,
        },
        "trip_stops": {
            **common,
            "city": name,
            "country": _country,
            "start_on": _date,
            "end_on": _date,
            "note": note,
        },
        "exchanges": {
            **common,
            "type": _one_of(EXCHANGE_TYPES, "type"),
            "title": title,
            "status": _one_of(EXCHANGE_STATUSES, "status"),
            "place": text,
            "online": _number(0, 1),
            "tz": _zone,
            "window_start": _date,
            "window_end": _date,
            "decide_by": _date,
            "day": _date,
            "days": _number(1, MAX_DAYS),
            "at": _time,
            "fold": _number(0, 1),
            "start_on": _date,
            "end_on": _date,
            "purpose": note,
            "outcome": note,
            "cancel_reason": note,
            "sequence": _number(0),
            "note": note,
        },
        "exchange_orgs": {"role": _one_of(EXCHANGE_ROLES, "role")},
        "exchange_fields": {"field": field},
        "cooperations": {
            **common,
            "title": title,
            "status": _one_of(COOPERATION_STATUSES, "status"),
            "note": note,
        },
        "cooperation_fields": {"field": field},
        "cooperation_status_changes": {
            "id": _number(1),
            "status": _one_of(COOPERATION_STATUSES, "status"),
            "changed_on": _date,
            "note": note,
        },
        "history": {
            "id": _number(1),
            "at": _instant,
            "table_name": _one_of(HISTORY_TABLES, "history table"),
            "action": _one_of(HISTORY_ACTIONS, "history action"),
        },
    }


# --- records ------------------------------------------------------------------------------


class _Context:
    """What record checks look up beyond the record: the trips' days, in the file or here."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.trips: dict[str, tuple[str, str]] = {}

    def trip_days(self, trip_uuid: str) -> tuple[str, str] | None:
        if trip_uuid in self.trips:
            return self.trips[trip_uuid]
        row = self.conn.execute(
            "SELECT start_on, end_on FROM trips WHERE uuid = ?", (trip_uuid,)
        ).fetchone()
        return (row[0], row[1]) if row is not None else None


def _order(v: dict[str, Any], start: str, end: str) -> Iterator[tuple[str, str]]:
    if v[start] is not None and v[end] is not None and v[end] < v[start]:
        yield end, f"{end} {v[end]} is before {start} {v[start]}"


def _programme(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    yield from _order(v, "valid_from", "valid_until")


def _agreement(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    # As add-agreement: the term starts when it is valid from, else when it was signed.
    yield from _order(v, "valid_from" if v["valid_from"] else "signed_on", "valid_until")
    if v["each_way"] and not v["visits_per_year"]:
        yield "each_way", "each_way needs an obligation: give visits_per_year"
    # As end-agreement: only a signed agreement is terminated, on a day after its start.
    if v["terminated_on"] is not None:
        start = v["valid_from"] or v["signed_on"]
        if v["signed_on"] is None:
            yield "terminated_on", "terminated_on needs signed_on: it was never signed"
        elif v["terminated_on"] <= start:
            yield (
                "terminated_on",
                f"terminated_on {v['terminated_on']} is not after its start {start}",
            )


def _extension(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    if (v["programme_id"] is None) == (v["agreement_id"] is None):
        yield (
            "programme_id",
            "an extension belongs to one programme or one agreement: give exactly one of "
            "programme_uuid and agreement_uuid",
        )
    if v["old_until"] is not None and v["new_until"] <= v["old_until"]:
        yield "new_until", f"new_until {v['new_until']} is not after old_until {v['old_until']}"


def _trip(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    from .trips import MAX_TRIP_DAYS

    first, last = iso_day(v["start_on"]), iso_day(v["end_on"])
    if last < first:
        yield "end_on", f"end_on {v['end_on']} is before start_on {v['start_on']}"
    elif (last - first).days >= MAX_TRIP_DAYS:
        yield "end_on", f"the trip {format_days(first, last)} is too long: at most a year"
    else:
        ctx.trips[v["uuid"]] = (v["start_on"], v["end_on"])


def _trip_stop(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    if v["end_on"] < v["start_on"]:
        yield "end_on", f"end_on {v['end_on']} is before start_on {v['start_on']}"
        return
    trip = ctx.trip_days(v["trip_id"])
    if trip is not None and (v["start_on"] < trip[0] or v["end_on"] > trip[1]):
        shown = format_days(iso_day(v["start_on"]), iso_day(v["end_on"]))
        column = "start_on" if v["start_on"] < trip[0] else "end_on"
        yield column, f"the stop {shown} is outside its trip ({trip[0]}..{trip[1]})"


def _exchange(v: dict[str, Any], ctx: _Context) -> Iterator[tuple[str, str]]:
    """The dates of an exchange as scheduling keeps them (see scheduling._date_values)."""
    day, start, end = v["day"], v["window_start"], v["window_end"]
    if (start is None) != (end is None):
        missing = "window_start" if start is None else "window_end"
        yield missing, "a window needs both window_start and window_end"
        return
    if start is not None:
        length = (iso_day(end) - iso_day(start)).days + 1
        if length < 1:
            yield "window_end", f"window_end {end} is before window_start {start}"
            return
        if length > MAX_WINDOW_DAYS:
            yield (
                "window_end",
                f"the window {start}..{end} spans {length} days: a window may span at most "
                f"{MAX_WINDOW_DAYS} days (two years)",
            )
        if v["decide_by"] is not None and v["decide_by"] > end:
            yield "decide_by", f"decide_by {v['decide_by']} is after the window ends on {end}"
    elif v["decide_by"] is not None:
        yield "decide_by", "decide_by goes with a window (window_start and window_end)"
    if day is None:
        if start is None:
            yield "day", "an exchange needs a fixed day, or a window_start and window_end"
            return
        if v["status"] in ("scheduled", "done"):
            yield "status", f"a {v['status']} exchange needs its fixed day (day)"
        for column in ("at", "fold", "starts_utc"):
            if v[column] is not None:
                yield column, f"{column} goes with a fixed day (day), not with a window"
        first_on, last_on = start, end
    else:
        if v["status"] == "planned":
            yield "status", "a planned exchange has no fixed day yet: with one it is scheduled"
        first = iso_day(day)
        first_on, last_on = day, (first + timedelta(days=v["days"] - 1)).isoformat()
        yield from _exchange_time(v, first)
    for column, expected in (("start_on", first_on), ("end_on", last_on)):
        if v[column] != expected:
            if day is None:
                what = f"its window {start}..{end}"
            else:
                what = f"its {v['days']} day(s) from {day} ({first_on}..{last_on})"
            yield column, f"{column} {v[column]} does not match {what}: write {expected}"


def _exchange_time(v: dict[str, Any], day: date) -> Iterator[tuple[str, str]]:
    at, fold, zone, stamp = v["at"], v["fold"], v["tz"], v["starts_utc"]
    if at is None:
        if fold is not None:
            yield "fold", "fold goes with a time (at)"
        if stamp is not None:
            yield "starts_utc", "starts_utc goes with a time (at)"
        return
    if zone is None:
        yield "tz", f"the time {at} needs a time zone (tz), such as Asia/Tokyo"
        return
    try:
        instant = _local(day, at, zone, fold)
    except RitError as exc:
        yield "at", str(exc)
        return
    expected = instant.astimezone(UTC).isoformat(timespec="minutes")
    if stamp is None:
        yield "starts_utc", f"starts_utc must be given with a time: write {expected}"
    elif stamp != expected:
        yield (
            "starts_utc",
            f"starts_utc {short_repr(stamp)} does not match {at} on {day.isoformat()} in "
            f"{zone}: write {expected}",
        )


@lru_cache(maxsize=256)
def _clock(at: str) -> time:
    return parse_time(at)


def _local(day: date, at: str, zone: str, fold: int | None) -> datetime:
    """localize(), without its round trips when the zone's offset does not change then."""
    clock = _clock(at)
    first = datetime.combine(day, clock, tzinfo=parse_zone(zone))
    if first.utcoffset() == first.replace(fold=1).utcoffset():
        return first  # neither skipped nor repeated here: what localize gives
    return localize(day, clock, zone, fold)  # which refuses what it must, with its message


# table -> (the columns the check reads, the check)
RECORD_CHECKS: dict[str, tuple[tuple[str, ...], RecordCheck]] = {
    "programmes": (("valid_from", "valid_until"), _programme),
    "agreements": (
        ("signed_on", "valid_from", "valid_until", "visits_per_year", "each_way", "terminated_on"),
        _agreement,
    ),
    "extensions": (("programme_id", "agreement_id", "old_until", "new_until"), _extension),
    "trips": (("uuid", "start_on", "end_on"), _trip),
    "trip_stops": (("trip_id", "start_on", "end_on"), _trip_stop),
    "exchanges": (
        ("status", "window_start", "window_end", "decide_by", "day", "days", "at", "fold", "tz",
         "starts_utc", "start_on", "end_on"),
        _exchange,
    ),
}  # fmt: skip


# --- the file -----------------------------------------------------------------------------


def describe(table: Table, record: dict[str, Any], index: int) -> str:
    """A record as an error names it: kind, name or title, uuid; a row by its position."""
    if not table.has_uuid:
        # A link row by its position and the record it belongs to (its first reference).
        owner = next(iter(table.references), None)
        value = record.get(table.exported_name(owner)) if owner is not None else None
        if owner is None or not isinstance(value, str):
            return f"{table.name} row {index}"
        target = table.references[owner]
        return f"{table.name} row {index} of {LABELS.get(target, target)} {short_repr(value)}"
    label = LABELS.get(table.name, f"{table.name} row")
    name = record.get("name") or record.get("title") or record.get("city")
    shown = f" {short_repr(str(name))}" if name else ""
    uuid = record.get("uuid")
    if not uuid:
        return f"{label}{shown}"
    ident = uuid if isinstance(uuid, str) and _UUID.fullmatch(uuid) else short_repr(str(uuid))
    return f"{label}{shown} (uuid {ident})"


def check_file(
    conn: sqlite3.Connection,
    schema: dict[str, Table],
    data: dict[str, list[dict[str, Any]]],
    known: Callable[[str], dict[str, int]],
    *,
    merge: bool,
) -> None:
    """Refuse the file if any value or record is bad, naming every one; else do nothing.

    known(table): the uuids already here, by which a merge may refer to records.
    """
    errors = RecordErrors()
    in_file = {
        name: {r.get("uuid") for r in data.get(name, [])}
        for name, table in schema.items()
        if table.has_uuid
    }
    checks = value_checks()
    context = _Context(conn)
    for position, table in enumerate(schema.values()):
        records = data.get(table.name, [])
        if records:
            rules = checks.get(table.name, {})
            _Table(position, table, records, errors).check(rules, in_file, known, merge, context)
    errors.raise_if_any()


class _Table:
    """The checks of one table's records, a column at a time.

    A column's values are read into a list once; their types are checked in bulk, and
    each distinct value by its rule once (a file repeats dates, zones, kinds and time
    stamps many times). Records are only looked at one by one when something is wrong,
    so a large export is checked in a small fraction of its import time.
    """

    def __init__(
        self, position: int, table: Table, records: list[dict[str, Any]], errors: RecordErrors
    ) -> None:
        self.position = position
        self.table = table
        self.records = records
        self.errors = errors
        self.bad: set[int] = set()  # records with a bad value: not checked as a whole

    def note(self, index: int, column: str, message: str) -> None:
        table, record = self.table, self.records[index]
        self.bad.add(index)
        self.errors.add(
            (self.position, index, table.columns.index(column)),
            lambda: describe(table, record, index + 1),
            table.exported_name(column),
            message,
        )

    def column(self, name: str, default: Any) -> list[Any]:
        try:
            return list(map(itemgetter(name), self.records))
        except KeyError:  # not in every record (an older or hand-made file)
            return [r.get(name, default) for r in self.records]

    def check(
        self,
        rules: dict[str, Check],
        in_file: dict[str, set[Any]],
        known: Callable[[str], dict[str, int]],
        merge: bool,
        context: _Context,
    ) -> None:
        table = self.table
        columns: dict[str, list[Any]] = {}
        for column in table.columns:
            if column in table.derived:
                continue  # keys are made from their names on import, whatever the file says
            name = table.exported_name(column)
            values = self.column(name, table.defaults.get(column))
            columns[column] = values
            # A merge numbers records here; a fresh import keeps the file's ids.
            required = column in table.not_null or (column == "id" and table.has_uuid and not merge)
            if required and None in values:
                for i in [i for i, v in enumerate(values) if v is None]:
                    self.note(i, column, f"{name} must be given")
            target = table.references.get(column)
            if target is not None:
                self.check_references(column, values, target, in_file[target], known(target))
            else:
                self.check_values(column, values, rules.get(column))
        if table.has_uuid:
            self.check_unique("uuid", columns["uuid"], "in the file")
        if not merge and "id" in columns:
            self.check_unique("id", columns["id"], f"in table {table.name}")
        for key_column, named in table.derived.items():
            if key_column in table.unique and named in columns:
                self.check_unique_name(named, columns[named])
        if table.is_link:
            self.check_unique_link(*(columns[c] for c in table.primary_key))
        if table.name in RECORD_CHECKS:
            names, record_check = RECORD_CHECKS[table.name]
            for i, row in enumerate(zip(*(columns[c] for c in names), strict=True)):
                if i not in self.bad:
                    record = dict(zip(names, row, strict=True))
                    for column, message in record_check(record, context):
                        self.note(i, column, message)

    def check_values(self, column: str, values: list[Any], rule: Check | None) -> None:
        name = self.table.exported_name(column)
        integer = self.table.types.get(column) == "INTEGER"
        kind: type = int if integer else str  # exactly: a JSON true is not a number here
        distinct = set(values)
        distinct.discard(None)
        if not set(map(type, distinct)) <= {kind}:
            for i, v in enumerate(values):
                if v is not None and v.__class__ is not kind:
                    shown = short_repr(str(v))
                    self.note(
                        i,
                        column,
                        f"{name} {shown} is not {'a whole number' if integer else 'text'}",
                    )
            distinct = {v for v in distinct if v.__class__ is kind}
        # What SQLite cannot take: whole numbers beyond 64 bits, text that is not Unicode
        # (JSON may hold a lone surrogate such as \ud800).
        failed: dict[Any, str] = {}
        if integer and distinct and not (_INT64[0] <= min(distinct) and max(distinct) <= _INT64[1]):
            failed.update(
                (v, f"{name} {v} is too large") for v in distinct if not _INT64[0] <= v <= _INT64[1]
            )
        elif not integer and not _encodes("".join(distinct)):
            failed.update(
                (v, f"{name} {short_repr(v)} is not valid Unicode text")
                for v in distinct
                if not _encodes(v)
            )
        if rule is not None:
            for value in distinct:
                if value in failed:
                    continue
                try:
                    rule(value, name)
                except RitError as exc:
                    failed[value] = str(exc)
        if failed:
            for i, v in enumerate(values):
                if v.__class__ is kind and v in failed:
                    self.note(i, column, failed[v])

    def check_references(
        self, column: str, values: list[Any], target: str, in_file: set[Any], here: dict[str, int]
    ) -> None:
        distinct = set(values)
        distinct.discard(None)
        wrong = {v for v in distinct if v.__class__ is not str}
        missing = distinct - wrong - in_file
        missing = {v for v in missing if v not in here}
        if not wrong and not missing:
            return
        what = LABELS.get(target, target)
        for i, v in enumerate(values):
            if v in wrong and v.__class__ is not str:
                self.note(i, column, f"{self.table.exported_name(column)} must be a {what}'s uuid")
            elif v in missing:
                self.note(
                    i,
                    column,
                    f"refers to {what} {short_repr(v)}, which is neither in the file nor here",
                )

    def check_unique_name(self, column: str, values: list[Any]) -> None:
        """Refuse two records of one name (compared as the commands compare names), which
        SQLite would refuse as 'UNIQUE constraint failed: orgs.name_key'."""
        first: dict[str, int] = {}
        for i, v in enumerate(values):
            if not isinstance(v, str) or i in self.bad:
                continue
            other = first.setdefault(key(v), i)
            if other != i:
                self.note(
                    i,
                    column,
                    f"{column} {short_repr(v)} is also the {column} of "
                    f"{describe(self.table, self.records[other], other + 1)} in the file:"
                    " rename one of them",
                )

    def check_unique_link(self, owners: list[Any], values: list[Any]) -> None:
        """Refuse a link row given twice (a tag, a party), which SQLite would refuse."""
        if len(set(zip(owners, values, strict=True))) == len(values):
            return
        owner, column = self.table.primary_key
        what = LABELS.get(self.table.references[owner], self.table.references[owner])
        name = self.table.exported_name(column)
        seen: set[tuple[Any, Any]] = set()
        for i, pair in enumerate(zip(owners, values, strict=True)):
            if pair in seen and i not in self.bad:
                self.note(
                    i,
                    column,
                    f"{name} {short_repr(str(pair[1]))} appears twice in the file for {what}"
                    f" {short_repr(str(pair[0]))}",
                )
            seen.add(pair)

    def check_unique(self, column: str, values: list[Any], where: str) -> None:
        present = [v for v in values if v is not None] if None in values else values
        if len(set(present)) == len(present):
            return
        seen: set[Any] = set()
        for i, v in enumerate(values):
            if v is not None and v in seen:
                self.note(i, column, f"{column} {short_repr(str(v))} appears twice {where}")
            seen.add(v)
