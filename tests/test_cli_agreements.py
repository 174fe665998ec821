"""Programmes, agreements, fields, gaps and cooperations through the CLI."""

from __future__ import annotations

import json

import pytest

from .conftest import RitRunner
from .helpers import ADD_JETRO, add_story_orgs, quiet_ok, refused

LOI = "LoI Kobe–LSN"
NEW_X = ("add-agreement", "X", "--party", "LSN", "--party", "FBRI")  # a new two-party agreement


def ok(rit: RitRunner, *args: str, today: str | None = None) -> str:
    """`quiet_ok`, on `today` given as the --today option (not $RIT_TODAY)."""
    return quiet_ok(rit, *args, *(("--today", today) if today else ()))


def enter_story(rit: RitRunner) -> None:
    """The agreement part of the story, as a new user would type it (on 2016-05-02)."""
    add_story_orgs(rit)
    ok(rit, *ADD_JETRO)
    ok(
        rit,
        "add-contact",
        "Hinrich Habeck",
        "--org",
        "LSN",
        "--title",
        "Dr.",
        "--role",
        "managing director",
    )
    ok(
        rit,
        "add-programme",
        "Regional Industry-Tie-Up Programme",
        "--short",
        "RIT",
        "--run-by",
        "JETRO",
        "--from",
        "2014-04-01",
        "--until",
        "2016",
        today="2016-05-02",
    )
    out = ok(
        rit,
        "add-agreement", LOI,
        "--kind", "loi",
        "--party", "LSN", "--party", "FBRI",
        "--programme", "RIT",
        "--signed", "2016-05-02", "--place", "Kobe",
        "--until", "2016",
        "--field", "networking", "--field", "technology transfer", "--field", "Market Introduction",
        "--visits-per-year", "1",
        "--signatory", "Hinrich Habeck",
        today="2016-05-02",
    )  # fmt: skip
    assert out == f"added agreement #1 {LOI} (LSN–FBRI), active\n"


def agreement(rit: RitRunner, today: str) -> dict:
    return json.loads(ok(rit, "show-agreement", LOI, "--json", today=today))


def test_story_agreement_piped(rit: RitRunner) -> None:
    enter_story(rit)
    assert ok(rit, "agreements") == (
        f"1\t{LOI}\tloi\tactive\tLSN, FBRI\t2016-05-02\t2016-05-02\t2016-12-31\t1\tRIT\n"
    )
    shown = ok(rit, "show-agreement", "1").splitlines()
    assert shown == [
        f"record: {LOI}",
        "id: 1",
        "kind: loi",
        "status: active",
        "parties: Life Science Nord, Foundation for Biomedical Research and Innovation",
        "programme: Regional Industry-Tie-Up Programme",
        "signed: 2016-05-02 in Kobe",
        "in force from: 2016-05-02",
        "until: 2016-12-31",
        "fields: market-introduction, networking, technology-transfer",
        "obligation: at least 1 visit a year",
        "signatories: Dr. Hinrich Habeck",
        "compliance 2016: 1 required, 0 held, 0 planned: at-risk",
    ]


@pytest.mark.parametrize(
    ("today", "status", "years"),
    [
        ("2016-04-01", "draft", [2016]),  # before signing
        ("2016-08-25", "active", [2016]),
        ("2016-10-03", "expiring", [2016]),  # within 90 days of 31 December
        ("2017-01-15", "expired", [2016]),
    ],
)
def test_status_follows_today(rit: RitRunner, today: str, status: str, years: list[int]) -> None:
    enter_story(rit)
    data = agreement(rit, today)
    assert data["status"] == status
    assert [c["year"] for c in data["compliance"]] == years
    listed = json.loads(ok(rit, "agreements", "--json", today=today))
    assert [a["status"] for a in listed] == [status]
    active = json.loads(ok(rit, "agreements", "--active", "--json", today=today))
    assert len(active) == (1 if status in ("active", "expiring") else 0)


def test_extension_after_expiry_makes_it_active_again(rit: RitRunner) -> None:
    enter_story(rit)
    assert agreement(rit, "2017-01-15")["status"] == "expired"
    out = ok(
        rit,
        "extend-agreement",
        LOI,
        "--until",
        "2017",
        "--note",
        "programme extended",
        today="2017-01-15",
    )
    assert out == f"extended agreement #1 {LOI} from 2016-12-31 to 2017-12-31; now active\n"
    data = agreement(rit, "2017-01-15")
    assert data["status"] == "active" and data["valid_until"] == "2017-12-31"
    assert data["extensions"] == [
        {
            "old_until": "2016-12-31",
            "new_until": "2017-12-31",
            "decided_on": "2017-01-15",
            "note": "programme extended",
        }
    ]
    assert [(c["year"], c["required"], c["verdict"]) for c in data["compliance"]] == [
        (2016, 1, "missed"),
        (2017, 1, "at-risk"),
    ]
    assert agreement(rit, "2017-11-01")["status"] == "expiring"
    history = json.loads(ok(rit, "history", LOI, "--json"))
    assert {
        "action": "update",
        "field": "valid_until",
        "old": "2016-12-31",
        "new": "2017-12-31",
    }.items() <= history[-1].items()
    piped = ok(rit, "show-agreement", LOI, today="2017-01-15")
    assert "extended: 2016-12-31 → 2017-12-31 (decided 2017-01-15): programme extended\n" in piped


