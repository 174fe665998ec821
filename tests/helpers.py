"""Running rit in-process quickly: the real entry point, with Typer's command tree built once.

Typer rebuilds its Click command tree from the function signatures on every call (about a
quarter of a second with every command registered); tests that run rit hundreds of times
reuse one tree. `cli.main` (hoisting, the error boundary) runs unchanged.
"""

from __future__ import annotations

import contextlib
import sys
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
    context.configure(None, None)
    code = 0
    # When cli builds just the command being run, it is fast already: run it unpatched.
    patch = (
        contextlib.nullcontext()
        if hasattr(cli, "_app_for")
        else mock.patch.object(cli, "app", _CachedApp())
    )
    with patch:
        with CliRunner().isolation(input=input, env={**base, **(env or {})}) as streams:
            try:
                cli.main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
            out = streams[0].getvalue().decode("utf-8")
            err = streams[1].getvalue().decode("utf-8")
    return Run(code, out, err)
