"""Commands for cooperations: the concrete plans partners make."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..models.agreements import COOPERATION_STATUSES, Cooperation
from ..render import Column
from ._common import (
    AGREEMENTS,
    COOPERATIONS,
    ORGS,
    Completes,
    JsonOpt,
    print_details,
    print_listing,
    replacing,
    say,
    say_removed,
    stdout_is_terminal,
)

RefArg = Annotated[
    str, typer.Argument(click_type=COOPERATIONS, help="Id or title of the cooperation.")
]
StatusHelp = f"One of: {', '.join(COOPERATION_STATUSES)}."
_STATUS = Completes(COOPERATION_STATUSES)
AgreementOpt = Annotated[
    str | None,
    typer.Option(
        "--agreement", click_type=AGREEMENTS, help="The agreement it comes under (id or title)."
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]

COOPERATION_COLUMNS = (
    Column("id", lambda c: c.id, justify="right"),
    Column("title", lambda c: c.title),
    Column("status", lambda c: c.status, no_wrap=True),
    Column("since", lambda c: c.since, no_wrap=True),
    Column("organisations", lambda c: [o.label for o in c.orgs]),
    Column("agreement", lambda c: c.agreement.name if c.agreement else None),
    Column("fields", lambda c: c.fields, optional=True),
)

STATUS_COLUMNS = (
    Column("on", lambda s: s.changed_on),
    Column("status", lambda s: s.status),
    Column("note", lambda s: s.note),
)


def cooperation_json(c: Cooperation) -> dict[str, object]:
    return {
        "id": c.id,
        "uuid": c.uuid,
        "title": c.title,
        "status": c.status,
        "since": c.since,
        "concrete_on": c.concrete_on,
        "orgs": [{"id": o.id, "name": o.name, "short": o.short} for o in c.orgs],
        "agreement": {"id": c.agreement.id, "title": c.agreement.name} if c.agreement else None,
        "fields": list(c.fields),
        "note": c.note,
        "history": [
            {"status": s.status, "changed_on": s.changed_on, "note": s.note} for s in c.history
        ],
    }


@app.command("add-cooperation")
def add_cooperation(
    title: Annotated[str, typer.Argument(help="Title, unique.")],
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            click_type=ORGS,
            help="A participating organisation; repeat (two or more).",
            show_default=False,
        ),
    ] = None,
    agreement: AgreementOpt = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="A field of action; repeat or use commas for several.",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", click_type=_STATUS, help=f"{StatusHelp} Default: idea."),
    ] = None,
    note: NoteOpt = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="The day it had that status (default: today).", show_default=False
        ),
    ] = None,
) -> None:
    """Add a cooperation plan.

    Add a cooperation plan between organisations; its status is dated today, or --on.

    Example: rit add-cooperation "Joint clinical trials" --org LSN --org FBRI --status talks
    --field technology-transfer
    """
    from ..store.cooperations import CooperationInput
    from ..store.cooperations import add_cooperation as store_add

    data = CooperationInput(
        title, tuple(org or ()), agreement, tuple(field) if field else None, status, note
    )
    with context.writing() as conn:
        cooperation = store_add(conn, data, context.today(), on)
    say(f"added cooperation #{cooperation.id} {cooperation.title} ({cooperation.status})")


@app.command("cooperations")
def cooperations(
    status: Annotated[
        str | None,
        typer.Option("--status", click_type=_STATUS, help=f"Only this status. {StatusHelp}"),
    ] = None,
    agreement: AgreementOpt = None,
    field: Annotated[
        str | None, typer.Option("--field", help="Only those with this field of action.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", click_type=ORGS, help="Only those this organisation takes part in."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List cooperations and their status.

    Example: rit cooperations --status running
    """
    from ..store.cooperations import list_cooperations

    with context.reading() as conn:
        records = list_cooperations(
            conn, status_filter=status, agreement=agreement, field=field, org=org
        )
    print_listing(COOPERATION_COLUMNS, records, as_json, cooperation_json)


