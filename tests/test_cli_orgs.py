"""Organisations and contacts through the CLI."""

from __future__ import annotations

import json
import os
import shlex
import stat
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import ADD_JETRO, ADD_LSN, add_story_orgs, ok, refused, statements_run


def test_add_org_defaults_zone_from_country(rit: RitRunner) -> None:
    result = rit("add-org", "Life Science Nord", "--short", "LSN", "--country", "de")
    assert result.exit_code == 0, result.stderr
    assert "added organisation #1 Life Science Nord (LSN), time zone Europe/Berlin" in result.stdout
    data = json.loads(rit("show-org", "lsn", "--json").stdout)
    assert data["country"] == "DE"
    assert data["tz"] == "Europe/Berlin"
    assert data["kind"] == "other"
    assert len(data["uuid"]) == 36


def test_multi_zone_country_keeps_zone_empty_unless_given(rit: RitRunner) -> None:
    assert rit("add-org", "Boston Biotech", "--country", "US").exit_code == 0
    assert json.loads(rit("show-org", "Boston Biotech", "--json").stdout)["tz"] is None
    assert rit("add-org", "MassBio", "--country", "US", "--tz", "America/New_York").exit_code == 0
    assert json.loads(rit("show-org", "massbio", "--json").stdout)["tz"] == "America/New_York"


def test_the_zone_hint_works_as_typed_when_an_org_is_named_by_its_number(rit: RitRunner) -> None:
    """The hint names the organisation as '#ID': a bare 2 is ambiguous (refused) when
    another organisation is called 2, so the command shown failed as typed."""
    ok(rit, "add-org", "2", "--country", "DE")
    said = ok(rit, "add-org", "Boston Biotech", "--country", "US")
    hint = said[said.index("rit edit-org") :].split(" --tz")[0]
    assert hint == "rit edit-org '#2'"
    refused(rit("edit-org", "2", "--tz", "America/New_York"), "ambiguous")
    assert ok(rit, *shlex.split(hint)[1:], "--tz", "America/New_York") == (
        "updated organisation #2 Boston Biotech: tz (time zone America/New_York)\n"
    )


def test_an_org_left_without_a_zone_is_told_how_to_give_one(rit: RitRunner) -> None:
    assert ok(rit, "add-org", "Boston Biotech", "--country", "US") == (
        "added organisation #1 Boston Biotech; no time zone: US has several, set one with"
        " rit edit-org '#1' --tz ZONE\n"
    )
    assert ok(rit, "add-org", "Anywhere") == "added organisation #2 Anywhere\n"
    # Review: a zone cleared on purpose in a country of one zone is not "one of several".
    assert ok(rit, "add-org", "Kobe Lab", "--country", "JP", "--tz", "") == (
        "added organisation #3 Kobe Lab\n"
    )
    assert ok(rit, "edit-org", "Kobe Lab", "--tz", "Asia/Tokyo").startswith("updated")
    assert ok(rit, "edit-org", "Kobe Lab", "--tz", "") == "updated organisation #3 Kobe Lab: tz\n"
    # The zone named after its city is offered (zone.tab's first is no example: AU begins
    # with Lord_Howe).
    for number, (city, country, zone) in enumerate(
        [("Chicago", "US", "America/Chicago"), ("São Paulo", "BR", "America/Sao_Paulo")], 4
    ):
        assert ok(rit, "add-org", f"Lab {city}", "--country", country, "--city", city) == (
            f"added organisation #{number} Lab {city}; no time zone: {country} has several, set"
            f" one with rit edit-org '#{number}' --tz ZONE ({zone} for {city})\n"
        )


