"""Build a realistic rit database of N exchanges for the benchmarks, through rit's store.

    python benchmarks/make_dataset.py --exchanges 50000 --db /tmp/rit-bench/50000.db
    python benchmarks/make_dataset.py --exchanges 500000 --present 5000 --db /tmp/h.db

With --present P, the database is the P-exchange one plus N - P exchanges of history (done
or cancelled, before mid-2018): the same present, a longer past.

What it holds (counts scale with N): organisations in DE, JP and elsewhere with two
contacts each, programmes, agreements between a German and a Japanese party with yearly
visit obligations, exchanges spread over 2000-2030 (windows while planned, fixed days once
scheduled, most past ones done, some cancelled, yearly series), trips with stops and a
visit at each stop, and cooperations with a dated status.

Everything small goes through the same store functions the commands call (add_org,
add_contact, add_programme, add_agreement, add_exchange, mark_done, cancel, fix_date,
add_trip, add_stop, add_cooperation). The bulk of the exchanges cannot: add_exchange costs
about a millisecond a record (it resolves every party, looks for the agreement in force
and reads the new record back), far too slow for 500 000. Those are written in batches
inside the same single transaction, but each one is validated and normalised by the
store's own helpers (parse_window, scheduling.fixed for days, times and clock changes,
scheduling._date_values for the stored date columns, text.key), so a bulk row is
indistinguishable from one add_exchange would write. History gets the 'create' row (and
the 'update' row of marking done or cancelling) that the store writes for every record.
Making those rows needs no database, so when there is a second CPU a forked process makes
them while this one writes them (--in-process: all in one); the database is the same.

Reference day is 2020-06-01 (the benchmarks' RIT_TODAY): before it, exchanges are done or
cancelled, apart from a handful left open (overdue, a window that closed without a day),
as in a database someone keeps up to date; after it, near ones are mostly fixed, far ones
planned in windows.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import multiprocessing
import os
import random
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rit_cli import db as rit_db
from rit_cli.dates import Window, add_years, parse_window
from rit_cli.errors import RitError
from rit_cli.store import now
from rit_cli.store import scheduling as store_scheduling
from rit_cli.store.contacts import ContactInput, add_contact
from rit_cli.store.orgs import OrgInput, add_org
from rit_cli.store.tables import _search_in_bulk
from rit_cli.text import key

TODAY = date(2020, 6, 1)
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2030, 12, 31)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days
# With --present, exchanges beyond the present's count all end before this day: two years
# before TODAY, so none of them is still open, due or in this year's obligations.
HISTORY_END = date(2018, 5, 31)
HISTORY_SEED = 7_919  # offset of the history's random generators from --seed

# Exchanges left open before TODAY: a kept-up database has a few, however long its history.
OPEN_PAST = 24

CITIES = {
    "DE": ["Hamburg", "Kiel", "Lübeck", "Berlin", "München", "Heidelberg", "Dresden", "Aachen"],
    "JP": ["Kobe", "Osaka", "Kyoto", "Tokyo", "Sendai", "Fukuoka", "Sapporo", "Nagoya"],
    "FR": ["Lyon", "Strasbourg"],
    "NL": ["Leiden", "Utrecht"],
    "DK": ["København", "Aarhus"],
    "SE": ["Lund", "Uppsala"],
    "KR": ["Seoul", "Daejeon"],
    "SG": ["Singapore"],
    "GB": ["Cambridge", "Oxford"],
    "CH": ["Basel"],
}
COUNTRY_WEIGHTS = {
    "DE": 40,
    "JP": 35,
    "FR": 4,
    "NL": 4,
    "DK": 3,
    "SE": 3,
    "KR": 4,
    "SG": 2,
    "GB": 3,
    "CH": 2,
}
KINDS = ("cluster", "company", "research", "university", "authority", "agency", "foundation")
WORDS = (
    "Life Science",
    "BioMedical",
    "MedTech",
    "Health Innovation",
    "Biotech",
    "Pharma",
    "Digital Health",
    "Bioscience",
    "Medical Devices",
    "Genomics",
)
FIELDS = ("medtech", "biotech", "digital-health", "diagnostics", "pharma", "ageing", "ai")
TOPICS = (
    "Steering committee",
    "Matchmaking",
    "Joint workshop",
    "Project call",
    "Partner meeting",
    "Online briefing",
    "Delegation prep",
)
REASONS = (
    "travel restrictions",
    "host unavailable",
    "merged with another visit",
    "budget not approved",
)
FIRST = (
    "Anna",
    "Jonas",
    "Lena",
    "Felix",
    "Yuki",
    "Hiroshi",
    "Aiko",
    "Kenji",
    "Marie",
    "Sven",
    "Sofia",
    "Lars",
    "Min-jun",
    "Chloé",
    "Emma",
    "Takeshi",
)
LAST = (
    "Schmidt",
    "Müller",
    "Tanaka",
    "Suzuki",
    "Yamamoto",
    "Weber",
    "Nakamura",
    "Fischer",
    "Kobayashi",
    "Jensen",
    "Dubois",
    "Kim",
    "de Vries",
    "Svensson",
)
TIMES = ("09:00", "09:30", "10:00", "11:00", "13:30", "14:00", "15:00", "16:00")


@dataclass
class OrgInfo:
    id: int
    label: str
    country: str
    city: str
    tz: str | None
    contacts: list[int] = field(default_factory=list)


@dataclass
class AgreementInfo:
    id: int
    title: str
    parties: tuple[OrgInfo, OrgInfo]  # (German, Japanese)
    start: date
    until: date


@dataclass
class World:
    """What was built so far, for the later parts to refer to."""

    rng: random.Random
    orgs: list[OrgInfo] = field(default_factory=list)
    by_country: dict[str, list[OrgInfo]] = field(default_factory=dict)
    agreements: list[AgreementInfo] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _count(world: World, what: str, n: int = 1) -> None:
    world.counts[what] = world.counts.get(what, 0) + n


# ------------------------------------------------------------------ organisations


def build_orgs(conn: sqlite3.Connection, world: World, n_orgs: int) -> None:
    rng = world.rng
    countries = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    for i in range(1, n_orgs + 1):
        # The first two are always the story's pair, so every size has a DE and a JP org.
        country = "JP" if i == 1 else "DE" if i == 2 else rng.choices(countries, weights)[0]
        city = rng.choice(CITIES[country])
        name = f"{city} {rng.choice(WORDS)} {rng.choice(KINDS).title()} {i}"
        org = add_org(
            conn,
            OrgInput(
                name=name,
                short=f"{country}{i}",
                kind=rng.choice(KINDS),
                country=country,
                city=city,
                website=f"www.org{i}.example.{country.lower()}",
                tags=tuple(rng.sample(FIELDS, rng.randint(0, 2))),
            ),
        )
        info = OrgInfo(org.id, org.label, country, city, org.tz)
        for k in range(2):
            person = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}-{k}"
            contact = add_contact(
                conn,
                ContactInput(
                    name=person,
                    org=f"#{org.id}",
                    title=rng.choice(("Dr.", "Prof.", None)) or "",
                    role=rng.choice(("CEO", "Project manager", "International relations")),
                    email=f"p{i}.{k}@org{i}.example.org",
                ),
            )
            info.contacts.append(contact.id)
            _count(world, "contacts")
        world.orgs.append(info)
        world.by_country.setdefault(country, []).append(info)
        _count(world, "orgs")


# ------------------------------------------------------------ programmes, agreements


def build_programmes(conn: sqlite3.Connection, world: World, n: int) -> None:
    from rit_cli.store.programmes import ProgrammeInput, add_programme

    rng = world.rng
    for i in range(1, n + 1):
        start = FIRST_DAY.year + rng.randint(0, 25)
        runner = rng.choice(world.by_country["JP"])
        programme = add_programme(
            conn,
            ProgrammeInput(
                name=f"Regional Industry Tie-up {runner.city} {start} #{i}",
                short=f"RIT{i}",
                run_by=f"#{runner.id}",
                valid_from=f"{start}-04-01",
                valid_until=str(start + rng.randint(2, 6)),
            ),
            TODAY,
        )
        world.programmes.append(programme.id)
        _count(world, "programmes")


def build_agreements(conn: sqlite3.Connection, world: World, n: int) -> None:
    from rit_cli.store.agreements import AgreementInput, add_agreement

    rng = world.rng
    for i in range(1, n + 1):
        de = rng.choice(world.by_country["DE"])
        jp = rng.choice(world.by_country["JP"])
        signed = FIRST_DAY + timedelta(days=rng.randint(0, SPAN_DAYS - 800))
        until = date(min(signed.year + rng.randint(3, 8), LAST_DAY.year), 12, 31)
        agreement = add_agreement(
            conn,
            AgreementInput(
                title=f"LoI {de.label}–{jp.label} {signed.year} #{i}",
                kind=rng.choice(("loi", "mou", "framework")),
                parties=(f"#{de.id}", f"#{jp.id}"),
                programme=f"#{rng.choice(world.programmes)}" if world.programmes else None,
                signed=signed.isoformat(),
                place=rng.choice((de.city, jp.city)),
                valid_until=until.isoformat(),
                fields=tuple(rng.sample(FIELDS, rng.randint(1, 3))),
                visits_per_year=str(rng.choice((0, 1, 2, 2, 4))),
                each_way=False,
                signatories=(f"#{de.contacts[0]}", f"#{jp.contacts[0]}"),
            ),
            TODAY,
        )
        world.agreements.append(
            AgreementInfo(agreement.id, agreement.title, (de, jp), signed, until)
        )
        _count(world, "agreements")


def build_cooperations(conn: sqlite3.Connection, world: World, n: int) -> None:
    from rit_cli.store.cooperations import CooperationInput, add_cooperation, set_status

    rng = world.rng
    for i in range(1, n + 1):
        if world.agreements and rng.random() < 0.7:
            agreement = rng.choice(world.agreements)
            orgs = agreement.parties
            ref: str | None = f"#{agreement.id}"
        else:
            orgs = (rng.choice(world.by_country["DE"]), rng.choice(world.by_country["JP"]))
            ref = None
        created = TODAY - timedelta(days=rng.randint(400, 4000))
        coop = add_cooperation(
            conn,
            CooperationInput(
                title=f"Joint project {orgs[0].label}/{orgs[1].label} #{i}",
                orgs=tuple(f"#{o.id}" for o in orgs),
                agreement=ref,
                fields=tuple(rng.sample(FIELDS, rng.randint(1, 2))),
            ),
            created,
        )
        day = created + timedelta(days=rng.randint(10, 300))
        for status in ("talks", "agreed", "running")[: rng.randint(0, 3)]:
            if day > TODAY:
                break
            set_status(conn, f"#{coop.id}", status, None, TODAY, day.isoformat())
            day += timedelta(days=rng.randint(10, 200))
        _count(world, "cooperations")


# ----------------------------------------------------------------------- exchanges


@dataclass
class Plan:
    """One exchange to create: its parties, first date and how many yearly occurrences."""

    type: str
    guests: tuple[OrgInfo, ...]
    host: OrgInfo | None
    orgs: tuple[OrgInfo, ...]
    start: date
    years: int
    fixed: bool
    agreement: AgreementInfo | None
    topic: str


def _pick_parties(world: World, rng: random.Random, on: date) -> tuple[Any, ...]:
    in_force = [
        a
        for a in rng.sample(world.agreements, min(3, len(world.agreements)))
        if a.start <= on <= a.until
    ]
    if in_force and rng.random() < 0.5:
        agreement = in_force[0]
        de, jp = agreement.parties
    else:
        agreement = None
        de, jp = rng.choice(world.by_country["DE"]), rng.choice(world.by_country["JP"])
        if rng.random() < 0.15:
            other = rng.choice(world.orgs)
            if other.id not in (de.id, jp.id):
                de = other
    return agreement, de, jp


def plans(world: World, n: int, history: random.Random | None = None) -> Iterator[Plan]:
    """Exchange plans whose occurrences add up to n, in the order they were entered: spread
    over 2000-2030, or with a history generator, single exchanges from 2000 to HISTORY_END
    drawn from it (so that the world's own draws, and the present, stay as they are)."""
    rng = history or world.rng
    last = HISTORY_END if history else LAST_DAY
    made = 0
    result = []
    while made < n:
        start = FIRST_DAY + timedelta(days=rng.randint(0, (last - FIRST_DAY).days))
        years = 1
        if not history and rng.random() < 0.04:
            years = min(rng.randint(3, 12), n - made, LAST_DAY.year - start.year + 1)
        agreement, de, jp = _pick_parties(world, rng, start)
        future = start >= TODAY
        near = future and (start - TODAY).days < 180
        fixed = (not future) or rng.random() < (0.65 if near else 0.15)
        if rng.random() < 0.7:
            guests: tuple[OrgInfo, ...]
            guests, host = ((jp,), de) if rng.random() < 0.5 else ((de,), jp)
            if rng.random() < 0.1:
                extra = rng.choice(world.by_country[guests[0].country])
                if extra.id not in (guests[0].id, host.id):
                    guests = (guests[0], extra)
            plan = Plan("visit", guests, host, (), start, years, fixed, agreement, "")
        else:
            plan = Plan(
                "meeting", (), None, (de, jp), start, years, fixed, agreement, rng.choice(TOPICS)
            )
        result.append(plan)
        made += years
    result.sort(key=lambda p: p.start)
    return iter(result)


def _window_text(rng: random.Random, start: date) -> str:
    r = rng.random()
    if r < 0.45:
        return f"{start:%Y-%m}"
    if r < 0.7:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if r < 0.75:
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    return f"{start.isoformat()}..{(start + timedelta(days=rng.randint(6, 27))).isoformat()}"


@functools.lru_cache(maxsize=4096)
def _window(text: str) -> Window:
    """parse_window is pure; months and quarters repeat a great deal."""
    return parse_window(text, TODAY)


class ExchangeRows:
    """Validated exchange rows made from plans, with their links and history rows.

    Pure Python: it reads nothing from the database, so it can run in a process of its own
    beside the one writing (see bulk_batches and write_batch).
    """

    BATCH = 20_000  # rows a batch holds (at least): how often the writer inserts

    COLUMNS = (
        "uuid",
        "created",
        "updated",
        "type",
        "title",
        "title_key",
        "status",
        "host_id",
        "place",
        "online",
        "tz",
        "window_start",
        "window_end",
        "decide_by",
        "day",
        "days",
        "at",
        "fold",
        "starts_utc",
        "start_on",
        "end_on",
        "agreement_id",
        "stop_id",
        "series",
        "purpose",
        "outcome",
        "cancel_reason",
        "sequence",
        "note",
    )

    def __init__(self, world: World, seed: int, first_id: int, stamp: str) -> None:
        self.world = world
        self.rng = random.Random(seed + 1)
        self.stamp = stamp
        self.next_id = first_id
        self.batch = Batch()
        self.open_past = 0

    def _uuid(self) -> str:
        # uuid4's layout from the seeded generator (uuid.UUID() is slow at this volume).
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def _dates(self, plan: Plan, on: date) -> store_scheduling.Dates:
        rng = self.rng
        zone = plan.host.tz if plan.host else plan.orgs[0].tz
        if plan.fixed:
            days = rng.randint(1, 4) if plan.type == "visit" else 1
            at = rng.choice(TIMES) if rng.random() < 0.4 else None
            return store_scheduling.fixed(on, days, at, None, zone)
        window = _window(_window_text(rng, on))
        decide_by = window.start - timedelta(days=30) if rng.random() < 0.5 else None
        return store_scheduling.Dates(window, decide_by, None, 1, None, None, None)

    def _status(self, dates: store_scheduling.Dates) -> tuple[str, str | None, str | None]:
        """(status, outcome, cancel reason) as the user would have left it by TODAY."""
        rng = self.rng
        span = dates.span
        if span.start >= TODAY:
            if rng.random() < 0.03:
                return "cancelled", None, rng.choice(REASONS)
            return ("scheduled" if dates.day else "planned"), None, None
        if self.open_past < OPEN_PAST and (TODAY - span.end).days < 300 and rng.random() < 0.02:
            self.open_past += 1
            return ("scheduled" if dates.day else "planned"), None, None
        if dates.day is None or rng.random() < 0.06:
            return "cancelled", None, rng.choice(REASONS)
        outcome = rng.choice(("Follow-up agreed", "Site visit, two matches", None, None))
        return "done", outcome, None

    def add(self, plan: Plan) -> int:
        rng = self.rng
        series = self._uuid() if plan.years > 1 else None
        title = (
            f"{plan.topic} {plan.orgs[0].label}–{plan.orgs[1].label}"
            if plan.type == "meeting"
            else None
        )
        parties = (
            [(g, "guest") for g in plan.guests] + [(plan.host, "host")]
            if plan.host
            else [(o, "participant") for o in plan.orgs]
        )
        fields = sorted(set(rng.sample(FIELDS, rng.choice((0, 0, 1, 1, 2)))))
        people = [rng.choice(parties[-1][0].contacts)] if rng.random() < 0.3 else []
        place = plan.host.city if plan.host else (None if rng.random() < 0.5 else "online")
        written = 0
        for k in range(plan.years):
            dates = self._dates(plan, add_years(plan.start, k) if k else plan.start)
            values = store_scheduling._date_values(dates)
            status, outcome, reason = self._status(dates)
            if title is None:
                name = store_scheduling._default_title(
                    parties,  # type: ignore[arg-type]
                    store_scheduling.dates_period(dates),
                )
            else:
                name = f"{title} {dates.span.start.year}" if plan.years > 1 else title
            agreement = plan.agreement
            if agreement and not agreement.start <= dates.span.start <= agreement.until:
                agreement = None
            exchange_id = self.next_id
            self.next_id += 1
            record_uuid = self._uuid()
            online = place == "online"
            host_id = plan.host.id if plan.host else None
            tz = plan.host.tz if plan.host else plan.orgs[0].tz
            sequence = 0 if status in ("planned", "scheduled") else 1
            # In COLUMNS order.
            self.batch.rows.append(
                (
                    exchange_id,
                    record_uuid,
                    self.stamp,
                    self.stamp,
                    plan.type,
                    name,
                    key(name),
                    status,
                    host_id,
                    None if online else place,
                    int(online),
                    tz,
                    values.get("window_start"),
                    values.get("window_end"),
                    values.get("decide_by"),
                    values["day"],
                    values["days"],
                    values["at"],
                    values["fold"],
                    values["starts_utc"],
                    values["start_on"],
                    values["end_on"],
                    agreement.id if agreement else None,
                    None,
                    series,
                    None,
                    outcome,
                    reason,
                    sequence,
                    None,
                )
            )
            self.batch.orgs.extend((exchange_id, o.id, role) for o, role in parties)
            self.batch.fields.extend((exchange_id, f) for f in fields)
            self.batch.people.extend((exchange_id, c) for c in people)
            self.batch.history.append(
                (self.stamp, "exchanges", exchange_id, record_uuid, "create", None, None, None)
            )
            if status in ("done", "cancelled"):
                self.batch.history.append(
                    (
                        self.stamp,
                        "exchanges",
                        exchange_id,
                        record_uuid,
                        "update",
                        "status",
                        values["status"],
                        status,
                    )
                )
            written += 1
        return written

    def full(self) -> bool:
        return len(self.batch.rows) >= self.BATCH

    def take(self) -> Batch:
        """The rows made since the last take."""
        batch, self.batch = self.batch, Batch()
        return batch


@dataclass
class Batch:
    """Rows for the exchanges table (in ExchangeRows.COLUMNS order, id first) and the rows
    linked to them, ready for executemany."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    orgs: list[tuple[int, int, str]] = field(default_factory=list)
    fields: list[tuple[int, str]] = field(default_factory=list)
    people: list[tuple[int, int]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)


def write_batch(conn: sqlite3.Connection, batch: Batch, index: Callable[[int, int], None]) -> None:
    """Insert a batch; index(first, last) search-indexes the exchanges with those ids."""
    columns = ", ".join(("id", *ExchangeRows.COLUMNS))
    marks = ", ".join("?" for _ in range(len(ExchangeRows.COLUMNS) + 1))
    conn.executemany(f"INSERT INTO exchanges ({columns}) VALUES ({marks})", batch.rows)
    if batch.rows:  # ids run on without a gap
        index(batch.rows[0][0], batch.rows[-1][0])
    conn.executemany(
        "INSERT INTO exchange_orgs (exchange_id, org_id, role) VALUES (?, ?, ?)", batch.orgs
    )
    conn.executemany("INSERT INTO exchange_fields (exchange_id, field) VALUES (?, ?)", batch.fields)
    conn.executemany(
        "INSERT OR IGNORE INTO exchange_participants (exchange_id, contact_id) VALUES (?, ?)",
        batch.people,
    )
    conn.executemany(
        "INSERT INTO history (at, table_name, record_id, record_uuid, action, field, old,"
        " new) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        batch.history,
    )


def bulk_batches(
    world: World, seed: int, first_id: int, stamp: str, present: int, history: int
) -> Iterator[Batch]:
    """The bulk exchanges in batches: present ones spread over 2000-2030, then history.

    The history comes after the present and from random generators of its own, so that the
    present is exactly the present-sized database's, ids included.
    """
    parts: list[tuple[int, int, random.Random | None]] = [(seed, present, None)]
    if history:
        parts.append((seed + HISTORY_SEED, history, random.Random(seed + HISTORY_SEED)))
    next_id = first_id
    for part_seed, count, drawn_from in parts:
        maker = ExchangeRows(world, part_seed, next_id, stamp)
        for plan in plans(world, count, history=drawn_from):
            maker.add(plan)
            if maker.full():
                yield maker.take()
        if maker.batch.rows:
            yield maker.take()
        next_id = maker.next_id


def build_exchanges_through_store(conn: sqlite3.Connection, world: World, n: int) -> int:
    """A share of the exchanges made exactly as the commands make them, changes included."""
    from rit_cli.store.scheduling import ExchangeInput, When, add_exchange, cancel, mark_done

    rng = world.rng
    made = 0
    while made < n:
        de, jp = rng.choice(world.by_country["DE"]), rng.choice(world.by_country["JP"])
        start = FIRST_DAY + timedelta(days=rng.randint(0, SPAN_DAYS))
        guest, host = (jp, de) if rng.random() < 0.5 else (de, jp)
        yearly = n - made > 12 and rng.random() < 0.1
        if start < TODAY or rng.random() < 0.4:
            when = When(on=start.isoformat(), at=rng.choice(TIMES), days=rng.randint(1, 3))
        else:
            when = When(window=f"{start:%Y-%m}", decide_by=(start - timedelta(days=20)).isoformat())
        try:
            added = add_exchange(
                conn,
                ExchangeInput(
                    type="visit",
                    when=when,
                    guests=(f"#{guest.id}",),
                    host=f"#{host.id}",
                    fields=tuple(rng.sample(FIELDS, 1)),
                    participants=(f"#{host.contacts[0]}",),
                    purpose="Matchmaking and site visits",
                    yearly=yearly,
                    until=str(min(start.year + 4, LAST_DAY.year)) if yearly else None,
                ),
                TODAY,
            )
        except RitError:
            continue  # e.g. several agreements in force between the two: the user would choose
        for exchange in added.exchanges:
            if exchange.start_on < TODAY.isoformat() and exchange.day:
                if rng.random() < 0.9:
                    mark_done(conn, f"#{exchange.id}", "Met as planned", TODAY)
                else:
                    cancel(conn, f"#{exchange.id}", rng.choice(REASONS))
            elif exchange.day is None and exchange.end_on < TODAY.isoformat():
                cancel(conn, f"#{exchange.id}", "never fixed")
        made += len(added.exchanges)
    return made


def build_trips(conn: sqlite3.Connection, world: World, n_trips: int) -> int:
    """Delegation trips with two or three stops and a visit at each; returns visits made."""
    from rit_cli.store.scheduling import ExchangeInput, When, add_exchange, mark_done
    from rit_cli.store.trips import add_stop, add_trip

    rng = world.rng
    made = 0
    for i in range(1, n_trips + 1):
        home, abroad = ("DE", "JP") if rng.random() < 0.5 else ("JP", "DE")
        first = FIRST_DAY + timedelta(days=rng.randint(0, SPAN_DAYS - 30))
        stops = rng.randint(2, 3)
        last = first + timedelta(days=3 * stops - 1)
        title = f"Delegation {home}→{abroad} {first:%Y-%m} #{i}"
        add_trip(conn, title, first.isoformat(), last.isoformat(), TODAY, lead="Anna Schmidt")
        guest = rng.choice(world.by_country[home])
        for s in range(stops):
            host = rng.choice(world.by_country[abroad])
            day = first + timedelta(days=3 * s)
            add_stop(
                conn,
                title,
                host.city,
                abroad,
                day.isoformat(),
                (day + timedelta(days=2)).isoformat(),
                TODAY,
                org=f"#{host.id}",
            )
            try:
                added = add_exchange(
                    conn,
                    ExchangeInput(
                        type="visit",
                        when=When(on=day.isoformat(), days=2),
                        guests=(f"#{guest.id}",),
                        host=f"#{host.id}",
                        trip=title,
                    ),
                    TODAY,
                )
            except RitError:
                continue
            for exchange in added.exchanges:
                if exchange.start_on < TODAY.isoformat():
                    mark_done(conn, f"#{exchange.id}", None, TODAY)
            made += len(added.exchanges)
        _count(world, "trips")
    return made


# ------------------------------------------------------------- making rows aside


def can_make_aside() -> bool:
    """Whether a second process can make rows while this one writes: it is forked (it
    inherits the world built so far) and there is a second CPU for it to run on."""
    return "fork" in multiprocessing.get_all_start_methods() and len(_cpus()) > 1


def _cpus() -> set[int]:
    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not on every platform
        return set(range(os.cpu_count() or 1))


def _made_aside(batches: Iterator[Batch]) -> Iterator[Batch]:
    """The same batches, made in a forked process and handed over through a pipe.

    Making the rows (about a third of the build) then runs beside SQLite writing them,
    on the second CPU. The child only makes rows: it never touches the database, and it
    ends with os._exit (multiprocessing's way), so the inherited connection is left alone.

    A one-way pipe whose unused ends each side closes: a child that dies (even halfway
    through a batch) gives this side end-of-file, not a wait for ever, and a parent that
    dies gives the child a broken pipe, so it does not outlive the build. One batch at a
    time is in flight. A batch the child could not make ends the build with its traceback.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_hand_over, args=(batches, reader, writer), daemon=True)
    child.start()
    writer.close()  # only the child writes: its end of file is the child's end
    try:
        while True:
            try:
                item = reader.recv()
            except (EOFError, OSError):
                child.join()
                raise RuntimeError(
                    f"the process making rows ended early (exit status {child.exitcode})"
                ) from None
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"the process making rows failed:\n{item}")
            yield item
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()


