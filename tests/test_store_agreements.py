"""Store tests for programmes, agreements and cooperations against an in-memory database."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rit_cli.errors import Conflict, InvalidInput, NotFound
from rit_cli.schedule import VisitFact
from rit_cli.store import IN_FORCE_ON, new_uuid
from rit_cli.store.agreements import (
    AgreementInput,
    add_agreement,
    agreement_compliance,
    agreement_detail,
    edit_agreement,
    end_agreement,
    extend_agreement,
    find_agreement,
    fitting_in_force,
    gaps_between,
    list_agreements,
    list_fields,
    programme_gaps,
)
from rit_cli.store.contacts import ContactInput, add_contact
from rit_cli.store.cooperations import (
    CooperationInput,
    add_cooperation,
    cooperations_became_concrete,
    edit_cooperation,
    find_cooperation,
    list_cooperations,
    set_status,
)
from rit_cli.store.orgs import OrgInput, add_org
from rit_cli.store.programmes import (
    ProgrammeInput,
    add_programme,
    edit_programme,
    extend_programme,
    find_programme,
)
from rit_cli.store.reminders import obligations_at_risk
from rit_cli.store.visits import _VISIT_COLUMNS, _facts, visit_facts_for

D = date.fromisoformat
TODAY = D("2016-08-25")


@pytest.fixture
def story(conn: sqlite3.Connection) -> sqlite3.Connection:
    for name, short, country in [
        ("Life Science Nord", "LSN", "DE"),
        ("Foundation for Biomedical Research and Innovation", "FBRI", "JP"),
        ("Japan External Trade Organization", "JETRO", "JP"),
        ("Kobe Biomedical Innovation Cluster", "KBIC", "JP"),
    ]:
        add_org(conn, OrgInput(name, short, country=country))
    add_contact(conn, ContactInput("Hinrich Habeck", "LSN", "Dr."))
    add_programme(
        conn,
        ProgrammeInput("Regional Industry-Tie-Up", "RIT", "JETRO", "2014-04-01", "2016"),
        TODAY,
    )
    add_agreement(
        conn,
        AgreementInput(
            "LoI Kobe–LSN",
            parties=("LSN", "FBRI"),
            programme="RIT",
            signed="2016-05-02",
            place="Kobe",
            valid_until="2016",
            fields=("networking", "Technology Transfer", "market introduction"),
            visits_per_year="1",
            signatories=("Hinrich Habeck",),
        ),
        TODAY,
    )
    return conn


def add_visit(
    conn: sqlite3.Connection,
    status: str,
    start: str,
    end: str | None = None,
    *,
    host: int = 2,
    guests: tuple[int, ...] = (1,),
    day: bool = True,
    agreement: int | None = 1,
    kind: str = "visit",
) -> int:
    """An exchange row as the exchanges engineer's store writes it (start_on/end_on always set)."""
    cursor = conn.execute(
        "INSERT INTO exchanges (uuid, created, updated, type, title, title_key, status, host_id,"
        " window_start, window_end, day, start_on, end_on, agreement_id)"
        " VALUES (?, 'x', 'x', ?, 'Visit', 'visit', ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_uuid(),
            kind,
            status,
            host,
            None if day else start,
            None if day else (end or start),
            start if day else None,
            start,
            end or start,
            agreement,
        ),
    )
    exchange_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO exchange_orgs (exchange_id, org_id, role) VALUES (?, ?, 'host')",
        (exchange_id, host),
    )
    conn.executemany(
        "INSERT INTO exchange_orgs (exchange_id, org_id, role) VALUES (?, ?, 'guest')",
        [(exchange_id, g) for g in guests],
    )
    return exchange_id


def test_agreement_as_entered(story: sqlite3.Connection) -> None:
    a = find_agreement(story, "loi kobe–lsn", TODAY)
    assert a.kind == "loi" and a.status == "active"
    assert [p.label for p in a.parties] == ["LSN", "FBRI"]
    assert a.fields == ("market-introduction", "networking", "technology-transfer")
    assert a.valid_until == D("2016-12-31") and a.in_force_from == D("2016-05-02")
    assert [c.full_name for c in a.signatories] == ["Dr. Hinrich Habeck"]
    assert a.programme is not None and a.programme.label == "RIT"
    assert a.obligation == "at least 1 visit a year"


