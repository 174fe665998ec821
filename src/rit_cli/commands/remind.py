"""The remind command: what needs attention, for a person or for cron."""

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial
from typing import Annotated, Any

import typer

from .. import context
from ..app import app
from ._common import ZONES, JsonOpt, print_view


@app.command("remind")
def remind(
    within: Annotated[
        str, typer.Option("--within", help="Horizon for exchanges, e.g. 14d, 3w, 1m.")
    ] = "14d",
    expiry_within: Annotated[
        str,
        typer.Option("--expiry-within", help="Horizon for agreements and programmes ending."),
    ] = "90d",
    new: Annotated[
        bool,
        typer.Option("--new", help="Only what was not reminded of before; remember what is shown."),
    ] = False,
    tz: Annotated[
        str | None,
        typer.Option("--tz", click_type=ZONES, help="Show times also in this zone [env: RIT_TZ]."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show what is coming, overdue or at risk.

    Show what is coming, overdue or at risk; prints nothing when nothing is due.

    Example: rit remind --within 3w --new    (from cron: rit --db ~/rit.db remind --new)
    """
    from ..dates import add_duration, parse_duration
    from ..store.reminders import due, remember, seen_before

    today = context.today()
    horizon = add_duration(today, parse_duration(within))
    expiry_until = add_duration(today, parse_duration(expiry_within))
    # Nothing due prints nothing, not even a warning about the zone (cron mails any line).
    with context.held_warnings() as write_warnings:
        zone = context.user_zone(tz)
        if not new:
            with context.reading(snapshot=True) as conn:
                # Written as they are read: a horizon of years is never held whole (a
                # terminal's tables of years read them again, in the same snapshot).
                read = partial(due, conn, today, horizon, expiry_until, zone)
                shown = _show(read, today, as_json)
        else:
            with context.writing(create=False) as conn:
                items = list(due(conn, today, horizon, expiry_until, zone))
                old = seen_before(conn, items)
                fresh = [item for item in items if item.key not in old]
                # Shown before it is remembered, within the transaction: output that cannot
                # be written (a full disk, a closed pipe) rolls the remembering back, and
                # the next run shows the items again instead of losing them.
                shown = _show(lambda: fresh, today, as_json)
                sys.stdout.flush()
                from ..store import now

                remember(conn, items, fresh, now())
    if shown:
        write_warnings()


def _show(items: Callable[[], Iterable[Any]], today: date, as_json: bool) -> bool:
    """Show the reminders ITEMS gives: piped and as JSON in one pass over them, on a
    terminal in as many as its tables need. Whether there were any."""
    from ..render import reminders_json, reminders_lines

    found = False

    def read() -> Iterator[Any]:
        nonlocal found
        for item in items():
            found = True
            yield item

    if as_json:
        sys.stdout.writelines(reminders_json(read()))  # [] when nothing is due: valid JSON
        return found
    from ..render import stdout_is_terminal

    if stdout_is_terminal():
        from ..render import make_console, reminders_view

        view = reminders_view(read, today)
        if view is not None:  # nothing due: nothing printed
            print_view(make_console(), view)
    else:
        sys.stdout.writelines(line + "\n" for line in reminders_lines(read()))
    return found
