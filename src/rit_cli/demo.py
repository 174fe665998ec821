"""The Kobe–Life Science Nord story as a demo database, built through the store."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from .errors import Conflict
from .store.contacts import ContactInput, add_contact
from .store.orgs import OrgInput, add_org

# The day the demo is shown as of, unless --today says otherwise: shortly before the
# decide-by date of the autumn visit window, with the spring window already overdue.
STORY_TODAY = date(2016, 8, 25)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("rit", appauthor=False) / "demo.db"


def is_demo(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return row is not None and row[0] == "1"


def check_replaceable(path: Path) -> None:
    """Refuse to overwrite a file that is not an earlier demo database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = is_demo(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        ok = False
    if not ok:
        raise Conflict(
            f"{str(path)!r} exists and is not a rit demo database; the demo never writes "
            "over real data: give another --db"
        )


def build(conn: sqlite3.Connection) -> None:
    """Enter the story: organisations and the people in it."""
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('demo', '1')")
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
            visits_per_year="1",
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