def test_show_agreement_table_on_a_terminal(rit: RitRunner) -> None:
    enter_story(rit)
    ok(rit, "extend-agreement", LOI, "--until", "2017", today="2016-08-25")
    out = rit("show-agreement", LOI, env={"TTY_COMPATIBLE": "1"}).stdout
    assert LOI in out and "Compliance" in out and "Extensions" in out
    rows = [
        line.split() for line in out.splitlines() if line.strip().startswith(("2016 ", "2017 "))
    ]
    assert ["2016", "1", "0", "0", "at-risk"] in rows
    assert ["2017", "1", "0", "0", "at-risk"] in rows
    assert "direction" not in out
    table = rit("agreements", env={"TTY_COMPATIBLE": "1"}).stdout
    assert "status" in table and "active" in table


def test_each_way_compliance_is_reported_per_direction(rit: RitRunner) -> None:
    enter_story(rit)
    assert ok(rit, "edit-agreement", LOI, "--each-way") == f"updated agreement #1 {LOI}: each_way\n"
    data = agreement(rit, "2016-08-25")
    assert data["each_way"] is True
    [year] = data["compliance"]
    assert year["each_way"] is True and year["verdict"] == "at-risk"
    assert [(d["host"]["label"], d["required"], d["verdict"]) for d in year["directions"]] == [
        ("LSN", 1, "at-risk"),
        ("FBRI", 1, "at-risk"),
    ]
    piped = ok(rit, "show-agreement", LOI)
    assert (
        "compliance 2016: 1 required each way, 0 held, 0 planned: at-risk (to LSN: 0 held, 0 planned, at-risk; to FBRI: 0 held, 0 planned, at-risk)"
        in piped
    )
    table = rit("show-agreement", LOI, env={"TTY_COMPATIBLE": "1"}).stdout
    assert "direction" in table and "to FBRI" in table


def test_end_agreement_terminates_and_keeps_it(rit: RitRunner, dump) -> None:
    enter_story(rit)
    out = ok(
        rit,
        "end-agreement",
        LOI,
        "--on",
        "2016-10-01",
        "--reason",
        "replaced by an MoU",
        today="2016-09-15",
    )
    assert out == f"terminated agreement #1 {LOI} on 2016-10-01; now expiring\n"
    data = agreement(rit, "2016-10-01")
    assert data["status"] == "terminated"
    assert (
        data["terminated_on"] == "2016-10-01" and data["termination_reason"] == "replaced by an MoU"
    )
    assert data["compliance"] == [
        {
            "year": 2016,
            "required": 0,
            "held": 0,
            "planned": 0,
            "verdict": "not-applicable",
            "each_way": False,
            "directions": [],
        }
    ]  # 2 May .. 30 September: 152 of 366 days rounds to no visit
    assert "terminated" in ok(rit, "agreements", today="2016-10-01")
    before = dump()
    result = rit("extend-agreement", LOI, "--until", "2018")
    assert result.exit_code == 2 and "cannot be extended" in result.stderr
    assert dump() == before


def test_draft_and_signed_not_yet_in_force(rit: RitRunner) -> None:
    add_story_orgs(rit)
    ok(rit, "add-agreement", "MoU draft", "--kind", "mou", "--party", "LSN", "--party", "FBRI")
    ok(
        rit,
        "add-agreement",
        "Framework 2017",
        "--kind",
        "framework",
        "--party",
        "LSN",
        "--party",
        "FBRI",
        "--signed",
        "2016-08-01",
        "--from",
        "2017-01-01",
        "--until",
        "2019",
    )
    listed = {a["title"]: a for a in json.loads(ok(rit, "agreements", "--json"))}
    assert listed["MoU draft"]["status"] == "draft"
    assert listed["MoU draft"]["in_force_from"] is None
    assert listed["Framework 2017"]["status"] == "signed"
    assert listed["Framework 2017"]["in_force_from"] == "2017-01-01"
    assert json.loads(ok(rit, "agreements", "--json", today="2017-01-01"))[0]["status"] == "active"


def test_programmes(rit: RitRunner) -> None:
    enter_story(rit)
    out = ok(rit, "extend-programme", "rit", "--until", "2017", "--note", "worked well")
    assert (
        out
        == "extended programme #1 Regional Industry-Tie-Up Programme from 2016-12-31 to 2017-12-31\n"
    )
    assert (
        ok(rit, "programmes")
        == "1\tRegional Industry-Tie-Up Programme\tRIT\tJETRO\t2014-04-01\t2017-12-31\t1\n"
    )
    data = json.loads(ok(rit, "show-programme", "RIT", "--json"))
    assert data["run_by"]["short"] == "JETRO"
    assert data["extensions"][0]["note"] == "worked well"
    assert [a["title"] for a in data["agreement_list"]] == [LOI]
    assert ok(rit, "edit-programme", "RIT", "--note", "JETRO scheme") == (
        "updated programme #1 Regional Industry-Tie-Up Programme: note\n"
    )