def test_extension_is_kept_and_moves_the_end(story: sqlite3.Connection) -> None:
    agreement, extension = extend_agreement(story, "1", "2017", "programme extended", TODAY)
    assert (extension.old_until, extension.new_until) == (D("2016-12-31"), D("2017-12-31"))
    assert agreement.valid_until == D("2017-12-31")
    assert [(e.old_until, e.new_until, e.decided_on) for e in agreement.extensions] == [
        (D("2016-12-31"), D("2017-12-31"), TODAY)
    ]
    history = story.execute(
        "SELECT field, old, new FROM history WHERE table_name = 'agreements' AND action = 'update'"
    ).fetchall()
    assert [tuple(h) for h in history] == [("valid_until", "2016-12-31", "2017-12-31")]
    with pytest.raises(InvalidInput, match="not after the current end 2017-12-31"):
        extend_agreement(story, "1", "2017-06-30", None, TODAY)


def test_an_expired_agreement_can_be_extended(story: sqlite3.Connection) -> None:
    later = D("2017-03-01")
    assert find_agreement(story, "1", later).status == "expired"
    agreement, _ = extend_agreement(story, "1", "2018", None, later)
    assert agreement.status == "active"
    assert agreement.extensions[0].decided_on == later


def test_programme_extension(story: sqlite3.Connection) -> None:
    programme, extension = extend_programme(story, "rit", "2017", "worked well", TODAY)
    assert programme.valid_until == D("2017-12-31")
    assert extension.note == "worked well"
    assert find_programme(story, "RIT").extensions[0].old_until == D("2016-12-31")
    with pytest.raises(Conflict, match="extend-programme"):
        edit_programme(story, "RIT", ProgrammeInput(valid_until="2018"), TODAY)


def test_end_agreement_keeps_the_record(story: sqlite3.Connection) -> None:
    agreement = end_agreement(story, "1", "2016-09-01", "merged", TODAY)
    assert agreement.terminated_on == D("2016-09-01") and agreement.status == "expiring"
    assert find_agreement(story, "1", D("2016-09-01")).status == "terminated"
    with pytest.raises(Conflict, match="already terminated"):
        end_agreement(story, "1", "2016-10-01", None, TODAY)
    with pytest.raises(Conflict, match="cannot be extended"):
        extend_agreement(story, "1", "2018", None, TODAY)


