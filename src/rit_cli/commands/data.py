"""Data in and out: export, import, backup, restore, doctor, search."""

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import context
from ..app import app
from ..render import Column
from ._common import Completes, JsonOpt, emit, out_option, print_listing, say

CSV_IMPORTS = ("orgs", "contacts")  # what import csv reads
_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

export_app = typer.Typer(
    help="Export the data as JSON, CSV or an iCalendar file.\n\n"
    "Example: rit export json --out rit-export.json",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=_SETTINGS,
)
import_app = typer.Typer(
    help="Import JSON, or orgs and contacts from CSV.\n\n"
    "Example: rit import csv orgs partners.csv --excel",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=_SETTINGS,
)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

OutOpt = Annotated[
    str | None,
    out_option("Write to this file (0600, replaced atomically; '-': stdout); default stdout."),
]
ExcelOpt = Annotated[
    bool, typer.Option("--excel", help="UTF-8 with BOM and ';' between cells, for Excel.")
]


@contextlib.contextmanager
def _opening(path: Path, what: str) -> Iterator[None]:
    """An input file that cannot be opened or read, as a one-line error."""
    from ..errors import InvalidInput

    try:
        yield
    except FileNotFoundError as exc:
        raise InvalidInput(f"no file {str(path)!r}") from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{str(path)!r} is a directory, not a {what}") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {str(path)!r}: {exc.strerror}") from exc


def _refuse_device(handle: Any, path: Path, what: str) -> None:
    """A device (/dev/zero, /dev/urandom, a terminal named as /dev/tty) is no file: read,
    it never ends (an import of /dev/zero ran until memory ran out). A pipe is read."""
    import stat

    if stat.S_ISCHR(mode := os.fstat(handle.fileno()).st_mode) or stat.S_ISBLK(mode):
        from ..errors import InvalidInput

        raise InvalidInput(
            f"{str(path)!r} is a device, not a {what}: give a file, or - for standard input"
        )


SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_database_file(start: bytes, path: Path, what: str) -> None:
    """A database (a backup) is not text: say so, rather than that it is not UTF-8."""
    if start.startswith(SQLITE_HEADER):
        from ..errors import InvalidInput

        raise InvalidInput(
            f"{str(path)!r} is a SQLite database, not a {what}; a backup made by rit backup "
            "goes back with rit restore"
        )


# An .xlsx, .ods or .numbers file is a zip archive; an .xls an OLE2 compound file.
WORKBOOK_HEADERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _refuse_workbook(start: bytes, path: Path) -> None:
    """A workbook renamed .csv is not text: say what to save it as, not that it is not UTF-8."""
    if start.startswith(WORKBOOK_HEADERS):
        from ..errors import InvalidInput

        raise InvalidInput(
            f"{str(path)!r} is a spreadsheet workbook, not a CSV file: save it from the "
            "spreadsheet as CSV UTF-8 and import that file"
        )


def _stdin() -> Any:
    """Standard input, for a path '-'; refused when rit was started with it closed."""
    from ..errors import InvalidInput

    if sys.stdin is None:
        raise InvalidInput("'-' reads standard input, which is closed: give a file")
    return sys.stdin


def _read(path: Path, what: str) -> str:
    from ..errors import InvalidInput

    if str(path) == "-":
        stdin = _stdin()
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
    else:
        with _opening(path, what), open(path, "rb") as handle:
            _refuse_device(handle, path, what)
            data = handle.read()
    if isinstance(data, str):
        return data
    _refuse_database_file(data, path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{str(path)!r} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again"
        ) from exc


@export_app.command("json")
def export_json(out: OutOpt = None) -> None:
    """Everything as JSON, with each record's uuid.

    Example: rit export json --out rit-export.json
    """
    from ..store.transfer import export_text

    with context.reading(snapshot=True) as conn:  # one state, though read table by table
        emit((piece.encode("utf-8") for piece in export_text(conn)), out)


