"""`rit remind` through the CLI: silent when nothing is due, each kind exactly when due."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, quiet_ok, schedule_visit


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    add_story_orgs(rit)
    return rit


def schedule(rit: RitRunner, *args: str) -> None:
    result = rit("schedule-visit", "--from", "LSN", "--to", "FBRI", *args)
    assert result.exit_code == 0, result.output


def kinds(rit: RitRunner, *args: str, today: str) -> list[tuple[str, str]]:
    result = rit("remind", "--json", *args, env={"RIT_TODAY": today})
    assert result.exit_code == 0, result.output
    return [(item["kind"], item["date"]) for item in json.loads(result.stdout or "[]")]


def test_nothing_due_prints_nothing(story: RitRunner) -> None:
    schedule(story, "--on", "2016-12-01")
    for args in ([], ["--new"]):
        result = story("remind", *args, env={"RIT_TODAY": "2016-08-25"})
        assert result.exit_code == 0
        assert result.stdout == "" and result.stderr == ""
    result = story("remind", "--json", env={"RIT_TODAY": "2016-08-25"})
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_each_kind_appears_exactly_when_due(story: RitRunner) -> None:
    schedule(story, "--on", "2016-09-05", "--at", "10:00")
    assert kinds(story, today="2016-08-21") == []  # 15 days ahead: beyond 14
    assert kinds(story, today="2016-08-22") == [("upcoming", "2016-09-05")]
    assert kinds(story, today="2016-09-05") == [("upcoming", "2016-09-05")]
    assert kinds(story, today="2016-09-06") == [("overdue", "2016-09-05")]
    assert (
        story(
            "done", "1", "--outcome", "signed MoU draft", env={"RIT_TODAY": "2016-09-06"}
        ).exit_code
        == 0
    )
    assert kinds(story, today="2016-09-06") == []


def test_windows_and_decide_by(story: RitRunner) -> None:
    schedule(story, "--window", "2016-10", "--decide-by", "2016-08-31")
    assert kinds(story, today="2016-08-16") == []
    assert kinds(story, today="2016-08-17") == [("decide-by", "2016-08-31")]
    assert kinds(story, today="2016-09-01") == [("decide-overdue", "2016-08-31")]
    assert kinds(story, today="2016-11-01") == [("window-closed", "2016-10-31")]
    schedule(story, "--window", "2017-03")
    assert kinds(story, today="2017-02-20") == [
        ("window-closed", "2016-10-31"),
        ("window-opens", "2017-03-01"),
    ]
    assert kinds(story, "--within", "3d", today="2017-02-20") == [("window-closed", "2016-10-31")]


def test_a_fixed_stay_of_a_whole_month_reads_as_its_days_as_in_the_agenda(
    story: RitRunner,
) -> None:
    schedule(story, "--on", "2016-09-01", "--days", "30")
    agenda = story("agenda")
    assert "2016-09-01..2016-09-30" in agenda.stdout
    for today, said in (
        ("2016-08-25", "on 2016-09-01..2016-09-30, in 7 days"),
        ("2016-10-02", "was on 2016-09-01..2016-09-30 (ended 2 days ago)"),
    ):
        result = story("remind", env={"RIT_TODAY": today})
        assert result.exit_code == 0, result.output
        assert said in result.stdout, result.stdout
        assert (
            "2016-09-01"
            in json.loads(story("remind", "--json", env={"RIT_TODAY": today}).stdout)[0]["message"]
        )


def test_piped_lines_are_plain_sorted_and_greppable(story: RitRunner) -> None:
    schedule(story, "--on", "2016-09-05", "--at", "10:00")
    schedule(story, "--window", "2016-10", "--decide-by", "2016-08-31")
    result = story("remind", env={"RIT_TODAY": "2016-08-25"})
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2016-08-31\tdecide-by\texchange #2\t")
    assert lines[1].startswith("2016-09-05\tupcoming\texchange #1\t")
    assert "at 10:00 JST (03:00 CEST), in 11 days" in lines[1]
    assert "\x1b" not in result.stdout


def test_a_day_s_exchanges_are_in_the_order_of_their_times_as_in_the_agenda(
    story: RitRunner,
) -> None:
    """QA: remind listed one day's calls by id, so a 09:00 call in Hamburg came before a
    09:00 call in Kobe seven hours earlier; the agenda has them in time order."""
    meeting = ("add-meeting", "--org", "LSN", "--org", "FBRI", "--on", "2016-09-05", "--online")
    for title, extra in (
        ("Hamburg call", ("--at", "09:00", "--tz", "Europe/Berlin")),  # 07:00 UTC
        ("All day", ()),
        ("Kobe call", ("--at", "09:00", "--tz", "Asia/Tokyo")),  # 00:00 UTC
    ):
        assert story(*meeting, title, *extra).exit_code == 0
    expected = ["All day", "Kobe call", "Hamburg call"]
    agenda = story("agenda", "--from", "2016-09-05", "--to", "2016-09-05").stdout
    assert [line.split("\t")[6] for line in agenda.splitlines()] == expected
    reminded = story("remind", env={"RIT_TODAY": "2016-09-04"}).stdout
    assert [line.split("\t")[3] for line in reminded.splitlines()] == expected


def test_terminal_view_is_grouped(story: RitRunner) -> None:
    schedule(story, "--on", "2016-08-20")
    schedule(story, "--on", "2016-09-05")
    result = story("remind", env={"RIT_TODAY": "2016-08-25", "TTY_COMPATIBLE": "1"})
    assert "Overdue (1)" in result.stdout
    assert "Coming up (1)" in result.stdout


def test_json_keys_are_stable(story: RitRunner) -> None:
    schedule(story, "--on", "2016-09-05", "--at", "10:00")
    item = json.loads(story("remind", "--json", env={"RIT_TODAY": "2016-08-25"}).stdout)[0]
    assert list(item) == [
        "kind",
        "date",
        "days_left",
        "record",
        "id",
        "uuid",
        "title",
        "start",
        "end",
        "local_time",
        "user_time",
        "message",
    ]
    assert item["days_left"] == 11
    assert item["local_time"] == "10:00 JST"
    assert item["user_time"] == "03:00 CEST"


def test_new_is_silent_on_second_run_and_loud_after_a_move(story: RitRunner) -> None:
    schedule(story, "--on", "2016-09-05")
    env = {"RIT_TODAY": "2016-08-25"}
    first = story("remind", "--new", env=env)
    assert first.stdout.count("\n") == 1
    assert story("remind", "--new", env=env).stdout == ""
    assert story("remind", env=env).stdout == first.stdout  # without --new: all again
    assert story("reschedule", "1", "--on", "2016-09-06").exit_code == 0
    again = story("remind", "--new", env=env)
    assert "2016-09-06" in again.stdout
    assert story("remind", "--new", env=env).stdout == ""


def test_new_does_not_repeat_a_visit_while_it_is_under_way(story: RitRunner) -> None:
    schedule(story, "--on", "2016-09-01", "--days", "5")
    shown = [
        story("remind", "--new", env={"RIT_TODAY": day}).stdout
        for day in ("2016-08-25", "2016-09-01", "2016-09-02", "2016-09-05")
    ]
    assert shown[0].count("\n") == 1 and shown[1:] == ["", "", ""]


def test_new_runs_with_different_horizons_do_not_repeat_each_other(story: RitRunner) -> None:
    """A monthly cron job and the prompt's two weeks: an item the first showed is not shown
    again by it after the second ran without it."""
    schedule(story, "--on", "2016-09-15")  # 21 days ahead
    env = {"RIT_TODAY": "2016-08-25"}
    assert story("remind", "--new", "--within", "30d", env=env).stdout.count("\n") == 1
    assert story("remind", "--new", env=env).stdout == ""  # beyond 14 days
    assert story("remind", "--new", "--within", "30d", env=env).stdout == ""


def test_new_shows_an_agreement_again_when_it_is_back_at_risk(story: RitRunner) -> None:
    """Resolved (a visit planned), then at risk again (the visit cancelled): new again."""
    env = {"RIT_TODAY": "2016-08-25"}
    added = story(
        "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed", "2016-01-01",
        "--until", "2017", "--visits-per-year", "1", env=env,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "at-risk" in story("remind", "--new", env=env).stdout
    assert story("remind", "--new", env=env).stdout == ""
    schedule(story, "--on", "2016-10-01")
    assert "at-risk" not in story("remind", "--new", env=env).stdout
    assert story("cancel", "1", "--reason", "host unavailable", env=env).exit_code == 0
    assert "at-risk" in story("remind", "--new", env=env).stdout
    assert story("remind", "--new", env=env).stdout == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.skipif(not Path(sys.executable).with_name("rit").exists(), reason="rit not installed")
def test_new_remembers_nothing_when_its_output_cannot_be_written(tmp_path: Path) -> None:
    """A full disk or a reader that went away: the items were not seen, so the next run
    shows them (the remembering is rolled back with the failed output)."""
    rit = str(Path(sys.executable).with_name("rit"))
    database = str(tmp_path / "rit.db")
    env = {**os.environ, "RIT_TODAY": "2016-08-25", "RIT_DB": database}
    env.pop("RIT_DEBUG", None)
    for args in (
        ["add-org", "LSN", "--country", "DE"],
        ["add-org", "FBRI", "--country", "JP"],
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-09-01"],
    ):
        subprocess.run([rit, *args], env=env, check=True, capture_output=True)
    with open("/dev/full", "w") as full:
        failed = subprocess.run(
            [rit, "remind", "--new"], env=env, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: ") and len(failed.stderr.splitlines()) == 1
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before rit writes: EPIPE (or SIGPIPE)
    try:
        gone = subprocess.run([rit, "remind", "--new"], env=env, stdout=write_end)
    finally:
        os.close(write_end)
    assert gone.returncode in (1, -13)  # click's exit status for EPIPE, or SIGPIPE
    shown = subprocess.run(
        [rit, "remind", "--new"], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.startswith("2016-09-01\tupcoming\texchange #1\t")
    again = subprocess.run(
        [rit, "remind", "--new"], env=env, capture_output=True, text=True, check=True
    )
    assert again.stdout == ""


@pytest.mark.parametrize(
    "args",
    [["--within", "0d"], ["--within", "soon"], ["--expiry-within", "-3d"], ["--tz", "Mars/Base"]],
)
def test_bad_options_are_refused(story: RitRunner, dump, args: list[str]) -> None:
    before = dump()
    result = story("remind", *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert dump() == before


RIT = Path(sys.executable).with_name("rit")


@pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
def test_crontab_line_works_in_crons_minimal_environment(tmp_path: Path) -> None:
    """The README's crontab command, run as cron runs it: env -i, a bare PATH, no profile."""
    database = tmp_path / "rit.db"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RIT_TODAY": "2016-08-25"}
    setup = [
        ["add-org", "Life Science Nord", "--short", "LSN", "--country", "DE"],
        ["add-org", "FBRI", "--country", "JP"],
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-01"],
    ]
    for args in setup:
        subprocess.run(
            [str(RIT), "--db", str(database), *args], env=env, check=True, capture_output=True
        )
    # The line as the README documents it, with this venv's absolute path.
    command = f"{shlex.quote(str(RIT))} --db {shlex.quote(str(database))} remind --new"
    cron = [
        "env",
        "-i",
        "PATH=/usr/bin:/bin",
        f"HOME={tmp_path}",
        "SHELL=/bin/sh",
        "RIT_TODAY=2016-08-25",
        "/bin/sh",
        "-c",
        command,
    ]
    quiet = subprocess.run(cron, capture_output=True, text=True, timeout=60)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    cron_due = [*cron[:5], "RIT_TODAY=2016-11-25", *cron[6:]]
    loud = subprocess.run(cron_due, capture_output=True, text=True, timeout=60)
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.startswith("2016-12-01\tupcoming\texchange #1\t")
    assert subprocess.run(cron_due, capture_output=True, text=True, timeout=60).stdout == ""
    assert os.stat(database).st_mode & 0o777 == 0o600


