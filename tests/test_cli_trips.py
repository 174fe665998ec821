"""Delegation trips, their stops and the visits at them, through the CLI."""

from __future__ import annotations

import json

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, quiet_ok, quiet_visit, refused

TRIP = "Delegation Japan/China 2016"


@pytest.fixture
def trip(rit: RitRunner) -> RitRunner:
    add_story_orgs(rit)
    out = quiet_ok(
        rit,
        "add-trip",
        TRIP,
        "--from",
        "2016-05-01",
        "--to",
        "2016-05-05",
        "--lead",
        "Minister-President Torsten Albig",
    )
    assert out.strip() == f"added trip #1 {TRIP}: 2016-05-01..2016-05-05"
    # Entered out of order: the itinerary is shown in date order.
    quiet_ok(
        rit,
        "add-stop",
        TRIP,
        "--city",
        "Shanghai",
        "--country",
        "CN",
        "--from",
        "2016-05-04",
        "--to",
        "2016-05-05",
    )
    quiet_ok(rit, "add-stop", "1", "--city", "Tokyo", "--country", "jp", "--from", "2016-05-01")
    out = quiet_ok(
        rit,
        "add-stop",
        TRIP,
        "--city",
        "Kobe",
        "--country",
        "JP",
        "--from",
        "2016-05-02",
        "--to",
        "2016-05-03",
        "--org",
        "FBRI",
    )
    assert out.strip() == f"added stop Kobe (JP) 2016-05-02..2016-05-03 to trip #1 {TRIP}"
    return rit


def test_itinerary_in_order_with_the_visit_at_its_stop(trip: RitRunner) -> None:
    rit = trip
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-02", "--at", "14:00", "--trip", TRIP)
    data = json.loads(quiet_ok(rit, "show-trip", TRIP, "--json"))
    assert [(s["city"], s["start_on"], s["end_on"]) for s in data["stops"]] == [
        ("Tokyo", "2016-05-01", "2016-05-01"),
        ("Kobe", "2016-05-02", "2016-05-03"),
        ("Shanghai", "2016-05-04", "2016-05-05"),
    ]
    kobe = data["stops"][1]
    assert kobe["org"] == "FBRI" and kobe["country"] == "JP"
    assert [e["title"] for e in kobe["exchanges"]] == ["LSN → FBRI visit 2016-05-02"]
    assert kobe["exchanges"][0]["starts_user"] == "2016-05-02T07:00:00+02:00"
    shown = quiet_ok(rit, "show-trip", "1")
    # Each stop is shown with its id, which edit-stop and remove-stop take.
    assert (
        "stop #3: 2016-05-02..2016-05-03 Kobe, JP (FBRI): #1 LSN → FBRI visit 2016-05-02" in shown
    )
    assert [s["id"] for s in data["stops"]] == [2, 3, 1]
    assert "lead: Minister-President Torsten Albig" in shown
    visit = json.loads(quiet_ok(rit, "show-exchange", "1", "--json"))
    assert visit["stop"] == f"{TRIP}: Kobe 2016-05-02..2016-05-03"
    # Moving the visit off its stop is refused; within the stop it is fine.
    refused = rit("reschedule", "1", "--on", "2016-05-04")
    assert refused.exit_code == 2
    assert "outside the trip stop Kobe 2016-05-02..2016-05-03" in refused.stderr
    quiet_ok(rit, "reschedule", "1", "--on", "2016-05-03")


def test_show_trip_shows_each_exchange_s_time_there_and_in_the_user_s_zone(
    trip: RitRunner,
) -> None:
    """A trip crosses zones: show-trip --tz (or RIT_TZ) shows the time at the place and in
    the user's zone, in its lines and its itinerary table, as its help says."""
    rit = trip
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-02", "--at", "07:00", "--trip", TRIP)
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-03", "--trip", TRIP)
    visit = "#1 LSN → FBRI visit 2016-05-02"
    shown = quiet_ok(rit, "show-trip", "1")
    assert f": {visit} 07:00 JST (00:00 CEST); #2 LSN → FBRI visit 2016-05-03\n" in shown
    shown = quiet_ok(rit, "show-trip", "1", "--tz", "America/New_York")
    assert f"{visit} 07:00 JST (2016-05-01 18:00 EDT);" in shown
    assert f"{visit} 07:00 JST;" in quiet_ok(rit, "show-trip", "1", "--tz", "Asia/Tokyo")
    table = quiet_ok(rit, "show-trip", "1", env={"TTY_COMPATIBLE": "1", "COLUMNS": "200"})
    assert f"{visit} 07:00 JST (00:00 CEST)" in table.split("Itinerary", 1)[1]


