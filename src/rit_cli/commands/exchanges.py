"""Commands for exchanges: visits and meetings, their dates and the agenda."""

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from .. import context
from ..app import app
from ..models.exchanges import EXCHANGE_STATUSES, EXCHANGE_TYPES, Exchange
from ..render import Again, Column
from ._common import (
    AGREEMENTS,
    CONTACTS,
    EXCHANGES,
    ORGS,
    TRIPS,
    ZONES,
    Completes,
    JsonOpt,
    print_details,
    print_listing,
    replacing,
    say,
    say_removed,
    stdout_is_terminal,
)

if TYPE_CHECKING:
    from ..store.scheduling import Added, ExchangeInput, Moved

OnOpt = Annotated[
    str | None, typer.Option("--on", help="The day, e.g. 2016-10-12.", show_default=False)
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="Start time HH:MM, local at the place.", show_default=False),
]
DaysOpt = Annotated[
    int | None,
    typer.Option("--days", help="How many days it lasts (1..60; default 1).", show_default=False),
]
FoldOpt = Annotated[
    int | None,
    typer.Option(
        "--fold",
        help="For a time that happens twice when clocks fall back: 0 first, 1 second.",
        show_default=False,
    ),
]
WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="While the day is open: 2016-10, 2016-Q4, 2016-H1, START..END.",
        show_default=False,
    ),
]
DecideByOpt = Annotated[
    str | None,
    typer.Option(
        "--decide-by", help="When the day must be fixed (with --window).", show_default=False
    ),
]
PlaceOpt = Annotated[
    str | None, typer.Option("--place", help="Where it happens.", show_default=False)
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        click_type=ZONES,
        help="IANA zone of the place (default: the host's).",
        show_default=False,
    ),
]
AgreementOpt = Annotated[
    str | None,
    typer.Option(
        "--agreement",
        click_type=AGREEMENTS,
        help="Agreement it belongs to; it must have the host and a guest as parties (a meeting:"
        " two of its organisations). Default: the only such one in force on the start day.",
        show_default=False,
    ),
]
PurposeOpt = Annotated[str | None, typer.Option("--purpose", help="What it is for.")]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--field", help="Field of action; repeat or use commas for several.", show_default=False
    ),
]
ParticipantOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--participant",
        click_type=CONTACTS,
        help="A contact taking part; repeat.",
        show_default=False,
    ),
]
TripOpt = Annotated[
    str | None,
    typer.Option(
        "--trip",
        click_type=TRIPS,
        help="Trip it is part of: it must lie within a stop in its place or at its host.",
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]
YearlyOpt = Annotated[
    bool,
    typer.Option(
        "--yearly",
        help="One per year up to --until or the linked agreement's end "
        "(29 Feb falls on 28 Feb in common years).",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Last day (or year) of a --yearly plan.", show_default=False),
]
RefArg = Annotated[
    str, typer.Argument(click_type=EXCHANGES, help="Exchange id, or its title when unambiguous.")
]
ListTzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        click_type=ZONES,
        help="Show times also in this zone [env: RIT_TZ; default: system].",
        show_default=False,
    ),
]


def exchange_columns(zone: str) -> tuple[Column, ...]:
    from ..store.exchanges import local_time, parties_text, user_time, when_text

    return (
        Column("id", lambda e: e.id, justify="right"),
        Column("date", when_text, no_wrap=True),
        Column("local time", local_time, no_wrap=True),
        Column(f"time in {zone}", lambda e: user_time(e, zone), no_wrap=True),
        Column("type", lambda e: e.type),
        Column("status", lambda e: e.status),
        Column("title", lambda e: e.title),
        Column("who", parties_text),
        Column("place", lambda e: "online" if e.online else e.place),
    )


