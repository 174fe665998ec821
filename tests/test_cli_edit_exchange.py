"""`rit edit-exchange` through the CLI: correcting a visit or meeting after it was created
(its fields, parties and agreement link; its dates have their own commands), and the limit
on --yearly plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import ADD_JETRO, add_story_orgs, ok, quiet_ok, refused

EDITABLE = (
    "nothing to change: give --title, --purpose, --outcome (once done), --note, --place or"
    " --online (a meeting), --field, --participant, --from/--to (a visit) or --org"
    " (a meeting), --agreement or --no-agreement, --trip or --no-trip, --tz"
)


def exchange(rit: RitRunner, ref: str) -> dict[str, Any]:
    return json.loads(quiet_ok(rit, "show-exchange", ref, "--json"))


def history(rit: RitRunner, ref: str) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of every update row of the exchange, in order."""
    rows = json.loads(quiet_ok(rit, "history", ref, "--kind", "exchange", "--json"))
    return [(r["field"], r["old"], r["new"]) for r in rows if r["action"] == "update"]


def compliance(rit: RitRunner, title: str, today: str) -> dict[str, Any]:
    """The agreement's compliance in 2016, as show-agreement --json gives it."""
    data = json.loads(quiet_ok(rit, "show-agreement", title, "--json", today=today))
    return next(c for c in data["compliance"] if c["year"] == 2016)


def at_risk(rit: RitRunner, today: str) -> list[str]:
    """What remind says about agreements at risk."""
    items = json.loads(ok(rit, "remind", "--json", today=today))
    return [r["message"] for r in items if r["kind"] == "at-risk"]


# ------------------------------------------------------------------ the QA story


@pytest.mark.parametrize(
    ("obligation", "held_after", "verdict_after", "reminders_after"),
    [
        pytest.param(
            ["--each-way"],
            [("LSN", 0, "at-risk"), ("FBRI", 1, "met")],
            "at-risk",
            ["2016 requires 1 visit each way (to LSN: 0 held, 0 planned; to FBRI: 1 held,"
             " 0 planned); 1 more to schedule, 235 days left"],
            id="each way: the Kobe visit counts for the way to FBRI",
        ),
        pytest.param([], [], "met", [], id="one a year: met, and remind is silent"),
    ],
)  # fmt: skip
def test_the_visit_entered_before_its_loi_is_linked_afterwards(
    rit: RitRunner,
    obligation: list[str],
    held_after: list[tuple[str, int, str]],
    verdict_after: str,
    reminders_after: list[str],
) -> None:
    """QA's story, entered in the order it happened: the Kobe visit, then the LoI it led to.
    Linking the visit afterwards makes show-agreement count it and remind stop warning."""
    day = "2016-05-10"
    ok(rit, "add-org", "LSN", "--country", "DE", today=day)
    ok(rit, "add-org", "FBRI", "--country", "JP", today=day)
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-05-02", "--at",
       "10:00", today=day)  # fmt: skip
    ok(rit, "done", "1", "--outcome", "LoI signed", today=day)
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-05-02", "--until", "2017", "--visits-per-year", "1", *obligation,
       today=day)  # fmt: skip
    before = compliance(rit, "LoI", day)
    assert (before["held"], before["verdict"]) == (0, "at-risk")
    assert len(at_risk(rit, day)) == 1

    out = quiet_ok(rit, "edit-exchange", "1", "--agreement", "LoI", today=day)
    assert out.splitlines() == [
        "updated visit #1 LSN → FBRI visit 2016-05-02: agreement",
        "linked to agreement 'LoI'",
    ]
    after = compliance(rit, "LoI", day)
    assert (after["held"], after["verdict"]) == (1, verdict_after)
    directions = [(d["host"]["label"], d["held"], d["verdict"]) for d in after["directions"]]
    assert directions == held_after
    assert at_risk(rit, day) == reminders_after
    # The history keeps the creation, the lifecycle and the correction; the rest stays.
    assert history(rit, "1")[-1] == ("agreement_id", None, "1")
    shown = exchange(rit, "1")
    assert (shown["status"], shown["outcome"], shown["sequence"]) == ("done", "LoI signed", 1)


