"""The history command."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..render import Column
from ._common import ZONES, Completes, JsonOpt, print_listing

KINDS = ("org", "contact", "programme", "agreement", "exchange", "trip", "cooperation")


def history_columns(zone: str) -> tuple[Column, ...]:
    """When each change was recorded, in the user's zone with its abbreviation; each field
    and value as people read them (ShownChange); an instant in the user's zone too."""
    from ..render import instant_text

    def value(text: str | None, instant: bool) -> str | None:
        if instant and text:
            try:
                return instant_text(text, zone)
            except ValueError:  # not an instant after all (a damaged import): as stored
                return text
        return text

    return (
        Column("when", lambda c: instant_text(c.change.at, zone), no_wrap=True),
        Column("action", lambda c: c.change.action),
        Column("field", lambda c: c.field),
        Column("old", lambda c: value(c.old, c.instant)),
        Column("new", lambda c: value(c.new, c.instant)),
    )


@app.command("history")
def history(
    ref: Annotated[
        str,
        typer.Argument(
            help="Id, name or title of any record, or its uuid; a removed one by its id (with"
            " --kind), the name it last had, or its uuid."
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            click_type=Completes(KINDS),
            help=f"Kind of record: {', '.join(KINDS)}.",
            show_default=False,
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", click_type=ZONES, help="Show times in this zone [env: RIT_TZ]."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every recorded change to a record.

    Show every recorded change to a record: when, which field, old and new value; a
    reference as what it names now ('#1 LoI Kobe–LSN', '#3 (removed)'). --json also gives
    the values as stored.

    Example: rit history LSN --kind org
    """
    from ..errors import InvalidInput
    from ..render import Again
    from ..store.history import find_record, shown_history
    from ..text import short_repr

    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown kind {short_repr(kind)}: use one of {', '.join(KINDS)}")
    with context.reading(snapshot=True) as conn:
        table, record_id, _name, uuid = find_record(conn, ref, kind)
        columns = history_columns(context.user_zone(tz))
        field, old, new = (c.get for c in columns[2:])
        # Written as they are read: a record changed 100 000 times is never held (a table
        # on a terminal reads them again to print what it measured).
        print_listing(
            columns,
            Again(lambda: shown_history(conn, table, record_id, uuid)),
            as_json,
            # The values as stored (stable for scripts), and as the table shows them.
            lambda c: {
                "at": c.change.at,
                "action": c.change.action,
                "field": c.change.field,
                "old": c.change.old,
                "new": c.change.new,
                "field_label": field(c),
                "old_label": old(c),
                "new_label": new(c),
            },
        )
