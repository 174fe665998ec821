"""`rit report` through the CLI: current state and the yearly activity report in every format."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import ADD_JETRO, add_story_orgs, ok, schedule_visit


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    add_story_orgs(rit)
    ok(rit, *ADD_JETRO)
    ok(rit, "add-org", "BioCon Valley", "--short", "BCV", "--kind", "cluster", "--country", "DE")
    ok(rit, "add-contact", "Hinrich Habeck", "--org", "LSN", "--title", "Dr.")
    ok(
        rit,
        "add-programme",
        "Regional Industry-Tie-Up",
        "--short",
        "RIT",
        "--run-by",
        "JETRO",
        "--from",
        "2014-01-01",
        "--until",
        "2016-12-31",
    )
    ok(
        rit,
        "add-agreement",
        "LoI Kobe–LSN",
        "--kind",
        "loi",
        "--party",
        "LSN",
        "--party",
        "FBRI",
        "--signed",
        "2016-05-02",
        "--place",
        "Kobe",
        "--until",
        "2017-12-31",
        "--programme",
        "RIT",
        "--field",
        "networking",
        "--field",
        "technology transfer",
        "--visits-per-year",
        "1",
        today="2016-05-02",
    )
    ok(
        rit,
        "add-agreement",
        "MoU LSN–BCV",
        "--kind",
        "mou",
        "--party",
        "LSN",
        "--party",
        "BCV",
        "--signed",
        "2015-01-10",
        "--until",
        "2018-12-31",
        "--visits-per-year",
        "2",
        "--each-way",
        today="2016-01-01",
    )
    ok(
        rit,
        "add-trip",
        "Delegation Japan/China 2016",
        "--from",
        "2016-05-01",
        "--to",
        "2016-05-05",
        "--lead",
        "Minister-President Torsten Albig",
    )
    ok(
        rit,
        "add-stop",
        "1",
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
    schedule_visit(
        rit,
        "LSN",
        "FBRI",
        "--on",
        "2016-05-02",
        "--trip",
        "1",
        "--participant",
        "Hinrich Habeck",
        "--field",
        "networking",
        today="2016-04-01",
    )
    ok(rit, "done", "1", "--outcome", "LoI signed", today="2016-05-03")
    schedule_visit(
        rit, "FBRI", "LSN", "--window", "2016-10", "--decide-by", "2016-08-31", today="2016-06-01"
    )
    schedule_visit(rit, "LSN", "BCV", "--on", "2016-03-10", today="2016-03-01")
    ok(rit, "done", "3", today="2016-03-11")
    ok(
        rit,
        "add-cooperation",
        "Biobank pilot",
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--agreement",
        "LoI Kobe–LSN",
        "--status",
        "talks",
        "--field",
        "technology-transfer",
        today="2016-02-01",
    )
    ok(rit, "set-cooperation-status", "Biobank pilot", "agreed", today="2016-06-15")
    return rit


@pytest.mark.parametrize("args", [[], ["--year", "2016"], ["--agreement", "LoI Kobe–LSN"]])
def test_json_option_is_the_json_format(story: RitRunner, args: list[str]) -> None:
    """--json works on report as on every listing, show-* and remind (PRODUCT.md)."""
    assert ok(story, "report", *args, "--json") == ok(story, "report", *args, "--format", "json")
    assert ok(story, "report", *args, "--json", "--format", "json").startswith("{")


def test_json_option_with_another_format_is_refused(story: RitRunner, dump) -> None:
    result = story("report", "--json", "--format", "csv")
    assert result.exit_code == 2
    assert result.stderr == "error: --json goes with --format json, not 'csv'\n"


def test_current_report_json_matches_the_data(story: RitRunner) -> None:
    data = json.loads(ok(story, "report", "--format", "json"))
    assert data["report"] == "current" and data["today"] == "2016-08-25"
    by_title = {a["title"]: a for a in data["agreements"]}
    loi = by_title["LoI Kobe–LSN"]
    assert loi["status"] == "active"
    assert loi["compliance"]["required"] == 1
    assert (loi["compliance"]["held"], loi["compliance"]["planned"]) == (1, 1)
    assert loi["compliance"]["verdict"] == "met"
    assert loi["next_exchange"]["id"] == 2
    mou = by_title["MoU LSN–BCV"]
    assert mou["compliance"]["each_way"] is True
    assert mou["compliance"]["verdict"] == "at-risk"
    assert [d["held"] for d in mou["compliance"]["directions"]] == [0, 1]
    assert [e["id"] for e in data["upcoming"]] == [2]
    kinds = {(r["kind"], r["record"]) for r in data["reminders"]}
    assert ("decide-by", "exchange") in kinds and ("at-risk", "agreement") in kinds


def test_each_way_compliance_names_the_directions_like_show_agreement(story: RitRunner) -> None:
    out = ok(story, "report")
    assert "at-risk (to LSN: 0 held + 0 planned of 2; to BCV: 1 held + 0 planned of 2)" in out


def test_each_way_directions_in_json_name_their_host_like_show_agreement(
    story: RitRunner,
) -> None:
    """A direction's host is {id, label} as in show-agreement --json: the report lists the
    parties by label only, so a bare id could not be told apart in a three-party agreement."""
    shown = json.loads(ok(story, "show-agreement", "MoU LSN–BCV", "--json"))["compliance"]
    for args in (["report"], ["report", "--year", "2016"]):
        data = json.loads(ok(story, *args, "--json"))
        entries = data["agreements"] if len(args) == 1 else data["compliance"]
        mou = next(a for a in entries if a["title"] == "MoU LSN–BCV")
        hosts = [d["host"] for d in mou["compliance"]["directions"]]
        assert hosts == [{"id": 1, "label": "LSN"}, {"id": 4, "label": "BCV"}]
        assert hosts == [d["host"] for d in shown[1]["directions"]]


def test_current_report_piped_has_sections_and_lines(story: RitRunner) -> None:
    out = ok(story, "report")
    assert out.startswith("rit report — all agreements, as of 2016-08-25\n")
    assert "\n## Agreements\n" in out and "\n## Reminders\n" in out
    assert (
        "\n#1 LoI Kobe–LSN\tLSN, FBRI\tactive\t2017-12-31\tmet: 1 held + 1 planned of 1\t2016-10 #2\n"
        in out
    )
    assert "\x1b" not in out


def test_report_scoped_to_an_agreement(story: RitRunner) -> None:
    data = json.loads(ok(story, "report", "--agreement", "MoU LSN–BCV", "--format", "json"))
    assert [a["title"] for a in data["agreements"]] == ["MoU LSN–BCV"]
    assert data["upcoming"] == []
    assert all(r["record"] != "exchange" for r in data["reminders"])


def test_year_report_json(story: RitRunner) -> None:
    data = json.loads(ok(story, "report", "--year", "2016", "--format", "json", today="2017-01-05"))
    assert [e["title"] for e in data["held"]] == [
        "LSN → BCV visit 2016-03-10",
        "LSN → FBRI visit 2016-05-02",
    ]
    kobe = data["held"][1]
    assert kobe["outcome"] == "LoI signed" and kobe["participants"] == ["Dr. Hinrich Habeck"]
    verdicts = {c["title"]: c["compliance"]["verdict"] for c in data["compliance"]}
    assert verdicts == {"LoI Kobe–LSN": "met", "MoU LSN–BCV": "missed"}
    assert [(c["title"], c["concrete_since"]) for c in data["cooperations"]] == [
        ("Biobank pilot", "2016-06-15")
    ]
    assert {(o["country"], o["kind"], o["count"]) for o in data["organisations"]} == {
        ("DE", "cluster", 2),
        ("JP", "foundation", 1),
    }
    fields = {
        f["field"]: (f["agreements"], f["cooperations"], f["exchanges"]) for f in data["fields"]
    }
    assert fields["networking"] == (1, 0, 1)
    assert fields["technology-transfer"] == (1, 1, 0)
    assert [t["title"] for t in data["trips"]] == ["Delegation Japan/China 2016"]
    assert data["trips"][0]["stops"][0]["city"] == "Kobe"


def involved(text: str, heading: str, end: str) -> str:
    """The "Organisations involved" section of a report in one of the text formats."""
    return text.split(heading, 1)[1].split(end, 1)[0]


def test_organisations_involved_count_cooperations_and_trip_stops(story: RitRunner) -> None:
    """Everyone the yearly report lists as doing something counts, not only the parties of
    the exchanges held: JETRO only hosts a stop of the trip, and BCV's report lists a
    cooperation with JETRO that became concrete."""
    ok(story, "add-stop", "1", "--city", "Tokyo", "--country", "JP", "--from", "2016-05-04",
       "--to", "2016-05-05", "--org", "JETRO")  # fmt: skip
    year = ("report", "--year", "2016")
    data = json.loads(ok(story, *year, "--org", "JETRO", "--json", today="2017-01-05"))
    assert data["held"] == [] and [t["title"] for t in data["trips"]]
    assert [o["names"] for o in data["organisations"]] == [["JETRO"], ["FBRI"]]
    for fmt, heading, end in (
        ("table", "Organisations involved", "Fields of action"),
        ("markdown", "## Organisations involved", "## Fields of action"),
        ("csv", "Organisations involved", "Fields of action"),
    ):
        text = ok(story, *year, "--org", "JETRO", "--format", fmt, today="2017-01-05")
        assert "JETRO" in involved(text, heading, end), (fmt, text)
    ok(story, "add-cooperation", "Trade fair", "--org", "BCV", "--org", "JETRO",
       "--status", "agreed", today="2016-09-01")  # fmt: skip
    data = json.loads(ok(story, *year, "--org", "BCV", "--json", today="2017-01-05"))
    assert {n for o in data["organisations"] for n in o["names"]} == {"BCV", "LSN", "JETRO"}
    everyone = json.loads(ok(story, *year, "--json", today="2017-01-05"))["organisations"]
    assert {n for o in everyone for n in o["names"]} == {"LSN", "FBRI", "BCV", "JETRO"}


def test_year_without_activity(story: RitRunner) -> None:
    data = json.loads(ok(story, "report", "--year", "2019", "--format", "json"))
    assert data["held"] == [] and data["trips"] == [] and data["compliance"] == []


def test_markdown_is_ready_to_paste_and_escapes_cells(story: RitRunner) -> None:
    ok(story, "add-org", "Evil | *Corp* [x](http://e) <b>", "--short", "EVIL", "--country", "DE")
    schedule_visit(story, "EVIL", "LSN", "--on", "2016-04-04", today="2016-04-01")
    ok(story, "done", "4", "--outcome", "a|b\nnext line", today="2016-04-05")
    md = ok(story, "report", "--year", "2016", "--format", "markdown")
    assert md.startswith("# rit report 2016")
    assert "## Exchanges held in 2016" in md
    assert (
        "Evil \\| \\*Corp\\* \\[x\\](http://e) \\<b\\>" not in md
    )  # the title uses the short name
    assert "a\\|b next line" in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.count(" | ") + 2 == line.count("|") - line.count("\\|")


def test_csv_has_the_main_tables_and_neutralises_formulas(story: RitRunner, tmp_path: Path) -> None:
    ok(
        story,
        "add-cooperation",
        '=HYPERLINK("http://evil")',
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--status",
        "agreed",
        today="2016-07-01",
    )
    text = ok(story, "report", "--year", "2016", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Exchanges held in 2016"]
    assert ["Cooperations that became concrete in 2016"] in rows
    assert any(r and r[0] == '\'=HYPERLINK("http://evil")' for r in rows)
    excel = ok(story, "report", "--format", "csv", "--excel")
    assert excel.startswith("\ufeffAgreements")
    assert ";" in excel.splitlines()[1]


def test_out_writes_a_private_file(story: RitRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = story("report", "--year", "2016", "--format", "markdown", "--out", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# rit report 2016")


def test_terminal_view_stays_within_80_columns(story: RitRunner) -> None:
    import re

    from rich.cells import cell_len

    for args in (["report"], ["report", "--year", "2016"]):
        out = story(*args, env={"TTY_COMPATIBLE": "1", "COLUMNS": "80"}).stdout
        assert "Kobe–LSN" in out
        visible = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert max(cell_len(line) for line in visible.splitlines()) <= 80


@pytest.mark.parametrize(
    "args", [["report"], ["report", "--year", "2016"], ["agreements"], ["orgs"], ["cooperations"]]
)
def test_dates_and_statuses_are_whole_at_80_columns(story: RitRunner, args: list[str]) -> None:
    """The README promises tables readable at 80 columns: a date, status or kind is never
    cut to 'acti…' or '2016…' (the optional columns give way below 100 columns)."""
    import re

    out = story(*args, env={"TTY_COMPATIBLE": "1", "COLUMNS": "80"}).stdout
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out)
    cut = re.search(r"\b(\d{4}(-\d\d)?(-\d\d?)?|acti|sign|expi|Europe/Ber|Asia/To)…", visible)
    assert cut is None, visible[max(0, cut.start() - 400) : cut.end() + 50]
    wide = re.sub(
        r"\x1b\[[0-9;]*m", "", story(*args, env={"TTY_COMPATIBLE": "1", "COLUMNS": "120"}).stdout
    )
    if args == ["agreements"]:  # too many columns for 80: one block per agreement, all shown
        assert "programme" in wide and "programme" in visible and "…" not in visible


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown --format 'pdf'"),
        (["--excel"], "--excel goes with --format csv"),
        (["--agreement", "nope"], "no agreement 'nope'"),
        (["--programme", "nope"], "no programme 'nope'"),
        (["--org", "nope"], "no organisation 'nope'"),
        (["--org", "LSN", "--agreement", "LoI Kobe–LSN"], "give one of"),
        (["--year", "1066"], "year '1066' is out of range"),
        (["--year", "twenty"], "twenty"),
        (["--out", "/nonexistent/dir/r.md"], "does not exist"),
    ],
)
def test_bad_report_options(story: RitRunner, dump, args: list[str], message: str) -> None:
    before = dump()
    result = story("report", *args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert dump() == before


def test_report_refuses_to_overwrite_the_database(story: RitRunner, db_path: Path) -> None:
    before = db_path.read_bytes()
    result = story("report", "--out", str(db_path))
    assert result.exit_code == 2
    assert "the database itself" in result.stderr
    assert db_path.read_bytes() == before


def test_report_out_is_written_like_every_export(story: RitRunner, db_path: Path) -> None:
    """Through the exports' writer: never over SQLite's files beside the database either,
    and an existing file is replaced whole (0600)."""
    wal = Path(str(db_path) + "-wal")
    before = wal.read_bytes() if wal.exists() else None
    result = story("report", "--out", str(wal))
    assert result.exit_code == 2 and "the database itself" in result.stderr
    assert (wal.read_bytes() if wal.exists() else None) == before
    target = db_path.parent / "r.md"
    target.write_text("old and longer than the report will ever be " * 200, encoding="utf-8")
    os.chmod(target, 0o644)
    assert story("report", "--format", "markdown", "--out", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# rit report")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_programmes_report_reminds_of_that_programme_only(rit: RitRunner) -> None:
    """A report scoped to one programme is handed to a partner: another programme ending
    is none of its business, its own ending is."""
    env = {"RIT_TODAY": "2016-11-01"}
    ok(rit, *ADD_JETRO, env=env)
    ok(rit, "add-programme", "Regional Industry-Tie-Up Programme", "--short", "RIT",
       "--run-by", "JETRO", "--from", "2015-04-01", "--until", "2016-12-20", env=env)  # fmt: skip
    ok(rit, "add-programme", "Horizon Pilot", "--short", "HP", "--from", "2015-01-01",
       "--until", "2016-12-15", env=env)  # fmt: skip
    data = json.loads(ok(rit, "report", "--programme", "RIT", "--json", env=env))
    ending = [(r["record"], r["id"]) for r in data["reminders"] if r["kind"] == "expiring"]
    assert ending == [("programme", 1)]
    piped = ok(rit, "report", "--programme", "HP", env=env)
    assert "programme #2" in piped and "programme #1" not in piped


LISTINGS = ("agreements", "trips", "cooperations", "orgs", "history")
_LONG_ORG = "[bold]Zentrum[/] für Angewandte Biomedizinische Technologieentwicklung Nord"
_LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
_URL = "https://intranet.example.org/partnerships/germany/hamburg/lsn/contacts-and-history.html"


@pytest.fixture(scope="module")
def hostile_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo story plus long names, long words and markup-like text, held in 2016."""
    from .helpers import invoke

    path = tmp_path_factory.mktemp("wide") / "demo.db"
    steps = [
        ("demo", "--db", str(path)),
        ("add-org", _LONG_ORG, "--short", "ZABT :smile:", "--kind", "research", "--country", "DE"),
        ("add-contact", "Reinhard Maximilian von Hohenzollern-Sigmaringen", "--org", "LSN"),
        ("edit-org", "LSN", "--note", f"see {_URL} for the partnership files"),
        (
            "add-meeting",
            f"Workshop on {_LONG_WORD} and cross-border technology-transfer pilots",
            "--org",
            "LSN",
            "--org",
            "ZABT :smile:",
            "--on",
            "2016-06-15",
            "--place",
            "Bad Segeberg an der Trave, Schleswig-Holstein",
            "--participant",
            "5",
        ),
    ]
    for args in steps:
        run = invoke(path, *args, env={"RIT_TODAY": "2016-08-25"})
        assert run.exit_code == 0, (args, run.stderr)
    done = invoke(
        path,
        "done",
        f"Workshop on {_LONG_WORD} and cross-border technology-transfer pilots",
        "--outcome",
        f"Intensive exchange between companies agreed; {_LONG_WORD} …really",
        env={"RIT_TODAY": "2016-08-25"},
    )
    assert done.exit_code == 0, done.stderr
    return path