@pytest.mark.parametrize(
    ("start", "edit", "said", "zone"),
    [
        # A zone that came with the country goes with it.
        (
            ("--country", "DE"),
            ("--country", "JP"),
            ": country, tz (time zone Asia/Tokyo)",
            "Asia/Tokyo",
        ),
        (
            ("--country", "DE"),
            ("--country", "AT"),
            ": country, tz (time zone Europe/Vienna)",
            "Europe/Vienna",
        ),
        (
            ("--country", "DE"),
            ("--country", "US"),
            ": country, tz; no time zone: US has several, set one with rit edit-org '#1' --tz ZONE",
            None,
        ),
        # One the new country keeps too stays (US -> US, a zone of both).
        (
            ("--country", "US", "--tz", "America/Chicago"),
            ("--city", "Chicago"),
            ": city",
            "America/Chicago",
        ),
        # Set apart from the country: stays.
        (("--country", "DE", "--tz", "UTC"), ("--country", "JP"), ": country", "UTC"),
        (("--country", "JP"), ("--country", ""), ": country", "Asia/Tokyo"),
        # None before: the new country's, or the hint.
        ((), ("--country", "JP"), ": country, tz (time zone Asia/Tokyo)", "Asia/Tokyo"),
        (
            (),
            ("--country", "CA"),
            ": country; no time zone: CA has several, set one with rit edit-org '#1' --tz ZONE",
            None,
        ),
    ],
)
def test_a_new_country_takes_the_zone_that_came_with_the_old_one(
    rit: RitRunner,
    start: tuple[str, ...],
    edit: tuple[str, ...],
    said: str,
    zone: str | None,
) -> None:
    ok(rit, "add-org", "Movers", *start)
    assert ok(rit, "edit-org", "Movers", *edit) == f"updated organisation #1 Movers{said}\n"
    assert json.loads(ok(rit, "show-org", "Movers", "--json"))["tz"] == zone


def test_orgs_piped_is_one_line_per_record(rit: RitRunner) -> None:
    add_story_orgs(rit)
    result = rit("orgs")
    lines = result.stdout.splitlines()
    assert lines == [
        "2\tFoundation for Biomedical Research and Innovation\tFBRI\tfoundation\tJP\tKobe\tAsia/Tokyo\t",
        "1\tLife Science Nord\tLSN\tcluster\tDE\tHamburg\tEurope/Berlin\t",
    ]