def test_fields_lists_usage(rit: RitRunner) -> None:
    enter_story(rit)
    ok(
        rit,
        "add-cooperation",
        "Biobank pilot",
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--field",
        "Technology Transfer",
    )
    assert ok(rit, "fields") == (
        "market-introduction\t1\t0\t0\nnetworking\t1\t0\t0\ntechnology-transfer\t1\t1\t0\n"
    )
    data = json.loads(ok(rit, "fields", "--json"))
    assert data[2] == {
        "field": "technology-transfer",
        "agreements": 1,
        "cooperations": 1,
        "exchanges": 0,
    }
    assert (
        json.loads(ok(rit, "agreements", "--field", "technology transfer", "--json"))[0]["id"] == 1
    )


def test_a_draft_shows_its_planned_start_beside_its_planned_end(rit: RitRunner) -> None:
    """Not signed yet, it is in force on no day; but the validity it was given is shown,
    its start as well as its end (the start was left out)."""
    add_story_orgs(rit)
    ok(rit, *NEW_X, "--kind", "mou", "--from", "2017-01-01", "--until", "2018")
    assert ok(rit, "agreements") == "1\tX\tmou\tdraft\tLSN, FBRI\t\t2017-01-01\t2018-12-31\t\t\n"
    shown = ok(rit, "show-agreement", "X").splitlines()
    assert "valid from: 2017-01-01" in shown and "until: 2018-12-31" in shown
    assert not any(line.startswith("in force from") for line in shown)
    ok(rit, "edit-agreement", "X", "--signed", "2016-08-01")
    shown = ok(rit, "show-agreement", "X").splitlines()
    assert "in force from: 2017-01-01" in shown
    assert not any(line.startswith("valid from") for line in shown)


def test_a_visit_under_way_across_new_year_is_not_promised_to_the_new_year(
    rit: RitRunner,
) -> None:
    """Fixed from 30 December to 2 January, it is held in the old year once done: on
    1 January it does not make the new year on-track (and then at risk once done); the old
    year has it planned while it is under way."""
    add_story_orgs(rit)
    ok(rit, *NEW_X, "--signed", "2016-01-01", "--until", "2017", "--visits-per-year", "1")
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-30",
             "--days", "4")  # fmt: skip

    def years(today: str) -> dict[int, tuple[int, int, str]]:
        shown = json.loads(ok(rit, "show-agreement", "X", "--json", today=today))
        return {c["year"]: (c["held"], c["planned"], c["verdict"]) for c in shown["compliance"]}

    assert years("2016-12-31") == {2016: (0, 1, "on-track"), 2017: (0, 0, "at-risk")}
    assert years("2017-01-01") == {2016: (0, 1, "on-track"), 2017: (0, 0, "at-risk")}
    reminders = json.loads(ok(rit, "remind", "--json", today="2017-01-01"))
    assert [r["date"] for r in reminders if r["kind"] == "at-risk"] == ["2017-12-31"]
    ok(rit, "done", "1", today="2017-01-02")
    assert years("2017-01-02") == {2016: (1, 0, "met"), 2017: (0, 0, "at-risk")}


@pytest.mark.parametrize(
    ("today", "planned", "verdict"),
    [
        ("2016-12-31", 1, "on-track"),  # 2016's last day, the visit under way
        ("2017-01-01", 1, "on-track"),  # 2016 is over; still under way: it may be held in 2016
        ("2017-01-02", 0, "missed"),  # the day after its last day, not marked done
    ],
)
@pytest.mark.parametrize("each_way", [False, True])
def test_a_visit_under_way_across_new_year_keeps_its_year_on_track_until_it_is_over(
    rit: RitRunner, today: str, planned: int, verdict: str, each_way: bool
) -> None:
    """show-agreement, report --year, the current report and remind agree: a visit fixed
    from 30 December to 1 January is planned for 2016 until 1 January is over. Each way,
    the other direction was held in June."""
    add_story_orgs(rit)
    ok(rit, *NEW_X, "--signed", "2016-01-04", "--until", "2018", "--visits-per-year", "1",
       *(["--each-way"] if each_way else []))  # fmt: skip
    if each_way:
        quiet_ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-06-01")
        quiet_ok(rit, "done", "1")
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-12-30",
             "--days", "3", "--today", "2016-12-01")  # fmt: skip

    shown = json.loads(ok(rit, "show-agreement", "X", "--json", today=today))
    by_year = {c["year"]: c for c in shown["compliance"]}
    held = 1 if each_way else 0
    assert (by_year[2016]["held"], by_year[2016]["planned"]) == (held, planned)
    assert by_year[2016]["verdict"] == verdict
    if each_way:
        directions = [
            (d["host"]["label"], d["held"], d["planned"], d["verdict"])
            for d in by_year[2016]["directions"]
        ]
        assert directions == [("LSN", 1, 0, "met"), ("FBRI", 0, planned, verdict)]
    assert by_year[2017]["planned"] == 0  # held in 2016 once done: never promised to 2017
    line = next(
        line for line in ok(rit, "show-agreement", "X", today=today).splitlines()
        if line.startswith("compliance 2016")
    )  # fmt: skip
    assert f", {planned} planned: {verdict}" in line

    year_report = json.loads(ok(rit, "report", "--year", "2016", "--json", today=today))
    assert [c["compliance"] for c in year_report["compliance"]] == [by_year[2016]]
    table = ok(rit, "report", "--year", "2016", today=today)
    assert f"\t{verdict}" in table.split("## Compliance 2016\n")[1].splitlines()[0]
    current = json.loads(ok(rit, "report", "--json", today=today))
    this_year = int(today[:4])
    assert [a["compliance"] for a in current["agreements"]] == [by_year[this_year]]
    reminders = json.loads(ok(rit, "remind", "--json", today=today))
    at_risk = [r["date"] for r in reminders if r["kind"] == "at-risk"]
    assert at_risk == ([] if this_year == 2016 else ["2017-12-31"])


