"""Commands for delegation trips and their stops."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import context
from ..app import app
from ..models.trips import Trip, TripStop
from ..render import Column
from ._common import COUNTRIES, ORGS, TRIPS, ZONES, JsonOpt, print_details, print_listing, say

if TYPE_CHECKING:
    from ..models.exchanges import Exchange
    from ..store.trips import Held

TripArg = Annotated[str, typer.Argument(click_type=TRIPS, help="Trip id, or its title.")]
StopArg = Annotated[
    str, typer.Argument(help="Stop id (show-trip shows it), or its city within the trip.")
]
DetachOpt = Annotated[
    bool,
    typer.Option(
        "--detach",
        help="Take the visits and meetings this leaves without their stop off the trip"
        " (they are kept); without it, that is refused.",
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text ('' clears).")]

TRIP_COLUMNS = (
    Column("id", lambda t: t.id, justify="right"),
    Column("from", lambda t: t.start_on, no_wrap=True),
    Column("to", lambda t: t.end_on, no_wrap=True),
    Column("title", lambda t: t.title),
    Column("lead", lambda t: t.lead),
    Column("stops", lambda t: " → ".join(s.city for s in t.stops)),
)


def exchange_at_stop(ex: "Exchange", zone: str) -> str:
    """'#1 title 07:00 JST (00:00 CEST)': an exchange at a stop, with its time at the place
    and in the user's zone (a trip crosses zones); '(cancelled)' after one that was (the
    report no longer counts it)."""
    from ..store.exchanges import times_text

    times = times_text(ex, zone)
    cancelled = " (cancelled)" if ex.status == "cancelled" else ""
    return f"#{ex.id} {ex.title}" + (f" {times}" if times else "") + cancelled


def stop_columns(zone: str) -> tuple[Column, ...]:
    return (
        Column("id", lambda s: s.id, justify="right"),
        Column("from", lambda s: s.start_on, no_wrap=True),
        Column("to", lambda s: s.end_on, no_wrap=True),
        Column("city", lambda s: s.city),
        Column("country", lambda s: s.country),
        Column("organisation", lambda s: s.org),
        Column("exchanges", lambda s: [exchange_at_stop(e, zone) for e in s.exchanges]),
        Column("note", lambda s: s.note, optional=True),
    )


def stop_json(stop: TripStop, zone: str) -> dict[str, Any]:
    from ..store.exchanges import exchange_json

    return {
        "id": stop.id,
        "city": stop.city,
        "country": stop.country,
        "start_on": stop.start_on,
        "end_on": stop.end_on,
        "org": stop.org,
        "note": stop.note,
        "exchanges": [exchange_json(e, zone) for e in stop.exchanges],
    }


def trip_json(trip: Trip, zone: str) -> dict[str, Any]:
    return {
        "id": trip.id,
        "uuid": trip.uuid,
        "title": trip.title,
        "start_on": trip.start_on,
        "end_on": trip.end_on,
        "lead": trip.lead,
        "note": trip.note,
        "stops": [stop_json(s, zone) for s in trip.stops],
    }


@app.command("add-trip")
def add_trip(
    title: Annotated[str, typer.Argument(help="What the trip is called.")],
    start: Annotated[str, typer.Option("--from", help="First day.", show_default=False)],
    end: Annotated[str, typer.Option("--to", help="Last day.", show_default=False)],
    lead: Annotated[str | None, typer.Option("--lead", help="Who leads the delegation.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
) -> None:
    """Add a delegation trip.

    Add a delegation trip; give its stops with add-stop.

    Example: rit add-trip "Delegation Japan 2017" --from 2017-03-13 --to 2017-03-17
    """
    from ..store.trips import add_trip as store_add_trip

    with context.writing() as conn:
        trip = store_add_trip(conn, title, start, end, context.today(), lead, note)
    say(f"added trip #{trip.id} {trip.title}: {trip.start_on}..{trip.end_on}")


@app.command("add-stop")
def add_stop(
    trip: TripArg,
    city: Annotated[str, typer.Option("--city", help="City of the stop.", show_default=False)],
    country: Annotated[
        str,
        typer.Option(
            "--country", click_type=COUNTRIES, help="ISO country code, e.g. JP.", show_default=False
        ),
    ],
    start: Annotated[str, typer.Option("--from", help="First day.", show_default=False)],
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (default: --from).", show_default=False)
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", click_type=ORGS, help="Organisation visited there.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
) -> None:
    """Add a stop to a trip's itinerary.

    Add a stop to a trip's itinerary: inside the trip, sharing no day with another stop.

    Example: rit add-stop 2 --city Kobe --country JP --from 2017-03-14 --to 2017-03-15 --org FBRI
    """
    from ..store.trips import add_stop as store_add_stop

    with context.writing() as conn:
        full, stop = store_add_stop(
            conn, trip, city, country, start, end, context.today(), org, note
        )
    say(
        f"added stop {stop.city} ({stop.country}) {stop.start_on}..{stop.end_on} "
        f"to trip #{full.id} {full.title}"
    )


@app.command("trips")
def trips(as_json: JsonOpt = False) -> None:
    """List delegation trips with their stops.

    Example: rit trips --json
    """
    from ..store.trips import list_trips

    zone = context.user_zone()
    with context.reading() as conn:
        records = list_trips(conn, with_exchanges=as_json)
    print_listing(TRIP_COLUMNS, records, as_json, lambda t: trip_json(t, zone))


@app.command("show-trip")
def show_trip(
    trip: TripArg,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            click_type=ZONES,
            help="Show times also in this zone [env: RIT_TZ].",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a trip's itinerary with its exchanges.

    Example: rit show-trip "Delegation trip Japan and China 2016"
    """
    from .. import render
    from ..store.trips import find_trip

    zone = context.user_zone(tz)
    with context.reading() as conn:
        found = find_trip(conn, trip)
    pairs: list[tuple[str, Any]] = [
        ("id", found.id),
        ("dates", f"{found.start_on}..{found.end_on}"),
        ("lead", found.lead),
        ("note", found.note),
    ]
    for stop in found.stops:
        visits = "; ".join(exchange_at_stop(e, zone) for e in stop.exchanges)
        org = f" ({stop.org})" if stop.org else ""
        pairs.append(
            (
                f"stop #{stop.id}",
                f"{stop.start_on}..{stop.end_on} {stop.city}, {stop.country}{org}"
                + (f": {visits}" if visits else ""),
            )
        )
        if stop.note:
            pairs.append((f"stop #{stop.id} note", stop.note))
    extra = (
        [render.table(stop_columns(zone), found.stops, title="Itinerary")] if found.stops else []
    )
    print_details(found.title, pairs, trip_json(found, zone), as_json, extra)


