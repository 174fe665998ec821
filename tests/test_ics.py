"""The calendar export: read back with icalendar, and imported into khal."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from .conftest import RitRunner
from .helpers import add_story_orgs, empty_database, ok, schedule_visit


def story(rit: RitRunner) -> None:
    add_story_orgs(rit)
    schedule_visit(
        rit,
        "LSN",
        "FBRI",
        "--on",
        "2016-05-02",
        "--at",
        "10:00",
        "--title",
        "Delegation in Kobe",
        "--place",
        "Kobe",
    )
    schedule_visit(
        rit,
        "FBRI",
        "LSN",
        "--window",
        "2016-10",
        "--decide-by",
        "2016-08-31",
        "--title",
        "Return visit",
    )
    ok(
        rit,
        "add-meeting",
        "Partnering day",
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--on",
        "2016-11-07",
        "--days",
        "2",
        "--place",
        "Hamburg",
    )
    ok(
        rit,
        "add-meeting",
        '=HYPERLINK("http://x")\x07; Müller, 山田',
        "--org",
        "LSN",
        "--on",
        "2016-12-01",
        "--note",
        "Straße; Kommas, Zeilen\nzwei",
    )
    ok(rit, "cancel", "4", "--reason", "no budget")


def events(text: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(text)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_events_read_back(rit: RitRunner, tmp_path: Path) -> None:
    story(rit)
    out = tmp_path / "rit.ics"
    result = rit("export", "ics", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    calendar = Calendar.from_ical(out.read_bytes())
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    found = events(out.read_bytes())
    assert len(found) == 4

    kobe = found["Delegation in Kobe"]
    start = kobe.decoded("dtstart")
    assert start == datetime(2016, 5, 2, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert kobe["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert str(kobe["status"]) == "CONFIRMED"
    assert str(kobe["uid"]).endswith("@rit")
    assert str(kobe["location"]) == "Kobe"

    window = found["Return visit (window, decide by 2016-08-31)"]
    assert window.decoded("dtstart") == date(2016, 10, 1)
    assert window.decoded("dtend") == date(2016, 11, 1)  # exclusive: the day after the 31st
    assert str(window["status"]) == "TENTATIVE"
    assert str(window["transp"]) == "TRANSPARENT"

    day = found["Partnering day"]
    assert day.decoded("dtstart") == date(2016, 11, 7)
    assert day.decoded("dtend") == date(2016, 11, 9)

    hostile = next(e for s, e in found.items() if s.startswith("=HYPERLINK"))
    assert str(hostile["summary"]) == '=HYPERLINK("http://x")\ufffd; Müller, 山田'
    assert str(hostile["status"]) == "CANCELLED"
    assert str(hostile["transp"]) == "TRANSPARENT"  # free/busy: it blocks no time any more
    assert "transp" not in kobe  # a fixed exchange blocks its time (OPAQUE, the default)
    assert "Straße; Kommas, Zeilen\nzwei" in str(hostile["description"])


def test_uid_stable_and_sequence_rises_on_change(rit: RitRunner) -> None:
    story(rit)
    first = events(rit("export", "ics").stdout.encode())
    ok(rit, "fix-date", "Return visit", "--on", "2016-10-12", "--at", "09:30")
    second = events(rit("export", "ics").stdout.encode())
    before = first["Return visit (window, decide by 2016-08-31)"]
    after = second["Return visit"]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == datetime(
        2016, 10, 12, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert str(after["status"]) == "CONFIRMED"


def test_from_to_select_overlapping_exchanges(rit: RitRunner) -> None:
    story(rit)
    found = events(
        rit("export", "ics", "--from", "2016-10-15", "--to", "2016-11-07").stdout.encode()
    )
    assert sorted(found) == ["Partnering day", "Return visit (window, decide by 2016-08-31)"]
    bad = rit("export", "ics", "--from", "2016-12-01", "--to", "2016-11-01")
    assert bad.exit_code == 2
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: ")


@pytest.mark.parametrize(
    "edit", [["FBRI", "--short", "FBRK"], ["LSN", "--name", "Aalto Life Science Nord"]]
)
def test_a_renamed_organisation_raises_the_sequence_of_its_events(
    rit: RitRunner, edit: list[str]
) -> None:
    """QA: the events name the organisations (DESCRIPTION: guests, host, participants, in
    the order of their names); edit-org changed that text in every event while SEQUENCE,
    DTSTAMP and LAST-MODIFIED stayed, so a calendar kept the old names."""
    story(rit)
    ok(rit, "add-org", "Kiel Region", "--short", "KR", "--country", "DE", "--city", "Kiel")
    ok(rit, "add-meeting", "Kiel only", "--org", "KR", "--on", "2016-09-01")
    before = events(rit("export", "ics").stdout.encode())
    ok(rit, "edit-org", *edit)
    after = events(rit("export", "ics").stdout.encode())
    changed = 0
    for summary, event in before.items():
        renamed = next(e for e in after.values() if e["uid"] == event["uid"])
        shown = [str(e.get(p)) for e in (event, renamed) for p in ("summary", "description")]
        if shown[:2] != shown[2:]:
            changed += 1
            assert int(renamed["sequence"]) > int(event["sequence"]), summary
            assert renamed.decoded("last-modified") >= event.decoded("last-modified")
    assert changed
    kiel = after["Kiel only"]
    assert int(kiel["sequence"]) == int(before["Kiel only"]["sequence"])  # not named


def test_an_edit_committed_while_exporting_is_not_half_in_the_file(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA: export ics read the exchanges, then their organisations, each statement in a
    snapshot of its own: an edit committed in between (cron exporting while you edit) gave
    an event the new organisations under its old SEQUENCE and DTSTAMP, which a calendar
    holding that SEQUENCE keeps unchanged."""
    import sqlite3

    from rit_cli.store import calendar

    story(rit)
    ok(rit, "add-org", "JETRO", "--country", "JP", "--city", "Tokyo")
    read = calendar.calendar_entries
    env = {**os.environ, "RIT_DB": str(db_path), "RIT_TODAY": "2016-08-25"}
    edit = [sys.executable, "-m", "rit_cli", "edit-exchange", "Partnering day"]

    def edited_meanwhile(conn: sqlite3.Connection, *args: date | None) -> object:
        def between(sql: str) -> None:
            if "exchange_orgs" in sql:
                conn.set_trace_callback(None)
                orgs = ["--org", "LSN", "--org", "FBRI", "--org", "JETRO"]
                subprocess.run([*edit, *orgs], env=env, capture_output=True, check=True)

        conn.set_trace_callback(between)
        return read(conn, *args)

    monkeypatch.setattr(calendar, "calendar_entries", edited_meanwhile)
    event = events(rit("export", "ics").stdout.encode())["Partnering day"]
    assert (str(event["description"]), int(event["sequence"])) == ("participants: FBRI, LSN", 0)
    event = events(rit("export", "ics").stdout.encode())["Partnering day"]
    assert (str(event["description"]), int(event["sequence"])) == (
        "participants: FBRI, JETRO, LSN",
        1,
    )


