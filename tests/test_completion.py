"""Shell completion of values: fixed choices and references from the database.

Through the installed `rit` as bash, zsh and fish call it (the variables Typer's scripts
set), through bash itself running Typer's script, and the candidate finders one by one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rit_cli import completion, db
from rit_cli.store import completion as store

from .helpers import RitRunner, ok

RIT = Path(sys.executable).with_name("rit")
needs_rit = pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
TODAY = "2016-09-01"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (LSN, FBRI, 'StK SH', KBIC; LoI Kobe–LSN; six exchanges) and an
    organisation without a short name whose name has spaces."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(path.parent), "RIT_TODAY": TODAY}
    for args in (["demo"], ["add-org", "Hamburg Invest Agency", "--country", "DE"]):
        done = subprocess.run(
            [str(RIT), "--db", str(path), *args], env=env, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    return path


def complete(
    tmp_path: Path, line: str, shell: str = "bash", **extra: str
) -> subprocess.CompletedProcess[str]:
    """rit asked for the completions of the last word of line (empty after a space)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "RIT_TODAY": TODAY,
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        "_RIT_COMPLETE": f"complete_{shell}",
        **extra,
    }
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return subprocess.run([str(RIT)], env=env, capture_output=True, text=True, timeout=60)


def offered(tmp_path: Path, line: str, **extra: str) -> list[str]:
    """What bash is offered, one candidate a line; nothing on stderr, exit status 0."""
    done = complete(tmp_path, line, **extra)
    assert (done.returncode, done.stderr) == (0, ""), done
    return [line for line in done.stdout.splitlines() if line]  # none: an empty line


@needs_rit
def test_organisations_complete_by_short_name_prefix_case_and_name(
    tmp_path: Path, demo: Path
) -> None:
    db_ = f"--db {demo}"
    assert offered(tmp_path, f"rit {db_} show-org ") == [
        "FBRI", "JETRO", "KBIC", "LSN", "MWAVT", r"StK\ SH", r"Hamburg\ Invest\ Agency",
    ]  # fmt: skip
    assert offered(tmp_path, f"rit {db_} show-org l") == ["LSN"]
    assert offered(tmp_path, f"rit {db_} edit-org stk") == [r"StK\ SH"]
    assert offered(tmp_path, f"rit {db_} remove-org hamb") == [r"Hamburg\ Invest\ Agency"]
    # The name once it is typed (the shells keep values beginning with what is typed),
    # and a word inside a name.
    assert offered(tmp_path, f"rit {db_} show-org Life") == [r"Life\ Science\ Nord"]
    assert offered(tmp_path, f"rit {db_} show-org invest") == [r"Hamburg\ Invest\ Agency"]
    assert offered(tmp_path, f"rit {db_} schedule-visit --from L") == ["LSN"]
    assert offered(tmp_path, f"rit {db_} schedule-visit --from LSN --to fb") == ["FBRI"]
    assert offered(tmp_path, f"rit {db_} agenda --org=k") == ["KBIC"]
    assert offered(tmp_path, f"rit {db_} add-programme X --run-by jet") == ["JETRO"]
    assert offered(tmp_path, f"rit {db_} add-agreement X --party fb") == ["FBRI"]
    # An option that takes a date, not an organisation, offers none.
    assert offered(tmp_path, f"rit {db_} agenda --from L") == []