def terminal_columns(zone: str, width: int) -> tuple[Column, ...]:
    """The agenda as a terminal table: the date, type and status are never cut; the times
    (at the place, then in your zone) share a column and wrap, like the title and the
    parties. Below 100 columns the place is left out, below 90 the parties too
    (show-exchange has them; a visit's default title names them)."""
    from ..store.exchanges import parties_text, times_text, when_text

    columns = [
        Column("id", lambda e: e.id, justify="right", no_wrap=True),
        Column("date", when_text, no_wrap=True),
        Column("time (yours)", lambda e: times_text(e, zone)),
        Column("type", lambda e: e.type, no_wrap=True),
        Column("status", lambda e: e.status, no_wrap=True),
        Column("title", lambda e: e.title),
    ]
    if width >= 90:
        columns.append(Column("who", parties_text, optional=True))
    if width >= 100:
        columns.append(Column("place", lambda e: "online" if e.online else e.place, optional=True))
    return tuple(columns)


def _moment(ex: Exchange, zone: str) -> str:
    from ..store.exchanges import local_time, user_time, when_text

    text = when_text(ex)
    if ex.day is None and ex.decide_by:
        text += f", decide by {ex.decide_by}"
    local = local_time(ex)
    if local:
        text += f" {local}"
        mine = user_time(ex, zone)
        if mine:
            text += f" ({mine} in {zone})"
    return text


def _confirm(verb: str, ex: Exchange) -> None:
    say(f"{verb} {ex.type} #{ex.id} {ex.title}: {ex.status} {_moment(ex, context.user_zone())}")


def _confirm_move(verb: str, moved: "Moved") -> None:
    if moved.unchanged:
        ex = moved.exchange
        moment = _moment(ex, context.user_zone())
        say(f"{ex.type} #{ex.id} {ex.title} is already {ex.status} {moment}; unchanged")
        return
    _confirm(verb, moved.exchange)
    if moved.relinked:
        say(moved.relinked)


def _add(data: "ExchangeInput") -> None:
    from ..store.scheduling import add_exchange, fit_rule

    with context.writing() as conn:
        added = add_exchange(conn, data, context.today())
    zone = context.user_zone()
    first = added.exchanges[0]
    verb = "scheduled" if first.type == "visit" else "added"
    if len(added.exchanges) == 1:
        _confirm(verb, first)
    else:
        say(f"{verb} {len(added.exchanges)} {first.type}s, one a year:")
        for ex in added.exchanges:
            say(f"  #{ex.id} {ex.title}: {ex.status} {_moment(ex, zone)}")
    for line in _link_lines(added, fit_rule(first.type)):
        say(line)


def _link_lines(added: "Added", rule: str) -> list[str]:
    """How the exchanges were linked: one line per agreement and reason; for a --yearly
    plan each line names its years."""
    from ..store.scheduling import format_years

    series = len(added.exchanges) > 1
    lines = []
    for link in added.links:
        years = f" in {format_years([d.year for d in link.starts])}" if series else ""
        # One start day is named; for several, each exchange's own start day counted.
        day = link.starts[0].isoformat() if len(link.starts) == 1 else "their start days"
        if link.how == "only":
            line = f"linked to agreement {link.agreement!r}{years}: the only one in force"
            line += f" then with {rule}" if series else f" with {rule}"
            if len(added.links) == 1:
                line += " (choose another with --agreement)"
        elif link.how == "chosen":
            line = f"linked to agreement {link.agreement!r}{years}"
        elif link.how == "not-in-force":
            line = (
                f"not linked to any agreement{years}: {link.agreement!r} is not in force"
                f" on {day} ({link.term})"
            )
        else:
            line = f"not linked to any agreement{years}: none in force on {day} has {rule}"
        lines.append(line)
    return lines


