"""A corpus of invalid invocations: each one exits 2 (or 1), says one line, changes nothing.

Adding a case is one line: ``Bad("command args …", "text the error must contain")``.
The string is split like a shell would (shlex); pass a tuple of arguments instead when a
value holds characters a shell string cannot (control characters, quotes).
A case whose command does not exist (yet) in this rit is skipped, not failed.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import dump_database
from .helpers import commands, invoke

LONG = "x" * 201
HUGE = "y" * 10_001


@dataclass(frozen=True)
class Bad:
    args: str | tuple[str, ...]
    says: str = ""  # the error line must contain this (the bad value, usually)
    code: int = 2

    def argv(self) -> list[str]:
        return shlex.split(self.args) if isinstance(self.args, str) else list(self.args)

    def __str__(self) -> str:
        shown = self.args if isinstance(self.args, str) else " ".join(self.args)
        return shown.encode("unicode_escape").decode("ascii")[:80]


CASES: list[Bad] = [
    # ---------------------------------------------------------------- usage errors
    Bad("no-such-command", "no such command 'no-such-command'"),
    Bad("add-org", "missing argument"),
    Bad("add-org X --bogus", "--bogus"),
    Bad("add-org X --shrt LSN", "--shrt"),
    Bad("add-org X --short", "--short"),
    Bad("add-org X Y", "unexpected extra argument"),
    Bad("orgs --json=yes", "--json"),
    Bad("orgs extra", "extra argument"),
    Bad("show-org", "missing argument"),
    Bad("show-contact", "missing argument"),
    Bad("history", "missing argument"),
    Bad("add-contact Someone", "--org"),
    Bad("contacts --org", "--org"),
    Bad(("add-org", "X", "--\x1b[31m"), "\\x1b"),
    Bad("--db", "--db"),
    Bad("--today", "--today"),
    Bad(("add-org", "K\u014dbe\udcff"), "not valid UTF-8"),
    Bad(("show-org", "\udcff"), "not valid UTF-8"),
    Bad(("orgs", "--today", "2016-10-1\udcff"), "not valid UTF-8"),
    # ---------------------------------------------------------------- global options
    Bad("orgs --today 03/04/2016", "03/04/2016"),
    Bad("orgs --today 2016-13-01", "2016-13-01"),
    Bad("orgs --today 2016-02-30", "2016-02-30"),
    Bad("orgs --today 1899-12-31", "1899"),
    Bad("orgs --today 2200-01-01", "2200"),
    Bad("orgs --today yesterdayish", "yesterdayish"),
    Bad("orgs --today next-week", "next-week"),
    Bad("orgs --today 12.13.2016", "12.13.2016"),
    Bad("orgs --today 2016年13月1日", "2016年13月1日"),
    Bad("orgs --today +99999999999d", "+99999999999d"),
    Bad("orgs --today ''", ""),
    Bad("orgs --today 2016-10-12T10:00", "2016-10-12T10:00"),
    Bad("orgs --today 10/12/16", "10/12/16"),
    Bad(("orgs", "--today", "2016-10-1\x00"), "2016-10-1"),
    # ---------------------------------------------------------------- add-org
    Bad("add-org ''", "name must not be empty"),
    Bad("add-org '   '", "name must not be empty"),
    Bad(("add-org", "\t\n "), "name must not be empty"),
    Bad(("add-org", LONG), "too long"),
    Bad(("add-org", "A\x00B"), "NUL"),
    Bad("add-org X --country XX", "'XX'"),
    Bad("add-org X --country Germany", "'Germany'"),
    Bad("add-org X --country D", "'D'"),
    Bad("add-org X --country 123", "'123'"),
    Bad("add-org X --country DEU", "'DEU'"),
    Bad("add-org X --tz Europe/Hamburg", "'Europe/Hamburg'"),
    Bad("add-org X --tz Mars/Olympus", "'Mars/Olympus'"),
    Bad("add-org X --tz ../../etc/passwd", "../../etc/passwd"),
    Bad("add-org X --tz 'Europe/Berlin '", "Europe/Berlin"),
    Bad("add-org X --kind club", "'club'"),
    Bad("add-org X --kind ''", "kind"),
    Bad("add-org X --website 'not a site'", "'not a site'"),
    Bad("add-org X --website nodot", "'nodot'"),
    Bad("add-org 'life science nord'", "already used by organisation #1"),
    Bad("add-org '  Life Science Nord  '", "already used"),
    Bad("add-org 'LIFE SCIENCE NORD'", "already used"),
    Bad("add-org Other --short lsn", "'lsn' is already used"),
    Bad("add-org Other --short 'Life Science Nord'", "already used"),
    Bad("add-org LSN", "already used"),
    Bad(("add-org", "X", "--short", "S" * 41), "too long"),
    Bad(("add-org", "X", "--city", LONG), "too long"),
    Bad(("add-org", "X", "--region", LONG), "too long"),
    Bad(("add-org", "X", "--note", HUGE), "too long"),
    Bad(("add-org", "X", "--note", "a\x00b"), "NUL"),
    Bad("add-org X --tag ''", "tag"),
    Bad("add-org X --tag '   '", "tag"),
    Bad("add-org X --tag ///", "///"),
    Bad(("add-org", "X", "--tag", "t" * 61), "too long"),
    Bad("add-org X --tag ok --tag ''", "tag"),
    Bad("add-org X --country JP --tz Mars", "'Mars'"),
    # ---------------------------------------------------------------- orgs (listing)
    Bad("orgs --kind club", "'club'"),
    Bad("orgs --country XX", "'XX'"),
    Bad("orgs --tag ///", "///"),
    # ---------------------------------------------------------------- show-org / edit / remove
    Bad("show-org Lif", "did you mean #1 'Life Science Nord'"),
    Bad("show-org nobody", "no organisation 'nobody'"),
    Bad("show-org 999", "'999'"),
    Bad("show-org '#999'", "'#999'"),
    Bad("show-org ''", "must not be empty"),
    Bad("show-org '   '", "must not be empty"),
    Bad(("show-org", "\x1b[2J"), "\\x1b[2J"),
    Bad("show-org -1", "-1"),
    Bad("edit-org FBRI --short LSN", "already used"),
    Bad("edit-org FBRI --name 'life science nord'", "already used"),
    Bad("edit-org FBRI --name ''", "name must not be empty"),
    Bad("edit-org FBRI --country ZZ", "'ZZ'"),
    Bad("edit-org FBRI --kind planet", "'planet'"),
    Bad("edit-org FBRI --tz Asia/Kobe", "'Asia/Kobe'"),
    Bad("edit-org FBRI --website 'a b.c'", "'a b.c'"),
    Bad("edit-org FBRI --tag ''", "tag"),
    Bad(("edit-org", "FBRI", "--name", LONG), "too long"),
    Bad(("edit-org", "FBRI", "--note", HUGE), "too long"),
    Bad("edit-org nobody --city Kiel", "'nobody'"),
    Bad("remove-org nothing", "no organisation 'nothing'"),
    Bad("remove-org LSN", "still referred to"),
    Bad("remove-org ''", "must not be empty"),
    # ---------------------------------------------------------------- contacts
    Bad("add-contact A --org nobody", "no organisation 'nobody'"),
    Bad("add-contact A --org ''", "must not be empty"),
    Bad("add-contact '' --org LSN", "name must not be empty"),
    Bad("add-contact '  ' --org LSN", "name must not be empty"),
    Bad(("add-contact", LONG, "--org", "LSN"), "too long"),
    Bad(("add-contact", "A\x00", "--org", "LSN"), "NUL"),
    Bad("add-contact A --org LSN --email a@b", "'a@b'"),
    Bad("add-contact A --org LSN --email not-an-email", "'not-an-email'"),
    Bad("add-contact A --org LSN --email 'a b@example.org'", "'a b@example.org'"),
    Bad("add-contact A --org LSN --email a@@example.org", "a@@example.org"),
    Bad("add-contact A --org LSN --email @example.org", "'@example.org'"),
    Bad("add-contact A --org LSN --email a@example.o", "a@example.o"),
    Bad(("add-contact", "A", "--org", "LSN", "--email", "a" * 250 + "@example.org"), "too long"),
    Bad("add-contact A --org LSN --phone abc", "'abc'"),
    Bad("add-contact A --org LSN --phone '+-()'", "no digits"),
    Bad(("add-contact", "A", "--org", "LSN", "--phone", "1" * 61), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--title", LONG), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--role", LONG), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--note", HUGE), "too long"),
    Bad("add-contact 'Hinrich Habeck' --org lsn", "already exists"),
    Bad("add-contact 'HINRICH HABECK' --org LSN", "already exists"),
    Bad("add-contact A --org Lif", "did you mean"),
    Bad("contacts --org nobody", "'nobody'"),
    Bad("show-contact Nobody", "no contact 'Nobody'"),
    Bad("show-contact 'taro yamada'", "ambiguous"),
    Bad("show-contact '#999'", "'#999'"),
    Bad("show-contact ''", "must not be empty"),
    Bad("edit-contact Nobody --role x", "'Nobody'"),
    Bad("edit-contact 'taro yamada' --role x", "ambiguous"),
    Bad("edit-contact 'Hinrich Habeck' --email nope", "'nope'"),
    Bad("edit-contact 'Hinrich Habeck' --phone nope", "'nope'"),
    Bad("edit-contact 'Hinrich Habeck' --name ''", "name must not be empty"),
    Bad("edit-contact 'Hinrich Habeck' --org nobody", "'nobody'"),
    Bad(("edit-contact", "Hinrich Habeck", "--note", HUGE), "too long"),
    Bad("remove-contact Nobody", "'Nobody'"),
    Bad("remove-contact 'taro yamada'", "ambiguous"),
    Bad("remove-contact ''", "must not be empty"),
    # ---------------------------------------------------------------- history
    Bad("history LSN --kind planet", "'planet'"),
    Bad("history nothing-at-all", "'nothing-at-all'"),
    Bad("history nothing --kind org", "'nothing'"),
    Bad("history 'taro yamada'", "ambiguous"),
    Bad("history 1", "could be"),
    Bad("history ''", "''"),
    # ---------------------------------------------------------------- forget-contact
    Bad("forget-contact 'Hinrich Habeck'", "--yes"),
    Bad("forget-contact Nobody --yes", "'Nobody'"),
    Bad("forget-contact 'taro yamada' --yes", "ambiguous"),
    Bad("forget-contact '' --yes", "must not be empty"),
    Bad("forget-contact '#999' --yes", "'#999'"),
    Bad("forget-contact --yes", "missing argument"),
    Bad("forget-contact X --yes=no", "--yes"),
]


COMMANDS = commands()


def _command_of(case: Bad) -> str | None:
    for arg in case.argv():
        if not arg.startswith("-"):
            return arg
    return None


SEED = [
    "add-org 'Life Science Nord' --short LSN --kind cluster --country DE --city Hamburg",
    "add-org 'Foundation for Biomedical Research and Innovation' --short FBRI --kind foundation"
    " --country JP --city Kobe",
    "add-org 'Japan External Trade Organization' --short JETRO --kind agency --country JP",
    "add-contact 'Hinrich Habeck' --org LSN --title Dr. --email habeck@example.org",
    "add-contact 'Taro Yamada' --org FBRI",
    "add-contact 'Taro Yamada' --org JETRO",
]


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The story's records, built once; each case runs on a copy."""
    path = tmp_path_factory.mktemp("seed") / "rit.db"
    for line in SEED:
        name = shlex.split(line)[0]
        if name in COMMANDS:
            result = invoke(path, *shlex.split(line))
            assert result.exit_code == 0, (line, result.stderr)
    yield path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: Bad, tmp_path: Path, seed_db: Path
) -> None:
    command = _command_of(case)
    if command is not None and command not in COMMANDS and command != "no-such-command":
        pytest.skip(f"rit has no {command} command yet")
    db_path = tmp_path / "data" / "rit.db"
    db_path.parent.mkdir(mode=0o700)
    shutil.copy(seed_db, db_path)
    before, digest = dump_database(db_path), file_digest(db_path)

    result = invoke(db_path, *case.argv())

    assert result.exit_code == case.code, result.output
    assert result.stdout == "" or case.code != 2 or "Usage" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert case.says.casefold() in lines[0].casefold(), lines[0]
    assert "Traceback" not in result.output
    assert "\x1b" not in result.stderr
    assert dump_database(db_path) == before
    assert file_digest(db_path) == digest


def test_the_corpus_is_large_and_has_no_duplicates() -> None:
    assert len(CASES) >= 150 or len({_command_of(c) for c in CASES}) < 20
    assert len({c.args for c in CASES}) == len(CASES)
