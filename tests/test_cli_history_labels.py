"""`rit history` shows what a reference names, not the id it stores: `agreement  #1 LoI`,
`stop  #1 Kobe 2016-05-02..2016-05-03`, participants by name, flags as yes/no; a record
removed since as `#ID (removed)`, a forgotten contact as `#ID (erased)`. --json keeps the
stored values and adds the labels."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rit_cli.models.orgs import Change
from rit_cli.store import delete, history, insert, record_history, update
from rit_cli.store.history import history_of, show_changes, shown_history

from .conftest import RitRunner
from .helpers import add_story_orgs, invoke, ok, quiet_ok, quiet_visit


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """LSN #1, FBRI #2, TST #3 (removed, its id taken by NEW); Dr. Hinrich Habeck #1,
    Yamada Hanako #2, Gone Person #3 (forgotten); agreement #1 'LoI Kobe–LSN' (each way);
    trip #1 with stop #1 Kobe (first TST's, then FBRI's); visit #1 LSN → FBRI at that
    stop under the LoI with all three people; meeting #2 online."""
    add_story_orgs(rit)
    ok(rit, "add-org", "Test GmbH", "--short", "TST", "--country", "DE")
    ok(rit, "add-contact", "Hinrich Habeck", "--title", "Dr.", "--org", "LSN")
    ok(rit, "add-contact", "Yamada Hanako", "--org", "FBRI")
    ok(rit, "add-contact", "Gone Person", "--org", "FBRI")
    ok(rit, "add-agreement", "LoI Kobe–LSN", "--party", "LSN", "--party", "FBRI",
       "--signed", "2016-05-02", "--until", "2017", "--visits-per-year", "1", "--each-way",
       "--signatory", "Hinrich Habeck")  # fmt: skip
    ok(rit, "add-trip", "Japan 2016", "--from", "2016-05-01", "--to", "2016-05-05")
    ok(rit, "add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02",
       "--to", "2016-05-03", "--org", "TST")  # fmt: skip
    ok(rit, "edit-stop", "1", "Kobe", "--org", "FBRI")
    quiet_ok(rit, "remove-org", "TST")
    ok(rit, "add-org", "New AG", "--short", "NEW", "--country", "DE")  # id 3 again
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-02", "--agreement", "1", "--trip", "1",
                "--participant", "Hinrich Habeck", "--participant", "Yamada Hanako",
                "--participant", "Gone Person")  # fmt: skip
    ok(rit, "add-meeting", "Call", "--org", "LSN", "--org", "FBRI", "--on", "2016-06-01",
       "--online")  # fmt: skip
    ok(rit, "forget-contact", "Gone Person", "--yes")
    return rit


def lines(rit: RitRunner, *args: str) -> list[list[str]]:
    """The history's piped lines, without the time: [action, field, old, new]."""
    return [line.split("\t")[1:] for line in quiet_ok(rit, "history", *args).splitlines()]


def test_references_show_their_labels(story: RitRunner) -> None:
    shown = lines(story, "1", "--kind", "exchange")
    assert ["create", "agreement", "", "#1 LoI Kobe–LSN"] in shown
    assert ["create", "stop", "", "#1 Kobe 2016-05-02..2016-05-03"] in shown
    assert ["create", "host", "", "#2 FBRI"] in shown
    assert ["create", "online", "", "no"] in shown
    assert ["create", "participants", "", "Dr. Hinrich Habeck, Yamada Hanako, #3 (erased)"] in (
        shown
    )
    assert not any(field.endswith("_id") or field == "starts_utc" for _, field, _, _ in shown)
    assert ["create", "sequence", "", "0"] in shown  # calendars count by it: kept as it is
    assert ["create", "online", "", "yes"] in lines(story, "2", "--kind", "exchange")


def test_a_fixed_time_is_shown_in_the_readers_zone(story: RitRunner) -> None:
    ok(story, "add-meeting", "Signing", "--org", "LSN", "--org", "FBRI", "--on", "2016-05-02",
       "--at", "14:00", "--place", "Kobe", "--tz", "Asia/Tokyo")  # fmt: skip
    assert ["create", "starts", "", "2016-05-02 07:00 CEST"] in lines(story, "Signing")
    utc = story("history", "Signing", "--tz", "UTC").stdout
    assert "\tstarts\t\t2016-05-02 05:00 UTC\n" in utc
    rows = json.loads(quiet_ok(story, "history", "Signing", "--json"))
    starts = next(row for row in rows if row["field"] == "starts_utc")
    assert (starts["new"], starts["field_label"], starts["new_label"]) == (
        "2016-05-02T05:00+00:00",
        "starts",
        "2016-05-02 07:00 CEST",
    )


def test_a_removed_record_keeps_its_id_and_says_so_even_once_its_id_is_taken(
    story: RitRunner,
) -> None:
    shown = lines(story, "1", "--kind", "trip")
    assert ["create", "stop #1 org", "", "#3 (removed)"] in shown
    assert ["update", "stop #1 org", "#3 (removed)", "#2 FBRI"] in shown
    assert ["create", "stop #1 trip", "", "#1 Japan 2016"] in shown
    # A change after the id was taken again names the new record.
    ok(story, "edit-stop", "1", "Kobe", "--org", "NEW")
    assert ["update", "stop #1 org", "#2 FBRI", "#3 NEW"] in lines(story, "1", "--kind", "trip")


