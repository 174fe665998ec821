"""The Kobe–Life Science Nord story as a demo database, built through the store."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from .errors import Conflict
from .store.contacts import ContactInput, add_contact
from .store.orgs import OrgInput, add_org

# meta MARKER (never exported nor imported) holds the history's fingerprint() when the demo
# was built.
from .store.transfer import MARKER

# The day the demo is shown as of, unless --today says otherwise: shortly before the
# decide-by date of the autumn visit window, with the spring window already overdue.
STORY_TODAY = date(2016, 8, 25)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("rit", appauthor=False) / "demo.db"


def fingerprint(conn: sqlite3.Connection) -> str:
    """The history's size, last row and last change: every change rit makes to a record
    writes history rows (forget-contact erases some), so any change alters it."""
    count, last, at = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(max(at), '') FROM history"
    ).fetchone()
    return f"history {count} {last} {at}"


def check_replaceable(path: Path) -> None:
    """Refuse to overwrite a file that is not a demo database as the demo left it."""
    if path.exists() and not path.is_file():
        # A device or pipe (--db /dev/null) has no size: it would be deleted and replaced.
        raise Conflict(f"{str(path)!r} is not a regular file: give a file for the demo (--db)")
    if not path.exists() or path.stat().st_size == 0:
        return
    from .db import open_snapshot

    try:
        conn = open_snapshot(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (MARKER,)).fetchone()
            unchanged = row is not None and row[0] == fingerprint(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        row, unchanged = None, False
    if unchanged:
        return
    shown = repr(str(path))
    if row is None:
        problem = f"{shown} exists and is not a rit demo database"
    elif row[0] == "1":  # marked by an older rit, which kept no fingerprint
        problem = f"{shown} is a demo database of an older rit, which cannot tell if it was changed"
    else:
        problem = f"{shown} was changed since the demo built it"
    raise Conflict(
        f"{problem}; the demo never writes over real data: give another --db, or remove the "
        "file yourself to rebuild the demo there"
    )


def build(conn: sqlite3.Connection) -> None:
    """Enter the story: organisations and the people in it; then mark it as the demo."""
    orgs = [
        OrgInput(
            "Life Science Nord",
            "LSN",
            "cluster",
            "DE",
            "Hamburg",
            "Hamburg / Schleswig-Holstein",
            website="lifesciencenord.de",
            tags=("life-sciences", "cluster-management"),
        ),
        OrgInput(
            "Foundation for Biomedical Research and Innovation",
            "FBRI",
            "foundation",
            "JP",
            "Kobe",
            "Hyōgo",
            website="fbri-kobe.org",
            note="Runs the Kobe Biomedical Innovation Cluster",
            tags=("life-sciences", "cluster-management"),
        ),
        OrgInput(
            "Japan External Trade Organization",
            "JETRO",
            "agency",
            "JP",
            "Tokyo",
            website="jetro.go.jp",
        ),
        OrgInput(
            "Ministerium für Wirtschaft, Arbeit, Verkehr und Technologie Schleswig-Holstein",
            "MWAVT",
            "authority",
            "DE",
            "Kiel",
            "Schleswig-Holstein",
        ),
        OrgInput(
            "Staatskanzlei Schleswig-Holstein",
            "StK SH",
            "authority",
            "DE",
            "Kiel",
            "Schleswig-Holstein",
        ),
        OrgInput(
            "神戸医療産業都市推進機構 Kobe Biomedical Innovation Cluster",
            "KBIC",
            "cluster",
            "JP",
            "Kobe",
            "Hyōgo",
            tags=("life-sciences",),
        ),
    ]
    for org in orgs:
        add_org(conn, org)
    people = [
        ContactInput("Hinrich Habeck", "LSN", "Dr.", "managing director (Geschäftsführer)"),
        ContactInput("Reinhard Meyer", "MWAVT", None, "minister"),
        ContactInput("Torsten Albig", "StK SH", None, "Minister-President"),
        ContactInput(
            "山田 花子",
            "FBRI",
            None,
            "international relations",
            email="yamada@example.org",
            phone="+81 78 000 0000",
        ),
    ]
    for person in people:
        add_contact(conn, person)
    build_agreements(conn)
    build_exchanges(conn)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (MARKER, fingerprint(conn))
    )


def build_agreements(conn: sqlite3.Connection) -> None:
    """JETRO's RIT programme, extended until 2017; the Kobe LoI; two cooperation plans."""
    from .store.agreements import AgreementInput, add_agreement
    from .store.cooperations import CooperationInput, add_cooperation, set_status
    from .store.programmes import ProgrammeInput, add_programme, extend_programme

    signing = date(2016, 5, 2)
    add_programme(
        conn,
        ProgrammeInput(
            "Regional Industry-Tie-Up Programme",
            "RIT",
            "JETRO",
            "2015-04-01",
            "2016",
            note="JETRO's scheme for ties between Japanese and foreign regional clusters",
        ),
        date(2015, 4, 1),
    )
    extend_programme(conn, "RIT", "2017", "the programme has worked well", signing)
    add_agreement(
        conn,
        AgreementInput(
            "LoI Kobe–LSN",
            kind="loi",
            parties=("LSN", "FBRI"),
            programme="RIT",
            signed=signing.isoformat(),
            place="Kobe",
            valid_until="2017",
            fields=("networking", "technology-transfer", "market-introduction"),
            # "At least one mutual visit per year": one a year in each direction.
            visits_per_year="1",
            each_way=True,
            signatories=("Hinrich Habeck",),
            note="Networking between companies, research institutes and authorities",
        ),
        signing,
    )
    add_cooperation(
        conn,
        CooperationInput(
            "Biobank sample exchange pilot",
            ("LSN", "KBIC"),
            "LoI Kobe–LSN",
            ("technology-transfer",),
            "talks",
        ),
        date(2015, 12, 10),
    )
    set_status(conn, "Biobank sample exchange pilot", "agreed", "pilot agreed in Kobe", signing)
    add_cooperation(
        conn,
        CooperationInput(
            "Medtech market entry for SMEs in Japan",
            ("LSN", "FBRI", "JETRO"),
            "LoI Kobe–LSN",
            ("market-introduction",),
            "talks",
        ),
        date(2016, 3, 1),
    )