@export_app.command("csv")
def export_csv(
    table: Annotated[
        str,
        typer.Argument(
            click_type=Completes("csv-tables"),
            help="orgs, contacts, programmes, agreements, exchanges, cooperations or trips.",
        ),
    ],
    out: OutOpt = None,
    excel: ExcelOpt = False,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="Write cells as they are, even ones a spreadsheet would run."),
    ] = False,
) -> None:
    """One kind of record as CSV.

    One kind of record as CSV; cells that would run as formulas get a leading quote.

    Example: rit export csv contacts --excel --out contacts.csv
    """
    from ..csvio import write_csv
    from ..store.tables import export_table

    with context.reading() as conn:
        header, rows = export_table(conn, table.strip().lower())
        pieces = write_csv(header, rows, excel=excel, raw=raw)
        emit((piece.encode("utf-8") for piece in pieces), out)


@export_app.command("ics")
def export_ics(
    out: OutOpt = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Only exchanges ending on or after this date.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Only exchanges starting on or before this date.")
    ] = None,
) -> None:
    """Exchanges as an iCalendar file for calendar apps.

    Exchanges as an iCalendar file for calendar apps (stable UIDs, SEQUENCE on change).

    Example: rit export ics --from 2016-01-01 --out rit.ics
    """
    from ..dates import parse_date
    from ..ics import calendar_bytes, zones_named
    from ..store.calendar import calendar_entries, calendar_span, timed_zones

    today = context.today()
    first = parse_date(start, today) if start is not None else None
    last = parse_date(end, today) if end is not None else None
    if first and last and last < first:
        from ..errors import InvalidInput

        raise InvalidInput(f"--to {last} is before --from {first}")
    # One snapshot (an event's parties match its sequence; the zones, the events), written
    # as it is read.
    with context.reading(snapshot=True) as conn:
        span = calendar_span(conn, first, last)
        zones = zones_named(timed_zones(conn, first, last)) if span else []
        emit(calendar_bytes(calendar_entries(conn, first, last), span, zones), out)


REPORT_COLUMNS = (
    Column("table", lambda r: r["table"]),
    Column("added", lambda r: r["added"], justify="right"),
    Column("updated", lambda r: r["updated"], justify="right"),
    Column("skipped", lambda r: r["skipped"], justify="right"),
)
# Records (and link and history rows) in the file that were removed here: not merged.
KEPT_REMOVED = Column("kept removed", lambda r: r["kept_removed"], justify="right")
# Updated records whose values set here the partner's newer copy replaced.
REPLACED = Column("replaced", lambda r: r["replaced"], justify="right")