def test_an_agreement_coming_into_force_later_this_year_is_at_risk_as_report_says(
    story: RitRunner,
) -> None:
    # Signed, in force from 15 June: 2020 owes one visit (more than half the year).
    add = story(
        "add-agreement", "MoU", "--kind", "mou", "--party", "LSN", "--party", "FBRI",
        "--signed", "2020-05-20", "--from", "2020-06-15", "--until", "2023-06-14",
        "--visits-per-year", "1",
    )  # fmt: skip
    assert add.exit_code == 0, add.output
    env = {"RIT_TODAY": "2020-06-01"}
    assert kinds(story, today="2020-06-01") == [("at-risk", "2020-12-31")]
    line = story("remind", env=env).stdout
    assert "1 more to schedule, 213 days left (in force from 2020-06-15)" in line
    report = json.loads(story("report", "--format", "json", env=env).stdout)
    assert [a["compliance"]["verdict"] for a in report["agreements"]] == ["at-risk"]
    assert [r["kind"] for r in report["reminders"]] == ["at-risk"]
    # In force from 1 September: under half of 2020, nothing owed, nothing to remind.
    edit = story("edit-agreement", "MoU", "--from", "2020-09-01", env=env)
    assert edit.exit_code == 0, edit.output
    assert kinds(story, today="2020-06-01") == []
    # A visit scheduled in its first days puts it on track.
    story("edit-agreement", "MoU", "--from", "2020-06-15", env=env)
    schedule(story, "--on", "2020-07-01")
    assert kinds(story, today="2020-06-01") == []


