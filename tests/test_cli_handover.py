"""end-agreement names the exchanges its termination leaves counting for nothing.

The story's handover: the LoI is ended on the day the MoU comes into force. Visits planned
under the LoI after that day stay linked to it (end-agreement --undo finds them counted
again), so they count for no agreement until linked to the MoU; end-agreement says so for
each, and names the agreement it would count for and the command that links it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, statements_run


def _story(rit: RitRunner) -> None:
    add_story_orgs(rit)
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-01-01", "--visits-per-year", "1")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-09")  # 1
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-11")  # 2
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2017-03-01")  # 3
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2017-04-03")  # 4
    ok(rit, "cancel", "4", "--reason", "no budget")


def test_end_agreement_names_what_now_counts_for_nothing(rit: RitRunner) -> None:
    _story(rit)
    ok(rit, "add-agreement", "MoU", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-10-01", "--visits-per-year", "1")  # fmt: skip
    out = ok(rit, "end-agreement", "LoI", "--on", "2016-10-01")
    lines = out.splitlines()
    assert lines[0].startswith("terminated agreement #1 LoI on 2016-10-01")
    # the September window starts while the LoI is in force; the cancelled visit is no loss
    assert lines[1:] == [
        "visit #2 'LSN → FBRI visit 2016-11' (2016-11) starts after it ended and counts for"
        " no agreement; #2 'MoU' fits and is in force then: rit edit-exchange '#2' --agreement"
        " '#2' links it",
        "visit #3 'FBRI → LSN visit 2017-03-01' (2017-03-01) starts after it ended and counts"
        " for no agreement; #2 'MoU' fits and is in force then: rit edit-exchange '#3'"
        " --agreement '#2' links it",
    ]
    for line in lines[1:]:  # the command it names works
        ok(rit, *shlex.split(line.split(": rit ")[1].removesuffix(" links it")))
    agenda = ok(rit, "agenda", "--agreement", "MoU", "--from", "2016-01-01", "--to", "2017-12-31")
    assert [line.split("\t")[0] for line in agenda.splitlines()] == ["2", "3"]


def test_without_a_successor_it_says_none_fits(rit: RitRunner) -> None:
    _story(rit)
    out = ok(rit, "end-agreement", "LoI", "--on", "2017-01-01")
    notes = out.splitlines()[1:]
    assert notes == [
        "visit #3 'FBRI → LSN visit 2017-03-01' (2017-03-01) starts after it ended and counts"
        " for no agreement; no other agreement in force then fits"
    ]


def test_nothing_left_behind_says_nothing_more(rit: RitRunner) -> None:
    _story(rit)
    out = ok(rit, "end-agreement", "LoI", "--on", "2017-06-01")
    assert len(out.splitlines()) == 1


def test_with_several_successors_the_user_chooses(rit: RitRunner) -> None:
    _story(rit)
    for title in ("MoU", "Second MoU"):
        ok(rit, "add-agreement", title, "--party", "LSN", "--party", "FBRI", "--signed",
           "2016-10-01")  # fmt: skip
    out = ok(rit, "end-agreement", "LoI", "--on", "2017-01-01")
    assert out.splitlines()[1:] == [
        "visit #3 'FBRI → LSN visit 2017-03-01' (2017-03-01) starts after it ended and counts"
        " for no agreement; several fit then: choose one with rit edit-exchange '#3' --agreement REF"
    ]


def _busy(rit: RitRunner, env: dict[str, str | None], others: int) -> None:
    """An LoI with a visit a year from 2017 to 2060 (44), and LSN party to OTHERS more
    agreements, with organisations none of those visits has."""
    add_story_orgs(rit, env=env)
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-01-01", "--until", "2070-12-31", env=env)  # fmt: skip
    for i in range(others):
        ok(rit, "add-org", f"Partner {i}", "--short", f"P{i}", "--kind", "cluster",
           "--country", "DE", env=env)  # fmt: skip
        ok(rit, "add-agreement", f"Other {i}", "--party", "LSN", "--party", f"P{i}",
           "--signed", "2016-01-01", env=env)  # fmt: skip
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2017-03-01",
       "--yearly", "--until", "2060", env=env)  # fmt: skip


def _ending(rit: RitRunner, env: dict[str, str | None]) -> tuple[str, int]:
    """end-agreement LoI --on 2017-01-01: what it prints, and the SQL statements it ran."""
    with statements_run() as seen:
        out = ok(rit, "end-agreement", "LoI", "--on", "2017-01-01", env=env)
    return out, len(seen)


def test_thousands_left_behind_are_told_in_a_page_and_listed_by_the_agenda(
    rit: RitRunner, tmp_path: Path
) -> None:
    """An agreement ended with 34 000 exchanges after it printed a note on each (and judged
    each against the 5 510 agreements of its home organisation: minutes). The first 20
    are told, then how many more and the agenda that lists them; the statements run do not
    grow with the exchanges left nor with the agreements their organisations are party to."""
    few = {"RIT_DB": str(tmp_path / "few.db")}
    many = {"RIT_DB": str(tmp_path / "many.db")}
    _busy(rit, few, others=1)
    _busy(rit, many, others=8)
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2061-03-01",
       "--agreement", "LoI", env=many)  # fmt: skip
    # An agreement titled as the other's id: the agenda named must still find the LoI.
    ok(rit, "edit-agreement", "Other 0", "--title", "1", env=few)
    out, statements = _ending(rit, few)
    lines = out.splitlines()
    assert lines[0].startswith("terminated agreement #1 LoI on 2017-01-01")
    assert lines[1] == (
        "visit #1 'FBRI → LSN visit 2017-03-01' (2017-03-01) starts after it ended and counts"
        " for no agreement; no other agreement in force then fits"
    )
    assert len(lines) == 1 + 20 + 1
    assert lines[20].startswith("visit #20 'FBRI → LSN visit 2036-03-01' (2036-03-01)")
    assert lines[-1] == (
        "… and 24 more start after it ended and count for no agreement:"
        " rit agenda --agreement '#1' --from 2017-01-01 --to 2060-03-01 lists them (with any"
        " cancelled or begun earlier)"
    )
    command = lines[-1].split(": rit ")[1].split(" lists them")[0]
    agenda = ok(rit, *shlex.split(command), env=few)
    assert [int(line.split("\t")[0]) for line in agenda.splitlines()] == list(range(1, 45))

    out_many, statements_many = _ending(rit, many)
    assert out_many.splitlines()[-1] == (
        "… and 25 more start after it ended and count for no agreement:"
        " rit agenda --agreement '#1' --from 2017-01-01 --to 2061-03-01 lists them (with any"
        " cancelled or begun earlier)"
    )
    assert statements_many == statements
