"""The trip store against an in-memory database: correcting trips and stops, what happens
to the exchanges at a stop, and a trip's history with its stops'."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from rit_cli.errors import Ambiguous, Conflict, InvalidInput, NotFound
from rit_cli.models.exchanges import Exchange
from rit_cli.store.exchanges import get_exchange
from rit_cli.store.history import history_of
from rit_cli.store.orgs import OrgInput, add_org
from rit_cli.store.scheduling import (
    ExchangeEdit,
    ExchangeInput,
    When,
    add_exchange,
    edit_exchange,
    stop_misfit,
)
from rit_cli.store.trips import (
    StopEdit,
    TripEdit,
    add_stop,
    add_trip,
    edit_stop,
    edit_trip,
    find_trip,
    remove_stop,
    remove_trip,
)

TODAY = date(2016, 8, 25)


@pytest.fixture
def trip(conn: sqlite3.Connection) -> sqlite3.Connection:
    """LSN #1, FBRI #2 (Kobe); trip #1 2016-05-01..05 with stops #1 Tokyo (05-01),
    #2 Kobe at FBRI (05-02..03); visit #1 LSN → FBRI on 05-02 in 'Port Island' (at its
    host) and meeting #2 'Call' online on 05-03, both at Kobe."""
    add_org(conn, OrgInput("Life Science Nord", "LSN", country="DE", city="Hamburg"))
    add_org(conn, OrgInput("FBRI", country="JP", city="Kobe"))
    add_trip(conn, "Japan 2016", "2016-05-01", "2016-05-05", TODAY, "MP")
    add_stop(conn, "1", "Tokyo", "JP", "2016-05-01", None, TODAY)
    add_stop(conn, "1", "Kobe", "JP", "2016-05-02", "2016-05-03", TODAY, "FBRI")
    visit = ExchangeInput(
        "visit", When(on="2016-05-02"), guests=("LSN",), host="FBRI", place="Port Island"
    )
    add_exchange(conn, ExchangeInput(**{**visit.__dict__, "trip": "1"}), TODAY)
    call = ExchangeInput("meeting", When(on="2016-05-03"), "Call", orgs=("LSN",), online=True)
    add_exchange(conn, ExchangeInput(**{**call.__dict__, "trip": "1"}), TODAY)
    return conn


def test_edit_trip_returns_what_changed(trip: sqlite3.Connection) -> None:
    edited, changed = edit_trip(
        trip, "japan 2016", TripEdit(title="Japan", end="+2d", lead=""), date(2016, 5, 4)
    )
    assert changed == ["title", "end_on", "lead"]
    assert (edited.title, edited.end_on, edited.lead) == ("Japan", "2016-05-06", None)
    assert edit_trip(trip, "1", TripEdit(title="japan"), TODAY)[1] == ["title"]
    assert edit_trip(trip, "1", TripEdit(title="japan"), TODAY)[1] == []


def test_edit_trip_refusals(trip: sqlite3.Connection) -> None:
    add_trip(trip, "Other", "2016-06-01", "2016-06-02", TODAY)
    with pytest.raises(InvalidInput, match="nothing to change"):
        edit_trip(trip, "1", TripEdit(), TODAY)
    with pytest.raises(Conflict, match="'other' already exists as #2"):
        edit_trip(trip, "1", TripEdit(title="other"), TODAY)
    with pytest.raises(Conflict, match="would leave out its stop #2 'Kobe'"):
        edit_trip(trip, "1", TripEdit(end="2016-05-02"), TODAY)
    with pytest.raises(NotFound):
        edit_trip(trip, "Nowhere", TripEdit(note="x"), TODAY)


