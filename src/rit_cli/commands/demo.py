"""The demo command."""

import os
import shlex
from pathlib import Path

from .. import context
from ..app import app
from ._common import say


@app.command("demo")
def demo() -> None:
    """Build and show the Kobe–Life Science Nord demo.

    Build the Kobe–Life Science Nord story in a separate demo database and show it.

    The demo lives in its own file (--db, else demo.db in rit's data directory), never in
    your real database; running it again rebuilds it, unless something was changed in it
    since.

    Example: rit demo --db rit-demo.db
    """
    from .. import db
    from .. import demo as story
    from .agreements import agreements
    from .contacts import contacts
    from .cooperations import cooperations
    from .orgs import orgs

    # --db (an empty one refused, as everywhere), else the demo's own file, never $RIT_DB.
    flag = context.settings.db
    path = story.default_path() if flag is None else db.locate(flag).path
    story.check_replaceable(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = db.connect(path)
    try:
        with db.transaction(conn):
            story.build(conn)
    finally:
        conn.close()
    context.settings.db = str(path)
    if not (context.settings.today or os.environ.get("RIT_TODAY")):
        context.settings.today = story.STORY_TODAY.isoformat()
    # As of the day it is shown: without --today, rit reads the demo as of the real date.
    explore = f"rit --db {shlex.quote(str(path))} --today {context.today().isoformat()}"
    say(f"demo database: {path}")
    say(f"shown as of {context.today().isoformat()}; explore it with: {explore} …")
    say("")
    say("Organisations")
    orgs(kind=None, country=None, tag=None, as_json=False)
    say("")
    say("Contacts")
    contacts(org=None, as_json=False)
    from .exchanges import agenda

    say("")
    say("Agenda 2016–2017")
    agenda(
        start="2016-01-01",
        end="2017-12-31",
        org=None,
        agreement=None,
        type_=None,
        status=None,
        tz=None,
        as_json=False,
    )
    say("")
    say("Agreements")
    agreements(active=False, programme=None, org=None, field=None, as_json=False)
    say("")
    say("Cooperations")
    cooperations(status=None, agreement=None, field=None, org=None, as_json=False)
    from .remind import remind
    from .report import report

    say("")
    report(
        year=None,
        agreement=None,
        programme=None,
        org=None,
        fmt="table",
        out=None,
        excel=False,
        tz=None,
    )
    say("")
    say(f"Reminders (rit remind, as of {context.today().isoformat()})")
    remind(within="14d", expiry_within="90d", new=False, tz=None, as_json=False)
    say("")
    say(f"Next: {explore} report --year 2016")
