"""A progress bar for large CSV imports, on a terminal only (stderr)."""

from __future__ import annotations

from pathlib import Path

from .conftest import RitRunner


def test_progress_bar_only_on_a_terminal(rit: RitRunner, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("name\n" + "".join(f"Org {n}\n" for n in range(6000)), encoding="utf-8")
    piped = rit("import", "csv", "orgs", str(path), env={"RIT_DB": str(tmp_path / "a.db")})
    assert piped.exit_code == 0 and piped.stderr == ""
    terminal = rit(
        "import",
        "csv",
        "orgs",
        str(path),
        env={"RIT_DB": str(tmp_path / "b.db"), "TTY_COMPATIBLE": "1"},
    )
    assert terminal.exit_code == 0, terminal.stderr
    assert terminal.stdout == "imported 6000 organisations\n"
    assert "checking rows" in terminal.stderr
