"""Linking visits and meetings to agreements through the CLI: each occurrence of a --yearly
plan on its own start day, and an explicit --agreement only while it is in force."""

from __future__ import annotations

import json

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, quiet_ok, refused

RULE = "the host and a guest as parties"
PARTIES = ["--party", "LSN", "--party", "FBRI"]


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """LSN and FBRI; the LoI in force 2016–2017, its MoU successor from 2018 to 2020."""
    add_story_orgs(rit)  # 1 LSN (Hamburg), 2 FBRI (Kobe)
    for args in (
        ["LoI", "--signed", "2016-01-01", "--until", "2017"],
        [
            "MoU",
            "--kind",
            "mou",
            "--signed",
            "2016-02-01",
            "--from",
            "2018-01-01",
            "--until",
            "2020",
        ],
    ):
        quiet_ok(rit, "add-agreement", *args, *PARTIES, "--visits-per-year", "1")
    return rit


def linked(rit: RitRunner) -> list[tuple[str, str | None]]:
    """(start day, agreement title) of every exchange, in date order."""
    rows = json.loads(
        quiet_ok(rit, "agenda", "--from", "2015-01-01", "--to", "2030-12-31", "--json")
    )
    return [(r["start_on"], r["agreement"]) for r in rows]


def link_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "linked" in line]


def compliance(rit: RitRunner, title: str, today: str) -> list[tuple[int, int, str]]:
    data = json.loads(ok(rit, "show-agreement", title, "--json", today=today))
    return [(c["year"], c["planned"], c["verdict"]) for c in data["compliance"]]


def test_a_yearly_plan_moves_from_the_loi_to_its_successor(story: RitRunner) -> None:
    """QA's case: 2016–2017 belong to the LoI, 2018–2020 to the MoU, and both count them."""
    rit = story
    out = quiet_ok(
        rit,
        "schedule-visit",
        "--from",
        "LSN",
        "--to",
        "FBRI",
        "--window",
        "2016-06",
        "--yearly",
        "--until",
        "2020",
    )
    assert "scheduled 5 visits, one a year:" in out
    assert link_lines(out) == [
        f"linked to agreement 'LoI' in 2016–2017: the only one in force then with {RULE}",
        f"linked to agreement 'MoU' in 2018–2020: the only one in force then with {RULE}",
    ]
    assert linked(rit) == [
        ("2016-06-01", "LoI"),
        ("2017-06-01", "LoI"),
        ("2018-06-01", "MoU"),
        ("2019-06-01", "MoU"),
        ("2020-06-01", "MoU"),
    ]
    assert compliance(rit, "LoI", "2016-03-01") == [(2016, 1, "on-track"), (2017, 1, "on-track")]
    assert compliance(rit, "MoU", "2018-03-01") == [
        (2018, 1, "on-track"),
        (2019, 1, "on-track"),
        (2020, 1, "on-track"),
    ]
    reminders = json.loads(ok(rit, "remind", "--json", today="2018-03-01"))
    assert not [r for r in reminders if r["record"] == "agreement"], reminders
    # The occurrences are still one series.
    assert "yearly plan: #1 2016 planned, #2 2017 planned, #3 2018 planned" in quiet_ok(
        rit, "show-exchange", "3"
    )


VISIT = ["schedule-visit", "--from", "LSN", "--to", "FBRI"]
MEETING = ["add-meeting", "Steering", "--org", "LSN", "--org", "FBRI"]
MEETING_RULE = "two of the organisations as parties"