@pytest.mark.parametrize(
    ("city", "org_id", "start_on", "end_on", "why"),
    [
        ("Kobe", 2, "2016-05-02", "2016-05-03", None),
        ("Osaka", 2, "2016-05-02", "2016-05-02", None),  # at its host
        ("port island", None, "2016-05-01", "2016-05-02", None),  # in its place
        ("Osaka", None, "2016-05-02", "2016-05-02", "it is in 'Port Island', not in 'Osaka'"),
        ("Osaka", 1, "2016-05-02", "2016-05-02", "at its host ('FBRI')"),  # a guest is not
        ("Kobe", 2, "2016-05-03", "2016-05-03", "2016-05-02 is outside 2016-05-03..2016-05-03"),
    ],
)
def test_stop_misfit_is_the_rule_that_joined_the_visit(
    trip: sqlite3.Connection,
    city: str,
    org_id: int | None,
    start_on: str,
    end_on: str,
    why: str | None,
) -> None:
    found = stop_misfit(get_exchange(trip, 1), city, org_id, start_on, end_on)
    assert found == why or (why is not None and found is not None and why in found)


def test_an_online_meeting_fits_any_stop_on_its_days(trip: sqlite3.Connection) -> None:
    call = get_exchange(trip, 2)
    assert stop_misfit(call, "Anywhere", None, "2016-05-03", "2016-05-03") is None
    assert stop_misfit(call, "Kobe", 2, "2016-05-02", "2016-05-02") is not None


def test_edit_stop_detaches_only_what_no_longer_fits(trip: sqlite3.Connection) -> None:
    with pytest.raises(Conflict, match="would no longer hold visit #1"):
        edit_stop(trip, "1", "Kobe", StopEdit(org=""), TODAY)
    assert get_exchange(trip, 1).stop_id == 2
    edited = edit_stop(trip, "1", "kobe", StopEdit(no_org=True, detach=True), TODAY)
    assert edited.changed == ["org"]
    assert [ex.id for ex in edited.detached] == [1]
    assert [ex.id for ex in edited.stop.exchanges] == [2]  # online: still at the stop
    assert get_exchange(trip, 1).stop_id is None


def test_stop_references(trip: sqlite3.Connection) -> None:
    add_stop(trip, "1", "tokyo", "JP", "2016-05-05", None, TODAY)
    assert edit_stop(trip, "1", "#2", StopEdit(note="n"), TODAY).stop.city == "Kobe"
    with pytest.raises(Ambiguous, match="stops in 'TOKYO' more than once: #1 'Tokyo'"):
        edit_stop(trip, "1", "TOKYO", StopEdit(note="n"), TODAY)
    with pytest.raises(NotFound, match="has no stop '9': its stops are #1 'Tokyo'"):
        remove_stop(trip, "1", "9", detach=False)
    add_trip(trip, "Empty", "2016-06-01", "2016-06-02", TODAY)
    with pytest.raises(NotFound, match="'Empty' has no stop '1': it has no stops yet"):
        remove_stop(trip, "Empty", "1", detach=False)


def test_edit_stop_reuses_the_add_stop_checks(trip: sqlite3.Connection) -> None:
    with pytest.raises(Conflict, match="overlaps the stop Kobe"):
        edit_stop(trip, "1", "Tokyo", StopEdit(end="2016-05-02"), TODAY)
    with pytest.raises(InvalidInput, match="outside trip 'Japan 2016'"):
        edit_stop(trip, "1", "Tokyo", StopEdit(start="2016-04-30"), TODAY)
    # Its own days do not clash with themselves.
    assert edit_stop(trip, "1", "Kobe", StopEdit(start="2016-05-02"), TODAY).changed == []


def test_a_trips_history_holds_its_stops_also_removed_ones(trip: sqlite3.Connection) -> None:
    edit_stop(trip, "1", "Tokyo", StopEdit(city="Tōkyō"), TODAY)
    removed = remove_stop(trip, "1", "tōkyō", detach=False)
    assert removed.stop.city == "Tōkyō" and [s.id for s in removed.trip.stops] == [2]
    add_trip(trip, "Other", "2016-06-01", "2016-06-02", TODAY)
    add_stop(trip, "2", "Kiel", "DE", "2016-06-01", None, TODAY)
    changes = [(c.table, c.action, c.field, c.new) for c in history_of(trip, "trips", 1)]
    assert ("trip_stops", "update", "stop #1 city", "Tōkyō") in changes
    assert changes[-1] == ("trip_stops", "delete", "stop #1", None)
    assert not any("Kiel" in (c[3] or "") for c in changes)
    assert [c.field for c in history_of(trip, "trips", 2)][-5:] == [
        "stop #3 trip_id",
        "stop #3 city",
        "stop #3 country",
        "stop #3 start_on",
        "stop #3 end_on",
    ]