def test_a_visit_joins_the_stop_in_its_place_or_at_its_host(trip: RitRunner) -> None:
    rit = trip
    # The place matches the stop's city case-insensitively and in any Unicode form.
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-01")
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-01", "--place", "TOKYO", "--trip", "1")
    quiet_visit(
        rit, "LSN", "FBRI", "--on", "2016-05-03", "--place", "Port Island", "--trip", "1"
    )  # at the host: the Kobe stop's org
    quiet_ok(
        rit, "add-meeting", "Call", "--org", "LSN", "--on", "2016-05-04", "--online", "--trip", "1"
    )
    data = json.loads(quiet_ok(rit, "show-trip", "1", "--json"))
    assert [[e["id"] for e in s["exchanges"]] for s in data["stops"]] == [[2], [3], [4]]
    quiet_ok(rit, "add-trip", "Second", "--from", "2016-06-01", "--to", "2016-06-02")
    quiet_ok(rit, "add-stop", "2", "--city", "K\u014dbe", "--country", "JP", "--from", "2016-06-01")
    quiet_visit(rit, "FBRI", "LSN", "--on", "2016-06-01", "--place", "KO\u0304BE", "--trip", "2")
    data = json.loads(quiet_ok(rit, "show-trip", "2", "--json"))
    assert [e["id"] for e in data["stops"][0]["exchanges"]] == [5]


def test_trips_listing_piped_table_and_json(trip: RitRunner) -> None:
    rit = trip
    assert quiet_ok(rit, "trips").splitlines() == [
        f"1\t2016-05-01\t2016-05-05\t{TRIP}\tMinister-President Torsten Albig\tTokyo → Kobe → Shanghai"
    ]
    table = quiet_ok(rit, "trips", env={"TTY_COMPATIBLE": "1"})
    assert "Tokyo → Kobe →" in table and "Shanghai" in table and "stops" in table
    shown = quiet_ok(rit, "show-trip", TRIP, env={"TTY_COMPATIBLE": "1"})
    assert "Itinerary" in shown and "Shanghai" in shown
    data = json.loads(quiet_ok(rit, "trips", "--json"))
    assert data[0]["title"] == TRIP and len(data[0]["stops"]) == 3
    # The listing's JSON holds the exchanges at each stop, as show-trip's does.
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-02", "--trip", TRIP)
    listed = json.loads(quiet_ok(rit, "trips", "--json"))[0]["stops"]
    shown = json.loads(quiet_ok(rit, "show-trip", TRIP, "--json"))["stops"]
    assert [[e["id"] for e in s["exchanges"]] for s in listed] == [[], [1], []]
    assert listed == shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add-stop", TRIP, "--city", "Osaka", "--country", "JP", "--from", "2016-05-06"],
            "stop 2016-05-06 is outside trip",
        ),
        (
            [
                "add-stop",
                TRIP,
                "--city",
                "Osaka",
                "--country",
                "JP",
                "--from",
                "2016-04-30",
                "--to",
                "2016-05-01",
            ],
            "outside trip",
        ),
        (
            ["add-stop", TRIP, "--city", "Osaka", "--country", "JP", "--from", "2016-05-03"],
            "overlaps the stop Kobe 2016-05-02..2016-05-03",
        ),
        (
            [
                "add-stop",
                TRIP,
                "--city",
                "Osaka",
                "--country",
                "JP",
                "--from",
                "2016-05-03",
                "--to",
                "2016-05-02",
            ],
            "is before its start",
        ),
        (
            ["add-stop", TRIP, "--city", "Osaka", "--country", "XX", "--from", "2016-05-03"],
            "unknown country 'XX'",
        ),
        (
            ["add-stop", TRIP, "--city", " ", "--country", "JP", "--from", "2016-05-03"],
            "city must not be empty",
        ),
        (
            ["add-stop", "Nowhere", "--city", "Osaka", "--country", "JP", "--from", "2016-05-03"],
            "no trip 'Nowhere'",
        ),
        (
            [
                "add-stop",
                TRIP,
                "--city",
                "Osaka",
                "--country",
                "JP",
                "--from",
                "2016-05-03",
                "--org",
                "Nobody",
            ],
            "no organisation 'Nobody'",
        ),
        (
            ["add-trip", "Other", "--from", "2016-05-05", "--to", "2016-05-01"],
            "trip end 2016-05-01 is before its start 2016-05-05",
        ),
        (
            ["add-trip", TRIP.upper(), "--from", "2016-05-01", "--to", "2016-05-05"],
            "already exists as #1",
        ),
        (
            [
                "schedule-visit",
                "--from",
                "LSN",
                "--to",
                "FBRI",
                "--on",
                "2016-05-06",
                "--trip",
                TRIP,
            ],
            "2016-05-06 lies within no stop of trip",
        ),
        (
            [
                "schedule-visit",
                "--from",
                "LSN",
                "--to",
                "FBRI",
                "--on",
                "2016-05-03",
                "--days",
                "2",
                "--trip",
                TRIP,
            ],
            "2016-05-03..2016-05-04 lies within no stop",
        ),
        (
            [
                "schedule-visit",
                "--from",
                "LSN",
                "--to",
                "FBRI",
                "--on",
                "2016-05-02",
                "--trip",
                TRIP,
                "--yearly",
                "--until",
                "2017",
            ],
            "--trip cannot be combined with --yearly",
        ),
        (
            [
                "schedule-visit",
                "--from",
                "LSN",
                "--to",
                "FBRI",
                "--on",
                "2016-05-04",
                "--trip",
                "1",
            ],
            "on 2016-05-04 trip 'Delegation Japan/China 2016' is in Shanghai (CN)"
            " 2016-05-04..2016-05-05, not in 'Kobe': a visit belongs to a stop in its place"
            " or at its host ('FBRI')",
        ),
        (
            ["add-meeting", "M", "--org", "LSN", "--on", "2016-05-01", "--place", "Osaka"]
            + ["--trip", "1"],
            "is in Tokyo (JP) 2016-05-01..2016-05-01, not in 'Osaka'",
        ),
        (["show-trip", "Nowhere"], "no trip 'Nowhere'"),
    ],
)
def test_invalid_trip_input_is_one_line_exit_2_and_changes_nothing(
    trip: RitRunner, dump, args: list[str], message: str
) -> None:
    rit = trip
    before = dump()
    refused(rit(*args), message)
    assert dump() == before