# Each case: commands run first, the command, then (start day, agreement) of every exchange
# and the lines saying how they were linked.
LINK_CASES = [
    pytest.param(
        [],
        [*VISIT, "--on", "2016-10-12", "--yearly", "--until", "2021"],
        [
            ("2016-10-12", "LoI"),
            ("2017-10-12", "LoI"),
            ("2018-10-12", "MoU"),
            ("2019-10-12", "MoU"),
            ("2020-10-12", "MoU"),
            ("2021-10-12", None),
        ],
        [
            f"linked to agreement 'LoI' in 2016–2017: the only one in force then with {RULE}",
            f"linked to agreement 'MoU' in 2018–2020: the only one in force then with {RULE}",
            f"not linked to any agreement in 2021: none in force on 2021-10-12 has {RULE}",
        ],
        id="fixed days, past the last agreement",
    ),
    pytest.param(
        [],
        [*MEETING, "--window", "2016-Q4", "--yearly", "--until", "2021"],
        [
            ("2016-10-01", "LoI"),
            ("2017-10-01", "LoI"),
            ("2018-10-01", "MoU"),
            ("2019-10-01", "MoU"),
            ("2020-10-01", "MoU"),
            ("2021-10-01", None),
        ],
        [
            f"linked to agreement 'LoI' in 2016–2017: the only one in force then with"
            f" {MEETING_RULE}",
            f"linked to agreement 'MoU' in 2018–2020: the only one in force then with"
            f" {MEETING_RULE}",
            f"not linked to any agreement in 2021: none in force on 2021-10-01 has {MEETING_RULE}",
        ],
        id="meeting windows, past the last agreement",
    ),
    pytest.param(
        [["add-agreement", "Renewal", *PARTIES, "--signed", "2022-01-01", "--until", "2023"]],
        [*VISIT, "--window", "2019-05", "--yearly", "--until", "2023"],
        [
            ("2019-05-01", "MoU"),
            ("2020-05-01", "MoU"),
            ("2021-05-01", None),
            ("2022-05-01", "Renewal"),
            ("2023-05-01", "Renewal"),
        ],
        [
            f"linked to agreement 'MoU' in 2019–2020: the only one in force then with {RULE}",
            f"not linked to any agreement in 2021: none in force on 2021-05-01 has {RULE}",
            f"linked to agreement 'Renewal' in 2022–2023: the only one in force then with {RULE}",
        ],
        id="a gap year between agreements",
    ),
    pytest.param(
        # The LoI now ends on 28 February 2017 and a bridge takes over on 1 March: the 2017
        # visit falls on 28 February, the LoI's last day, not on 1 March.
        [
            ["end-agreement", "LoI", "--on", "2017-03-01", "--reason", "bridged"],
            ["add-agreement", "Bridge", *PARTIES, "--signed", "2017-03-01", "--until", "2017"],
        ],
        [*VISIT, "--on", "2016-02-29", "--yearly", "--until", "2020"],
        [
            ("2016-02-29", "LoI"),
            ("2017-02-28", "LoI"),
            ("2018-02-28", "MoU"),
            ("2019-02-28", "MoU"),
            ("2020-02-29", "MoU"),
        ],
        [
            f"linked to agreement 'LoI' in 2016–2017: the only one in force then with {RULE}",
            f"linked to agreement 'MoU' in 2018–2020: the only one in force then with {RULE}",
        ],
        id="29 February",
    ),
    pytest.param(
        [],
        [*VISIT, "--window", "2016-06", "--yearly", "--until", "2019", "--agreement", "LoI"],
        [
            ("2016-06-01", "LoI"),
            ("2017-06-01", "LoI"),
            ("2018-06-01", None),
            ("2019-06-01", None),
        ],
        [
            "linked to agreement 'LoI' in 2016–2017",
            "not linked to any agreement in 2018–2019: 'LoI' is not in force on their start"
            " days (in force 2016-01-01..2017-12-31)",
        ],
        id="explicit --agreement ending mid-series",
    ),
    pytest.param(
        [],
        [*MEETING, "--on", "2017-03-01", "--yearly", "--agreement", "MoU"],
        [("2017-03-01", None), ("2018-03-01", "MoU"), ("2019-03-01", "MoU"), ("2020-03-01", "MoU")],
        [
            "not linked to any agreement in 2017: 'MoU' is not in force on 2017-03-01 (in force"
            " 2018-01-01..2020-12-31)",
            "linked to agreement 'MoU' in 2018–2020",
        ],
        id="explicit --agreement starting mid-series, to its end",
    ),
    pytest.param(
        [],
        [*VISIT, "--window", "2016-Q4", "--yearly"],
        [("2016-10-01", "LoI"), ("2017-10-01", "LoI")],
        [
            f"linked to agreement 'LoI' in 2016–2017: the only one in force then with {RULE}"
            " (choose another with --agreement)"
        ],
        id="without --until: to the end of the first occurrence's agreement",
    ),
]


@pytest.mark.parametrize(("setup", "command", "expected", "lines"), LINK_CASES)
def test_each_occurrence_is_linked_on_its_own_start_day(
    story: RitRunner,
    setup: list[list[str]],
    command: list[str],
    expected: list[tuple[str, str | None]],
    lines: list[str],
) -> None:
    rit = story
    for args in setup:
        quiet_ok(rit, *args)
    out = quiet_ok(rit, *command)
    assert link_lines(out) == lines
    assert linked(rit) == expected


