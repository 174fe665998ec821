"""Text that writing needs is data too: joiners kept, line ends normalised, marks still escaped.

Persian and the Indic scripts use the zero-width non-joiner (U+200C) and joiner (U+200D),
and emoji sequences such as 👩‍🔬 are joined by U+200D: every output keeps them as they are.
A note pasted from Windows or a spreadsheet cell ends its lines with \\r\\n: rit keeps line
breaks. Bidi marks and overrides and other controls stay escaped (test_hostile_text).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from icalendar import Calendar

from .helpers import invoke

PERSIAN = "خوشه\u200cهای نوآوری"  # "innovation clusters", with a non-joiner
SCIENTIST = "Lab 👩\u200d🔬 Kobe"  # one emoji: woman, joiner, microscope
HINDI = "क्\u200dष नवाचार"  # a joiner asking for a half form
NOTE_CRLF = "first line\r\nsecond line\rthird line"
NOTE_STORED = "first line\nsecond line\nthird line"


def _ok(db: Path, *args: str) -> str:
    run = invoke(db, *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "rit.db"
    _ok(db, "add-org", "Life Science Nord", "--short", "LSN", "--country", "DE")
    _ok(db, "add-org", PERSIAN, "--short", "IR1", "--country", "IR", "--note", NOTE_CRLF)
    _ok(db, "add-org", SCIENTIST, "--short", "JP1", "--country", "JP", "--city", HINDI)
    _ok(db, "schedule-visit", "--from", "LSN", "--to", "JP1", "--on", "2016-10-04")
    _ok(db, "edit-exchange", "1", "--title", f"Visit {SCIENTIST} {PERSIAN}")
    return db


def test_joiners_are_kept_in_every_output(tmp_path: Path) -> None:
    db = _database(tmp_path)
    listing = _ok(db, "orgs")
    for text in (PERSIAN, SCIENTIST, HINDI):
        assert text in listing
    assert "\\u200" not in listing
    shown = _ok(db, "show-org", "JP1")
    assert SCIENTIST in shown and HINDI in shown

    rows = list(csv.DictReader(io.StringIO(_ok(db, "export", "csv", "orgs"))))
    assert {row["name"] for row in rows} >= {PERSIAN, SCIENTIST}
    assert HINDI in {row["city"] for row in rows}

    data = json.loads(_ok(db, "export", "json"))
    names = {org["name"] for org in data["tables"]["orgs"]}
    assert {PERSIAN, SCIENTIST} <= names

    calendar = Calendar.from_ical(_ok(db, "export", "ics"))
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries == [f"Visit {SCIENTIST} {PERSIAN}"]


def test_joiners_are_kept_on_a_terminal(tmp_path: Path) -> None:
    from rit_cli.text import printable

    assert printable(PERSIAN) == PERSIAN
    assert printable(SCIENTIST) == SCIENTIST
    # what acts stays escaped beside them
    assert printable(f"{PERSIAN}\u202e") == f"{PERSIAN}\\u202e"
    assert printable("a\u200fb\u200bc") == "a\\u200fb\\u200bc"


def test_windows_line_ends_become_line_breaks(tmp_path: Path) -> None:
    db = _database(tmp_path)
    data = json.loads(_ok(db, "export", "json"))
    (org,) = [org for org in data["tables"]["orgs"] if org["short"] == "IR1"]
    assert org["note"] == NOTE_STORED
    rows = list(csv.DictReader(io.StringIO(_ok(db, "export", "csv", "orgs"))))
    (row,) = [row for row in rows if row["short"] == "IR1"]
    assert row["note"] == NOTE_STORED  # line breaks inside a quoted cell, no \\r


def test_a_name_typed_with_windows_line_ends_is_stored_with_line_breaks(tmp_path: Path) -> None:
    db = tmp_path / "rit.db"
    _ok(db, "add-org", "Two\r\nLines", "--country", "DE")
    assert "Two\\nLines" in _ok(db, "show-org", "two\nlines")
    assert "Two\\nLines" in _ok(db, "show-org", "two\r\nlines")  # as it was typed
    refused = invoke(db, "add-org", "Two\nLines", "--country", "DE")
    assert refused.exit_code == 2 and "already" in refused.stderr, refused.stderr


def test_a_name_stored_with_carriage_returns_before_is_still_found(tmp_path: Path) -> None:
    """Keys stored by earlier versions kept \\r: key() leaves line ends alone, so they match."""
    from rit_cli import db as rit_db

    db = tmp_path / "rit.db"
    _ok(db, "add-org", "Placeholder", "--country", "DE")
    conn = rit_db.connect(db)  # as an earlier rit stored 'Alpha\\r\\nBeta'
    conn.execute("UPDATE orgs SET name = ?, name_key = ? WHERE id = 1",
                 ("Alpha\r\nBeta", "alpha\r\nbeta"))  # fmt: skip
    conn.close()
    assert "Alpha\\r\\nBeta" in _ok(db, "show-org", "alpha\r\nbeta")


# Spaces other than ' ': Japanese input methods type the ideographic space (U+3000) between
# family and given name, French puts a narrow no-break space (U+202F) before ':' and German
# a no-break space (U+00A0) after 'Dr.'. They show as spaces, as they are.
YAMADA = "山田\u3000太郎"
DOCTOR = "Dr.\u00a0med."
FRENCH = "Prix\u202f: 5\u2009000\u00a0€"


def test_spaces_of_other_scripts_are_shown_as_they_are(tmp_path: Path) -> None:
    db = tmp_path / "rit.db"
    _ok(db, "add-org", "FBRI", "--country", "JP")
    added = _ok(db, "add-contact", "--org", "FBRI", "--title", DOCTOR, "--note", FRENCH, YAMADA)
    assert added == f"added contact #1 {DOCTOR} {YAMADA} (FBRI)\n"
    for args in (("contacts",), ("show-contact", "1")):
        for terminal in (False, True):
            shown = invoke(db, *args, terminal=terminal).stdout
            assert YAMADA in shown and DOCTOR in shown, shown
            assert "\\u" not in shown and "\\x" not in shown, shown
    assert FRENCH in _ok(db, "show-contact", "1")
    # An error message still tells them from a plain space: 'Anna Schmidt' was typed.
    refused = invoke(db, "show-contact", "山田 太郎x")
    assert refused.exit_code == 2 and "'山田\\u3000太郎'" in refused.stderr, refused.stderr