@needs_rit
def test_other_references_complete(tmp_path: Path, demo: Path) -> None:
    db_ = f"--db {demo}"
    assert offered(tmp_path, f"rit {db_} agenda --agreement loi") == ["LoI\\ Kobe–LSN"]
    assert offered(tmp_path, f"rit {db_} show-agreement kobe") == ["LoI\\ Kobe–LSN"]
    assert offered(tmp_path, f"rit {db_} report --programme ") == ["RIT"]
    assert offered(tmp_path, f"rit {db_} show-trip del") == [
        r"Delegation\ trip\ Japan\ and\ China\ 2016"
    ]
    assert offered(tmp_path, f"rit {db_} show-cooperation bio") == [
        r"Biobank\ sample\ exchange\ pilot"
    ]
    assert offered(tmp_path, f"rit {db_} show-contact habeck") == [r"Hinrich\ Habeck"]
    # Exchanges: the open ones around today by id, in date order; ids by their digits.
    assert offered(tmp_path, f"rit {db_} done ") == ["5", "3", "4", "6"]
    assert offered(tmp_path, f"rit {db_} show-exchange 2") == ["2"]
    assert offered(tmp_path, f"rit {db_} cancel part") == [r"Partnering\ workshop\ Hamburg"]


@needs_rit
def test_fixed_choices_complete_from_the_commands_constants(tmp_path: Path) -> None:
    from rit_cli.commands.history import KINDS
    from rit_cli.commands.report import FORMATS
    from rit_cli.models.agreements import AGREEMENT_KINDS, COOPERATION_STATUSES
    from rit_cli.models.exchanges import EXCHANGE_STATUSES, EXCHANGE_TYPES
    from rit_cli.models.orgs import ORG_KINDS

    assert offered(tmp_path, "rit agenda --type ") == list(EXCHANGE_TYPES)
    assert offered(tmp_path, "rit agenda --status ") == list(EXCHANGE_STATUSES)
    assert offered(tmp_path, "rit agenda --status S") == ["scheduled"]
    assert offered(tmp_path, "rit cooperations --status ") == list(COOPERATION_STATUSES)
    assert offered(tmp_path, "rit set-cooperation-status X r") == ["running"]
    assert offered(tmp_path, "rit orgs --kind ") == list(ORG_KINDS)
    assert offered(tmp_path, "rit add-agreement X --kind m") == ["mou"]
    assert AGREEMENT_KINDS[1] == "mou"
    assert offered(tmp_path, "rit report --format ") == list(FORMATS)
    assert offered(tmp_path, "rit history X --kind co") == ["contact", "cooperation"]
    assert set(KINDS) >= {"contact", "cooperation"}
    assert offered(tmp_path, "rit export csv co") == ["contacts", "cooperations"]
    assert offered(tmp_path, "rit import csv ") == ["orgs", "contacts"]
    assert offered(tmp_path, "rit add-org X --country jp") == ["JP"]
    assert offered(tmp_path, "rit add-stop T --country germ") == ["DE"]
    assert offered(tmp_path, "rit agenda --tz europe/berl") == ["Europe/Berlin"]
    assert offered(tmp_path, "rit remind --tz tokyo") == ["Asia/Tokyo"]


@needs_rit
def test_the_database_named_on_the_command_line_or_in_rit_db_is_read(
    tmp_path: Path, demo: Path
) -> None:
    missing = tmp_path / "nowhere" / "rit.db"
    assert offered(tmp_path, f"rit show-org --db {demo} l") == ["LSN"]  # after the command
    assert offered(tmp_path, f"rit --db={demo} show-org l") == ["LSN"]
    assert offered(tmp_path, "rit show-org l", RIT_DB=str(demo)) == ["LSN"]
    assert offered(tmp_path, f"rit --db {demo} show-org l", RIT_DB=str(missing)) == ["LSN"]
    assert offered(tmp_path, f"rit --db {missing} show-org l", RIT_DB=str(demo)) == []