def test_the_link_lines_of_a_single_exchange_stay_as_they_were(story: RitRunner) -> None:
    rit = story
    cases = [
        (
            ["--on", "2017-05-02"],
            f"linked to agreement 'LoI': the only one in force with {RULE}"
            " (choose another with --agreement)",
        ),
        (["--on", "2018-05-02", "--agreement", "MoU"], "linked to agreement 'MoU'"),
        (
            ["--on", "2021-05-02"],
            f"not linked to any agreement: none in force on 2021-05-02 has {RULE}",
        ),
    ]
    for args, line in cases:
        out = quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", *args)
        assert link_lines(out) == [line], args


OTHER_2019 = ["add-agreement", "Other", *PARTIES, "--signed", "2019-01-01", "--until", "2019"]

# Each case: commands run first, the command, and its whole error line.
REFUSED = [
    pytest.param(
        [],
        [*VISIT, "--on", "2018-03-01", "--agreement", "LoI"],
        "error: agreement 'LoI' (in force 2016-01-01..2017-12-31) is not in force on"
        " 2018-03-01: an exchange is only linked to an agreement in force on its start day;"
        " choose another, or leave out --agreement\n",
        id="explicit, a fixed day after it ended",
    ),
    pytest.param(
        [],
        [*MEETING, "--window", "2017-10", "--agreement", "MoU"],
        "error: agreement 'MoU' (in force 2018-01-01..2020-12-31) is not in force on"
        " 2017-10-01: an exchange is only linked to an agreement in force on its start day;"
        " choose another, or leave out --agreement\n",
        id="explicit, a window before it starts",
    ),
    pytest.param(
        [],
        [*VISIT, "--window", "2018-06", "--yearly", "--until", "2020", "--agreement", "LoI"],
        "error: agreement 'LoI' (in force 2016-01-01..2017-12-31) is not in force on the start"
        " day of any visit of the plan (2018–2020): an exchange is only linked to an agreement"
        " in force on its start day; choose another, or leave out --agreement\n",
        id="explicit, in force in no year of the plan",
    ),
    pytest.param(
        [OTHER_2019],
        [*VISIT, "--on", "2016-10-12", "--yearly", "--until", "2020"],
        "error: several agreements in force on 2019-10-12 (the 2019 visit of the --yearly plan)"
        " fit (#2 'MoU', #3 'Other'): choose one with --agreement, or end the plan before 2019"
        " with --until\n",
        id="two agreements in force in a later year",
    ),
    pytest.param(
        [OTHER_2019],
        [*MEETING, "--window", "2019-Q2", "--yearly"],
        "error: several agreements in force on 2019-04-01 (the 2019 meeting of the --yearly"
        " plan) fit (#2 'MoU', #3 'Other'): choose one with --agreement\n",
        id="two agreements in force in the first year",
    ),
]


@pytest.mark.parametrize(("setup", "command", "message"), REFUSED)
def test_refused_links_write_nothing(
    story: RitRunner, dump, setup: list[list[str]], command: list[str], message: str
) -> None:
    rit = story
    for args in setup:
        quiet_ok(rit, *args)
    before = dump()
    result = refused(rit(*command), "error: ")
    assert result.stderr == message
    assert result.stdout == ""
    assert dump() == before


def test_a_plan_without_until_ends_with_its_agreement_ended_early(story: RitRunner) -> None:
    rit = story
    quiet_ok(rit, "end-agreement", "MoU", "--on", "2019-07-01", "--reason", "merged")
    out = quiet_ok(
        rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2018-05-15", "--yearly"
    )
    assert "scheduled 2 visits, one a year:" in out
    assert linked(rit) == [("2018-05-15", "MoU"), ("2019-05-15", "MoU")]


