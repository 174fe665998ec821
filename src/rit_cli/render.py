"""Turning records into output: Rich tables, plain lines, JSON. Returns, never prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .text import printable

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Column(NamedTuple):
    """A column of a listing: its header and how to get its value from a record."""

    header: str
    get: Callable[[Any], Any]
    justify: str = "left"
    no_wrap: bool = False  # dates, statuses, kinds: whole or not at all
    optional: bool = False  # left out of a terminal table that cannot show it readably


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
    """Records under columns for a terminal, laid out to its width when printed (Listing)."""
    return Listing(columns, records, title)


# Rows of a listing laid out and printed at a time on a terminal (Listing.batches).
ROWS_AT_A_TIME = 500


# A wrapping column narrower than this (when its text is longer) reads as a ribbon of
# broken phrases, and a row taller than TALL lines is no longer a row one reads across:
# a table that cannot avoid either at a width shows its records one under another.
READABLE = 12
TALL = 6
# A word up to this long (a name, a field of action, a zone) is never broken in a table;
# a longer one (a date range, a URL) may fold over lines.
FOLDABLE = 20


# A listing whose records can be read again (Again) keeps the text of this many rows; past
# that it measures and prints them in passes over the records instead of holding them.
HELD_ROWS = 2000


class Again:
    """Records a listing may read more than once (a query run anew for each pass): thirty
    years of agenda on a terminal are measured in one pass and printed in another, never
    held (500 000 rows took about a kilobyte each)."""

    def __init__(self, read: Callable[[], Iterable[Any]], *, long: bool = False):
        self.read = read
        self.long = long  # known to be longer than HELD_ROWS: not read to find out

    def __iter__(self) -> Iterator[Any]:
        return iter(self.read())


class Listing:
    """Records under columns that lose no text at any width.

    Rich shrinks the widest wrapping columns of a table that is too wide down to the
    others' width, whatever their longest word, and cuts what no longer fits with "…".
    So the widths are chosen here, when the console's width is known: each wrapping
    column gets at least its longest word (and READABLE), each no_wrap column its widest
    value and header; the rest is shared by what the wrapping columns still lack. A table
    that cannot have that at this width, even without its optional columns, is shown
    as one block per record instead: the
    leading dates, kinds and ids and the first text column on a line, then the other
    fields as labelled lines (optional columns included). Words longer than a line fold.
    """

    def __init__(self, columns: Sequence[Column], records: Iterable[Any], title: str | None):
        self.columns = tuple(columns)
        self.title = printable(title) if title else title  # may name a record: `gaps`
        # Records that can be read again are held only up to HELD_ROWS (None: read again).
        self._again = records if isinstance(records, Again) else None
        rows: list[list[str]] = []
        self._held: list[list[str]] | None = rows
        if self._again is not None and self._again.long:
            self._held = None
            return
        for row in self._texts(records):
            rows.append(row)
            if self._again is not None and len(rows) > HELD_ROWS:
                self._held = None
                break

    @property
    def rows(self) -> Sequence[Sequence[str]]:
        """Every row's text (read again, and held for once, when it was not kept)."""
        return self._held if self._held is not None else list(self._rows())

    @property
    def empty(self) -> bool:
        return self._held == []

    def _texts(self, records: Iterable[Any]) -> Iterator[list[str]]:
        columns = self.columns
        for record in records:
            yield [cell(column.get(record)) for column in columns]

    def _projected(self, shown: Sequence[int]) -> Iterator[list[str]]:
        return _project(self._rows(), shown)

    def _rows(self) -> Iterator[Sequence[str]]:
        if self._held is not None:
            return iter(self._held)
        assert self._again is not None
        return self._texts(self._again)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        layout = self._layout(options.max_width)
        if layout is None:
            yield from self._blocks()
            return
        yield self._table(*layout, self.rows)

    def batches(self, console: Console) -> Iterator[Any]:
        """Its lines as printed on this console, ROWS_AT_A_TIME rows (or, for records as
        blocks, ROWS_AT_A_TIME of their pieces) at a time, each batch to print with end="":
        together the text of printing it whole, but Rich lays out and holds a batch, not
        every row (a year's agenda of 500 000 exchanges took 201 MB on a terminal)."""
        from rich.console import Group
        from rich.segment import Segments

        def lines_of(renderable: Any) -> list[list[Any]]:
            return console.render_lines(renderable, pad=False, new_lines=True)

        layout = self._layout(console.options.max_width)
        if layout is None:
            blocks = self._blocks()
            while batch := list(islice(blocks, ROWS_AT_A_TIME)):
                yield Segments([s for line in lines_of(Group(*batch)) for s in line])
            return
        rows = self._rows()
        batch = list(islice(rows, ROWS_AT_A_TIME))
        first = True
        while True:
            following = list(islice(rows, ROWS_AT_A_TIME))
            lines = lines_of(self._table(*layout, batch, header=first))
            # A table ends in its bottom edge and a headless one begins with its top edge
            # (blank lines in SIMPLE_HEAD): between two batches there is neither.
            if not first:
                lines = lines[1:]
            if following:
                lines = lines[:-1]
            yield Segments([segment for line in lines for segment in line])
            if not following:
                return
            batch, first = following, False

    def _layout(self, width: int) -> tuple[list[int], list[int]] | None:
        """The columns shown and their widths at this width; None: records as blocks."""
        every = range(len(self.columns))
        kept = [i for i in every if not self.columns[i].optional]
        for shown in ([*every], kept) if len(kept) < len(every) else ([*every],):
            # Every column shown (the usual case): the rows themselves, else each row's
            # shown cells, made as they are measured.
            rows = self._rows if shown == [*every] else partial(self._projected, shown)
            widths = column_widths([self.columns[i] for i in shown], rows, width)
            if widths is not None:
                return shown, widths
        return None

    def _table(
        self,
        shown: Sequence[int],
        widths: Sequence[int],
        rows: Sequence[Sequence[str]],
        header: bool = True,
    ) -> Any:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        result = Table(
            title=self.title if header else None,
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
            show_header=header,
        )
        for i, width in zip(shown, widths, strict=True):
            column = self.columns[i]
            result.add_column(
                column.header,
                justify=column.justify,  # type: ignore[arg-type]
                no_wrap=column.no_wrap,
                overflow="ellipsis" if column.no_wrap else "fold",
                width=width,
            )
        for row in rows:
            result.add_row(*(Text(row[i]) for i in shown))
        return result

    def _blocks(self) -> Any:
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        lead = 0
        while lead < len(self.columns) and (
            self.columns[lead].no_wrap or self.columns[lead].justify == "right"
        ):
            lead += 1
        lead += 1
        if self.title:
            yield Text(self.title, style="table.title")
        for index, row in enumerate(self._rows()):
            if index:
                yield Text("")
            yield Text("  ".join(v for v in row[:lead] if v), style="bold", overflow="fold")
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True, style="dim")
            grid.add_column(overflow="fold")
            for column, value in zip(self.columns[lead:], row[lead:], strict=True):
                if value:
                    grid.add_row(Text(column.header), Text(value))
            if grid.row_count:
                yield Padding(grid, (0, 0, 0, 2), expand=False)


