"""remove-agreement, remove-programme, remove-cooperation, remove-exchange: what was entered
by mistake leaves every listing, reminder and export; what still refers to it refuses in
one line and changes nothing; its history stays reachable by the uuid the command prints."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, quiet_ok, quiet_visit, refused

LOI = ("--party", "LSN", "--party", "FBRI", "--signed", "2016-05-02", "--until", "2017",
       "--visits-per-year", "1")  # fmt: skip
REMOVED = re.compile(r"removed (\w+) #(\d+) (.+) \(uuid ([0-9a-f-]{36}), for rit history\)(.*)\n")


def removed(out: str) -> tuple[str, int, str, str, str]:
    """(kind, id, name, uuid, what follows) of a remove-* confirmation."""
    found = REMOVED.fullmatch(out)
    assert found, out
    return found[1], int(found[2]), found[3], found[4], found[5]


def history(rit: RitRunner, *args: str) -> list[tuple[str, str | None, str | None]]:
    rows = json.loads(quiet_ok(rit, "history", *args, "--json"))
    return [(h["action"], h["field"], h["new"]) for h in rows]


def table(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """LSN, FBRI, JETRO, Habeck; programme RIT; the LoI (#1, under RIT) and the same LoI
    entered twice (#2, with a field, a signatory and an extension), both owing a visit."""
    add_story_orgs(rit)
    ok(rit, "add-org", "Japan External Trade Organization", "--short", "JETRO", "--country", "JP")
    ok(rit, "add-contact", "Hinrich Habeck", "--org", "LSN")
    ok(rit, "add-programme", "Regional Industry-Tie-Up", "--short", "RIT", "--run-by", "JETRO",
       "--from", "2015-04-01", "--until", "2016-06-30")  # fmt: skip
    ok(rit, "add-agreement", "LoI Kobe–LSN", *LOI, "--programme", "RIT")
    ok(rit, "add-agreement", "LoI Kobe-LSN twice", *LOI, "--field", "networking",
       "--signatory", "Hinrich Habeck")  # fmt: skip
    ok(rit, "extend-agreement", "LoI Kobe-LSN twice", "--until", "2018")
    return rit


# ------------------------------------------------------------------ remove-agreement


def test_an_agreement_entered_twice_stops_raising_at_risk(story: RitRunner, db_path: Path) -> None:
    env = {"RIT_TODAY": "2016-11-01"}
    first = ok(story, "remind", "--new", env=env)
    assert first.count("at-risk") == 2
    out = quiet_ok(story, "remove-agreement", "LoI Kobe-LSN twice")
    kind, number, name, uuid, more = removed(out)
    assert (kind, number, name, more) == ("agreement", 2, "LoI Kobe-LSN twice", "")
    reminders = ok(story, "remind", env=env)
    assert reminders.count("at-risk") == 1 and "twice" not in reminders
    assert not [k for (k,) in table(db_path, "SELECT key FROM reminders_sent") if uuid in k]
    assert "twice" not in ok(story, "agreements") + ok(story, "report") + ok(story, "fields")
    assert "networking" not in ok(story, "fields")
    assert ok(story, "search", "twice") == ""
    for link in ("agreement_parties", "agreement_fields", "agreement_signatories", "extensions"):
        assert table(db_path, f"SELECT * FROM {link} WHERE agreement_id = 2") == [], link
    # Its history, and only it, by the uuid printed, its id with --kind, its title.
    rows = history(story, uuid)
    assert rows[0] == ("create", "title", "LoI Kobe-LSN twice")
    assert ("update", "valid_until", "2018-12-31") in rows and rows[-1] == ("delete", None, None)
    assert history(story, "2", "--kind", "agreement") == rows
    assert history(story, "loi kobe-lsn twice") == rows
    # The signatory it named can go now.
    assert quiet_ok(story, "remove-contact", "Hinrich Habeck").startswith("removed contact #1")


def test_an_agreement_with_linked_exchanges_and_cooperations_is_refused(
    story: RitRunner, dump: Callable[[], str]
) -> None:
    for month in ("2016-10", "2016-11", "2016-12"):
        quiet_visit(story, "LSN", "FBRI", "--window", month, "--agreement", "LoI Kobe–LSN")
    ok(story, "add-cooperation", "Pilot", "--org", "LSN", "--org", "FBRI",
       "--agreement", "LoI Kobe–LSN")  # fmt: skip
    before = dump()
    result = refused(story("remove-agreement", "LoI Kobe–LSN"), "still referred to")
    assert result.stderr == (
        "error: agreement 'LoI Kobe–LSN' is still referred to by exchange #1"
        " 'LSN → FBRI visit 2016-10' and 2 more (unlink: rit edit-exchange ID --no-agreement);"
        " cooperation #1 'Pilot' (unlink: rit edit-cooperation ID --agreement ''); unlink or"
        " remove those first\n"
    )
    assert result.stdout == "" and dump() == before
    # What the hint says is enough.
    for number in ("1", "2", "3"):
        ok(story, "edit-exchange", number, "--no-agreement")
    refused(story("remove-agreement", "1"), "cooperation #1 'Pilot' (unlink")
    ok(story, "edit-cooperation", "Pilot", "--agreement", "")
    assert removed(quiet_ok(story, "remove-agreement", "1"))[:3] == (
        "agreement", 1, "LoI Kobe–LSN",
    )  # fmt: skip
    agenda = ok(story, "agenda", "--from", "2016-01-01", "--to", "2016-12-31", "--json")
    assert len(json.loads(agenda)) == 3


# ------------------------------------------------------------------ remove-programme


def test_a_programme_is_refused_while_an_agreement_comes_under_it(
    story: RitRunner, dump: Callable[[], str], db_path: Path
) -> None:
    ok(story, "extend-programme", "RIT", "--until", "2016-09-30")
    ok(story, "remind", "--new", "--expiry-within", "60d")
    assert [k for (k,) in table(db_path, "SELECT key FROM reminders_sent") if ":programme:" in k]
    before = dump()
    refused(
        story("remove-programme", "RIT"),
        "programme 'Regional Industry-Tie-Up' is still referred to by agreement #1"
        " 'LoI Kobe–LSN' (unlink: rit edit-agreement ID --programme ''); unlink or remove"
        " those first",
    )
    assert dump() == before
    ok(story, "edit-agreement", "1", "--programme", "")
    kind, number, name, uuid, _ = removed(quiet_ok(story, "remove-programme", "rit"))
    assert (kind, number, name) == ("programme", 1, "Regional Industry-Tie-Up")
    assert ok(story, "programmes") == ""
    assert table(db_path, "SELECT * FROM extensions WHERE programme_id IS NOT NULL") == []
    assert not [k for (k,) in table(db_path, "SELECT key FROM reminders_sent") if uuid in k]
    assert "Tie-Up" not in ok(story, "remind", "--expiry-within", "60d")
    assert history(story, "RIT")[-1] == ("delete", None, None)  # the short name it had
    assert history(story, "1", "--kind", "programme") == history(story, uuid)


# ------------------------------------------------------------------ remove-cooperation


def test_a_cooperation_typed_wrongly_is_removed_with_its_status_history(
    story: RitRunner, db_path: Path
) -> None:
    ok(story, "add-cooperation", "Biobank piolt", "--org", "LSN", "--org", "FBRI",
       "--field", "technology transfer", "--status", "talks", "--on", "2016-03-01")  # fmt: skip
    ok(story, "set-cooperation-status", "Biobank piolt", "agreed")
    assert "Biobank piolt" in ok(story, "report", "--year", "2016")
    kind, number, name, uuid, _ = removed(quiet_ok(story, "remove-cooperation", "biobank piolt"))
    assert (kind, number, name) == ("cooperation", 1, "Biobank piolt")
    assert ok(story, "cooperations") == ""
    assert "Biobank" not in ok(story, "report", "--year", "2016")
    for link in ("cooperation_orgs", "cooperation_fields", "cooperation_status_changes"):
        assert table(db_path, f"SELECT * FROM {link}") == [], link
    rows = history(story, "Biobank piolt")
    assert ("update", "status", "agreed") in rows and rows[-1] == ("delete", None, None)
    assert history(story, "1", "--kind", "cooperation") == history(story, uuid) == rows


# ------------------------------------------------------------------ remove-exchange


def planned(rit: RitRunner) -> int:
    """The visits the LoI counts as planned for 2016."""
    detail = json.loads(ok(rit, "show-agreement", "LoI Kobe–LSN", "--json"))
    return int(next(c["planned"] for c in detail["compliance"] if c["year"] == 2016))


def test_a_duplicate_visit_leaves_listings_compliance_reminders_and_the_calendar(
    story: RitRunner, db_path: Path
) -> None:
    for _ in range(2):
        quiet_visit(story, "FBRI", "LSN", "--on", "2016-09-12", "--at", "10:00",
                    "--agreement", "LoI Kobe–LSN", "--field", "networking",
                    "--participant", "Hinrich Habeck")  # fmt: skip
    assert planned(story) == 2
    ok(story, "remind", "--new", "--within", "30d")
    ics = ok(story, "export", "ics")
    uuids = dict(table(db_path, "SELECT id, uuid FROM exchanges"))
    assert all(uuid in ics for uuid in uuids.values())
    kind, number, name, uuid, more = removed(quiet_ok(story, "remove-exchange", "2"))
    assert (kind, number, name, uuid, more) == ("visit", 2, "FBRI → LSN visit 2016-09-12",
                                                uuids[2], "")  # fmt: skip
    agenda = json.loads(ok(story, "agenda", "--json"))
    assert [e["id"] for e in agenda] == [1]
    assert planned(story) == 1
    assert uuids[2] not in ok(story, "export", "ics") and uuids[1] in ok(story, "export", "ics")
    assert uuids[2] not in "".join(k for (k,) in table(db_path, "SELECT key FROM reminders_sent"))
    assert ok(story, "remind", "--within", "30d").count("FBRI → LSN visit 2016-09-12") == 1
    for link in ("exchange_orgs", "exchange_participants", "exchange_fields"):
        assert table(db_path, f"SELECT * FROM {link} WHERE exchange_id = 2") == [], link
    assert table(db_path, "SELECT * FROM exchange_spans WHERE id = 2") == []
    rows = history(story, "2", "--kind", "exchange")
    assert rows[0][0] == "create" and rows[-1] == ("delete", None, None)
    assert history(story, uuid) == rows
    refused(story("show-exchange", "2"), "no exchange '2'")


def test_one_exchange_of_a_yearly_plan_is_removed_and_the_others_are_kept(
    story: RitRunner,
) -> None:
    quiet_visit(story, "LSN", "FBRI", "--window", "2016-10", "--yearly", "--until", "2018",
                "--agreement", "LoI Kobe-LSN twice")  # fmt: skip
    out = quiet_ok(story, "remove-exchange", "2")
    assert removed(out)[4] == "; the other 2 exchanges of its yearly plan are kept"
    members = json.loads(ok(story, "show-exchange", "1", "--json"))["series_members"]
    assert [m["id"] for m in members] == [1, 3]
    out = quiet_ok(story, "remove-exchange", "3")
    assert removed(out)[4] == "; the other exchange of its yearly plan is kept"


def test_an_exchange_at_a_trip_stop_is_removed_and_the_stop_stays(story: RitRunner) -> None:
    ok(story, "add-trip", "Japan 2016", "--from", "2016-09-10", "--to", "2016-09-14")
    ok(story, "add-stop", "Japan 2016", "--city", "Kobe", "--country", "JP",
       "--from", "2016-09-12", "--to", "2016-09-13", "--org", "FBRI")  # fmt: skip
    quiet_visit(story, "LSN", "FBRI", "--on", "2016-09-12", "--trip", "Japan 2016",
                "--title", "Test visit", "--agreement", "LoI Kobe–LSN")  # fmt: skip
    assert "Test visit" in ok(story, "show-trip", "Japan 2016")
    assert removed(quiet_ok(story, "remove-exchange", "Test visit"))[:3] == (
        "visit", 1, "Test visit",
    )  # fmt: skip
    trip = json.loads(ok(story, "show-trip", "Japan 2016", "--json"))
    assert [s["city"] for s in trip["stops"]] == ["Kobe"]
    assert "Test visit" not in ok(story, "show-trip", "Japan 2016")
    quiet_ok(story, "remove-trip", "Japan 2016")  # no --detach needed any more


def test_a_test_meeting_is_removed(story: RitRunner) -> None:
    ok(story, "add-meeting", "Test meeting", "--org", "LSN", "--org", "FBRI", "--on",
       "2016-09-01", "--online", "--agreement", "LoI Kobe–LSN")  # fmt: skip
    assert removed(quiet_ok(story, "remove-exchange", "test meeting"))[:3] == (
        "meeting", 1, "Test meeting",
    )  # fmt: skip
    assert ok(story, "agenda") == ""


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("remove-agreement", "nothing"), "no agreement 'nothing'"),
        (("remove-agreement", ""), "must not be empty"),
        (("remove-agreement", "LoI"), "no agreement 'LoI'; did you mean"),
        (("remove-programme", "JETRO"), "no programme 'JETRO'"),
        (("remove-programme", "#9"), "no programme '#9'"),
        (("remove-cooperation", "7"), "no cooperation '7'"),
        (("remove-exchange", "Same"), "exchange 'Same' is ambiguous: #1 'Same', #2 'Same'"),
        (("remove-exchange", "3"), "no exchange '3'"),
        (("remove-exchange", "1", "2"), "unexpected extra argument"),
        (("remove-exchange",), "missing argument"),
        (("remove-exchange", "1", "--detach"), "--detach"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    story: RitRunner, dump: Callable[[], str], args: tuple[str, ...], says: str
) -> None:
    for _ in range(2):
        quiet_visit(story, "LSN", "FBRI", "--window", "2016-10", "--title", "Same",
                    "--agreement", "LoI Kobe–LSN")  # fmt: skip
    before = dump()
    refused(story(*args), says)
    assert dump() == before


@pytest.mark.parametrize(
    "command", ["remove-agreement", "remove-programme", "remove-cooperation", "remove-exchange"]
)
def test_without_a_database_nothing_is_created(rit: RitRunner, db_path: Path, command: str) -> None:
    result = rit(command, "1")
    assert result.exit_code == 1 and result.stderr.startswith("error: no database at ")
    assert not db_path.exists() and not db_path.parent.exists()