@app.command("show-cooperation")
def show_cooperation(ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show a cooperation and its status history.

    Example: rit show-cooperation "Biobank sample exchange pilot"
    """
    from .. import render
    from ..store.cooperations import find_cooperation

    with context.reading() as conn:
        c = find_cooperation(conn, ref)
    pairs = [
        ("id", c.id),
        ("status", f"{c.status} since {c.since}"),
        ("organisations", [o.name for o in c.orgs]),
        ("agreement", c.agreement.name if c.agreement else None),
        ("fields", c.fields),
        ("concrete since", c.concrete_on),
        ("note", c.note),
    ]
    extra = []
    if stdout_is_terminal():
        extra.append(render.table(STATUS_COLUMNS, c.history, title="Status history"))
    else:
        pairs += [
            (f"status {s.changed_on}", f"{s.status}{f': {s.note}' if s.note else ''}")
            for s in c.history
        ]
    print_details(c.title, pairs, cooperation_json(c), as_json, extra)


@app.command("edit-cooperation")
def edit_cooperation(
    ref: RefArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org", click_type=ORGS, help="Replace the organisations; repeat.", show_default=False
        ),
    ] = None,
    agreement: AgreementOpt = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Replace the fields of action; repeat or use commas ('' clears).",
            show_default=False,
        ),
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Change a cooperation's fields.

    Change a cooperation's title, organisations, agreement, fields or note.

    Its status changes with set-cooperation-status.

    Example: rit edit-cooperation 1 --org LSN --org KBIC --org FBRI
    """
    from ..store.cooperations import CooperationInput
    from ..store.cooperations import edit_cooperation as store_edit

    data = CooperationInput(
        title,
        replacing(org, "--org"),
        agreement,
        replacing(field, "--field"),
        None,
        note,
    )
    with context.writing() as conn:
        c, changed = store_edit(conn, ref, data)
    if changed:
        say(f"updated cooperation #{c.id} {c.title}: {', '.join(changed)}")
    else:
        say(f"cooperation #{c.id} {c.title} unchanged")


@app.command("set-cooperation-status")
def set_cooperation_status(
    ref: RefArg,
    status: Annotated[
        str | None, typer.Argument(click_type=_STATUS, help=StatusHelp, show_default=False)
    ] = None,
    note: NoteOpt = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day it changed (default today; not before the last)."),
    ] = None,
    undo: Annotated[
        bool,
        typer.Option("--undo", help="Take back the last status change (a wrong status or day)."),
    ] = False,
) -> None:
    """Move a cooperation to a new, dated status.

    Move a cooperation to a new status, dated, so reports can say when it became concrete.
    --undo takes back the last change given by mistake, its day and note with it (then give
    the right one); rit history shows the status going there and back.

    Example: rit set-cooperation-status 2 agreed --note "MoU between partners"
    """
    from ..errors import InvalidInput
    from ..store.cooperations import set_status, take_back_status

    if undo:
        if status is not None or note is not None or on is not None:
            raise InvalidInput(
                "--undo takes back the last status change: give it without STATUS, --note or --on"
            )
        with context.writing(create=False) as conn:
            c, taken = take_back_status(conn, ref)
        say(
            f"took back the change of cooperation #{c.id} {c.title} to {taken.status}"
            f" (on {taken.changed_on}): {c.status} again, since {c.since}"
        )
        return
    if status is None:
        raise InvalidInput(
            "missing STATUS: give the new status, or --undo to take back the last change"
        )
    with context.writing() as conn:
        c, changed = set_status(conn, ref, status, note, context.today(), on)
    if changed:
        say(f"cooperation #{c.id} {c.title} is now {c.status} (since {c.since})")
    else:
        say(f"cooperation #{c.id} {c.title} is already {c.status}; unchanged")


@app.command("remove-cooperation")
def remove_cooperation(ref: RefArg) -> None:
    """Remove a cooperation entered by mistake.

    Remove a cooperation entered by mistake with its organisations, fields and status
    history. A plan that was given up is kept: set-cooperation-status REF dropped.

    Example: rit remove-cooperation "Joint biobank (typo)"
    """
    from ..store.cooperations import remove_cooperation as store_remove

    with context.writing(create=False) as conn:
        removed = store_remove(conn, ref)
    say_removed(removed)