@pytest.mark.parametrize("fold", ["0", "1"])
def test_a_time_that_happens_twice_keeps_its_instant(rit: RitRunner, fold: str) -> None:
    """RFC 5545 reads an ambiguous TZID time as its first occurrence: fold 1 goes in UTC."""
    import json

    ok(rit, "add-org", "LSN", "--country", "DE", "--city", "Hamburg")
    ok(rit, "add-org", "FBRI", "--country", "JP", "--city", "Kobe")
    ok(rit, "add-meeting", "H", "--org", "LSN", "--org", "FBRI", "--on", "2016-10-30",
       "--tz", "Europe/Berlin")  # fmt: skip
    ok(rit, "reschedule", "1", "--on", "2016-10-30", "--at", "02:30", "--fold", fold)
    ok(rit, "add-meeting", "Two days", "--org", "LSN", "--on", "2016-10-30", "--days", "2")
    ok(rit, "reschedule", "2", "--on", "2016-10-30", "--at", "02:30", "--fold", fold)
    found = events(rit("export", "ics").stdout.encode())
    for ref, title in (("1", "H"), ("2", "Two days")):
        stored = json.loads(ok(rit, "show-exchange", ref, "--json"))["starts_utc"]
        # (PEP 495: a wall time that happens twice never compares equal across zones.)
        start = found[title].decoded("dtstart").astimezone(UTC)
        assert start == datetime.fromisoformat(stored)
        if fold == "1":
            assert found[title]["dtstart"].to_ical() == b"20161030T013000Z"
        else:
            assert found[title]["dtstart"].params["TZID"] == "Europe/Berlin"
    end = found["Two days"].decoded("dtend")
    assert end == datetime(2016, 11, 1, tzinfo=ZoneInfo("Europe/Berlin"))