@pytest.mark.parametrize(
    ("on", "message"),
    [("2016-05-02", "not after the start"), ("2017-01-01", "nothing to terminate")],
)
def test_end_agreement_refuses_dates_outside_its_term(
    story: sqlite3.Connection, on: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        end_agreement(story, "1", on, None, TODAY)


def agreements_in_force_with_any(
    conn: sqlite3.Connection, org_ids: list[int], on: date
) -> list[tuple[sqlite3.Row, frozenset[int]]]:
    """Agreements in force on a day to which at least one of the organisations is a party,
    each with all its parties: what scheduling judged with _misfit, one agreement at a time,
    before fitting_in_force asked the database (5 510 agreements of one organisation: one
    query each, for every exchange end-agreement looked at)."""
    marks = ", ".join("?" for _ in org_ids)
    sql = f"""
        SELECT a.* FROM agreements a
        WHERE {IN_FORCE_ON.replace(":d", "?")}
          AND a.id IN (SELECT agreement_id FROM agreement_parties WHERE org_id IN ({marks}))
        ORDER BY a.id
    """
    day = on.isoformat()
    rows = conn.execute(sql, [day, day, day, *org_ids]).fetchall()
    return [
        (row, frozenset(r[0] for r in conn.execute(
            "SELECT org_id FROM agreement_parties WHERE agreement_id = ?", (row["id"],)
        )))
        for row in rows
    ]  # fmt: skip


def test_fitting_in_force_keeps_the_contract(story: sqlite3.Connection) -> None:
    def fitting(parties: list[tuple[int, str]], day: str) -> list[int]:
        return [row["id"] for row in fitting_in_force(story, parties, D(day))]

    assert fitting([(2, "guest"), (1, "host")], "2016-06-01") == [1]
    assert fitting([(1, "participant"), (2, "participant")], "2016-06-01") == [1]
    assert fitting([(2, "guest"), (1, "host")], "2016-05-01") == []  # not yet in force
    assert fitting([(3, "guest"), (1, "host")], "2016-06-01") == []
    assert fitting([(1, "participant"), (3, "participant")], "2016-06-01") == []
    assert fitting([(1, "participant")], "2016-06-01") == []


_DAYS = ["2015-12-31", "2016-01-01", "2016-06-30", "2016-07-01", "2017-12-31", "2018-01-01"]
_terms = st.tuples(
    st.sampled_from([None, "2016-01-01"]),  # signed_on
    st.sampled_from([None, "2015-06-01", "2016-07-01"]),  # valid_from
    st.sampled_from([None, "2016-06-30", "2017-12-31"]),  # valid_until
    st.sampled_from([None, "2016-07-01", "2017-01-01"]),  # terminated_on
)
_agreement = st.tuples(st.sets(st.integers(1, 5), min_size=1, max_size=4), _terms)
_visit = st.tuples(
    st.integers(1, 5), st.lists(st.integers(1, 5), min_size=0, max_size=3, unique=True)
).map(lambda hg: [(g, "guest") for g in hg[1] if g != hg[0]] + [(hg[0], "host")])
_meeting = st.lists(st.integers(1, 5), max_size=4, unique=True).map(
    lambda orgs: [(o, "participant") for o in orgs]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_agreement, max_size=8),
    st.one_of(_visit, _meeting),
    st.sampled_from(_DAYS),
)
def test_fitting_in_force_is_the_misfit_rule_over_every_agreement(
    agreements: list[tuple[set[int], tuple[str | None, ...]]],
    parties: list[tuple[int, str]],
    day: str,
) -> None:
    """The agreements the database finds fit are those _misfit lets through among every
    agreement in force with any of the parties: visits (the host and a guest) and meetings
    (two of the organisations), over terms signed or not, started, ended, terminated."""
    from rit_cli import db
    from rit_cli.models.orgs import Org
    from rit_cli.store.scheduling import _misfit

    conn = db.connect(Path(":memory:"))
    try:
        with db.transaction(conn):
            for org in range(1, 6):
                conn.execute(
                    "INSERT INTO orgs (id, uuid, created, updated, name, name_key, kind, country)"
                    " VALUES (?, ?, '', '', ?, ?, 'cluster', 'DE')",
                    (org, new_uuid(), f"Org {org}", f"org {org}"),
                )
            for number, (members, (signed, start, until, ended)) in enumerate(agreements, 1):
                conn.execute(
                    "INSERT INTO agreements (id, uuid, created, updated, title, title_key,"
                    " signed_on, valid_from, valid_until, terminated_on)"
                    " VALUES (?, ?, '', '', ?, ?, ?, ?, ?, ?)",
                    (number, new_uuid(), f"A{number}", f"a{number}", signed, start, until, ended),
                )
                conn.executemany(
                    "INSERT INTO agreement_parties (agreement_id, org_id) VALUES (?, ?)",
                    [(number, org) for org in members],
                )
        orgs = [(Org(o, "", f"Org {o}", None, "cluster", "DE", *[None] * 5), r) for o, r in parties]
        expected = [
            row["id"]
            for row, have in agreements_in_force_with_any(conn, [o for o, _ in parties], D(day))
            if _misfit(orgs, have) is None
        ]
        found = [row["id"] for row in fitting_in_force(conn, parties, D(day))]
        assert found == expected
    finally:
        conn.close()


def test_list_filters(story: sqlite3.Connection) -> None:
    add_agreement(story, AgreementInput("MoU draft", kind="mou", parties=("LSN", "KBIC")), TODAY)
    titles = lambda **kw: [a.title for a in list_agreements(story, TODAY, **kw)]  # noqa: E731
    assert titles() == ["LoI Kobe–LSN", "MoU draft"]
    assert titles(active=True) == ["LoI Kobe–LSN"]
    assert titles(org="KBIC") == ["MoU draft"]
    assert titles(field="Technology Transfer") == ["LoI Kobe–LSN"]
    assert titles(programme="RIT") == ["LoI Kobe–LSN"]
    with pytest.raises(NotFound):
        titles(programme="nope")


def test_edit_agreement_replaces_links_with_history(story: sqlite3.Connection) -> None:
    agreement, changed = edit_agreement(
        story, "1", AgreementInput(parties=("LSN", "FBRI", "KBIC"), fields=("networking",)), TODAY
    )
    assert changed == ["parties", "fields"]
    assert [p.label for p in agreement.parties] == ["LSN", "FBRI", "KBIC"]
    row = story.execute(
        "SELECT old, new FROM history WHERE field = 'parties' AND action = 'update'"
    ).fetchone()
    assert tuple(row) == ("LSN, FBRI", "LSN, FBRI, KBIC")
    _, changed = edit_agreement(story, "1", AgreementInput(fields=("networking",)), TODAY)
    assert changed == []


