"""Commands for agreements, their fields of action and coverage gaps."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..models.agreements import AGREEMENT_KINDS, Agreement, FieldUse
from ..render import Column
from ..schedule import Compliance, Gap, compliance_json
from ._common import (
    AGREEMENTS,
    CONTACTS,
    ORGS,
    PROGRAMMES,
    REFERENCES_SHOWN,
    Completes,
    JsonOpt,
    UndoOpt,
    print_details,
    print_listing,
    replacing,
    say,
    say_removed,
    stdout_is_terminal,
    until_or_undo,
)

RefArg = Annotated[str, typer.Argument(click_type=AGREEMENTS, help="Id or title of the agreement.")]
_KINDS = f"One of: {', '.join(AGREEMENT_KINDS)}"
_KIND = Completes(AGREEMENT_KINDS)
KindOpt = Annotated[
    str | None, typer.Option("--kind", click_type=_KIND, help=f"{_KINDS} (default loi).")
]
NewKindOpt = Annotated[
    str | None, typer.Option("--kind", click_type=_KIND, help=f"{_KINDS}.")
]  # edit-agreement
ProgrammeOpt = Annotated[
    str | None,
    typer.Option(
        "--programme", click_type=PROGRAMMES, help="Programme it belongs to (id, short or name)."
    ),
]
SignedOpt = Annotated[str | None, typer.Option("--signed", help="Day it was signed.")]
PlaceOpt = Annotated[str | None, typer.Option("--place", help="Where it was signed.")]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day in force (default: the signing day).")
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Last day in force: a date, or a year (31 December)."),
]
VisitsOpt = Annotated[
    str | None,
    typer.Option(
        "--visits-per-year", help="Obligation: at least N visits a year (0..365; 0 = none)."
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]


def _list_opt(name: str, text: str, values: Completes | None = None) -> object:
    return typer.Option(name, click_type=values, help=text, show_default=False)


PartyOpt = Annotated[
    list[str] | None,
    _list_opt("--party", "An organisation party to it; repeat (two or more).", ORGS),
]
FieldOpt = Annotated[
    list[str] | None,
    _list_opt(
        "--field", "A field of action, e.g. technology-transfer; repeat or use commas for several."
    ),
]
SignatoryOpt = Annotated[
    list[str] | None,
    _list_opt("--signatory", "A contact who signed it; repeat for several.", CONTACTS),
]

AGREEMENT_COLUMNS = (
    Column("id", lambda a: a.id, justify="right"),
    Column("title", lambda a: a.title),
    Column("kind", lambda a: a.kind, no_wrap=True),
    Column("status", lambda a: a.status, no_wrap=True),
    Column("parties", lambda a: [p.label for p in a.parties]),
    Column("signed", lambda a: a.signed_on, no_wrap=True, optional=True),
    # The first day in force; a draft's planned one, as "until" shows its planned end.
    Column("from", lambda a: a.in_force_from or a.valid_from, no_wrap=True),
    # The last day in force, termination included.
    Column("until", lambda a: a.in_force_until, no_wrap=True),
    Column("visits a year", lambda a: _visits(a)),
    Column("programme", lambda a: a.programme.label if a.programme else None, optional=True),
)

# A row: (year, direction, required, held, planned, verdict).
COMPLIANCE_COLUMNS = (
    Column("year", lambda row: row[0], justify="right"),
    Column("direction", lambda row: row[1]),
    Column("required", lambda row: row[2], justify="right"),
    Column("held", lambda row: row[3], justify="right"),
    Column("planned", lambda row: row[4], justify="right"),
    Column("verdict", lambda row: row[5]),
)

FIELD_COLUMNS = (
    Column("field", lambda f: f.field),
    Column("agreements", lambda f: f.agreements, justify="right"),
    Column("cooperations", lambda f: f.cooperations, justify="right"),
    Column("exchanges", lambda f: f.exchanges, justify="right"),
)

GAP_COLUMNS = (
    Column("from", lambda g: g.start),
    Column("until", lambda g: g.end),
    Column("days", lambda g: g.days, justify="right"),
    Column("note", lambda g: "ongoing" if g.ongoing else None),
)


def _visits(a: Agreement) -> str | None:
    if not a.visits_per_year:
        return None
    return f"{a.visits_per_year} each way" if a.each_way else str(a.visits_per_year)


def _until_text(a: Agreement) -> str | None:
    """The planned end, and for a terminated agreement what actually ends it."""
    if a.terminated_on is None:
        return a.valid_until.isoformat() if a.valid_until else None
    planned = f"valid until {a.valid_until.isoformat()}" if a.valid_until else "open-ended"
    last = a.in_force_until.isoformat() if a.in_force_until else None
    return f"{planned}, terminated on {a.terminated_on.isoformat()}: in force until {last}"


def _party(p: object) -> dict[str, object]:
    return {"id": p.id, "name": p.name, "short": p.short}  # type: ignore[attr-defined]


def agreement_json(a: Agreement) -> dict[str, object]:
    return {
        "id": a.id,
        "uuid": a.uuid,
        "title": a.title,
        "kind": a.kind,
        "status": a.status,
        "programme": _party(a.programme) if a.programme else None,
        "parties": [_party(p) for p in a.parties],
        "signed_on": a.signed_on,
        "place": a.place,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "in_force_from": a.in_force_from,
        "in_force_until": a.in_force_until,
        "terminated_on": a.terminated_on,
        "termination_reason": a.termination_reason,
        "fields": list(a.fields),
        "visits_per_year": a.visits_per_year,
        "each_way": a.each_way,
        "signatories": [
            {"id": c.id, "name": c.name, "title": c.title, "org": c.org} for c in a.signatories
        ],
        "note": a.note,
    }


ComplianceRow = tuple[int, str | None, int, int, int, str]


def _compliance_rows(compliance: list[Compliance], labels: dict[int, str]) -> list[ComplianceRow]:
    """A row a year; each way, a total row and one a direction. The total requires what
    the directions do together (Compliance.required is per direction), as it holds and
    plans what they do together."""
    rows: list[ComplianceRow] = []
    for c in compliance:
        if not c.directions:
            rows.append((c.year, None, c.required, c.held, c.planned, c.verdict))
            continue
        required = sum(d.required for d in c.directions)
        rows.append((c.year, "total", required, c.held, c.planned, c.verdict))
        rows.extend(
            (c.year, f"to {labels.get(d.host)}", d.required, d.held, d.planned, d.verdict)
            for d in c.directions
        )
    return rows


def _compliance_text(c: Compliance, labels: dict[int, str]) -> str:
    each = " each way" if c.each_way else ""
    text = f"{c.required} required{each}, {c.held} held, {c.planned} planned: {c.verdict}"
    if c.directions:
        text += (
            " ("
            + "; ".join(
                f"to {labels.get(d.host)}: {d.held} held, {d.planned} planned, {d.verdict}"
                for d in c.directions
            )
            + ")"
        )
    return text


@app.command("add-agreement")
def add_agreement(
    title: Annotated[str, typer.Argument(help='Title, unique, e.g. "LoI Kobe–LSN".')],
    party: PartyOpt = None,
    kind: KindOpt = None,
    programme: ProgrammeOpt = None,
    signed: SignedOpt = None,
    place: PlaceOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    field: FieldOpt = None,
    visits_per_year: VisitsOpt = None,
    each_way: Annotated[
        bool, typer.Option("--each-way", help="The visits are owed in each direction.")
    ] = False,
    signatory: SignatoryOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add an agreement between organisations.

    Add an agreement (LoI, MoU, framework, contract) between two or more organisations.

    Example: rit add-agreement "MoU Kobe–LSN" --kind mou --party LSN --party FBRI
    --signed 2017-06-30 --until 2020 --visits-per-year 1
    """
    from ..store.agreements import AgreementInput
    from ..store.agreements import add_agreement as store_add

    data = AgreementInput(
        title=title,
        kind=kind,
        parties=tuple(party or ()),
        programme=programme,
        signed=signed,
        place=place,
        valid_from=valid_from,
        valid_until=valid_until,
        fields=tuple(field) if field else None,
        visits_per_year=visits_per_year,
        each_way=each_way or None,
        signatories=tuple(signatory) if signatory else None,
        note=note,
    )
    with context.writing() as conn:
        agreement = store_add(conn, data, context.today())
    parties = "–".join(p.label for p in agreement.parties)
    say(f"added agreement #{agreement.id} {agreement.title} ({parties}), {agreement.status}")


