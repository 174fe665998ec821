"""What every command shares: the database location, the reference date, the user's zone."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from .db import DbLocation


class Settings:
    """The root options of the command being run (a plain class: start-up stays lean)."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.today: str | None = None
        self.warned: set[str] = set()  # the warnings this command has written
        self.held: list[str] | None = None  # warnings kept to write later (held_warnings)


settings = Settings()


def configure(db_flag: str | None, today: str | None) -> None:
    settings.db, settings.today = db_flag, today
    settings.warned.clear()


def warn(message: str) -> None:
    """MESSAGE as one line on stderr, 'warning: …', once per command however often it
    arises (the user's zone is asked for by several steps of one command); kept instead
    while warnings are held (held_warnings)."""
    if message in settings.warned:
        return
    settings.warned.add(message)
    if settings.held is not None:
        settings.held.append(message)
        return
    _write_warning(message)


def _write_warning(message: str) -> None:
    import sys

    from .text import printable

    sys.stderr.write(f"warning: {printable(message)}\n")


@contextlib.contextmanager
def held_warnings() -> Iterator[Callable[[], None]]:
    """Warnings raised inside are kept; the function given writes them, when what they
    warn about was printed (`remind` with nothing due prints nothing at all: cron would
    mail a warning every day)."""
    settings.held = []
    kept = settings.held

    def write() -> None:
        for message in kept:
            _write_warning(message)
        kept.clear()

    try:
        yield write
    finally:
        settings.held = None


def location() -> DbLocation:
    from . import db

    return db.locate(settings.db)


def today() -> date:
    """The reference date: --today / $RIT_TODAY, else the system's date."""
    text = settings.today if settings.today is not None else os.environ.get("RIT_TODAY")
    if text is not None and not text.strip() and settings.today is None:
        from .errors import InvalidInput

        # RIT_TODAY="$DAY" with DAY unset: not silently the system's date ("what if" plans).
        raise InvalidInput("RIT_TODAY is set but empty: give a date, or unset it for today's")
    if text is not None:
        from .dates import parse_date

        return parse_date(text, date.today())
    return date.today()


def user_zone(flag: str | None = None) -> str:
    """The zone times are shown in: a listing's --tz, else $RIT_TZ, else the system's zone."""
    from .dates import parse_zone
    from .errors import InvalidInput

    if flag is not None:
        if not flag.strip():
            raise InvalidInput("--tz must not be empty: give a zone such as Europe/Berlin")
        return parse_zone(flag).key
    name = os.environ.get("RIT_TZ")
    if name is not None and not name.strip():
        # RIT_TZ="$ZONE" with ZONE unset: not silently the system's zone.
        raise InvalidInput(
            "RIT_TZ is set but empty: give a zone such as Europe/Berlin, or unset it"
        )
    if name:
        try:
            return parse_zone(name).key
        except InvalidInput as exc:
            raise InvalidInput(f"RIT_TZ: {exc}, or unset it") from exc
    return _system_zone()


def _system_zone() -> str:
    """The system's zone: $TZ as the C library reads it, else this machine's.

    TZ names a zone (Europe/Berlin), with a leading ':' too, or a zoneinfo file by its
    path (:/usr/share/zoneinfo/Europe/Berlin, :/etc/localtime); set but empty it is UTC.
    A POSIX rule without daylight saving is its fixed offset (JST-9: Etc/GMT-9, UTC+9).
    A TZ that is none of these (a POSIX rule with daylight saving, a typo) is not silently
    replaced: a warning says which zone the times are shown in instead, this machine's.
    """
    tz = os.environ.get("TZ")
    if tz is None:
        return _machine_zone()
    name = tz.removeprefix(":")
    if not name:
        return "UTC"  # as the C library reads TZ= and TZ=:
    from .dates import parse_zone
    from .errors import InvalidInput

    path = name
    if not name.startswith("/"):
        with contextlib.suppress(InvalidInput):
            return parse_zone(name).key
        path = f"/usr/share/zoneinfo/{name}"  # posix/Europe/Berlin, localtime
    zone = _zone_of_file(path) or _fixed_offset(name)
    if zone is not None:
        return zone
    from .text import shortened

    machine = _machine_zone()
    warn(
        f"TZ: unknown time zone {shortened(tz)!r}: times are shown in {machine}, this"
        " machine's zone; set RIT_TZ (or TZ) to an IANA name such as Europe/Berlin"
    )
    return machine


