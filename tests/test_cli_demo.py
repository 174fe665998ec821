"""The demo builds the story in its own file and never touches real data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import refused


def test_demo_builds_story_in_its_own_file(rit: RitRunner, db_path: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    result = rit("demo", "--db", str(demo))
    assert result.exit_code == 0, result.output
    assert f"demo database: {demo}" in result.stdout
    assert "Life Science Nord" in result.stdout
    assert "Hinrich Habeck" in result.stdout
    assert not db_path.exists(), "the demo must not create the user's database"
    orgs = json.loads(rit("--db", str(demo), "orgs", "--json").stdout)
    assert {"LSN", "FBRI", "JETRO"} <= {o["short"] for o in orgs}


def test_demo_runs_again_and_rebuilds(rit: RitRunner, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    first = rit("--db", str(demo), "export", "json").stdout
    assert rit("--db", str(demo), "remind", "--new").exit_code == 0  # reads, adds nothing
    assert rit("demo", "--db", str(demo)).exit_code == 0
    again = rit("--db", str(demo), "export", "json").stdout
    assert len(again) == len(first)  # rebuilt: the same story (new uuids and times)


@pytest.mark.parametrize(
    "change",
    [
        ("add-org", "Extra"),
        ("edit-org", "LSN", "--city", "Kiel"),
        ("remove-exchange", "1"),
        ("forget-contact", "Hinrich Habeck", "--yes"),
    ],
)
def test_demo_refuses_a_demo_database_changed_since(
    rit: RitRunner, tmp_path: Path, change: tuple[str, ...]
) -> None:
    demo = tmp_path / "demo.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    assert rit("--db", str(demo), *change).exit_code == 0
    before = rit("--db", str(demo), "export", "json").stdout
    refused(rit("demo", "--db", str(demo)), "changed since the demo built it")
    assert rit("--db", str(demo), "export", "json").stdout == before


def test_an_imported_demo_export_is_never_rebuilt(rit: RitRunner, tmp_path: Path) -> None:
    demo, mine = tmp_path / "demo.db", tmp_path / "mine.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    export = tmp_path / "demo.json"
    assert rit("--db", str(demo), "export", "json", "--out", str(export)).exit_code == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    assert all(row["key"] != "demo" for row in document["tables"]["meta"])
    # An export from an older rit held the demo's marker: it is not imported either.
    document["tables"]["meta"].append({"key": "demo", "value": "1"})
    export.write_text(json.dumps(document), encoding="utf-8")
    assert rit("--db", str(mine), "import", "json", str(export)).exit_code == 0
    assert rit("--db", str(mine), "add-org", "Mine").exit_code == 0
    conn = sqlite3.connect(mine)
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'demo'").fetchone()[0] == 0
    conn.close()
    before = rit("--db", str(mine), "export", "json").stdout
    refused(rit("demo", "--db", str(mine)), "not a rit demo database")
    assert rit("--db", str(mine), "export", "json").stdout == before


def test_demo_refuses_a_database_marked_by_an_older_import(rit: RitRunner, db_path: Path) -> None:
    """An older rit imported the marker with a demo export: such a database is refused."""
    assert rit("add-org", "Real Org").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO meta (key, value) VALUES ('demo', '1')")
    conn.commit()
    conn.close()
    refused(rit("demo", "--db", str(db_path)), "demo database of an older rit")
    assert "Real Org" in rit("orgs").stdout


def test_demo_refuses_a_real_database(rit: RitRunner, db_path: Path) -> None:
    assert rit("add-org", "Real Org").exit_code == 0
    before = db_path.read_bytes()
    result = rit("demo", "--db", str(db_path))
    assert result.exit_code == 2
    assert "not a rit demo database" in result.stderr
    assert db_path.read_bytes() == before


def test_demo_says_how_to_explore_it_as_of_the_day_it_shows(rit: RitRunner, tmp_path: Path) -> None:
    """Without --today the demo is shown as of the story's day, but the command it offered
    ('rit --db demo.db …') explored it as of the real date: an empty agenda, every window
    closed. The offered command, with a path that needs quoting, shows what the demo did."""
    import shlex

    demo = tmp_path / "my demo.db"
    out = rit("demo", "--db", str(demo), env={"RIT_TODAY": None}).stdout
    explore = next(line for line in out.splitlines() if "explore it with: " in line)
    assert explore.startswith("shown as of 2016-08-25; ")
    command = shlex.split(explore.split("explore it with: ", 1)[1].removesuffix(" …"))
    assert command == ["rit", "--db", str(demo), "--today", "2016-08-25"]
    shown = rit(*command[1:], "remind", env={"RIT_TODAY": None}).stdout
    assert shown and shown in out  # the demo's own reminders, as of its day


def test_demo_refuses_an_empty_db(rit: RitRunner, tmp_path: Path) -> None:
    """--db "$DEMO" with DEMO unset built the demo in the data directory, where every other
    command refuses an empty --db rather than fall back to the default."""
    refused(rit("demo", "--db", ""), "--db must not be empty")
    assert not (tmp_path / "xdg-data" / "rit" / "demo.db").exists()


def test_demo_refuses_a_named_pipe_or_device(rit: RitRunner, tmp_path: Path) -> None:
    """--db /dev/null (size 0, like an empty file) was deleted and replaced by the demo."""
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = rit("demo", "--db", str(fifo))
    assert result.exit_code == 2, result.output
    assert (
        result.stderr
        == f"error: {str(fifo)!r} is not a regular file: give a file for the demo (--db)\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_demo_ends_with_report_and_reminders_that_are_due_overdue_and_at_risk(
    rit: RitRunner, tmp_path: Path
) -> None:
    result = rit("demo", "--db", str(tmp_path / "demo.db"), env={"RIT_TODAY": None})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "shown as of 2016-08-25" in out
    report = out[out.index("rit report — all agreements, as of 2016-08-25") :]
    reminders = report[report.index("Reminders (rit remind, as of 2016-08-25)") :]
    kinds = {line.split("\t")[1] for line in reminders.splitlines() if line.count("\t") >= 4}
    assert {"window-closed", "decide-by", "at-risk"} <= kinds
    assert (
        "2016 requires 1 visit each way (to LSN: 0 held, 0 planned; to FBRI: 1 held, 0 planned);"
        " 1 more to schedule, 128 days left"
    ) in reminders
