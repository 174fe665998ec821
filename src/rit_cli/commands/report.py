"""The report command."""

import sys
from typing import Annotated

import typer

from .. import context
from ..app import app
from ._common import AGREEMENTS, ORGS, PROGRAMMES, ZONES, Completes, emit, out_option, print_view

FORMATS = ("table", "markdown", "json", "csv")


@app.command("report")
def report(
    year: Annotated[
        str | None,
        typer.Option(
            "--year", metavar="YYYY", help="The year's activity report.", show_default=False
        ),
    ] = None,
    agreement: Annotated[
        str | None,
        typer.Option(
            "--agreement", click_type=AGREEMENTS, metavar="REF", help="Only this agreement."
        ),
    ] = None,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme",
            click_type=PROGRAMMES,
            metavar="REF",
            help="Only this programme's agreements.",
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", click_type=ORGS, metavar="ORG", help="Only what involves this org."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            click_type=Completes(FORMATS),
            metavar="FORMAT",
            help="table, markdown, json or csv.",
        ),
    ] = "table",
    out: Annotated[
        str | None, out_option("Write to this file (created 0600; '-': stdout).")
    ] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="With csv: UTF-8 with BOM and ';' for Excel.")
    ] = False,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", click_type=ZONES, metavar="ZONE", help="Your zone for reminder times."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json, as elsewhere.")
    ] = False,
) -> None:
    """Report on agreements and the year's activity.

    Report on agreements, exchanges and what came of them; --year for a year's activity.

    Example: rit report --year 2016 --format markdown --out lsn-2016.md
    """
    from .. import render_report
    from ..errors import InvalidInput
    from ..store.reports import Scope, current_report, year_report
    from ..text import short_repr

    if as_json:
        if fmt not in ("table", "json"):  # table: the default, not chosen
            raise InvalidInput(f"--json goes with --format json, not {short_repr(fmt)}")
        fmt = "json"
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown --format {short_repr(fmt)}: use one of {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise InvalidInput("--excel goes with --format csv")
    scopes = [
        name
        for name, value in (("--agreement", agreement), ("--programme", programme), ("--org", org))
        if value
    ]
    if len(scopes) > 1:
        raise InvalidInput(
            f"give one of --agreement, --programme, --org, not {' and '.join(scopes)}"
        )
    scope = Scope(agreement, programme, org)
    if year is not None and not (year.strip().isascii() and year.strip().isdigit()):
        raise InvalidInput(f"--year {short_repr(year)} is not a year like 2016")
    today = context.today()
    zone = context.user_zone(tz)
    with context.reading() as conn:
        result = (
            year_report(conn, scope, int(year), today)
            if year is not None
            else current_report(conn, scope, today, zone, details=fmt == "json")
        )
    if fmt == "json":  # written as it is made: thousands of agreements are never held as text
        emit((piece.encode("utf-8") for piece in render_report.json_pieces(result)), out)
        return
    if out is not None:
        text = render_report.render(result, "text" if fmt == "table" else fmt, excel=excel)
        emit(text.encode("utf-8"), out)
        return
    if fmt != "table":
        sys.stdout.write(render_report.render(result, fmt, excel=excel))
        return
    from ..render import make_console, stdout_is_terminal

    if not stdout_is_terminal():
        sys.stdout.writelines(line + "\n" for line in render_report.plain(result))
        return
    console = make_console()
    # Printed straight: the tables wrap to the terminal's width and stay readable at 80
    # columns; a pager would show the styles as raw escape codes unless less ran with -R.
    print_view(console, render_report.view(result))
