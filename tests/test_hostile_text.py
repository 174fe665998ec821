"""Hostile text in names and notes comes out literally or escaped, never as formatting.

One database holds records named with Rich markup, emoji codes, ANSI/OSC escapes, other
C0/C1 controls, bidi marks, very long words, Japanese and German text; every listing and
show-* command then prints them on a terminal, piped and as JSON (and, where rit has
them, as Markdown, CSV and ICS).
"""

from __future__ import annotations

import json
import re
import shlex
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from rit_cli.text import printable

from .helpers import TODAY, Run, commands, invoke

HOSTILE = [
    "[bold]Kobe[/]",
    "[/] closing tag",
    "[link=http://evil.example]click me[/link]",
    "[red on white]colour[/]",
    ":smile: :thumbs_up: Cluster",
    "\x1b[31mRed\x1b[0m text",
    "\x1b]8;;http://evil.example\x07hyperlink\x1b]8;;\x07",
    "\x1b]0;window title\x07 OSC",
    "\x1b[2J\x1b[H clear screen",
    "bell\x07 back\x08space del\x7f",
    "C1 \x9b31m CSI \x85 NEL \x90 DCS",
    "\u202eevil\u202c reversed",
    "\u200fRTL mark \u2066isolate\u2069",
    "zero\u200bwidth\ufeffBOM",
    "W" * 190,
    "神戸医療産業都市推進機構",
    "Großhandel Über Straße",
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1+1)",
    "-2+3 formula",
    "@SUM(A1)",
    "tab\tinside",
    "line\nbreak",
    "carriage\rreturn",
    "emoji 🧬 wide",
    "e\u0301 combining",
    "back\\slash 'quote' \"dq\"",
    "% {braces} $HOME `cmd`",
    "pipe | in name",
    "*stars* _under_ <b>html</b> # heading",
    "[x](http://evil.example) ![img](http://evil.example/i.png)",
]

