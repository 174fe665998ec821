"""Search: folding, the trigger-kept index, short and long queries, through the CLI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rit_cli.fold import FOLD, fold, sql_fold
from rit_cli.store.contacts import ContactInput, add_contact, edit_contact, remove_contact
from rit_cli.store.orgs import OrgInput, add_org, edit_org
from rit_cli.store.search import ORDER, PARTS, search

from .conftest import RitRunner


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Müller", "mueller"),
        ("ÖKO Äpfel Übersee", "oeko aepfel uebersee"),
        ("Hyōgo", "hyogo"),
        ("Poincaré", "poincare"),
        ("山田 花子", "山田 花子"),
        ("GROẞ", "gross"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(alphabet=st.sampled_from([*FOLD, *"AbZ山田 ÉxÿŸ'%_"]), max_size=30))
def test_sql_fold_agrees_with_python(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    value = conn.execute(f"SELECT {sql_fold('?1')}", (text,)).fetchone()[0]
    assert value == fold(text)


def test_every_folded_letter_is_in_the_sql_guard() -> None:
    assert all("\u00c0" <= ch <= "\u017f" or ch == "ẞ" for ch in FOLD)


@pytest.fixture
def story(conn: sqlite3.Connection) -> sqlite3.Connection:
    add_org(conn, OrgInput("Life Science Nord", "LSN", "cluster", "DE", "Hamburg"))
    add_org(
        conn, OrgInput("Handelskammer", None, "association", "DE", "Lübeck", note="Große Straße 1")
    )
    add_org(conn, OrgInput("神戸医療産業都市推進機構", "KBIC", "cluster", "JP", "Kobe", "Hyōgo"))
    add_contact(conn, ContactInput("山田 花子", "KBIC", None, "international relations"))
    add_contact(conn, ContactInput("Hinrich Habeck", "LSN", "Dr.", "Geschäftsführer"))
    return conn


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("山田", [("contact", "山田 花子", "name")]),
        ("神戸", [("org", "神戸医療産業都市推進機構", "name")]),
        ("strasse", [("org", "Handelskammer", "note")]),
        ("STRAẞE", [("org", "Handelskammer", "note")]),
        ("grosse", [("org", "Handelskammer", "note")]),
        ("luebeck", [("org", "Handelskammer", "city")]),
        ("Lübeck", [("org", "Handelskammer", "city")]),
        ("geschaeftsfuehrer", [("contact", "Hinrich Habeck", "role")]),
        ("hyogo", [("org", "神戸医療産業都市推進機構", "region")]),
        ("ls", [("org", "Life Science Nord", "short"), ("org", "Handelskammer", "name")]),
        ("nowhere", []),
    ],
)
def test_search_finds_japanese_and_german(
    story: sqlite3.Connection, query: str, expected: list[tuple[str, str, str]]
) -> None:
    assert [(h.kind, h.title, h.field) for h in search(story, query)] == expected


def test_index_follows_edits_and_deletes(story: sqlite3.Connection) -> None:
    edit_org(story, "LSN", OrgInput(name="Life Science Nord Management GmbH"))
    assert [h.title for h in search(story, "management")] == ["Life Science Nord Management GmbH"]
    edit_contact(story, "山田 花子", ContactInput(name="山本 花子"))
    assert search(story, "山田") == []
    assert [h.title for h in search(story, "山本")] == ["山本 花子"]
    remove_contact(story, "山本 花子")
    assert search(story, "花子") == []


def test_quotes_and_operators_are_literal(story: sqlite3.Connection) -> None:
    for query in ['"', 'a" OR "b', "NOT", "*", "%", "_"]:
        assert search(story, query) == []


def test_cli_search_json_and_lines(rit: RitRunner) -> None:
    assert rit("add-org", "Müller Straße GmbH", "--country", "DE").exit_code == 0
    assert rit("add-contact", "山田 太郎", "--org", "Müller Straße GmbH").exit_code == 0
    result = rit("search", "strasse", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "kind": "org",
            "id": 1,
            "title": "Müller Straße GmbH",
            "field": "name",
            "text": "Müller Straße GmbH",
        }
    ]
    result = rit("search", "山田")
    assert result.stdout.splitlines() == ["contact\t1\t山田 太郎\tname\t山田 太郎"]
    empty = rit("search", "   ")
    assert empty.exit_code == 2
    assert empty.stderr.startswith("error: search text must not be empty")


def test_a_cut_list_says_more_match(rit: RitRunner) -> None:
    """Records are listed kind by kind: a list cut at --limit may show no trips at all, so
    the reader is told on stderr (piped lines stay records, --json stays JSON)."""
    for n in range(3):
        assert rit("add-org", f"Kobe Cluster {n}", "--country", "JP").exit_code == 0
    assert (
        rit("add-trip", "Kobe delegation", "--from", "2016-09-01", "--to", "2016-09-03").exit_code
        == 0
    )
    cut = rit("search", "kobe", "--limit", "3")
    assert cut.exit_code == 0
    assert [line.split("\t")[0] for line in cut.stdout.splitlines()] == ["org"] * 3
    assert cut.stderr == "more records match: the first 3 are shown; --limit shows more\n"
    whole = rit("search", "kobe", "--limit", "4")
    assert whole.stdout.splitlines()[-1].startswith("trip\t1\tKobe delegation")
    assert whole.stderr == ""
    as_json = rit("search", "kobe", "--limit", "3", "--json")
    assert len(json.loads(as_json.stdout)) == 3 and as_json.stderr == ""


@pytest.mark.parametrize("limit", ["9223372036854775807", "99999999999999999999"])
def test_a_limit_past_any_database_lists_every_hit(rit: RitRunner, limit: str) -> None:
    assert rit("add-org", "Kobe Cluster", "--country", "JP").exit_code == 0
    result = rit("search", "kobe", "--limit", limit)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["org\t1\tKobe Cluster\tname\tKobe Cluster"]


def _every_hit(conn: sqlite3.Connection, wanted: str) -> list[tuple[str, int, str]]:
    """The search's order without paging: every match read and sorted, one per record."""
    rows = conn.execute(
        f"SELECT kind, record_id, field FROM search_index WHERE body MATCH ? ORDER BY {ORDER}",
        ('"' + wanted + '"',),
    ).fetchall()
    seen: dict[tuple[str, int], str] = {}
    for kind, record_id, field in rows:
        if kind in PARTS:  # shown as the record it belongs to
            shown, prefix, sql = PARTS[kind]
            record_id = conn.execute(sql.replace("FIELD", field), (record_id,)).fetchone()[0]
            kind, field = shown, f"{prefix} {field}"
        seen.setdefault((kind, record_id), field)
    return [(kind, record_id, field) for (kind, record_id), field in seen.items()]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50, 1000, 100_000])
