"""`rit cancel --undo` and `rit done --undo` through the CLI: a mistaken cancel or done
(a mistyped id) is taken back, the exchange is open again everywhere, and the history
keeps both steps."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, quiet_ok, quiet_visit, refused


def exchange(rit: RitRunner, ref: str, today: str | None = None) -> dict[str, Any]:
    return json.loads(quiet_ok(rit, "show-exchange", ref, "--json", today=today))


def status_rows(rit: RitRunner, ref: str) -> list[tuple[str | None, str | None, str | None]]:
    """(field, old, new) of the exchange's update rows about its status and what closing
    it records."""
    rows = json.loads(quiet_ok(rit, "history", ref, "--kind", "exchange", "--json"))
    return [
        (r["field"], r["old"], r["new"])
        for r in rows
        if r["action"] == "update" and r["field"] in ("status", "outcome", "cancel_reason")
    ]


def compliance_2016(rit: RitRunner, today: str) -> tuple[int, int, str]:
    """(held, planned, verdict) of the LoI in 2016, as show-agreement --json gives them."""
    data = json.loads(quiet_ok(rit, "show-agreement", "LoI", "--json", today=today))
    year = next(c for c in data["compliance"] if c["year"] == 2016)
    return year["held"], year["planned"], year["verdict"]


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """#1 LSN → FBRI on 2016-09-20 at 10:00 (Kobe), #2 FBRI → LSN on 2016-10-20."""
    add_story_orgs(rit)
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-09-20", "--at", "10:00")
    quiet_visit(rit, "FBRI", "LSN", "--on", "2016-10-20")
    return rit


# ------------------------------------------------------------------ cancel --undo


def test_a_cancel_meant_for_another_exchange_is_taken_back(story: RitRunner) -> None:
    """The QA story: `cancel 1` meant #2. After --undo #1 is scheduled on its day again, can
    be moved and done, and its history keeps the cancel and its taking back."""
    rit = story
    quiet_ok(rit, "cancel", "1", "--reason", "typo: meant #2")
    before = exchange(rit, "1")
    out = quiet_ok(rit, "cancel", "1", "--undo")
    assert out == (
        "took back the cancel of visit #1 LSN → FBRI visit 2016-09-20: scheduled 2016-09-20"
        " 10:00 JST (03:00 CEST in Europe/Berlin)\n"
    )
    after = exchange(rit, "1")
    assert (after["status"], after["cancel_reason"]) == ("scheduled", None)
    assert (after["day"], after["at"], after["tz"]) == ("2016-09-20", "10:00", "Asia/Tokyo")
    assert after["sequence"] == before["sequence"] + 1
    assert status_rows(rit, "1") == [
        ("status", "scheduled", "cancelled"),
        ("cancel_reason", None, "typo: meant #2"),
        ("status", "cancelled", "scheduled"),
        ("cancel_reason", "typo: meant #2", None),
    ]
    quiet_ok(rit, "cancel", "2", "--reason", "moved to spring")
    assert exchange(rit, "2")["status"] == "cancelled"
    # Open again: what a cancelled exchange refuses works.
    quiet_ok(rit, "reschedule", "1", "--on", "2016-09-21")
    assert exchange(rit, "1")["day"] == "2016-09-21"


def test_a_cancelled_window_goes_back_to_planned_with_its_window(story: RitRunner) -> None:
    rit = story
    quiet_visit(rit, "LSN", "FBRI", "--window", "2016-Q4", "--decide-by", "2016-09-30")
    quiet_ok(rit, "narrow", "3", "--window", "2016-11")
    quiet_ok(rit, "cancel", "3")
    assert "took back the cancel of visit #3" in quiet_ok(rit, "cancel", "3", "--undo")
    ex = exchange(rit, "3")
    assert (ex["status"], ex["day"], ex["window"], ex["decide_by"]) == (
        "planned",
        None,
        {"start": "2016-11-01", "end": "2016-11-30"},
        "2016-09-30",
    )
    # Planned again: its day can be fixed.
    quiet_ok(rit, "fix-date", "3", "--on", "2016-11-10")
    assert exchange(rit, "3")["status"] == "scheduled"


