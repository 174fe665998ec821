"""import json --merge of a record changed on both sides: what was set here and replaced by
the partner's newer copy shows in history, in the report, and in the calendar's SEQUENCE.

We reschedule a meeting from 20 to 22 September; a second later the partner, whose copy
predates that, only edits the meeting's note. Their copy is newer, so it wins whole: the
meeting is back on the 20th. That must not pass unnoticed: history says 'merge day
2016-09-22 -> 2016-09-20', the report counts it as replaced, and the exported calendar
raises the event's SEQUENCE so a subscribed calendar moves it back too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar

from .conftest import RitRunner
from .helpers import TwoDatabases, add_story_orgs, quiet_ok
from .test_cli_data import clock  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")

MEETING = ("1", "--kind", "exchange")


class Sides(TwoDatabases):
    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        super().__init__(rit, tmp_path)
        self.ours, self.theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
        add_story_orgs(rit, env={"RIT_DB": str(self.ours)})
        self.run(self.ours, "add-meeting", "Sync call", "--org", "LSN", "--org", "FBRI",
                 "--on", "2016-09-20", "--online")  # fmt: skip
        self.run(self.theirs, "import", "json", str(self.export(self.ours, "shared.json")))

    def sequence(self) -> int:
        calendar = Calendar.from_ical(self.run(self.ours, "export", "ics"))
        (event,) = calendar.walk("VEVENT")
        return int(event["SEQUENCE"])

    def history(self) -> list[list[str]]:
        out = quiet_ok(self.rit, "history", *MEETING, env={"RIT_DB": str(self.ours)})
        return [line.split("\t")[1:] for line in out.splitlines()]


@pytest.fixture
def sides(rit: RitRunner, tmp_path: Path) -> Sides:
    return Sides(rit, tmp_path)


def test_a_change_made_here_and_replaced_shows_everywhere(sides: Sides) -> None:
    sides.run(sides.ours, "reschedule", "1", "--on", "2016-09-22")
    sent = sides.sequence()
    sides.run(sides.theirs, "edit-exchange", "1", "--note", "agenda attached")
    theirs = sides.export(sides.theirs, "theirs.json")

    result = sides.rit("import", "json", str(theirs), "--merge", env={"RIT_DB": str(sides.ours)})
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    # table, added, updated, skipped, kept removed, replaced (the last two only when either
    # is not 0: then both, so that piped lines keep one shape)
    assert ["exchanges", "0", "1", "0", "0", "1"] in rows
    assert ["orgs", "0", "0", "2", "0", "0"] in rows
    assert result.stderr.startswith("replaced: 1 record changed here too")

    shown = sides.run(sides.ours, "show-exchange", "1")
    assert "date: 2016-09-20" in shown and "note: agenda attached" in shown
    history = sides.history()
    assert ["merge", "day", "2016-09-22", "2016-09-20"] in history
    assert ["merge", "end_on", "2016-09-22", "2016-09-20"] in history
    assert sides.sequence() == sent + 1


def test_the_partners_own_change_is_not_counted_as_replaced(sides: Sides) -> None:
    sides.run(sides.ours, "edit-exchange", "1", "--purpose", "kick-off")
    before = sides.sequence()
    sides.run(sides.theirs, "reschedule", "1", "--on", "2016-09-23")  # newer than ours
    theirs = sides.export(sides.theirs, "theirs.json")

    out = sides.run(sides.ours, "import", "json", str(theirs), "--merge", "--json")
    report = {row["table"]: row for row in json.loads(out)}
    assert report["exchanges"]["updated"] == 1
    assert report["exchanges"]["replaced"] == 1  # our purpose was replaced (theirs is newer)
    history = sides.history()
    assert ["merge", "purpose", "kick-off", ""] in history
    # their reschedule is in their history: no 'merge' row repeats it
    assert not [row for row in history if row[:2] == ["merge", "day"]]
    assert "date: 2016-09-23" in sides.run(sides.ours, "show-exchange", "1")
    assert sides.sequence() > before


def test_a_merge_of_only_the_partners_changes_replaces_nothing(sides: Sides) -> None:
    sides.run(sides.theirs, "reschedule", "1", "--on", "2016-09-23")
    theirs = sides.export(sides.theirs, "theirs.json")
    result = sides.rit("import", "json", str(theirs), "--merge", env={"RIT_DB": str(sides.ours)})
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert ["exchanges", "0", "1", "0"] in [line.split("\t") for line in result.stdout.splitlines()]
    history = sides.history()
    assert history[-1] == ["merge", "", "", ""]  # their rows hold the change
    assert sides.sequence() == 1  # theirs, raised by their reschedule, outranks our 0


def test_a_merge_never_lowers_the_sequence(sides: Sides) -> None:
    """Ours was raised by a merge; the partner's later change a calendar does not show
    (the agreement link) must not bring it back to theirs: subscribers saw ours."""
    sides.run(sides.ours, "reschedule", "1", "--on", "2016-09-22")
    sides.run(sides.theirs, "edit-exchange", "1", "--note", "agenda attached")
    sides.run(sides.ours, "import", "json", str(sides.export(sides.theirs, "t1.json")), "--merge")
    sent = sides.sequence()
    sides.run(sides.theirs, "edit-exchange", "1", "--purpose", "")  # nothing to clear: no change
    sides.run(sides.theirs, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
              "--signed", "2016-01-01")  # fmt: skip
    sides.run(sides.theirs, "edit-exchange", "1", "--agreement", "LoI")
    sides.run(sides.ours, "import", "json", str(sides.export(sides.theirs, "t2.json")), "--merge")
    assert sides.sequence() == sent


def test_organisations_changed_by_the_merge_raise_the_sequence(sides: Sides) -> None:
    """A calendar shows an exchange's organisations: the partner's newer copy dropping
    one we added raises the sequence above ours, though no column a calendar shows did."""
    sides.run(sides.ours, "add-org", "Third Cluster", "--short", "TC", "--country", "DE")
    shared = sides.export(sides.ours, "with-tc.json")  # both sides know the third cluster
    sides.run(sides.theirs, "import", "json", str(shared), "--merge")
    sides.run(sides.ours, "edit-exchange", "1", "--org", "LSN", "--org", "FBRI", "--org", "TC")
    sent = sides.sequence()
    calendar = sides.run(sides.ours, "export", "ics")
    assert "TC" in calendar
    sides.run(sides.theirs, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI",
              "--signed", "2016-01-01")  # fmt: skip
    sides.run(sides.theirs, "edit-exchange", "1", "--agreement", "LoI")  # later than ours
    sides.run(sides.ours, "import", "json", str(sides.export(sides.theirs, "t.json")), "--merge")
    assert "TC" not in sides.run(sides.ours, "export", "ics")
    assert sides.sequence() == sent + 1


def test_a_file_without_history_replaces_nothing_it_can_tell(sides: Sides) -> None:
    """Without the partner's history rit cannot tell a change made here from one made
    there: the values it replaces get merge rows, but nothing is counted as replaced."""
    sides.run(sides.theirs, "reschedule", "1", "--on", "2016-09-23")
    path = sides.export(sides.theirs, "t.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["tables"]["history"] = []
    path.write_text(json.dumps(document), encoding="utf-8")
    result = sides.rit("import", "json", str(path), "--merge", env={"RIT_DB": str(sides.ours)})
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert ["merge", "day", "2016-09-20", "2016-09-23"] in sides.history()
