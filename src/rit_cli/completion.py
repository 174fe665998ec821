"""Values the shell completes for options and arguments (rit only imports this to complete).

commands._common.Completes is the type of every option or argument with values to offer;
when the shell asks, its shell_complete calls candidates() here: fixed choices (the
constants the commands validate against), or references read from the database the
command line names (--db, even after the command name as rit runs it; else $RIT_DB,
else the default). The database is only read: opened read-only without locks or side
files when no rit holds it open (no -wal beside it), never created, never migrated.
Completion never fails: a missing, foreign or damaged database, a bad --db or reference
date gives no candidates, never an error or a traceback (the shell's own line is at stake).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from typer._click.shell_completion import CompletionItem
from typer._completion_classes import BashComplete, FishComplete, ZshComplete

if TYPE_CHECKING:
    from .store.completion import Candidate

# What a Completes type can name instead of a tuple of choices.
REFERENCES = ("orgs", "programmes", "contacts", "agreements", "cooperations", "trips", "exchanges")
LISTS = ("countries", "zones", "csv-tables")


def candidates(source: str | Sequence[str], incomplete: str) -> list[CompletionItem]:
    """The completions of what is typed, each marked literal: shown as it is (no Rich
    markup read in a name) and quoted for the shell (RitBash)."""
    try:
        found = find(source, incomplete)
    except Exception:  # completion must never print an error (see the module)
        return []
    return [
        CompletionItem(value, help=help_text or None, literal=True)
        for value, help_text in found
        if value and one_line(value)
    ]


def one_line(value: str) -> bool:
    """Whether a value can be one candidate: the shells read one a line (fish a value, a
    tab and its description), so no control character (tab, line end, ESC) nor line
    separator; a no-break or ideographic space, a joined emoji or a direction mark is part
    of a name, and offered."""
    import unicodedata

    return not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)


def find(source: str | Sequence[str], incomplete: str) -> list[tuple[str, str]]:
    """(value, description) pairs for what is typed, from a tuple of choices or a source
    named in REFERENCES or LISTS; raises on a database problem (candidates() swallows)."""
    if not isinstance(source, str):
        return choices([(value, "") for value in source], incomplete)
    if source == "countries":
        from .places import countries

        # A code is two letters: more typed is the start of a country's name (germ -> DE).
        by_name = len(incomplete.strip()) > 2
        return choices(sorted(countries().items()), incomplete, by_help=by_name)
    if source == "zones":
        from .dates import _iana_names

        return choices([(name, "") for name in sorted(_iana_names())], incomplete, words="/_")
    if source == "csv-tables":
        from .store.tables import ENTITIES

        return choices([(name, "") for name in ENTITIES], incomplete)
    return [(c.value, c.help) for c in references(source, incomplete, command_line())]


def choices(
    options: Sequence[tuple[str, str]], typed: str, *, by_help: bool = False, words: str = ""
) -> list[tuple[str, str]]:
    """The options beginning with what is typed, case-insensitively (de -> DE); with
    by_help also those whose description has a word beginning with it (germ -> DE
    Germany), with words those with a part after one of these characters beginning with
    it (berl -> Europe/Berlin)."""
    wanted = typed.strip().casefold()
    first = [o for o in options if o[0].casefold().startswith(wanted)]
    more = []
    if wanted:
        for value, help_text in options:
            if (value, help_text) in first:
                continue
            parts = re.split(f"[{re.escape(words)}]", value.casefold())[1:] if words else []
            if by_help:
                parts += re.split(r"\W+", help_text.casefold())
            if any(part.startswith(wanted) for part in parts):
                more.append((value, help_text))
    return first + more


def references(source: str, incomplete: str, words: Sequence[str]) -> list[Candidate]:
    """Records of one kind the database named on the command line holds, as references
    to them are typed (store/completion.py)."""
    if source not in REFERENCES:
        raise ValueError(f"no completion source {source!r}")
    today = reference_date(words)  # a bad --today/$RIT_TODAY: the command would refuse it
    path = database(words)
    if path is None:
        return []
    conn = open_read_only(path)
    if conn is None:
        return []
    from .db import APPLICATION_ID
    from .store import completion as store

    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return []  # not rit's (or an empty file): nothing to read
        if source in ("orgs", "programmes"):
            return store.named(conn, source, incomplete)
        if source == "contacts":
            return store.contacts(conn, incomplete)
        if source == "exchanges":
            return store.exchanges(conn, incomplete, today)
        return store.titled(conn, source, incomplete)
    finally:
        conn.close()


def command_line() -> list[str]:
    """The words typed before the one being completed, as the shell passed them (bash:
    COMP_WORDS and COMP_CWORD; zsh, fish, PowerShell: the line in _TYPER_COMPLETE_ARGS)."""
    from typer._click.shell_completion import split_arg_string

    if os.environ.get("_RIT_COMPLETE", "").endswith("_bash"):
        words = split_arg_string(os.environ.get("COMP_WORDS", ""))
        return words[1 : int(os.environ.get("COMP_CWORD") or 0)]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = split_arg_string(line)[1:]
    return words if line.endswith(" ") else words[:-1]


def given(words: Sequence[str], option: str) -> str | None:
    """The value of a root option (--db, --today) on the command line: the last one given,
    before or after the command name (rit hoists them), as --db PATH or --db=PATH (which
    bash passes as '--db', '=', 'PATH')."""
    value = None
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            break
        if word == option and i + 1 < len(words):
            following = words[i + 1]
            if following == "=" and i + 2 < len(words):
                value, i = words[i + 2], i + 2
            else:
                value, i = following, i + 1
        elif word.startswith(option + "="):
            value = word[len(option) + 1 :]
        i += 1
    return value


def reference_date(words: Sequence[str]) -> date:
    """--today, else $RIT_TODAY, else the system's date; a bad one raises, as it would
    when the command runs."""
    from .dates import parse_date

    text = given(words, "--today")
    if text is None:
        text = os.environ.get("RIT_TODAY")
    if text is None:
        return date.today()
    if not text.strip():
        raise ValueError("empty reference date")
    return parse_date(text, date.today())


def database(words: Sequence[str]) -> Path | None:
    """The database file the command would read, or None when there is none there. A
    shell variable the shell has not expanded yet (--db $HOME/x.db) is expanded."""
    from .db import locate

    flag = given(words, "--db")
    if flag is not None:
        flag = os.path.expandvars(flag)
    with contextlib.suppress(Exception):
        path = locate(flag).path
        if path.is_file():
            return path
    return None


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """The database, opened only to be read, or None when it cannot be.

    With no -wal beside it no rit holds it open: read as immutable (no locks, no -wal or
    -shm made). With a -wal and its -shm, read through SQLite's locks (what is committed
    in the -wal is seen); a -wal without a -shm is what a crash left, read as immutable too
    (the file as last saved) rather than have SQLite make a -shm."""
    from urllib.parse import quote

    base = str(path.absolute())
    live = Path(base + "-wal").exists() and Path(base + "-shm").exists()
    uri = f"file:{quote(base)}?mode=ro" + ("" if live else "&immutable=1")
    try:
        return sqlite3.connect(uri, uri=True, timeout=0.2)
    except sqlite3.Error:
        return None


# --- How the shells get the values: Typer's formats, with rit's values quoted and shown
# literally, and without importing Rich (50 ms) to show a description.


def bash_word(value: str, quote: str = "") -> str:
    """A value as bash inserts it: as it is given (Typer's script asks for no quoting),
    after the quote the word was begun with if any (bash closes it when one value is left).
    Bare, 'Life Science Nord' must come escaped as one word; after ' each ' is written
    '\\''; after " what is special there is escaped, and ! (history expansion) written "'!'"."""
    if quote == "'":
        return value.replace("'", "'\\''")
    if quote == '"':
        escaped = "".join("\\" + c if c in '\\"$`' else c for c in value)
        return escaped.replace("!", "\"'!'\"")
    return "".join(c if c.isalnum() or c in "-_./,+@%" or ord(c) > 127 else "\\" + c for c in value)


def open_quote(word: str) -> str:
    """The quote a word as typed begins with and leaves open ("'Hamb" -> "'"), else ''."""
    if word.startswith("'"):
        return "'" if "'" not in word[1:] else ""
    if word.startswith('"'):
        rest = word[1:].replace("\\\\", "").replace('\\"', "")
        return '"' if '"' not in rest else ""
    return ""


def _plain(text: str) -> str:
    """A description on one line: the shells read a candidate a line."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


class RitBash(BashComplete):
    """Bash: rit's values escaped as one word each, or for the quote the word was begun
    with (Typer's script passes the words as typed, quotes and all, one a line)."""

    quote = ""

    def complete(self) -> str:
        words = os.environ.get("COMP_WORDS", "").split("\n")
        cword = int(os.environ.get("COMP_CWORD") or 0)
        self.quote = open_quote(words[cword]) if 0 < cword < len(words) else ""
        return super().complete()

    def format_completion(self, item: CompletionItem) -> str:
        if not item.literal:
            return super().format_completion(item)
        return bash_word(item.value, self.quote)


class RitZsh(ZshComplete):
    """Zsh: rit's values with their descriptions, quoted for the eval of Typer's script
    (single quotes around _arguments' list, double quotes around each entry)."""

    def format_completion(self, item: CompletionItem) -> str:
        if not item.literal:
            return super().format_completion(item)

        def quoted(text: str) -> str:
            for c in '\\"$`':
                text = text.replace(c, "\\" + c)
            return text.replace("'", "'\\''")

        # _arguments reads the list once more, and _describe the value once more again: a
        # backslash is written \\\\ and a colon (what separates a value from its
        # description) \\: to reach _describe as \\ and \:. The script's eval $(…) splits
        # the output at spaces and joins the words with one: a run of spaces is written
        # $'\x20\x20' between the single quotes.
        entry = quoted(item.value.replace("\\", "\\\\").replace(":", "\\:"))
        entry = re.sub(" {2,}", lambda run: "'$'" + "\\x20" * len(run[0]) + "''", entry)
        if item.help:
            entry += ":" + quoted(_plain(item.help))
        return f'"{entry}"'


class RitFish(FishComplete):
    """Fish: rit's values with their descriptions after a tab."""

    def format_completion(self, item: CompletionItem) -> str:
        if not item.literal:
            return super().format_completion(item)
        return f"{item.value}\t{_plain(item.help)}" if item.help else item.value


def use_rit_formats() -> None:
    """Put rit's formats in the place of Typer's, which building the app registered."""
    from typer._click.shell_completion import add_completion_class

    add_completion_class(RitBash, "bash")
    add_completion_class(RitZsh, "zsh")
    add_completion_class(RitFish, "fish")
