"""import json checks every value of the file as the commands do, and refuses a bad file whole.

The demo's export is changed one value (or a few) at a time; each change is refused with
an error naming the record and the field, exit 2, and the database unchanged: into an
empty database and with --merge into one that holds the demo.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rit_cli.store import transfer_checks
from rit_cli.store.transfer import LABELS

from .conftest import RitRunner
from .helpers import empty_database, invoke, ok

Tables = dict[str, list[dict[str, Any]]]

# The demo's records the cases change, as (table, what identifies the record).
KOBE_VISIT = ("exchanges", {"title": "StK SH + MWAVT + LSN → FBRI visit 2016-05-02"})
SIGNING = ("exchanges", {"title": "Signing of the LoI Kobe–LSN"})
WORKSHOP = ("exchanges", {"title": "Partnering workshop Hamburg"})  # window 2016-10
LSN = ("orgs", {"short": "LSN"})
YAMADA = ("contacts", {"name": "山田 花子"})
RIT_PROGRAMME = ("programmes", {})
LOI = ("agreements", {})
EXTENSION = ("extensions", {})
TRIP = ("trips", {})
KOBE_STOP = ("trip_stops", {"city": "Kobe"})
BIOBANK = ("cooperations", {"title": "Biobank sample exchange pilot"})
STATUS_CHANGE = ("cooperation_status_changes", {})
ORG_TAG = ("org_tags", {})
AGREEMENT_FIELD = ("agreement_fields", {})
EXCHANGE_ORG = ("exchange_orgs", {})
HISTORY = ("history", {})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The demo's export, and a database that holds exactly it (made once)."""
    where = tmp_path_factory.mktemp("demo")
    source, copy_of = where / "demo.db", where / "copy.db"
    assert invoke(source, "demo", "--db", str(source)).exit_code == 0
    text = invoke(source, "export", "json").stdout
    path = where / "demo.json"
    path.write_text(text, encoding="utf-8")
    assert invoke(copy_of, "import", "json", str(path)).exit_code == 0
    assert not Path(str(copy_of) + "-wal").exists()  # closed cleanly: the file is all of it
    return text, copy_of