def _hand_over(batches: Iterator[Batch], reader: Any, writer: Any) -> None:
    """In the child: every batch, then None; or the traceback of what went wrong."""
    reader.close()  # only the parent reads: when it is gone, sending fails at once
    try:
        for batch in batches:
            writer.send(batch)
        writer.send(None)
    except BaseException:
        with contextlib.suppress(BaseException):  # the parent may be gone too
            writer.send(traceback.format_exc())
    finally:
        writer.close()


# --------------------------------------------------------------------------- build


def sizes(n: int) -> dict[str, int]:
    """How many of each thing a database with n exchanges holds."""
    return {
        "orgs": 40 + n // 250,
        "programmes": 3 + n // 50_000,
        "agreements": 10 + n // 1_000,
        "cooperations": 5 + n // 2_000,
        "trips": 2 + n // 5_000,
        "store_exchanges": min(n // 10, 200 + n // 1_000),
    }


def build(
    conn: sqlite3.Connection,
    n: int,
    seed: int,
    log: Any = None,
    present: int | None = None,
    parallel: bool = False,
) -> dict[str, int]:
    """Fill an empty, migrated database with n exchanges and everything around them.

    With present, everything is sized for that many exchanges spread over 2000-2030, and
    the other n - present exchanges are history: done or cancelled, before HISTORY_END.
    With parallel, the bulk rows are made in a second process while this one writes them
    (see _made_aside); the database is the same either way.
    """
    present = min(present or n, n)
    world = World(random.Random(seed))
    plan = sizes(present)

    def step(what: str, started: float) -> None:
        if log:
            log(f"  {what}: {time.perf_counter() - started:.1f}s")

    t = time.perf_counter()
    build_orgs(conn, world, plan["orgs"])
    step(f"{world.counts['orgs']} orgs, {world.counts['contacts']} contacts", t)
    t = time.perf_counter()
    build_programmes(conn, world, plan["programmes"])
    build_agreements(conn, world, plan["agreements"])
    build_cooperations(conn, world, plan["cooperations"])
    step("programmes, agreements, cooperations", t)
    t = time.perf_counter()
    left = n
    left -= build_trips(conn, world, min(plan["trips"], left // 3))
    left -= build_exchanges_through_store(conn, world, min(plan["store_exchanges"], left))
    step(f"{n - left} exchanges through add_exchange (trips included)", t)
    t = time.perf_counter()
    bulk = 0
    first_id = conn.execute("SELECT coalesce(max(id), 0) FROM exchanges").fetchone()[0] + 1
    present_bulk = max(left - (n - present), 0)
    batches = bulk_batches(world, seed, first_id, now(), present_bulk, n - present)
    # The search index is filled a batch at a time, as `rit import csv` fills it, by the
    # statements its insert trigger runs row by row (store.tables._search_in_bulk).
    with _search_in_bulk(conn, "exchanges") as index:
        for batch in _made_aside(batches) if parallel else batches:
            write_batch(conn, batch, index)
            bulk += len(batch.rows)
    step(f"{bulk} exchanges in batches", t)
    world.counts["exchanges"] = conn.execute("SELECT count(*) FROM exchanges").fetchone()[0]
    return world.counts


def make(
    path: Path,
    n: int,
    seed: int = 1,
    log: Any = None,
    present: int | None = None,
    parallel: bool | None = None,
) -> dict[str, int]:
    """Create the database file at path (replacing one there) with n exchanges.

    parallel: make the bulk rows in a second process (None: when this machine can, see
    can_make_aside).
    """
    if parallel is None:
        parallel = can_make_aside()
    _remove(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = rit_db.connect(path)
    try:
        # A throwaway file: durability during the build buys nothing.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA secure_delete = OFF")
        conn.execute("PRAGMA cache_size = -200000")
        conn.execute("PRAGMA journal_mode = OFF")
        with rit_db.transaction(conn):
            counts = build(conn, n, seed, log, present, parallel)
        conn.execute("PRAGMA journal_mode = WAL")  # as rit leaves every database it opens
    except BaseException:
        conn.close()
        _remove(path)  # without a journal nothing rolls back: no half-built dataset is left
        raise
    conn.close()
    return counts


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--exchanges", type=int, required=True, help="number of exchanges")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, required=True, help="database file to (re)create")
    parser.add_argument(
        "--present",
        type=int,
        default=None,
        help="size everything for this many exchanges; the rest are history before mid-2018",
    )
    parser.add_argument(
        "--in-process",
        dest="parallel",
        action="store_false",
        default=None,
        help="make every row in this process (by default a second process makes the bulk"
        " rows while this one writes them, when there is a second CPU)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.exchanges < 50:
        parser.error("--exchanges must be at least 50")
    if args.present is not None and not 50 <= args.present <= args.exchanges:
        parser.error("--present must lie between 50 and --exchanges")

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)

    started, cpu = time.perf_counter(), _cpu_seconds()
    counts = make(args.db, args.exchanges, args.seed, log, args.present, args.parallel)
    took, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    shown = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"{args.db}: {shown} in {took:.1f}s ({cpu:.1f}s CPU)")


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the row maker)."""
    try:
        import resource
    except ImportError:  # not on Windows, where no row maker is forked either
        return time.process_time()
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


if __name__ == "__main__":
    main()