# ------------------------------------------------------------------ every option


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """#1 LSN (Hamburg), #2 FBRI (Kobe), #3 JETRO (Japan, no city); contacts #1 Habeck
    (LSN), #2 Yamada (FBRI); agreements #1 'LoI' (LSN, FBRI; 2016-05-02..2017) and #2
    'JETRO MoU' (JETRO, FBRI; ended 2016-06-30); exchanges:
    #1 visit LSN → FBRI on 2016-10-12 10:00 (Kobe), purpose, field, participant, the LoI;
    #2 meeting 'Steering' LSN + FBRI on 2016-11-02 09:00 in Kobe, the LoI;
    #3 visit FBRI → LSN on 2016-06-01, done."""
    add_story_orgs(rit)
    ok(rit, *ADD_JETRO)
    ok(rit, "add-contact", "Hinrich Habeck", "--org", "LSN")
    ok(rit, "add-contact", "Taro Yamada", "--org", "FBRI")
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-05-02", "--until", "2017", "--visits-per-year", "1")  # fmt: skip
    ok(rit, "add-agreement", "JETRO MoU", "--party", "JETRO", "--party", "FBRI", "--signed",
       "2016-01-01", "--until", "2016-06-30")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12", "--at",
       "10:00", "--purpose", "company matchmaking", "--field", "networking",
       "--participant", "Hinrich Habeck")  # fmt: skip
    ok(rit, "add-meeting", "Steering", "--org", "LSN", "--org", "FBRI", "--on", "2016-11-02",
       "--at", "09:00", "--place", "Kobe")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-06-01")
    ok(rit, "done", "3")
    return rit


# (ref, options, the changed names printed, what show-exchange --json shows afterwards,
#  whether the sequence rises: only when something a calendar event shows changes)
EDITS = [
    ("1", ["--title", "Matchmaking in Kobe"], "title", {"title": "Matchmaking in Kobe"}, True),
    ("1", ["--purpose", "biobank talks"], "purpose", {"purpose": "biobank talks"}, True),
    ("1", ["--purpose", ""], "purpose", {"purpose": None}, True),
    ("1", ["--note", "bring samples"], "note", {"note": "bring samples"}, True),
    ("1", ["--place", "Osaka"], "place", {"place": "Osaka", "tz": "Asia/Tokyo"}, True),
    ("1", ["--place", ""], "place", {"place": None}, True),
    ("1", ["--field", "Technology Transfer", "--field", "market introduction"], "fields",
     {"fields": ["market-introduction", "technology-transfer"]}, False),
    ("1", ["--field", ""], "fields", {"fields": []}, False),
    ("1", ["--participant", "Taro Yamada", "--participant", "2"], "participants",
     {"participants": ["Taro Yamada"]}, False),
    ("1", ["--participant", "Taro Yamada", "--participant", "Hinrich Habeck"], "participants",
     {"participants": ["Hinrich Habeck", "Taro Yamada"]}, False),
    ("1", ["--participant", ""], "participants", {"participants": []}, False),
    ("1", ["--from", "LSN", "--from", "JETRO"], "title, guests",
     {"guests": ["JETRO", "LSN"], "host": "FBRI", "title": "LSN + JETRO → FBRI visit 2016-10-12",
      "agreement": "LoI"}, True),
    ("1", ["--from", "FBRI", "--to", "LSN"], "title, guests, host, place, time zone",
     {"guests": ["FBRI"], "host": "LSN", "title": "FBRI → LSN visit 2016-10-12",
      "place": "Hamburg", "tz": "Europe/Berlin", "at": "10:00",
      "starts_utc": "2016-10-12T08:00+00:00", "agreement": "LoI"}, True),
    ("1", ["--to", "JETRO", "--no-agreement"], "title, host, place, agreement",
     {"host": "JETRO", "place": None, "tz": "Asia/Tokyo", "agreement": None,
      "title": "LSN → JETRO visit 2016-10-12"}, True),
    ("1", ["--no-agreement"], "agreement", {"agreement": None}, False),
    ("2", ["--online"], "place, online",
     {"place": None, "online": True, "tz": "Asia/Tokyo", "starts_utc": "2016-11-02T00:00+00:00"},
     True),
    ("2", ["--place", "Osaka"], "place",
     {"place": "Osaka", "tz": "Asia/Tokyo", "starts_utc": "2016-11-02T00:00+00:00"}, True),
    ("2", ["--place", "Hamburg"], "place, time zone",
     {"place": "Hamburg", "tz": "Europe/Berlin", "at": "09:00",
      "starts_utc": "2016-11-02T08:00+00:00"}, True),
    ("2", ["--place", "Hamburg", "--title", "Steering in Hamburg"], "title, place, time zone",
     {"title": "Steering in Hamburg", "place": "Hamburg"}, True),
    ("2", ["--org", "LSN", "--org", "FBRI", "--org", "JETRO"], "organisations",
     {"participants_orgs": ["FBRI", "JETRO", "LSN"], "agreement": "LoI"}, True),
    ("2", ["--org", "JETRO", "--org", "FBRI", "--no-agreement"], "organisations, agreement",
     {"participants_orgs": ["FBRI", "JETRO"], "agreement": None}, True),
    ("3", ["--outcome", "two joint projects"], "outcome", {"outcome": "two joint projects"},
     False),
    ("3", ["--no-agreement"], "agreement", {"agreement": None, "status": "done"}, False),
]  # fmt: skip