def test_the_last_cancel_is_taken_back_to_the_status_it_had_then(story: RitRunner) -> None:
    """Planned, cancelled, taken back, fixed, cancelled again: --undo goes back to
    scheduled, the status before the last cancel, not the first."""
    rit = story
    quiet_visit(rit, "LSN", "FBRI", "--window", "2016-11")
    quiet_ok(rit, "cancel", "3")
    quiet_ok(rit, "cancel", "3", "--undo")
    assert exchange(rit, "3")["status"] == "planned"
    quiet_ok(rit, "fix-date", "3", "--on", "2016-11-10")
    quiet_ok(rit, "cancel", "3", "--reason", "again")
    quiet_ok(rit, "cancel", "3", "--undo")
    ex = exchange(rit, "3")
    assert (ex["status"], ex["day"], ex["cancel_reason"]) == ("scheduled", "2016-11-10", None)


def test_show_exchange_says_which_date_step_took_a_cancel_or_done_back(story: RitRunner) -> None:
    rit = story
    quiet_ok(rit, "cancel", "1")
    quiet_ok(rit, "cancel", "1", "--undo")
    quiet_ok(rit, "done", "1", today="2016-09-21")
    quiet_ok(rit, "done", "1", "--undo", today="2016-09-21")
    shown = quiet_ok(rit, "show-exchange", "1")
    assert (
        "date #0: scheduled 2016-09-20 10:00 JST (Asia/Tokyo)\n"
        "date #1: cancelled 2016-09-20 10:00 JST (Asia/Tokyo)\n"
        "date #2: scheduled 2016-09-20 10:00 JST (Asia/Tokyo); cancel taken back\n"
        "date #3: done 2016-09-20 10:00 JST (Asia/Tokyo)\n"
        "date #4: scheduled 2016-09-20 10:00 JST (Asia/Tokyo); done taken back\n"
    ) in shown
    steps = exchange(rit, "1")["date_history"]
    assert [(s["sequence"], s["status"], s["taken_back"]) for s in steps] == [
        (0, "scheduled", None),
        (1, "cancelled", None),
        (2, "scheduled", "cancelled"),
        (3, "done", None),
        (4, "scheduled", "done"),
    ]


def test_undo_acts_on_the_one_exchange_of_a_yearly_plan(story: RitRunner) -> None:
    rit = story
    quiet_visit(rit, "LSN", "FBRI", "--window", "2017-05", "--yearly", "--until", "2019")
    plan = [3, 4, 5]
    for number in plan:
        quiet_ok(rit, "cancel", str(number), "--reason", "plan dropped")
    quiet_ok(rit, "cancel", "4", "--undo")
    statuses = [(m["id"], m["status"]) for m in exchange(rit, "4")["series_members"]]
    assert statuses == [(3, "cancelled"), (4, "planned"), (5, "cancelled")]
    assert exchange(rit, "3")["cancel_reason"] == "plan dropped"


def test_a_calendar_shows_the_event_again_after_the_cancel_is_taken_back(
    story: RitRunner,
) -> None:
    """export ics writes a cancelled exchange as STATUS:CANCELLED; taken back, the same
    event (same UID) comes back with a higher SEQUENCE, so a subscriber takes it."""
    rit = story

    def event() -> Any:
        calendar = Calendar.from_ical(ok(rit, "export", "ics").encode())
        return next(e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("LSN"))

    first = event()
    quiet_ok(rit, "cancel", "1")
    cancelled = event()
    quiet_ok(rit, "cancel", "1", "--undo")
    back = event()
    assert [str(e["status"]) for e in (first, cancelled, back)] == [
        "CONFIRMED",
        "CANCELLED",
        "CONFIRMED",
    ]
    assert str(back["uid"]) == str(first["uid"])
    assert int(first["sequence"]) < int(cancelled["sequence"]) < int(back["sequence"])


# ------------------------------------------------------------------ done --undo


@pytest.fixture
def held(rit: RitRunner) -> RitRunner:
    """The LoI (one visit a year) and #1, its visit on 2016-09-20, done on 2016-09-21 by
    mistake (meant the visit of another agreement), with an outcome."""
    add_story_orgs(rit)
    quiet_ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-05-02", "--until", "2017", "--visits-per-year", "1")  # fmt: skip
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-09-20", "--at", "10:00")
    quiet_ok(rit, "done", "1", "--outcome", "Three companies agreed", today="2016-09-21")
    return rit