def test_each_way_total_row_requires_what_the_directions_do_together(rit: RitRunner) -> None:
    """On a terminal: 1 each way is 2 in total; with 1 held it is not 'required 1, held 1,
    at-risk'."""
    add_story_orgs(rit)
    ok(rit, *NEW_X, "--signed", "2016-01-01", "--until", "2016", "--visits-per-year", "1",
       "--each-way")  # fmt: skip
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-03-01")
    quiet_ok(rit, "done", "1")
    table = rit("show-agreement", "X", env={"TTY_COMPATIBLE": "1"}).stdout
    rows = [line.split() for line in table.splitlines() if line.strip().startswith("2016")]
    assert rows == [
        ["2016", "total", "2", "1", "0", "at-risk"],
        ["2016", "to", "LSN", "1", "0", "0", "at-risk"],
        ["2016", "to", "FBRI", "1", "1", "0", "met"],
    ]


def test_gaps(rit: RitRunner) -> None:
    enter_story(rit)
    assert ok(rit, "gaps", "--programme", "RIT") == "2014-04-01\t2016-05-01\t762\t\n"
    assert ok(rit, "gaps", "--between", "LSN", "--and", "FBRI") == ""
    assert ok(rit, "gaps", "--between", "FBRI", "--and", "LSN", today="2017-03-01") == (
        "2017-01-01\t2017-03-01\t60\tongoing\n"
    )
    data = json.loads(
        ok(rit, "gaps", "--between", "LSN", "--and", "FBRI", "--json", today="2017-03-01")
    )
    assert data == [{"start": "2017-01-01", "end": "2017-03-01", "days": 60, "ongoing": True}]
    table = rit("gaps", "--programme", "RIT", env={"TTY_COMPATIBLE": "1"}).stdout
    assert "Not covered: RIT" in table and "762" in table


def test_gaps_of_an_open_ended_programme_not_begun_yet(rit: RitRunner) -> None:
    """Its term runs from its start to today: before its start there is nothing to check
    (it was shown as a one-day gap on its first day)."""
    add_story_orgs(rit)
    ok(rit, "add-programme", "Later", "--from", "2017-01-01")
    assert ok(rit, "gaps", "--programme", "Later") == ""
    assert json.loads(ok(rit, "gaps", "--programme", "Later", "--json")) == []
    assert ok(rit, "gaps", "--programme", "Later", today="2017-01-01") == (
        "2017-01-01\t2017-01-01\t1\tongoing\n"
    )