@pytest.fixture
def month_long_trip(rit: RitRunner) -> RitRunner:
    """A research stay: a trip through September and October 2016 with a stop in Kobe for
    September and one in Osaka for October."""
    add_story_orgs(rit)
    quiet_ok(rit, "add-trip", "Research stay", "--from", "2016-09-01", "--to", "2016-10-31")
    for city, first, last in (("Kobe", "09-01", "09-30"), ("Osaka", "10-01", "10-31")):
        quiet_ok(
            rit,
            "add-stop",
            "Research stay",
            "--city",
            city,
            "--country",
            "JP",
            "--from",
            f"2016-{first}",
            "--to",
            f"2016-{last}",
        )
    return rit


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--on", "2016-09-01", "--days", "30", "--place", "Osaka", "--trip", "1"],
            "on 2016-09-01..2016-09-30 trip 'Research stay' is in Kobe (JP)",
        ),
        (
            ["--on", "2016-09-15", "--days", "31", "--trip", "1"],
            "2016-09-15..2016-10-15 lies within no stop",
        ),
        (
            ["--on", "2016-10-01", "--days", "31", "--trip", "1"],
            "on 2016-10-01..2016-10-31 trip 'Research stay' is in Osaka (JP)",
        ),
        (["--window", "2016-10", "--trip", "1"], "on 2016-10 trip 'Research stay' is in Osaka"),
    ],
)
def test_a_fixed_stay_of_a_whole_month_is_named_by_its_days_when_it_misses_a_stop(
    month_long_trip: RitRunner, dump, args: list[str], message: str
) -> None:
    """Fixed days that fill a month are not the window '2016-09' (as agenda shows them)."""
    before = dump()
    result = month_long_trip("schedule-visit", "--from", "LSN", "--to", "FBRI", *args)
    refused(result, message)
    assert dump() == before


def test_a_stay_moved_off_its_stop_is_named_by_its_days(month_long_trip: RitRunner) -> None:
    quiet_visit(
        month_long_trip, "LSN", "FBRI", "--on", "2016-09-02", "--place", "Kobe", "--trip", "1"
    )
    result = month_long_trip("reschedule", "1", "--on", "2016-09-01", "--days", "31")
    refused(result, "2016-09-01..2016-10-01 is outside the trip stop Kobe 2016-09-01..2016-09-30")
    result = month_long_trip("reschedule", "1", "--on", "2016-10-01", "--days", "31")
    refused(result, "2016-10-01..2016-10-31 is outside the trip stop Kobe")
    refused(result, "2016-09-01..2016-09-30 this visit belongs to")
    # A meeting is not called a visit.
    quiet_ok(month_long_trip, "add-meeting", "Signing", "--org", "LSN", "--org", "FBRI",
             "--on", "2016-09-03", "--place", "Kobe", "--trip", "1")  # fmt: skip
    result = month_long_trip("reschedule", "Signing", "--on", "2016-10-03")
    refused(result, "2016-10-03 is outside the trip stop Kobe 2016-09-01..2016-09-30 this meeting")


