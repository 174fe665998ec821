"""Personal data: erasing a contact everywhere rit keeps it."""

import sys
from typing import Annotated

import typer

from .. import context
from ..app import app
from ._common import CONTACTS, say


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@app.command("forget-contact")
def forget_contact(
    ref: Annotated[
        str,
        typer.Argument(
            click_type=CONTACTS,
            help="Id, name or uuid of the contact; one removed with remove-contact too (as"
            " rit history finds it).",
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Erase without asking (required when not on a terminal).")
    ] = False,
) -> None:
    """Erase a person everywhere rit keeps them.

    Only the fact that an erasure happened stays in the history. This cannot be undone,
    and backups made earlier still hold the person.

    Example: rit forget-contact 4 --yes
    """
    from ..errors import InvalidInput
    from ..store import privacy
    from ..text import short_repr

    if not yes:
        if not stdin_is_terminal():
            raise InvalidInput(
                f"forget-contact {short_repr(ref)} erases the person for good; add --yes to confirm"
            )
        with context.reading() as conn:
            contact_id, name = privacy.describe_contact(conn, ref)
        from ..text import printable

        typer.confirm(f"Erase contact #{contact_id} {printable(name)} everywhere?", abort=True)
    with context.writing() as conn:
        erasure = privacy.forget_contact(conn, ref)
    with context.reading() as conn:
        purged = privacy.purge_free_space(conn)
    from ..text import count

    say(
        f"erased contact #{erasure.contact_id} (uuid {erasure.uuid}, for rit history):"
        f" {count(erasure.links, 'link')}, {count(erasure.history_removed, 'history row')}"
        f" removed, mentions scrubbed from {count(erasure.history_scrubbed, 'history row')}"
        f" and {count(erasure.records_scrubbed, 'record')}"
    )
    if not purged:
        say("note: another rit process was reading; erased data leaves the -wal file later")
