"""Shared test helpers: rit run in-process quickly, and the story entered through the CLI.

`invoke` runs the real entry point, with Typer's command tree built once.

Typer rebuilds its Click command tree from the function signatures on every call (about a
quarter of a second with every command registered); tests that run rit hundreds of times
reuse one tree. `cli.main` (hoisting, the error boundary) runs unchanged.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import typer
from typer.testing import CliRunner

from rit_cli import cli, context
from rit_cli.app import app

TODAY = "2016-08-25"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@cache
def command_tree() -> Any:
    load = getattr(cli, "load_commands", None)
    if load is not None:
        load()  # commands are registered lazily; load them all to list them
    return typer.main.get_command(app)


def commands() -> set[str]:
    return set(command_tree().commands)


class _CachedApp:
    def __call__(self, **kwargs: Any) -> Any:
        return command_tree().main(**kwargs)


def invoke(
    path: Path,
    *args: str,
    terminal: bool = False,
    columns: int = 120,
    env: dict[str, str | None] | None = None,
    input: str | None = None,
) -> Run:
    """Run `rit ARGS` against the database at `path`, as the `rit` fixture does."""
    base: dict[str, str | None] = {
        "RIT_DB": str(path),
        "RIT_TODAY": TODAY,
        "RIT_TZ": "Europe/Berlin",
        "COLUMNS": str(columns),
        "NO_COLOR": "1",
        "TTY_COMPATIBLE": "1" if terminal else None,
        "FORCE_COLOR": None,
        "RIT_DEBUG": None,
    }
    # When cli builds just the command being run, it is fast already: run it unpatched.
    patch = (
        contextlib.nullcontext()
        if hasattr(cli, "_app_for")
        else mock.patch.object(cli, "app", _CachedApp())
    )
    with patch:
        return run_main(args, {**base, **(env or {})}, input=input)


def run_main(args: tuple[str, ...], env: dict[str, str | None], input: str | None = None) -> Run:
    """`cli.main(ARGS)` with `env`, its streams captured: what `invoke` and the `rit` fixture run."""
    context.configure(None, None)
    code = 0
    with CliRunner().isolation(input=input, env=env) as streams:
        try:
            cli.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        out = streams[0].getvalue().decode("utf-8")
        err = streams[1].getvalue().decode("utf-8")
    return Run(code, out, err)


# --- The story, entered through the CLI ---------------------------------------------------
# Life Science Nord (Hamburg) and the Foundation for Biomedical Research and Innovation
# (Kobe) sign a letter of intent in 2016 and visit each other; JETRO runs the programme.

Env = dict[str, str | None]
RitRunner = Callable[..., Run]

ADD_LSN = (
    "add-org", "Life Science Nord", "--short", "LSN",
    "--kind", "cluster", "--country", "DE", "--city", "Hamburg",
)  # fmt: skip
ADD_FBRI = (
    "add-org", "Foundation for Biomedical Research and Innovation", "--short", "FBRI",
    "--kind", "foundation", "--country", "JP", "--city", "Kobe",
)  # fmt: skip
ADD_JETRO = (
    "add-org", "Japan External Trade Organization", "--short", "JETRO",
    "--kind", "agency", "--country", "JP",
)  # fmt: skip


def ok(
    rit: RitRunner,
    *args: str,
    env: Env | None = None,
    today: str | None = None,
    quiet: bool = False,
) -> str:
    """Run `rit ARGS` (on `today`, as $RIT_TODAY, when given), assert it succeeded; its stdout.

    quiet: assert too that it wrote nothing to stderr.
    """
    if today is not None:
        env = {**(env or {}), "RIT_TODAY": today}
    result = rit(*args, env=env)
    assert result.exit_code == 0, (args, result.output)
    if quiet:
        assert result.stderr == "", (args, result.stderr)
    return result.stdout


def quiet_ok(rit: RitRunner, *args: str, env: Env | None = None, today: str | None = None) -> str:
    """As `ok`, and assert that rit wrote nothing to stderr."""
    return ok(rit, *args, env=env, today=today, quiet=True)


class TwoDatabases:
    """Two partners' databases in one test (import json --merge): run rit on either, and
    write either's export to a file."""

    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        self.rit, self.tmp_path = rit, tmp_path

    def run(self, db: Path, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(db)})

    def export(self, db: Path, name: str) -> Path:
        path = self.tmp_path / name
        path.write_text(self.run(db, "export", "json"), encoding="utf-8")
        return path


def add_story_orgs(rit: RitRunner, env: Env | None = None) -> None:
    """#1 LSN (Hamburg, Europe/Berlin) and #2 FBRI (Kobe, Asia/Tokyo)."""
    ok(rit, *ADD_LSN, env=env)
    ok(rit, *ADD_FBRI, env=env)


def schedule_visit(
    rit: RitRunner,
    guest: str,
    host: str,
    *args: str,
    env: Env | None = None,
    today: str | None = None,
    quiet: bool = False,
) -> str:
    """`rit schedule-visit --from GUEST --to HOST ARGS` through `ok`; its stdout."""
    return ok(
        rit,
        "schedule-visit",
        "--from",
        guest,
        "--to",
        host,
        *args,
        env=env,
        today=today,
        quiet=quiet,
    )


def quiet_visit(rit: RitRunner, guest: str, host: str, *args: str, env: Env | None = None) -> str:
    """As `schedule_visit`, and assert that rit wrote nothing to stderr."""
    return schedule_visit(rit, guest, host, *args, env=env, quiet=True)


def refused(result: Run, message: str) -> Run:
    """Assert rit refused: exit 2 and one line on stderr, `error: …`, that says `message`."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    return result


def schema_before(conn: Any, migration: str) -> None:
    """Bring an empty database up to just before `migration` and mark it as rit's at that
    schema version: an older rit's database, for the migration tests."""
    from sqlite_utils import Database

    from rit_cli import db, fold, migrations

    # Migrations since m006 index through rit_fold, which every rit connection registers.
    conn.create_function(fold.SQL_FUNCTION, 1, fold.sql_function)
    names = [step.name for step in migrations.migrations._migrations]
    migrations.migrations.apply(Database(conn), stop_before=migration)
    conn.execute(f"PRAGMA user_version = {names.index(migration)}")
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")


def empty_database(path: Path) -> None:
    """A new, empty rit database at path, as the first command that adds something makes it
    (commands that only read never create one)."""
    from rit_cli import db

    db.connect(path).close()


@contextlib.contextmanager
def statements_run() -> Any:
    """The SQL statements the commands run inside the block execute (every connection
    db.connect opens is traced): a test of how a command scales counts them, not seconds.
    What triggers and the search index run inside a statement (traced as '-- …') is left
    out: how the full-text index merges its segments is SQLite's business."""
    from rit_cli import db

    seen: list[str] = []
    connect = db.connect

    def traced(*args: Any, **kwargs: Any) -> Any:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(lambda sql: None if sql.startswith("--") else seen.append(sql))
        return conn

    with mock.patch.object(db, "connect", traced):
        yield seen
