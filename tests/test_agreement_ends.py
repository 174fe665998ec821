"""An agreement's end, early termination included, the same everywhere it is shown.

The last day in force is schedule.AgreementTerms.end: valid-until, or the day before
end-agreement's --on. `agreements`, `show-agreement`, `report` (every format) and `remind`
show that day as its end; the status and remind's `expiring` item follow it.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, refused

TODAY = "2016-08-25"  # remind's and the status's horizon: 90 days, to 2016-11-23
TITLE = "LoI Kobe–LSN"


@dataclass(frozen=True)
class Case:
    """An agreement signed 2016-01-01, as the commands should show it on TODAY."""

    until: str | None  # --until; None: open-ended
    ended: str | None  # end-agreement --on
    end: str | None  # the last day in force; None: open-ended
    status: str
    reminder: str | None  # remind's expiring message, or None when it is no item
    edit_until: str | None = None  # valid-until moved before the termination


CASES = {
    "terminated before valid-until, ends within the horizon": Case(
        "2017",
        "2016-10-01",
        "2016-09-30",
        "expiring",
        "agreement ends on 2016-09-30 (terminated on 2016-10-01), in 36 days; plan what follows",
    ),
    "terminated before valid-until, ends beyond the horizon": Case(
        "2017", "2017-06-01", "2017-05-31", "active", None
    ),
    "terminated on valid-until: it ends the day before": Case(
        "2016-10-31",
        "2016-10-31",
        "2016-10-30",
        "expiring",
        "agreement ends on 2016-10-30 (terminated on 2016-10-31), in 66 days; plan what follows",
    ),
    "terminated after valid-until: valid-until ends it, it cannot be extended": Case(
        "2017",
        "2016-11-15",
        "2016-10-15",
        "expiring",
        "agreement ends on 2016-10-15, in 51 days; plan what follows",
        edit_until="2016-10-15",
    ),
    "terminated in the past": Case("2017", "2016-08-01", "2016-07-31", "terminated", None),
    "terminated in the past, valid-until within the horizon": Case(
        "2016-10-31", "2016-08-01", "2016-07-31", "terminated", None
    ),
    "terminated today": Case("2017", TODAY, "2016-08-24", "terminated", None),
    "terminated tomorrow: its last day is today": Case(
        "2017",
        "2016-08-26",
        TODAY,
        "expiring",
        "agreement ends on 2016-08-25 (terminated on 2016-08-26), today; plan what follows",
    ),
    "last day in force is the horizon's last day": Case(
        "2017",
        "2016-11-24",
        "2016-11-23",
        "expiring",
        "agreement ends on 2016-11-23 (terminated on 2016-11-24), in 90 days; plan what follows",
    ),
    "last day in force is a day beyond the horizon": Case(
        "2017", "2016-11-25", "2016-11-24", "active", None
    ),
    "open-ended, terminated within the horizon": Case(
        None,
        "2016-10-01",
        "2016-09-30",
        "expiring",
        "agreement ends on 2016-09-30 (terminated on 2016-10-01), in 36 days; plan what follows",
    ),
    "open-ended, terminated beyond the horizon": Case(
        None, "2017-03-01", "2017-02-28", "active", None
    ),
    "open-ended, terminated in the past": Case(
        None, "2016-06-01", "2016-05-31", "terminated", None
    ),
    "open-ended, not terminated": Case(None, None, None, "active", None),
    "not terminated, valid-until within the horizon": Case(
        "2016-10-31",
        None,
        "2016-10-31",
        "expiring",
        "agreement ends on 2016-10-31, in 67 days; extend it or plan what follows",
    ),
    "not terminated, valid-until beyond the horizon": Case(
        "2017", None, "2017-12-31", "active", None
    ),
}


def enter(rit: RitRunner, case: Case, db_path: Path | None = None) -> None:
    add_story_orgs(rit)
    until = ("--until", case.until) if case.until else ()
    ok(
        rit,
        "add-agreement",
        TITLE,
        "--party",
        "LSN",
        "--party",
        "FBRI",
        "--signed",
        "2016-01-01",
        *until,
        "--visits-per-year",
        "1",
        today="2016-01-01",
    )
    if case.ended:
        ok(rit, "end-agreement", TITLE, "--on", case.ended, "--reason", "merged", today=TODAY)
    if case.edit_until:
        # A state rit no longer lets edit-agreement make (an end before the termination),
        # which a database from before may hold: every command still shows the same end.
        assert db_path is not None
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("UPDATE agreements SET valid_until = ?", (case.edit_until,))
        conn.close()


def planned_until(case: Case) -> str | None:
    if case.edit_until:
        return case.edit_until
    if case.until is None:
        return None
    return case.until if len(case.until) > 4 else f"{case.until}-12-31"


def expiring(rit: RitRunner, *args: str) -> list[dict]:
    items = json.loads(ok(rit, "remind", "--json", *args, today=TODAY))
    return [item for item in items if item["kind"] == "expiring"]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_command_shows_the_same_end(rit: RitRunner, case: Case, db_path: Path) -> None:
    enter(rit, case, db_path)
    planned = planned_until(case)

    # agreements, piped and --json
    [line] = ok(rit, "agreements", today=TODAY).splitlines()
    cells = line.split("\t")
    assert (cells[3], cells[7]) == (case.status, case.end or "")
    [listed] = json.loads(ok(rit, "agreements", "--json", today=TODAY))
    assert listed["in_force_until"] == case.end
    assert listed["valid_until"] == planned and listed["terminated_on"] == case.ended
    assert listed["status"] == case.status

    # show-agreement, --json and piped: the planned end too, and what cut it
    shown = json.loads(ok(rit, "show-agreement", TITLE, "--json", today=TODAY))
    assert (shown["in_force_until"], shown["valid_until"], shown["status"]) == (
        case.end,
        planned,
        case.status,
    )
    lines = ok(rit, "show-agreement", TITLE, today=TODAY).splitlines()
    until_lines = [x for x in lines if x.startswith("until: ")]
    if case.ended:
        validity = f"valid until {planned}" if planned else "open-ended"
        assert until_lines == [
            f"until: {validity}, terminated on {case.ended}: in force until {case.end}"
        ]
        assert "reason: merged" in lines
    else:
        assert until_lines == ([f"until: {case.end}"] if case.end else [])

    # report: JSON, and the piped table
    report = json.loads(ok(rit, "report", "--json", today=TODAY))
    [state] = report["agreements"]
    assert (state["in_force_until"], state["valid_until"], state["terminated_on"]) == (
        case.end,
        planned,
        case.ended,
    )
    assert state["status"] == case.status
    piped = ok(rit, "report", today=TODAY)
    row = next(x for x in piped.splitlines() if x.startswith(f"#1 {TITLE}\t")).split("\t")
    cut = case.ended is not None and case.end != planned
    assert row[2:4] == [
        case.status,
        (f"{case.end} (terminated on {case.ended})" if cut else case.end) or "open-ended",
    ]

    # remind, and the report's reminders: an expiring item exactly when the status says so
    items = expiring(rit)
    assert [item["message"] for item in items] == ([case.reminder] if case.reminder else [])
    assert (case.status == "expiring") == bool(items)
    if items:
        assert items[0]["date"] == items[0]["end"] == case.end
        assert items[0]["record"] == "agreement" and items[0]["id"] == 1
    reported = [r["message"] for r in report["reminders"] if r["kind"] == "expiring"]
    assert reported == [item["message"] for item in items]


def test_the_expiry_horizon_is_remind_s_option(rit: RitRunner) -> None:
    enter(rit, CASES["terminated before valid-until, ends beyond the horizon"])  # ends 2017-05-31
    assert expiring(rit) == []
    assert expiring(rit, "--expiry-within", "278d") == []  # to 2017-05-30
    [item] = expiring(rit, "--expiry-within", "279d")  # to 2017-05-31, its last day
    assert expiring(rit, "--expiry-within", "1y") == [item]
    assert item["message"] == (
        "agreement ends on 2017-05-31 (terminated on 2017-06-01), in 279 days; plan what follows"
    )


def test_report_formats_and_terminal_views_agree(rit: RitRunner) -> None:
    """The QA case: signed 2016-01-01, until 2017, terminated on 2016-10-01."""
    enter(rit, CASES["terminated before valid-until, ends within the horizon"])
    shown = "2016-09-30 (terminated on 2016-10-01)"
    markdown = ok(rit, "report", "--format", "markdown", today=TODAY)
    assert "| in force until |" in markdown and f"| {shown} |" in markdown
    table = list(csv.reader(io.StringIO(ok(rit, "report", "--format", "csv", today=TODAY))))
    header = table[1]
    row = table[2]
    assert row[header.index("in force until")] == shown
    terminal = rit("report", env={"RIT_TODAY": TODAY, "TTY_COMPATIBLE": "1"}).stdout
    assert "2016-09-30" in terminal and "2017-12-31" not in terminal
    listing = rit("agreements", env={"RIT_TODAY": TODAY, "TTY_COMPATIBLE": "1"}).stdout
    assert "2016-09-30" in listing and "2017-12-31" not in listing
    details = rit("show-agreement", TITLE, env={"RIT_TODAY": TODAY, "TTY_COMPATIBLE": "1"}).stdout
    assert "in force until 2016-09-30" in " ".join(details.split())
    reminders = rit("remind", env={"RIT_TODAY": TODAY, "TTY_COMPATIBLE": "1"}).stdout
    assert "2016-09-30" in reminders and "terminated on 2016-10-01" in " ".join(reminders.split())
    year = json.loads(ok(rit, "report", "--year", "2016", "--json", today=TODAY))
    [entry] = year["compliance"]
    assert (entry["in_force_until"], entry["terminated_on"]) == ("2016-09-30", "2016-10-01")


def test_after_its_last_day_it_is_terminated_and_no_longer_expiring(rit: RitRunner) -> None:
    enter(rit, CASES["terminated before valid-until, ends within the horizon"])
    for today, status, items in (
        ("2016-09-30", "expiring", 1),
        ("2016-10-01", "terminated", 0),
        ("2016-12-31", "terminated", 0),
    ):
        [listed] = json.loads(ok(rit, "agreements", "--json", today=today))
        assert (listed["status"], listed["in_force_until"]) == (status, "2016-09-30")
        found = json.loads(ok(rit, "remind", "--json", today=today))
        assert len([i for i in found if i["kind"] == "expiring"]) == items, today


def test_remind_reads_ending_agreements_through_the_valid_until_index(
    conn: sqlite3.Connection,
) -> None:
    """Terminated or not, through agreements_until (valid_until), never a scan of the table."""
    from rit_cli.store.reminders import ending_within

    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        ending_within(conn, date(2016, 8, 25), date(2016, 11, 23))
    finally:
        conn.set_trace_callback(None)
    [sql] = [s for s in seen if "FROM agreements" in s]
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert searches and all("USING INDEX agreements_until" in s for s in searches), plan


def test_an_end_before_a_recorded_termination_is_refused(rit: RitRunner, dump) -> None:
    """A termination ends an agreement early; an end moved before it left the agreement
    expired, then terminated a month after it ran out (end-agreement refuses such a day)."""
    add_story_orgs(rit)
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-03-01", "--until", "2017", "--visits-per-year", "1")  # fmt: skip
    ok(rit, "end-agreement", "LoI", "--on", "2016-10-01", "--reason", "merged")
    before = dump()
    refused(
        rit("edit-agreement", "LoI", "--until", "2016-08-31"),
        "agreement 'LoI' is terminated as of 2016-10-01, so it must run until then (not end on"
        " 2016-08-31): take back the termination first (end-agreement --undo)",
    )
    assert dump() == before
    assert ok(rit, "edit-agreement", "LoI", "--until", "2016-10-01").startswith("updated")


@pytest.mark.parametrize("kind", ["agreement", "programme"])
def test_taking_back_an_extension_never_ends_a_term_before_it_starts(
    rit: RitRunner, dump, kind: str
) -> None:
    """Extended to 2018, then its start moved into 2018: without the extension it would
    end (2017-12-31) before it starts, signed straight to expired."""
    add_story_orgs(rit)
    if kind == "agreement":
        ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
           "2016-03-01", "--until", "2017")  # fmt: skip
    else:
        ok(
            rit,
            "add-programme",
            "LoI",
            "--run-by",
            "LSN",
            "--from",
            "2016-03-01",
            "--until",
            "2017",
        )
    ok(rit, f"extend-{kind}", "LoI", "--until", "2018")
    ok(rit, f"edit-{kind}", "LoI", "--from", "2018-01-01")
    before = dump()
    refused(
        rit(f"extend-{kind}", "LoI", "--undo"),
        f"{kind} 'LoI' starts on 2018-01-01: without its extension to 2018-12-31 it would end"
        f" on 2017-12-31, before it starts; correct its start first (rit edit-{kind} --from)",
    )
    assert dump() == before
    ok(rit, f"edit-{kind}", "LoI", "--from", "2017-06-01")
    assert "2017-12-31" in ok(rit, f"extend-{kind}", "LoI", "--undo")