def test_clearing_the_obligation_clears_each_way(story: sqlite3.Connection) -> None:
    edit_agreement(story, "1", AgreementInput(each_way=True), TODAY)
    agreement, _ = edit_agreement(story, "1", AgreementInput(visits_per_year="0"), TODAY)
    assert agreement.visits_per_year is None and agreement.each_way is False


def visit_facts(conn: sqlite3.Connection, agreement_id: int) -> list[VisitFact]:
    """Every visit linked to an agreement, whatever its year (what compliance read once)."""
    rows = conn.execute(
        f"SELECT {_VISIT_COLUMNS} FROM exchanges"
        " WHERE agreement_id = ? AND type = 'visit' ORDER BY start_on, id",
        (agreement_id,),
    ).fetchall()
    return _facts(conn, rows)[agreement_id] if rows else []


def test_visit_facts_from_exchange_rows(story: sqlite3.Connection) -> None:
    add_visit(story, "done", "2016-06-10")
    add_visit(story, "planned", "2016-10-01", "2016-10-31", host=1, guests=(2,), day=False)
    add_visit(story, "scheduled", "2016-11-02", "2016-11-04")
    add_visit(story, "done", "2016-07-01", kind="meeting")  # meetings do not count
    add_visit(story, "done", "2016-07-02", agreement=None)  # not linked
    assert visit_facts(story, 1) == [
        VisitFact(frozenset({1}), 2, "done", D("2016-06-10"), D("2016-06-10")),
        VisitFact(frozenset({2}), 1, "planned", D("2016-10-01"), D("2016-10-31")),
        VisitFact(frozenset({1}), 2, "scheduled", D("2016-11-02"), D("2016-11-04")),
    ]


def test_a_years_visit_facts_of_many_agreements_at_once(story: sqlite3.Connection) -> None:
    add_agreement(
        story,
        AgreementInput("MoU FBRI–KBIC", parties=("FBRI", "KBIC"), signed="2016-01-10"),
        TODAY,
    )
    add_visit(story, "done", "2016-06-10")
    add_visit(story, "done", "2015-06-10")  # another year
    add_visit(story, "cancelled", "2016-07-01")
    add_visit(story, "planned", "2015-12-01", "2016-01-31", day=False)  # reaches into 2016
    add_visit(story, "planned", "2015-10-01", "2015-12-31", day=False)  # does not
    add_visit(story, "scheduled", "2016-09-02", host=4, guests=(2,), agreement=2)
    add_visit(story, "done", "2016-03-01", host=2, guests=(4,), agreement=2)
    both = visit_facts_for(story, [1, 2, 3], 2016)
    assert both == {i: visit_facts_for(story, [i], 2016)[i] for i in (1, 2)}  # as one by one
    assert both[1] == [
        VisitFact(frozenset({1}), 2, "planned", D("2015-12-01"), D("2016-01-31")),
        VisitFact(frozenset({1}), 2, "done", D("2016-06-10"), D("2016-06-10")),
    ]
    assert both[2] == [
        VisitFact(frozenset({4}), 2, "done", D("2016-03-01"), D("2016-03-01")),
        VisitFact(frozenset({2}), 4, "scheduled", D("2016-09-02"), D("2016-09-02")),
    ]
    held = visit_facts_for(story, [1, 2], 2016, planned=False)
    assert held == {1: [both[1][1]], 2: [both[2][0]]}
    assert visit_facts_for(story, [1, 2], 2016, held=False) == {1: [both[1][0]], 2: [both[2][1]]}
    assert visit_facts_for(story, [], 2016) == {}
    only_2 = visit_facts_for(story, [1, 2], 2016, parties={2})  # who visited whom: for 2 only
    assert only_2 == {1: [fact._replace(guests=frozenset()) for fact in both[1]], 2: both[2]}