@needs_rit
def test_completion_never_creates_writes_or_fails(tmp_path: Path, demo: Path) -> None:
    missing = tmp_path / "nowhere" / "rit.db"
    before = {p.name: p.stat().st_mtime_ns for p in demo.parent.iterdir()}
    assert offered(tmp_path, f"rit --db {missing} show-org ") == []
    assert offered(tmp_path, "rit show-org ") == []  # the default place: none there
    assert not missing.parent.exists() and not (tmp_path / "xdg").exists()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 3000)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).executescript("CREATE TABLE orgs (short_key TEXT); VACUUM;")
    for path in (damaged, foreign, tmp_path, Path("/dev/null")):
        assert offered(tmp_path, f"rit --db {path} show-org ") == [], path
    assert offered(tmp_path, "rit --db '' show-org ") == []
    for today in ("", "31.02.2016", "03/04/2016"):
        assert offered(tmp_path, f"rit --db {demo} show-org l", RIT_TODAY=today) == []
    assert offered(tmp_path, f"rit --db {demo} --today 2016-13-01 done ") == []
    assert offered(tmp_path, f"rit --db {demo} show-org l", RIT_TODAY="2016-09-01") == ["LSN"]
    # The demo was only read: no file changed, no -wal or -shm made beside it.
    assert {p.name: p.stat().st_mtime_ns for p in demo.parent.iterdir()} == before


@needs_rit
def test_zsh_and_fish_show_what_a_value_is(tmp_path: Path, demo: Path) -> None:
    zsh = complete(tmp_path, f"rit --db {demo} show-org L", "zsh")
    assert (zsh.returncode, zsh.stderr) == (0, "")
    assert zsh.stdout == """_arguments '*: :(("LSN:Life Science Nord"))'\n"""
    zsh = complete(tmp_path, f"rit --db {demo} done 3", "zsh")
    assert '"3:2016-10-01 Partnering workshop Hamburg"' in zsh.stdout
    fish = complete(tmp_path, f"rit --db {demo} show-org ", "fish")
    assert (fish.returncode, fish.stderr) == (0, "")
    assert "LSN\tLife Science Nord" in fish.stdout.splitlines()
    assert "StK SH\tStaatskanzlei Schleswig-Holstein" in fish.stdout.splitlines()
    fish = complete(tmp_path, f"rit --db {demo} show-agreement ", "fish")
    assert fish.stdout == "LoI Kobe–LSN\t#1 loi\n"
    fish = complete(tmp_path, f"rit --db {demo} agenda --type ", "fish")
    assert fish.stdout.splitlines() == ["visit", "meeting"]