def test_cooperations(rit: RitRunner) -> None:
    enter_story(rit)
    out = ok(
        rit,
        "add-cooperation",
        "Biobank pilot",
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--agreement",
        LOI,
        "--status",
        "talks",
        today="2016-06-01",
    )
    assert out == "added cooperation #1 Biobank pilot (talks)\n"
    ok(
        rit,
        "add-cooperation",
        "Medtech fair stand",
        "--org",
        "LSN",
        "--org",
        "JETRO",
        today="2016-06-01",
    )
    out = ok(
        rit,
        "set-cooperation-status",
        "biobank pilot",
        "agreed",
        "--note",
        "contract drafted",
        today="2016-08-20",
    )
    assert out == "cooperation #1 Biobank pilot is now agreed (since 2016-08-20)\n"
    assert (
        ok(rit, "set-cooperation-status", "1", "AGREED")
        == "cooperation #1 Biobank pilot is already agreed; unchanged\n"
    )
    # A note with the status it already has has no change to go with: refused, not lost.
    before = ok(rit, "show-cooperation", "1", "--json")
    result = rit("set-cooperation-status", "1", "agreed", "--note", "signed at last")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cooperation 'Biobank pilot' is already agreed, so the note has no change to "
        "go with: edit-cooperation --note notes it on the plan\n"
    )
    assert ok(rit, "show-cooperation", "1", "--json") == before
    assert ok(rit, "cooperations") == (
        f"1\tBiobank pilot\tagreed\t2016-08-20\tLSN, FBRI\t{LOI}\t\n"
        "2\tMedtech fair stand\tidea\t2016-06-01\tLSN, JETRO\t\t\n"
    )
    assert [
        c["title"] for c in json.loads(ok(rit, "cooperations", "--status", "idea", "--json"))
    ] == ["Medtech fair stand"]
    assert [
        c["title"] for c in json.loads(ok(rit, "cooperations", "--agreement", "1", "--json"))
    ] == ["Biobank pilot"]
    data = json.loads(ok(rit, "show-cooperation", "1", "--json"))
    assert data["concrete_on"] == "2016-08-20"
    assert data["history"] == [
        {"status": "talks", "changed_on": "2016-06-01", "note": None},
        {"status": "agreed", "changed_on": "2016-08-20", "note": "contract drafted"},
    ]
    assert "status 2016-08-20: agreed: contract drafted" in ok(rit, "show-cooperation", "1")
    assert "#1 Biobank pilot (agreed)" in ok(rit, "show-agreement", LOI)
    assert ok(rit, "edit-cooperation", "2", "--field", "market introduction") == (
        "updated cooperation #2 Medtech fair stand: fields\n"
    )
    history = json.loads(ok(rit, "history", "Biobank pilot", "--json"))
    assert ("update", "status", "talks", "agreed") in [
        (h["action"], h["field"], h["old"], h["new"]) for h in history
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-agreement", "X", "--party", "LSN"], "at least two distinct parties"),
        (["add-agreement", "X"], "at least two distinct parties (--party ORG --party ORG); got 0"),
        (["add-agreement", "X", "--party", "LSN", "--party", "lsn"], "party 'lsn' is given twice"),
        (["add-agreement", "X", "--party", "LSN", "--party", "Life Science Nord"], "given twice"),
        (["add-agreement", "X", "--party", "LSN", "--party", "nobody"], "no organisation 'nobody'"),
        (
            [*NEW_X, "--from", "2016-05-02", "--until", "2016-05-01"],
            "agreement end 2016-05-01 (--until) is before its start 2016-05-02 (--from)",
        ),
        (
            [*NEW_X, "--signed", "2016-05-02", "--until", "2015"],
            "agreement end 2015-12-31 (--until) is before its start 2016-05-02 (--signed)",
        ),
        ([*NEW_X, "--programme", "NOPE"], "no programme 'NOPE'"),
        ([*NEW_X, "--visits-per-year", "-1"], "visits per year '-1' is out of range"),
        ([*NEW_X, "--visits-per-year", "366"], "out of range: use 0..365"),
        ([*NEW_X, "--visits-per-year", "two"], "visits per year 'two' is not a whole number"),
        ([*NEW_X, "--visits-per-year", "1.5"], "not a whole number"),
        ([*NEW_X, "--each-way"], "--each-way needs an obligation"),
        ([*NEW_X, "--kind", "treaty"], "unknown agreement kind 'treaty'"),
        ([*NEW_X, "--signed", "03/04/2016"], "could be"),
        ([*NEW_X, "--signed", "2016-02-30"], "February 2016 has 29 days"),
        ([*NEW_X, "--field", "  "], "field of action must not be empty"),
        ([*NEW_X, "--signatory", "Nobody"], "no contact 'Nobody'"),
        (
            ["add-agreement", "loi kobe–lsn", "--party", "LSN", "--party", "FBRI"],
            "title 'loi kobe–lsn' is already used by agreement #1",
        ),
        (["add-agreement", "  ", "--party", "LSN", "--party", "FBRI"], "title must not be empty"),
        (["show-agreement", "LoI"], "did you mean #1 'LoI Kobe–LSN'"),
        (["agreements", "--programme", "NOPE"], "no programme 'NOPE'"),
        (["agreements", "--org", "nobody"], "no organisation 'nobody'"),
        (["edit-agreement", LOI, "--party", "LSN"], "at least two distinct parties"),
        (
            ["edit-agreement", LOI, "--until", "2016-01-01"],
            "agreement end 2016-01-01 (--until) is before its start 2016-05-02 (--signed)",
        ),
        (["edit-agreement", LOI, "--visits-per-year", "1000"], "out of range"),
        (
            ["extend-agreement", LOI, "--until", "2016-06-30"],
            "not after the current end 2016-12-31",
        ),
        (["extend-agreement", LOI, "--until", "2016-12-31"], "not after the current end"),
        (["extend-agreement", LOI, "--until", "next year"], "cannot read 'next year'"),
        (["end-agreement", LOI, "--on", "2016-05-01"], "not after the start 2016-05-02"),
        (["end-agreement", LOI, "--on", "2017-02-01"], "nothing to terminate"),
        (["add-programme", "regional industry-tie-up programme"], "already used by programme #1"),
        (["add-programme", "Other", "--short", "rit"], "short name 'rit' is already used"),
        (["add-programme", "Other", "--run-by", "nobody"], "no organisation 'nobody'"),
        (
            ["add-programme", "Other", "--from", "2017-01-01", "--until", "2016"],
            "programme end 2016-12-31 (--until) is before its start 2017-01-01 (--from)",
        ),
        (["extend-programme", "RIT", "--until", "2015"], "not after the current end 2016-12-31"),
        (["extend-programme", "NOPE", "--until", "2018"], "no programme 'NOPE'"),
        (["add-cooperation", "C", "--org", "LSN"], "at least two distinct organisations"),
        (
            ["add-cooperation", "C", "--org", "LSN", "--org", "LSN"],
            "organisation 'LSN' is given twice",
        ),
        (
            ["add-cooperation", "C", "--org", "LSN", "--org", "FBRI", "--status", "dreaming"],
            "unknown status 'dreaming'",
        ),
        (
            ["add-cooperation", "C", "--org", "LSN", "--org", "FBRI", "--agreement", "nope"],
            "no agreement 'nope'",
        ),
        (["set-cooperation-status", "nope", "agreed"], "no cooperation 'nope'"),
        (["fields", "--json", "--today", "31.02.2016"], "February 2016 has 29 days"),
        (["gaps"], "give either --between ORG --and ORG, or --programme REF"),
        (["gaps", "--between", "LSN"], "give either"),
        (["gaps", "--between", "LSN", "--and", "FBRI", "--programme", "RIT"], "give either"),
        (["gaps", "--between", "LSN", "--and", "lsn"], "given twice"),
        (
            ["gaps", "--between", "LSN", "--and", "JETRO"],
            "no signed agreement between LSN and JETRO",
        ),
    ],
)
def test_invalid_input_is_one_line_exit_2_and_changes_nothing(
    rit: RitRunner, dump, args: list[str], message: str
) -> None:
    enter_story(rit)
    before = dump()
    result = refused(rit(*args), message)
    assert "Traceback" not in result.output
    assert dump() == before