def test_obligations_at_risk_in_as_many_queries_for_many_agreements(
    story: sqlite3.Connection,
) -> None:
    """Held visits settle met and missed; planned ones are read only where they can lift an
    agreement from at-risk to on-track. Every agreement in force is judged at once."""

    def agreement(title: str, parties: tuple[str, str], per_year: str, each_way: bool) -> int:
        terms = AgreementInput(
            title, parties=parties, signed="2016-01-10", visits_per_year=per_year
        )
        add_agreement(story, terms, TODAY)
        if each_way:
            edit_agreement(story, title, AgreementInput(each_way=True), TODAY)
        return find_agreement(story, title, TODAY).id

    def judged() -> tuple[list[tuple[int, str]], int]:
        statements: list[str] = []
        story.set_trace_callback(statements.append)
        try:
            items = obligations_at_risk(story, TODAY)
        finally:
            story.set_trace_callback(None)
        return [(item.record_id, item.message) for item in items], len(statements)

    def agreements(n: int) -> int:
        """One agreement on track, one met, one at risk each way: its id."""
        on_track = agreement(f"MoU FBRI–KBIC {n}", ("FBRI", "KBIC"), "2", False)
        add_visit(story, "done", "2016-03-01", host=2, guests=(4,), agreement=on_track)
        add_visit(story, "scheduled", "2016-09-02", host=4, guests=(2,), agreement=on_track)
        met = agreement(f"MoU JETRO–LSN {n}", ("JETRO", "LSN"), "1", False)
        add_visit(story, "done", "2016-04-01", host=3, guests=(1,), agreement=met)
        each_way = agreement(f"MoU LSN–KBIC {n}", ("LSN", "KBIC"), "2", True)
        add_visit(story, "done", "2016-03-01", host=4, guests=(1,), agreement=each_way)
        add_visit(story, "scheduled", "2016-09-10", host=4, guests=(1,), agreement=each_way)
        add_visit(
            story,
            "planned",
            "2016-10-01",
            "2016-10-31",
            host=1,
            guests=(4,),
            day=False,
            agreement=each_way,
        )
        return each_way

    each_way = agreements(1)
    items, queries = judged()
    assert items == [
        (1, "2016 requires 1 visit: 0 held, 0 planned; 1 more to schedule, 128 days left"),
        (
            each_way,
            "2016 requires 2 visits each way (to LSN: 0 held, 1 planned; to KBIC: 1 held,"
            " 1 planned); 1 more to schedule, 128 days left",
        ),
    ]
    another = agreements(2)
    more, more_queries = judged()
    assert [record for record, _ in more] == [1, each_way, another]
    assert more_queries == queries


def test_compliance_per_year_with_visits(story: sqlite3.Connection) -> None:
    extend_agreement(story, "1", "2017", None, TODAY)
    add_visit(story, "planned", "2016-10-01", "2016-10-31", day=False)
    add_visit(story, "done", "2017-03-01", host=1, guests=(2,))
    agreement = find_agreement(story, "1", TODAY)
    result = agreement_compliance(story, agreement, TODAY)
    assert [(c.year, c.required, c.held, c.planned, c.verdict) for c in result] == [
        (2016, 1, 0, 1, "on-track"),
        (2017, 1, 1, 0, "met"),
    ]
    edit_agreement(story, "1", AgreementInput(each_way=True), TODAY)
    detail = agreement_detail(story, "1", TODAY)
    assert [(c.year, c.verdict) for c in detail.compliance] == [
        (2016, "at-risk"),  # nobody is planned to visit LSN
        (2017, "at-risk"),
    ]
    assert [(d.host, d.verdict) for d in detail.compliance[0].directions] == [
        (1, "at-risk"),
        (2, "on-track"),
    ]


def test_fields_count_every_kind_of_record(story: sqlite3.Connection) -> None:
    add_cooperation(
        story,
        CooperationInput("Biobank pilot", ("LSN", "FBRI"), fields=("technology transfer",)),
        TODAY,
    )
    exchange = add_visit(story, "done", "2016-06-10")
    story.execute(
        "INSERT INTO exchange_fields (exchange_id, field) VALUES (?, 'networking')", (exchange,)
    )
    assert [(f.field, f.agreements, f.cooperations, f.exchanges) for f in list_fields(story)] == [
        ("market-introduction", 1, 0, 0),
        ("networking", 1, 0, 1),
        ("technology-transfer", 1, 1, 0),
    ]