@app.command("schedule-visit")
def schedule_visit(
    guests: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            click_type=ORGS,
            help="Visiting organisation; repeat for several.",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option("--to", click_type=ORGS, help="Host organisation.", show_default=False),
    ] = None,
    on: OnOpt = None,
    at: AtOpt = None,
    days: DaysOpt = None,
    fold: FoldOpt = None,
    window: WindowOpt = None,
    decide_by: DecideByOpt = None,
    title: Annotated[
        str | None,
        typer.Option("--title", help="Title (default: 'LSN → FBRI visit 2016-10')."),
    ] = None,
    place: PlaceOpt = None,
    tz: TzOpt = None,
    agreement: AgreementOpt = None,
    purpose: PurposeOpt = None,
    field: FieldOpt = None,
    participant: ParticipantOpt = None,
    trip: TripOpt = None,
    note: NoteOpt = None,
    yearly: YearlyOpt = False,
    until: UntilOpt = None,
) -> None:
    """Schedule a visit, on a day or in a window.

    Schedule a visit: guests travel to a host, on a day or within a window.

    Example: rit schedule-visit --from LSN --to FBRI --window 2016-10 --decide-by 2016-08-31
    """
    from ..store.scheduling import ExchangeInput, When

    _add(
        ExchangeInput(
            "visit",
            When(on, at, days, fold, window, decide_by),
            title=title,
            guests=tuple(guests or ()),
            host=host,
            place=place,
            tz=tz,
            agreement=agreement,
            purpose=purpose,
            fields=tuple(field or ()),
            participants=tuple(participant or ()),
            trip=trip,
            note=note,
            yearly=yearly,
            until=until,
        )
    )


@app.command("add-meeting")
def add_meeting(
    title: Annotated[str, typer.Argument(help="What the meeting is, e.g. 'LoI signing'.")],
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org", click_type=ORGS, help="Taking part; repeat for several.", show_default=False
        ),
    ] = None,
    on: OnOpt = None,
    at: AtOpt = None,
    days: DaysOpt = None,
    fold: FoldOpt = None,
    window: WindowOpt = None,
    decide_by: DecideByOpt = None,
    place: PlaceOpt = None,
    online: Annotated[bool, typer.Option("--online", help="A call or video conference.")] = False,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            click_type=ZONES,
            help="IANA zone of the time (default: an org's in --place, else the orgs' one zone;"
            " online, the first org's).",
            show_default=False,
        ),
    ] = None,
    agreement: AgreementOpt = None,
    purpose: PurposeOpt = None,
    field: FieldOpt = None,
    participant: ParticipantOpt = None,
    trip: TripOpt = None,
    note: NoteOpt = None,
    yearly: YearlyOpt = False,
    until: UntilOpt = None,
) -> None:
    """Add a meeting: workshop, call or signing.

    Example: rit add-meeting "MoU signing" --org LSN --org FBRI --on 2017-06-30 --at 14:00
    --place Hamburg
    """
    from ..store.scheduling import ExchangeInput, When

    _add(
        ExchangeInput(
            "meeting",
            When(on, at, days, fold, window, decide_by),
            title=title,
            orgs=tuple(org or ()),
            place=place,
            online=online,
            tz=tz,
            agreement=agreement,
            purpose=purpose,
            fields=tuple(field or ()),
            participants=tuple(participant or ()),
            trip=trip,
            note=note,
            yearly=yearly,
            until=until,
        )
    )


@app.command("fix-date")
def fix_date(
    ref: RefArg,
    on: OnOpt = None,
    at: AtOpt = None,
    days: DaysOpt = None,
    fold: FoldOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow a day outside the window; widens the window.")
    ] = False,
) -> None:
    """Fix a planned exchange's day within its window.

    Example: rit fix-date 3 --on 2016-10-12 --at 10:00
    """
    from ..dates import format_window
    from ..store.scheduling import When
    from ..store.scheduling import fix_date as store_fix_date

    with context.writing() as conn:
        moved = store_fix_date(conn, ref, When(on, at, days, fold), context.today(), force)
    if moved.widened:
        widened = format_window(moved.widened)
        say(f"widened the window of #{moved.exchange.id} to {widened} (--force)")
    _confirm_move("fixed", moved)


