"""Every command's help example runs, as typed, on the demo database.

Users learn a command from the `Example: rit …` line(s) of its --help, and try them on the
demo (`rit demo`). Each example is read from the help text through the CLI, split as a
shell would, and run through the real entry point on a fresh copy of the demo database,
with HOME and the working directory in tmp_path and today the demo's own date.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer

from rit_cli.app import app
from rit_cli.cli import load_commands
from rit_cli.demo import STORY_TODAY

from .helpers import Run, run_main
from .test_docs import command_paths

load_commands()  # every command, to list them (and their subcommands) for parametrize
COMMANDS = command_paths()

# Records an example needs that the demo does not hold, entered first. The remove-*
# examples take out a record entered by mistake (the demo has none: what it holds is
# real, and is cancelled, dropped or ended rather than removed); every day of the demo's
# trip already has its stop; the demo's exchanges in the past are all done already.
SETUP = {
    "remove-org": ['add-org "Test GmbH"'],
    "remove-programme": ['add-programme "RIT test" --run-by JETRO --from 2016-01-01 --until 2016'],
    "remove-agreement": ['add-agreement "LoI Kobe (duplicate)" --party LSN --party FBRI'],
    "remove-cooperation": ['add-cooperation "Joint biobank (typo)" --org LSN --org KBIC'],
    "remove-exchange": ["schedule-visit --from LSN --to FBRI --on 2016-05-02"],  # becomes #7
    "add-stop": ['add-trip "Delegation Japan 2017" --from 2017-03-13 --to 2017-03-17'],  # #2
    "remove-trip": ['add-trip "Delegation Japan/China 2016" --from 2016-05-01 --to 2016-05-05'],
    "done": ["fix-date 5 --on 2016-07-14"],  # the return visit whose window has closed
}

PARTNERS_CSV = {  # as Excel saves it (--excel), German headings
    "orgs": "\ufeffName;Kurzname;Art;Land;Stadt\r\nBioCon Valley;BCV;cluster;DE;Greifswald\r\n",
    "contacts": "\ufeffName;Organisation;Rolle\r\nKenji Tanaka;KBIC;cluster manager\r\n",
}


def environment(db: Path, home: Path) -> dict[str, str | None]:
    return {
        "RIT_DB": str(db),
        "RIT_TODAY": STORY_TODAY.isoformat(),
        "RIT_TZ": "Europe/Berlin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "COLUMNS": "120",
        "NO_COLOR": "1",
        "TTY_COMPATIBLE": None,
        "FORCE_COLOR": None,
        "RIT_DEBUG": None,
    }


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once for the module; each example runs on a copy."""
    base = tmp_path_factory.mktemp("demo")
    path = base / "demo.db"
    result = run_main(("demo", "--db", str(path)), environment(path, base))
    assert result.exit_code == 0, result.output
    assert not Path(f"{path}-wal").exists()
    return path


SECOND = re.compile(r"\([^()]*?: (rit [^()]*)\)")  # "(from cron: rit …)"


def examples_in(help_text: str) -> list[str]:
    """The `rit …` examples of a help text: the last paragraph's `Example: rit …` (wrapped
    lines joined), and any `(from cron: rit …)` given after it."""
    description = re.split(r"^(?:Arguments|Options|Commands):", help_text, flags=re.M)[0]
    flat = " ".join(line.strip() for line in description.splitlines())
    found = []
    for match in re.finditer(r"Example: (rit .*?)(?=Example: |$)", flat):
        text = match.group(1)
        found.append(SECOND.sub("", text).strip())
        found.extend(second.strip() for second in SECOND.findall(text))
    return found


def test_examples_in_reads_the_last_paragraph_and_a_second_example() -> None:
    text = (
        "Usage: rit remind [OPTIONS]\n\n  Summary.\n\n  Example: rit remind --within 3w --new"
        "    (from cron:\n  rit --db ~/rit.db remind --new)\n\nOptions:\n  --new  Example: rit no\n"
    )
    assert examples_in(text) == ["rit remind --within 3w --new", "rit --db ~/rit.db remind --new"]


def prepare(command: str, words: list[str], run: Runner, demo_db: Path) -> None:
    """Make the files an example reads, the natural way: a partner's export, an Excel
    sheet, a backup; and the database an example names with --db (a copy of the demo)."""
    arguments = [w for w in words[1:] if not w.startswith("-")]
    if command == "import json":
        run("export", "json", "--out", arguments[2])
    elif command in ("import", "import csv"):
        entity, sheet = arguments[2], arguments[3]
        Path(sheet).write_bytes(PARTNERS_CSV[entity].encode("utf-8"))
    elif command == "restore":
        run("backup", arguments[1])
    if "--db" in words and command != "demo":
        target = Path(words[words.index("--db") + 1])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_db, target)
    for setup in SETUP.get(command, []):
        run(*shlex.split(setup))


def help_of(command: str, tmp_path: Path) -> str:
    """`rit COMMAND --help` as printed (80 columns: CliRunner's width)."""
    result = run_main((*command.split(), "--help"), environment(tmp_path / "none.db", tmp_path))
    assert result.exit_code == 0, result.output
    return result.stdout


def help_at(command: str, tmp_path: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """The same help wrapped `width` wide (98: any terminal of 100 columns or more)."""

    context = typer.main.get_command(app).context_class  # Typer's own click
    wrapper = context.formatter_class

    class Formatter(wrapper):  # type: ignore[valid-type,misc]
        def __init__(self, indent_increment: int = 2, *args: object, **kwargs: object) -> None:
            super().__init__(indent_increment, width, 100)

    with monkeypatch.context() as patch:
        patch.setattr(context, "formatter_class", Formatter)
        return help_of(command, tmp_path)


class Runner:
    def __init__(self, env: dict[str, str | None]) -> None:
        self.env = env

    def __call__(self, *args: str) -> Run:
        result = run_main(args, self.env)
        assert result.exit_code == 0, (args, result.output)
        return result


@pytest.mark.parametrize("command", COMMANDS)
def test_help_example_runs_on_the_demo(
    command: str, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = examples_in(help_of(command, tmp_path))
    assert examples, f"rit {command} --help has no example"
    # Wrapped 80, 90 or 98 wide (a wide terminal), it is never cut at a hyphen (`rit forget-`).
    for width in (90, 98):
        assert examples_in(help_at(command, tmp_path, width, monkeypatch)) == examples, width
    for number, example in enumerate(examples):
        work = tmp_path / f"example{number}"
        home, cwd = work / "home", work / "cwd"
        home.mkdir(parents=True)
        cwd.mkdir()
        db = work / "rit.db"
        shutil.copyfile(demo_db, db)
        monkeypatch.chdir(cwd)
        # As a shell splits it, ~ expanded to HOME.
        words = [str(home) + w[1:] if w.startswith("~") else w for w in shlex.split(example)]
        assert words[0] == "rit", example
        run = Runner(environment(db, home))
        prepare(command, words, run, demo_db)
        result = run_main(tuple(words[1:]), run.env)
        assert result.exit_code == 0, (example, result.output)
        unexpected = [line for line in result.stderr.splitlines() if not line.startswith("wrote ")]
        assert unexpected == [], (example, result.stderr)


def test_setup_names_commands_that_exist() -> None:
    assert set(SETUP) <= set(COMMANDS)