def test_orgs_table_on_terminal_aligns_japanese(rit: RitRunner) -> None:
    add_story_orgs(rit)
    assert rit("add-org", "神戸医療産業都市推進機構", "--country", "JP").exit_code == 0
    result = rit("orgs", env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1"})
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert "name" in lines[0] and "country" in lines[0]
    from rich.cells import cell_len

    # Every data row has the country code at the same display column.
    positions = {cell_len(line[: line.index(" JP ")]) for line in lines if " JP " in line}
    assert len(positions) == 1


def test_orgs_filters_and_json(rit: RitRunner) -> None:
    add_story_orgs(rit)
    assert (
        rit(
            "add-org", "JETRO", "--kind", "agency", "--country", "JP", "--tag", "Trade Promotion"
        ).exit_code
        == 0
    )
    result = rit("orgs", "--country", "jp", "--json")
    names = [o["name"] for o in json.loads(result.stdout)]
    assert names == ["Foundation for Biomedical Research and Innovation", "JETRO"]
    assert [o["name"] for o in json.loads(rit("orgs", "--kind", "agency", "--json").stdout)] == [
        "JETRO"
    ]
    tagged = json.loads(rit("orgs", "--tag", "trade promotion", "--json").stdout)
    assert [o["tags"] for o in tagged] == [["trade-promotion"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-org", "X", "--country", "XX"], "unknown country 'XX'"),
        (["add-org", "X", "--country", "Germany"], "unknown country 'Germany'"),
        (["add-org", "life science nord"], "already used by organisation #1"),
        (["add-org", "  Life Science Nord  "], "already used"),
        (["add-org", "Other", "--short", "lsn"], "short name 'lsn' is already used"),
        (["add-org", "Other", "--short", "Life Science Nord"], "already used"),
        (["add-org", "X", "--tz", "Europe/Hamburg"], "unknown time zone 'Europe/Hamburg'"),
        (["add-org", "X", "--kind", "club"], "unknown kind 'club'"),
        (["add-org", "   "], "name must not be empty"),
        (["add-org", "X" * 201], "too long"),
        (["add-org", "X", "--website", "not a site"], "website"),
        (["add-contact", "A", "--org", "nobody"], "no organisation 'nobody'"),
        (["add-contact", "A", "--org", "LSN", "--email", "a@b"], "e-mail 'a@b'"),
        (["add-contact", "A", "--org", "LSN", "--email", "not-an-email"], "not-an-email"),
        (["show-org", "Lif"], "did you mean #1 'Life Science Nord'"),
        (["edit-org", "FBRI", "--short", "LSN"], "already used"),
        (["edit-org", "FBRI", "--country", "ZZ"], "unknown country 'ZZ'"),
        (["remove-org", "nothing"], "no organisation 'nothing'"),
        (["show-contact", "Nobody"], "no contact 'Nobody'"),
        (["history", "LSN", "--kind", "planet"], "unknown kind 'planet'"),
    ],
)
def test_invalid_input_is_one_line_exit_2_and_changes_nothing(
    rit: RitRunner, dump, args: list[str], message: str
) -> None:
    add_story_orgs(rit)
    before = dump()
    result = refused(rit(*args), message)
    assert "Traceback" not in result.output
    assert dump() == before


@pytest.mark.parametrize(
    ("args", "candidates"),
    [
        (["show-org", "LSNN"], "#1 'Life Science Nord' ('LSN')?"),
        (["show-org", "FBR"], "#2 'Foundation for Biomedical Research and Innovation' ('FBRI')?"),
        (["show-org", "JETR"], "#3 'Japan External Trade Organization' ('JETRO')?"),
        (["show-org", "jetor"], "#3 'Japan External Trade Organization' ('JETRO')?"),
        (["schedule-visit", "--from", "LS", "--to", "FBRI", "--on", "2016-10-01"],
         "'LS'; did you mean #1 'Life Science Nord' ('LSN')?"),
        (["add-agreement", "X", "--party", "LSN", "--party", "schleswig"],
         "#4 'Landesregierung Schleswig-Holstein'?"),
        (["show-programme", "RI"], "#1 'Regional Industry-Tie-Up' ('RIT')?"),
    ],
)  # fmt: skip
def test_a_mistyped_short_name_gets_the_closest_candidates(
    rit: RitRunner, dump, args: list[str], candidates: str
) -> None:
    """Short names are candidates too, first when the reference begins them or they begin it;
    a name is offered for a word the reference begins, never for two letters inside it."""
    add_story_orgs(rit)
    ok(rit, *ADD_JETRO)
    ok(rit, "add-org", "Landesregierung Schleswig-Holstein", "--country", "DE", "--city", "Kiel")
    ok(rit, "add-programme", "Regional Industry-Tie-Up", "--short", "RIT", "--run-by", "JETRO")
    before = dump()
    result = refused(rit(*args), "; did you mean #")
    assert result.stderr.rstrip().endswith(candidates), result.stderr
    assert dump() == before


def test_a_number_that_is_an_id_and_another_records_name_is_ambiguous(rit: RitRunner, dump) -> None:
    """'1' is #1 Alpha by its id and #2 by its name: not guessed; '#1' is always the id."""
    ok(rit, "add-org", "Alpha")
    ok(rit, "add-org", "1", "--short", "2")
    before = dump()
    for args in (["show-org", "1"], ["remove-org", "1"], ["edit-org", "1", "--city", "Kiel"]):
        refused(
            rit(*args),
            "organisation '1' is ambiguous: #1 'Alpha' by its id, #2 '1' by its name;"
            " write '#1' or '#2'",
        )
    assert dump() == before
    assert ok(rit, "show-org", "#1").startswith("record: Alpha")
    assert ok(rit, "show-org", "#2").startswith("record: 1")
    assert ok(rit, "show-org", "2").startswith("record: 1")  # its id and its own short name
    ok(rit, "add-contact", "Ann", "--org", "#1")
    assert "Ann" in ok(rit, "show-org", "#1")  # its contacts: looked up by id, not by '1'


def test_remove_org_refuses_while_referred_to(rit: RitRunner, dump) -> None:
    add_story_orgs(rit)
    assert rit("add-contact", "Hinrich Habeck", "--org", "LSN").exit_code == 0
    before = dump()
    result = rit("remove-org", "LSN")
    assert result.exit_code == 2
    assert "still referred to by 1 contact (#1 Hinrich Habeck)" in result.stderr
    assert dump() == before
    assert rit("remove-contact", "Hinrich Habeck").exit_code == 0
    assert rit("remove-org", "LSN").exit_code == 0
    assert "Life Science Nord" not in rit("orgs").stdout


def test_edit_org_records_history(rit: RitRunner) -> None:
    add_story_orgs(rit)
    result = rit("edit-org", "FBRI", "--city", "Kobe-shi", "--tag", "biomedical")
    assert result.exit_code == 0
    assert "city" in result.stdout and "tags" in result.stdout
    history = json.loads(rit("history", "FBRI", "--json").stdout)
    changes = [(h["action"], h["field"], h["old"], h["new"]) for h in history]
    assert ("update", "city", "Kobe", "Kobe-shi") in changes
    assert ("update", "tags", None, "biomedical") in changes
    assert ("create", "name", None, "Foundation for Biomedical Research and Innovation") in changes
    assert rit("edit-org", "FBRI", "--city", "Kobe-shi").stdout.endswith("unchanged\n")


def test_edit_org_clears_optional_field(rit: RitRunner) -> None:
    add_story_orgs(rit)
    assert rit("edit-org", "LSN", "--city", "").exit_code == 0
    assert json.loads(rit("show-org", "LSN", "--json").stdout)["city"] is None


def test_contacts_lifecycle(rit: RitRunner) -> None:
    add_story_orgs(rit)
    result = rit(
        "add-contact",
        "Hinrich Habeck",
        "--org",
        "lsn",
        "--title",
        "Dr.",
        "--role",
        "managing director",
        "--email",
        "habeck@example.org",
        "--phone",
        "+49 40 123 456",
    )
    assert result.exit_code == 0
    assert "added contact #1 Dr. Hinrich Habeck (LSN)" in result.stdout
    assert rit("contacts").stdout == (
        "1\tDr. Hinrich Habeck\tLSN\tmanaging director\thabeck@example.org\t+49 40 123 456\n"
    )
    data = json.loads(rit("show-contact", "hinrich habeck", "--json").stdout)
    assert data["phone"] == "+49 40 123 456"
    assert rit("edit-contact", "1", "--role", "Geschäftsführer").exit_code == 0
    assert (
        json.loads(rit("contacts", "--org", "LSN", "--json").stdout)[0]["role"] == "Geschäftsführer"
    )
    org = json.loads(rit("show-org", "LSN", "--json").stdout)
    assert [c["name"] for c in org["contacts"]] == ["Hinrich Habeck"]


def test_edit_contact_names_the_organisation_it_moved_to(rit: RitRunner) -> None:
    add_story_orgs(rit)
    assert rit("add-contact", "Taro Yamada", "--org", "LSN").exit_code == 0
    result = rit("edit-contact", "Taro Yamada", "--org", "FBRI", "--role", "liaison")
    assert result.exit_code == 0, result.output
    assert result.stdout == "updated contact #1 Taro Yamada: org, role\n"


def test_ambiguous_contact_name_lists_candidates(rit: RitRunner) -> None:
    add_story_orgs(rit)
    assert rit("add-contact", "Taro Yamada", "--org", "LSN").exit_code == 0
    assert rit("add-contact", "Taro Yamada", "--org", "FBRI").exit_code == 0
    result = rit("show-contact", "taro yamada")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: contact 'taro yamada' is ambiguous: #1 'Taro Yamada' at 'LSN', "
        "#2 'Taro Yamada' at 'FBRI'; use the id, e.g. '#1'\n"
    )
    # rit history tells them apart the same way.
    assert (
        "#1 'Taro Yamada' at 'LSN', #2 'Taro Yamada' at 'FBRI'"
        in rit("history", "Taro Yamada").stderr
    )
    # A name mistyped offers them told apart too (they were offered alike).
    assert rit("show-contact", "Taro Yamad").stderr == (
        "error: no contact 'Taro Yamad'; did you mean #1 'Taro Yamada' at 'LSN',"
        " #2 'Taro Yamada' at 'FBRI'?\n"
    )