@pytest.mark.parametrize(("ref", "options", "changed", "shown", "raises_sequence"), EDITS)
def test_every_option(
    story: RitRunner,
    ref: str,
    options: list[str],
    changed: str,
    shown: dict[str, Any],
    raises_sequence: bool,
) -> None:
    rit = story
    before = exchange(rit, ref)
    out = quiet_ok(rit, "edit-exchange", ref, *options)
    after = exchange(rit, ref)
    assert out.splitlines()[0] == f"updated {after['type']} #{ref} {after['title']}: {changed}"
    assert {k: after[k] for k in shown} == shown
    assert after["sequence"] == before["sequence"] + (1 if raises_sequence else 0)
    # The dates are not touched (a zone that follows the host keeps the local time).
    for column in ("status", "start_on", "end_on", "day", "days", "at"):
        assert after[column] == before[column], column
    # The same edit again changes nothing and says so.
    again = quiet_ok(rit, "edit-exchange", ref, *options)
    assert again == f"{after['type']} #{ref} {after['title']} unchanged\n"
    assert exchange(rit, ref)["sequence"] == after["sequence"]


def test_history_field_by_field(story: RitRunner) -> None:
    rit = story
    quiet_ok(rit, "edit-exchange", "1", "--from", "FBRI", "--to", "LSN", "--purpose", "biobank",
             "--field", "technology transfer", "--participant", "Taro Yamada",
             "--no-agreement")  # fmt: skip
    assert history(rit, "1") == [
        ("sequence", "0", "1"),
        ("title", "LSN → FBRI visit 2016-10-12", "FBRI → LSN visit 2016-10-12"),
        ("purpose", "company matchmaking", "biobank"),
        ("host_id", "2", "1"),
        ("place", "Kobe", "Hamburg"),
        ("tz", "Asia/Tokyo", "Europe/Berlin"),
        ("starts_utc", "2016-10-12T01:00+00:00", "2016-10-12T08:00+00:00"),
        ("agreement_id", "1", None),
        ("orgs", "guest LSN; host FBRI", "guest FBRI; host LSN"),
        ("fields", "networking", "technology-transfer"),
        ("participants", "#1", "#2"),
    ]
    # show-exchange's date history: the time is the same local time at the new place.
    steps = exchange(rit, "1")["date_history"]
    assert [s["when"] for s in steps] == [
        "2016-10-12 10:00 JST (Asia/Tokyo)",
        "2016-10-12 10:00 CEST (Europe/Berlin)",
    ]


def test_a_new_host_of_a_visit_without_a_time_adds_no_date_step(story: RitRunner) -> None:
    """QA: a window's time zone tells nothing until it has a time, but the zone that came
    with a corrected host made show-exchange list a date step (`date #1`) the same as
    the one before, as if the date had changed."""
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2016-11")
    quiet_ok(rit, "edit-exchange", "4", "--to", "JETRO", "--no-agreement")  # Tokyo's zone
    shown = exchange(rit, "4")
    assert shown["sequence"] == 1
    assert [(s["sequence"], s["when"]) for s in shown["date_history"]] == [(0, "2016-11")]
    quiet_ok(rit, "fix-date", "4", "--on", "2016-11-10", "--at", "10:00")
    quiet_ok(rit, "edit-exchange", "4", "--to", "LSN")  # Hamburg's: the time moves
    assert [(s["sequence"], s["when"]) for s in exchange(rit, "4")["date_history"]] == [
        (0, "2016-11"),
        (2, "2016-11-10 10:00 JST (Asia/Tokyo)"),
        (3, "2016-11-10 10:00 CET (Europe/Berlin)"),
    ]


def test_fields_of_action_and_participants_are_kept_when_only_other_things_change(
    story: RitRunner,
) -> None:
    rit = story
    quiet_ok(rit, "edit-exchange", "1", "--note", "x")
    shown = exchange(rit, "1")
    assert shown["fields"] == ["networking"] and shown["participants"] == ["Hinrich Habeck"]
    assert [f for f, _, _ in history(rit, "1")] == ["sequence", "note"]


def test_a_title_given_is_kept_when_the_parties_change(story: RitRunner) -> None:
    rit = story
    quiet_ok(rit, "edit-exchange", "1", "--title", "Kobe matchmaking")
    out = quiet_ok(rit, "edit-exchange", "1", "--from", "JETRO", "--from", "LSN")
    assert out == "updated visit #1 Kobe matchmaking: guests\n"


def test_an_empty_title_gives_a_visit_its_default_title_back(
    story: RitRunner, dump: Callable[[], str]
) -> None:
    """A title typed over the default one can be taken back: '' gives the default title,
    which then follows the visit's dates and parties again."""
    rit = story
    quiet_ok(rit, "edit-exchange", "1", "--title", "Kobe matchmaking")
    out = quiet_ok(rit, "edit-exchange", "1", "--title", "")
    assert out == "updated visit #1 LSN → FBRI visit 2016-10-12: title\n"
    quiet_ok(rit, "reschedule", "1", "--on", "2016-10-14")
    assert exchange(rit, "1")["title"] == "LSN → FBRI visit 2016-10-14"
    assert quiet_ok(rit, "edit-exchange", "1", "--title", " ").endswith("unchanged\n")
    # A meeting has no default title: '' is refused and changes nothing.
    was = dump()
    refused(rit("edit-exchange", "Steering", "--title", ""), "title must not be empty")
    assert dump() == was