def test_a_mistaken_done_is_taken_back_and_counts_as_planned_again(held: RitRunner) -> None:
    rit = held
    today = "2016-09-21"
    assert compliance_2016(rit, today) == (1, 0, "met")
    before = exchange(rit, "1", today)
    out = quiet_ok(rit, "done", "1", "--undo", today=today)
    assert out.startswith("took back the done of visit #1 LSN → FBRI visit 2016-09-20: scheduled")
    ex = exchange(rit, "1", today)
    assert (ex["status"], ex["outcome"], ex["agreement"]) == ("scheduled", None, "LoI")
    assert ex["sequence"] == before["sequence"] + 1
    # Open again, and its day has passed: overdue, neither held nor still to come; as of
    # a day before it, it counts as planned.
    assert compliance_2016(rit, today) == (0, 0, "at-risk")
    assert compliance_2016(rit, "2016-09-19") == (0, 1, "on-track")
    assert status_rows(rit, "1") == [
        ("status", "scheduled", "done"),
        ("outcome", None, "Three companies agreed"),
        ("status", "done", "scheduled"),
        ("outcome", "Three companies agreed", None),
    ]
    # Open again: it can be moved, or done again with the right outcome.
    quiet_ok(rit, "reschedule", "1", "--at", "11:00", today=today)
    quiet_ok(rit, "done", "1", "--outcome", "Two companies agreed", today=today)
    assert exchange(rit, "1", today)["outcome"] == "Two companies agreed"


def test_an_outcome_added_after_done_goes_with_it(held: RitRunner) -> None:
    """edit-exchange --outcome takes an outcome only once done: an open exchange has none."""
    rit = held
    quiet_ok(rit, "edit-exchange", "1", "--outcome", "Corrected outcome")
    quiet_ok(rit, "done", "1", "--undo", today="2016-09-21")
    assert exchange(rit, "1")["outcome"] is None


def test_after_done_undo_remind_report_and_agenda_show_it_open(held: RitRunner) -> None:
    rit = held
    today = "2016-09-21"

    def overdue() -> list[str]:
        items = json.loads(ok(rit, "remind", "--json", today=today) or "[]")
        return [r["message"] for r in items if r["kind"] == "overdue"]

    def agenda(status: str) -> list[int]:
        span = ("--from", "2016-09-01", "--to", "2016-09-30")
        rows = json.loads(quiet_ok(rit, "agenda", *span, "--status", status, "--json", today=today))
        return [r["id"] for r in rows]

    def held_in_2016() -> list[int]:
        data = json.loads(quiet_ok(rit, "report", "--year", "2016", "--json", today=today))
        return [e["id"] for e in data["held"]]

    def report_overdue() -> list[str]:
        data = json.loads(quiet_ok(rit, "report", "--json", today=today))
        return [r["message"] for r in data["reminders"] if r["kind"] == "overdue"]

    assert (overdue(), agenda("done"), agenda("scheduled")) == ([], [1], [])
    assert (held_in_2016(), report_overdue()) == ([1], [])
    quiet_ok(rit, "done", "1", "--undo", today=today)
    assert overdue() == ["was on 2016-09-20 (yesterday); mark it done or cancel it"]
    assert report_overdue() == overdue()
    assert (agenda("done"), agenda("scheduled"), held_in_2016()) == ([], [1], [])
    shown = quiet_ok(rit, "show-exchange", "1", today=today)
    assert "\nstatus: scheduled\n" in shown and "outcome" not in shown


def test_after_cancel_undo_remind_counts_the_visit_again(held: RitRunner) -> None:
    """A visit cancelled by mistake leaves the agreement at risk; taken back, it is planned
    for the year again and remind is silent about the agreement."""
    rit = held
    quiet_ok(rit, "done", "1", "--undo", today="2016-09-21")
    quiet_ok(rit, "reschedule", "1", "--on", "2016-10-20", today="2016-09-21")
    today = "2016-10-01"

    def at_risk() -> list[str]:
        items = json.loads(ok(rit, "remind", "--json", today=today) or "[]")
        return [r["record"] for r in items if r["kind"] == "at-risk"]

    quiet_ok(rit, "cancel", "1", today=today)
    assert compliance_2016(rit, today)[:2] == (0, 0) and at_risk() == ["agreement"]
    quiet_ok(rit, "cancel", "1", "--undo", today=today)
    assert compliance_2016(rit, today) == (0, 1, "on-track") and at_risk() == []