def test_hostile_titles_are_shown_literally(rit: RitRunner) -> None:
    add_story_orgs(rit)
    title = "[bold]LoI[/] :smile: \x1b[31m"
    ok(rit, "add-agreement", title, "--party", "LSN", "--party", "FBRI")
    piped = ok(rit, "agreements")
    assert "[bold]LoI[/] :smile: \\x1b[31m" in piped and "\x1b" not in piped
    table = rit("show-agreement", "1", env={"TTY_COMPATIBLE": "1"}).stdout
    assert "[bold]LoI[/]" in table and ":smile:" in table and "\x1b[31m" not in table
    assert json.loads(ok(rit, "agreements", "--json"))[0]["title"] == title.strip()


def test_demo_holds_the_agreement_part_of_the_story(rit: RitRunner, tmp_path) -> None:
    demo = str(tmp_path / "demo.db")
    result = rit("demo", "--db", demo)
    assert result.exit_code == 0, result.output
    assert f"1\t{LOI}\tloi\tactive\tLSN, FBRI\t2016-05-02" in result.stdout
    assert "Biobank sample exchange pilot\tagreed" in result.stdout
    data = json.loads(ok(rit, "--db", demo, "show-agreement", LOI, "--json"))
    assert data["place"] == "Kobe" and data["visits_per_year"] == 1
    assert data["fields"] == ["market-introduction", "networking", "technology-transfer"]
    assert [s["name"] for s in data["signatories"]] == ["Hinrich Habeck"]
    assert data["programme"]["short"] == "RIT"
    programme = json.loads(ok(rit, "--db", demo, "show-programme", "RIT", "--json"))
    assert programme["run_by"]["short"] == "JETRO" and programme["valid_until"] == "2017-12-31"
    assert programme["extensions"][0]["old_until"] == "2016-12-31"
    statuses = {
        c["title"]: c["status"] for c in json.loads(ok(rit, "--db", demo, "cooperations", "--json"))
    }
    assert statuses == {
        "Biobank sample exchange pilot": "agreed",
        "Medtech market entry for SMEs in Japan": "talks",
    }


def test_new_parties_must_still_fit_the_linked_exchanges(rit: RitRunner, dump) -> None:
    """A visit LSN → FBRI linked to an LSN–FBRI LoI must not go on counting for it once the
    LoI is between LSN and JETRO: the edit is refused until the visit is linked elsewhere."""
    add_story_orgs(rit)
    quiet_ok(rit, *ADD_JETRO)
    quiet_ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-05-02", "--until", "2017", "--visits-per-year", "1")  # fmt: skip
    visit = rit("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12")
    assert "linked to agreement 'LoI'" in visit.stdout, visit.output
    before = dump()
    result = refused(
        rit("edit-agreement", "LoI", "--party", "LSN", "--party", "JETRO"),
        "with these parties agreement 'LoI' would no longer fit the visit #1",
    )
    assert "needs the host and a guest as parties" in result.stderr
    assert dump() == before
    # Parties the visit still fits are fine: JETRO joins, LSN and FBRI stay.
    quiet_ok(rit, "edit-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--party", "JETRO")
    years = json.loads(quiet_ok(rit, "show-agreement", "LoI", "--json"))["compliance"]
    assert (years[0]["year"], years[0]["planned"]) == (2016, 1)