@pytest.mark.parametrize("width", [60, 80, 100, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["report", "--year", "2016"],
        ["report", "--year", "2016", "--org", "LSN"],
        ["report", "--agreement", "LoI Kobe–LSN"],
        ["remind"],
        ["agreements"],
        ["trips"],
        ["show-trip", "1"],
        ["cooperations"],
        ["orgs"],
        ["history", "LSN"],
        ["show-org", "LSN"],  # a record's grid: a URL in its note
    ],
)
def test_terminal_tables_lose_no_text(hostile_demo: Path, args: list[str], width: int) -> None:
    """At any width every word of every cell is shown (wrapped, or folded when longer than
    a line), nothing is cut with '…', and no line is wider than the terminal."""
    import re

    from rich.cells import cell_len

    from .helpers import invoke

    env = {"RIT_TODAY": "2016-08-25"}
    piped = invoke(hostile_demo, *args, env=env)
    shown = invoke(hostile_demo, *args, terminal=True, columns=width, env=env)
    assert piped.exit_code == 0 and shown.exit_code == 0, shown.stderr
    visible = re.sub(r"\x1b\[[0-9;]*m", "", shown.stdout)
    assert max(cell_len(line) for line in visible.splitlines()) <= width
    assert visible.count("…") == piped.stdout.count("…"), visible
    if args[0] in LISTINGS:  # their optional columns give way on a narrow table, by design
        return
    flat = re.sub(r"\s+", "", visible)
    for line in piped.stdout.splitlines():
        if line.startswith("## "):
            continue
        value = re.sub(r"^[\w #-]{1,20}: ", "", line)  # show-*: "label: value" piped
        for word in value.split():
            assert word in visible or word in flat, (word, visible)
    if "Zentrum" in piped.stdout:
        assert "[bold]Zentrum[/]" in flat  # literal, never markup