def _fixed_offset(tz: str) -> str | None:
    """The zone of a POSIX TZ rule without daylight saving (JST-9, UTC0, <+0530>-5:30 is
    not whole hours: None): Etc/GMT-9 is UTC+9, signed as POSIX signs it (west positive)."""
    import re

    rule = re.fullmatch(r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)([+-]?)(\d{1,2})", tz)
    if rule is None:
        return None
    hours, west = int(rule[2]), rule[1] != "-"
    if hours > (12 if west else 14):  # the zones of whole hours: UTC-12 to UTC+14
        return None
    return "UTC" if hours == 0 else f"Etc/GMT{'+' if west else '-'}{hours}"


def _zone_of_file(path: str) -> str | None:
    """The zone of a zoneinfo file given by its path: its IANA name, or this machine's
    zone for /etc/localtime (a copy of one, on some systems); None for any other file."""
    real = os.path.realpath(path)
    zone = _zone_named(real) if os.path.isfile(real) else None
    if zone is not None:
        return zone
    with contextlib.suppress(OSError):
        if os.path.samefile(real, "/etc/localtime"):
            return _machine_zone()
    return None


def _zone_named(path: str) -> str | None:
    """The zone a path under a zoneinfo directory names, if rit knows it (posix/… are
    copies of the zones under their own names: posix/Europe/Berlin is Europe/Berlin)."""
    from .dates import parse_zone
    from .errors import InvalidInput

    marker = "zoneinfo/"
    if marker not in path:
        return None
    with contextlib.suppress(InvalidInput):
        return parse_zone(path.rsplit(marker, 1)[1].removeprefix("posix/")).key
    return None


def _machine_zone() -> str:
    """This machine's zone: the zoneinfo file /etc/localtime links to, else the name in
    /etc/timezone, else UTC; always a zone rit knows (a name it cannot read is UTC rather
    than an error after a command has written)."""
    with contextlib.suppress(OSError):
        zone = _zone_named(os.readlink("/etc/localtime"))
        if zone is not None:
            return zone
    with contextlib.suppress(OSError):
        with open("/etc/timezone", encoding="utf-8") as handle:
            zone = _zone_named(f"zoneinfo/{handle.read().strip()}")
            if zone is not None:
                return zone
    return "UTC"


def open_db() -> sqlite3.Connection:
    """The database for a command that only reads: never created by reading.

    A mistyped --db (or RIT_DB) would otherwise give an empty database, and `remind` from
    cron would say "nothing due" for ever.
    """
    from . import db

    return db.connect(_existing(), create=False)


def _existing() -> Path:
    """The database's path; a StoreError when there is no database there."""
    from .errors import StoreError

    path = location().path
    if str(path) != ":memory:" and not path.exists():
        raise StoreError(
            f"no database at {str(path)!r}: the first command that adds something "
            "creates it (rit add-org …; rit demo builds an example)"
        )
    return path


@contextlib.contextmanager
def writing(create: bool = True) -> Iterator[sqlite3.Connection]:
    """The database inside one BEGIN IMMEDIATE transaction for a write command; created
    when missing unless create is false (remind --new only remembers what it showed)."""
    if os.environ.get("RIT_TZ") is not None:
        user_zone()  # a bad RIT_TZ before anything is written that a confirmation then shows
    path = location().path if create else _existing()
    from . import db

    new = str(path) != ":memory:" and not path.exists()
    made = [d for d in path.parents if not d.exists()] if new else []
    db.check_writable(path)
    conn = db.connect(path)
    try:
        with db.transaction(conn):
            yield conn
    except BaseException:
        if new:  # a command that fails changes nothing: not even a new, empty database
            _discard_if_empty(conn, path, made)
        raise
    finally:
        conn.close()


def _discard_if_empty(conn: sqlite3.Connection, path: Path, made: list[Path]) -> None:
    """Remove the database this command created (and the directories it made for it),
    unless something was written to it meanwhile: every record starts from an
    organisation or a trip, and every write leaves history."""
    import sqlite3

    try:
        empty = conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM history) AND NOT EXISTS (SELECT 1 FROM orgs)"
            " AND NOT EXISTS (SELECT 1 FROM trips)"
        ).fetchone()[0]
    except sqlite3.Error:
        return
    if not empty:
        return
    conn.close()
    for suffix in ("-wal", "-shm", ""):
        with contextlib.suppress(OSError):
            os.unlink(str(path) + suffix)
    for directory in made:  # deepest first
        try:
            directory.rmdir()
        except OSError:
            break


@contextlib.contextmanager
def reading(snapshot: bool = False) -> Iterator[sqlite3.Connection]:
    """The database for a command that only reads. With snapshot, its statements all read
    one state (a deferred transaction, WAL): a write committed meanwhile is neither waited
    for nor half seen, as it would be by statements that each read the latest."""
    conn = open_db()
    try:
        if snapshot:
            conn.execute("BEGIN")
        yield conn
    finally:
        conn.close()