def test_search_follows_the_edit(story: RitRunner) -> None:
    rit = story

    def found(text: str) -> list[tuple[int, str]]:
        rows = json.loads(quiet_ok(rit, "search", text, "--json"))
        return [(r["id"], r["field"]) for r in rows if r["kind"] == "exchange"]

    assert found("matchmaking") == [(1, "purpose")]
    quiet_ok(rit, "edit-exchange", "1", "--purpose", "Biobank-Gespräche", "--note", "Straße")
    quiet_ok(rit, "edit-exchange", "3", "--outcome", "zwei Projekte")
    assert found("matchmaking") == []
    assert found("biobank") == [(1, "purpose")]
    assert found("strasse") == [(1, "note")]
    assert found("projekte") == [(3, "outcome")]
    quiet_ok(rit, "edit-exchange", "2", "--online")
    assert found("kobe") == [(1, "place")]


def test_the_calendar_export_shows_the_change_with_a_higher_sequence(
    story: RitRunner, tmp_path: Path
) -> None:
    rit = story
    out = tmp_path / "rit.ics"

    def event(title: str) -> str:
        ok(rit, "export", "ics", "--out", str(out))
        text = out.read_text(encoding="utf-8").replace("\r\n ", "")
        return next(e for e in text.split("BEGIN:VEVENT") if f"SUMMARY:{title}" in e)

    assert "SEQUENCE:0" in event("Steering") and "LOCATION:Kobe" in event("Steering")
    quiet_ok(rit, "edit-exchange", "Steering", "--place", "Hamburg", "--note", "room 4")
    changed = event("Steering")
    assert "SEQUENCE:1" in changed and "LOCATION:Hamburg" in changed
    assert "DTSTART;TZID=Europe/Berlin:20161102T090000" in changed
    assert "room 4" in changed


# ------------------------------------------------------------------ refusals

