"""A time given at a place stands when the zone's rules change after it was entered.

rit records the instant of a timed start (starts_utc) when the time is given. A tzdata
update can change a zone's rules afterwards (a country giving up daylight saving, as
British Columbia and Mexico did): the recorded instant then names another wall-clock time.
The time the user typed is the fact; every view shows it, and the instant follows it.
The change of rules is simulated by recording the instant another set of rules gives.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rit_cli.dates import start_at_place

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_LSN, ok

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("day", "at", "fold", "recorded", "expected"),
    [
        # The recorded instant still names the time: it is the start (and its fold).
        (date(2016, 12, 1), "10:00", None, "2016-12-01T09:00+00:00", "2016-12-01T10:00+01:00"),
        (date(2016, 10, 30), "02:30", 1, "2016-10-30T01:30+00:00", "2016-10-30T02:30+01:00"),
        (date(2016, 10, 30), "02:30", 0, "2016-10-30T00:30+00:00", "2016-10-30T02:30+02:00"),
        # Recorded under other rules (an hour off, or a day off): the time given stands.
        (date(2016, 12, 1), "10:00", None, "2016-12-01T08:00+00:00", "2016-12-01T10:00+01:00"),
        (date(2016, 12, 1), "00:30", None, "2016-12-01T00:30+00:00", "2016-12-01T00:30+01:00"),
        (date(2016, 7, 1), "23:30", None, "2016-07-01T23:30+00:00", "2016-07-01T23:30+02:00"),
        # Now repeated by the rules: fold says which; now skipped: as the clock then reads.
        (date(2016, 10, 30), "02:30", 1, "2016-10-30T02:30+00:00", "2016-10-30T02:30+01:00"),
        (date(2016, 10, 30), "02:30", None, "2016-10-30T02:30+00:00", "2016-10-30T02:30+02:00"),
        (date(2016, 3, 27), "02:30", None, "2016-03-27T00:00+00:00", "2016-03-27T03:30+02:00"),
        # No instant recorded: from the time given.
        (date(2016, 12, 1), "10:00", None, None, "2016-12-01T10:00+01:00"),
    ],
)
def test_the_start_at_the_place_is_the_time_given(
    day: date, at: str, fold: int | None, recorded: str | None, expected: str
) -> None:
    instant = datetime.fromisoformat(recorded) if recorded else None
    start = start_at_place(day, at, "Europe/Berlin", fold, instant)
    assert start.isoformat(timespec="minutes") == expected
    assert start.tzinfo is not None and getattr(start.tzinfo, "key", None) == "Europe/Berlin"
    assert start.astimezone(UTC) == datetime.fromisoformat(expected)


def _recorded_under_other_rules(db_path: Path, exchange_id: int, starts_utc: str) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE exchanges SET starts_utc = ? WHERE id = ?", (starts_utc, exchange_id))
    conn.close()


def _visit_at_ten(rit: RitRunner) -> None:
    """Exchange #1: FBRI's visit to Hamburg on 1 December 2016 at 10:00 (09:00 UTC)."""
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on",
       "2016-12-01", "--at", "10:00")  # fmt: skip


def test_every_view_shows_the_time_given_after_the_rules_changed(
    rit: RitRunner, db_path: Path
) -> None:
    _visit_at_ten(rit)
    env = {"RIT_TZ": "Asia/Tokyo", "RIT_TODAY": "2016-11-30"}
    views = {
        "agenda": ("agenda",),
        "remind": ("remind",),
        "report": ("report",),
        "show": ("show-exchange", "1"),
        "json": ("show-exchange", "1", "--json"),
        "ics": ("export", "ics"),
    }
    before = {name: ok(rit, *args, env=env) for name, args in views.items()}
    assert "10:00 CET" in before["agenda"] and "18:00 JST" in before["agenda"]
    assert "on 2016-12-01 at 10:00 CET (18:00 JST), tomorrow" in before["remind"]
    # As if Hamburg had kept summer time when the visit was entered: 08:00 UTC was 10:00.
    _recorded_under_other_rules(db_path, 1, "2016-12-01T08:00+00:00")
    after = {name: ok(rit, *args, env=env) for name, args in views.items()}
    assert after == before
    shown = json.loads(after["json"])
    assert (shown["at"], shown["starts_local"], shown["starts_utc"]) == (
        "10:00",
        "2016-12-01T10:00:00+01:00",
        "2016-12-01T09:00+00:00",
    )


def test_an_export_after_the_rules_changed_imports(
    rit: RitRunner, db_path: Path, tmp_path: Path
) -> None:
    """The export writes the instant the time given has now (as agenda --json does); it
    wrote the one recorded, which import refused as not matching the local time."""
    _visit_at_ten(rit)
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on",
       "2016-12-02", "--at", "09:00")  # fmt: skip
    before = ok(rit, "export", "json")
    _recorded_under_other_rules(db_path, 1, "2016-12-01T08:00+00:00")
    exported = ok(rit, "export", "json")
    assert exported == before
    stamps = [e["starts_utc"] for e in json.loads(exported)["tables"]["exchanges"]]
    assert stamps == ["2016-12-01T09:00+00:00", "2016-12-02T00:00+00:00"]
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    copy = {"RIT_DB": str(tmp_path / "copy.db")}
    ok(rit, "import", "json", str(path), env=copy)
    assert ok(rit, "export", "json", env=copy) == exported
