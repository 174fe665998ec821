"""Shared fixtures: a migrated in-memory database and a CLI runner with its own database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rit_cli import db

from .helpers import TODAY, RitRunner, Run, run_main


@pytest.fixture(autouse=True)
def _no_real_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the user's own database: the default location lies in tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("RIT_DB", raising=False)


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = db.connect(Path(":memory:"))
    yield connection
    connection.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rit.db"


@pytest.fixture
def rit(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> RitRunner:
    """Run rit through its real entry point (error boundary included) in-process."""
    monkeypatch.delenv("RIT_DEBUG", raising=False)
    base_env = {
        "RIT_DB": str(db_path),
        "RIT_TODAY": TODAY,
        "RIT_TZ": "Europe/Berlin",
        "COLUMNS": "120",
        "TTY_COMPATIBLE": None,
        "FORCE_COLOR": None,
        "NO_COLOR": "1",
    }

    def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Run:
        return run_main(args, {**base_env, **(env or {})}, input=input)

    return run


def dump_database(path: Path) -> str:
    """The database's full content as SQL text, to compare before and after a command."""
    if not path.exists():
        return ""
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def dump(db_path: Path) -> Callable[[], str]:
    return lambda: dump_database(db_path)