REFUSALS = [
    ([], EDITABLE),
    (["--title", "x"], "no exchange '9'"),
    (["--agreement", "LoI", "--no-agreement"], "either --agreement or --no-agreement"),
    (["--place", "Kobe", "--online"], "give either --place or --online, not both"),
    (["--trip", "Nowhere", "--no-trip"], "give either --trip or --no-trip, not both"),
]
REFUSALS_OF = [
    ("2", ["--title", ""], "title must not be empty"),
    ("2", ["--title", "  "], "title must not be empty"),
    ("1", ["--from", "Nobody"], "no organisation 'Nobody'"),
    ("1", ["--to", "Nobody"], "no organisation 'Nobody'"),
    ("1", ["--to", "LSN"], "'LSN' cannot visit itself: --from and --to must differ"),
    ("1", ["--participant", "Nobody"], "no contact 'Nobody'"),
    ("1", ["--field", "networking", "--field", ""], "--field '' clears the list and goes alone"),
    ("1", ["--agreement", "Nothing"], "no agreement 'Nothing'"),
    ("1", ["--agreement", "JETRO MoU"],
     "agreement 'JETRO MoU' does not have the guest 'LSN' as a party: a visit needs an"
     " agreement with the host and a guest as parties"),
    ("1", ["--to", "JETRO", "--agreement", "LoI"],
     "agreement 'LoI' does not have the host 'JETRO' as a party"),
    ("1", ["--from", "JETRO", "--agreement", "JETRO MoU"],
     "agreement 'JETRO MoU' (in force 2016-01-01..2016-06-30) is not in force on 2016-10-12:"
     " an exchange is only linked to an agreement in force on its start day; choose another"),
    ("1", ["--from", "JETRO"],
     "visit #1 is linked to agreement 'LoI', which does not have the guest 'JETRO' as a party:"
     " pass --agreement REF to link it to another one, or --no-agreement to unlink it"),
    ("2", ["--org", "LSN", "--org", "JETRO"],
     "meeting #2 is linked to agreement 'LoI', which does not have two of the organisations"
     " as parties (only 'LSN')"),
    ("1", ["--org", "LSN"], "--org goes with a meeting: visit #1"),
    ("1", ["--online"], "--online goes with a meeting: visit #1"),
    ("2", ["--from", "LSN"], "--from and --to go with a visit: meeting #2"),
    ("2", ["--org", "Nobody"], "no organisation 'Nobody'"),
    ("1", ["--outcome", "x"],
     "visit #1 'LSN → FBRI visit 2016-10-12' is scheduled: an outcome goes with a done"
     " exchange (rit done '#1' --outcome …)"),
    ("1", ["--note", "x" * 10_001], "is too long: at most 10000 characters"),
    ("1", ["--trip", "Nowhere"], "no trip 'Nowhere'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("ref", "options", "message"),
    [("9" if "no exchange" in m else "1", o, m) for o, m in REFUSALS] + REFUSALS_OF,
)
def test_refusals_change_nothing(
    story: RitRunner, dump: Callable[[], str], ref: str, options: list[str], message: str
) -> None:
    rit = story
    before = dump()
    refused(rit("edit-exchange", ref, *options), message)
    assert dump() == before


def test_a_visit_at_a_trip_stop_stays_at_it(story: RitRunner, dump: Callable[[], str]) -> None:
    rit = story
    quiet_ok(rit, "add-trip", "Japan 2016", "--from", "2016-10-10", "--to", "2016-10-14")
    quiet_ok(rit, "add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-10-10",
             "--to", "2016-10-14", "--org", "FBRI")  # fmt: skip
    quiet_ok(rit, "schedule-visit", "--from", "JETRO", "--to", "FBRI", "--on", "2016-10-13",
             "--trip", "1", "--place", "Kobe")  # fmt: skip
    before = dump()
    refused(
        rit("edit-exchange", "4", "--to", "LSN"),
        "on 2016-10-13 trip 'Japan 2016' is in Kobe (JP) at 'FBRI' 2016-10-10..2016-10-14, not"
        " in 'Hamburg': a visit belongs to a stop in its place or at its host ('LSN')",
    )
    assert dump() == before
    # At the stop's city the visit may have another host.
    out = quiet_ok(rit, "edit-exchange", "4", "--to", "LSN", "--place", "Kobe")
    assert out == "updated visit #4 JETRO → LSN visit 2016-10-13: title, host, time zone\n"


# ------------------------------------------------------------------ joining a trip stop later

JAPAN = "Japan 2016"
KOBE_STOP = f"{JAPAN}: Kobe 2016-05-02..2016-05-03"


@pytest.fixture
def entered_first(rit: RitRunner) -> RitRunner:
    """QA's order: the exchanges first, the trip after them. LSN #1, FBRI #2, JETRO #3;
    #1 visit LSN → FBRI on 2016-05-02 10:00 (Kobe), done; #2 meeting 'Call' LSN + FBRI
    online on 2016-05-04; #3 and #4 meeting 'Walk' LSN + FBRI in Tokyo on 2016-05-01, one a
    year to 2017. Trip #1 'Japan 2016' 2016-05-01..05: stops #1 Tokyo (05-01), #2 Kobe at
    FBRI (05-02..03), #3 Shanghai (05-04..05); trip #2 'Kobe again' with stop #4 Kobe
    (05-02)."""
    add_story_orgs(rit)
    ok(rit, *ADD_JETRO)
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-05-02",
             "--at", "10:00", today="2016-04-01")  # fmt: skip
    quiet_ok(rit, "done", "1", today="2016-05-10")
    quiet_ok(rit, "add-meeting", "Call", "--org", "LSN", "--org", "FBRI", "--on", "2016-05-04",
             "--online", today="2016-04-01")  # fmt: skip
    quiet_ok(rit, "add-meeting", "Walk", "--org", "LSN", "--org", "FBRI", "--on", "2016-05-01",
             "--place", "Tokyo", "--yearly", "--until", "2017", today="2016-04-01")  # fmt: skip
    quiet_ok(rit, "add-trip", JAPAN, "--from", "2016-05-01", "--to", "2016-05-05")
    quiet_ok(rit, "add-stop", "1", "--city", "Tokyo", "--country", "JP", "--from", "2016-05-01")
    quiet_ok(rit, "add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02",
             "--to", "2016-05-03", "--org", "FBRI")  # fmt: skip
    quiet_ok(rit, "add-stop", "1", "--city", "Shanghai", "--country", "CN", "--from",
             "2016-05-04", "--to", "2016-05-05")  # fmt: skip
    quiet_ok(rit, "add-trip", "Kobe again", "--from", "2016-05-02", "--to", "2016-05-02")
    quiet_ok(rit, "add-stop", "2", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02")
    return rit


def at_stops(rit: RitRunner, trip: str = "1") -> list[list[int]]:
    """The exchange ids at each of the trip's stops, in date order."""
    data = json.loads(quiet_ok(rit, "show-trip", trip, "--json"))
    return [[e["id"] for e in s["exchanges"]] for s in data["stops"]]


def test_an_exchange_entered_before_its_trip_joins_its_stop(entered_first: RitRunner) -> None:
    rit = entered_first
    assert at_stops(rit) == [[], [], []]
    out = quiet_ok(rit, "edit-exchange", "1", "--trip", JAPAN)
    assert out.splitlines() == [
        "updated visit #1 LSN → FBRI visit 2016-05-02: trip stop",
        f"at trip stop '{KOBE_STOP}'",
    ]
    # An online meeting joins the stop of its day; one meeting of a yearly plan is one
    # exchange and joins the stop of its own day.
    assert quiet_ok(rit, "edit-exchange", "Call", "--trip", "1").endswith(
        f"at trip stop '{JAPAN}: Shanghai 2016-05-04..2016-05-05'\n"
    )
    quiet_ok(rit, "edit-exchange", "3", "--trip", "japan 2016")
    assert at_stops(rit) == [[3], [1], [2]]
    assert "stop #2: 2016-05-02..2016-05-03 Kobe, JP (FBRI): #1 LSN → FBRI visit 2016-05-02" in (
        quiet_ok(rit, "show-trip", JAPAN)
    )
    shown = exchange(rit, "1")
    # The stop is in no calendar event: the sequence stays; the history has the change.
    assert (shown["stop"], shown["status"], shown["sequence"]) == (KOBE_STOP, "done", 1)
    assert history(rit, "1")[-1] == ("stop_id", None, "2")
    assert exchange(rit, "3")["sequence"] == 0
    # Joined, it is held to its stop as if it had been given --trip when it was created.
    refused(rit("reschedule", "Call", "--on", "2016-05-03"), "outside the trip stop Shanghai")
    # The same again changes nothing.
    assert quiet_ok(rit, "edit-exchange", "1", "--trip", "1") == (
        "visit #1 LSN → FBRI visit 2016-05-02 unchanged\n"
    )


def test_no_trip_takes_it_off_and_keeps_it(entered_first: RitRunner) -> None:
    rit = entered_first
    quiet_ok(rit, "edit-exchange", "Call", "--trip", "1")
    out = quiet_ok(rit, "edit-exchange", "Call", "--no-trip")
    assert out.splitlines() == [
        "updated meeting #2 Call: trip stop",
        f"no longer part of a trip (was at '{JAPAN}: Shanghai 2016-05-04..2016-05-05')",
    ]
    assert at_stops(rit) == [[], [], []]
    shown = exchange(rit, "Call")
    assert (shown["stop"], shown["online"], shown["day"], shown["sequence"]) == (
        None, True, "2016-05-04", 0,
    )  # fmt: skip
    assert history(rit, "2")[-2:] == [("stop_id", None, "3"), ("stop_id", "3", None)]
    assert quiet_ok(rit, "edit-exchange", "Call", "--no-trip") == "meeting #2 Call unchanged\n"
    # Off the trip it moves freely.
    quiet_ok(rit, "reschedule", "Call", "--on", "2016-05-10")


def test_attached_by_mistake_it_moves_to_another_trip(entered_first: RitRunner) -> None:
    rit = entered_first
    quiet_ok(rit, "edit-exchange", "1", "--trip", "Kobe again")
    assert (at_stops(rit), at_stops(rit, "2")) == ([[], [], []], [[1]])
    out = quiet_ok(rit, "edit-exchange", "1", "--trip", JAPAN)
    assert out.splitlines()[1] == f"at trip stop '{KOBE_STOP}'"
    assert (at_stops(rit), at_stops(rit, "2")) == ([[], [1], []], [[]])
    assert history(rit, "1")[-2:] == [("stop_id", None, "4"), ("stop_id", "4", "2")]


def test_with_other_options_the_stop_is_judged_after_the_edit(
    entered_first: RitRunner, dump: Callable[[], str]
) -> None:
    rit = entered_first
    quiet_ok(rit, "edit-exchange", "Call", "--trip", "1")
    before = dump()
    # At a stop, a meeting may not move to another city (as before) ...
    refused(
        rit("edit-exchange", "Call", "--place", "Osaka"),
        f"on 2016-05-04 trip '{JAPAN}' is in Shanghai (CN) 2016-05-04..2016-05-05, not in"
        " 'Osaka': a meeting belongs to a stop in its place or at one of its organisations",
    )
    refused(rit("edit-exchange", "Call", "--place", "Osaka", "--trip", "1"), "not in 'Osaka'")
    assert dump() == before
    # ... unless it leaves the trip in the same command,
    out = quiet_ok(rit, "edit-exchange", "Call", "--place", "Osaka", "--no-trip")
    # (Osaka is none of its organisations' cities: without a time, its zone is undecided.)
    assert out.splitlines()[0] == "updated meeting #2 Call: place, online, time zone, trip stop"
    assert exchange(rit, "Call")["sequence"] == 1  # the place is in the calendar event
    # and it joins in the same command as the place that takes it there.
    quiet_ok(rit, "edit-exchange", "Call", "--place", "shanghai", "--trip", "1")
    assert at_stops(rit) == [[], [], [2]]
    # A visit whose host changes is judged at the place that follows the new host.
    quiet_ok(rit, "edit-exchange", "1", "--no-trip")
    before = dump()
    refused(
        rit("edit-exchange", "1", "--to", "JETRO", "--trip", "1"),
        "is in Kobe (JP) at 'FBRI' 2016-05-02..2016-05-03, not in '': a visit belongs to a"
        " stop in its place or at its host ('JETRO')",
    )
    assert dump() == before
    out = quiet_ok(rit, "edit-exchange", "1", "--to", "JETRO", "--place", "Kobe", "--trip", "1")
    assert out.splitlines() == [
        "updated visit #1 LSN → JETRO visit 2016-05-02: title, host, trip stop",
        f"at trip stop '{KOBE_STOP}'",
    ]


@pytest.mark.parametrize(
    ("ref", "created_as"),
    [
        ("4", ["add-meeting", "Walk 2017", "--org", "LSN", "--org", "FBRI", "--on", "2017-05-01",
               "--place", "Tokyo"]),
        ("Walk 2016", ["add-meeting", "Walk", "--org", "LSN", "--org", "FBRI", "--on",
                       "2016-05-04", "--place", "Tokyo"]),
        ("5", ["schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-05-02"]),
        ("5", ["schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2016-05"]),
        ("5", ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-05-03",
               "--days", "2"]),
    ],
)  # fmt: skip
def test_what_trip_refuses_at_creation_is_refused_with_the_same_words(
    entered_first: RitRunner, dump: Callable[[], str], ref: str, created_as: list[str]
) -> None:
    rit = entered_first
    at_creation = rit(*created_as, "--trip", "1")
    assert at_creation.exit_code == 2
    if ref == "Walk 2016":
        quiet_ok(rit, "reschedule", "3", "--on", "2016-05-04")
    elif ref == "5":
        quiet_ok(rit, *created_as)
    before = dump()
    refused(rit("edit-exchange", ref, "--trip", "1"), at_creation.stderr.strip()[len("error: ") :])
    assert dump() == before