@needs_rit
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_running_typers_script_gets_a_name_with_spaces_as_one_word(
    tmp_path: Path, demo: Path
) -> None:
    env = {
        "PATH": f"{RIT.parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RIT_DB": str(demo),
        "RIT_TODAY": TODAY,
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
    }
    script = subprocess.run(
        [str(RIT), "--show-completion", "bash"], env=env, capture_output=True, text=True
    ).stdout
    # What readline then makes of the word: the value after the quote it was begun with
    # ($2), and that quote closed (test_bash_inserts_each_name_whole… types it in).
    test = (
        script + '\nCOMP_WORDS=(rit show-org "$1"); COMP_CWORD=2; _rit_completion rit\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\neval "set -- $2${COMPREPLY[0]}$2"; echo "$#:$1"\n'
    )
    for typed, quote, reply in (
        ("Hamburg\\ In", "", "Hamburg\\ Invest\\ Agency"),
        ("'Hamburg In", "'", "Hamburg Invest Agency"),
    ):
        done = subprocess.run(
            ["bash", "--norc", "-c", test, "bash", typed, quote],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout == f"{reply}\n1:Hamburg Invest Agency\n"


# --- The parts, one by one.


@pytest.fixture
def filled(rit: RitRunner, db_path: Path) -> Iterator[sqlite3.Connection]:
    for args in (
        ("add-org", "Life Science Nord", "--short", "LSN", "--country", "DE"),
        ("add-org", "Lifeline Medical", "--country", "DE"),
        ("add-org", "Foundation for Biomedical Research", "--short", "FBRI", "--country", "JP"),
        ("add-org", "Kiel Life Sciences", "--country", "DE"),
        ("add-contact", "Taro Yamada", "--org", "FBRI"),
        ("add-contact", "Taro Yamada", "--org", "LSN"),
        ("add-contact", "Anna Müller", "--org", "LSN"),
        ("add-agreement", "LoI Kobe–LSN", "--party", "LSN", "--party", "FBRI"),
    ):
        ok(rit, *args)
    conn = db.connect(db_path)
    yield conn
    conn.close()


def test_named_finds_short_names_then_names_then_words(filled: sqlite3.Connection) -> None:
    def values(typed: str) -> list[str]:
        return [c.value for c in store.named(filled, "orgs", typed)]

    assert values("") == ["FBRI", "LSN", "Kiel Life Sciences", "Lifeline Medical"]
    assert values("l") == ["LSN", "Lifeline Medical", "Kiel Life Sciences"]
    assert values("LIFE") == ["Life Science Nord", "Lifeline Medical", "Kiel Life Sciences"]
    assert values("life ") == ["Life Science Nord", "Kiel Life Sciences"]
    assert values("bio") == ["Foundation for Biomedical Research"]
    assert values("x") == []
    assert store.named(filled, "orgs", "ls") == [store.Candidate("LSN", "Life Science Nord")]
    assert len(store.named(filled, "orgs", "", limit=2)) == 2


def test_contacts_of_one_name_are_offered_by_id(filled: sqlite3.Connection) -> None:
    assert store.contacts(filled, "taro") == [
        store.Candidate("#1", "Taro Yamada at FBRI"),
        store.Candidate("#2", "Taro Yamada at LSN"),
    ]
    assert store.contacts(filled, "MÜLL") == [store.Candidate("Anna Müller", "at LSN")]


def test_titles_and_exchanges(filled: sqlite3.Connection) -> None:
    assert store.titled(filled, "agreements", "kobe") == [store.Candidate("LoI Kobe–LSN", "#1 loi")]
    assert store.exchanges(filled, "", date(2016, 9, 1)) == []
    assert store.exchanges(filled, "0", date(2016, 9, 1)) == []


def test_choices_case_and_words() -> None:
    pairs = [("visit", ""), ("meeting", "")]
    assert completion.choices(pairs, "") == pairs
    assert completion.choices(pairs, "ME") == [("meeting", "")]
    zones = [("America/New_York", ""), ("Europe/Berlin", "")]
    assert completion.choices(zones, "york", words="/_") == [("America/New_York", "")]
    countries = [("DE", "Germany"), ("DK", "Denmark")]
    assert completion.choices(countries, "den", by_help=True) == [("DK", "Denmark")]


def test_the_root_options_are_found_where_rit_takes_them() -> None:
    assert completion.given(["--db", "a.db", "show-org"], "--db") == "a.db"
    assert completion.given(["show-org", "--db=b.db"], "--db") == "b.db"
    assert completion.given(["--db", "=", "c.db", "show-org"], "--db") == "c.db"
    assert completion.given(["--db", "a", "agenda", "--db", "d"], "--db") == "d"
    assert completion.given(["add-org", "--", "--db", "x"], "--db") is None
    assert completion.given(["show-org", "--db"], "--db") is None


def test_bash_words_and_zsh_entries() -> None:
    assert completion.bash_word("LoI Kobe–LSN") == "LoI\\ Kobe–LSN"
    assert completion.bash_word("O'Brien & $x (1)") == "O\\'Brien\\ \\&\\ \\$x\\ \\(1\\)"
    assert completion.bash_word("山田　花子") == "山田　花子"
    item = completion.candidates(('It\'s: "x" $y',), "")[0]
    zsh = completion.RitZsh(None, {}, "rit", "_RIT_COMPLETE")  # type: ignore[arg-type]
    assert zsh.format_completion(item) == '"It\'\\\'\'s\\\\: \\"x\\" \\$y"'
    # After an opening quote (bash then closes it itself); what zsh's eval would undo.
    assert completion.bash_word("O'Brien & Co", "'") == "O'\\''Brien & Co"
    assert completion.bash_word('A "b" $c `d` \\ !', '"') == 'A \\"b\\" \\$c \\`d\\` \\\\ "\'!\'"'
    assert [completion.open_quote(w) for w in ("'Ham", '"Ha\\"m', "'a'b", '"a"', "Ham")] == [
        "'", '"', "", "", ""
    ]  # fmt: skip
    item = completion.candidates(("Back\\slash  Two",), "")[0]
    assert zsh.format_completion(item) == "\"Back\\\\\\\\slash'$'\\x20\\x20''Two\""
    # A value the shells cannot take on one line is not offered; nothing ever raises.
    assert completion.candidates(("a\nb", "ok"), "")[0].value == "ok"
    assert completion.candidates("no such source", "") == []


def test_a_database_in_use_is_read_through_its_wal(tmp_path: Path) -> None:
    """A rit holding the database open (a -wal and -shm beside it): what it committed is
    seen; one without them is read as it is, with no side file made."""
    path = tmp_path / "rit.db"
    writer = db.connect(path)
    with db.transaction(writer):
        writer.execute(
            "INSERT INTO orgs (uuid, created, updated, name, name_key, short, short_key)"
            " VALUES ('u', 'c', 'c', 'Life Science Nord', 'life science nord', 'LSN', 'lsn')"
        )
    reader = completion.open_read_only(path)
    assert reader is not None
    assert [c.value for c in store.named(reader, "orgs", "")] == ["LSN"]
    reader.close()
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rit.db"]
    reader = completion.open_read_only(path)
    assert reader is not None
    assert [c.value for c in store.named(reader, "orgs", "l")] == ["LSN"]
    reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rit.db"]
    assert os.stat(path).st_size > 0


def test_names_the_shells_can_take_on_one_line_are_offered() -> None:
    """Only what would break a line (controls, line separators) keeps a value back: a
    no-break or ideographic space, a joined emoji or a direction mark is part of a name."""
    names = (
        "山田\u3000花子",
        "Ana\u00a0Lima",
        "👨\u200d👩\u200d👧 Family",
        "שלום \u200fX",
        "Soft\u00adhyphen",
    )
    assert [item.value for item in completion.candidates(names, "")] == list(names)
    bad = ("a\tb", "a\nb", "a\rb", "red \x1b[31m", "C1 \x85", "a\u2028b", "a\u2029b", "del \x7f")
    assert completion.candidates(bad, "") == []


# --- Real shells completing in a terminal: what the line holds after a Tab.


def typed_in(shell: str, tmp_path: Path, env: dict[str, str], lines: list[str]) -> list[str]:
    """Each line typed into an interactive bash or zsh with rit's completion script loaded,
    a Tab pressed at its end, and the words the line then holds (one '|'-joined string a
    line): what readline or zle made of rit's candidates."""
    import pty
    import select
    import time

    script = tmp_path / f"rit.{shell}"
    script.write_text(
        subprocess.run(
            [str(RIT), "--show-completion", shell], env=env, capture_output=True, text=True
        ).stdout
    )
    if shell == "bash":
        rc = tmp_path / "bashrc"
        rc.write_text(f"PS1='$ '\nbind 'set bell-style none'\nsource {script}\n")
        argv = ["bash", "--noprofile", "--rcfile", str(rc), "-i"]
    else:
        (tmp_path / ".zshrc").write_text(
            f"PS1='$ '\nautoload -U compinit; compinit -u -D\nsource {script}\nunsetopt beep\n"
        )
        argv = ["zsh", "-i"]
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(
            shutil.which(argv[0]) or argv[0],
            argv,
            {**env, "TERM": "dumb", "ZDOTDIR": str(tmp_path)},
        )
    seen = b""

    def until(marker: bytes, seconds: float = 20) -> None:
        nonlocal seen
        end = time.monotonic() + seconds
        while marker not in seen and time.monotonic() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break

    def inserted(typed: bytes, since: int, seconds: float = 8) -> None:
        nonlocal seen
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            echoed = seen.find(typed, since)
            if echoed >= 0 and len(seen) > echoed + len(typed):
                return
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    return

    try:
        os.write(fd, b"echo READ''Y\n")
        until(b"READY")
        for n, line in enumerate(lines):
            since = len(seen)
            os.write(fd, line.encode() + b"\t")
            # The next keys only once the shell has echoed the line and then inserted
            # what the Tab completed (nothing more comes within the wait if it failed).
            inserted(line.encode(), since)
            # To the line's start, print its words, each between markers, then run it.
            os.write(fd, b"\x01printf '<%s>' \x05; echo ' 'DO''NE" + str(n).encode() + b"\n")
            until(f" DONE{n}".encode(), 8)
        os.write(fd, b"\x03exit\n")
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    words = []
    for n in range(len(lines)):
        printed = seen.decode(errors="replace").split(f" DONE{n}")[0].rsplit("\n", 1)[-1]
        words.append(printed.strip("<>\r ").replace("><", "|"))
    return words


def hostile(tmp_path: Path, env: dict[str, str]) -> Path:
    """A database of organisations whose names a shell must not mistake for code."""
    path = tmp_path / "hostile.db"
    for name in HOSTILE:
        done = subprocess.run(
            [str(RIT), "--db", str(path), "add-org", name, "--country", "DE"],
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    return path


HOSTILE = (
    "O'Brien $(touch PWNED) `touch PWNED` & Co",
    'Quoted "x" ; Bang !! {a,b} *',
    "Double  Space",
    "Back\\slash: Colon",
    "山田\u3000花子",
)
STARTS = ("O", "Qu", "Do", "Bac", "山")  # what is typed of each


def _hostile_shell_env(tmp_path: Path) -> dict[str, str]:
    """An interactive shell's environment, its RIT_DB the database of HOSTILE names."""
    env = {
        "PATH": f"{RIT.parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RIT_TODAY": TODAY,
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        "LANG": "C.UTF-8",  # zsh reads what is typed as UTF-8
    }
    env["RIT_DB"] = str(hostile(tmp_path, env))
    return env


@needs_rit
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_inserts_each_name_whole_bare_or_after_an_opening_quote(tmp_path: Path) -> None:
    env = _hostile_shell_env(tmp_path)
    typed = [f"rit show-org {q}{start}" for q in ("", "'", '"') for start in STARTS]
    expected = [f"rit|show-org|{name}" for _ in range(3) for name in HOSTILE]
    assert typed_in("bash", tmp_path, env, typed) == expected
    assert not (tmp_path / "PWNED").exists()


@needs_rit
@pytest.mark.skipif(shutil.which("zsh") is None, reason="no zsh")
def test_zsh_inserts_each_name_whole(tmp_path: Path) -> None:
    env = _hostile_shell_env(tmp_path)
    typed = [f"rit show-org {q}{start}" for q in ("", "'") for start in STARTS]
    expected = [f"rit|show-org|{name}" for _ in range(2) for name in HOSTILE]
    assert typed_in("zsh", tmp_path, env, typed) == expected
    assert not (tmp_path / "PWNED").exists()


def test_every_source_a_command_names_is_known() -> None:
    """A misspelt Completes("…") would complete nothing, silently: every option and
    argument's source is a tuple of choices or one of the names completion.find knows."""
    from typer.main import get_command

    from rit_cli.app import app
    from rit_cli.cli import load_commands
    from rit_cli.commands._common import Completes

    load_commands()
    sources = []
    stack = [get_command(app)]
    while stack:
        command = stack.pop()
        stack.extend(getattr(command, "commands", {}).values())
        sources += [p.type.source for p in command.params if isinstance(p.type, Completes)]
    assert len(sources) > 40  # the walk reaches the commands' options and arguments
    named = {s for s in sources if isinstance(s, str)}
    assert named <= set(completion.REFERENCES) | set(completion.LISTS), named
    assert set(completion.REFERENCES) | set(completion.LISTS) <= named  # none unused
    for choices in (s for s in sources if not isinstance(s, str)):
        assert choices and all(isinstance(c, str) and c for c in choices)
