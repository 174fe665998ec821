"""The demo builds the story in its own file and never touches real data."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import RitRunner


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
    assert rit("--db", str(demo), "add-org", "Extra").exit_code == 0
    assert rit("demo", "--db", str(demo)).exit_code == 0
    names = [o["name"] for o in json.loads(rit("--db", str(demo), "orgs", "--json").stdout)]
    assert "Extra" not in names


def test_demo_refuses_a_real_database(rit: RitRunner, db_path: Path) -> None:
    assert rit("add-org", "Real Org").exit_code == 0
    before = db_path.read_bytes()
    result = rit("demo", "--db", str(db_path))
    assert result.exit_code == 2
    assert "not a rit demo database" in result.stderr
    assert db_path.read_bytes() == before


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
