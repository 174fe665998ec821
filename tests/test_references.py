"""What refers to an organisation or a contact: counted and listed from the database.

The home organisation of a busy office is a party to every exchange: its page lists the
first REFERENCES_SHOWN of each kind and says how many more there are, its JSON lists every
one as it is read, and a refused removal counts them. (At 500 000 exchanges the page took
over five minutes and the contact's 200 MB.)
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rit_cli import db, render
from rit_cli.commands._common import REFERENCES_SHOWN, referred_by
from rit_cli.store.contacts import references_to_contact
from rit_cli.store.orgs import references_to_org

from .helpers import ADD_JETRO, RitRunner, add_story_orgs, ok, schedule_visit
from .test_json_stream import JSON_VALUES, _dumped

MORE = 3  # exchanges beyond what the page shows
VISITS = REFERENCES_SHOWN + MORE


@pytest.fixture
def busy(rit: RitRunner) -> RitRunner:
    """LSN hosts or visits FBRI VISITS times; Hinrich Habeck of LSN takes part in each."""
    add_story_orgs(rit)
    ok(rit, "add-contact", "Hinrich Habeck", "--org", "LSN")
    for i in range(VISITS):
        guest, host = ("LSN", "FBRI") if i % 2 else ("FBRI", "LSN")
        day = f"2017-{i // 28 + 1:02d}-{i % 28 + 1:02d}"
        schedule_visit(rit, guest, host, "--on", day, "--participant", "Hinrich Habeck")
    return rit


def _exchanges_line(page: str) -> str:
    return next(line for line in page.splitlines() if line.startswith("exchanges: "))


@pytest.mark.parametrize("command", [("show-org", "LSN"), ("show-contact", "Hinrich Habeck")])
def test_a_page_lists_the_first_of_each_kind_and_counts_the_rest(
    busy: RitRunner, command: tuple[str, ...]
) -> None:
    line = _exchanges_line(ok(busy, *command))
    ids = [int(n) for n in re.findall(r"#(\d+) ", line)]
    assert ids == list(range(1, REFERENCES_SHOWN + 1))
    assert line.endswith(f", … and {MORE} more (--json lists them all)")


@pytest.mark.parametrize("command", [("show-org", "LSN"), ("show-contact", "Hinrich Habeck")])
def test_json_lists_every_record_referring_in_id_order(
    busy: RitRunner, command: tuple[str, ...]
) -> None:
    data = json.loads(ok(busy, *command, "--json"))
    listed = data["referred_to_by"]["exchange"]
    assert [int(entry.split()[0][1:]) for entry in listed] == list(range(1, VISITS + 1))
    assert listed[0] == "#1 FBRI → LSN visit 2017-01-01"
    assert listed[1] == "#2 LSN → FBRI visit 2017-01-02"


def test_a_page_with_few_references_lists_them_all(busy: RitRunner) -> None:
    ok(busy, *ADD_JETRO)
    schedule_visit(busy, "JETRO", "FBRI", "--on", "2018-03-01")
    page = ok(busy, "show-org", "JETRO")
    assert _exchanges_line(page) == f"exchanges: #{VISITS + 1} JETRO → FBRI visit 2018-03-01"
    data = json.loads(ok(busy, "show-org", "JETRO", "--json"))
    assert data["referred_to_by"] == {"exchange": [f"#{VISITS + 1} JETRO → FBRI visit 2018-03-01"]}


def test_a_record_nothing_refers_to_has_an_empty_object(busy: RitRunner) -> None:
    ok(busy, *ADD_JETRO)
    assert json.loads(ok(busy, "show-org", "JETRO", "--json"))["referred_to_by"] == {}
    assert "exchanges" not in ok(busy, "show-org", "JETRO")


def test_a_refused_removal_counts_what_refers(busy: RitRunner, dump: Any) -> None:
    before = dump()
    result = busy("remove-org", "LSN")
    assert result.exit_code == 2
    assert (
        f"1 contact (#1 Hinrich Habeck); {VISITS} exchanges (#1 FBRI → LSN visit 2017-01-01, "
        "#2 LSN → FBRI visit 2017-01-02, #3 FBRI → LSN visit 2017-01-03, …)"
    ) in result.stderr
    result = busy("remove-contact", "Hinrich Habeck")
    assert result.exit_code == 2
    assert f"still referred to by {VISITS} exchanges (#1 FBRI → LSN visit" in result.stderr
    assert dump() == before


# --------------------------------------------------------------------------- the store


@pytest.fixture
def conn(busy: RitRunner, db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(db_path)
    yield connection
    connection.close()


def test_a_host_that_is_also_a_party_is_listed_once(conn: sqlite3.Connection) -> None:
    refs = references_to_org(conn, 1)
    assert refs.count("exchange") == VISITS == len(list(refs.entries("exchange")))
    # An exchange naming the host only as host (a database written by an older rit, or
    # imported) is found too, and once.
    conn.execute("DELETE FROM exchange_orgs WHERE exchange_id = 1 AND org_id = 1")
    assert refs.count("exchange") == VISITS
    conn.execute("DELETE FROM exchange_orgs WHERE exchange_id = 2 AND org_id = 1")
    assert refs.count("exchange") == VISITS - 1
    assert [e.split()[0] for e in refs.entries("exchange", 2)] == ["#1", "#3"]


def test_listed_and_summary(conn: sqlite3.Connection) -> None:
    refs = references_to_contact(conn, 1)
    assert refs.kinds() == ["exchange"]
    listed = referred_by(refs, False, 2)
    assert listed == {
        "exchange": [
            "#1 FBRI → LSN visit 2017-01-01",
            "#2 LSN → FBRI visit 2017-01-02",
            f"… and {VISITS - 2} more (--json lists them all)",
        ]
    }
    assert (
        referred_by(refs, False, VISITS)["exchange"][-1] == f"#{VISITS} FBRI → LSN visit 2017-01-23"
    )
    assert refs.summary(1) == [f"{VISITS} exchanges (#1 FBRI → LSN visit 2017-01-01, …)"]
    assert references_to_org(conn, 1).summary(1)[0] == "1 contact (#1 Hinrich Habeck)"


def test_the_reference_queries_search_indexes_never_scan(conn: sqlite3.Connection) -> None:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        for refs in (references_to_org(conn, 1), references_to_contact(conn, 1)):
            referred_by(refs, False, 2)
            refs.summary()
            for entries in refs.every().values():
                list(entries)
    finally:
        conn.set_trace_callback(None)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    statements = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(statements) > 10
    for sql in statements:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        scans = [s for s in plan if (m := re.match(r"SCAN (\w+)", s)) and m[1] in tables]
        assert not scans, (sql, plan)


# ------------------------------------------------------------------ JSON with iterators

OBJECTS_OF_LISTS = st.dictionaries(
    st.text(),
    st.lists(JSON_VALUES, max_size=4)
    | st.dictionaries(st.text(), st.lists(JSON_VALUES, max_size=4), max_size=3),
    max_size=4,
)


def _as_iterators(value: Any) -> Any:
    """The same document with lists as iterators, as a page's references are: the lists
    that are members of objects, and those in them (an object in a list is whole)."""
    if isinstance(value, dict):
        return {k: _as_iterators(v) for k, v in value.items()}
    if isinstance(value, list):
        return iter([v if isinstance(v, dict) else _as_iterators(v) for v in value])
    return value


@given(OBJECTS_OF_LISTS)
def test_json_of_iterators_is_the_text_of_the_lists(value: dict[str, Any]) -> None:
    assert "".join(render.json_pieces(_as_iterators(value))) == _dumped(value, ascii_only=False)
    assert render.to_json(_as_iterators({"nested": value})) == _dumped(
        {"nested": value}, ascii_only=False
    )


def test_json_of_an_iterator_is_written_as_it_is_read() -> None:
    """Each entry is read after the ones before it were given out as text."""
    given_out: list[str] = []
    read_after: list[int] = []

    def entries() -> Iterator[str]:
        for i in range(4):
            read_after.append(len("".join(given_out)))
            yield f"#{i}"

    for piece in render.json_pieces({"id": 1, "referred_to_by": {"exchange": entries()}}):
        given_out.append(piece)
    text = "".join(given_out)
    assert json.loads(text) == {"id": 1, "referred_to_by": {"exchange": ["#0", "#1", "#2", "#3"]}}
    assert read_after == sorted(read_after) and len(set(read_after)) == 4
    assert all(f'"#{i}"' in text[: read_after[i + 1]] for i in range(3))


@pytest.mark.parametrize("command", ["show-org", "show-contact"])
def test_the_help_says_how_many_the_page_lists(rit: RitRunner, command: str) -> None:
    assert f"the first {REFERENCES_SHOWN}" in " ".join(ok(rit, command, "--help").split())