def test_gaps_between_a_pair_and_in_a_programme(story: sqlite3.Connection) -> None:
    label, gaps = gaps_between(story, "FBRI", "LSN", D("2017-06-30"))
    assert label == "LSN and FBRI"
    assert [(g.start, g.end, g.ongoing) for g in gaps] == [(D("2017-01-01"), D("2017-06-30"), True)]
    label, gaps = programme_gaps(story, "RIT", TODAY)
    assert label == "RIT"
    assert [(g.start, g.end) for g in gaps] == [(D("2014-04-01"), D("2016-05-01"))]
    with pytest.raises(NotFound, match="no signed agreement between LSN and KBIC"):
        gaps_between(story, "LSN", "KBIC", TODAY)
    with pytest.raises(InvalidInput, match="given twice"):
        gaps_between(story, "LSN", "lsn", TODAY)


def test_cooperation_status_is_dated(story: sqlite3.Connection) -> None:
    add_cooperation(story, CooperationInput("Biobank pilot", ("LSN", "FBRI"), "1"), D("2016-01-10"))
    set_status(story, "biobank pilot", "talks", None, D("2016-03-01"))
    cooperation, changed = set_status(story, "1", "agreed", "signed", D("2016-09-01"))
    assert changed and cooperation.status == "agreed" and cooperation.since == D("2016-09-01")
    assert [(c.status, c.changed_on) for c in cooperation.history] == [
        ("idea", D("2016-01-10")),
        ("talks", D("2016-03-01")),
        ("agreed", D("2016-09-01")),
    ]
    _, changed = set_status(story, "1", "agreed", None, D("2016-09-02"))
    assert not changed
    set_status(story, "1", "running", None, D("2017-02-01"))
    assert cooperation.concrete_on == D("2016-09-01")
    assert [c.title for c in cooperations_became_concrete(story, 2016)] == ["Biobank pilot"]
    assert cooperations_became_concrete(story, 2017) == []
    with pytest.raises(InvalidInput, match="before the last change"):
        set_status(story, "1", "completed", None, D("2017-03-01"), "2017-01-01")
    with pytest.raises(InvalidInput, match="unknown status 'stalled'"):
        set_status(story, "1", "stalled", None, D("2017-03-01"))


def test_cooperation_created_as_agreed_is_concrete_that_year(story: sqlite3.Connection) -> None:
    add_cooperation(
        story, CooperationInput("Joint fair stand", ("LSN", "KBIC"), status="running"), TODAY
    )
    assert [c.title for c in cooperations_became_concrete(story, 2016)] == ["Joint fair stand"]
    assert [c.title for c in list_cooperations(story, status_filter="running")] == [
        "Joint fair stand"
    ]


def test_edit_cooperation(story: sqlite3.Connection) -> None:
    add_cooperation(story, CooperationInput("Biobank pilot", ("LSN", "FBRI")), TODAY)
    cooperation, changed = edit_cooperation(
        story, "1", CooperationInput(title="Biobank Pilot", orgs=("LSN", "KBIC"), agreement="1")
    )
    assert changed == ["title", "agreement", "organisations"]
    assert find_cooperation(story, "biobank pilot").agreement is not None
    assert [o.label for o in cooperation.orgs] == ["LSN", "KBIC"]


@pytest.mark.parametrize("today", ["2003-03-01", "2016-01-01", "2020-06-01", "2026-12-31"])
def test_compliance_read_a_year_at_a_time_is_compliance_over_every_visit(today: str) -> None:
    """show-agreement reads each year's visits (an agreement with 100 000 exchanges took
    159 MB): each year's verdict is the one all its visits give, in every agreement of a
    realistic database, on days before, inside and after most agreements' terms."""
    import sys
    from pathlib import Path

    from rit_cli import db, schedule
    from rit_cli.store.agreements import agreement_compliance, find_agreement, terms_of

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import make_dataset

    conn = db.connect(Path(":memory:"))
    try:
        with db.transaction(conn):
            make_dataset.build(conn, 600, seed=5)
        day = date.fromisoformat(today)
        judged = 0
        for (agreement_id,) in conn.execute("SELECT id FROM agreements").fetchall():
            agreement = find_agreement(conn, f"#{agreement_id}", day)
            terms = terms_of(agreement)
            every = visit_facts(conn, agreement_id)
            expected = [
                schedule.compliance(terms, year, every, day)
                for year in schedule.compliance_years(terms, day)
            ]
            assert agreement_compliance(conn, agreement, day) == (
                expected if agreement.visits_per_year else []
            )
            judged += sum(c.held + c.planned for c in expected)
        assert judged > 20  # visits were counted, not only empty years
    finally:
        conn.close()