@pytest.mark.parametrize("wanted", ["visit", "jp1", "matchmaking", "2021"])
def test_a_page_of_matches_gives_the_first_records_of_all(
    bench: sqlite3.Connection, wanted: str, limit: int
) -> None:
    """search reads limit * 16 index rows, not every match: the same first records."""
    expected = _every_hit(bench, wanted)
    assert len(expected) > 7  # the case matches more records than most limits
    found = [(h.kind, h.id, h.field) for h in search(bench, wanted, limit=limit)]
    assert found == expected[:limit]


@pytest.mark.parametrize("as_json", [False, True])
def test_hits_are_written_as_they_are_found(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    """`search --limit 1000000` of a common word at 500 000 exchanges held every hit
    (331 MB): each record is now looked up after the ones before it were written."""
    import sys

    from rit_cli.store import search as store

    for n in range(4):
        assert rit("add-org", f"Kobe Cluster {n}", "--country", "JP").exit_code == 0
    look_up = store._hit
    written_before: list[int] = []

    def watching(*args: object) -> object:
        sys.stdout.flush()
        written_before.append(len(sys.stdout.buffer.getvalue()))
        return look_up(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_hit", watching)
    result = rit("search", "kobe", "--limit", "3", *(["--json"] if as_json else []))
    assert result.exit_code == 0
    # Three shown, each looked up after the one before was written; a fourth looked up
    # once the list is written, to tell that more match.
    assert len(written_before) == 4
    assert written_before[0] == 0 and written_before == sorted(set(written_before))
    assert written_before[-1] == len(result.stdout.encode())


@pytest.fixture(scope="module")
def bench() -> Iterator[sqlite3.Connection]:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import make_dataset

    from rit_cli import db

    connection = db.connect(Path(":memory:"))
    with db.transaction(connection):
        make_dataset.build(connection, 600, seed=11)
    yield connection
    connection.close()


def test_a_search_reads_one_page_of_its_matches(bench: sqlite3.Connection) -> None:
    """Cost follows the hits shown: one page of limit * 16 index rows, not every match."""
    statements: list[str] = []
    bench.set_trace_callback(statements.append)
    try:
        hits = search(bench, "visit", limit=7)
    finally:
        bench.set_trace_callback(None)
    matches = bench.execute(
        "SELECT count(*) FROM search_index WHERE body MATCH ?", ('"visit"',)
    ).fetchone()[0]
    assert len(hits) == 7 and matches > 112
    pages = [s for s in statements if "MATCH" in s]
    assert len(pages) == 1 and pages[0].rstrip().endswith("LIMIT 112 OFFSET 0"), pages


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ｋｏｂｅ", "kobe"),  # full-width Latin, as Japanese input methods type it
        ("ＬＳＮ", "lsn"),
        ("ｶﾞｲｱ 株式会社", "ガイア 株式会社"),  # half-width katakana
        ("LoI Kobe–LSN", "loi kobe-lsn"),  # en dash
        ("A—B − C", "a-b - c"),  # em dash, minus
        ("plain ASCII - stays", "plain ascii - stays"),
    ],
)
def test_width_and_dashes_are_folded(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_search_finds_full_width_and_dashed_forms(rit: RitRunner) -> None:
    for args in (
        ["add-org", "Kobe Biomedical Innovation Cluster", "--short", "KBIC", "--country", "JP"],
        ["add-org", "ｶﾞｲｱ 株式会社", "--country", "JP"],
        ["add-org", "LSN", "--country", "DE"],
        ["add-agreement", "LoI Kobe–LSN", "--party", "KBIC", "--party", "LSN"],
    ):
        assert rit(*args).exit_code == 0
    for query, title in (
        ("ｋｏｂｅ", "Kobe Biomedical Innovation Cluster"),
        ("ガイア", "ｶﾞｲｱ 株式会社"),
        ("ｶﾞｲｱ", "ｶﾞｲｱ 株式会社"),
        ("kobe-lsn", "LoI Kobe–LSN"),
    ):
        hits = json.loads(rit("search", query, "--json").stdout)
        assert title in [h["title"] for h in hits], query


def _found(rit: RitRunner, query: str) -> list[tuple[str, int, str, str]]:
    result = rit("search", query, "--json")
    assert result.exit_code == 0, result.stderr
    return [(h["kind"], h["id"], h["field"], h["text"]) for h in json.loads(result.stdout)]


def test_a_trip_is_found_by_its_stops(rit: RitRunner) -> None:
    """A stop's city and note find its trip (m007); the index follows edit and remove."""
    rit("add-trip", "Delegation 2016", "--from", "2016-05-01", "--to", "2016-05-05")
    stop = ["add-stop", "1", "--country", "CN", "--from", "2016-05-04"]
    assert rit(*stop, "--city", "Shanghai", "--note", "Empfang in der Großen Halle").exit_code == 0
    assert _found(rit, "shanghai") == [("trip", 1, "stop city", "Shanghai")]
    assert _found(rit, "grossen halle") == [("trip", 1, "stop note", "Empfang in der Großen Halle")]
    result = rit("search", "Shanghai")
    assert result.stdout.splitlines() == ["trip\t1\tDelegation 2016\tstop city\tShanghai"]

    assert rit("edit-stop", "1", "Shanghai", "--city", "Peking").exit_code == 0
    assert _found(rit, "shanghai") == []
    assert _found(rit, "peking") == [("trip", 1, "stop city", "Peking")]
    assert rit("edit-stop", "1", "Peking", "--note", "").exit_code == 0
    assert _found(rit, "halle") == []

    assert rit("remove-stop", "1", "Peking").exit_code == 0
    assert _found(rit, "peking") == []
    assert rit(*stop, "--city", "Hangzhou").exit_code == 0
    assert rit("remove-trip", "1").exit_code == 0
    assert _found(rit, "hangzhou") == []


def test_a_trip_found_by_its_title_and_stops_is_one_hit(rit: RitRunner) -> None:
    """One hit per record, its own fields first; parts follow their record's kind."""
    rit("add-org", "Kobe Cluster", "--country", "JP")
    rit("add-org", "LSN", "--country", "DE")
    rit("add-trip", "Kobe trip", "--from", "2016-05-01", "--to", "2016-05-05")
    rit("add-trip", "Japan 2017", "--from", "2017-05-01", "--to", "2017-05-05")
    for trip, day in (("2", "2017-05-02"), ("1", "2016-05-02"), ("2", "2017-05-04")):
        ok = rit("add-stop", trip, "--city", "Kobe", "--country", "JP", "--from", day)
        assert ok.exit_code == 0, ok.stderr
    coop = ["add-cooperation", "Biobank pilot", "--org", "Kobe Cluster", "--org", "LSN"]
    assert rit(*coop).exit_code == 0
    status = ["set-cooperation-status", "Biobank pilot", "talks", "--note", "first talks in Kōbe"]
    assert rit(*status).exit_code == 0
    assert _found(rit, "kobe") == [
        ("org", 1, "name", "Kobe Cluster"),
        ("cooperation", 1, "status note", "first talks in Kōbe"),
        ("trip", 1, "title", "Kobe trip"),
        ("trip", 2, "stop city", "Kobe"),
    ]
    assert [h[:2] for h in _found(rit, "kob")] == [h[:2] for h in _found(rit, "KOBE")]
    assert _found(rit, "ｋｏｂｅ") == _found(rit, "kobe")  # folded as every field is
    assert rit("remove-cooperation", "Biobank pilot").exit_code == 0
    assert _found(rit, "talks") == []
