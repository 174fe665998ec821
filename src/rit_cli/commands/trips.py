"""Commands for delegation trips and their stops."""

from typing import Annotated, Any

import typer

from .. import context
from ..app import app
from ..models.trips import Trip, TripStop
from ..render import Column
from ._common import JsonOpt, print_details, print_listing, say

TripArg = Annotated[str, typer.Argument(help="Trip id, or its title.")]

TRIP_COLUMNS = (
    Column("id", lambda t: t.id, justify="right"),
    Column("from", lambda t: t.start_on, no_wrap=True),
    Column("to", lambda t: t.end_on, no_wrap=True),
    Column("title", lambda t: t.title),
    Column("lead", lambda t: t.lead),
    Column("stops", lambda t: " → ".join(s.city for s in t.stops)),
)

STOP_COLUMNS = (
    Column("from", lambda s: s.start_on, no_wrap=True),
    Column("to", lambda s: s.end_on, no_wrap=True),
    Column("city", lambda s: s.city),
    Column("country", lambda s: s.country),
    Column("organisation", lambda s: s.org),
    Column("exchanges", lambda s: [f"#{e.id} {e.title}" for e in s.exchanges]),
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

    Example: rit add-trip "Delegation Japan/China 2016" --from 2016-05-01 --to 2016-05-05
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
        str, typer.Option("--country", help="ISO country code, e.g. JP.", show_default=False)
    ],
    start: Annotated[str, typer.Option("--from", help="First day.", show_default=False)],
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (default: --from).", show_default=False)
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation visited there.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
) -> None:
    """Add a stop to a trip's itinerary.

    Add a stop to a trip's itinerary: inside the trip, sharing no day with another stop.

    Example: rit add-stop 1 --city Kobe --country JP --from 2016-05-02 --to 2016-05-03 --org FBRI
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
            "--tz", help="Show times also in this zone [env: RIT_TZ].", show_default=False
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a trip's itinerary with its exchanges.

    Example: rit show-trip "Delegation Japan/China 2016"
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
    for n, stop in enumerate(found.stops, 1):
        visits = "; ".join(f"#{e.id} {e.title}" for e in stop.exchanges)
        org = f" ({stop.org})" if stop.org else ""
        pairs.append(
            (
                f"stop {n}",
                f"{stop.start_on}..{stop.end_on} {stop.city}, {stop.country}{org}"
                + (f": {visits}" if visits else ""),
            )
        )
    extra = [render.table(STOP_COLUMNS, found.stops, title="Itinerary")] if found.stops else []
    print_details(found.title, pairs, trip_json(found, zone), as_json, extra)