def test_database_file_and_directory_are_private(rit: RitRunner, db_path) -> None:
    assert rit("add-org", "Life Science Nord").exit_code == 0
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_path.parent).st_mode) == 0o700


def test_hostile_names_are_shown_literally(rit: RitRunner) -> None:
    names = ["[bold]Kobe[/]", ":smile: Cluster", "Evil\x1b[31mRed", '=HYPERLINK("x")']
    for name in names:
        assert rit("add-org", name).exit_code == 0
    piped = rit("orgs").stdout
    assert "[bold]Kobe[/]" in piped and ":smile: Cluster" in piped
    assert "\x1b" not in piped and "Evil\\x1b[31mRed" in piped
    table = rit("orgs", env={"TTY_COMPATIBLE": "1"}).stdout
    assert "[bold]Kobe[/]" in table and ":smile:" in table and "\x1b[31m" not in table
    data = json.loads(rit("orgs", "--json").stdout)
    assert {o["name"] for o in data} == set(names)


def test_history_times_are_in_the_users_zone(rit: RitRunner) -> None:
    import re

    add_story_orgs(rit)
    tokyo = rit("history", "LSN", env={"RIT_TZ": "Asia/Tokyo"}).stdout.splitlines()
    assert tokyo and all(
        re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d JST\tcreate\t", line) for line in tokyo
    )
    utc = rit("history", "LSN", "--tz", "UTC").stdout.splitlines()
    assert all(" UTC\t" in line for line in utc)
    assert rit("history", "LSN", "--tz", "Mars/Olympus").exit_code == 2