def test_a_forgotten_contact_is_not_named_again(story: RitRunner) -> None:
    for args in (("1", "--kind", "exchange"), ("1", "--kind", "agreement")):
        for out in (quiet_ok(story, "history", *args), quiet_ok(story, "history", *args, "--json")):
            assert "Gone" not in out and "Person" not in out
    agreement = lines(story, "1", "--kind", "agreement")
    assert ["create", "signatories", "", "Dr. Hinrich Habeck"] in agreement
    assert ["create", "each_way", "", "yes"] in agreement


def test_json_keeps_the_stored_values_and_adds_the_labels(story: RitRunner) -> None:
    rows = json.loads(quiet_ok(story, "history", "1", "--kind", "exchange", "--json"))
    assert all(
        set(row) == {"at", "action", "field", "old", "new", "field_label", "old_label",
                     "new_label"}
        for row in rows
    )  # fmt: skip
    by_field = {row["field"]: row for row in rows if row["action"] == "create"}
    assert by_field["agreement_id"] | {"at": None} == {
        "at": None, "action": "create", "field": "agreement_id", "old": None, "new": "1",
        "field_label": "agreement", "old_label": None, "new_label": "#1 LoI Kobe–LSN",
    }  # fmt: skip
    assert by_field["participants"]["new"] == "#1, #2, #3"
    assert by_field["participants"]["new_label"] == (
        "Dr. Hinrich Habeck, Yamada Hanako, #3 (erased)"
    )
    assert (by_field["online"]["new"], by_field["online"]["new_label"]) == ("0", "no")
    title = by_field["title"]
    assert (title["field_label"], title["new_label"]) == ("title", title["new"])


HOSTILE = "[bold]Kobe[/] :smile: \x1b[31mred"


def test_hostile_labels_are_shown_literally(rit: RitRunner, db_path: Path) -> None:
    add_story_orgs(rit)
    ok(rit, "add-agreement", HOSTILE, "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-05-02")  # fmt: skip
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-06-01", "--agreement", "1")
    piped = quiet_ok(rit, "history", "1", "--kind", "exchange")
    assert "\tagreement\t\t#1 [bold]Kobe[/] :smile: \\x1b[31mred\n" in piped
    terminal = invoke(db_path, "history", "1", "--kind", "exchange", terminal=True, columns=200)
    assert terminal.exit_code == 0 and "\x1b[31m" not in terminal.stdout
    assert "#1 [bold]Kobe[/] :smile: \\x1b[31mred" in terminal.stdout
    rows = json.loads(quiet_ok(rit, "history", "1", "--kind", "exchange", "--json"))
    assert {"field": "agreement_id", "new_label": f"#1 {HOSTILE}"}.items() <= next(
        row for row in rows if row["field"] == "agreement_id"
    ).items()


# ----------------------------------------------------------------- show_changes, by itself


def changes(conn: sqlite3.Connection, record_id: int) -> list[tuple[str | None, ...]]:
    shown = show_changes(conn, history_of(conn, "exchanges", record_id))
    # What the command writes as it reads it: the same changes, named the same.
    assert list(shown_history(conn, "exchanges", record_id)) == shown
    return [(c.field, c.old, c.new) for c in shown]


def exchange(conn: sqlite3.Connection, **values: object) -> int:
    """An exchange row written straight through the store (no rules): its history is all
    this test needs."""
    return insert(
        conn,
        "exchanges",
        {"type": "meeting", "title": "M", "title_key": "m", "status": "planned",
         "start_on": "2016-05-02", "end_on": "2016-05-02", **values},
    )  # fmt: skip


def org(conn: sqlite3.Connection, name: str, short: str | None = None) -> int:
    return insert(
        conn, "orgs", {"name": name, "name_key": name.casefold(), "short": short,
                       "short_key": short.casefold() if short else None},
    )  # fmt: skip


def test_labels_name_what_the_ids_refer_to(conn: sqlite3.Connection) -> None:
    lsn = org(conn, "Life Science Nord", "LSN")
    plain = org(conn, "Plain Org")
    ex = exchange(conn, host_id=lsn, online=1)
    record_history(conn, "exchanges", ex, "u", "update", {"host_id": (lsn, plain)})
    record_history(conn, "exchanges", ex, "u", "update", {"participants": ("#9", "3 people")})
    record_history(conn, "exchanges", ex, "u", "update", {"host_id": ("x1", None)})
    shown = changes(conn, ex)
    assert ("host", None, "#1 LSN") in shown and ("online", None, "yes") in shown
    assert shown[-3:] == [
        ("host", "#1 LSN", "#2 Plain Org"),
        ("participants", "#9 (removed)", "3 people"),  # not a list of ids: as it is
        ("host", "x1", None),
    ]