def _project(rows: Iterable[Sequence[str]], shown: Sequence[int]) -> Iterator[list[str]]:
    for row in rows:
        yield [row[i] for i in shown]


def column_widths(
    columns: Sequence[Column], rows: Callable[[], Iterable[Sequence[str]]], width: int
) -> list[int] | None:
    """The content width of each column of a table as wide as width, with which no cell
    loses text and every row stays readable; None when there are none.

    A no_wrap column gets its widest cell and header; a wrapping column its header's
    longest word, READABLE (less when its values are shorter) and its longest word up to
    FOLDABLE, then, as far as the width allows, its longest word, then a share of what
    is left. ROWS() gives the rows' cells: read once to measure them, and again to see
    that none grows too tall when a column is narrower than its widest cell.
    """
    from rich.cells import cell_len

    # A SIMPLE_HEAD table without edge padding: an edge each side, a divider between
    # columns and a space of padding either side of each divider.
    room = width - 3 * len(columns) + 1
    count = len(columns)
    widest, word, whole = [0] * count, [0] * count, [0] * count
    wrapping = [i for i, column in enumerate(columns) if not column.no_wrap]
    for row in rows():
        for i in range(count):
            size = cell_len(row[i])
            if size > widest[i]:
                widest[i] = size
        for i in wrapping:
            for w in row[i].split():
                size = cell_len(w)
                if size > word[i]:
                    word[i] = size
                if whole[i] < size <= FOLDABLE:
                    whole[i] = size
    natural: list[int] = []
    least: list[int] = []
    words: list[int] = []
    for i, column in enumerate(columns):
        natural.append(max(widest[i], cell_len(column.header)))
        if column.no_wrap:
            least.append(natural[-1])
            words.append(natural[-1])
            continue
        header_word = max(map(cell_len, column.header.split() or [""]))
        least.append(max(header_word, min(widest[i], READABLE), whole[i]))
        words.append(max(header_word, word[i]))
    if sum(least) > room:
        return None
    if sum(natural) <= room:
        return natural
    widths = list(least)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: words[i] - widths[i]):
        grow = min(max(words[i] - widths[i], 0), spare)
        widths[i] += grow
        spare -= grow
    # Share what is left by what each column still lacks of its widest cell.
    lack = [n - w for n, w in zip(natural, widths, strict=True)]
    total = sum(lack)
    if total and spare:
        shares = [spare * x // total for x in lack]
        widths = [w + share for w, share in zip(widths, shares, strict=True)]
        left = spare - sum(shares)
        for i in sorted(range(len(widths)), key=lambda i: widths[i] - natural[i]):
            if left <= 0:
                break
            if widths[i] < natural[i]:
                widths[i] += 1
                left -= 1
    narrowed = [i for i in wrapping if widths[i] < natural[i]]
    if any(_lines(row[i], widths[i], cell_len) > TALL for row in rows() for i in narrowed):
        return None
    return widths


def _lines(text: str, width: int, cell_len: Callable[[str], int]) -> int:
    """How many lines text takes wrapped at spaces to width, long words folded; a word
    longer than a block's line (over 60 cells) counted as one: it is as tall in any
    layout, and must not turn a whole table into blocks."""
    if cell_len(text) <= width:
        return 1
    lines, used = 1, 0
    for word in text.split():
        size = cell_len(word)
        if size > 60:
            size = min(size, width)
        if used and used + 1 + size <= width:
            used += 1 + size
            continue
        if used:
            lines += 1
        lines += (size - 1) // width
        used = size - (size - 1) // width * width
    return lines


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
    """VALUE as JSON text (indented by two), put together from the texts of its parts: an
    object's members and a list's elements are encoded one by one, so a report of a
    large database never holds the encoder's pieces of the whole (its text once is all).
    The same text as json.dumps gives."""
    return "".join(json_pieces(value))


def json_pieces(value: Any) -> Iterator[str]:
    """The text of to_json(VALUE) in pieces, to write as they come: an iterator in it (an
    organisation's half a million exchanges as they are read) is an array never held."""
    yield from _pieces(value, _json_encoder(), top=True)
    yield "\n"


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """The text of to_json(list(items)), an item at a time: a listing of half a million
    exchanges is written as it is read, never held whole (nor its text)."""
    yield from _elements(items, _json_encoder())
    yield "\n"


def _pieces(value: Any, encode: Callable[[Any], str], top: bool = False) -> Iterator[str]:
    """The JSON text of VALUE in pieces: the members of the top object (and of an object
    holding an iterator) and the elements of the lists and iterators at its top or in it
    each encoded alone, the rest whole. An iterator may be a member of such an object or an
    element of an iterator or list; an object in a list is encoded whole, so holds none."""
    if (
        isinstance(value, dict)
        and value
        and (top or _holds_iterator(value))
        and all(isinstance(k, str) for k in value)
    ):
        opening = "{\n  "
        for key, member in value.items():
            yield opening + encode(key) + ": "
            yield from _nested(_pieces(member, encode))
            opening = ",\n  "
        yield "\n}"
    elif isinstance(value, list | tuple | Iterator):
        yield from _elements(value, encode)
    else:
        yield encode(value)


def _holds_iterator(value: dict[Any, Any]) -> bool:
    return any(
        isinstance(member, Iterator) or (isinstance(member, dict) and _holds_iterator(member))
        for member in value.values()
    )


def _elements(items: Iterable[Any], encode: Callable[[Any], str]) -> Iterator[str]:
    opening = "[\n  "
    for item in items:
        yield opening
        yield from _nested(
            _elements(item, encode) if isinstance(item, Iterator) else [encode(item)]
        )
        opening = ",\n  "
    yield "[]" if opening == "[\n  " else "\n]"


def _nested(pieces: Iterable[str]) -> Iterator[str]:
    # One level deeper: every line indented by two more spaces, exactly as json.dumps
    # indents what an object or list holds (JSON strings hold no raw line breaks, so every
    # \n is between tokens).
    for piece in pieces:
        yield piece.replace("\n", "\n  ")


def _json_encoder() -> Callable[[Any], str]:
    import codecs
    import json  # only --json output needs it: tables and plain lines are spared the import
    import sys

    from .text import json_safe

    # A locale without UTF-8 (LANG=de_DE under cron) cannot show every character: JSON's own
    # \uXXXX escapes keep the text valid JSON there (the stdout's \U0001f469 would not be).
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    ascii_only = codecs.lookup(encoding).name != "utf-8"

    def encode(value: Any) -> str:
        text = json.dumps(value, ensure_ascii=ascii_only, indent=2, default=_json_default)
        return json_safe(text)

    return encode


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
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # a long word (a URL in a note) breaks, never cut
    for label, value in pairs:
        if value in (None, "", [], ()):
            continue
        grid.add_row(Text(label), Text(cell(value), overflow="fold"))
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


def reminders_lines(items: Iterable[Any]) -> Iterable[str]:
    """One line per item, tab-separated: date, kind, record, title, message.

    Only the title and the message hold user text to escape; the rest rit writes itself.
    """
    for item in items:
        yield (
            f"{item.on.isoformat()}\t{item.kind}\t{reminder_ref(item)}"
            f"\t{printable(item.title)}\t{printable(item.message)}"
        )


def reminders_json(items: Iterable[Any]) -> Iterator[str]:
    """The reminders' JSON text, a reminder at a time (a year of them at 500 000 exchanges
    held their whole text twice over: 96 MB)."""
    return json_array(reminder_dict(item) for item in items)


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


def reminders_view(read: Callable[[], Iterable[Any]], today: Any) -> RenderableType | None:
    """Reminders grouped under headings, each group a table, for a terminal; None when
    there are none.

    One pass over what READ gives counts each group and keeps the text of its rows, up
    to HELD_ROWS; a larger group (a horizon of years) is a listing that calls READ again
    for each pass it makes (Again), so no group is ever held whole."""
    from rich.console import Group
    from rich.text import Text

    group_of = {kind: index for index, (_, kinds) in enumerate(_REMINDER_GROUPS) for kind in kinds}
    counts = [0 for _ in _REMINDER_GROUPS]
    rows: list[list[tuple[str, str, str, str]]] = [[] for _ in _REMINDER_GROUPS]
    for item in read():
        index = group_of[item.kind]
        counts[index] += 1
        if counts[index] <= HELD_ROWS:
            rows[index].append(_reminder_row(item))
        elif counts[index] == HELD_ROWS + 1:
            rows[index].clear()  # read again when printed
    if not any(counts):
        return None
    columns = (
        Column("date", itemgetter(0), no_wrap=True),
        Column("kind", itemgetter(1), no_wrap=True),
        Column("record", itemgetter(2)),
        Column("message", itemgetter(3)),
    )
    parts: list[Any] = [Text(f"rit remind — as of {today.isoformat()}", style="bold")]
    for (heading, kinds), group, count in zip(_REMINDER_GROUPS, rows, counts, strict=True):
        if not count:
            continue
        style = "bold red" if heading == "Overdue" else "bold"
        parts.append(Text(""))
        parts.append(Text(f"{heading} ({count})", style=style))
        records = (
            group if count <= HELD_ROWS else Again(partial(_group_rows, read, kinds), long=True)
        )
        parts.append(table(columns, records))
        group.clear()  # the listing holds their text now
    return Group(*parts)


def _reminder_row(item: Any) -> tuple[str, str, str, str]:
    return (item.on.isoformat(), item.kind, f"{reminder_ref(item)} {item.title}", item.message)


def _group_rows(
    read: Callable[[], Iterable[Any]], kinds: Sequence[str]
) -> Iterator[tuple[str, str, str, str]]:
    """The rows of the reminders of these kinds, from a new pass over what READ gives."""
    return (_reminder_row(item) for item in read() if item.kind in kinds)
