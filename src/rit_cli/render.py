"""Turning records into output: Rich tables, plain lines, JSON. Returns, never prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .text import printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


@dataclass(frozen=True)
class Column:
    """A column of a listing: its header and how to get its value from a record."""

    header: str
    get: Callable[[Any], Any]
    justify: str = "left"
    no_wrap: bool = False  # dates, statuses, kinds: whole or not at all
    optional: bool = False  # left out of tables narrower than WIDE


# Below this many columns a terminal table leaves out the optional columns, so that the
# dates and statuses it keeps are shown whole (the README promises 80 columns).
WIDE = 100


def fitting(columns: Sequence[Column], width: int) -> Sequence[Column]:
    """The columns a table of this width shows."""
    return columns if width >= WIDE else [c for c in columns if not c.optional]


def cell(value: Any) -> str:
    """One value as display text: None as empty, lists joined, control characters escaped."""
    # Most cells are already printable text: one check for them (a report prints tens of
    # thousands of cells).
    if isinstance(value, str) and value.isprintable():
        return value
    if type(value) is int:  # ids and counts (not bool, a subclass)
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    return printable(str(value))


def stdout_is_terminal() -> bool:
    """Whether stdout gets Rich tables, decided as Rich decides it, without importing Rich.

    TTY_COMPATIBLE=1/0 and FORCE_COLOR override; otherwise a terminal is a tty. Piped
    output (cron, scripts) never pays for importing Rich.
    """
    import os
    import sys

    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except ValueError:
        return False


def make_console(stderr: bool = False) -> Console:
    """A console that never reads user text as markup, emoji codes or highlights."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def table(columns: Sequence[Column], records: Iterable[Any], title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    result = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for column in columns:
        result.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap)  # type: ignore[arg-type]
    for record in records:
        result.add_row(*(Text(cell(column.get(record))) for column in columns))
    return result


def instant_text(iso: str, zone: str) -> str:
    """A recorded UTC instant as '2016-08-25 14:02 CEST' in the given zone."""
    from datetime import datetime

    from .dates import convert

    return convert(datetime.fromisoformat(iso), zone).strftime("%Y-%m-%d %H:%M %Z")


def plain_lines(columns: Sequence[Column], records: Iterable[Any]) -> Iterable[str]:
    """One record per line, fields separated by tabs; tabs and newlines in values escaped."""
    getters = [column.get for column in columns]
    for record in records:
        yield "\t".join([cell(get(record)) for get in getters])


def to_json(value: Any) -> str:
    import json  # only --json output needs it: tables and plain lines are spared the import

    from .text import json_safe

    return json_safe(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)) + "\n"


def _json_default(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass
    from datetime import date, datetime, time

    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def details(title: str, pairs: Sequence[tuple[str, Any]]) -> RenderableType:
    """A record's fields as a two-column grid under a heading, skipping empty values."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in pairs:
        if value in (None, "", [], ()):
            continue
        grid.add_row(Text(label), Text(cell(value)))
    return Group(Text(printable(title), style="bold underline"), grid)


def details_plain(pairs: Sequence[tuple[str, Any]]) -> Iterable[str]:
    for label, value in pairs:
        if value in (None, "", [], ()):
            continue
        yield f"{label}: {cell(value)}"


# ------------------------------------------------------------------------- reminders

_REMINDER_GROUPS = (
    ("Overdue", ("overdue", "window-closed", "decide-overdue")),
    ("Coming up", ("upcoming",)),
    ("Dates to decide", ("decide-by", "window-opens", "window-closes")),
    ("Ending soon", ("expiring",)),
    ("Obligations at risk", ("at-risk",)),
)


def reminder_ref(item: Any) -> str:
    return f"{item.record} #{item.record_id}"


def reminders_lines(items: Sequence[Any]) -> Iterable[str]:
    """One line per item, tab-separated: date, kind, record, title, message.

    Only the title and the message hold user text to escape; the rest rit writes itself.
    """
    for item in items:
        yield (
            f"{item.on.isoformat()}\t{item.kind}\t{reminder_ref(item)}"
            f"\t{printable(item.title)}\t{printable(item.message)}"
        )


def reminders_json(items: Sequence[Any]) -> str:
    return to_json([reminder_dict(item) for item in items])


def reminder_dict(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "date": item.on.isoformat(),
        "days_left": item.days_left,
        "record": item.record,
        "id": item.record_id,
        "uuid": item.uuid,
        "title": item.title,
        "start": item.start.isoformat() if item.start else None,
        "end": item.end.isoformat() if item.end else None,
        "local_time": item.local_time,
        "user_time": item.user_time,
        "message": item.message,
    }


def reminders_view(items: Sequence[Any], today: Any) -> RenderableType:
    """Reminders grouped under headings, each group a table, for a terminal."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [Text(f"rit remind — as of {today.isoformat()}", style="bold")]
    for heading, kinds in _REMINDER_GROUPS:
        group = [item for item in items if item.kind in kinds]
        if not group:
            continue
        columns = (
            Column("date", lambda i: i.on.isoformat(), no_wrap=True),
            Column("kind", lambda i: i.kind, no_wrap=True),
            Column("record", lambda i: f"{reminder_ref(i)} {i.title}"),
            Column("message", lambda i: i.message),
        )
        style = "bold red" if heading == "Overdue" else "bold"
        parts.append(Text(""))
        parts.append(Text(f"{heading} ({len(group)})", style=style))
        parts.append(table(columns, group))
    return Group(*parts)