def test_no_database_is_created_by_an_edit(rit: RitRunner, db_path: Path) -> None:
    result = rit("edit-exchange", "1", "--title", "x")
    assert result.exit_code == 1 and "no database at" in result.stderr
    assert not db_path.exists()


# ------------------------------------------------------------------ the yearly limit

YEARLY = [
    (["add-meeting", "M", "--org", "LSN", "--org", "FBRI", "--on", "2016-06-01", "--yearly",
      "--until", "2199"],
     "--until '2199' needs 184 yearly meetings (2016–2199), more than the 50 one --yearly plan"
     " may hold: it can reach 2065 at most; give --until 2065 or earlier"),
    (["schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-10", "--yearly",
      "--until", "2066"],
     "--until '2066' needs 51 yearly visits (2016–2066), more than the 50 one --yearly plan"
     " may hold: it can reach 2065 at most; give --until 2065 or earlier"),
    (["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12", "--yearly",
      "--agreement", "Long"],
     "a plan to the end of agreement 'Long' (2199-12-31) needs 184 yearly visits (2016–2199),"
     " more than the 50 one --yearly plan may hold: it can reach 2065 at most"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), YEARLY)
def test_a_yearly_plan_beyond_the_limit_is_refused(
    rit: RitRunner, dump: Callable[[], str], args: list[str], message: str
) -> None:
    add_story_orgs(rit)
    quiet_ok(rit, "add-agreement", "Long", "--party", "LSN", "--party", "FBRI", "--signed",
             "2016-01-01", "--until", "2199")  # fmt: skip
    before = dump()
    refused(rit(*args), message)
    assert dump() == before