def build_exchanges(conn: sqlite3.Connection) -> None:
    """The delegation trip with its Kobe stop, the signing, the windowed next meetings and
    the yearly return visits; as of STORY_TODAY one window is overdue and one decision due.

    Entered after the agreements, so the visits link to the LoI automatically.
    """
    from .store.scheduling import ExchangeInput, When, add_exchange, mark_done
    from .store.trips import add_stop, add_trip

    trip = "Delegation trip Japan and China 2016"
    add_trip(
        conn,
        trip,
        "2016-05-01",
        "2016-05-05",
        STORY_TODAY,
        lead="Minister-President Torsten Albig",
        note="With economics minister Reinhard Meyer; Life Science Nord joins in Kobe",
    )
    add_stop(conn, trip, "Tokyo", "JP", "2016-05-01", None, STORY_TODAY, "JETRO")
    add_stop(conn, trip, "Kobe", "JP", "2016-05-02", "2016-05-03", STORY_TODAY, "FBRI")
    add_stop(conn, trip, "Shanghai", "CN", "2016-05-04", "2016-05-05", STORY_TODAY)
    delegation = ("Torsten Albig", "Reinhard Meyer", "Hinrich Habeck")
    visit = add_exchange(
        conn,
        ExchangeInput(
            "visit",
            When(on="2016-05-02", at="10:00", days=2),
            guests=("StK SH", "MWAVT", "LSN"),
            host="FBRI",
            purpose="Kobe Biomedical Innovation Cluster: site visit and company talks",
            fields=("networking",),
            participants=delegation,
            trip=trip,
        ),
        STORY_TODAY,
    ).exchanges[0]
    signing = add_exchange(
        conn,
        ExchangeInput(
            "meeting",
            When(on="2016-05-02", at="14:00"),
            title="Signing of the LoI Kobe–LSN",
            orgs=("LSN", "FBRI"),
            place="Kobe",
            participants=delegation,
            trip=trip,
        ),
        STORY_TODAY,
    ).exchanges[0]
    mark_done(conn, f"#{visit.id}", "Intensive exchange between companies agreed", STORY_TODAY)
    mark_done(conn, f"#{signing.id}", "Letter of Intent signed", STORY_TODAY)
    # The next two meetings, narrowed down to windows.
    add_exchange(
        conn,
        ExchangeInput(
            "meeting",
            When(window="2016-10", decide_by="2016-08-31"),
            title="Partnering workshop Hamburg",
            orgs=("LSN", "FBRI"),
            place="Hamburg",
            tz="Europe/Berlin",
            fields=("technology-transfer",),
        ),
        STORY_TODAY,
    )
    add_exchange(
        conn,
        ExchangeInput(
            "meeting",
            When(window="2017-H1"),
            title="Cluster meeting Kobe",
            orgs=("LSN", "FBRI"),
            place="Kobe",
            fields=("market-introduction",),
        ),
        STORY_TODAY,
    )
    # At least one mutual visit a year: the return visits, yearly until the LoI ends.
    add_exchange(
        conn,
        ExchangeInput(
            "visit",
            When(window="2016-06-01..2016-07-31", decide_by="2016-05-31"),
            guests=("FBRI",),
            host="LSN",
            purpose="Return visit to Hamburg / Schleswig-Holstein",
            yearly=True,
            until="2017",
        ),
        STORY_TODAY,
    )
