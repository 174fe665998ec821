"""CSV text in and out: spreadsheet dialects and formula neutralisation. Pure functions.

A cell that starts with = + - @, a tab or a carriage return could run as a formula when a
spreadsheet opens the file (CSV injection). By default such a cell is written with a
leading apostrophe: spreadsheets then show it as text, and a phone number like
'+49 40 123' stays readable instead of becoming a formula or an error. A cell that
already starts with apostrophes before such a character gets one more, so the rule can be
undone exactly: `rit import csv` removes one apostrophe again (`--raw` keeps cells as they
are, both ways).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from .errors import InvalidInput
from .text import visible_controls

_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """The cell as a spreadsheet will show it without running it (or a terminal acting on it)."""
    value = visible_controls(value)
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def restore(value: str) -> str:
    """Undo ``neutralise``: remove the apostrophe it added (and only that one)."""
    if value.startswith("'") and _NEEDS_QUOTE.match(value[1:]):
        return value[1:]
    return value


def delimiter(excel: bool) -> str:
    return ";" if excel else ","


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, excel: bool, raw: bool
) -> Iterator[str]:
    """The table as CSV text: UTF-8 (with BOM for Excel), ',' or ';', CRLF line ends.

    The text comes in pieces of a few hundred rows, as the rows are read."""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter(excel), lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        cells = ["" if v is None else str(v) for v in row]
        writer.writerow(cells if raw else [neutralise(c) for c in cells])
        if number % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _broken(exc: csv.Error) -> str:
    """What is wrong with a record the csv module refused, and how to correct it."""
    problem = str(exc)
    if problem == "unexpected end of data":
        return (
            'a cell opens a quote (") that is never closed: close it, or double each " '
            "inside a quoted cell"
        )
    if problem.endswith("expected after '\"'"):
        return (
            "text follows a cell's closing quote (\"): put the whole cell in quotes and "
            'double each " in it'
        )
    return f"not valid CSV ({problem})"


def read_csv(
    text: str | Iterable[str], *, excel: bool, raw: bool
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every record, the header first; a BOM is ignored.

    The line number is the row's number in a spreadsheet: a cell with line breaks does
    not move the rows after it.

    An empty row is skipped, also one of separators only (';;'), as Excel writes a row
    left empty in a sheet with data beside or below it.

    ``text`` is the whole file, or its lines one at a time (with their line ends, as a
    file opened with newline='' gives them), so a large file is never held whole.
    """
    if isinstance(text, str):
        lines: Iterator[str] = iter(io.StringIO(text, newline=""))
    else:
        lines = iter(text)
    first = next(lines, None)
    if first is None:
        return
    lines = itertools.chain((first.removeprefix("\ufeff"),), lines)
    reader = csv.reader(lines, delimiter=delimiter(excel), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise InvalidInput(f"line {line}: {_broken(exc)}") from exc
        if cells is None:
            return
        if any(cells):
            yield line, cells if raw else [restore(c) for c in cells]
        line += 1
