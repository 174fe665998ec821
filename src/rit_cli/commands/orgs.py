"""Commands for organisations."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..models.orgs import ORG_KINDS, Org
from ..render import Column
from ._common import (
    COUNTRIES,
    ORGS,
    REFERENCES_SHOWN,
    ZONES,
    Completes,
    JsonOpt,
    print_details,
    print_listing,
    referred_by,
    replacing,
    say,
)

KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        click_type=Completes(ORG_KINDS),
        help=f"One of: {', '.join(ORG_KINDS)}.",
        show_default=False,
    ),
]
CountryOpt = Annotated[
    str | None,
    typer.Option("--country", click_type=COUNTRIES, help="ISO 3166-1 alpha-2 code, e.g. DE or JP."),
]
ShortOpt = Annotated[str | None, typer.Option("--short", help="Short name, e.g. LSN.")]
CityOpt = Annotated[str | None, typer.Option("--city", help="City.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region or state.")]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz", click_type=ZONES, help="IANA time zone; defaults from a single-zone country."
    ),
]
WebsiteOpt = Annotated[str | None, typer.Option("--website", help="Web address.")]
TagOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", help="A tag; repeat or use commas for several.", show_default=False),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]

ORG_COLUMNS = (
    Column("id", lambda o: o.id, justify="right"),
    Column("name", lambda o: o.name),
    Column("short", lambda o: o.short),
    Column("kind", lambda o: o.kind, no_wrap=True),
    Column("country", lambda o: o.country, no_wrap=True),
    Column("city", lambda o: o.city),
    Column("time zone", lambda o: o.tz, no_wrap=True),
    Column("tags", lambda o: o.tags, optional=True),
)


def org_json(org: Org) -> dict[str, object]:
    return {
        "id": org.id,
        "uuid": org.uuid,
        "name": org.name,
        "short": org.short,
        "kind": org.kind,
        "country": org.country,
        "city": org.city,
        "region": org.region,
        "tz": org.tz,
        "website": org.website,
        "tags": list(org.tags),
        "note": org.note,
    }


@app.command("add-org")
def add_org(
    name: Annotated[str, typer.Argument(help="Full name of the organisation.")],
    short: ShortOpt = None,
    kind: KindOpt = None,
    country: CountryOpt = None,
    city: CityOpt = None,
    region: RegionOpt = None,
    tz: TzOpt = None,
    website: WebsiteOpt = None,
    tag: TagOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add an organisation.

    Example: rit add-org "BioCon Valley" --short BCV --kind cluster --country DE --city Greifswald
    """
    from ..store.orgs import OrgInput
    from ..store.orgs import add_org as store_add_org

    data = OrgInput(
        name, short, kind, country, city, region, tz, website, note, tuple(tag) if tag else None
    )
    with context.writing() as conn:
        org = store_add_org(conn, data)
    from ..places import zone_hint

    zone = f", time zone {org.tz}" if org.tz else zone_hint(org.country, org.id, org.city)
    say(f"added organisation #{org.id} {org.name}{f' ({org.short})' if org.short else ''}{zone}")


@app.command("orgs")
def orgs(
    kind: KindOpt = None,
    country: CountryOpt = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only with this tag.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List organisations.

    Example: rit orgs --country JP --json
    """
    from ..store.orgs import list_orgs

    with context.reading() as conn:
        records = list_orgs(conn, kind_filter=kind, country=country, tag_filter=tag)
    print_listing(ORG_COLUMNS, records, as_json, org_json)


@app.command("show-org")
def show_org(
    ref: Annotated[str, typer.Argument(click_type=ORGS, help="Id, short name or name.")],
    as_json: JsonOpt = False,
) -> None:
    """Show an organisation, its contacts and references.

    References are the records that name it (programmes, agreements, exchanges,
    cooperations, trip stops): the first 20 of each kind and how many more (--json lists
    them all).

    Example: rit show-org LSN
    """
    from ..store.contacts import list_contacts
    from ..store.orgs import find_org, references_to_org
    from .contacts import CONTACT_COLUMNS, contact_json

    with context.reading(snapshot=True) as conn:
        org = find_org(conn, ref)
        contacts = list_contacts(conn, f"#{org.id}")
        referred = referred_by(references_to_org(conn, org.id), as_json)
        payload = {
            **org_json(org),
            "contacts": [contact_json(c) for c in contacts],
            "referred_to_by": referred,
        }
        pairs = [
            ("id", org.id),
            ("short", org.short),
            ("kind", org.kind),
            ("country", org.country),
            ("city", org.city),
            ("region", org.region),
            ("time zone", org.tz),
            ("website", org.website),
            ("tags", org.tags),
            ("note", org.note),
            ("contacts", [c.full_name for c in contacts]),
            *((label + "s", items) for label, items in referred.items() if label != "contact"),
        ]
        extra = []
        if contacts:
            from .. import render

            extra.append(render.table(CONTACT_COLUMNS, contacts, title="Contacts"))
        print_details(org.name, pairs, payload, as_json, extra)


@app.command("edit-org")
def edit_org(
    ref: Annotated[str, typer.Argument(click_type=ORGS, help="Id, short name or name.")],
    name: Annotated[str | None, typer.Option("--name", help="New full name.")] = None,
    short: ShortOpt = None,
    kind: KindOpt = None,
    country: CountryOpt = None,
    city: CityOpt = None,
    region: RegionOpt = None,
    tz: TzOpt = None,
    website: WebsiteOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", help="Replace the tags; repeat or use commas ('' clears).", show_default=False
        ),
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Change an organisation's fields.

    Change an organisation's fields (an empty value clears an optional field).

    Example: rit edit-org JETRO --region Kantō --tag trade-promotion
    """
    from ..store.orgs import OrgInput
    from ..store.orgs import edit_org as store_edit_org

    data = OrgInput(
        name,
        short,
        kind,
        country,
        city,
        region,
        tz,
        website,
        note,
        replacing(tag, "--tag"),
    )
    with context.writing() as conn:
        org, changed, followed = store_edit_org(conn, ref, data)
    if changed:
        from ..places import zone_hint

        zone = ""
        if "tz" in changed and org.tz:
            zone = f" (time zone {org.tz})"
        elif ("tz" in changed or "country" in changed) and not org.tz:
            zone = zone_hint(org.country, org.id, org.city)
        titles = ""
        if followed:
            from ..text import count

            # The home organisation's new short name retitles thousands: the first ids only.
            numbers = ", ".join(f"#{i}" for i in followed[:REFERENCES_SHOWN])
            if len(followed) > REFERENCES_SHOWN:
                numbers += f" and {len(followed) - REFERENCES_SHOWN} more"
            titles = f"; the default titles of {count(len(followed), 'visit')} follow ({numbers})"
        say(f"updated organisation #{org.id} {org.name}: {', '.join(changed)}{zone}{titles}")
    else:
        say(f"organisation #{org.id} {org.name} unchanged")


@app.command("remove-org")
def remove_org(
    ref: Annotated[str, typer.Argument(click_type=ORGS, help="Id, short name or name.")],
) -> None:
    """Remove an organisation nothing refers to.

    Example: rit remove-org "Test GmbH"
    """
    from ..store.orgs import remove_org as store_remove_org

    with context.writing() as conn:
        org = store_remove_org(conn, ref)
    say(f"removed organisation #{org.id} {org.name} (uuid {org.uuid}, for rit history)")