def test_a_mistyped_extension_or_termination_is_taken_back(rit: RitRunner, dump) -> None:
    """extend-* --undo and end-agreement --undo: a wrong year or date can be corrected;
    the history keeps the mistake and its correction."""
    add_story_orgs(rit)
    quiet_ok(rit, *ADD_JETRO)
    quiet_ok(rit, "add-programme", "RIT", "--run-by", "JETRO", "--from", "2015-04-01",
             "--until", "2016")  # fmt: skip
    quiet_ok(rit, "extend-programme", "RIT", "--until", "2071")  # meant 2017
    assert "it ends on 2016-12-31 again" in quiet_ok(rit, "extend-programme", "RIT", "--undo")
    quiet_ok(rit, "extend-programme", "RIT", "--until", "2017")
    assert json.loads(quiet_ok(rit, "show-programme", "RIT", "--json"))["valid_until"] == (
        "2017-12-31"
    )
    quiet_ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-01-01", "--until", "2016")  # fmt: skip
    quiet_ok(rit, "extend-agreement", "LoI", "--until", "2071")
    quiet_ok(rit, "extend-agreement", "LoI", "--undo")
    quiet_ok(rit, "end-agreement", "LoI", "--on", "2016-05-01")  # meant 2016-07-01
    quiet_ok(rit, "end-agreement", "LoI", "--undo")
    quiet_ok(rit, "end-agreement", "LoI", "--on", "2016-07-01")
    loi = json.loads(quiet_ok(rit, "show-agreement", "LoI", "--json"))
    assert (loi["valid_until"], loi["terminated_on"], loi["extensions"]) == (
        "2016-12-31",
        "2016-07-01",
        [],
    )
    history = quiet_ok(rit, "history", "LoI", "--kind", "agreement")
    assert "2016-05-01" in history and "2071-12-31" in history
    before = dump()
    for args, message in (
        (["extend-agreement", "LoI", "--undo"], "has no extension to take back"),
        (["extend-programme", "RIT", "--undo", "--until", "2018"], "without --until or --note"),
        (["extend-programme", "RIT"], "give --until DATE|YEAR, the new end, or --undo"),
        (["end-agreement", "LoI", "--undo", "--on", "2016-08-01"], "without --on or --reason"),
        (["end-agreement", "LoI"], "give --on DATE, the day it ends, or --undo"),
    ):
        refused(rit(*args), message)
    quiet_ok(rit, "end-agreement", "LoI", "--undo")
    refused(rit("end-agreement", "LoI", "--undo"), "is not terminated")
    assert dump() != before  # the one real --undo above


def test_a_terminated_agreement_refused_a_new_end_names_the_undo(rit: RitRunner, dump) -> None:
    """QA: a termination on the wrong day, given again or followed by the extension that
    was meant, was refused without the way on: take back the termination first."""
    add_story_orgs(rit)
    quiet_ok(rit, *NEW_X, "--signed", "2016-01-10", "--until", "2017")
    quiet_ok(rit, "end-agreement", "X", "--on", "2016-10-01")
    before = dump()
    refused(
        rit("end-agreement", "X", "--on", "2016-11-01"),
        "agreement 'X' is already terminated as of 2016-10-01: to give another day, take back"
        " the termination first (end-agreement --undo)",
    )
    refused(
        rit("extend-agreement", "X", "--until", "2018"),
        "a terminated agreement cannot be extended: take back the termination first"
        " (end-agreement --undo)",
    )
    assert dump() == before