def test_an_organisations_report_lists_only_its_own_cooperations(story: RitRunner) -> None:
    """A cooperation of two other parties under an agreement the organisation is party
    to is not its result: --org chooses cooperations by their organisations, as it
    chooses exchanges by their parties (cooperations --org agrees)."""
    ok(story, "add-agreement", "Three-way MoU", "--party", "LSN", "--party", "FBRI",
       "--party", "BCV", "--signed", "2016-01-15")  # fmt: skip
    year = ("report", "--year", "2016", "--json")
    before = json.loads(ok(story, *year, "--org", "LSN", today="2017-01-05"))["organisations"]
    ok(story, "add-cooperation", "Kobe–Rostock pilot", "--org", "FBRI", "--org", "BCV",
       "--agreement", "Three-way MoU", "--status", "agreed", today="2016-07-01")  # fmt: skip
    titles = lambda org: [  # noqa: E731
        c["title"]
        for c in json.loads(ok(story, *year, "--org", org, today="2017-01-05"))["cooperations"]
    ]
    assert "Kobe–Rostock pilot" not in titles("LSN")
    assert "Kobe–Rostock pilot" in titles("FBRI") and "Kobe–Rostock pilot" in titles("BCV")
    lsn = json.loads(ok(story, *year, "--org", "LSN", today="2017-01-05"))
    assert lsn["organisations"] == before  # its partners' cooperation involves no one more
    by_agreement = json.loads(ok(story, *year, "--agreement", "Three-way MoU", today="2017-01-05"))
    assert [c["title"] for c in by_agreement["cooperations"]] == ["Kobe–Rostock pilot"]