def test_an_agreement_at_risk_on_the_years_last_days_counts_them_in_words(
    story: RitRunner,
) -> None:
    """QA: on 30 December remind and report said '1 more to schedule, 1 days left'."""
    add = story(
        "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
        "--signed", "2016-05-02", "--until", "2017-12-31", "--visits-per-year", "1",
    )  # fmt: skip
    assert add.exit_code == 0, add.output
    for today, left in (("2016-12-29", "2 days left"), ("2016-12-30", "1 day left")):
        env = {"RIT_TODAY": today}
        assert f"1 more to schedule, {left}" in story("remind", env=env).stdout
        assert f"1 more to schedule, {left}" in story("report", env=env).stdout


def test_a_draft_ending_soon_is_not_expiring_until_it_is_signed(story: RitRunner) -> None:
    """QA: an agreement to be signed on 15 October was 'expiring' on 1 September."""
    add = story(
        "add-agreement", "MoU draft", "--party", "LSN", "--party", "FBRI",
        "--signed", "2016-10-15", "--until", "2016-11-30",
    )  # fmt: skip
    assert add.exit_code == 0, add.output
    assert kinds(story, today="2016-09-01") == []
    assert kinds(story, today="2016-10-15") == [("expiring", "2016-11-30")]


def test_today_and_tomorrow_are_the_users_days_for_a_time_in_another_zone(
    story: RitRunner,
) -> None:
    """07:00 in Kobe on 1 December is 23:00 on 30 November in Hamburg: that evening is
    'today' for the Hamburg cron mail of the 30th, not 'tomorrow'; and an 18:00 call in
    Hamburg is 02:00 the next day in Kobe: 'tomorrow' there."""
    schedule(story, "--on", "2016-12-01", "--at", "07:00")
    berlin = {"RIT_TODAY": "2016-11-30", "RIT_TZ": "Europe/Berlin"}
    said = story("remind", env=berlin).stdout
    assert "at 07:00 JST (2016-11-30 23:00 CET), today" in said, said
    # Its date and days_left say the same as its message (they followed Kobe's day).
    (item,) = json.loads(story("remind", "--json", env=berlin).stdout)
    assert (item["date"], item["days_left"]) == ("2016-11-30", 0)
    said = story("remind", env={**berlin, "RIT_TODAY": "2016-11-29"}).stdout
    assert "(2016-11-30 23:00 CET), tomorrow" in said, said
    said = story("remind", env={**berlin, "RIT_TODAY": "2016-12-01"}).stdout
    # Begun the evening before in Hamburg: under way, not upcoming 'yesterday' (review: a
    # visit of three days said so on its first day).
    assert "under way (2016-12-01) at 07:00 JST (2016-11-30 23:00 CET)" in said, said
    assert story("remind", env={**berlin, "RIT_TZ": "Asia/Tokyo"}).stdout.endswith(
        "on 2016-12-01 at 07:00 JST, tomorrow\n"
    )  # in Kobe's own zone: the day at the place
    added = story(
        "add-meeting", "Evening call", "--org", "LSN", "--org", "FBRI", "--online",
        "--on", "2016-11-21", "--at", "18:00", "--tz", "Europe/Berlin",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    kobe = {"RIT_TODAY": "2016-11-21", "RIT_TZ": "Asia/Tokyo"}
    said = story("remind", env=kobe).stdout
    assert "at 18:00 CET (2016-11-22 02:00 JST), tomorrow" in said, said
    # A visit of three days, on its first day there, begun the evening before here.
    schedule(story, "--on", "2016-12-05", "--days", "3", "--at", "07:00", "--title", "Week")
    said = story("remind", env={**berlin, "RIT_TODAY": "2016-12-05"}).stdout
    assert "Week\tunder way (2016-12-05..2016-12-07) at 07:00 JST (2016-12-04 23:00 CET)\n" in (
        said
    ), said


def items(rit: RitRunner, *args: str, env: dict[str, str | None]) -> list[tuple[int, str, int]]:
    """Each reminder's exchange, date and days_left, from --json."""
    found = json.loads(quiet_ok(rit, "remind", "--json", *args, env=env) or "[]")
    return [(item["id"], item["date"], item["days_left"]) for item in found]


def test_the_horizon_is_reached_in_the_users_days_as_the_items_are_dated(
    story: RitRunner,
) -> None:
    """QA: --within counted the place's days while the item was dated in the user's.
    07:00 in Kobe on 1 December is 23:00 on 30 November in Hamburg, as is 23:00 in
    Hamburg that day: for a Hamburg user both are in 14 days, the default horizon, and
    the first was left out; for a Kobe user both are in 15 days, and the second was shown
    ('in 15 days', days_left 15)."""
    schedule(story, "--on", "2016-12-01", "--at", "07:00")
    schedule_visit(story, "FBRI", "LSN", "--on", "2016-11-30", "--at", "23:00")
    berlin = {"RIT_TODAY": "2016-11-16", "RIT_TZ": "Europe/Berlin"}
    tokyo = {**berlin, "RIT_TZ": "Asia/Tokyo"}
    assert items(story, env=berlin) == [(1, "2016-11-30", 14), (2, "2016-11-30", 14)]
    said = quiet_ok(story, "remind", env=berlin)
    assert "on 2016-12-01 at 07:00 JST (2016-11-30 23:00 CET), in 14 days\n" in said, said
    assert items(story, env=tokyo) == []
    assert items(story, "--within", "15d", env=tokyo) == [
        (1, "2016-12-01", 15),
        (2, "2016-12-01", 15),
    ]
    # The same at a horizon of one day: both are tomorrow in Hamburg, in 2 days in Kobe.
    berlin["RIT_TODAY"] = tokyo["RIT_TODAY"] = "2016-11-29"
    assert items(story, "--within", "1d", env=berlin) == [
        (1, "2016-11-30", 1),
        (2, "2016-11-30", 1),
    ]
    assert items(story, "--within", "1d", env=tokyo) == []
    # The report's reminders (two weeks) are remind's.
    report = json.loads(
        quiet_ok(story, "report", "--format", "json", env={**berlin, "RIT_TODAY": "2016-11-16"})
    )
    assert [(r["kind"], r["date"]) for r in report["reminders"]] == [("upcoming", "2016-11-30")] * 2


def test_an_evening_at_the_place_is_due_today_for_a_user_east_of_it_not_overdue(
    story: RitRunner,
) -> None:
    """QA: 20:00 in Hamburg on 1 December is 04:00 on 2 December in Kobe: a Kobe user was
    told 'tomorrow' on the 1st and 'overdue (yesterday)' on the 2nd, never 'today'. An
    exchange with a time is overdue once its last day has passed in the user's days (and
    at the place: the mirror case is under way in Hamburg on 1 December)."""
    schedule_visit(story, "FBRI", "LSN", "--on", "2016-12-01", "--at", "20:00")
    tokyo = {"RIT_TZ": "Asia/Tokyo"}
    said = quiet_ok(story, "remind", env=tokyo, today="2016-12-01")
    assert "at 20:00 CET (2016-12-02 04:00 JST), tomorrow\n" in said, said
    said = quiet_ok(story, "remind", env=tokyo, today="2016-12-02")
    assert said.startswith("2016-12-02\tupcoming\texchange #1\t"), said
    assert said.endswith("on 2016-12-01 at 20:00 CET (2016-12-02 04:00 JST), today\n"), said
    assert items(story, env={**tokyo, "RIT_TODAY": "2016-12-02"}) == [(1, "2016-12-02", 0)]
    report = json.loads(
        quiet_ok(story, "report", "--format", "json", env=tokyo, today="2016-12-02")
    )
    assert [(r["kind"], r["date"]) for r in report["reminders"]] == [("upcoming", "2016-12-02")]
    said = quiet_ok(story, "remind", env=tokyo, today="2016-12-03")
    assert said.startswith("2016-12-01\toverdue\texchange #1\t"), said
    # In Hamburg, the place's own zone: today on the 1st, overdue on the 2nd, as before.
    berlin = {"RIT_TZ": "Europe/Berlin"}
    assert "at 20:00 CET, today\n" in quiet_ok(story, "remind", env=berlin, today="2016-12-01")
    assert "\toverdue\t" in quiet_ok(story, "remind", env=berlin, today="2016-12-02")
    # --new: the item told 'tomorrow' is the same item 'today'; overdue is new.
    new = [
        quiet_ok(story, "remind", "--new", env=tokyo, today=day)
        for day in ("2016-12-01", "2016-12-02", "2016-12-03", "2016-12-03")
    ]
    assert [text.count("\n") for text in new] == [1, 0, 1, 0], new
    # Three days from the same evening: under way in Kobe until its third day there.
    schedule_visit(story, "FBRI", "LSN", "--on", "2016-12-05", "--days", "3", "--at", "20:00")
    said = quiet_ok(story, "remind", env=tokyo, today="2016-12-08")
    assert said.endswith(
        "under way (2016-12-05..2016-12-07) at 20:00 CET (2016-12-06 04:00 JST)\n"
    ), said
    assert "\toverdue\texchange #2" in quiet_ok(story, "remind", env=tokyo, today="2016-12-09")


# --- The system's zone: $TZ as the C library reads it -----------------------------------


@pytest.fixture
def machine_in_kobe(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's zone (where /etc/localtime links) is Kobe's, whatever the machine
    the tests run on."""
    readlink = os.readlink

    def kobe(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path) == "/etc/localtime":
            return "/usr/share/zoneinfo/Asia/Tokyo"
        return readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", kobe)


def system_zone(tz: str | None, today: str = "2016-11-30") -> dict[str, str | None]:
    """The environment of a user who sets no RIT_TZ: the zone is the system's."""
    return {"RIT_TZ": None, "TZ": tz, "RIT_TODAY": today}


IN_HAMBURG = "on 2016-12-01 at 07:00 JST (2016-11-30 23:00 CET), today\n"
IN_KOBE = "on 2016-12-01 at 07:00 JST, tomorrow\n"
ZONEINFO = Path("/usr/share/zoneinfo/Europe/Berlin")


@pytest.mark.parametrize(
    "tz",
    [
        ":Europe/Berlin",
        pytest.param(
            f":{ZONEINFO}",
            marks=pytest.mark.skipif(not ZONEINFO.exists(), reason="no system zoneinfo"),
        ),
        pytest.param(
            str(ZONEINFO),
            marks=pytest.mark.skipif(not ZONEINFO.exists(), reason="no system zoneinfo"),
        ),
    ],
)
def test_the_system_zone_is_tz_as_the_c_library_reads_it(
    story: RitRunner, machine_in_kobe: None, tz: str
) -> None:
    """QA: TZ=:Europe/Berlin, Berlin for glibc and `date`, was skipped for this machine's
    zone (UTC there): times were shown in the wrong zone without a word."""
    schedule(story, "--on", "2016-12-01", "--at", "07:00")
    said = quiet_ok(story, "remind", env=system_zone(tz))
    assert said.endswith(IN_HAMBURG), said


@pytest.mark.parametrize(
    ("tz", "shown"),
    [
        ("JST-9", "at 07:00 JST (07:00 +09), tomorrow"),
        ("<+09>-9", "at 07:00 JST (07:00 +09), tomorrow"),
        ("EST5", "(2016-11-30 17:00 -05)"),
        ("UTC0", "(2016-11-30 22:00 UTC)"),
        (":JST-9", "at 07:00 JST (07:00 +09), tomorrow"),
        ("XYZ12", "(2016-11-30 10:00 -12)"),
        ("XYZ-14", "at 07:00 JST (12:00 +14), tomorrow"),
    ],
)
def test_a_posix_tz_without_daylight_saving_is_its_fixed_offset(
    story: RitRunner, machine_in_kobe: None, tz: str, shown: str
) -> None:
    """TZ=JST-9 (POSIX: nine hours east of UTC) and the like, common in containers: the
    times are shown at that offset, without a warning."""
    visit = ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-01")
    quiet_ok(story, *visit, "--at", "07:00", env={**system_zone(tz), "RIT_TZ": "Asia/Tokyo"})
    result = story("remind", env=system_zone(tz))
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert shown in result.stdout, result.stdout


@pytest.mark.parametrize(
    "tz",
    [
        "JST-99",
        "XYZ13",  # no zone is 13 hours west of UTC (Etc/GMT+13 is none): not an error
        "<-13>13",
        "CET-1CEST,M3.5.0,M10.5.0/3",
        ":Mars/Olympus",
        "Europe/Hamburg",
        ":right/UTC",
    ],
)
def test_a_tz_that_names_no_zone_is_not_silently_replaced(
    story: RitRunner, machine_in_kobe: None, tz: str
) -> None:
    """A POSIX rule it cannot follow (JST-99, one with daylight saving) or a typo in TZ:
    times are shown in this machine's zone, and a
    warning says so, once per command (schedule-visit asks for the zone twice); none when
    RIT_TZ or --tz says the zone."""
    warning = (
        f"warning: TZ: unknown time zone {tz!r}: times are shown in Asia/Tokyo, this"
        " machine's zone; set RIT_TZ (or TZ) to an IANA name such as Europe/Berlin\n"
    )
    visit = ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-01")
    scheduled = story(*visit, "--at", "07:00", env=system_zone(tz))
    assert (scheduled.exit_code, scheduled.stderr) == (0, warning), scheduled.output
    result = story("remind", env=system_zone(tz))
    assert (result.exit_code, result.stderr) == (0, warning), result.output
    assert result.stdout.endswith(IN_KOBE), result.stdout
    result = story("remind", "--json", env=system_zone(tz))
    assert (result.exit_code, result.stderr) == (0, warning), result.output
    assert json.loads(result.stdout)[0]["days_left"] == 1
    told = {**system_zone(tz), "RIT_TZ": "Europe/Berlin"}
    assert quiet_ok(story, "remind", env=told).endswith(IN_HAMBURG)
    assert quiet_ok(story, "remind", "--tz", "Europe/Berlin", env=system_zone(tz)).endswith(
        IN_HAMBURG
    )


def test_the_system_zone_is_this_machines_without_tz_and_utc_with_an_empty_one(
    story: RitRunner, machine_in_kobe: None
) -> None:
    """No TZ: where /etc/localtime links (TZ=:/etc/localtime names it too); TZ= and TZ=:
    are UTC, as the C library reads them, not this machine's zone."""
    schedule(story, "--on", "2016-12-01", "--at", "07:00")
    for tz in (None, ":/etc/localtime"):
        said = quiet_ok(story, "remind", env=system_zone(tz))
        assert said.endswith(IN_KOBE), (tz, said)
    for tz in ("", ":"):
        said = quiet_ok(story, "remind", env=system_zone(tz))
        assert said.endswith("on 2016-12-01 at 07:00 JST (2016-11-30 22:00 UTC), today\n"), said


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("/usr/share/zoneinfo/posix/Europe/Berlin", "(2016-11-30 23:00 CET)"),
        ("/usr/share/zoneinfo/Mars/Olympus", "(2016-11-30 22:00 UTC)"),
    ],
)
def test_the_machines_zone_is_always_one_rit_knows(
    story: RitRunner, monkeypatch: pytest.MonkeyPatch, target: str, shown: str
) -> None:
    """/etc/localtime linked to posix/Europe/Berlin is Berlin; to a file of no zone rit
    knows, UTC: a timed visit was written, then the command failed on the zone (exit 2)."""
    readlink = os.readlink
    monkeypatch.setattr(
        os, "readlink", lambda p, *a: target if os.fspath(p) == "/etc/localtime" else readlink(p)
    )
    visit = ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-01")
    result = story(*visit, "--at", "07:00", env=system_zone(None))
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert (
        quiet_ok(story, "remind", env=system_zone(None))
        .rstrip()
        .endswith(f"at 07:00 JST {shown}, today")
    )


def test_nothing_due_prints_nothing_not_even_a_warning_about_tz(
    story: RitRunner, machine_in_kobe: None
) -> None:
    """cron mails any line: a TZ rit cannot follow is told only when a time is shown."""
    env = system_zone("CET-1CEST,M3.5.0,M10.5.0/3")
    for args in (("remind",), ("remind", "--new"), ("remind", "--json")):
        result = story(*args, env=env)
        assert result.exit_code == 0 and result.stderr == "", result.output
    assert story("remind", env=env).stdout == ""
    quiet_ok(story, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-01")
    result = story("remind", "--new", env=env)
    assert result.stdout.count("\n") == 1
    assert result.stderr.startswith("warning: TZ: unknown time zone 'CET-1CEST")