def test_a_yearly_plan_of_exactly_the_limit_is_made(rit: RitRunner) -> None:
    add_story_orgs(rit)
    out = quiet_ok(rit, "add-meeting", "M", "--org", "LSN", "--org", "FBRI", "--on",
                   "2016-02-29", "--yearly", "--until", "2065")  # fmt: skip
    lines = out.splitlines()
    assert lines[0] == "added 50 meetings, one a year:"
    assert lines[50].startswith("  #50 M 2065: scheduled 2065-02-28")


@pytest.mark.parametrize(
    ("fold", "utc"), [("0", "2016-10-30T00:30+00:00"), ("1", "2016-10-30T01:30+00:00")]
)
def test_fold_chooses_the_repeated_hour_when_new_parties_move_the_time(
    rit: RitRunner, dump, fold: str, utc: str
) -> None:
    """02:30 in Kobe moved to Hamburg on the night the clocks go back happens twice there:
    the refusal asks for --fold, which edit-exchange takes; --fold alone is refused."""
    add_story_orgs(rit)
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-30",
             "--at", "02:30")  # fmt: skip
    before = dump()
    refused(rit("edit-exchange", "1", "--from", "FBRI", "--to", "LSN"), "use --fold 0")
    refused(rit("edit-exchange", "1", "--fold", fold), "--fold goes with new parties")
    assert dump() == before
    quiet_ok(rit, "edit-exchange", "1", "--from", "FBRI", "--to", "LSN", "--fold", fold)
    moved = exchange(rit, "1")
    assert (moved["tz"], moved["at"], moved["starts_utc"]) == ("Europe/Berlin", "02:30", utc)


