"""The history command."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..render import Column
from ._common import JsonOpt, print_listing

KINDS = ("org", "contact", "programme", "agreement", "exchange", "trip", "cooperation")

HISTORY_COLUMNS = (
    Column("when (UTC)", lambda c: c.at.replace("T", " ").removesuffix("+00:00")),
    Column("action", lambda c: c.action),
    Column("field", lambda c: c.field),
    Column("old", lambda c: c.old),
    Column("new", lambda c: c.new),
)


@app.command("history")
def history(
    ref: Annotated[str, typer.Argument(help="Id, name or title of any record, or its uuid.")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help=f"Kind of record: {', '.join(KINDS)}.", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every recorded change to a record.

    Show every recorded change to a record: when, which field, old and new value.

    Example: rit history LSN --kind org
    """
    from ..errors import InvalidInput
    from ..store.history import find_record, history_of
    from ..text import short_repr

    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown kind {short_repr(kind)}: use one of {', '.join(KINDS)}")
    with context.reading() as conn:
        table, record_id, _name = find_record(conn, ref, kind)
        changes = history_of(conn, table, record_id)
    print_listing(
        HISTORY_COLUMNS,
        changes,
        as_json,
        lambda c: {"at": c.at, "action": c.action, "field": c.field, "old": c.old, "new": c.new},
    )