@import_app.command("json")
def import_json(
    path: Annotated[Path, typer.Argument(help="A file written by rit export json ('-': stdin).")],
    merge: Annotated[
        bool,
        typer.Option(
            "--merge", help="Merge into a database that holds data: upsert by uuid, newer wins."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Load a JSON export, or --merge one by uuid.

    Load a JSON export: into an empty database exactly, or --merge by uuid.

    Example: rit import json partner-export.json --merge
    """
    from ..store.transfer import import_data, parse

    document = parse(_read(path, "JSON file"), str(path))
    with context.writing() as conn:
        report = import_data(conn, document, merge)
    rows = [{"table": name, **vars(counts)} for name, counts in report.items()]
    kept_removed = sum(r["kept_removed"] for r in rows)
    replaced = sum(r["replaced"] for r in rows)
    # The two columns only when a merge kept something removed or replaced values set here
    # (then both, so that piped lines keep one shape): the usual report is unchanged.
    columns = REPORT_COLUMNS + ((KEPT_REMOVED, REPLACED) if kept_removed or replaced else ())
    print_listing(columns, rows, as_json, lambda r: r)
    if as_json:
        return
    from ..text import count, printable

    if kept_removed:
        sys.stderr.write(
            printable(
                f"kept removed: {count(kept_removed, 'row')} of records removed here (the"
                " records, their links and history) were not brought back"
            )
            + "\n"
        )
    if replaced:
        sys.stderr.write(
            printable(
                f"replaced: {count(replaced, 'record')} changed here too took the partner's"
                " newer values; rit history shows what each had here (a 'merge' row)"
            )
            + "\n"
        )


@import_app.command("csv")
def import_csv(
    entity: Annotated[
        str, typer.Argument(click_type=Completes(CSV_IMPORTS), help="orgs or contacts.")
    ],
    path: Annotated[Path, typer.Argument(help="The CSV file ('-': stdin); line 1 names columns.")],
    excel: ExcelOpt = False,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="Keep a leading quote that rit export added before = + - @."),
    ] = False,
) -> None:
    """Add organisations or contacts from CSV.

    Add organisations or contacts from a spreadsheet; all rows or none.

    Columns (any order, English or German headings): orgs: name (Name), short (Kurzname),
    kind (Art), country (Land), city (Stadt), region, tz (Zeitzone), website, tags, note;
    contacts: name, org (Organisation), title (Titel), role (Rolle), email (E-Mail),
    phone (Telefon), note.

    Example: rit import csv orgs partners.csv --excel
    """
    from ..csvio import read_csv
    from ..errors import InvalidInput
    from ..store.tables import csv_records, import_contacts, import_orgs

    kind = entity.strip().lower()
    if kind not in CSV_IMPORTS:
        from ..text import short_repr

        raise InvalidInput(f"cannot import {short_repr(entity)} from CSV: use orgs or contacts")
    source = _CsvLines(path)
    with source:
        headings, records = csv_records(kind, read_csv(source, excel=excel, raw=raw))
        importer = import_orgs if kind == "orgs" else import_contacts
        with context.writing() as conn, _Progress(source) as progress:
            result = importer(conn, records, progress.advance, headings)
    from ..text import count

    say(f"imported {count(result.added, 'organisation' if kind == 'orgs' else 'contact')}")


class _CsvLines:
    """A CSV file's lines as text, read as they are needed (never the whole file at once).

    Lines end where a file opened with newline='' ends them (CR LF, LF or CR); the bytes
    are checked as UTF-8 line by line, so an error names its byte in the file.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.size = path, 0, 0
        self.text = None
        if str(path) == "-":
            stream = _stdin()
            self.handle = getattr(stream, "buffer", None)
            if self.handle is None:  # a text stream without bytes underneath
                self.text = stream
            return
        with _opening(path, "CSV file"):
            self.handle = open(path, "rb", buffering=1 << 16)  # noqa: SIM115 - see __exit__
        try:
            _refuse_device(self.handle, path, "CSV file")
            self.size = os.fstat(self.handle.fileno()).st_size
        except OSError:
            self.size = 0
        except BaseException:
            self.handle.close()
            raise

    def __enter__(self) -> "_CsvLines":
        try:
            self._check_start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _check_start(self) -> None:
        """A file that is not UTF-8 near its start (a binary file) fails before its header."""
        peek = getattr(self.handle, "peek", None)
        if peek is None:
            return
        import codecs

        start = peek(1 << 16)[: 1 << 16]
        _refuse_database_file(start, self.path, "CSV file")
        _refuse_workbook(start, self.path)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(start)
        except UnicodeDecodeError as exc:
            raise self._not_utf8(exc.start) from exc

    def _not_utf8(self, byte: int) -> Exception:
        """The error for a byte that is not UTF-8, saying how to save the file."""
        from ..errors import InvalidInput

        # Excel's plain "CSV" type writes the Windows code page (cp1252 in Western Europe).
        return InvalidInput(
            f"{str(self.path)!r} is not UTF-8 text (byte {byte}): save it as CSV UTF-8 "
            "(in Excel, not the plain CSV type) and try again"
        )

    def __exit__(self, *exc: object) -> None:
        if str(self.path) != "-" and self.handle is not None:
            self.handle.close()

    def __iter__(self) -> Iterator[str]:
        if self.text is not None:
            import io

            yield from io.StringIO(self.text.read(), newline="")
            return
        assert self.handle is not None
        for raw in self.handle:
            start = self.offset
            self.offset += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self._not_utf8(start + exc.start) from exc
            if "\r" in text and not (text.endswith("\r\n") and text.count("\r") == 1):
                # A CR on its own ends a line too (old Mac files).
                import re

                yield from (part for part in re.split(r"(?<=\r)(?!\n)", text) if part)
            else:
                yield text


class _Progress:
    """A Rich progress bar on stderr once a file has 5 000 rows, only on a terminal.

    The file is read as it is imported, so its length in rows is unknown: the bar counts
    the bytes read.
    """

    START = 5000

    def __init__(self, source: _CsvLines) -> None:
        self.source, self.rows, self.off = source, 0, False
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, rows: int) -> None:
        self.rows += rows
        if self.rows % 500 or self.off:
            return
        if self.bar is None:
            if self.rows < self.START:
                return
            from rich.progress import Progress

            from ..render import make_console

            console = make_console(stderr=True)
            if not console.is_terminal:
                self.off = True
                return
            self.bar = Progress(console=console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking rows", total=self.source.size or None)
        self.bar.update(self.task, completed=self.source.offset)


@app.command("backup")
def backup(
    path: Annotated[str, typer.Argument(help="The backup file to write (0600).", metavar="PATH")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Copy the database safely, even while in use.

    A consistent copy of the database through SQLite's backup API, even while it is used.

    Example: rit backup ~/rit-2016-08-25.db
    """
    from ..outfile import as_typed
    from ..store.maintenance import backup as store_backup

    target = as_typed(path, "the backup file")
    with context.reading() as conn:
        size = store_backup(conn, target, context.location().path, force)
    say(f"backed up {context.location().path} to {path} ({size // 1024 or 1} KiB)")


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="A backup made by rit backup.")],
) -> None:
    """Replace the database by a backup.

    Replace the database by a backup; the replaced one is kept beside it.

    Example: rit restore ~/rit-2016-08-25.db
    """
    from ..store.maintenance import restore as store_restore

    live = context.location().path
    kept = store_restore(path, live)
    say(f"restored {live} from {path}")
    if kept is not None:
        say(f"the replaced database is kept as {kept}")


DOCTOR_COLUMNS = (
    Column("check", lambda c: c.name),
    Column("status", lambda c: c.status),
    Column("detail", lambda c: c.detail),
)


@app.command("doctor")
def doctor(as_json: JsonOpt = False) -> None:
    """Check the database file and its health.

    Check the database: which file and why, schema, integrity, permissions, file system.

    Exits with status 1 when a check fails (warnings do not).

    Example: rit doctor
    """
    from ..store.maintenance import doctor as store_doctor

    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as handle:
            mounts: str | None = handle.read()
    except OSError:
        mounts = None
    checks = store_doctor(context.location(), mounts)
    print_listing(DOCTOR_COLUMNS, checks, as_json, vars)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(1)


SEARCH_COLUMNS = (
    Column("kind", lambda h: h.kind),
    Column("id", lambda h: h.id, justify="right"),
    Column("title", lambda h: h.title),
    Column("field", lambda h: h.field),
    Column("text", lambda h: h.text if len(h.text) <= 80 else h.text[:79] + "…"),
)


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="What to look for (any part of a word).")],
    limit: Annotated[int, typer.Option("--limit", help="At most this many records.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Search names, titles and notes.

    Find organisations, contacts, agreements, exchanges, cooperations, programmes, trips.

    Searches names, titles, places and notes, a trip's stops (city, note) and a
    cooperation's status notes; case, ß/ss, ä/ae and accents do not matter.

    Example: rit search 山田
    """
    from itertools import islice

    from ..store.search import matches

    with context.reading() as conn:
        found = matches(conn, text, limit, one_more=True)
        # (A limit past any database's size, 99999999999999999999, is all of them.)
        shown = islice(found, min(limit, sys.maxsize))
        print_listing(SEARCH_COLUMNS, shown, as_json, vars)
        more = next(found, None) is not None
    if more and not as_json:
        # On stderr: piped lines stay the records, and the reader learns the list is cut
        # (records are listed kind by kind, so a cut list may show no trips at all).
        sys.stderr.write(f"more records match: the first {limit} are shown; --limit shows more\n")