def test_remove_trip(trip: sqlite3.Connection) -> None:
    with pytest.raises(Conflict, match="holds visit #1 .* and 1 more: pass --detach"):
        remove_trip(trip, "1", detach=False)
    removed, detached = remove_trip(trip, "Japan 2016", detach=True)
    assert [s.city for s in removed.stops] == ["Tokyo", "Kobe"]
    assert [ex.id for ex in detached] == [1, 2]
    assert trip.execute("SELECT count(*) FROM trip_stops").fetchone()[0] == 0
    assert get_exchange(trip, 2).stop_id is None
    with pytest.raises(NotFound):
        find_trip(trip, "1")
    changes = history_of(trip, "trips", 1)
    assert [(c.action, c.field) for c in changes[-3:]] == [
        ("delete", "stop #1"),
        ("delete", "stop #2"),
        ("delete", None),
    ]


# ------------------------------------------------------------------ joining a stop afterwards

# Exchanges entered without --trip: edit-exchange --trip must join each to the stop --trip
# would have joined it to when it was created, or refuse it with the same message.
LATER = [
    ExchangeInput("visit", When(on="2016-05-02"), guests=("LSN",), host="FBRI"),  # Kobe
    ExchangeInput("visit", When(on="2016-05-03"), guests=("LSN",), host="FBRI", place="Osaka"),
    ExchangeInput("visit", When(on="2016-05-01"), guests=("FBRI",), host="LSN", place="TOKYO"),
    ExchangeInput("visit", When(on="2016-05-01"), guests=("LSN",), host="FBRI"),  # not Tokyo
    ExchangeInput("visit", When(on="2016-05-02"), guests=("FBRI",), host="LSN"),  # Hamburg
    ExchangeInput("visit", When(on="2016-05-01", days=2), guests=("LSN",), host="FBRI"),
    ExchangeInput("visit", When(on="2016-05-06"), guests=("LSN",), host="FBRI"),
    ExchangeInput("visit", When(window="2016-05-02..2016-05-03"), guests=("LSN",), host="FBRI"),
    ExchangeInput("meeting", When(on="2016-05-01"), "Call", orgs=("FBRI",), online=True),
    ExchangeInput("meeting", When(on="2016-05-03"), "Talk", orgs=("LSN", "FBRI"), place="Osaka"),
    ExchangeInput("meeting", When(on="2016-05-01"), "Walk", orgs=("LSN",), place="Osaka"),
]


def _outcome(act: Callable[[], Exchange]) -> int | str | None:
    """The stop an exchange is joined to by act, or the message it is refused with."""
    try:
        return act().stop_id
    except InvalidInput as refusal:
        return str(refusal)


@pytest.mark.parametrize("given", LATER, ids=lambda g: f"{g.type} {g.when} {g.place}")
def test_joining_later_is_the_rule_of_joining_at_creation(
    trip: sqlite3.Connection, given: ExchangeInput
) -> None:
    at_creation = _outcome(
        lambda: add_exchange(trip, replace(given, trip="Japan 2016"), TODAY).exchanges[0]
    )
    later = add_exchange(trip, given, TODAY).exchanges[0]
    joined = _outcome(
        lambda: edit_exchange(trip, str(later.id), ExchangeEdit(trip="japan 2016")).exchange
    )
    assert joined == at_creation
    assert get_exchange(trip, later.id).stop_id == (joined if isinstance(joined, int) else None)