def test_a_cancelled_visit_does_not_bring_its_trip_into_a_scoped_report(
    story: RitRunner,
) -> None:
    """QA: LSN's 2017 report listed a trip and FBRI as involved though LSN's only visit on
    that trip was cancelled: a scope takes a trip by what is held or planned on it."""
    ok(story, "add-trip", "Delegation 2017", "--from", "2017-05-01", "--to", "2017-05-05")
    ok(story, "add-stop", "Delegation 2017", "--city", "Kobe", "--country", "JP",
       "--from", "2017-05-02", "--to", "2017-05-03", "--org", "FBRI")  # fmt: skip
    schedule_visit(story, "LSN", "FBRI", "--on", "2017-05-02", "--trip", "Delegation 2017",
                   "--title", "Kobe 2017", today="2017-04-01")  # fmt: skip
    year = ("report", "--year", "2017", "--json")
    for scope in (("--org", "LSN"), ("--agreement", "LoI Kobe–LSN"), ("--programme", "RIT")):
        data = json.loads(ok(story, *year, *scope, today="2017-04-01"))
        assert [t["title"] for t in data["trips"]] == ["Delegation 2017"], scope
    ok(story, "cancel", "Kobe 2017", today="2017-04-01")
    for scope in (("--org", "LSN"), ("--agreement", "LoI Kobe–LSN"), ("--programme", "RIT")):
        data = json.loads(ok(story, *year, *scope, today="2017-06-01"))
        assert (data["trips"], data["organisations"]) == ([], []), scope
    # The trip itself still took place: the report on everything lists it.
    data = json.loads(ok(story, *year, today="2017-06-01"))
    assert [t["title"] for t in data["trips"]] == ["Delegation 2017"]


