"""The README's command reference is the real --help of every command; every help works."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer

from rit_cli.app import app
from rit_cli.cli import COMMAND_MODULES, load_commands

from .conftest import RitRunner

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def command_names() -> list[str]:
    load_commands()
    return [name for names in COMMAND_MODULES.values() for name in names]


def test_command_table_matches_what_modules_register() -> None:
    """cli.COMMAND_MODULES drives lazy loading: it must name every command, in its module."""
    load_commands()
    registered: dict[str, set[str]] = {}
    for command in app.registered_commands:
        module = command.callback.__module__.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        registered.setdefault(module, set()).add(command.name or "")
    for group in app.registered_groups:
        first = group.typer_instance.registered_commands[0]  # type: ignore[union-attr]
        module = first.callback.__module__.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        registered.setdefault(module, set()).add(group.name or "")
    assert registered == {module: set(names) for module, names in COMMAND_MODULES.items()}
    group = typer.main.get_command(app)
    assert sorted(group.commands) == sorted(command_names())  # type: ignore[attr-defined]


def test_command_signatures_are_not_strings() -> None:
    """Typer reads each command's annotations; as strings (PEP 563) it compiles and evaluates
    every one on each run (about 2 ms for agenda), so command modules and cli.py keep them
    as objects."""
    source = Path(__file__).resolve().parent.parent / "src" / "rit_cli"
    modules = [source / "cli.py", *(source / "commands").glob("[!_]*.py")]
    stringy = [p.name for p in modules if "from __future__ import annotations" in p.read_text()]
    assert stringy == []


def command_paths() -> list[str]:
    """Every command as typed: each group (export, import) followed by its subcommands,
    whose options (--merge, --raw, --from) the group's help does not show."""
    root = typer.main.get_command(app)
    paths = []
    for name in command_names():
        paths.append(name)
        group = root.commands[name]  # type: ignore[attr-defined]
        paths.extend(f"{name} {sub}" for sub in getattr(group, "commands", {}))
    return paths


def reference(rit: RitRunner) -> str:
    parts = []
    env = {"COLUMNS": "100", "TERMINAL_WIDTH": "100"}
    for path in command_paths():
        result = rit(*path.split(), "--help", env=env)
        assert result.exit_code == 0, result.output
        parts.append(f"### `rit {path}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def test_every_command_has_help_with_an_example(rit: RitRunner) -> None:
    assert "import json" in command_paths()
    for path in command_paths():
        result = rit(*path.split(), "--help")
        assert result.exit_code == 0, path
        assert "Example: rit " in result.stdout, f"{path} --help has no example"


def test_root_help_lists_every_command_with_a_summary(rit: RitRunner) -> None:
    result = rit("--help")
    assert result.exit_code == 0
    for name in command_names():
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", result.stdout, re.M), name


def test_readme_command_reference_matches_help(rit: RitRunner) -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    wanted = f"{START}\n\n{reference(rit)}\n{END}"
    if os.environ.get("RIT_UPDATE_DOCS") == "1":
        README.write_text(before + wanted + after, encoding="utf-8")
        pytest.skip("README command reference rewritten")
    assert START + rest.split(END, 1)[0] + END == wanted, (
        "README command reference is out of date: run RIT_UPDATE_DOCS=1 pytest tests/test_docs.py"
    )


def test_root_help_summaries_are_whole_at_80_columns(rit: RitRunner) -> None:
    """Each command's one-line summary fits, so `rit --help` never cuts one short with '...'."""
    result = rit("--help", env={"COLUMNS": "80"})
    listing = result.stdout.split("Commands:", 1)[1]
    assert "..." not in listing
    for name in ("export", "import"):
        sub = rit(name, "--help", env={"COLUMNS": "80"}).stdout.split("Commands:", 1)[1]
        assert "..." not in sub


def walkthrough_lines() -> list[tuple[int, str]]:
    """(README line, command) for every command in the ```sh blocks of the walkthrough
    sections (from 'Walkthrough' to 'Conventions'), continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = lines.index("## Walkthrough: the Kobe–Life Science Nord story")
    last = lines.index("## Conventions")
    found: list[tuple[int, str]] = []
    block: int | None = None
    pending = ""
    for number, line in enumerate(lines[first:last], first + 1):
        if line.startswith("```"):
            block = number if line == "```sh" and block is None else None
            continue
        if block is None:
            continue
        pending += line
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        if pending.strip() and not pending.lstrip().startswith("#"):
            found.append((number, pending))
        pending = ""
    return found


def test_the_readme_walkthrough_runs_in_order(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every walkthrough command works when the blocks are followed in order from an empty
    database (external tools such as datasette are not run)."""
    import shlex
    import subprocess

    monkeypatch.chdir(tmp_path)
    env: dict[str, str | None] = {"HOME": str(tmp_path)}
    ran = 0
    for number, line in walkthrough_lines():
        if "datasette" in line:
            continue
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if words[0] == "export":
                env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
                continue
            local = dict(env)
            while "=" in words[0]:
                name, value = words.pop(0).split("=", 1)
                local[name] = value
            if words[0] != "rit":
                done = subprocess.run(
                    ["bash", "-c", part], cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)}
                )
                assert done.returncode == 0, (number, part)
                continue
            args = [w.replace("~", str(tmp_path), 1) if w.startswith("~") else w for w in words[1:]]
            result = rit(*args, env=local)
            assert result.exit_code == 0, (number, part, result.stderr)
            ran += 1
    assert ran > 50