def test_an_id_removed_after_the_change_names_no_newer_record(conn: sqlite3.Connection) -> None:
    first = org(conn, "First", "ONE")
    ex = exchange(conn)
    record_history(conn, "exchanges", ex, "u", "update", {"host_id": (None, first)})
    delete(conn, "orgs", first)
    again = org(conn, "Second", "TWO")
    assert again == first  # SQLite gives the freed id again
    record_history(conn, "exchanges", ex, "u", "update", {"host_id": (first, again)})
    assert [c for c in changes(conn, ex) if c[0] == "host"] == [
        ("host", None, "#1 (removed)"),
        ("host", "#1 TWO", "#1 TWO"),
    ]


def test_the_labels_of_a_long_history_take_a_fixed_number_of_queries(
    conn: sqlite3.Connection,
) -> None:
    orgs = [org(conn, f"Org {i}", f"O{i}") for i in range(30)]
    ex = exchange(conn, host_id=orgs[0])

    def queries(rows: int) -> int:
        for i in range(rows):
            before, after = orgs[i % 30], orgs[(i + 1) % 30]
            record_history(conn, "exchanges", ex, "u", "update", {
                "host_id": (before, after), "agreement_id": (None, i + 1),
                "participants": (None, f"#{i + 1}, #{i + 2}"), "online": (0, 1),
            })  # fmt: skip
        history = history_of(conn, "exchanges", ex)
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        try:
            shown = show_changes(conn, history)
        finally:
            conn.set_trace_callback(None)
        assert len(shown) == len(history)
        return len(seen)

    few = queries(5)
    assert few <= 6  # the records and the removed ones, for orgs, agreements and contacts
    assert queries(200) == few


def test_show_changes_keeps_the_stored_change(conn: sqlite3.Connection) -> None:
    ex = exchange(conn, online=0)
    stored = history_of(conn, "exchanges", ex)
    assert [s.change for s in show_changes(conn, stored)] == stored
    assert isinstance(stored[0], Change)


def test_shown_history_is_show_changes_of_every_kind_of_record(
    story: RitRunner, db_path: Path
) -> None:
    """Streamed, a history names what show_changes named: the story's references,
    removed and erased records, a trip's stops."""
    from rit_cli import db

    conn = db.connect(db_path)
    try:
        tables = {kind.table for kind in history.KINDS.values()}
        records = conn.execute("SELECT DISTINCT table_name, record_id, record_uuid FROM history")
        compared = set()
        for table, record_id, uuid in records.fetchall():
            if table not in tables:
                continue  # a stop: in its trip's history
            for by_uuid in (None, uuid):
                listed = show_changes(conn, history_of(conn, table, record_id, by_uuid))
                assert list(shown_history(conn, table, record_id, by_uuid)) == listed
                assert listed
            compared.add(table)
        assert compared == tables - {"programmes", "cooperations"}
    finally:
        conn.close()


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_history_is_written_as_it_is_read(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Each change is read after the ones before it were written: the history of a record
    changed 100 000 times is never held (it took 89 MB)."""
    import sys

    ok(rit, "add-org", "Life Science Nord", "--short", "LSN", "--country", "DE")
    for n in range(6):
        ok(rit, "edit-org", "LSN", "--note", f"note {n}")
    field = history._field
    written_before: list[int] = []

    def watching(*given: object) -> object:
        sys.stdout.flush()
        written_before.append(len(sys.stdout.buffer.getvalue()))
        return field(*given)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "_field", watching)
    out = ok(rit, "history", "LSN", "--kind", "org", *args)
    assert "note 5" in out
    assert len(written_before) >= 7 and written_before[0] == 0
    assert written_before == sorted(written_before)
    assert len(set(written_before)) == len(written_before)  # one more change written each
    assert written_before[-1] < len(out.encode())


def test_a_change_committed_while_history_is_read_is_not_half_seen(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """history reads the ids to name first, then the changes: both from one snapshot. A
    host changed by another process between the two reads showed an organisation that
    exists as '#3 (removed)'; now the history is the one before that change, whole."""
    from rit_cli import db
    from rit_cli.store.orgs import OrgInput, add_org

    add_story_orgs(rit)
    quiet_visit(rit, "LSN", "FBRI", "--on", "2016-05-02")
    before = ok(rit, "history", "1", "--kind", "exchange")
    wanted = history._wanted

    def and_meanwhile(*args: object) -> object:
        found = wanted(*args)
        other = db.connect(db_path)
        try:
            with db.transaction(other):
                org = add_org(other, OrgInput(name="Newco", short="NEW", country="DE"))
                update(other, "exchanges", 1, {"host_id": org.id})
        finally:
            other.close()
        return found

    monkeypatch.setattr(history, "_wanted", and_meanwhile)
    assert ok(rit, "history", "1", "--kind", "exchange") == before
    monkeypatch.setattr(history, "_wanted", wanted)
    after = ok(rit, "history", "1", "--kind", "exchange")
    assert "#3 NEW" in after and "(removed)" not in after