def test_a_move_out_of_its_agreement_s_term_links_the_exchange_as_scheduling_would(
    story: RitRunner,
) -> None:
    """QA's case: rescheduled into the LoI's term, a visit linked to the MoU counts for the
    LoI now, and says so; moved where none is in force, it is unlinked; moved within the
    term, it keeps its link and nothing more is said."""
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2018-03-01")
    assert linked(rit) == [("2018-03-01", "MoU")]
    out = quiet_ok(rit, "reschedule", "1", "--on", "2018-04-01")
    assert out.count("\n") == 1 and linked(rit) == [("2018-04-01", "MoU")]
    out = quiet_ok(rit, "reschedule", "1", "--on", "2017-06-01")
    assert out.splitlines()[1] == (
        "now linked to agreement 'LoI': agreement 'MoU' (in force 2018-01-01..2020-12-31)"
        " is not in force on 2017-06-01"
    )
    assert linked(rit) == [("2017-06-01", "LoI")]
    assert compliance(rit, "LoI", "2017-05-25")[1] == (2017, 1, "on-track")
    assert compliance(rit, "MoU", "2017-05-25")[0] == (2018, 0, "at-risk")
    out = quiet_ok(rit, "reschedule", "1", "--on", "2021-03-01")
    assert out.splitlines()[1] == (
        "no longer linked to an agreement: agreement 'LoI' (in force 2016-01-01..2017-12-31)"
        " is not in force on 2021-03-01, and none that fits is"
    )
    assert linked(rit) == [("2021-03-01", None)]
    # Unlinked stays unlinked, even moved back into a term (--no-agreement may have said
    # so), but the confirmation says which agreement it would count for and how to link it.
    out = quiet_ok(rit, "reschedule", "1", "--on", "2018-03-01")
    assert out.splitlines()[1] == (
        "not linked to any agreement; #2 'MoU' fits and is in force on 2018-03-01:"
        " rit edit-exchange '#1' --agreement '#2' links it"
    )
    assert linked(rit) == [("2018-03-01", None)]
    history = quiet_ok(rit, "history", "1", "--kind", "exchange")
    assert [line.split("\t")[2:] for line in history.splitlines() if "\tagreement\t" in line] == [
        ["agreement", "", "#2 MoU"],
        ["agreement", "#2 MoU", "#1 LoI"],
        ["agreement", "#1 LoI", ""],
    ]


@pytest.mark.parametrize(
    "move",
    [
        ["fix-date", "1", "--on", "2017-12-20", "--force"],
        ["narrow", "1", "--window", "2017-12-20..2017-12-31"],
        ["reschedule", "1", "--window", "2017-12"],
    ],
    ids=["fix-date --force", "narrow", "reschedule --window"],
)
def test_every_move_of_the_start_day_keeps_the_link_true(story: RitRunner, move: list[str]) -> None:
    rit = story
    quiet_ok(
        rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2017-12-20..2018-02-28"
    )
    assert linked(rit) == [("2017-12-20", "LoI")]
    if move[0] == "narrow":
        quiet_ok(rit, "narrow", "1", "--window", "2018-01-05..2018-02-28")
        assert linked(rit) == [("2018-01-05", "MoU")]
        move = ["reschedule", "1", "--window", "2017-12"]
    elif move[0] == "fix-date":
        quiet_ok(rit, "narrow", "1", "--window", "2018-01")
    else:
        quiet_ok(rit, "reschedule", "1", "--window", "2018-02")
    out = quiet_ok(rit, *move)
    assert out.splitlines()[-1].startswith("now linked to agreement 'LoI': agreement 'MoU'")
    assert linked(rit)[0][1] == "LoI"


def test_a_move_where_several_agreements_fit_unlinks_and_says_how_to_choose(
    story: RitRunner,
) -> None:
    rit = story
    quiet_ok(rit, "add-agreement", "Other", "--signed", "2019-01-01", *PARTIES)
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-06-01")
    assert linked(rit) == [("2017-06-01", "LoI")]
    out = quiet_ok(rit, "reschedule", "1", "--on", "2019-06-01")
    assert out.splitlines()[1] == (
        "no longer linked: agreement 'LoI' (in force 2016-01-01..2017-12-31) is not in force"
        " on 2019-06-01, and several agreements in force then fit: choose one with"
        " rit edit-exchange '#1' --agreement REF"
    )
    assert linked(rit) == [("2019-06-01", None)]
    quiet_ok(rit, "edit-exchange", "1", "--agreement", "Other")
    assert linked(rit) == [("2019-06-01", "Other")]
    # Still in force on the new day: the chosen link stays, though MoU fits as well.
    out = quiet_ok(rit, "reschedule", "1", "--on", "2019-07-01")
    assert out.count("\n") == 1 and linked(rit) == [("2019-07-01", "Other")]