RAW_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def stored(value: str) -> str:
    """What rit keeps of a value: NFC, lines ended by \\n, trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


COMMANDS = commands()


def ok(run: Run, what: str) -> None:
    assert run.exit_code == 0, f"{what}: {run.stderr}"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("hostile") / "rit.db"
    ok(invoke(path, *shlex.split("add-org 'Life Science Nord' --short LSN --country DE")), "org")
    ok(invoke(path, *shlex.split("add-org FBRI-Kobe --short FBRI --country JP")), "org")
    for i, text in enumerate(HOSTILE):
        name = f"{text} {i}"
        args = ["add-org", "--city", text, "--note", text, "--country", "DE", "--", name]
        ok(invoke(path, *args), name)
        ok(invoke(path, "add-contact", "--org", str(i + 3), "--role", text, "--", name), name)
        if "add-programme" in COMMANDS:
            ok(invoke(path, "add-programme", "--note", text, "--", f"P {name}"), "programme")
        if "add-agreement" in COMMANDS:
            args = ["add-agreement", "--party", "LSN", "--party", str(i + 3), "--signed", TODAY]
            ok(invoke(path, *args, "--place", text, "--note", text, "--", f"A {name}"), "agr")
        if "schedule-visit" in COMMANDS:
            args = ["schedule-visit", "--from", "LSN", "--to", str(i + 3), "--window", "2016-10"]
            ok(invoke(path, *args, "--title", f"V {name}", "--purpose", text), f"visit {i}")
        if "add-trip" in COMMANDS:
            args = ["add-trip", "--from", "2016-09-01", "--to", "2016-09-05"]
            ok(invoke(path, *args, "--lead", text, "--note", text, "--", f"T {name}"), "trip")
            args = ["add-stop", "--country", "JP", "--from", "2016-09-01", "--city", text]
            ok(invoke(path, *args, "--note", text, "--", f"T {name}"), "stop")
        if "add-cooperation" in COMMANDS:
            args = ["add-cooperation", "--org", "LSN", "--org", str(i + 3), "--note", text]
            ok(invoke(path, *args, "--", f"C {name}"), "cooperation")
    yield path


LISTINGS = [
    ["orgs"],
    ["contacts"],
    ["programmes"],
    ["agreements"],
    ["cooperations"],
    ["agenda", "--from", "2016-01-01", "--to", "2016-12-31"],
    ["trips"],
    ["remind", "--within", "1y"],
    ["search", "evil"],
    ["search", "Kobe"],
    ["report"],
    ["report", "--year", "2016"],
    ["fields"],
    ["gaps", "--between", "LSN", "--and", "8"],
    ["history", "8", "--kind", "org"],
]
SHOWS = [
    ["show-org", "3"],
    ["show-org", "17"],
    ["show-contact", "1"],
    ["show-contact", "7"],
    ["show-programme", "1"],
    ["show-agreement", "6"],
    ["show-cooperation", "1"],
    ["show-exchange", "6"],
    ["show-trip", "8"],
    ["history", "3", "--kind", "org"],
    ["history", "1", "--kind", "contact"],
    ["history", "6", "--kind", "exchange"],
]


def available(args: list[str]) -> bool:
    return args[0] in COMMANDS


def check_no_terminal_control(text: str) -> None:
    assert "\x1b]" not in text, "OSC sequence reached the output"
    for injected in ("\x1b[31m", "\x1b[2J", "\x1b[H", "\x07"):
        assert injected not in text
    bare = RICH_STYLE.sub("", text)
    found = RAW_FORBIDDEN.findall(bare.replace("\t", "").replace("\n", ""))
    assert not found, f"raw control/format characters in output: {found[:5]!r}"
    assert "😄" not in text and "👍" not in text, "emoji code was rendered"


@pytest.mark.parametrize("args", LISTINGS + SHOWS, ids=lambda a: " ".join(a))
def test_piped_output_is_literal_and_one_record_per_line(hostile_db: Path, args) -> None:
    if not available(args):
        pytest.skip(f"rit has no {args[0]} yet")
    result = invoke(hostile_db, *args)
    assert result.exit_code == 0, result.stderr
    check_no_terminal_control(result.stdout)
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    if args[0] in ("orgs", "contacts"):
        # tabs and newlines inside values are escaped: one line per record
        lines = result.stdout.splitlines()
        assert len(lines) == len(HOSTILE) + (2 if args[0] == "orgs" else 0)
        assert {len(line.split("\t")) for line in lines} == {len(lines[0].split("\t"))}
        assert "[bold]Kobe[/]" in result.stdout and ":smile:" in result.stdout
        assert "\\x1b[31mRed" in result.stdout and "\\u202eevil" in result.stdout
        assert "神戸医療産業都市推進機構" in result.stdout and "Straße" in result.stdout
        assert "line\\nbreak" in result.stdout and "tab\\tinside" in result.stdout


@pytest.mark.parametrize("args", LISTINGS + SHOWS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("columns", [120, 60])
def test_terminal_output_is_literal_and_aligned(hostile_db: Path, args, columns: int) -> None:
    if not available(args):
        pytest.skip(f"rit has no {args[0]} yet")
    result = invoke(hostile_db, *args, terminal=True, columns=columns)
    assert result.exit_code == 0, result.stderr
    check_no_terminal_control(result.stdout)
    plain = RICH_STYLE.sub("", result.stdout)
    widths = [cell_len(line) for line in plain.splitlines()]
    assert max(widths, default=0) <= columns, "a line is wider than the terminal"
    if args[0] in ("orgs", "contacts") and columns == 120:
        assert "[bold]Kobe[/]" in plain and ":smile:" in plain and "[link=" in plain
        assert "\\x1b[31mRed" in plain


@pytest.mark.parametrize(
    "org", [HOSTILE.index(t) + 3 for t in HOSTILE if "\x1b]8" in t or "\n" in t]
)
@pytest.mark.parametrize("year", [[], ["--year", "2016"]], ids=["current", "year"])
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_a_reports_title_names_its_scope_escaped(
    hostile_db: Path, org: int, year: list[str], terminal: bool
) -> None:
    result = invoke(hostile_db, "report", "--org", str(org), *year, terminal=terminal)
    assert result.exit_code == 0, result.stderr
    check_no_terminal_control(result.stdout)
    name = stored(f"{HOSTILE[org - 3]} {org - 3}")
    title = RICH_STYLE.sub("", result.stdout.splitlines()[0])
    assert title.startswith("rit report") and printable(name) in title, title
    assert not result.stdout.splitlines()[1].strip(), "the title took more than a line"


@pytest.mark.parametrize("columns", [120, 30])
def test_gaps_names_the_pair_escaped_above_its_table(tmp_path: Path, columns: int) -> None:
    path = tmp_path / "rit.db"
    name = "\x1b]8;;http://evil.example\x07Kobe\x1b]8;;\x07\nline"
    ok(invoke(path, "add-org", "Life Science Nord", "--short", "LSN", "--country", "DE"), "org")
    ok(invoke(path, "add-org", "--country", "JP", "--", name), "org")
    for start, end in (("2016-01-01", "2016-03-31"), ("2016-06-01", "2016-12-31")):
        terms = ("--signed", start, "--from", start, "--until", end)
        ok(invoke(path, "add-agreement", "--party", "LSN", "--party", "2", *terms, "--", start), "")
    result = invoke(path, "gaps", "--between", "LSN", "--and", "2", terminal=True, columns=columns)
    assert result.exit_code == 0, result.stderr
    check_no_terminal_control(result.stdout)
    assert "2016-04-01" in result.stdout
    assert "Kobe\\x1b]8;;\\x07\\nline" in "".join(RICH_STYLE.sub("", result.stdout).split())


@pytest.mark.parametrize("command", ["orgs", "contacts", "agreements", "trips", "cooperations"])
def test_table_rows_are_aligned(hostile_db: Path, command: str) -> None:
    if command not in COMMANDS:
        pytest.skip(f"rit has no {command} yet")
    result = invoke(hostile_db, command, terminal=True, columns=200)
    plain = RICH_STYLE.sub("", result.stdout)
    lines = [line for line in plain.splitlines() if line.strip()]
    # Rich pads every line of a table to the same display width: wide Japanese
    # characters, emoji and escaped controls included.
    table_lines = [line for line in lines if not line.startswith(("Contacts", "("))]
    assert len({cell_len(line.rstrip()) for line in table_lines}) >= 1
    assert len({cell_len(line) for line in table_lines}) == 1, sorted(
        {cell_len(line) for line in table_lines}
    )


def strings_in(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings_in(v) for v in value)) if value else set()
    return set()


@pytest.mark.parametrize(
    ("args", "prefix"),
    [
        (["orgs", "--json"], ""),
        (["contacts", "--json"], ""),
        (["programmes", "--json"], "P "),
        (["agreements", "--json"], "A "),
        (["trips", "--json"], "T "),
        (["cooperations", "--json"], "C "),
        (["agenda", "--from", "2016-01-01", "--to", "2016-12-31", "--json"], "V "),
    ],
    ids=lambda a: a if isinstance(a, str) else a[0],
)
def test_json_gives_back_exactly_what_was_stored(hostile_db: Path, args, prefix: str) -> None:
    if not available(args):
        pytest.skip(f"rit has no {args[0]} yet")
    result = invoke(hostile_db, *args)
    assert result.exit_code == 0, result.stderr
    found = strings_in(json.loads(result.stdout))
    wanted = {stored(f"{prefix}{text} {i}") for i, text in enumerate(HOSTILE)}
    assert wanted <= found, sorted(wanted - found)[:3]


def test_show_json_keeps_every_field_exactly(hostile_db: Path) -> None:
    for i, text in enumerate(HOSTILE):
        org = json.loads(invoke(hostile_db, "show-org", str(i + 3), "--json").stdout)
        assert org["name"] == stored(f"{text} {i}")
        assert org["city"] == stored(text)
        assert org["note"] == stored(text)
        contact = json.loads(invoke(hostile_db, "show-contact", str(i + 1), "--json").stdout)
        assert contact["role"] == stored(text)


def test_confirmations_and_errors_escape_user_text(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    for text in HOSTILE:
        added = invoke(path, "add-org", "--", text)
        check_no_terminal_control(added.stdout)
        again = invoke(path, "add-org", "--", text)
        assert again.exit_code == 2
        assert again.stderr.count("\n") == 1
        check_no_terminal_control(again.stderr)
        missing = invoke(path, "show-org", "--", text + " nowhere")
        assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
        check_no_terminal_control(missing.stderr)


def test_the_file_an_export_wrote_is_named_escaped(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    ok(invoke(path, "add-org", "Life Science Nord", "--country", "DE"), "org")
    name = "e\x1b]0;title\x07x\x1b[31mred\nline.json"
    result = invoke(path, "export", "json", "--out", str(tmp_path / name))
    ok(result, "export")
    assert (tmp_path / name).exists()
    assert result.stderr.count("\n") == 1, result.stderr
    check_no_terminal_control(result.stderr)
    assert result.stderr == f"wrote {tmp_path}/e\\x1b]0;title\\x07x\\x1b[31mred\\nline.json\n"


def test_removals_escape_user_text_in_confirmations_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    for args in (
        "add-org 'Life Science Nord' --short LSN --country DE",
        "add-org FBRI-Kobe --short FBRI --country JP",
    ):
        ok(invoke(path, *shlex.split(args)), args)
    for text in HOSTILE:  # each removed again: every id is 1
        parties = ("--party", "LSN", "--party", "FBRI", "--signed", "2016-05-02")
        ok(invoke(path, "add-agreement", *parties, "--", text), "agreement")
        ok(invoke(path, "add-programme", "--", text), "programme")
        ok(invoke(path, "edit-agreement", "1", "--programme", "1"), "under it")
        visit = ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-10")
        ok(invoke(path, *visit, "--agreement", "1", f"--title={text}"), "visit")
        for refusal in (("remove-agreement", "1"), ("remove-programme", "1")):
            result = invoke(path, *refusal)
            assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
            check_no_terminal_control(result.stderr)
        for removal in (
            ("remove-exchange", "1"),
            ("edit-agreement", "1", "--programme", ""),
            ("remove-agreement", "1"),
            ("remove-programme", "1"),
        ):
            result = invoke(path, *removal)
            ok(result, " ".join(removal))
            check_no_terminal_control(result.stdout)
        ok(invoke(path, "add-cooperation", "--org", "LSN", "--org", "FBRI", "--", text), "coop")
        result = invoke(path, "remove-cooperation", "--", text)
        ok(result, "remove-cooperation")
        check_no_terminal_control(result.stdout)


# ------------------------------------------------------------------ files rit writes

EXPORT_TABLES = ["orgs", "contacts", "programmes", "agreements", "exchanges", "cooperations"]


def no_raw_controls(text: str) -> None:
    """Nothing that acts on a terminal or reorders text, line ends aside."""
    found = RAW_FORBIDDEN.findall(text.replace("\r\n", "\n").replace("\t", " "))
    assert not found, f"raw control/format characters: {sorted(set(found))!r}"


@pytest.mark.parametrize(
    "args",
    [
        ["orgs", "--json"],
        ["contacts", "--json"],
        ["agreements", "--json"],
        ["agenda", "--from", "2016-01-01", "--to", "2016-12-31", "--json"],
        ["remind", "--within", "1y", "--json"],
        ["show-org", "8", "--json"],
        ["history", "8", "--kind", "org", "--json"],
        ["history", "6", "--kind", "exchange", "--json"],
        ["export", "json"],
        ["report", "--format", "json"],
        ["search", "evil", "--json"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_json_output_escapes_what_would_act_on_a_terminal(hostile_db: Path, args) -> None:
    if not available(args):
        pytest.skip(f"rit has no {args[0]} yet")
    result = invoke(hostile_db, *args)
    assert result.exit_code == 0, result.stderr
    no_raw_controls(result.stdout)
    json.loads(result.stdout)  # and the escapes are still the same data


@pytest.mark.parametrize("table", EXPORT_TABLES)
@pytest.mark.parametrize("excel", [False, True])
def test_csv_export_has_no_formulas_and_no_controls(
    hostile_db: Path, table: str, excel: bool
) -> None:
    if "export" not in COMMANDS:
        pytest.skip("rit has no export yet")
    import csv
    import io

    result = invoke(hostile_db, "export", "csv", table, *(["--excel"] if excel else []))
    assert result.exit_code == 0, result.stderr
    text = result.stdout.removeprefix("\ufeff")
    no_raw_controls(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if excel else ","))
    assert len({len(row) for row in rows}) == 1, "a value broke the row structure"
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    if table == "orgs":
        names = {row[1] for row in rows}
        assert "[bold]Kobe[/] 0" in names and "神戸医療産業都市推進機構 15" in names
        assert '\'=HYPERLINK("http://evil.example","x") 17' in names


def test_report_csv_has_no_formulas_and_no_controls(hostile_db: Path) -> None:
    if "report" not in COMMANDS:
        pytest.skip("rit has no report yet")
    import csv
    import io

    result = invoke(hostile_db, "report", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    no_raw_controls(result.stdout)
    for row in csv.reader(io.StringIO(result.stdout)):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_markdown_report_escapes_user_text(hostile_db: Path) -> None:
    if "report" not in COMMANDS:
        pytest.skip("rit has no report yet")
    result = invoke(hostile_db, "report", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    no_raw_controls(result.stdout)
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| ---")]
    assert rows, "the report shows no table rows"
    unescaped_pipe = re.compile(r"(?<!\\)\|")
    header_pipes = None
    for line in rows:
        count = len(unescaped_pipe.findall(line))
        if line.startswith("| when") or header_pipes is None:
            header_pipes = count
            continue
        # User text never opens markup, links, HTML or code, and never adds a column.
        assert not re.search(r"(?<!\\)[<\[\]*`]", line), line
        assert count == header_pipes, line
    assert "\\[bold\\]Kobe\\[/\\]" in result.stdout


def test_ics_export_is_literal_and_has_no_controls(hostile_db: Path) -> None:
    if "export" not in COMMANDS:
        pytest.skip("rit has no export yet")
    from icalendar import Calendar

    result = invoke(hostile_db, "export", "ics")
    assert result.exit_code == 0, result.stderr
    no_raw_controls(result.stdout)
    calendar = Calendar.from_ical(result.stdout)
    summaries = [str(event.get("summary")) for event in calendar.walk("VEVENT")]
    assert summaries, "no events exported"
    assert any("[bold]Kobe[/]" in s for s in summaries)
    assert any(":smile:" in s for s in summaries)
    assert any("神戸医療産業都市推進機構" in s for s in summaries)