def test_a_corrected_short_name_carries_into_default_visit_titles(rit: RitRunner) -> None:
    """QA: a short name typed wrongly ('FRBI') and corrected with edit-org left every visit
    titled by default 'LSN → FRBI visit …', and such a title no longer followed its dates
    (narrow) or parties: it no longer matched the default, so it read as one the user gave."""
    ok(rit, *ADD_LSN)
    ok(rit, "add-org", "Foundation for Biomedical Research", "--short", "FRBI", "--country", "JP")
    ok(rit, "add-org", "Kobe City", "--country", "JP")  # no short name: its name is its label
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FRBI", "--window", "2016-10")
    ok(rit, "schedule-visit", "--from", "Kobe City", "--from", "FRBI", "--to", "LSN",
       "--on", "2016-11-02")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FRBI", "--on", "2016-12-01",
       "--title", "Biobank talks FRBI")  # fmt: skip
    out = ok(rit, "edit-org", "FRBI", "--short", "FBRI")
    assert out == (
        "updated organisation #2 Foundation for Biomedical Research: short;"
        " the default titles of 2 visits follow (#1, #2)\n"
    )
    titles = [
        (e["title"], e["sequence"])
        for e in json.loads(ok(rit, "agenda", "--to", "2016-12-31", "--json"))
    ]
    assert titles == [
        ("LSN → FBRI visit 2016-10", 1),
        ("Kobe City + FBRI → LSN visit 2016-11-02", 1),
        ("Biobank talks FRBI", 1),  # a title the user gave is kept (its event's host: FBRI)
    ]
    ok(rit, "edit-org", "Kobe City", "--name", "City of Kobe")
    assert json.loads(ok(rit, "show-exchange", "2", "--json"))["title"] == (
        "City of Kobe + FBRI → LSN visit 2016-11-02"
    )
    rows = json.loads(ok(rit, "history", "1", "--kind", "exchange", "--json"))
    assert [(r["field"], r["old"], r["new"]) for r in rows if r["field"] == "title"][-1] == (
        "title",
        "LSN → FRBI visit 2016-10",
        "LSN → FBRI visit 2016-10",
    )
    # Still the default title: it follows the date again.
    ok(rit, "narrow", "1", "--window", "2016-10-01..2016-10-15")
    assert json.loads(ok(rit, "show-exchange", "1", "--json"))["title"] == (
        "LSN → FBRI visit 2016-10-01..2016-10-15"
    )
    assert ok(rit, "edit-org", "LSN", "--city", "Kiel").endswith(": city\n")


def _office(rit: RitRunner, env: dict[str, str | None], years: int) -> None:
    """LSN visited by FBRI under a title of its own every year from 2017, and one visit with
    the default title."""
    add_story_orgs(rit, env=env)
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2017-03-01",
       "--title", "Steering committee", "--yearly", "--until", str(2016 + years),
       env=env)  # fmt: skip
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-05-02", env=env)