def find(tables: Tables, table: str, match: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The position (from 1) and the record of the first record of table with match."""
    for index, record in enumerate(tables[table], 1):
        if all(record.get(k) == v for k, v in match.items()):
            return index, record
    raise AssertionError(f"no {table} record with {match} in the demo")


def changed(text: str, *edits: tuple[tuple[str, dict[str, Any]], dict[str, Any]]) -> str:
    document = json.loads(text)
    for (table, match), values in edits:
        find(document["tables"], table, match)[1].update(values)
    return json.dumps(document, indent=1)  # ASCII: a lone surrogate is written as \ud800


def prepare(mode: str, db_path: Path, template: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if mode == "fresh":
        empty_database(db_path)
    else:
        shutil.copyfile(template, db_path)


def refused(rit: RitRunner, path: Path, mode: str, dump: Callable[[], str]) -> str:
    """Import the file; assert it was refused as a whole; the error line."""
    before = dump()
    result = rit("import", "json", str(path), *(["--merge"] if mode == "merge" else []))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.rstrip().endswith("; nothing was imported"), result.stderr
    assert dump() == before
    return result.stderr


LONG_TITLE = "x" * 100_000
CASES: list[tuple[str, tuple[str, dict[str, Any]], dict[str, Any], str, str]] = [
    # (id, record, changes, field named, what the message says)
    # --- dates: ISO form, real days, years rit accepts
    ("exchange start_on not a day", KOBE_VISIT, {"start_on": "2016-02-30"}, "start_on",
     "'2016-02-30' is not a day: February 2016 has 29 days"),
    ("exchange day in German form", KOBE_VISIT, {"day": "02.05.2016"}, "day",
     "'02.05.2016' is not an ISO date: write YYYY-MM-DD"),
    ("exchange window_end not a day", WORKSHOP, {"window_end": "2016-10-32"}, "window_end",
     "is not a day"),
    ("exchange decide_by relative", WORKSHOP, {"decide_by": "+3d"}, "decide_by",
     "is not an ISO date"),
    ("programme valid_until month 13", RIT_PROGRAMME, {"valid_until": "2017-13-01"},
     "valid_until", "there is no month 13"),
    ("agreement signed_on year 1850", LOI, {"signed_on": "1850-05-02"}, "signed_on",
     "year 1850 is out of range"),
    ("agreement terminated_on not a day", LOI, {"terminated_on": "2017-02-29"}, "terminated_on",
     "February 2017 has 28 days"),
    ("extension new_until not a day", EXTENSION, {"new_until": "2017-02-29"}, "new_until",
     "is not a day"),
    ("trip start_on text", TRIP, {"start_on": "soon"}, "start_on", "is not an ISO date"),
    ("stop end_on not a day", KOBE_STOP, {"end_on": "2016-04-31"}, "end_on", "April 2016 has 30"),
    ("status change changed_on not a day", STATUS_CHANGE, {"changed_on": "2015-02-29"},
     "changed_on", "is not a day"),
    # --- time zones, countries
    ("exchange tz unknown", KOBE_VISIT, {"tz": "Mars/X"}, "tz", "unknown time zone 'Mars/X'"),
    ("org tz unknown", LSN, {"tz": "Europe/Nowhere"}, "tz", "unknown time zone"),
    ("org country name", LSN, {"country": "Germany"}, "country",
     "unknown country 'Germany': use its ISO 3166-1 alpha-2 code, DE"),
    ("org country lower case", LSN, {"country": "de"}, "country", "must be written DE"),
    ("stop country unknown", KOBE_STOP, {"country": "XX"}, "country", "unknown country 'XX'"),
    # --- text: empty, too long, NUL (text.clean), addresses
    ("agreement title too long", LOI, {"title": "T" * 10_001}, "title",
     "is too long: at most 10000 characters"),
    ("exchange note too long", WORKSHOP, {"note": "n" * 10_001}, "note", "at most 10000"),
    ("org short too long", LSN, {"short": "S" * 41}, "short", "at most 40 characters"),
    ("org name empty", LSN, {"name": "   "}, "name", "name must not be empty"),
    ("contact name with NUL", YAMADA, {"name": "山田\x00花子"}, "name", "contains a NUL character"),
    ("cooperation note with NUL", BIOBANK, {"note": "a\x00b"}, "note", "NUL character"),
    ("trip lead blank", TRIP, {"lead": ""}, "lead", "must not be blank: write null"),
    ("contact email", YAMADA, {"email": "yamada at example"}, "email",
     "is not an address like name@example.org"),
    ("contact phone", YAMADA, {"phone": "none"}, "phone", "has no digits"),
    ("org website", LSN, {"website": "life science nord"}, "website", "is not a web address"),
    ("org tag not normalised", ORG_TAG, {"tag": "Cluster Management"}, "tag",
     "must be written 'cluster-management'"),
    ("agreement field not normalised", AGREEMENT_FIELD, {"field": "Market Introduction"},
     "field", "must be written 'market-introduction'"),
    # --- enumerations
    ("exchange type", KOBE_VISIT, {"type": "trip"}, "type",
     "unknown type 'trip': use one of visit, meeting"),
    ("exchange status", WORKSHOP, {"status": "postponed"}, "status", "unknown status 'postponed'"),
    ("agreement kind", LOI, {"kind": "treaty"}, "kind", "unknown agreement kind 'treaty'"),
    ("org kind capitalised", LSN, {"kind": "Cluster"}, "kind", "unknown kind 'Cluster'"),
    ("cooperation status", BIOBANK, {"status": "maybe"}, "status", "unknown status 'maybe'"),
    ("status change status", STATUS_CHANGE, {"status": "stalled"}, "status", "unknown status"),
    ("exchange org role", EXCHANGE_ORG, {"role": "observer"}, "role", "unknown role 'observer'"),
    # --- numbers: type and range
    ("exchange days 0", KOBE_VISIT, {"days": 0}, "days", "days 0 is out of range: use 1..60"),
    ("exchange days 61", KOBE_VISIT, {"days": 61}, "days", "out of range: use 1..60"),
    ("exchange days as text", KOBE_VISIT, {"days": "2"}, "days", "is not a whole number"),
    ("exchange days fraction", KOBE_VISIT, {"days": 1.5}, "days", "is not a whole number"),
    ("exchange online 5", WORKSHOP, {"online": 5}, "online", "out of range: use 0..1"),
    ("exchange fold 2", KOBE_VISIT, {"fold": 2}, "fold", "out of range: use 0..1"),
    ("exchange sequence negative", WORKSHOP, {"sequence": -1}, "sequence", "use 0 or more"),
    ("agreement visits_per_year", LOI, {"visits_per_year": 400}, "visits_per_year",
     "out of range: use 0..365"),
    ("agreement each_way true", LOI, {"each_way": True}, "each_way", "is not a whole number"),
    ("org name a number", LSN, {"name": 123}, "name", "is not text"),
    ("history record_id beyond 64 bits", HISTORY, {"record_id": 2**64}, "record_id",
     "record_id 18446744073709551616 is too large"),
    ("org note with a lone surrogate", LSN, {"note": "a \ud800 b"}, "note",
     "note 'a \\ud800 b' is not valid Unicode text"),
    # --- one record's values together: ends, windows, fixed days, times
    ("trip ends before it starts", TRIP, {"end_on": "2016-04-30"}, "end_on",
     "end_on 2016-04-30 is before start_on 2016-05-01"),
    ("trip longer than a year", TRIP, {"end_on": "2017-06-01"}, "end_on", "too long: at most a year"),
    ("stop ends before it starts", KOBE_STOP, {"end_on": "2016-05-01"}, "end_on", "is before"),
    ("stop outside its trip", KOBE_STOP, {"end_on": "2016-05-09"}, "end_on",
     "is outside its trip (2016-05-01..2016-05-05)"),
    ("programme ends before it starts", RIT_PROGRAMME, {"valid_until": "2014-12-31"},
     "valid_until", "valid_until 2014-12-31 is before valid_from 2015-04-01"),
    ("agreement ends before it is signed", LOI, {"valid_until": "2016-01-31"}, "valid_until",
     "is before signed_on 2016-05-02"),
    ("agreement each way without visits", LOI, {"visits_per_year": None}, "each_way",
     "each_way needs an obligation"),
    ("agreement terminated on its start", LOI, {"terminated_on": "2016-05-02"}, "terminated_on",
     "terminated_on 2016-05-02 is not after its start 2016-05-02"),
    ("agreement terminated before its start", LOI, {"valid_from": "2016-06-01",
     "terminated_on": "2016-05-20"}, "terminated_on", "is not after its start 2016-06-01"),
    ("agreement terminated, never signed", LOI, {"signed_on": None,
     "terminated_on": "2016-09-01"}, "terminated_on", "needs signed_on: it was never signed"),
    ("extension not later", EXTENSION, {"new_until": "2016-06-30"}, "new_until",
     "is not after old_until 2016-12-31"),
    ("extension of nothing", EXTENSION, {"programme_uuid": None}, "programme_uuid",
     "give exactly one of"),
    ("window ends before it starts", WORKSHOP, {"window_end": "2016-09-30", "decide_by": None},
     "window_end", "is before window_start"),
    ("window longer than two years", WORKSHOP,
     {"window_end": "2018-12-31", "end_on": "2018-12-31"}, "window_end",
     "a window may span at most 731 days"),
    ("window without its end", WORKSHOP, {"window_end": None}, "window_end",
     "a window needs both"),
    ("decide_by after the window", WORKSHOP, {"decide_by": "2016-11-15"}, "decide_by",
     "is after the window ends on 2016-10-31"),
    ("decide_by without a window", KOBE_VISIT, {"decide_by": "2016-04-01"}, "decide_by",
     "goes with a window"),
    ("start_on not the fixed day", KOBE_VISIT, {"start_on": "2016-05-01"}, "start_on",
     "does not match its 2 day(s) from 2016-05-02"),
    ("end_on not the last day", KOBE_VISIT, {"end_on": "2016-05-02"}, "end_on",
     "write 2016-05-03"),
    ("start_on not the window's", WORKSHOP, {"start_on": "2016-10-05"}, "start_on",
     "does not match its window 2016-10-01..2016-10-31"),
    ("neither day nor window", WORKSHOP, {"window_start": None, "window_end": None,
     "decide_by": None}, "day", "needs a fixed day, or a window"),
    ("planned with a day", KOBE_VISIT, {"status": "planned"}, "status",
     "a planned exchange has no fixed day"),
    ("scheduled without a day", WORKSHOP, {"status": "scheduled"}, "status",
     "a scheduled exchange needs its fixed day"),
    ("time with a window", WORKSHOP, {"at": "10:00"}, "at", "goes with a fixed day"),
    ("time not HH:MM", KOBE_VISIT, {"at": "10:00:00"}, "at", "cannot read '10:00:00' as a time"),
    ("time unpadded", KOBE_VISIT, {"at": "9:30"}, "at", "must be written 09:30"),
    ("time without a zone", KOBE_VISIT, {"tz": None}, "tz", "needs a time zone (tz)"),
    ("starts_utc off", KOBE_VISIT, {"starts_utc": "2016-05-02T10:00+00:00"}, "starts_utc",
     "does not match 10:00 on 2016-05-02 in Asia/Tokyo: write 2016-05-02T01:00+00:00"),
    ("starts_utc missing", SIGNING, {"starts_utc": None}, "starts_utc",
     "starts_utc must be given with a time: write 2016-05-02T05:00+00:00"),
    ("fold without a time", WORKSHOP, {"fold": 0}, "fold", "goes with a fixed day"),
    ("time skipped by the clocks", SIGNING, {"day": "2016-03-27", "start_on": "2016-03-27",
     "end_on": "2016-03-27", "tz": "Europe/Berlin", "at": "02:30"}, "at",
     "does not exist in Europe/Berlin"),
    ("time the clocks repeat", SIGNING, {"day": "2016-10-30", "start_on": "2016-10-30",
     "end_on": "2016-10-30", "tz": "Europe/Berlin", "at": "02:30"}, "at", "happens twice"),
    # --- uuids, references, what must be given, time stamps
    ("uuid not a uuid", LSN, {"uuid": "LSN-1"}, "uuid", "'LSN-1' is not a uuid"),
    ("host unknown", KOBE_VISIT, {"host_uuid": "00000000-0000-4000-8000-000000000000"},
     "host_uuid", "refers to organisation '00000000-0000-4000-8000-000000000000', which is "
     "neither in the file nor here"),
    ("contact without organisation", YAMADA, {"org_uuid": None}, "org_uuid", "must be given"),
    ("exchange without start_on", WORKSHOP, {"start_on": None}, "start_on",
     "start_on must be given"),
    ("updated not a time", BIOBANK, {"updated": "yesterday"}, "updated", "is not a UTC time"),
    ("history at without zone", HISTORY, {"at": "2016-08-25T10:00:00"}, "at", "is not a UTC time"),
    ("history of sqlite_master", HISTORY, {"table_name": "sqlite_master"}, "table_name",
     "unknown history table 'sqlite_master': use one of orgs, contacts"),
    ("history of a link table", HISTORY, {"table_name": "org_tags"}, "table_name",
     "unknown history table 'org_tags'"),
    ("history action drop", HISTORY, {"action": "drop"}, "action",
     "unknown history action 'drop': use one of create, update, delete, erase, merge, import"),
]  # fmt: skip


@pytest.mark.parametrize("mode", ["fresh", "merge"])
@pytest.mark.parametrize(
    ("record", "changes", "field", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_a_bad_value_is_refused_naming_record_and_field(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    dump: Callable[[], str],
    demo: tuple[str, Path],
    mode: str,
    record: tuple[str, dict[str, Any]],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    text, template = demo
    prepare(mode, db_path, template)
    path = tmp_path / "changed.json"
    path.write_text(changed(text, (record, changes)), encoding="utf-8")
    error = refused(rit, path, mode, dump)
    table, match = record
    index, original = find(json.loads(text)["tables"], table, match)
    if "uuid" in original:  # a record: by its kind, name or title, and uuid
        named = f"{LABELS[table]} "
        uuid = changes.get("uuid", original["uuid"])
        shown = uuid if uuid == original["uuid"] else f"'{uuid}'"  # not a uuid: quoted
        assert f"(uuid {shown}), {field}: " in error, error
    else:  # a link or history row: by its position
        named = f"{table} row {index}"
        assert f", {field}: " in error, error
    assert error.startswith(f"error: {named}"), error
    assert message in error, error


def test_the_history_rit_writes_is_what_an_import_accepts(demo: tuple[str, Path]) -> None:
    from rit_cli.store import HISTORY_ACTIONS, HISTORY_TABLES

    rows = json.loads(demo[0])["tables"]["history"]
    assert {r["table_name"] for r in rows} <= set(HISTORY_TABLES)
    assert {r["action"] for r in rows} <= set(HISTORY_ACTIONS)
    assert set(HISTORY_TABLES) == set(LABELS)  # every record table, no link table


def test_several_bad_values_are_named_together(
    rit: RitRunner, db_path: Path, tmp_path: Path, dump: Callable[[], str], demo: tuple[str, Path]
) -> None:
    """What QA found: an impossible day, an unknown zone, a country name, a huge title."""
    text, template = demo
    path = tmp_path / "edited.json"
    path.write_text(
        changed(
            text,
            (KOBE_VISIT, {"start_on": "2016-02-30", "tz": "Mars/X"}),
            (LSN, {"country": "Germany"}),
            (LOI, {"title": LONG_TITLE}),
        ),
        encoding="utf-8",
    )
    for mode in ("fresh", "merge"):
        db_path.unlink(missing_ok=True)
        prepare(mode, db_path, template)
        error = refused(rit, path, mode, dump)
        assert error.startswith("error: organisation 'Life Science Nord' (uuid "), error
        assert "; 3 more errors: " in error
        # in the order of the file: table by table, record by record, field by field
        assert error.index(", country: ") < error.index(", title: ") < error.index(", tz: ")
        assert error.index(", tz: ") < error.index(", start_on: ")
        assert "title 'xxx" in error and len(error) < 1200  # long values are shortened


def test_more_than_five_errors_are_counted(
    rit: RitRunner, db_path: Path, tmp_path: Path, dump: Callable[[], str], demo: tuple[str, Path]
) -> None:
    text, _ = demo
    document = json.loads(text)
    for record in document["tables"]["history"]:
        record["at"] = "whenever"
    path = tmp_path / "history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    empty_database(db_path)
    error = refused(rit, path, "fresh", dump)
    count = len(document["tables"]["history"])
    assert error.startswith("error: history row 1, at: at 'whenever' is not a UTC time")
    assert f"; {count - 1} more errors: history row 2, at: " in error
    assert f"(and {count - 5} more); nothing was imported" in error


def test_duplicates_in_the_file_are_refused(
    rit: RitRunner, db_path: Path, tmp_path: Path, dump: Callable[[], str], demo: tuple[str, Path]
) -> None:
    text, _ = demo
    document = json.loads(text)
    orgs = document["tables"]["orgs"]
    orgs.append({**orgs[0], "id": 99, "name": "Other", "short": None})
    document["tables"]["trips"].append({**document["tables"]["trips"][0], "uuid": "x"})
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    empty_database(db_path)
    error = refused(rit, path, "fresh", dump)
    assert (
        f"organisation 'Other' (uuid {orgs[0]['uuid']}), uuid: uuid '{orgs[0]['uuid']}' "
        "appears twice in the file"
    ) in error
    assert (
        "trip 'Delegation trip Japan and China 2016' (uuid 'x'), uuid: 'x' is not a uuid" in error
    )
    assert "id: id '1' appears twice in table trips" in error


def test_a_name_twice_in_the_file_is_refused_by_name(
    rit: RitRunner, db_path: Path, tmp_path: Path, dump: Callable[[], str], demo: tuple[str, Path]
) -> None:
    """QA: two records of one name said SQLite's 'UNIQUE constraint failed: orgs.name_key'."""
    text, _ = demo
    document = json.loads(text)
    orgs = document["tables"]["orgs"]
    twin = {**orgs[0], "id": 99, "uuid": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
    orgs.append({**twin, "name": orgs[0]["name"].upper(), "short": None})
    path = tmp_path / "twins.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    empty_database(db_path)
    error = refused(rit, path, "fresh", dump)
    assert "constraint" not in error
    assert (
        f"name: name '{orgs[0]['name'].upper()}' is also the name of organisation"
        f" '{orgs[0]['name']}' (uuid {orgs[0]['uuid']}) in the file: rename one of them"
    ) in error


@pytest.mark.parametrize("mode", ["fresh", "merge"])
@pytest.mark.parametrize("table", ["org_tags", "agreement_parties"])
def test_a_link_row_twice_in_the_file_is_refused(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    dump: Callable[[], str],
    demo: tuple[str, Path],
    mode: str,
    table: str,
) -> None:
    """QA: a tag or party given twice said SQLite's 'UNIQUE constraint failed: org_tags.…'."""
    text, template = demo
    document = json.loads(text)
    rows = document["tables"][table]
    rows.append(dict(rows[0]))
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    prepare(mode, db_path, template)
    error = refused(rit, path, mode, dump)
    assert "constraint" not in error
    value = rows[0]["tag" if table == "org_tags" else "org_uuid"]
    assert f"{table} row {len(rows)} of " in error
    assert f"'{value}' appears twice in the file" in error


@pytest.mark.parametrize("mode", ["fresh", "merge"])
def test_a_good_file_is_still_accepted(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    dump: Callable[[], str],
    demo: tuple[str, Path],
    mode: str,
) -> None:
    text, template = demo
    prepare(mode, db_path, template)
    path = tmp_path / "demo.json"
    path.write_text(text, encoding="utf-8")
    result = rit("import", "json", str(path), *(["--merge"] if mode == "merge" else []))
    assert result.exit_code == 0, result.stderr
    assert ok(rit, "export", "json") == text
    assert ok(rit, "--today", "2016-08-25", "remind")  # what crashed after a bad import


def test_a_name_edited_in_the_file_is_found_by_it(
    rit: RitRunner, db_path: Path, tmp_path: Path, demo: tuple[str, Path]
) -> None:
    """The case-folded keys are made from the names, as the commands make them."""
    text, _ = demo
    path = tmp_path / "renamed.json"
    path.write_text(changed(text, (LSN, {"name": "Life Science Nord e.V."})), encoding="utf-8")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert find(document["tables"], *LSN)[1]["name_key"] == "life science nord"  # stale
    empty_database(db_path)
    ok(rit, "import", "json", str(path))
    shown = json.loads(ok(rit, "show-org", "life science nord e.v.", "--json"))
    assert shown["name"] == "Life Science Nord e.V."
    assert rit("show-org", "Life Science Nord").exit_code == 2


def test_columns_left_out_take_their_defaults(
    rit: RitRunner, db_path: Path, tmp_path: Path, demo: tuple[str, Path]
) -> None:
    """A file without a column that has a default (an older or hand-made one) is read."""
    text, _ = demo
    document = json.loads(text)
    for record in document["tables"]["exchanges"]:
        for column in ("online", "sequence", "title_key"):
            del record[column]
    path = tmp_path / "short.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    empty_database(db_path)
    ok(rit, "import", "json", str(path))
    exchanges = json.loads(ok(rit, "export", "json"))["tables"]["exchanges"]
    assert {(e["online"], e["sequence"]) for e in exchanges} == {(0, 0)}
    original = json.loads(text)["tables"]["exchanges"]
    assert [e["title_key"] for e in exchanges] == [e["title_key"] for e in original]


def test_merge_checks_references_to_records_here(
    rit: RitRunner, db_path: Path, tmp_path: Path, dump: Callable[[], str], demo: tuple[str, Path]
) -> None:
    """A partner's file may refer to records only this database holds; others are refused."""
    text, template = demo
    document = json.loads(text)
    tables = copy.deepcopy(document["tables"])
    document["tables"] = {"contacts": [find(tables, *YAMADA)[1]]}  # its organisation is here
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    prepare("merge", db_path, template)
    assert rit("import", "json", str(path), "--merge").exit_code == 0
    document["tables"]["contacts"][0]["org_uuid"] = "00000000-0000-4000-8000-000000000001"
    path.write_text(json.dumps(document), encoding="utf-8")
    error = refused(rit, path, "merge", dump)
    assert "org_uuid: refers to organisation '00000000-0000-4000-8000-000000000001'" in error


def test_limits_written_out_agree_with_the_store() -> None:
    from rit_cli.store import agreements, scheduling

    assert transfer_checks.MAX_DAYS == scheduling.MAX_DAYS
    assert transfer_checks.MAX_VISITS_PER_YEAR == agreements.MAX_VISITS_PER_YEAR
    assert transfer_checks.MAX_WINDOW_DAYS == scheduling.MAX_WINDOW_DAYS


def test_what_rit_stores_longer_than_typed_imports_again(rit: RitRunner, tmp_path: Path) -> None:
    """A yearly plan's year added to a 196-character title, a default title made of long
    organisation names, and '(erased)' written for a short name make text longer than a
    command takes as typed: the export still imports, byte for byte."""
    long_a = "Ministry for Economic Affairs, Transport, Employment, Technology and Tourism"
    long_b = "Universitätsklinikum Schleswig-Holstein, Campus Kiel, Institut für Molekularbiologie"
    for args in (
        ["add-org", "LSN", "--country", "DE"],
        ["add-org", "FBRI", "--country", "JP"],
        ["add-org", long_a + " of Schleswig-Holstein", "--country", "DE"],
        ["add-org", long_b, "--country", "DE"],
        ["add-contact", "Li", "--org", "FBRI"],
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-03-01", "--yearly",
         "--until", "2018", "--title", "V" * 196],
        ["schedule-visit", "--from", "3", "--from", "4", "--to", "FBRI", "--window", "2016-11"],
        ["add-cooperation", "Li " + "x" * 190 + " Li", "--org", "LSN", "--org", "FBRI"],
        ["forget-contact", "Li", "--yes"],
    ):  # fmt: skip
        ok(rit, *args)
    exported = tmp_path / "e.json"
    ok(rit, "export", "json", "--out", str(exported))
    titles = [t for table in json.loads(exported.read_text())["tables"].values() for row in table
              for t in [row.get("title")] if isinstance(t, str)]  # fmt: skip
    assert sum(len(t) > 200 for t in titles) >= 3
    copy_db = tmp_path / "copy.db"
    ok(rit, "--db", str(copy_db), "import", "json", str(exported))
    again = tmp_path / "again.json"
    ok(rit, "--db", str(copy_db), "export", "json", "--out", str(again))
    assert again.read_bytes() == exported.read_bytes()
