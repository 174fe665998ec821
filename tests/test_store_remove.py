"""Removing what was entered by mistake, in the store: every row of the record's own goes
with it (foreign keys are on, so a forgotten link table would fail the delete), what still
refers to it refuses in one line, and its history and reminders are kept or forgotten."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from rit_cli.errors import Conflict, NotFound
from rit_cli.store.agreements import (
    AgreementInput,
    add_agreement,
    extend_agreement,
    remove_agreement,
)
from rit_cli.store.contacts import ContactInput, add_contact
from rit_cli.store.cooperations import (
    CooperationInput,
    add_cooperation,
    remove_cooperation,
    set_status,
)
from rit_cli.store.history import find_record, history_of
from rit_cli.store.orgs import OrgInput, add_org
from rit_cli.store.programmes import (
    ProgrammeInput,
    add_programme,
    extend_programme,
    remove_programme,
)
from rit_cli.store.scheduling import ExchangeInput, When, add_exchange, remove_exchange
from rit_cli.store.search import search

TODAY = date(2016, 8, 25)


@pytest.fixture
def story(conn: sqlite3.Connection) -> sqlite3.Connection:
    """LSN, FBRI, JETRO, Habeck; programme RIT (extended), the LoI under it (extended, with
    fields and a signatory) and the Duplicate LoI, which nothing refers to yet."""
    for name, short, country in [
        ("Life Science Nord", "LSN", "DE"),
        ("Foundation for Biomedical Research and Innovation", "FBRI", "JP"),
        ("Japan External Trade Organization", "JETRO", "JP"),
    ]:
        add_org(conn, OrgInput(name, short, country=country))
    add_contact(conn, ContactInput("Hinrich Habeck", "LSN", "Dr."))
    add_programme(
        conn,
        ProgrammeInput("Regional Industry-Tie-Up", "RIT", "JETRO", "2014-04-01", "2016"),
        TODAY,
    )
    extend_programme(conn, "RIT", "2017", "worked well", TODAY)
    for title in ("LoI Kobe–LSN", "Duplicate LoI"):
        add_agreement(
            conn,
            AgreementInput(
                title,
                parties=("LSN", "FBRI"),
                programme="RIT" if title.startswith("LoI") else None,
                signed="2016-05-02",
                valid_until="2016",
                fields=("networking",),
                visits_per_year="1",
                signatories=("Hinrich Habeck",),
                note="Kobe signing",
            ),
            TODAY,
        )
    extend_agreement(conn, "Duplicate LoI", "2017", None, TODAY)
    return conn


def count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def visit(conn: sqlite3.Connection, title: str, **given: object) -> int:
    data = ExchangeInput(
        "visit",
        When(window="2016-10"),
        title=title,
        guests=("LSN",),
        host="FBRI",
        fields=("networking",),
        participants=("Hinrich Habeck",),
        **{"agreement": "LoI Kobe–LSN", **given},  # type: ignore[arg-type]
    )
    return add_exchange(conn, data, TODAY).exchanges[0].id


def test_remove_agreement_takes_its_parties_fields_signatories_and_extensions(
    story: sqlite3.Connection,
) -> None:
    uuid = story.execute("SELECT uuid FROM agreements WHERE id = 2").fetchone()[0]
    assert search(story, "Kobe signing")  # both agreements' notes are indexed
    removed = remove_agreement(story, "duplicate loi")
    assert (removed.kind, removed.id, removed.name, removed.uuid) == (
        "agreement", 2, "Duplicate LoI", uuid,
    )  # fmt: skip
    for table in ("agreement_parties", "agreement_fields", "agreement_signatories", "extensions"):
        assert count(story, f"SELECT count(*) FROM {table} WHERE agreement_id = 2") == 0, table
    assert count(story, "SELECT count(*) FROM agreements") == 1
    assert count(story, "SELECT count(*) FROM search_index WHERE kind = 'agreement'"
                 " AND record_id = 2") == 0  # fmt: skip
    # The extension's removal is in its own history; the agreement's ends with its delete.
    assert count(story, "SELECT count(*) FROM history WHERE table_name = 'extensions'"
                 " AND action = 'delete'") == 1  # fmt: skip
    assert history_of(story, "agreements", 2, uuid)[-1].action == "delete"
    assert story.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_removed_agreement_is_found_by_its_title_and_by_its_id_with_the_kind(
    story: sqlite3.Connection,
) -> None:
    uuid = remove_agreement(story, "Duplicate LoI").uuid
    assert find_record(story, "duplicate loi", None)[3] == uuid
    assert find_record(story, "2", "agreement")[3] == uuid
    assert find_record(story, uuid, None)[3] == uuid


def test_remove_agreement_is_refused_naming_the_first_referrer_and_how_many_more(
    story: sqlite3.Connection,
) -> None:
    for title in ("First visit", "Second visit", "Third visit"):
        visit(story, title, agreement="LoI Kobe–LSN")
    add_cooperation(story, CooperationInput("Pilot", ("LSN", "FBRI"), "LoI Kobe–LSN"), TODAY)
    with pytest.raises(Conflict) as refused:
        remove_agreement(story, "LoI Kobe–LSN")
    assert str(refused.value) == (
        "agreement 'LoI Kobe–LSN' is still referred to by exchange #1 'First visit' and 2 more"
        " (unlink: rit edit-exchange ID --no-agreement); cooperation #1 'Pilot'"
        " (unlink: rit edit-cooperation ID --agreement ''); unlink or remove those first"
    )
    assert count(story, "SELECT count(*) FROM agreements") == 2


def test_remove_programme_takes_its_extensions_and_is_refused_while_an_agreement_has_it(
    story: sqlite3.Connection,
) -> None:
    with pytest.raises(Conflict, match=r"by agreement #1 'LoI Kobe–LSN' \(unlink: rit"
                       r" edit-agreement ID --programme ''\)"):  # fmt: skip
        remove_programme(story, "RIT")
    story.execute("UPDATE agreements SET programme_id = NULL")
    removed = remove_programme(story, "rit")
    assert (removed.kind, removed.name) == ("programme", "Regional Industry-Tie-Up")
    assert count(story, "SELECT count(*) FROM extensions WHERE programme_id IS NOT NULL") == 0
    assert find_record(story, "RIT", None)[3] == removed.uuid  # by the short name it had


def test_remove_cooperation_takes_its_organisations_fields_and_status_history(
    story: sqlite3.Connection,
) -> None:
    add_cooperation(
        story,
        CooperationInput("Pilot", ("LSN", "FBRI", "JETRO"), "LoI Kobe–LSN", ("networking",)),
        TODAY,
    )
    set_status(story, "Pilot", "agreed", None, TODAY)
    removed = remove_cooperation(story, "pilot")
    assert (removed.kind, removed.id, removed.name) == ("cooperation", 1, "Pilot")
    for table in ("cooperation_orgs", "cooperation_fields", "cooperation_status_changes"):
        assert count(story, f"SELECT count(*) FROM {table}") == 0, table
    assert find_record(story, "Pilot", "cooperation")[3] == removed.uuid


def test_remove_exchange_takes_its_links_span_and_search_rows(story: sqlite3.Connection) -> None:
    first = visit(story, "Duplicate visit", note="entered twice")
    second = visit(story, "Kept visit")
    removed = remove_exchange(story, str(first))
    assert (removed.kind, removed.id, removed.series_kept) == ("visit", first, 0)
    for table in ("exchange_orgs", "exchange_participants", "exchange_fields"):
        assert count(story, f"SELECT count(*) FROM {table} WHERE exchange_id = ?", first) == 0
        assert count(story, f"SELECT count(*) FROM {table} WHERE exchange_id = ?", second) > 0
    assert count(story, "SELECT count(*) FROM exchange_spans WHERE id = ?", first) == 0
    assert not search(story, "entered twice")
    assert find_record(story, str(first), "exchange")[3] == removed.uuid
    # Not by the title it had: the exchanges' history is too long to read for a name.
    with pytest.raises(NotFound):
        find_record(story, "Duplicate visit", "exchange")


def test_remove_exchange_of_a_yearly_plan_removes_that_one_and_counts_the_others(
    story: sqlite3.Connection,
) -> None:
    data = ExchangeInput(
        "visit",
        When(on="2016-10-12"),
        guests=("LSN",),
        host="FBRI",
        yearly=True,
        until="2018",
        agreement="LoI Kobe–LSN",
    )
    ids = [ex.id for ex in add_exchange(story, data, TODAY).exchanges]
    assert len(ids) == 3
    assert remove_exchange(story, str(ids[1])).series_kept == 2
    assert [r[0] for r in story.execute("SELECT id FROM exchanges ORDER BY id")] == [
        ids[0],
        ids[2],
    ]


def test_removing_forgets_what_remind_new_printed_about_the_record_only(
    story: sqlite3.Connection,
) -> None:
    first = visit(story, "Duplicate visit")
    second = visit(story, "Kept visit")
    uuids = dict(story.execute("SELECT id, uuid FROM exchanges"))
    agreement = story.execute("SELECT uuid FROM agreements WHERE id = 2").fetchone()[0]
    keys = [
        f"window-opens:exchange:{uuids[first]}",
        f"decide-by:exchange:{uuids[first]}",
        f"window-opens:exchange:{uuids[second]}",
        f"at-risk:agreement:{agreement}",
        f"expiring:agreement:{agreement}",
    ]
    story.executemany(
        "INSERT INTO reminders_sent (key, fingerprint, sent_at) VALUES (?, 'f', 'x')",
        [(k,) for k in keys],
    )
    remove_exchange(story, str(first))
    remove_agreement(story, "Duplicate LoI")
    left = [k for (k,) in story.execute("SELECT key FROM reminders_sent")]
    assert left == [f"window-opens:exchange:{uuids[second]}"]


def test_unknown_and_ambiguous_references_are_refused(story: sqlite3.Connection) -> None:
    visit(story, "Same title")
    visit(story, "Same title")
    with pytest.raises(Exception, match="exchange 'same title' is ambiguous"):
        remove_exchange(story, "same title")
    for remove, what in [
        (remove_agreement, "agreement"),
        (remove_programme, "programme"),
        (remove_cooperation, "cooperation"),
        (remove_exchange, "exchange"),
    ]:
        with pytest.raises(NotFound, match=f"no {what} 'nothing'"):
            remove(story, "nothing")