def test_an_extension_is_not_taken_back_under_a_later_termination(rit: RitRunner, dump) -> None:
    add_story_orgs(rit)
    quiet_ok(rit, "add-agreement", "MoU", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-01-01", "--until", "2016")  # fmt: skip
    quiet_ok(rit, "extend-agreement", "MoU", "--until", "2020")
    quiet_ok(rit, "end-agreement", "MoU", "--on", "2018-06-01")
    before = dump()
    refused(rit("extend-agreement", "MoU", "--undo"), "take back the termination first")
    assert dump() == before


def test_extensions_entered_out_of_date_order_are_taken_back_last_first(rit: RitRunner) -> None:
    """--today dates an extension's decision; one recorded afterwards with an earlier day
    is still the last extension: --undo takes it back, and show-* lists them in order."""
    add_story_orgs(rit)
    quiet_ok(rit, *ADD_JETRO)
    quiet_ok(rit, "add-programme", "RIT", "--run-by", "JETRO", "--from", "2015-04-01",
             "--until", "2016")  # fmt: skip
    quiet_ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-01-01", "--until", "2016")  # fmt: skip
    for kind, ref in (("agreement", "LoI"), ("programme", "RIT")):
        ok(rit, f"extend-{kind}", ref, "--until", "2017", today="2017-01-10")
        ok(rit, f"extend-{kind}", ref, "--until", "2018", today="2016-06-01")  # backdated
        shown = json.loads(ok(rit, f"show-{kind}", ref, "--json"))["extensions"]
        assert [e["new_until"] for e in shown] == ["2017-12-31", "2018-12-31"]
        assert "ends on 2017-12-31 again" in ok(rit, f"extend-{kind}", ref, "--undo")
        assert "ends on 2016-12-31 again" in ok(rit, f"extend-{kind}", ref, "--undo")


def test_dates_a_termination_could_not_have_been_given_for_are_refused(
    rit: RitRunner, dump
) -> None:
    """end-agreement needs a signed agreement and a day after its start; edit-agreement
    may not move the start to or past a termination already recorded."""
    add_story_orgs(rit)
    quiet_ok(rit, *NEW_X, "--signed", "2016-01-10", "--until", "2017")
    quiet_ok(rit, "end-agreement", "X", "--on", "2016-10-01")
    before = dump()
    for args, message in (
        (["--from", "2016-11-01"], "so it must start before that day (not on 2016-11-01)"),
        (["--signed", "2016-10-01"], "so it must start before that day (not on 2016-10-01)"),
        (["--signed", ""], "so it must stay signed"),
    ):
        result = refused(rit("edit-agreement", "X", *args), "is terminated as of 2016-10-01")
        assert message in result.stderr and "end-agreement --undo" in result.stderr
    assert dump() == before
    quiet_ok(rit, "edit-agreement", "X", "--from", "2016-09-30", "--until", "2016-10-01")
    shown = json.loads(quiet_ok(rit, "show-agreement", "X", "--json"))
    assert (shown["in_force_from"], shown["in_force_until"]) == ("2016-09-30", "2016-09-30")


def test_a_cooperation_entered_afterwards_keeps_its_past(rit: RitRunner, dump) -> None:
    """--on dates the first status, so a plan's history can be entered in order."""
    add_story_orgs(rit)
    quiet_ok(rit, "add-cooperation", "Biobank", "--org", "LSN", "--org", "FBRI",
             "--status", "talks", "--on", "2015-11-02")  # fmt: skip
    quiet_ok(rit, "set-cooperation-status", "Biobank", "agreed", "--on", "2016-01-15")
    data = json.loads(quiet_ok(rit, "show-cooperation", "Biobank", "--json"))
    assert [(s["status"], s["changed_on"]) for s in data["history"]] == [
        ("talks", "2015-11-02"),
        ("agreed", "2016-01-15"),
    ]
    before = dump()
    refused(
        rit("add-cooperation", "Later", "--org", "LSN", "--org", "FBRI", "--on", "2016-09-01"),
        "status date 2016-09-01 is after today 2016-08-25",
    )
    refused(rit("add-cooperation", "Bad", "--org", "LSN", "--org", "FBRI", "--on", "soon"), "soon")
    assert dump() == before


def test_edit_agreement_help_claims_no_default_kind(rit: RitRunner) -> None:
    """An edit changes only what is given: 'default loi' belongs to add-agreement's help."""
    edit, add = rit("edit-agreement", "--help"), rit("add-agreement", "--help")
    assert edit.exit_code == add.exit_code == 0
    edit_text, add_text = (" ".join(run.stdout.split()) for run in (edit, add))  # unwrapped
    assert "One of: loi, mou" in edit_text and "default loi" not in edit_text
    assert "(default loi)" in add_text


def test_a_termination_still_to_come_is_not_told_in_the_past(rit: RitRunner) -> None:
    add_story_orgs(rit)
    quiet_ok(rit, "add-agreement", "X", "--party", "LSN", "--party", "FBRI", "--signed",
             "2016-01-01", "--until", "2018")  # fmt: skip
    quiet_ok(rit, "end-agreement", "X", "--on", "2017-03-01")  # after today, 2016-08-25
    result = refused(
        rit("extend-agreement", "X", "--until", "2019"), "is terminated as of 2017-03-01"
    )
    assert "was terminated" not in result.stderr


def test_a_mistaken_cooperation_status_is_taken_back(rit: RitRunner, dump) -> None:
    """QA: a status set by mistake (`running` for a plan still in talks, or the right status
    with the wrong --on) could not be corrected: going back to talks kept the dated
    `running` in its status history, so the report still counted the plan as concrete that
    year, and a date can never go back. --undo takes back the last change, as
    done/cancel/extend-*/end-agreement --undo do; the history keeps both."""
    add_story_orgs(rit)
    quiet_ok(rit, "add-cooperation", "Biobank", "--org", "LSN", "--org", "FBRI",
             "--status", "talks", "--on", "2016-03-01")  # fmt: skip
    quiet_ok(rit, "set-cooperation-status", "Biobank", "running", "--on", "2016-08-20")
    out = quiet_ok(rit, "set-cooperation-status", "Biobank", "--undo")
    assert out == (
        "took back the change of cooperation #1 Biobank to running (on 2016-08-20):"
        " talks again, since 2016-03-01\n"
    )
    data = json.loads(quiet_ok(rit, "show-cooperation", "Biobank", "--json"))
    assert (data["status"], data["since"]) == ("talks", "2016-03-01")
    assert [(s["status"], s["changed_on"]) for s in data["history"]] == [("talks", "2016-03-01")]
    report = json.loads(quiet_ok(rit, "report", "--year", "2016", "--format", "json"))
    assert report["cooperations"] == []
    rows = json.loads(quiet_ok(rit, "history", "Biobank", "--json"))
    assert [(r["field"], r["old"], r["new"]) for r in rows if r["action"] == "update"] == [
        ("status", "talks", "running"),
        ("status", "running", "talks"),
    ]
    # The change that was meant, on its day (before the one taken back: allowed now).
    quiet_ok(rit, "set-cooperation-status", "Biobank", "agreed", "--on", "2016-07-01")
    before = dump()
    for args, message in (
        (["Biobank", "agreed", "--undo"], "--undo takes back the last status change:"
         " give it without STATUS, --note or --on"),
        (["Biobank", "--undo", "--on", "2016-08-01"], "give it without STATUS, --note or --on"),
        (["Biobank"], "missing STATUS: give the new status, or --undo to take back the last change"),
    ):  # fmt: skip
        refused(rit("set-cooperation-status", *args), message)
    assert dump() == before
    quiet_ok(rit, "set-cooperation-status", "Biobank", "--undo")
    refused(
        rit("set-cooperation-status", "Biobank", "--undo"),
        "cooperation 'Biobank' has no status change to take back: talks is the status it was"
        " added with",
    )