def test_empty_database_gives_an_empty_calendar(rit: RitRunner, db_path: Path) -> None:
    empty_database(db_path)
    calendar = Calendar.from_ical(rit("export", "ics").stdout.encode())
    assert calendar.walk("VEVENT") == []


def _khal() -> str:
    path = shutil.which("khal")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("khal is missing in CI: .ci/run installs it (apt-get install khal)")
        pytest.skip("khal is not installed (apt-get install khal)")
    return path


def _khal_config(tmp_path: Path) -> Path:
    calendar = tmp_path / "khal" / "cal"
    calendar.mkdir(parents=True)
    config = tmp_path / "khal" / "config"
    config.write_text(
        f"[calendars]\n[[rit]]\npath = {calendar}\n[locale]\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Europe/Berlin\ndefault_timezone = Europe/Berlin\n"
        f"[sqlite]\npath = {tmp_path}/khal/khal.db\n",
        encoding="utf-8",
    )
    return config


def test_khal_imports_the_calendar_and_updates_on_reexport(rit: RitRunner, tmp_path: Path) -> None:
    khal = _khal()
    config = _khal_config(tmp_path)
    story(rit)
    env = {**os.environ, "HOME": str(tmp_path), "LC_ALL": "C.UTF-8", "TZ": "Europe/Berlin"}

    def khal_run(*args: str) -> str:
        done = subprocess.run(
            [khal, "-c", str(config), *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_export() -> None:
        out = tmp_path / "rit.ics"
        assert rit("export", "ics", "--out", str(out)).exit_code == 0
        khal_run("import", "--batch", str(out))

    import_export()
    listed = khal_run("list", "--format", "{start} {title}", "2016-05-02", "1d")
    assert "2016-05-02 03:00 Delegation in Kobe" in listed  # 10:00 in Kobe is 03:00 in Berlin
    listed = khal_run("list", "--format", "{start} {title}", "2016-10-01", "1d")
    assert "Return visit (window, decide by 2016-08-31)" in listed

    ok(rit, "fix-date", "Return visit", "--on", "2016-10-12", "--at", "09:30")
    import_export()
    assert len(list((tmp_path / "khal" / "cal").iterdir())) == 4  # updated, not duplicated
    listed = khal_run("list", "--format", "{start} {title}", "2016-10-01", "30d")
    assert "2016-10-12 09:30 Return visit" in listed
    assert "window" not in listed


def test_the_same_data_gives_the_same_file(rit: RitRunner, db_path: Path) -> None:
    """Byte for byte, in processes with other hash seeds: the zones come sorted."""
    story(rit)
    for number, zone in enumerate(("Asia/Seoul", "Europe/Paris", "America/New_York"), 1):
        ok(
            rit,
            "add-meeting",
            f"Call {number}",
            "--org",
            "LSN",
            "--on",
            "2016-06-0" + str(number),
            "--at",
            "09:00",
            "--tz",
            zone,
        )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {
            **os.environ,
            "RIT_DB": str(db_path),
            "PYTHONHASHSEED": seed,
            "RIT_TODAY": "2016-08-25",
        }
        result = subprocess.run(
            [sys.executable, "-m", "rit_cli", "export", "ics"],
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    zones = [str(z["TZID"]) for z in Calendar.from_ical(outputs.pop()).walk("VTIMEZONE")]
    assert zones == ["America/New_York", "Asia/Seoul", "Asia/Tokyo", "Europe/Paris"]


def test_the_calendar_is_one_calendar_written_event_by_event(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pieces make one calendar: read and written again by icalendar, the same bytes;
    each batch of exchanges is read after the ones before it were written (a calendar of
    500 000 exchanges was built whole: 628 MB at 50 000)."""
    from rit_cli.store import calendar

    story(rit)
    ok(rit, "add-meeting", "Call", "--org", "LSN", "--on", "2016-06-01", "--at", "09:00",
       "--tz", "Asia/Seoul")  # fmt: skip
    whole = ok(rit, "export", "ics").encode()
    assert Calendar.from_ical(whole).to_ical() == whole
    entries = calendar._entries
    written_before: list[tuple[int, int]] = []  # (exchanges read, bytes written before)

    def watching(conn: object, rows: list[object]) -> object:
        sys.stdout.flush()
        written_before.append((len(rows), len(sys.stdout.buffer.getvalue())))
        return entries(conn, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(calendar, "AT_A_TIME", 2)
    monkeypatch.setattr(calendar, "_entries", watching)
    assert ok(rit, "export", "ics").encode() == whole
    assert [n for n, _ in written_before] == [2, 2, 1]
    written = [w for _, w in written_before]
    assert 0 < written[0] < written[1] < written[2] < len(whole)
    zones = [str(z["TZID"]) for z in Calendar.from_ical(whole).walk("VTIMEZONE")]
    assert zones == ["Asia/Seoul", "Asia/Tokyo"]


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        ([], []),
        ([("Europe/Berlin", None, None, 0), ("Asia/Tokyo", None, None, 0)],
         ["Asia/Tokyo", "Europe/Berlin"]),
        # The second 02:30 of 30 October 2016 in Berlin is written in UTC: no TZID.
        ([("Europe/Berlin", "2016-10-30", "02:30", 1)], []),
        ([("Europe/Berlin", "2016-10-30", "02:30", 1), ("Europe/Berlin", None, None, 0)],
         ["Europe/Berlin"]),
        # A fold 1 time that does not happen twice (the rules changed) keeps its TZID.
        ([("Europe/Berlin", "2016-10-29", "02:30", 1)], ["Europe/Berlin"]),
        ([("Asia/Tokyo", "2016-10-30", "02:30", 1)], ["Asia/Tokyo"]),
    ],
)  # fmt: skip
def test_zones_named_are_the_tzids_the_events_name(
    rows: list[tuple[str, str | None, str | None, int]], named: list[str]
) -> None:
    from rit_cli.ics import zones_named

    assert zones_named(rows) == named


@pytest.mark.parametrize("fold", ["0", "1"])
def test_a_zone_only_a_second_occurrence_uses_has_no_vtimezone(rit: RitRunner, fold: str) -> None:
    """Its time is in UTC, so no event names the zone (as icalendar adds what is named)."""
    ok(rit, "add-org", "LSN", "--country", "DE", "--city", "Hamburg")
    ok(rit, "add-meeting", "H", "--org", "LSN", "--on", "2016-10-30", "--tz", "Europe/Berlin")
    ok(rit, "reschedule", "1", "--on", "2016-10-30", "--at", "02:30", "--fold", fold)
    text = ok(rit, "export", "ics").encode()
    zones = [str(z["TZID"]) for z in Calendar.from_ical(text).walk("VTIMEZONE")]
    assert zones == ([] if fold == "1" else ["Europe/Berlin"])
    assert Calendar.from_ical(text).get_missing_tzids() == set()


@pytest.mark.parametrize("utc", ["UTC", "Etc/UTC", "GMT", "Zulu", "Universal", "Etc/GMT0"])
def test_a_zone_icalendar_writes_as_utc_has_no_vtimezone(rit: RitRunner, utc: str) -> None:
    """A time in UTC under another name is written with Z, not a TZID: no event names the
    zone, so the calendar holds no VTIMEZONE for it (as add_missing_timezones did)."""
    ok(rit, "add-org", "LSN", "--country", "DE", "--city", "Hamburg")
    ok(rit, "add-meeting", "U", "--org", "LSN", "--on", "2016-07-01", "--at", "10:00",
       "--tz", utc)  # fmt: skip
    ok(rit, "add-meeting", "B", "--org", "LSN", "--on", "2016-07-02", "--at", "10:00")
    text = ok(rit, "export", "ics").encode()
    assert b"DTSTART:20160701T100000Z\r\n" in text
    zones = [str(z["TZID"]) for z in Calendar.from_ical(text).walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"]
