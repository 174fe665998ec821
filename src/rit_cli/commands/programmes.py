"""Commands for programmes."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..models.agreements import Extension, Programme
from ..render import Column
from ._common import (
    ORGS,
    PROGRAMMES,
    JsonOpt,
    UndoOpt,
    print_details,
    print_listing,
    say,
    say_removed,
    until_or_undo,
)

RefArg = Annotated[
    str, typer.Argument(click_type=PROGRAMMES, help="Id, short name or name of the programme.")
]
ShortOpt = Annotated[str | None, typer.Option("--short", help="Short name, e.g. RIT.")]
RunByOpt = Annotated[
    str | None,
    typer.Option("--run-by", click_type=ORGS, help="Organisation running it (id, short or name)."),
]
FromOpt = Annotated[str | None, typer.Option("--from", help="Start of its term (a date).")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="End of its term: a date, or a year (31 December).")
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]

PROGRAMME_COLUMNS = (
    Column("id", lambda p: p.id, justify="right"),
    Column("name", lambda p: p.name),
    Column("short", lambda p: p.short),
    Column("run by", lambda p: p.run_by.label if p.run_by else None),
    Column("from", lambda p: p.valid_from),
    Column("until", lambda p: p.valid_until),
    Column("agreements", lambda p: p.agreements, justify="right"),
)

EXTENSION_COLUMNS = (
    Column("decided", lambda e: e.decided_on),
    Column("old end", lambda e: e.old_until),
    Column("new end", lambda e: e.new_until),
    Column("note", lambda e: e.note),
)


def extension_json(e: Extension) -> dict[str, object]:
    return {
        "old_until": e.old_until,
        "new_until": e.new_until,
        "decided_on": e.decided_on,
        "note": e.note,
    }


def extension_text(e: Extension) -> str:
    note = f": {e.note}" if e.note else ""
    return f"{e.old_until} → {e.new_until} (decided {e.decided_on}){note}"


def programme_json(p: Programme) -> dict[str, object]:
    return {
        "id": p.id,
        "uuid": p.uuid,
        "name": p.name,
        "short": p.short,
        "run_by": (
            {"id": p.run_by.id, "name": p.run_by.name, "short": p.run_by.short}
            if p.run_by
            else None
        ),
        "valid_from": p.valid_from,
        "valid_until": p.valid_until,
        "agreements": p.agreements,
        "note": p.note,
    }


@app.command("add-programme")
def add_programme(
    name: Annotated[str, typer.Argument(help="Full name of the programme.")],
    short: ShortOpt = None,
    run_by: RunByOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add a programme with its term.

    Add a programme: an umbrella scheme run by an organisation, with a term.

    Example: rit add-programme "Cluster matchmaking Japan" --short CMJ --run-by JETRO
    --from 2017-04-01 --until 2018
    """
    from ..store.programmes import ProgrammeInput
    from ..store.programmes import add_programme as store_add

    data = ProgrammeInput(name, short, run_by, valid_from, valid_until, note)
    with context.writing() as conn:
        programme = store_add(conn, data, context.today())
    say(f"added programme #{programme.id} {programme.name}")


@app.command("programmes")
def programmes(as_json: JsonOpt = False) -> None:
    """List programmes.

    List programmes with their term and how many agreements belong to each.

    Example: rit programmes --json
    """
    from ..store.programmes import list_programmes

    with context.reading() as conn:
        records = list_programmes(conn)
    print_listing(PROGRAMME_COLUMNS, records, as_json, programme_json)


@app.command("show-programme")
def show_programme(ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show a programme, its extensions and agreements.

    Example: rit show-programme RIT
    """
    from .. import render
    from ..store.agreements import list_agreements
    from ..store.programmes import find_programme
    from .agreements import AGREEMENT_COLUMNS, agreement_json

    today = context.today()
    with context.reading() as conn:
        programme = find_programme(conn, ref)
        agreements = list_agreements(conn, today, programme=f"#{programme.id}")
    payload = {
        **programme_json(programme),
        "extensions": [extension_json(e) for e in programme.extensions],
        "agreement_list": [agreement_json(a) for a in agreements],
    }
    pairs = [
        ("id", programme.id),
        ("short", programme.short),
        ("run by", programme.run_by.name if programme.run_by else None),
        ("from", programme.valid_from),
        ("until", programme.valid_until),
        *(("extended", extension_text(e)) for e in programme.extensions),
        ("agreements", [f"#{a.id} {a.title} ({a.status})" for a in agreements]),
        ("note", programme.note),
    ]
    extra = []
    if agreements:
        extra.append(render.table(AGREEMENT_COLUMNS, agreements, title="Agreements"))
    print_details(programme.name, pairs, payload, as_json, extra)


@app.command("edit-programme")
def edit_programme(
    ref: RefArg,
    name: Annotated[str | None, typer.Option("--name", help="New full name.")] = None,
    short: ShortOpt = None,
    run_by: RunByOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    note: NoteOpt = None,
) -> None:
    """Change a programme's fields.

    Change a programme's fields (an empty value clears an optional one).

    To move the end of its term, use extend-programme.

    Example: rit edit-programme RIT --note "JETRO covers the travel costs"
    """
    from ..store.programmes import ProgrammeInput
    from ..store.programmes import edit_programme as store_edit

    data = ProgrammeInput(name, short, run_by, valid_from, valid_until, note)
    with context.writing() as conn:
        programme, changed = store_edit(conn, ref, data, context.today())
    if changed:
        say(f"updated programme #{programme.id} {programme.name}: {', '.join(changed)}")
    else:
        say(f"programme #{programme.id} {programme.name} unchanged")


@app.command("extend-programme")
def extend_programme(
    ref: RefArg,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="The new end: a date, or a year (31 December).", show_default=False
        ),
    ] = None,
    note: NoteOpt = None,
    undo: UndoOpt = False,
) -> None:
    """Extend a programme's term (kept as an extension).

    Extend a programme's term; the extension is kept with the date it was decided. --undo
    takes back the last extension (a mistyped year).

    Example: rit extend-programme RIT --until 2018 --note "worked well"
    """
    from ..store.programmes import extend_programme as store_extend

    until = until_or_undo(until, undo, note)
    with context.writing(create=False) as conn:
        programme, extension = store_extend(conn, ref, until, note, context.today())
    if until is None:
        say(
            f"took back the extension of programme #{programme.id} {programme.name} to "
            f"{extension.new_until}: it ends on {extension.old_until} again"
        )
        return
    say(
        f"extended programme #{programme.id} {programme.name} from {extension.old_until} "
        f"to {extension.new_until}"
    )


@app.command("remove-programme")
def remove_programme(ref: RefArg) -> None:
    """Remove a programme entered by mistake.

    Remove a programme entered by mistake with its extensions; refused while an agreement
    comes under it.

    Example: rit remove-programme "RIT test"
    """
    from ..store.programmes import remove_programme as store_remove

    with context.writing(create=False) as conn:
        removed = store_remove(conn, ref)
    say_removed(removed)