@app.command("narrow")
def narrow(
    ref: RefArg,
    window: Annotated[
        str, typer.Option("--window", help="A smaller window inside the current one.")
    ],
    decide_by: DecideByOpt = None,
) -> None:
    """Narrow a planned exchange's window further.

    Example: rit narrow 3 --window 2016-10-10..2016-10-20
    """
    from ..store.scheduling import narrow as store_narrow

    with context.writing() as conn:
        moved = store_narrow(conn, ref, window, context.today(), decide_by)
    _confirm_move("narrowed", moved)


@app.command("reschedule")
def reschedule(
    ref: RefArg,
    on: OnOpt = None,
    at: AtOpt = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help="How many days it lasts (1..60; default: as many as it has).",
            show_default=False,
        ),
    ] = None,
    fold: FoldOpt = None,
    window: Annotated[
        str | None,
        typer.Option("--window", help="Open the day again: plan it within this window."),
    ] = None,
    decide_by: DecideByOpt = None,
) -> None:
    """Move an exchange to another day, time or window.

    A new day keeps the time and the number of days it had unless --at or --days is given;
    --window opens the day again.

    Example: rit reschedule 5 --window 2016-10 --decide-by 2016-09-15
    """
    from ..store.scheduling import When
    from ..store.scheduling import reschedule as store_reschedule

    with context.writing() as conn:
        moved = store_reschedule(
            conn, ref, When(on, at, days, fold, window, decide_by), context.today()
        )
    _confirm_move("rescheduled", moved)


@app.command("done")
def done(
    ref: RefArg,
    outcome: Annotated[str | None, typer.Option("--outcome", help="What came of it.")] = None,
    undo: Annotated[
        bool,
        typer.Option("--undo", help="Take back the last done (a mistyped id); clears the outcome."),
    ] = False,
) -> None:
    """Mark an exchange as done, with what came of it.

    --undo takes back a done given by mistake: the exchange is scheduled again, without
    its outcome; the history keeps both.

    Example: rit done 5 --outcome "Three companies agreed on joint projects"
    """
    from ..errors import InvalidInput
    from ..store.scheduling import mark_done, take_back

    if undo and outcome is not None:
        raise InvalidInput("--undo takes back the last done: give it without --outcome")
    with context.writing(create=False) as conn:
        ex = (
            take_back(conn, ref, "done") if undo else mark_done(conn, ref, outcome, context.today())
        )
    if undo:
        _confirm("took back the done of", ex)
        return
    say(f"done: {ex.type} #{ex.id} {ex.title}")


@app.command("cancel")
def cancel(
    ref: RefArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it was cancelled.")] = None,
    undo: Annotated[
        bool,
        typer.Option(
            "--undo", help="Take back the last cancel (a mistyped id); clears the reason."
        ),
    ] = False,
) -> None:
    """Cancel an exchange (it stays on record).

    --undo takes back a cancel given by mistake: the exchange is planned or scheduled
    again, as it was before, without the reason; the history keeps both.

    Example: rit cancel 4 --reason "merged into the partnering workshop"
    """
    from ..errors import InvalidInput
    from ..store.scheduling import cancel as store_cancel
    from ..store.scheduling import take_back

    if undo and reason is not None:
        raise InvalidInput("--undo takes back the last cancel: give it without --reason")
    with context.writing(create=False) as conn:
        ex = take_back(conn, ref, "cancelled") if undo else store_cancel(conn, ref, reason)
    if undo:
        _confirm("took back the cancel of", ex)
        return
    say(f"cancelled: {ex.type} #{ex.id} {ex.title}")


