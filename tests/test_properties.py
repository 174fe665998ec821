"""Properties: any text into any text option, any string into any date option.

Either rit accepts the value and shows it back exactly (NFC-normalised and trimmed, as
documented) in --json, or it refuses it with exit 2 and one 'error: ' line. Never a
traceback, never exit 1. Date options that accept a value store the day it means.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import TODAY, Run, commands, invoke
from .test_hostile_text import HOSTILE, strings_in

COMMANDS = commands()
FAST = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a user could pass as an argument (no lone surrogates: see test_bad_input for
# undecodable bytes), mixed with known hostile strings.
any_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from("\x00\x1b\x07\t\n\r [/]:-=+@ aé日\u202e\u200b"), max_size=12),
)
counter = itertools.count(1)


def stored(value: str) -> str:
    """NFC, lines ended by \\n (a \\r\\n or lone \\r is one line break), trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def assert_clean_refusal(result: Run) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("properties") / "rit.db"
    for args in (
        ["add-org", "Life Science Nord", "--short", "LSN", "--country", "DE"],
        ["add-org", "Foundation for Biomedical Research", "--short", "FBRI", "--country", "JP"],
    ):
        assert invoke(path, *args).exit_code == 0
    yield path


# command -> (show command, fixed arguments, text options)
TEXT_COMMANDS = {
    "add-org": ("show-org", [], ["--city", "--region", "--note"]),
    "add-contact": ("show-contact", ["--org", "LSN"], ["--title", "--role", "--note"]),
    "add-programme": ("show-programme", [], ["--note"]),
    "add-agreement": (
        "show-agreement",
        ["--party", "LSN", "--party", "FBRI"],
        ["--place", "--note"],
    ),
    "add-trip": ("show-trip", ["--from", "2016-09-01", "--to", "2016-09-05"], ["--lead", "--note"]),
    "add-cooperation": ("show-cooperation", ["--org", "LSN", "--org", "FBRI"], ["--note"]),
}


def _id_of(result: Run) -> str:
    """'#N' of the record a command added: a bare N is ambiguous when another record's
    name is N (a generated name can be)."""
    match = re.search(r"#(\d+)", result.stdout)
    assert match, result.stdout
    return match.group(0)


@pytest.mark.parametrize("command", sorted(TEXT_COMMANDS))
@FAST
@given(name=any_text, values=st.lists(any_text, min_size=3, max_size=3))
def test_text_is_shown_back_exactly_or_refused(
    database: Path, command: str, name: str, values: list[str]
) -> None:
    if command not in COMMANDS:
        pytest.skip(f"rit has no {command} yet")
    show, fixed, options = TEXT_COMMANDS[command]
    full_name = f"{next(counter)} {name}"
    args = [command, *fixed]
    for option, value in zip(options, values, strict=False):
        args += [option, value]
    result = invoke(database, *args, "--", full_name)
    if result.exit_code != 0:
        assert_clean_refusal(result)
        return
    assert result.stderr == ""
    assert "\x1b" not in result.stdout
    shown = invoke(database, show, _id_of(result), "--json")
    assert shown.exit_code == 0, shown.stderr
    found = strings_in(json.loads(shown.stdout))
    assert stored(full_name) in found
    for value in values[: len(options)]:
        if stored(value):
            assert stored(value) in found, (value, found)


@FAST
@given(email=any_text, phone=any_text)
def test_contact_details_are_kept_as_typed_or_refused(
    database: Path, email: str, phone: str
) -> None:
    name = f"{next(counter)} Person"
    result = invoke(
        database, "add-contact", name, "--org", "LSN", "--email", email, "--phone", phone
    )
    if result.exit_code != 0:
        assert_clean_refusal(result)
        return
    data = json.loads(invoke(database, "show-contact", _id_of(result), "--json").stdout)
    assert data["email"] == (stored(email) or None)
    assert data["phone"] == (stored(phone) or None)


@FAST
@given(text=any_text)
def test_every_reference_is_found_or_refused(database: Path, text: str) -> None:
    for command in ("show-org", "show-contact", "history", "show-trip", "show-agreement"):
        if command not in COMMANDS:
            continue
        result = invoke(database, command, "--", text)
        if result.exit_code != 0:
            assert_clean_refusal(result)


# ------------------------------------------------------------------ dates

day = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


def spellings(d: date) -> list[str]:
    return [
        d.isoformat(),
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.year}年{d.month}月{d.day}日",
        " " + d.isoformat() + " ",
    ]


@FAST
@given(d=day, which=st.integers(0, 4))
def test_dates_round_trip_through_the_cli(database: Path, d: date, which: int) -> None:
    if "add-trip" not in COMMANDS:
        pytest.skip("rit has no add-trip yet")
    text = spellings(d)[which]
    result = invoke(database, "add-trip", f"Trip {next(counter)}", "--from", text, "--to", text)
    assert result.exit_code == 0, result.stderr
    data = json.loads(invoke(database, "show-trip", _id_of(result), "--json").stdout)
    assert data["start_on"] == data["end_on"] == d.isoformat()


DATE_OPTIONS = [
    ["orgs", "--today"],
    ["agenda", "--from"],
    ["agenda", "--to"],
    ["add-trip", "T", "--from", "2016-09-01", "--to"],
    ["add-programme", "P", "--until"],
    ["add-agreement", "A", "--party", "LSN", "--party", "FBRI", "--signed"],
    ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--window"],
    ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on"],
    ["remind", "--within"],
    ["remind", "--expiry-within"],
    ["export", "ics", "--from"],
    ["report", "--year"],
    ["add-programme", "P", "--from"],
    ["add-meeting", "M", "--org", "LSN", "--window"],
]


@pytest.mark.parametrize("prefix", DATE_OPTIONS, ids=lambda p: f"{p[0]} {p[-1]}")
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(any_text, st.from_regex(r"[+-]?[0-9]{1,12}[dwmyqh]?", fullmatch=True)))
def test_date_options_accept_or_refuse_cleanly(
    database: Path, prefix: list[str], text: str
) -> None:
    if prefix[0] not in COMMANDS:
        pytest.skip(f"rit has no {prefix[0]} yet")
    args = [a if a not in ("T", "P", "A", "M") else f"{a} {next(counter)}" for a in prefix]
    result = invoke(database, *args, text)
    if result.exit_code != 0:
        assert_clean_refusal(result)


@FAST
@given(text=any_text)
def test_search_accepts_any_text_or_refuses_cleanly(database: Path, text: str) -> None:
    if "search" not in COMMANDS:
        pytest.skip("rit has no search yet")
    for args in (["search", "--", text], ["search", "--json", "--", text]):
        result = invoke(database, *args)
        if result.exit_code != 0:
            assert_clean_refusal(result)
        else:
            assert "\x1b" not in result.stdout


@FAST
@given(text=any_text)
def test_environment_today_is_checked_too(database: Path, text: str) -> None:
    if "\x00" in text:
        return  # an environment variable cannot hold NUL
    result = invoke(database, "orgs", env={"RIT_TODAY": text})
    if result.exit_code != 0:
        assert_clean_refusal(result)


def test_surrogates_in_arguments_are_refused(database: Path) -> None:
    result = invoke(database, "add-org", "Kōbe\udcff")
    assert_clean_refusal(result)
    assert "UTF-8" in result.stderr


def test_today_is_fixed_in_these_tests() -> None:
    assert TODAY == "2016-08-25"