def test_an_unsigned_draft_is_not_in_force_open_ended(story: RitRunner) -> None:
    """QA: the current report said an agreement not signed yet was in force 'open-ended'
    (show-agreement and agreements give it no end; a signed one without an end is)."""
    ok(story, "add-agreement", "Draft MoU", "--party", "LSN", "--party", "BCV")
    ok(story, "add-agreement", "Open LoI", "--party", "LSN", "--party", "BCV",
       "--signed", "2016-03-01")  # fmt: skip
    until = {}
    for line in ok(story, "report", today="2016-06-01").splitlines():
        cells = line.split("\t")
        if len(cells) == 6:
            until[cells[0].split(" ", 1)[1]] = cells[3]
    assert until["Draft MoU"] == "" and until["Open LoI"] == "open-ended"
    assert "open-ended" not in ok(story, "report", "--agreement", "Draft MoU", "--format",
                                  "markdown", today="2016-06-01")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "made"),
    [
        (("report", "--json"), "_agreement_dict"),  # two agreements
        (("report", "--year", "2016", "--json"), "_exchange_dict"),  # two visits held
    ],
)
def test_json_report_is_written_as_it_is_made(
    story: RitRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], made: str
) -> None:
    """Each agreement's (each exchange's) object is made after the ones before it were
    written: a report of 5 500 agreements held their dicts and its text (110 MB, now 63)."""
    import sys

    from rit_cli import render_report

    make = getattr(render_report, made)
    written_before: list[int] = []

    def watching(*a: object) -> object:
        sys.stdout.flush()
        written_before.append(len(sys.stdout.buffer.getvalue()))
        return make(*a)

    whole = ok(story, *args, today="2017-01-05")
    monkeypatch.setattr(render_report, made, watching)
    assert ok(story, *args, today="2017-01-05") == whole
    assert len(written_before) >= 2
    assert 0 < written_before[0] and written_before == sorted(set(written_before))
    assert written_before[-1] < len(whole.encode())
