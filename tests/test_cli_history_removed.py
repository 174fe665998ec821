"""`rit history` of removed records: by uuid, by id with --kind, by the name they last had;
and a record's history never mixes in the rows of a removed one that had its id before."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

import pytest

from rit_cli.store.history import find_record

from .conftest import RitRunner
from .helpers import ADD_FBRI, ok, quiet_ok, refused

ADD_TEST = ("add-org", "Test GmbH", "--short", "TST", "--country", "DE")


def rows(rit: RitRunner, *args: str) -> list[tuple[str, str | None, str | None]]:
    history = json.loads(quiet_ok(rit, "history", *args, "--json"))
    return [(h["action"], h["field"], h["new"]) for h in history]


def removed_org(rit: RitRunner) -> str:
    """Test GmbH (TST), #1, renamed, then removed: its uuid, as remove-org prints it."""
    ok(rit, *ADD_TEST)
    ok(rit, "edit-org", "TST", "--name", "Test AG")
    out = quiet_ok(rit, "remove-org", "TST")
    found = re.fullmatch(
        r"removed organisation #1 Test AG \(uuid ([0-9a-f-]{36}), for rit history\)\n", out
    )
    assert found, out
    return found[1]


@pytest.mark.parametrize(
    "args",
    [("1", "--kind", "org"), ("#1", "--kind", "org"), ("TST", "--kind", "org"), ("test ag",),
     ("tst",)],
)  # fmt: skip
def test_a_removed_organisation_is_found_by_id_with_kind_and_by_its_last_name(
    rit: RitRunner, args: tuple[str, ...]
) -> None:
    uuid = removed_org(rit)
    expected = rows(rit, uuid)
    assert expected[0] == ("create", "name", "Test GmbH")
    assert expected[-1] == ("delete", None, None)
    assert rows(rit, *args) == expected


def test_a_former_name_or_an_id_without_kind_does_not_find_it(rit: RitRunner) -> None:
    removed_org(rit)
    refused(rit("history", "Test GmbH"), "no record 'Test GmbH'")
    refused(rit("history", "1"), "no record '1'")
    refused(rit("history", "2", "--kind", "org"), "no organisation '2'")


def test_a_removed_contact_is_found_by_id_and_name(rit: RitRunner) -> None:
    ok(rit, *ADD_FBRI)
    ok(rit, "add-contact", "Wrong Person", "--org", "FBRI")
    out = quiet_ok(rit, "remove-contact", "Wrong Person")
    assert re.fullmatch(
        r"removed contact #1 Wrong Person \(uuid [0-9a-f-]{36}, for rit history\)\n", out
    )
    for args in (
        ("1", "--kind", "contact"),
        ("wrong person",),
        ("Wrong Person", "--kind", "contact"),
    ):
        changes = rows(rit, *args)
        assert changes[0] == ("create", "name", "Wrong Person")
        assert changes[-1] == ("delete", None, None)


def test_an_id_taken_again_shows_only_the_live_record(rit: RitRunner) -> None:
    uuid = removed_org(rit)
    ok(rit, "add-org", "Other AG", "--short", "OTH", "--country", "DE")  # id 1 again
    live = rows(rit, "1", "--kind", "org")
    assert live[0] == ("create", "name", "Other AG")
    assert ("delete", None, None) not in live and ("create", "name", "Test GmbH") not in live
    assert rows(rit, "OTH") == live
    removed = rows(rit, uuid)
    assert removed[-1] == ("delete", None, None)
    assert ("create", "name", "Other AG") not in removed
    assert rows(rit, "TST") == removed  # the short name is free: the removed one still has it


def test_two_removed_records_of_one_name_are_ambiguous(
    rit: RitRunner, dump: Callable[[], str]
) -> None:
    first = removed_org(rit)
    ok(rit, *ADD_TEST)
    second = quiet_ok(rit, "remove-org", "TST").split("uuid ")[1].split(",")[0]
    result = refused(rit("history", "TST", "--kind", "org"), "'TST' could be removed organisation")
    assert first in result.stderr and second in result.stderr and "give the uuid" in result.stderr
    assert rows(rit, second)[0] == ("create", "name", "Test GmbH")


def test_finding_a_removed_record_by_id_reads_the_history_index(conn: sqlite3.Connection) -> None:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        with pytest.raises(Exception, match="no organisation '7'"):
            find_record(conn, "7", "org")
    finally:
        conn.set_trace_callback(None)
    lookups = [s for s in seen if "FROM history" in s]
    plans = [" ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in lookups]
    assert any("history_record (table_name=? AND record_id=?)" in p for p in plans), plans
    assert not any("SCAN history" in p for p in plans), plans


def test_a_removed_trip_is_found_by_id_and_title_with_its_stops(rit: RitRunner) -> None:
    ok(rit, "add-trip", "Japan 2016", "--from", "2016-05-01", "--to", "2016-05-05")
    ok(rit, "add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02",
       "--to", "2016-05-03")  # fmt: skip
    quiet_ok(rit, "remove-trip", "1")
    expected = rows(rit, "1", "--kind", "trip")
    assert expected[0] == ("create", "title", "Japan 2016")
    assert ("create", "stop #1 city", "Kobe") in expected
    assert expected[-2:] == [("delete", "stop #1", None), ("delete", None, None)]
    assert rows(rit, "japan 2016") == expected
    # A new trip given the same id shows only its own history.
    ok(rit, "add-trip", "China 2016", "--from", "2016-06-01", "--to", "2016-06-03")
    assert [r[2] for r in rows(rit, "1", "--kind", "trip")] == [
        "China 2016",
        "2016-06-01",
        "2016-06-03",
    ]


def test_a_stop_id_taken_again_by_another_trip_stays_in_its_own_trip_s_history(
    rit: RitRunner,
) -> None:
    """Review: after Trip A's last stop was removed, Trip B's new stop got its id, and
    each trip's history showed the other's stop."""
    ok(rit, "add-trip", "Trip A", "--from", "2016-10-01", "--to", "2016-10-05")
    ok(rit, "add-trip", "Trip B", "--from", "2016-11-01", "--to", "2016-11-05")
    ok(rit, "add-stop", "Trip A", "--city", "Osaka", "--country", "JP", "--from", "2016-10-02")
    ok(rit, "add-stop", "Trip A", "--city", "Kyoto", "--country", "JP", "--from", "2016-10-03")
    quiet_ok(rit, "remove-stop", "Trip A", "Kyoto")
    ok(rit, "add-stop", "Trip B", "--city", "Seoul", "--country", "KR", "--from", "2016-11-02")
    a = [new for _, field, new in rows(rit, "Trip A") if field and field.endswith("city")]
    b = [new for _, field, new in rows(rit, "Trip B") if field and field.endswith("city")]
    assert (a, b) == (["Osaka", "Kyoto"], ["Seoul"])


def test_a_uuid_of_another_kind_than_kind_says_so(rit: RitRunner) -> None:
    """--kind narrows a uuid too: it once showed the organisation's history for --kind contact."""
    removed = removed_org(rit)
    refused(rit("history", removed, "--kind", "trip"), "not a record of kind 'trip'")
    ok(rit, *ADD_FBRI)
    uuid = json.loads(ok(rit, "show-org", "FBRI", "--json"))["uuid"]
    refused(rit("history", uuid, "--kind", "contact"), f"'{uuid}' is organisation #1, not a")
    assert "create" in ok(rit, "history", uuid, "--kind", "org")