def _stop_text(stop: TripStop) -> str:
    return f"stop #{stop.id} {stop.city} ({stop.country}) {stop.start_on}..{stop.end_on}"


def _say_detached(detached: "list[Held]") -> None:
    for ex in detached:
        say(f"detached {ex.type} #{ex.id} {ex.title} from the trip (kept)")


@app.command("edit-trip")
def edit_trip(
    trip: TripArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day.", show_default=False)
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.", show_default=False)] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="Who leads the delegation ('' clears).")
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Change a trip's title, days, lead or note.

    Correct a trip (an empty --lead or --note clears it): its title stays unique and its
    days must still hold every stop. Every change is kept in its history.

    Example: rit edit-trip 1 --to 2016-05-06 --lead "Minister-President Torsten Albig"
    """
    from ..store.trips import TripEdit
    from ..store.trips import edit_trip as store_edit_trip

    data = TripEdit(title=title, start=start, end=end, lead=lead, note=note)
    with context.writing(create=False) as conn:
        found, changed = store_edit_trip(conn, trip, data, context.today())
    if changed:
        say(f"updated trip #{found.id} {found.title}: {', '.join(changed)}")
    else:
        say(f"trip #{found.id} {found.title} unchanged")


@app.command("edit-stop")
def edit_stop(
    trip: TripArg,
    stop: StopArg,
    city: Annotated[str | None, typer.Option("--city", help="City of the stop.")] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", click_type=COUNTRIES, help="ISO country code, e.g. JP."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day.", show_default=False)
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.", show_default=False)] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", click_type=ORGS, help="Organisation visited there ('' clears)."),
    ] = None,
    no_org: Annotated[
        bool, typer.Option("--no-org", help="No organisation is visited there.")
    ] = False,
    note: NoteOpt = None,
    detach: DetachOpt = False,
) -> None:
    """Change a stop's place, days, organisation or note.

    Correct a stop: it stays within the trip, sharing no day with another stop (as with
    add-stop), and the visits and meetings at it must still fit it (on its days, in its
    city or at its organisation), unless --detach takes those off the trip.

    Example: rit edit-stop 1 Shanghai --note "Pudong: the trade fair"
    """
    from ..store.trips import StopEdit
    from ..store.trips import edit_stop as store_edit_stop

    data = StopEdit(
        city=city,
        country=country,
        start=start,
        end=end,
        org=org,
        no_org=no_org,
        note=note,
        detach=detach,
    )
    with context.writing(create=False) as conn:
        edited = store_edit_stop(conn, trip, stop, data, context.today())
    of_trip = f"of trip #{edited.trip.id} {edited.trip.title}"
    if edited.changed:
        say(f"updated {_stop_text(edited.stop)} {of_trip}: {', '.join(edited.changed)}")
    else:
        say(f"{_stop_text(edited.stop)} {of_trip} unchanged")
    _say_detached(edited.detached)


@app.command("remove-stop")
def remove_stop(trip: TripArg, stop: StopArg, detach: DetachOpt = False) -> None:
    """Remove a stop from a trip's itinerary.

    Remove a stop; the visits and meetings at it are kept, taken off the trip with
    --detach (refused without it).

    Example: rit remove-stop 1 Shanghai
    """
    from ..store.trips import remove_stop as store_remove_stop

    with context.writing(create=False) as conn:
        removed = store_remove_stop(conn, trip, stop, detach)
    say(f"removed {_stop_text(removed.stop)} from trip #{removed.trip.id} {removed.trip.title}")
    _say_detached(removed.detached)


@app.command("remove-trip")
def remove_trip(trip: TripArg, detach: DetachOpt = False) -> None:
    """Remove a trip with its stops.

    Remove a trip and its itinerary; the visits and meetings at its stops are kept, taken
    off the trip with --detach (refused without it).

    Example: rit remove-trip "Delegation Japan/China 2016"
    """
    from ..store.trips import remove_trip as store_remove_trip

    with context.writing(create=False) as conn:
        removed, detached = store_remove_trip(conn, trip, detach)
    stops = len(removed.stops)
    itinerary = {0: "", 1: " and its stop"}.get(stops, f" and its {stops} stops")
    say(
        f"removed trip #{removed.id} {removed.title}{itinerary}"
        f" (uuid {removed.uuid}, for rit history)"
    )
    _say_detached(detached)