# ------------------------------------------------------------------ refusals


def test_undo_refusals_are_one_line_and_change_nothing(
    story: RitRunner, dump, db_path: Path
) -> None:
    rit = story
    quiet_ok(rit, "cancel", "2", "--reason", "moved")
    before, raw = dump(), db_path.read_bytes()
    for args, message in (
        (["cancel", "1", "--undo"], "exchange #1 'LSN → FBRI visit 2016-09-20' is scheduled,"
         " not cancelled: nothing to take back"),
        (["done", "1", "--undo"], "is scheduled, not done: nothing to take back"),
        (["done", "2", "--undo"], "is cancelled, not done: nothing to take back"
         " (rit cancel '#2' --undo takes back that)"),
        (["cancel", "2", "--undo", "--reason", "x"],
         "--undo takes back the last cancel: give it without --reason"),
        (["cancel", "2", "--undo", "--reason", ""], "give it without --reason"),
        (["done", "1", "--undo", "--outcome", "x"],
         "--undo takes back the last done: give it without --outcome"),
        (["cancel", "nothing", "--undo"], "no exchange 'nothing'"),
        (["done", "nothing", "--undo"], "no exchange 'nothing'"),
    ):  # fmt: skip
        refused(rit(*args), message)
        assert dump() == before
        assert db_path.read_bytes() == raw
    quiet_ok(rit, "cancel", "2", "--undo")
    refused(rit("cancel", "2", "--undo"), "is scheduled, not cancelled")


def test_undo_without_a_database_creates_none(rit: RitRunner, db_path: Path) -> None:
    """As edit-exchange: a mistyped --db is an error (exit 1, as for every command that
    needs an existing database), not a new empty database."""
    for command in ("cancel", "done"):
        result = rit(command, "1", "--undo")
        assert result.exit_code == 1 and result.stderr.startswith("error: no database at ")
        assert len(result.stderr.splitlines()) == 1
    assert not db_path.exists()


def test_a_closed_exchange_that_cannot_be_moved_or_closed_names_the_undo(
    story: RitRunner, dump
) -> None:
    """QA: a meeting marked done that was in fact called off (`cancel` refused), or a done
    visit whose day was wrong (`reschedule` refused), said only that it cannot be; the way
    on is to take the step back first, and the refusal says how."""
    rit = story
    quiet_ok(rit, "done", "1", today="2016-09-21")
    quiet_ok(rit, "cancel", "2", "--reason", "moved")
    before = dump()
    for args, message in (
        (["cancel", "1"], "exchange #1 'LSN → FBRI visit 2016-09-20' is done: it cannot be"
         " cancelled (rit done '#1' --undo takes back the done first)"),
        (["reschedule", "1", "--on", "2016-09-19"], "is done: it cannot be rescheduled"
         " (rit done '#1' --undo takes back the done first)"),
        (["done", "2"], "is cancelled: it cannot be marked done"
         " (rit cancel '#2' --undo takes back the cancel first)"),
        (["fix-date", "2", "--on", "2016-10-21"], "(rit cancel '#2' --undo takes back the cancel"),
        (["narrow", "2", "--window", "2016-10"], "(rit cancel '#2' --undo takes back the cancel"),
    ):  # fmt: skip
        refused(rit(*args, env={"RIT_TODAY": "2016-09-21"}), message)
        assert dump() == before


def test_the_undo_named_works_as_typed_when_an_exchange_is_titled_by_a_number(
    story: RitRunner,
) -> None:
    """The refusal names the exchange as '#ID': a bare 1 is ambiguous (refused) when
    another exchange is titled 1, so the command it showed failed as typed."""
    rit = story
    quiet_ok(rit, "done", "1", today="2016-09-21")
    quiet_ok(rit, "edit-exchange", "2", "--title", "1")
    said = rit("cancel", "#1", env={"RIT_TODAY": "2016-09-21"}).stderr
    hint = said[said.index("(rit ") + 1 : said.index(" takes back")]
    assert hint == "rit done '#1' --undo"
    refused(rit("done", "1", "--undo"), "ambiguous")
    assert quiet_ok(rit, *shlex.split(hint)[1:]).startswith("took back the done of visit #1 ")
    status = json.loads(ok(rit, "show-exchange", "#1", "--json"))["status"]
    assert status == "scheduled"
