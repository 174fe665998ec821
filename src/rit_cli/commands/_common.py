"""Printing helpers and option types shared by every command module."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.types import StringParamType

from .. import render

if TYPE_CHECKING:
    from typer._click import Context, Parameter
    from typer._click.shell_completion import CompletionItem

    from ..models.orgs import Removed
    from ..outfile import Data
    from ..store import References

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys.")]


class Completes(StringParamType):
    """Text whose values the shell completes (click_type= of an option or argument): the
    fixed choices the command checks against (a tuple), or what rit_cli.completion names
    ('orgs', 'agreements', 'zones' …), imported only when the shell asks.

    A type rather than Typer's autocompletion=: Typer keeps only values that begin with
    the text as typed, case and all ('lsn' would not offer LSN, nor an escaped 'Life\\ …'
    match 'Life'), and builds every such callback's signature each time a command runs.
    """

    def __init__(self, source: str | tuple[str, ...]) -> None:
        self.source = source

    def shell_complete(
        self, ctx: Context, param: Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from ..completion import candidates

        return candidates(self.source, incomplete)


# How many records of each kind referring to an organisation or contact its page lists
# (--json lists them all): the home organisation of a busy office is in every exchange.
REFERENCES_SHOWN = 20

# The references every kind of command takes.
ORGS = Completes("orgs")
PROGRAMMES = Completes("programmes")
CONTACTS = Completes("contacts")
AGREEMENTS = Completes("agreements")
COOPERATIONS = Completes("cooperations")
TRIPS = Completes("trips")
EXCHANGES = Completes("exchanges")
COUNTRIES = Completes("countries")
ZONES = Completes("zones")


stdout_is_terminal = render.stdout_is_terminal


def print_listing(
    columns: Sequence[render.Column],
    records: Iterable[Any],
    as_json: bool,
    to_json: Any = None,
    title: str | None = None,
) -> None:
    """A table on a terminal, tab-separated lines when piped (as the records come), or JSON."""
    if as_json:
        # Written as the records come, as piped lines are: the same text as one list's.
        payload = (to_json(r) for r in records) if to_json else records
        write_pieces(render.json_array(payload))
        return
    if stdout_is_terminal():
        # A table measures every row before it prints one: it keeps their text only.
        listing = render.table(columns, records, title=title)
        console = render.make_console()
        if not listing.empty:
            print_view(console, listing)
        else:
            console.print("(none)", style="dim")
        return
    write_lines(render.plain_lines(columns, records))


def print_view(console: Any, view: Any) -> None:
    """Print a view (a Group of headings and listings, a listing, any renderable) part by
    part, each listing a batch of rows at a time (render.Listing.batches): the same text
    as console.print(view), without Rich holding every row's layout at once."""
    from rich.console import Group

    if isinstance(view, Group):
        for part in view.renderables:
            print_view(console, part)
    elif isinstance(view, render.Listing):
        for batch in view.batches(console):
            console.print(batch, end="")
    else:
        console.print(view)


def print_details(
    title: str,
    pairs: Sequence[tuple[str, Any]],
    payload: Any,
    as_json: bool,
    extra: Iterable[Any] = (),
) -> None:
    """A record's fields (and further renderables such as its contacts) or its JSON."""
    if as_json:
        write_pieces(render.json_pieces(payload))
        return
    if stdout_is_terminal():
        console = render.make_console()
        console.print(render.details(title, pairs))
        for item in extra:
            console.print(item)
        return
    write_lines(render.details_plain([("record", title), *pairs]))


def referred_by(refs: References, as_json: bool, limit: int = REFERENCES_SHOWN) -> dict[str, Any]:
    """What a record's page shows of the records that refer to it, by kind: the first
    LIMIT and how many more; for --json every one, as it is read."""
    if as_json:
        return refs.every()
    shown: dict[str, Any] = {}
    for kind in refs.kinds():
        first = list(refs.entries(kind, limit + 1))
        if len(first) > limit:
            first[limit:] = [f"… and {refs.count(kind) - limit} more (--json lists them all)"]
        shown[kind] = first
    return shown


def write_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")


def write_pieces(pieces: Iterable[str]) -> None:
    out = sys.stdout
    for piece in pieces:
        out.write(piece)


def out_option(help: str) -> Any:
    """--out PATH: a file to write instead of stdout; '-' is stdout (kept as typed, so that
    './-' is a file)."""
    return typer.Option("--out", metavar="PATH", help=help, show_default=False)


def emit(data: Data, out: str | None) -> None:
    """DATA to stdout (no --out, or --out -), or privately to a file, never the database.

    DATA in pieces (a large export) is written as they are made, never held whole."""
    from ..outfile import write_all

    if out is None or out == "-":
        sys.stdout.flush()
        write_all(sys.stdout.buffer, data)
        sys.stdout.buffer.flush()
        return
    from .. import context
    from ..outfile import as_typed, write_private
    from ..text import printable

    write_private(as_typed(out), data, context.location().path)
    sys.stderr.write(f"wrote {printable(out)}\n")


def say(message: str) -> None:
    """A one-line confirmation of what a command did."""
    from ..text import printable

    sys.stdout.write(printable(message) + "\n")


def say_removed(removed: Removed, more: str = "") -> None:
    """The confirmation of a remove-* command: the record and the uuid its history keeps."""
    say(
        f"removed {removed.kind} #{removed.id} {removed.name}"
        f" (uuid {removed.uuid}, for rit history){more}"
    )


UndoOpt = Annotated[
    bool, typer.Option("--undo", help="Take back the last extension (a mistyped end).")
]


def until_or_undo(until: str | None, undo: bool, note: str | None) -> str | None:
    """The new end extend-* was given, or None for --undo; refuse neither or both."""
    from ..errors import InvalidInput

    if undo and (until is not None or note is not None):
        raise InvalidInput(
            "--undo takes back the last extension: give it without --until or --note"
        )
    if not undo and until is None:
        raise InvalidInput(
            "give --until DATE|YEAR, the new end, or --undo to take back the last extension"
        )
    return until


def replacing(values: list[str] | None, option: str) -> tuple[str, ...] | None:
    """What a repeatable edit-* option replaces its list with: None when not given, () for a
    lone empty value (it clears the list), else the values; '' among others is refused."""
    if values is None:
        return None
    blank = [v for v in values if not v.strip()]
    if not blank:
        return tuple(values)
    if len(blank) == len(values):
        return ()
    from ..errors import InvalidInput
    from ..text import short_repr

    other = next(v for v in values if v.strip())
    raise InvalidInput(
        f"{option} '' clears the list and goes alone, not with {option} {short_repr(other)}:"
        f" give either {option} '' or only the values to keep"
    )