@app.command("agreements")
def agreements(
    active: Annotated[
        bool, typer.Option("--active", help="Only those in force today (active or expiring).")
    ] = False,
    programme: ProgrammeOpt = None,
    org: Annotated[
        str | None, typer.Option("--org", click_type=ORGS, help="Only those with this party.")
    ] = None,
    field: Annotated[
        str | None, typer.Option("--field", help="Only those with this field of action.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List agreements with their status.

    List agreements with their status as of today.

    Status: draft (not signed), signed (not yet in force), active, expiring (ends within
    90 days), expired, terminated.

    Example: rit agreements --active --org LSN
    """
    from ..store.agreements import list_agreements

    with context.reading() as conn:
        records = list_agreements(
            conn, context.today(), active=active, programme=programme, org=org, field=field
        )
    print_listing(AGREEMENT_COLUMNS, records, as_json, agreement_json)


@app.command("show-agreement")
def show_agreement(ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show an agreement and its compliance.

    Show one agreement: parties, validity, extensions, fields, obligation and compliance.

    Example: rit show-agreement "LoI Kobe–LSN"
    """
    from .. import render
    from ..store.agreements import agreement_detail
    from .programmes import EXTENSION_COLUMNS, extension_json, extension_text

    with context.reading() as conn:
        detail = agreement_detail(conn, ref, context.today())
    a = detail.agreement
    labels = {p.id: p.label for p in a.parties}
    payload = {
        **agreement_json(a),
        "extensions": [extension_json(e) for e in a.extensions],
        "compliance": [compliance_json(c, labels) for c in detail.compliance],
        "cooperations": detail.cooperations,
    }
    terminal = stdout_is_terminal()
    pairs = [
        ("id", a.id),
        ("kind", a.kind),
        ("status", a.status),
        ("parties", [p.name for p in a.parties]),
        ("programme", a.programme.name if a.programme else None),
        ("signed", f"{a.signed_on}{f' in {a.place}' if a.place else ''}" if a.signed_on else None),
        ("in force from", a.in_force_from),
        ("valid from", a.valid_from if a.signed_on is None else None),  # a draft's, planned
        ("until", _until_text(a)),
        *(("extended", extension_text(e)) for e in a.extensions),
        ("reason", a.termination_reason),
        ("fields", a.fields),
        ("obligation", a.obligation),
        ("signatories", [c.full_name for c in a.signatories]),
        ("cooperations", detail.cooperations),
        ("note", a.note),
    ]
    extra = []
    if terminal:
        if a.extensions:
            extra.append(render.table(EXTENSION_COLUMNS, a.extensions, title="Extensions"))
        if detail.compliance:
            rows = _compliance_rows(detail.compliance, labels)
            each_way = any(c.directions for c in detail.compliance)
            columns = [c for c in COMPLIANCE_COLUMNS if each_way or c.header != "direction"]
            extra.append(render.table(columns, rows, title="Compliance"))
    else:
        pairs += [(f"compliance {c.year}", _compliance_text(c, labels)) for c in detail.compliance]
    print_details(a.title, pairs, payload, as_json, extra)


@app.command("edit-agreement")
def edit_agreement(
    ref: RefArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    party: Annotated[
        list[str] | None, _list_opt("--party", "Replace the parties; repeat (two or more).", ORGS)
    ] = None,
    kind: NewKindOpt = None,
    programme: ProgrammeOpt = None,
    signed: SignedOpt = None,
    place: PlaceOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    field: Annotated[
        list[str] | None,
        _list_opt("--field", "Replace the fields of action; repeat or use commas ('' clears)."),
    ] = None,
    visits_per_year: VisitsOpt = None,
    each_way: Annotated[
        bool | None,
        typer.Option("--each-way/--any-way", help="Visits owed in each direction, or in total."),
    ] = None,
    signatory: Annotated[
        list[str] | None,
        _list_opt("--signatory", "Replace the signatories; repeat ('' clears).", CONTACTS),
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Change an agreement's fields.

    Change an agreement's fields (an empty value clears an optional one).

    Corrections only: to move its end use extend-agreement, to end it early end-agreement.

    Example: rit edit-agreement "LoI Kobe–LSN" --field networking --field "technology transfer"
    """
    from ..store.agreements import AgreementInput
    from ..store.agreements import edit_agreement as store_edit

    data = AgreementInput(
        title=title,
        kind=kind,
        parties=replacing(party, "--party"),
        programme=programme,
        signed=signed,
        place=place,
        valid_from=valid_from,
        valid_until=valid_until,
        fields=replacing(field, "--field"),
        visits_per_year=visits_per_year,
        each_way=each_way,
        signatories=replacing(signatory, "--signatory"),
        note=note,
    )
    with context.writing() as conn:
        agreement, changed = store_edit(conn, ref, data, context.today())
    if changed:
        say(f"updated agreement #{agreement.id} {agreement.title}: {', '.join(changed)}")
    else:
        say(f"agreement #{agreement.id} {agreement.title} unchanged")


@app.command("extend-agreement")
def extend_agreement(
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
    """Extend an agreement (kept as an extension).

    Extend an agreement (also one that has expired); kept as an extension in its history.
    --undo takes back the last extension (a mistyped year).

    Example: rit extend-agreement "LoI Kobe–LSN" --until 2018 --note "programme extended"
    """
    from ..store.agreements import extend_agreement as store_extend

    until = until_or_undo(until, undo, note)
    with context.writing(create=False) as conn:
        agreement, extension = store_extend(conn, ref, until, note, context.today())
    if until is None:
        say(
            f"took back the extension of agreement #{agreement.id} {agreement.title} to "
            f"{extension.new_until}: it ends on {extension.old_until} again; now {agreement.status}"
        )
        return
    say(
        f"extended agreement #{agreement.id} {agreement.title} from {extension.old_until} "
        f"to {extension.new_until}; now {agreement.status}"
    )


@app.command("end-agreement")
def end_agreement(
    ref: RefArg,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day it ends (no longer in force).", show_default=False),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it ended early.")] = None,
    undo: Annotated[
        bool, typer.Option("--undo", help="Take back the termination (a mistyped date).")
    ] = False,
) -> None:
    """Terminate an agreement early; it is kept.

    Terminate an agreement early; the record is kept, never deleted. --undo takes back a
    termination, so that a mistyped date can be given again.

    Example: rit end-agreement "LoI Kobe–LSN" --on 2017-06-30 --reason "merged into MoU"
    """
    from ..errors import InvalidInput
    from ..store.agreements import end_agreement as store_end
    from ..store.scheduling import left_by_termination

    if undo and (on is not None or reason is not None):
        raise InvalidInput("--undo takes back the termination: give it without --on or --reason")
    if not undo and on is None:
        raise InvalidInput("give --on DATE, the day it ends, or --undo to take back a termination")
    with context.writing(create=False) as conn:
        agreement = store_end(conn, ref, on, reason, context.today())
        left = left_by_termination(conn, agreement.id, REFERENCES_SHOWN)
    if undo:
        say(f"took back the termination of agreement #{agreement.id} {agreement.title}; now "
            f"{agreement.status}")  # fmt: skip
        return
    say(
        f"terminated agreement #{agreement.id} {agreement.title} on {agreement.terminated_on}; "
        f"now {agreement.status}"
    )
    for note in left.notes:
        say(note)
    if left.total > len(left.notes):
        # Thousands of notes are read by no one: the first page, the count, and the agenda
        # that lists every one (with what else is linked and overlaps those days). '#ID', quoted:
        # a bare number is refused when another agreement is titled so.
        say(
            f"… and {left.total - len(left.notes)} more start after it ended and count for no"
            f" agreement: rit agenda --agreement '#{agreement.id}' --from"
            f" {agreement.terminated_on} --to {left.last_start} lists them (with any"
            " cancelled or begun earlier)"
        )


@app.command("remove-agreement")
def remove_agreement(ref: RefArg) -> None:
    """Remove an agreement entered by mistake.

    Remove an agreement entered by mistake (a duplicate, a test) with its parties, fields,
    signatories and extensions; refused while an exchange or cooperation is linked to it.
    One that really ended is kept: end-agreement.

    Example: rit remove-agreement "LoI Kobe (duplicate)"
    """
    from ..store.agreements import remove_agreement as store_remove

    with context.writing(create=False) as conn:
        removed = store_remove(conn, ref)
    say_removed(removed)


@app.command("fields")
def fields(as_json: JsonOpt = False) -> None:
    """List fields of action and their use.

    List the fields of action in use and how many agreements, cooperations and exchanges
    carry each.

    Example: rit fields
    """
    from ..store.agreements import list_fields

    with context.reading() as conn:
        records = list_fields(conn)

    def to_json(f: FieldUse) -> dict[str, object]:
        return {
            "field": f.field,
            "agreements": f.agreements,
            "cooperations": f.cooperations,
            "exchanges": f.exchanges,
        }

    print_listing(FIELD_COLUMNS, records, as_json, to_json)


@app.command("gaps")
def gaps(
    between: Annotated[
        str | None, typer.Option("--between", click_type=ORGS, help="One organisation of the pair.")
    ] = None,
    and_: Annotated[
        str | None,
        typer.Option("--and", click_type=ORGS, help="The other organisation of the pair."),
    ] = None,
    programme: Annotated[
        str | None,
        typer.Option("--programme", click_type=PROGRAMMES, help="A programme (id, short or name)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show periods no agreement covers.

    Show periods not covered by any agreement: for a pair of partners, or a programme.

    For a pair: from its first agreement's start to the last one's end (or today, once all
    have ended). For a programme: its term.

    Example: rit gaps --between LSN --and FBRI
    """
    from ..errors import InvalidInput
    from ..store.agreements import gaps_between, programme_gaps

    pair = between is not None or and_ is not None
    if pair == (programme is not None) or (pair and (between is None or and_ is None)):
        raise InvalidInput("give either --between ORG --and ORG, or --programme REF")
    today = context.today()
    with context.reading() as conn:
        if programme is not None:
            subject, found = programme_gaps(conn, programme, today)
        else:
            assert between is not None and and_ is not None
            subject, found = gaps_between(conn, between, and_, today)

    def to_json(g: Gap) -> dict[str, object]:
        return {"start": g.start, "end": g.end, "days": g.days, "ongoing": g.ongoing}

    print_listing(GAP_COLUMNS, found, as_json, to_json, title=f"Not covered: {subject}")