def test_a_timed_meeting_moved_where_none_of_its_organisations_is_says_its_zone_stays(
    story: RitRunner,
) -> None:
    """Review: edit-exchange --place Berlin on a 09:00 meeting in Kobe kept it at 09:00 JST
    without a word. rit cannot tell Osaka (JST) from Berlin: the zone stays, and it says so;
    --tz corrects it."""
    rit = story
    out = quiet_ok(rit, "edit-exchange", "2", "--place", "Berlin")
    assert out.splitlines() == [
        "updated meeting #2 Steering: place",
        "its time stays 09:00 in Asia/Tokyo: its organisations are in different time zones"
        " (Asia/Tokyo, Europe/Berlin) and none is in 'Berlin'; give --tz ZONE if that is wrong",
    ]
    out = quiet_ok(rit, "edit-exchange", "2", "--tz", "Europe/Berlin")
    assert out == "updated meeting #2 Steering: time zone\n"
    shown = exchange(rit, "2")
    assert (shown["place"], shown["tz"], shown["at"]) == ("Berlin", "Europe/Berlin", "09:00")
    assert shown["starts_utc"].startswith("2016-11-02T08:00")  # 09:00 CET
    assert shown["sequence"] == 2  # both changes show in a calendar
    # A zone given is kept as given when the place changes again.
    quiet_ok(rit, "edit-exchange", "2", "--place", "Hamburg")
    assert exchange(rit, "2")["tz"] == "Europe/Berlin"
    # --tz alone corrects the zone of a visit's time too; the same zone is unchanged.
    out = quiet_ok(rit, "edit-exchange", "1", "--tz", "Asia/Tokyo")
    assert out == "visit #1 LSN → FBRI visit 2016-10-12 unchanged\n"
    quiet_ok(rit, "edit-exchange", "1", "--tz", "Asia/Seoul")
    assert exchange(rit, "1")["tz"] == "Asia/Seoul"
    refused(rit("edit-exchange", "1", "--tz", "Mars/Olympus"), "Mars/Olympus")


def test_new_organisations_in_one_zone_move_the_time_there(story: RitRunner) -> None:
    rit = story
    quiet_ok(rit, "add-org", "Hamburg Invest", "--short", "HI", "--country", "DE")
    quiet_ok(rit, "add-meeting", "Jour fixe", "--org", "FBRI", "--org", "JETRO", "--on",
             "2016-11-10", "--at", "10:00")  # fmt: skip
    assert exchange(rit, "Jour fixe")["tz"] == "Asia/Tokyo"
    out = quiet_ok(rit, "edit-exchange", "Jour fixe", "--org", "LSN", "--org", "HI")
    assert out.splitlines() == ["updated meeting #4 Jour fixe: organisations, time zone"]
    assert exchange(rit, "Jour fixe")["tz"] == "Europe/Berlin"


def test_the_same_place_again_says_nothing_about_the_zone(story: RitRunner) -> None:
    """QA: --place Osaka --no-trip repeated the zone notice though the place stayed."""
    rit = story
    first = quiet_ok(rit, "edit-exchange", "2", "--place", "Osaka")
    assert "its time stays 09:00 in Asia/Tokyo" in first
    again = quiet_ok(rit, "edit-exchange", "2", "--place", "Osaka", "--note", "n")
    assert again == "updated meeting #2 Steering: note\n"


def test_a_meeting_s_undecided_zone_is_decided_by_a_new_place_or_organisations(
    story: RitRunner,
) -> None:
    """Review: edit-exchange never gave a zone to a meeting whose zone add-meeting had left
    undecided, and an untimed meeting moved away from Kobe kept Kobe's zone silently."""
    rit = story
    quiet_ok(rit, "add-meeting", "B", "--org", "LSN", "--org", "FBRI", "--window", "2016-12",
             "--place", "Singapore")  # fmt: skip
    assert exchange(rit, "B")["tz"] is None
    quiet_ok(rit, "edit-exchange", "B", "--place", "Kobe")
    assert exchange(rit, "B")["tz"] == "Asia/Tokyo"  # FBRI's city
    quiet_ok(rit, "edit-exchange", "B", "--place", "Singapore")
    assert exchange(rit, "B")["tz"] is None  # undecided again: no time keeps Kobe's zone
    refused(rit("fix-date", "B", "--on", "2016-12-05", "--at", "10:00"), "no time zone yet")
    # Organisations sharing one zone decide it.
    quiet_ok(rit, "add-org", "Hamburg Invest", "--short", "HI", "--country", "DE")
    quiet_ok(rit, "edit-exchange", "B", "--org", "LSN", "--org", "HI", "--no-agreement")
    assert exchange(rit, "B")["tz"] == "Europe/Berlin"