def test_a_new_short_name_raises_every_sequence_in_a_fixed_number_of_statements(
    rit: RitRunner, tmp_path: Path
) -> None:
    """edit-org of an organisation in 500 000 exchanges took 29 s and 126 MB: it raised each
    one's sequence with a read, an update and a history row of its own. The statements run
    do not grow with its exchanges; each is raised once, with its history row."""
    few = {"RIT_DB": str(tmp_path / "few.db")}
    many = {"RIT_DB": str(tmp_path / "many.db")}
    _office(rit, few, 3)
    _office(rit, many, 12)
    runs = []
    for env, visits in ((few, 4), (many, 13)):
        with statements_run() as seen:
            out = ok(rit, "edit-org", "LSN", "--short", "LSNX", env=env)
        assert out == (
            "updated organisation #1 Life Science Nord: short;"
            f" the default titles of 1 visit follow (#{visits})\n"
        )
        runs.append(len(seen))
        agenda = json.loads(ok(rit, "agenda", "--to", "2040-12-31", "--json", env=env))
        assert [(e["title"], e["sequence"]) for e in agenda] == [
            ("Steering committee 2017", 1),
            ("LSNX → FBRI visit 2017-05-02", 1),
            *[(f"Steering committee {2016 + y}", 1) for y in range(2, visits)],
        ]
        history = json.loads(ok(rit, "history", "2", "--kind", "exchange", "--json", env=env))
        assert [(r["field"], r["old"], r["new"]) for r in history][-1] == ("sequence", "0", "1")
    assert runs[0] == runs[1]


def test_raising_the_sequences_at_once_writes_what_raising_each_wrote(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bump_sequences writes the database update() wrote for each exchange in turn: the
    same sequences, `updated` times and history rows, in the same order (a fixed clock)."""
    import sqlite3

    from rit_cli import db, store
    from rit_cli.store.scheduling import bump_sequences

    _office(rit, {}, 6)
    ok(rit, "add-meeting", "Kick-off", "--org", "LSN", "--org", "FBRI", "--on", "2018-01-09")
    ok(rit, "add-meeting", "Not ours", "--org", "FBRI", "--on", "2018-01-10")
    monkeypatch.setattr(store, "now", lambda: "2024-01-02T03:04:05+00:00")

    def after(bump: Any) -> str:
        conn = db.connect(Path(":memory:"))
        source = sqlite3.connect(db_path)
        source.backup(conn)
        source.close()
        with db.transaction(conn):
            bump(conn)
        return "\n".join(conn.iterdump())

    skip = [2, 7]
    each = after(
        lambda conn: [
            store.update(conn, "exchanges", i, {"sequence": s + 1})
            for i, s in conn.execute(
                "SELECT DISTINCT e.id, e.sequence FROM exchanges e JOIN exchange_orgs o"
                " ON o.exchange_id = e.id WHERE o.org_id = 1 ORDER BY e.id"
            ).fetchall()
            if i not in skip
        ]
    )
    at_once = after(lambda conn: bump_sequences(conn, 1, skip))
    assert at_once == each
    assert at_once.count("'sequence','") > 3


def test_a_rename_retitling_many_visits_names_the_first(rit: RitRunner) -> None:
    """The home organisation's new short name retitles every visit it made: the line names
    the first REFERENCES_SHOWN and counts the rest (it listed 804 ids)."""
    from rit_cli.commands._common import REFERENCES_SHOWN

    visits = REFERENCES_SHOWN + 2
    add_story_orgs(rit)
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-03-01",
       "--yearly", "--until", str(2017 + visits - 1))  # fmt: skip
    out = ok(rit, "edit-org", "LSN", "--short", "LSNH")
    shown = ", ".join(f"#{i}" for i in range(1, REFERENCES_SHOWN + 1))
    assert out.endswith(f"the default titles of {visits} visits follow ({shown} and 2 more)\n"), out
    titles = [e["title"] for e in json.loads(ok(rit, "agenda", "--from", "2017-01-01",
              "--to", "2050-12-31", "--json"))]  # fmt: skip
    assert len(titles) == visits and all(t.startswith("LSNH → FBRI visit") for t in titles)