@pytest.mark.parametrize(
    ("change", "term", "both"),
    [
        (["--until", "2017-03-31"], "in force 2016-01-01..2017-03-31", True),
        (["--from", "2017-07-01"], "in force 2017-07-01..2017-12-31", False),
        (["--signed", "2017-08-01"], "in force 2017-08-01..2017-12-31", False),
        (["--signed", ""], "in force on no day", True),
    ],
)
def test_new_dates_that_leave_a_linked_exchange_outside_the_term_are_refused(
    story: RitRunner, dump, change: list[str], term: str, both: bool
) -> None:
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-06-01")
    quiet_ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2017-09-01")
    before = dump()
    result = refused(rit("edit-agreement", "LoI", *change), "error: ")
    assert result.stderr == (
        f"error: with these dates agreement 'LoI' ({term}) would not be in force on the start"
        " day of the visit #1 'LSN → FBRI visit 2017-06-01' (2017-06-01)"
        + (" and 1 more linked to it: move them" if both else " linked to it: move it")
        + " or link elsewhere first (rit edit-exchange ID --agreement REF or --no-agreement)\n"
    )
    assert dump() == before
    quiet_ok(rit, "edit-agreement", "LoI", "--from", "2017-06-01", "--until", "2017-09-01")
    assert linked(rit) == [("2017-06-01", "LoI"), ("2017-09-01", "LoI")]


def test_taking_back_an_extension_that_a_linked_exchange_needs_is_refused(
    story: RitRunner, dump
) -> None:
    rit = story
    quiet_ok(rit, "extend-agreement", "MoU", "--until", "2022")
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2021-05-01")
    assert linked(rit) == [("2021-05-01", "MoU")]
    before = dump()
    result = refused(rit("extend-agreement", "MoU", "--undo"), "error: ")
    assert result.stderr == (
        "error: with these dates agreement 'MoU' (in force 2018-01-01..2020-12-31) would not be"
        " in force on the start day of the visit #1 'LSN → FBRI visit 2021-05-01' (2021-05-01)"
        " linked to it: move it or link elsewhere first (rit edit-exchange ID --agreement REF"
        " or --no-agreement)\n"
    )
    assert dump() == before
    quiet_ok(rit, "reschedule", "1", "--on", "2020-05-01")
    quiet_ok(rit, "extend-agreement", "MoU", "--undo")


def test_an_exchange_after_a_termination_does_not_block_other_corrections(
    story: RitRunner,
) -> None:
    """end-agreement leaves what was planned after it linked; that is no reason to refuse
    correcting the agreement's start."""
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2020-05-01")
    quiet_ok(rit, "end-agreement", "MoU", "--on", "2019-12-31", "--reason", "merged")
    quiet_ok(rit, "edit-agreement", "MoU", "--from", "2018-02-01")


def test_a_visit_moved_past_a_termination_follows_the_link_rule(story: RitRunner) -> None:
    """QA: a visit that counted for the LoI, moved after the LoI's early end into the MoU
    that followed it, stayed linked to the LoI without a word and counted for neither.
    Only what was planned after the termination keeps its link there."""
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-05-10")
    quiet_ok(rit, "edit-agreement", "MoU", "--from", "2017-07-01")
    quiet_ok(rit, "end-agreement", "LoI", "--on", "2017-07-01", "--reason", "the MoU")
    out = quiet_ok(rit, "reschedule", "1", "--on", "2017-09-12")
    assert link_lines(out) == [
        "now linked to agreement 'MoU': agreement 'LoI' (in force 2016-01-01..2017-06-30)"
        " is not in force on 2017-09-12"
    ]
    assert linked(rit) == [("2017-09-12", "MoU")]
    assert compliance(rit, "MoU", "2017-08-01")[0] == (2017, 1, "on-track")


def test_a_move_within_the_planned_term_of_an_agreement_ended_early_keeps_the_link(
    story: RitRunner,
) -> None:
    """Review: end-agreement keeps what was planned after the termination linked; moving
    such a visit (within the planned term) dropped the link for good, and taking back the
    termination no longer counted it."""
    rit = story
    quiet_ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2017-06")
    quiet_ok(rit, "end-agreement", "LoI", "--on", "2017-01-01", "--reason", "merged")
    out = quiet_ok(rit, "reschedule", "1", "--window", "2017-08")
    assert out.count("\n") == 1 and linked(rit) == [("2017-08-01", "LoI")]
    quiet_ok(rit, "end-agreement", "LoI", "--undo")
    assert compliance(rit, "LoI", "2017-05-25")[1] == (2017, 1, "on-track")
    # Beyond the planned term the scheduling rule applies as ever.
    out = quiet_ok(rit, "reschedule", "1", "--window", "2018-03")
    assert linked(rit) == [("2018-03-01", "MoU")]