def test_a_stay_joined_to_a_trip_afterwards_is_named_by_its_days(
    month_long_trip: RitRunner,
) -> None:
    args = ("--on", "2016-09-01", "--days", "30", "--place", "Osaka")
    quiet_visit(month_long_trip, "LSN", "FBRI", *args)
    result = month_long_trip("edit-exchange", "1", "--trip", "1")
    refused(result, "on 2016-09-01..2016-09-30 trip 'Research stay' is in Kobe (JP)")


def test_removing_stops_and_trips_reads_no_exchange_in_full(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """remove-stop and remove-trip loaded the whole trip, every exchange at every stop with
    its parties, fields and participants (remove-stop twice), only to name the first and
    count the rest: a trip of a year's stops holds thousands. They name and count them from
    SQL now, with the same words as before (these lines are the old code's)."""
    add_story_orgs(rit)
    for args in (
        ("add-trip", "Japan and China 2016", "--from", "2016-05-01", "--to", "2016-05-05"),
        ("add-stop", "1", "--city", "Tokyo", "--country", "JP", "--from", "2016-05-01"),
        ("add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02",
         "--to", "2016-05-03", "--org", "FBRI"),
        ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-05-02", "--trip", "1"),
        ("add-meeting", "Tokyo briefing", "--org", "LSN", "--org", "FBRI", "--on", "2016-05-01",
         "--place", "Tokyo", "--trip", "1"),
        ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-05-03", "--trip", "1",
         "--title", "Lab tour"),
    ):  # fmt: skip
        quiet_ok(rit, *args, today="2016-04-01")
    from rit_cli.store import exchanges

    def loaded_in_full(*args: object) -> None:
        raise AssertionError("an exchange was loaded in full")

    monkeypatch.setattr(exchanges, "_load", loaded_in_full)
    refused(
        rit("remove-stop", "1", "Kobe"),
        "error: stop #2 'Kobe' holds visit #1 'LSN → FBRI visit 2016-05-02' and 1 more: pass"
        " --detach to remove it and keep them outside the trip",
    )
    refused(
        rit("remove-trip", "1"),
        "error: trip 'Japan and China 2016' holds meeting #2 'Tokyo briefing' and 2 more: pass"
        " --detach to remove it and keep them outside the trip",
    )
    assert quiet_ok(rit, "remove-stop", "1", "Kobe", "--detach").splitlines() == [
        "removed stop #2 Kobe (JP) 2016-05-02..2016-05-03 from trip #1 Japan and China 2016",
        "detached visit #1 LSN → FBRI visit 2016-05-02 from the trip (kept)",
        "detached visit #3 Lab tour from the trip (kept)",
    ]
    lines = quiet_ok(rit, "remove-trip", "1", "--detach").splitlines()
    assert lines[0].startswith("removed trip #1 Japan and China 2016 and its stop (uuid ")
    assert lines[1:] == ["detached meeting #2 Tokyo briefing from the trip (kept)"]


def test_a_cancelled_exchange_at_a_stop_is_marked(rit: RitRunner) -> None:
    """show-trip listed a cancelled meeting at its stop like one that takes place."""
    add_story_orgs(rit)
    env = {"RIT_TODAY": "2016-04-01"}
    quiet_ok(rit, "add-trip", "Japan 2016", "--from", "2016-05-01", "--to", "2016-05-05", env=env)
    quiet_ok(rit, "add-stop", "Japan 2016", "--city", "Kobe", "--country", "JP", "--from",
             "2016-05-02", "--to", "2016-05-03", "--org", "FBRI", env=env)  # fmt: skip
    for title in ("Signing", "Lab tour"):
        quiet_ok(rit, "add-meeting", title, "--org", "LSN", "--org", "FBRI", "--on",
                 "2016-05-02", "--place", "Kobe", "--trip", "Japan 2016", env=env)  # fmt: skip
    quiet_ok(rit, "cancel", "Signing", "--reason", "postponed", env=env)
    shown = quiet_ok(rit, "show-trip", "Japan 2016", env=env)
    assert "#1 Signing (cancelled); #2 Lab tour" in shown
    table = quiet_ok(rit, "show-trip", "Japan 2016", env={**env, "TTY_COMPATIBLE": "1"})
    assert "Signing (cancelled)" in " ".join(table.split())