@app.command("agenda")
def agenda(
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day (default: today).", show_default=False),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day (default: 90 days after --from).", show_default=False),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", click_type=ORGS, help="Only with this organisation.")
    ] = None,
    agreement: Annotated[
        str | None,
        typer.Option("--agreement", click_type=AGREEMENTS, help="Only under this agreement."),
    ] = None,
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            click_type=Completes(EXCHANGE_TYPES),
            help=f"One of: {', '.join(EXCHANGE_TYPES)}.",
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            click_type=Completes(EXCHANGE_STATUSES),
            help=f"One of: {', '.join(EXCHANGE_STATUSES)}.",
        ),
    ] = None,
    tz: ListTzOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List exchanges in a date range, in date order.

    Default range: today to 90 days later. Windows show as ranges; times at the place and
    in your zone (--tz, $RIT_TZ, else the system's).

    Example: rit agenda --from 2016-01-01 --to 2017-12-31 --org FBRI
    """
    from ..store import exchanges as store

    zone = context.user_zone(tz)
    first, last = store.agenda_range(start, end, context.today())
    # JSON gives every field of each exchange; a listing only what its lines show.
    select = store.agenda if as_json else store.agenda_lines
    columns = exchange_columns(zone)
    terminal = not as_json and stdout_is_terminal()
    if terminal:
        from ..render import make_console

        columns = terminal_columns(zone, make_console().width)
    with context.reading(snapshot=True) as conn:
        read = partial(
            select,
            conn,
            first,
            last,
            org=org,
            agreement=agreement,
            type_filter=type_,
            status=status,
        )
        # Piped lines are printed as they are read (an agenda of years is not held whole);
        # a terminal table of years reads them again to print what it measured.
        records = Again(read) if terminal else read()
        print_listing(columns, records, as_json, lambda e: store.exchange_json(e, zone))


@app.command("show-exchange")
def show_exchange(ref: RefArg, tz: ListTzOpt = None, as_json: JsonOpt = False) -> None:
    """Show a visit or meeting and how its date was set.

    Example: rit show-exchange 1 --tz Europe/Berlin
    """
    from ..store.exchanges import (
        date_history,
        exchange_json,
        find_exchange,
        local_time,
        series_of,
        step_text,
        user_time,
        when_text,
    )

    zone = context.user_zone(tz)
    with context.reading() as conn:
        ex = find_exchange(conn, ref)
        steps = date_history(conn, ex)
        series = series_of(conn, ex)
    payload = {
        **exchange_json(ex, zone),
        "date_history": steps,
        "series_members": [{"id": i, "start_on": s, "status": st} for i, s, st in series],
    }
    pairs = [
        ("id", ex.id),
        ("type", ex.type),
        ("status", ex.status),
        ("date", when_text(ex)),
        ("decide by", ex.decide_by if ex.day is None else None),
        ("local time", f"{local_time(ex)} ({ex.tz})" if ex.at else None),
        (f"time in {zone}", user_time(ex, zone)),
        ("days", ex.days if ex.days > 1 else None),
        ("guests", ex.labels("guest")),
        ("host", ex.labels("host")),
        ("organisations", ex.labels("participant")),
        ("place", "online" if ex.online else ex.place),
        ("participants", ex.participants),
        ("fields", ex.fields),
        ("agreement", ex.agreement),
        ("trip stop", ex.stop),
        ("yearly plan", [f"#{i} {s[:4]} {st}" for i, s, st in series]),
        ("purpose", ex.purpose),
        ("outcome", ex.outcome),
        ("cancel reason", ex.cancel_reason),
        ("sequence", ex.sequence),
        ("note", ex.note),
        *((f"date #{s['sequence']}", step_text(s)) for s in steps),
    ]
    print_details(ex.title, pairs, payload, as_json)


@app.command("edit-exchange")
def edit_exchange(
    ref: RefArg,
    title: Annotated[
        str | None,
        typer.Option("--title", help="New title; '' gives a visit its default title back."),
    ] = None,
    purpose: PurposeOpt = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="What came of it (a done exchange).")
    ] = None,
    note: NoteOpt = None,
    place: PlaceOpt = None,
    online: Annotated[
        bool, typer.Option("--online", help="A meeting held as a call (clears the place).")
    ] = False,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Replace the fields of action; repeat or use commas ('' clears).",
            show_default=False,
        ),
    ] = None,
    participant: Annotated[
        list[str] | None,
        typer.Option(
            "--participant",
            click_type=CONTACTS,
            help="Replace the contacts taking part; repeat ('' clears).",
            show_default=False,
        ),
    ] = None,
    guests: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            click_type=ORGS,
            help="A visit: replace the guests; repeat for several.",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option("--to", click_type=ORGS, help="A visit: the host.", show_default=False),
    ] = None,
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            click_type=ORGS,
            help="A meeting: replace the organisations; repeat.",
            show_default=False,
        ),
    ] = None,
    agreement: Annotated[
        str | None,
        typer.Option(
            "--agreement",
            click_type=AGREEMENTS,
            help="Link to this agreement: it must fit the parties (as when scheduling) and be"
            " in force on the start day.",
            show_default=False,
        ),
    ] = None,
    no_agreement: Annotated[
        bool, typer.Option("--no-agreement", help="Unlink it from its agreement.")
    ] = False,
    trip: Annotated[
        str | None,
        typer.Option(
            "--trip",
            click_type=TRIPS,
            help="Attach it to the stop of this trip on its days (as when scheduling): in its"
            " place or at its host.",
            show_default=False,
        ),
    ] = None,
    no_trip: Annotated[
        bool, typer.Option("--no-trip", help="Take it off its trip stop (it is kept).")
    ] = False,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            click_type=ZONES,
            help="IANA zone of its time (the place's): the local time stays, its instant moves.",
            show_default=False,
        ),
    ] = None,
    fold: Annotated[
        int | None,
        typer.Option(
            "--fold",
            help="When new parties or --tz move its time to a zone where that time happens "
            "twice (clocks fall back): 0 first, 1 second.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Change a visit's or meeting's fields.

    Correct what a visit or meeting is, who takes part, the agreement it counts for and
    the trip stop it belongs to; every change is kept in its history (an empty text clears
    an optional one). Its dates change with fix-date, narrow, reschedule, done and cancel.

    Example: rit edit-exchange 1 --agreement "LoI Kobe–LSN" --purpose "company matchmaking"
    """
    from ..store.scheduling import ExchangeEdit
    from ..store.scheduling import edit_exchange as store_edit

    data = ExchangeEdit(
        title=title,
        purpose=purpose,
        outcome=outcome,
        note=note,
        place=place,
        online=online,
        fields=replacing(field, "--field"),
        participants=replacing(participant, "--participant"),
        guests=replacing(guests, "--from"),
        host=host,
        orgs=replacing(org, "--org"),
        agreement=agreement,
        no_agreement=no_agreement,
        trip=trip,
        no_trip=no_trip,
        tz=tz,
        fold=fold,
    )
    with context.writing(create=False) as conn:
        edited = store_edit(conn, ref, data)
    ex = edited.exchange
    if not edited.changed:
        say(f"{ex.type} #{ex.id} {ex.title} unchanged")
        return
    say(f"updated {ex.type} #{ex.id} {ex.title}: {', '.join(edited.changed)}")
    if "agreement" in edited.changed:
        if ex.agreement is not None:
            say(f"linked to agreement {ex.agreement!r}")
        else:
            say(f"not linked to any agreement any more (was {edited.agreement_before!r})")
    if "trip stop" in edited.changed:
        if ex.stop is not None:
            say(f"at trip stop {ex.stop!r}")
        else:
            say(f"no longer part of a trip (was at {edited.stop_before!r})")
    if edited.kept_zone:
        say(edited.kept_zone)


@app.command("remove-exchange")
def remove_exchange(ref: RefArg) -> None:
    """Remove a visit or meeting entered by mistake.

    Remove a visit or meeting entered by mistake (a duplicate, a test) with its
    organisations, participants and fields; of a --yearly plan only this one. One that was
    called off is cancelled instead (cancel), so that a subscribed calendar shows it
    cancelled: a removed one just leaves the next export.

    Example: rit remove-exchange 7
    """
    from ..store.scheduling import remove_exchange as store_remove

    with context.writing(create=False) as conn:
        removed = store_remove(conn, ref)
    kept = removed.series_kept
    more = {0: "", 1: "; the other exchange of its yearly plan is kept"}.get(
        kept, f"; the other {kept} exchanges of its yearly plan are kept"
    )
    say_removed(removed, more)
