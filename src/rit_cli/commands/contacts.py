"""Commands for contacts (personal data)."""

from typing import Annotated

import typer

from .. import context
from ..app import app
from ..models.orgs import Contact
from ..render import Column
from ._common import (
    CONTACTS,
    ORGS,
    JsonOpt,
    print_details,
    print_listing,
    referred_by,
    say,
)

TitleOpt = Annotated[str | None, typer.Option("--title", help="Title, e.g. Dr.")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Role, e.g. managing director.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone number, kept as typed.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free text.")]

CONTACT_COLUMNS = (
    Column("id", lambda c: c.id, justify="right"),
    Column("name", lambda c: c.full_name),
    Column("organisation", lambda c: c.org),
    Column("role", lambda c: c.role),
    Column("e-mail", lambda c: c.email),
    Column("phone", lambda c: c.phone),
)


def contact_json(contact: Contact) -> dict[str, object]:
    return {
        "id": contact.id,
        "uuid": contact.uuid,
        "name": contact.name,
        "title": contact.title,
        "org_id": contact.org_id,
        "org": contact.org,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "note": contact.note,
    }


@app.command("add-contact")
def add_contact(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    org: Annotated[
        str, typer.Option("--org", click_type=ORGS, help="Organisation: id, short name or name.")
    ],
    title: TitleOpt = None,
    role: RoleOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add a contact at an organisation.

    Example: rit add-contact "Kenji Tanaka" --org KBIC --title Dr. --role "cluster manager"
    """
    from ..store.contacts import ContactInput
    from ..store.contacts import add_contact as store_add_contact

    with context.writing() as conn:
        contact = store_add_contact(conn, ContactInput(name, org, title, role, email, phone, note))
    say(f"added contact #{contact.id} {contact.full_name} ({contact.org})")


@app.command("contacts")
def contacts(
    org: Annotated[
        str | None, typer.Option("--org", click_type=ORGS, help="Only at this organisation.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List contacts.

    Example: rit contacts --org LSN
    """
    from ..store.contacts import list_contacts

    with context.reading() as conn:
        records = list_contacts(conn, org)
    print_listing(CONTACT_COLUMNS, records, as_json, contact_json)


@app.command("show-contact")
def show_contact(
    ref: Annotated[str, typer.Argument(click_type=CONTACTS, help="Id or name.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one contact.

    Lists the agreements they signed and the exchanges they took part in: the first 20
    of each and how many more (--json lists them all).

    Example: rit show-contact "Hinrich Habeck"
    """
    from ..store.contacts import find_contact, references_to_contact

    with context.reading(snapshot=True) as conn:
        contact = find_contact(conn, ref)
        referred = referred_by(references_to_contact(conn, contact.id), as_json)
        pairs = [
            ("id", contact.id),
            ("organisation", contact.org),
            ("title", contact.title),
            ("role", contact.role),
            ("e-mail", contact.email),
            ("phone", contact.phone),
            ("note", contact.note),
            *((label + "s", items) for label, items in referred.items()),
        ]
        payload = {
            **contact_json(contact),
            "referred_to_by": referred,
        }
        print_details(contact.full_name, pairs, payload, as_json)


@app.command("edit-contact")
def edit_contact(
    ref: Annotated[str, typer.Argument(click_type=CONTACTS, help="Id or name.")],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", click_type=ORGS, help="Move to this organisation.")
    ] = None,
    title: TitleOpt = None,
    role: RoleOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    note: NoteOpt = None,
) -> None:
    """Change a contact's fields.

    Change a contact's fields (an empty value clears an optional field).

    Example: rit edit-contact "Hinrich Habeck" --email habeck@example.org
    """
    from ..store.contacts import ContactInput
    from ..store.contacts import edit_contact as store_edit_contact

    with context.writing() as conn:
        contact, changed = store_edit_contact(
            conn, ref, ContactInput(name, org, title, role, email, phone, note)
        )
    if changed:
        say(f"updated contact #{contact.id} {contact.full_name}: {', '.join(changed)}")
    else:
        say(f"contact #{contact.id} {contact.full_name} unchanged")


@app.command("remove-contact")
def remove_contact(
    ref: Annotated[str, typer.Argument(click_type=CONTACTS, help="Id or name.")],
) -> None:
    """Remove a contact nothing refers to.

    Remove a contact that no agreement or exchange refers to.

    Example: rit remove-contact 4
    """
    from ..store.contacts import remove_contact as store_remove_contact

    with context.writing() as conn:
        contact = store_remove_contact(conn, ref)
    say(f"removed contact #{contact.id} {contact.full_name} (uuid {contact.uuid}, for rit history)")