def test_no_trip_takes_it_off_and_the_stop_is_no_calendar_change(
    trip: sqlite3.Connection,
) -> None:
    before = get_exchange(trip, 1)
    edited = edit_exchange(trip, "1", ExchangeEdit(no_trip=True))
    assert edited.changed == ["trip stop"]
    assert edited.stop_before == "Japan 2016: Kobe 2016-05-02..2016-05-03"
    assert edited.exchange.stop_id is None and edited.exchange.sequence == before.sequence
    assert edit_exchange(trip, "1", ExchangeEdit(no_trip=True)).changed == []
    again = edit_exchange(trip, "1", ExchangeEdit(trip="1"))
    assert (again.changed, again.stop_before, again.exchange.stop_id) == (["trip stop"], None, 2)
    assert again.exchange.sequence == before.sequence
    changes = [(c.field, c.old, c.new) for c in history_of(trip, "exchanges", 1)]
    assert changes[-2:] == [("stop_id", "2", None), ("stop_id", None, "2")]


def test_the_edit_is_judged_on_the_values_after_it(trip: sqlite3.Connection) -> None:
    add_org(trip, OrgInput("JETRO", country="JP", city="Tokyo"))
    # The visit at Kobe through its host; a new host takes it away unless the place fits.
    with pytest.raises(InvalidInput, match="is in Kobe .* not in 'Port Island'"):
        edit_exchange(trip, "1", ExchangeEdit(host="JETRO"))
    with pytest.raises(InvalidInput, match="is in Kobe .* not in 'Port Island'"):
        edit_exchange(trip, "1", ExchangeEdit(host="JETRO", trip="1"))
    moved = edit_exchange(trip, "1", ExchangeEdit(host="JETRO", place="kobe", trip="1"))
    assert moved.exchange.stop_id == 2 and moved.changed == ["title", "host", "place"]
    # Taken off the trip in the same command, it may go anywhere.
    off = edit_exchange(trip, "1", ExchangeEdit(place="Tokyo", no_trip=True))
    assert (off.exchange.place, off.exchange.stop_id) == ("Tokyo", None)
    # An online meeting joins the stop of its day; given a place, it must fit it.
    with pytest.raises(InvalidInput, match="not in 'Osaka': a meeting belongs"):
        edit_exchange(trip, "2", ExchangeEdit(place="Osaka", trip="1"))
    assert edit_exchange(trip, "2", ExchangeEdit(place="Osaka", no_trip=True)).changed == [
        "place",
        "online",
        "trip stop",
    ]
    assert edit_exchange(trip, "2", ExchangeEdit(online=True, trip="1")).exchange.stop_id == 2


def test_trip_refusals(trip: sqlite3.Connection) -> None:
    with pytest.raises(InvalidInput, match="give either --trip or --no-trip, not both"):
        edit_exchange(trip, "1", ExchangeEdit(trip="1", no_trip=True))
    with pytest.raises(NotFound, match="no trip 'Nowhere'"):
        edit_exchange(trip, "1", ExchangeEdit(trip="Nowhere"))
    assert get_exchange(trip, 1).stop_id == 2


def test_one_exchange_of_a_yearly_plan_joins_a_stop(trip: sqlite3.Connection) -> None:
    """A trip happens once, so --yearly refuses --trip; one exchange of the plan is one
    exchange, and may be at a stop."""
    plan = ExchangeInput(
        "visit", When(on="2016-05-02"), guests=("LSN",), host="FBRI", yearly=True, until="2017"
    )
    first, second = add_exchange(trip, plan, TODAY).exchanges
    assert edit_exchange(trip, str(first.id), ExchangeEdit(trip="1")).exchange.stop_id == 2
    assert get_exchange(trip, second.id).stop_id is None
    with pytest.raises(InvalidInput, match="2017-05-02 lies within no stop of trip"):
        edit_exchange(trip, str(second.id), ExchangeEdit(trip="1"))
