"""export/import (JSON, CSV), backup, restore and doctor through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from rit_cli import db
from rit_cli.csvio import neutralise, restore
from rit_cli.store.maintenance import file_system_of

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_LSN, empty_database, ok, schedule_visit

HOSTILE = '=HYPERLINK("http://evil","x") Müller Straße 山田\x07'


def one_line_error(result, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def build_story(rit: RitRunner, db_file: Path | None = None) -> None:
    env = {"RIT_DB": str(db_file)} if db_file else None
    ok(rit, *ADD_LSN, "--tag", "life-sciences", env=env)
    ok(rit, *ADD_FBRI, env=env)
    ok(rit, "add-org", HOSTILE, "--country", "DE", "--note", "-1+2 @SUM(A1)\ttab", env=env)
    ok(
        rit,
        "add-contact",
        "山田 花子",
        "--org",
        "FBRI",
        "--phone",
        "+81 78 000 0000",
        "--email",
        "yamada@example.org",
        env=env,
    )
    ok(
        rit,
        "add-contact",
        "Hinrich Habeck",
        "--org",
        "LSN",
        "--title",
        "Dr.",
        "--role",
        "Geschäftsführer",
        env=env,
    )
    schedule_visit(rit, "LSN", "FBRI", "--window", "2016-10", "--decide-by", "2016-08-31", env=env)


# --- JSON ---------------------------------------------------------------------------------


def test_json_round_trip_is_byte_identical(rit: RitRunner, tmp_path: Path) -> None:
    build_story(rit)
    first = ok(rit, "export", "json")
    document = json.loads(first)
    assert document["format"] == "rit-export" and document["version"] == 1
    assert document["schema"] == db.SCHEMA_VERSION
    assert "search_index" not in document["tables"] and "reminders_sent" not in document["tables"]
    contact = document["tables"]["contacts"][0]
    assert "org_id" not in contact and contact["org_uuid"] == document["tables"]["orgs"][1]["uuid"]
    assert "Müller Straße 山田\\u0007" in first  # real UTF-8; only control characters escaped
    path = tmp_path / "export.json"
    path.write_text(first, encoding="utf-8")
    other = tmp_path / "other.db"
    result = rit("import", "json", str(path), env={"RIT_DB": str(other)})
    assert result.exit_code == 0, result.stderr
    assert "orgs\t3\t0\t0" in result.stdout.splitlines()
    again = ok(rit, "export", "json", env={"RIT_DB": str(other)})
    assert again == first
    # the search index was rebuilt by the schema's triggers
    assert "山田 花子" in ok(rit, "search", "山田", env={"RIT_DB": str(other)})


def test_json_out_file_is_private_and_never_the_database(
    rit: RitRunner, tmp_path: Path, db_path: Path, dump: Callable[[], str]
) -> None:
    build_story(rit)
    out = tmp_path / "e.json"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o644)
    assert rit("export", "json", "--out", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "rit-export"
    before = dump()
    one_line_error(rit("export", "json", "--out", str(db_path)))
    one_line_error(rit("export", "csv", "orgs", "--out", str(db_path) + "-wal"))
    assert dump() == before


@pytest.mark.parametrize(
    "args", [["export", "ics"], ["export", "csv", "orgs"], ["report", "--format", "markdown"]]
)
def test_out_to_a_named_pipe_writes_into_it_and_keeps_it(
    rit: RitRunner, tmp_path: Path, args: list[str]
) -> None:
    """--out /dev/stdout or a FIFO is written to, not replaced by a regular file (which,
    for root and --out /dev/null, would replace the system's /dev/null)."""
    import threading

    build_story(rit)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = rit(*args, "--out", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0] == ok(rit, *args).encode("utf-8")


def test_out_through_a_symlink_replaces_the_file_and_keeps_the_link(
    rit: RitRunner, tmp_path: Path
) -> None:
    build_story(rit)
    (tmp_path / "web").mkdir()
    served = tmp_path / "web" / "rit.ics"
    served.write_text("old", encoding="utf-8")
    link = tmp_path / "rit.ics"
    link.symlink_to(served)
    assert rit("export", "ics", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and served.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    backup = tmp_path / "latest.db"
    backup.symlink_to(tmp_path / "web" / "backup.db")
    (tmp_path / "web" / "backup.db").write_bytes(b"old")
    assert rit("backup", str(backup), "--force").exit_code == 0
    assert backup.is_symlink() and (tmp_path / "web" / "backup.db").stat().st_size > 3


@pytest.mark.parametrize(
    "args", [["export", "json"], ["export", "csv", "orgs"], ["report", "--format", "markdown"]]
)
def test_out_dash_is_stdout_as_for_import(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """'-' reads stdin for import; for --out it once wrote a file named '-'."""
    build_story(rit)
    monkeypatch.chdir(tmp_path)
    result = rit(*args, "--out", "-")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == ok(rit, *args)
    assert not (tmp_path / "-").exists()


def test_import_into_a_database_with_data_needs_merge(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    build_story(rit)
    path = tmp_path / "e.json"
    path.write_text(ok(rit, "export", "json"), encoding="utf-8")
    before = dump()
    error = one_line_error(rit("import", "json", str(path)))
    assert "--merge" in error
    assert dump() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "is not JSON"),
        ("[1, 2]", "is not a rit export"),
        ('{"format": "rit-export", "version": 9, "schema": 1, "tables": {}}', "format version"),
        ('{"format": "rit-export", "version": 1, "schema": 99, "tables": {}}', "newer rit"),
        (
            '{"format": "rit-export", "version": 1, "schema": 1, "tables": {"nope": []}}',
            "unknown table",
        ),
        (
            '{"format": "rit-export", "version": 1, "schema": 1, "tables": {"orgs": [{"bogus": 1}]}}',
            "no column 'bogus'",
        ),
        # QA: Python's type names ("not list") where JSON says array and object
        (
            '{"format": "rit-export", "version": 1, "schema": 1, "tables": {"orgs": [{"name": ["X"]}]}}',
            "name must be text or a number, not an array",
        ),
        (
            '{"format": "rit-export", "version": 1, "schema": 1, "tables": {"orgs": [{"name": {}}]}}',
            "name must be text or a number, not an object",
        ),
    ],
)
def test_wrong_files_are_refused_and_change_nothing(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str], content: str, message: str
) -> None:
    ok(rit, "add-org", "Life Science Nord")
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    before = dump()
    for extra in ([], ["--merge"]):
        error = one_line_error(rit("import", "json", str(path), *extra))
        assert message in error
    assert dump() == before


def test_missing_and_binary_files(rit: RitRunner, tmp_path: Path) -> None:
    assert "no file" in one_line_error(rit("import", "json", str(tmp_path / "nope.json")))
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "not UTF-8" in one_line_error(rit("import", "json", str(binary)))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("import", "json", "DEVICE"), "JSON file"),
        (("import", "json", "DEVICE", "--merge"), "JSON file"),
        (("import", "csv", "orgs", "DEVICE"), "CSV file"),
    ],
)
def test_a_device_is_refused_not_read_for_ever(
    rit: RitRunner, dump: Callable[[], str], device: str, args: tuple[str, ...], what: str
) -> None:
    """QA: `import json /dev/zero` read until memory ran out (CSV too: NULs are UTF-8)."""
    ok(rit, "add-org", "Life Science Nord")
    before = dump()
    error = one_line_error(rit(*(device if a == "DEVICE" else a for a in args)))
    said = f"{device!r} is a device, not a {what}: give a file, or - for standard input"
    assert error == f"error: {said}\n"
    assert dump() == before


def test_a_pipe_is_read(rit: RitRunner, tmp_path: Path) -> None:
    """A named pipe (as bash's <(…) gives) is a stream of text like standard input."""
    import threading

    fifo = tmp_path / "orgs.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=("name\nPipe Org\n",))
    writer.start()
    try:
        assert ok(rit, "import", "csv", "orgs", str(fifo)) == "imported 1 organisation\n"
    finally:
        writer.join()
    assert "Pipe Org" in ok(rit, "orgs")


def test_a_database_file_given_to_import_is_named_as_such(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    ok(rit, "add-org", "Life Science Nord")
    backup = tmp_path / "b.db"
    ok(rit, "backup", str(backup))
    before = dump()
    for args in (
        ["json", str(backup)],
        ["csv", "orgs", str(backup)],
        ["csv", "contacts", str(backup)],
    ):
        error = one_line_error(rit("import", *args))
        assert "is a SQLite database" in error and "rit restore" in error, error
        assert "UTF-8" not in error
    assert dump() == before


def test_json_with_a_byte_order_mark_is_imported(rit: RitRunner, tmp_path: Path) -> None:
    """Notepad and PowerShell save UTF-8 with a BOM; CSV import accepts it, JSON too."""
    build_story(rit)
    text = ok(rit, "export", "json")
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    other = tmp_path / "other.db"
    result = rit("import", "json", str(path), env={"RIT_DB": str(other)})
    assert result.exit_code == 0, result.output
    assert ok(rit, "export", "json", env={"RIT_DB": str(other)}) == text
    stdin = rit(
        "import", "json", "-", env={"RIT_DB": str(tmp_path / "third.db")}, input="\ufeff" + text
    )
    assert stdin.exit_code == 0, stdin.output
    path.write_bytes(b"\xef\xbb\xbf{oops")
    assert "(line 1, column 2)" in one_line_error(rit("import", "json", str(path)))


def test_deeply_nested_json_is_refused_as_not_json(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    ok(rit, "add-org", "Life Science Nord")
    before = dump()
    path = tmp_path / "deep.json"
    for text in ("[" * 100_000, '{"a":' * 100_000):
        path.write_text(text, encoding="utf-8")
        error = one_line_error(rit("import", "json", str(path)))
        assert "is not JSON" in error and "nested too deeply" in error
    assert dump() == before


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change times a second apart, so 'which change is newer' is decided by the test."""
    from datetime import UTC, datetime, timedelta

    from rit_cli import store

    ticks = iter(range(1_000_000))
    start = datetime(2016, 8, 25, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(
        store, "now", lambda: (start + timedelta(seconds=next(ticks))).isoformat(timespec="seconds")
    )


@pytest.mark.usefixtures("clock")
def test_merge_two_partners(rit: RitRunner, tmp_path: Path) -> None:
    """LSN's database is shared once; both sides then change their copies and merge."""
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    build_story(rit, ours)
    shared = tmp_path / "shared.json"
    shared.write_text(ok(rit, "export", "json", env={"RIT_DB": str(ours)}), encoding="utf-8")
    ok(rit, "import", "json", str(shared), env={"RIT_DB": str(theirs)})

    # They add a contact and change an organisation; we add an organisation.
    ok(rit, "add-contact", "田中 一郎", "--org", "FBRI", env={"RIT_DB": str(theirs)})
    ok(rit, "edit-org", "FBRI", "--city", "Kobe-shi", env={"RIT_DB": str(theirs)})
    ok(rit, "add-org", "Wirtschaftsförderung Lübeck", "--country", "DE", env={"RIT_DB": str(ours)})
    back = tmp_path / "back.json"
    back.write_text(ok(rit, "export", "json", env={"RIT_DB": str(theirs)}), encoding="utf-8")

    result = rit("import", "json", str(back), "--merge", "--json", env={"RIT_DB": str(ours)})
    assert result.exit_code == 0, result.stderr
    report = {r["table"]: r for r in json.loads(result.stdout)}
    assert report["orgs"] == {
        "table": "orgs",
        "added": 0,
        "updated": 1,
        "skipped": 2,
        "kept_removed": 0,
        "replaced": 0,
    }
    assert report["contacts"]["added"] == 1 and report["contacts"]["skipped"] == 2
    fbri = json.loads(ok(rit, "show-org", "FBRI", "--json", env={"RIT_DB": str(ours)}))
    assert fbri["city"] == "Kobe-shi"
    assert [c["name"] for c in fbri["contacts"]] == ["山田 花子", "田中 一郎"]
    # our own organisation is still there: merge never deletes
    assert "Wirtschaftsförderung Lübeck" in ok(rit, "orgs", env={"RIT_DB": str(ours)})
    history = ok(rit, "history", "FBRI", "--kind", "org", env={"RIT_DB": str(ours)})
    assert "merge" in history and "Kobe-shi" in history
    # The change is recorded once (their update row, with the field), and the merge that
    # brought it once, without field data.
    rows = json.loads(
        ok(rit, "history", "FBRI", "--kind", "org", "--json", env={"RIT_DB": str(ours)})
    )
    city = [(r["action"], r["old"], r["new"]) for r in rows if r["field"] == "city"]
    assert city == [("create", None, "Kobe"), ("update", "Kobe", "Kobe-shi")]
    assert [r["field"] for r in rows if r["action"] == "merge"] == [None]

    # Idempotent: the same file again adds and updates nothing.
    again = json.loads(
        ok(rit, "import", "json", str(back), "--merge", "--json", env={"RIT_DB": str(ours)})
    )
    assert all(r["added"] == 0 and r["updated"] == 0 for r in again)


@pytest.mark.usefixtures("clock")
def test_merge_without_the_partners_history_records_the_fields(
    rit: RitRunner, tmp_path: Path
) -> None:
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    build_story(rit, ours)
    shared = tmp_path / "shared.json"
    shared.write_text(ok(rit, "export", "json", env={"RIT_DB": str(ours)}), encoding="utf-8")
    ok(rit, "import", "json", str(shared), env={"RIT_DB": str(theirs)})
    ok(rit, "edit-org", "FBRI", "--city", "Kobe-shi", env={"RIT_DB": str(theirs)})
    document = json.loads(ok(rit, "export", "json", env={"RIT_DB": str(theirs)}))
    document["tables"]["history"] = []
    back = tmp_path / "back.json"
    back.write_text(json.dumps(document), encoding="utf-8")
    ok(rit, "import", "json", str(back), "--merge", env={"RIT_DB": str(ours)})
    rows = json.loads(
        ok(rit, "history", "FBRI", "--kind", "org", "--json", env={"RIT_DB": str(ours)})
    )
    city = [(r["action"], r["old"], r["new"]) for r in rows if r["field"] == "city"]
    assert city == [("create", None, "Kobe"), ("merge", "Kobe", "Kobe-shi")]
    assert [r["action"] for r in rows].count("merge") == 1


@pytest.mark.usefixtures("clock")
def test_merge_keeps_a_newer_local_change(rit: RitRunner, tmp_path: Path) -> None:
    build_story(rit)
    old = tmp_path / "old.json"
    old.write_text(ok(rit, "export", "json"), encoding="utf-8")
    ok(rit, "edit-org", "LSN", "--city", "Kiel")
    report = json.loads(ok(rit, "import", "json", str(old), "--merge", "--json"))
    assert next(r for r in report if r["table"] == "orgs")["updated"] == 0
    assert json.loads(ok(rit, "show-org", "LSN", "--json"))["city"] == "Kiel"


def test_merge_refuses_a_name_held_by_another_record(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    partner = tmp_path / "partner.db"
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN", env={"RIT_DB": str(partner)})
    ok(rit, "add-org", "Hamburg Invest", env={"RIT_DB": str(partner)})
    theirs = tmp_path / "theirs.json"
    theirs.write_text(ok(rit, "export", "json", env={"RIT_DB": str(partner)}), encoding="utf-8")
    ok(rit, "add-org", "life science nord")
    before = dump()
    error = one_line_error(rit("import", "json", str(theirs), "--merge"))
    assert "organisation 'Life Science Nord'" in error and "#1 'life science nord'" in error
    assert "nothing was imported" in error
    assert dump() == before  # Hamburg Invest was not added either: all or nothing


# --- CSV export ---------------------------------------------------------------------------


def test_neutralise_and_restore_are_inverse() -> None:
    for value in [
        "=1+2",
        "+49 40 123",
        "-5",
        "@SUM",
        "\tx",
        "'=x",
        "''+1",
        "plain",
        "'quoted",
        "",
    ]:
        assert restore(neutralise(value)) == value
    assert neutralise("+49 40 123") == "'+49 40 123"
    assert neutralise("'quoted") == "'quoted"
    # Control characters would act on a terminal: shown escaped (issue 7), so a leading CR
    # no longer starts the cell.
    assert neutralise("\rx") == "\\rx"
    assert neutralise("=x\x1b[31m") == "'=x\\x1b[31m"


def test_csv_export_neutralises_formulas_and_keeps_phone_numbers(rit: RitRunner) -> None:
    build_story(rit)
    text = ok(rit, "export", "csv", "orgs")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "name", "short", "kind"]
    hostile = next(r for r in rows if "HYPERLINK" in r[1])
    assert hostile[1] == "'" + HOSTILE.replace("\x07", "\\x07")  # controls shown escaped
    assert hostile[rows[0].index("note")] == "'-1+2 @SUM(A1)\ttab"
    assert (
        next(r for r in rows if r[1] == "Life Science Nord")[rows[0].index("tags")]
        == "life-sciences"
    )
    contacts = list(csv.reader(io.StringIO(ok(rit, "export", "csv", "contacts"))))
    yamada = next(r for r in contacts if r[1] == "山田 花子")
    assert yamada[contacts[0].index("phone")] == "'+81 78 000 0000"
    assert yamada[contacts[0].index("org")] == "FBRI"
    raw = list(csv.reader(io.StringIO(ok(rit, "export", "csv", "orgs", "--raw"))))
    assert any(r[1] == HOSTILE for r in raw)


def test_csv_excel_dialect(rit: RitRunner, tmp_path: Path) -> None:
    build_story(rit)
    out = tmp_path / "contacts.csv"
    assert rit("export", "csv", "contacts", "--excel", "--out", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "id;name;org;title;role;email;phone;note;uuid"
    assert "山田 花子;FBRI" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "table", ["orgs", "contacts", "programmes", "agreements", "exchanges", "cooperations", "trips"]
)
def test_every_table_exports_from_the_demo(rit: RitRunner, tmp_path: Path, table: str) -> None:
    demo = tmp_path / "demo.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    rows = list(csv.reader(io.StringIO(ok(rit, "export", "csv", table, env={"RIT_DB": str(demo)}))))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)


def test_demo_round_trip_and_merge_into_itself(rit: RitRunner, tmp_path: Path) -> None:
    demo, copy = tmp_path / "demo.db", tmp_path / "copy.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    export = tmp_path / "demo.json"
    ok(rit, "export", "json", "--out", str(export), env={"RIT_DB": str(demo)})
    ok(rit, "import", "json", str(export), env={"RIT_DB": str(copy)})
    assert ok(rit, "export", "json", env={"RIT_DB": str(copy)}) == export.read_text(
        encoding="utf-8"
    )
    report = json.loads(
        ok(rit, "import", "json", str(export), "--merge", "--json", env={"RIT_DB": str(demo)})
    )
    assert all(r["added"] == 0 and r["updated"] == 0 for r in report)


def test_unknown_csv_table(rit: RitRunner, db_path: Path) -> None:
    empty_database(db_path)
    assert "use one of orgs, contacts" in one_line_error(rit("export", "csv", "people"))


# --- CSV import ---------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]], excel: bool = False) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=";" if excel else ",").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig" if excel else "utf-8"))
    return path


def test_import_confirmation_counts_in_singular_and_plural(rit: RitRunner, tmp_path: Path) -> None:
    one = write_csv(tmp_path / "one.csv", [["name", "country"], ["Life Science Nord", "DE"]])
    assert ok(rit, "import", "csv", "orgs", str(one)) == "imported 1 organisation\n"
    people = write_csv(
        tmp_path / "people.csv", [["name", "org"], ["Hinrich Habeck", "Life Science Nord"]]
    )
    assert ok(rit, "import", "csv", "contacts", str(people)) == "imported 1 contact\n"
    two = write_csv(
        tmp_path / "two.csv",
        [["name", "org"], ["A B", "Life Science Nord"], ["C D", "Life Science Nord"]],
    )
    assert ok(rit, "import", "csv", "contacts", str(two)) == "imported 2 contacts\n"


def test_import_orgs_with_german_headings_excel(rit: RitRunner, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "partner.csv",
        [
            ["Name", "Kurzname", "Art", "Land", "Stadt", "Zeitzone", "Tags"],
            ["Life Science Nord", "LSN", "cluster", "DE", "Hamburg", "", "life-sciences; cluster"],
            ["神戸医療産業都市推進機構", "KBIC", "cluster", "jp", "Kobe", "", ""],
            ["'=Formel GmbH", "", "", "DE", "Lübeck", "Europe/Berlin", ""],
        ],
        excel=True,
    )
    result = rit("import", "csv", "orgs", str(path), "--excel")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 3 organisations\n"
    orgs = {o["name"]: o for o in json.loads(ok(rit, "orgs", "--json"))}
    assert orgs["Life Science Nord"]["tags"] == ["cluster", "life-sciences"]
    assert orgs["神戸医療産業都市推進機構"]["tz"] == "Asia/Tokyo"
    assert orgs["=Formel GmbH"]["kind"] == "other"  # the export's quote was removed again
    assert "import" in ok(rit, "history", "LSN", "--kind", "org")
    assert "神戸" in ok(rit, "search", "神戸")


def test_csv_round_trip_of_hostile_text(rit: RitRunner, tmp_path: Path) -> None:
    build_story(rit)
    for table in ("orgs", "contacts"):
        path = tmp_path / f"{table}.csv"
        ok(rit, "export", "csv", table, "--excel", "--out", str(path))
        fresh = tmp_path / f"{table}.db"
        if table == "contacts":
            orgs = tmp_path / "orgs.csv"
            ok(rit, "import", "csv", "orgs", str(orgs), "--excel", env={"RIT_DB": str(fresh)})
        result = rit("import", "csv", table, str(path), "--excel", env={"RIT_DB": str(fresh)})
        assert result.exit_code == 0, result.stderr
        # Exact, but for control characters, which CSV shows escaped (BEL as \x07).
        expected = ok(rit, table, "--json").replace("\\u0007", "\\\\x07")
        assert ok(rit, table, "--json", env={"RIT_DB": str(fresh)}) == expected


def test_import_contacts_maps_headings(rit: RitRunner, tmp_path: Path) -> None:
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN")
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Name", "Organisation", "Titel", "Rolle", "E-Mail", "Telefon"],
            ["Hinrich Habeck", "lsn", "Dr.", "Geschäftsführer", "h@example.org", "+49 40 123"],
        ],
    )
    assert rit("import", "csv", "contacts", str(path)).exit_code == 0
    contact = json.loads(ok(rit, "contacts", "--json"))[0]
    assert (contact["title"], contact["phone"], contact["email"]) == (
        "Dr.",
        "+49 40 123",
        "h@example.org",
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Name", "Country", "Farbe"], "line 1: unknown column 'Farbe'"),
        (["Kurzname", "Land"], "the required column 'name' is missing"),
        (["Name", "name"], "appears twice"),
        (["Name;Land"], "needs --excel"),
    ],
)
def test_bad_headers(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str], header: list[str], message: str
) -> None:
    path = write_csv(tmp_path / "h.csv", [header, ["x"] * len(header)])
    before = dump()
    assert message in one_line_error(rit("import", "csv", "orgs", str(path)))
    assert dump() == before


def test_errors_on_line_7_and_9000_name_line_and_column(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    ok(rit, "add-org", "Existing")
    rows = [["name", "country", "kind"]]
    for n in range(2, 9001):
        country = "Germany" if n == 7 else "DE"
        kind = "spaceship" if n == 9000 else "company"
        rows.append([f"Firma {n}", country, kind])
    path = write_csv(tmp_path / "big.csv", rows)
    before = dump()
    error = one_line_error(rit("import", "csv", "orgs", str(path)))
    assert error.startswith("error: line 7, column country: ")
    assert "Germany" in error
    assert "line 9000, column kind: unknown kind 'spaceship'" in error
    assert "nothing was imported" in error
    assert dump() == before


def test_duplicate_names_in_file_and_database(rit: RitRunner, tmp_path: Path) -> None:
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN")
    path = write_csv(
        tmp_path / "d.csv", [["name", "short"], ["Neu", "X"], ["LSN", ""], ["neu", ""]]
    )
    error = one_line_error(rit("import", "csv", "orgs", str(path)))
    assert "line 3, column name: 'LSN' is already used by #1 'Life Science Nord'" in error
    assert "line 4, column name: 'neu' is already used on line 2" in error


def test_contact_rows_with_unknown_org_and_bad_email(rit: RitRunner, tmp_path: Path) -> None:
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN")
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["name", "org", "email"],
            ["A", "LSN", "not-an-address"],
            ["B", "Nobody", ""],
            ["", "LSN", ""],
        ],
    )
    error = one_line_error(rit("import", "csv", "contacts", str(path)))
    assert (
        "line 2, column email" in error and "line 3, column org: no organisation 'Nobody'" in error
    )
    assert "line 4, column name: name must not be empty" in error


def test_import_5000_rows(rit: RitRunner, tmp_path: Path) -> None:
    rows = [["name", "short", "country", "city", "note"]]
    rows += [
        [f"Straße {n} GmbH", f"S{n}", "DE", "Lübeck", f"=cmd|' /C calc'!A{n}"] for n in range(5000)
    ]
    path = write_csv(tmp_path / "many.csv", rows)
    result = rit("import", "csv", "orgs", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 5000 organisations\n"
    hits = json.loads(ok(rit, "search", "strasse 4999", "--json"))
    assert [h["title"] for h in hits] == ["Straße 4999 GmbH"]


def test_empty_rows_of_separators_are_skipped(rit: RitRunner, tmp_path: Path) -> None:
    # Excel writes a row left empty inside or below the data as ';;' (one ';' per column).
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffName;Land;Stadt\r\n;;\r\nA GmbH;DE;Kiel\r\n;;\r\n\r\n"
        "B GmbH;XX;Kiel\r\n;;\r\n".encode()
    )
    error = one_line_error(rit("import", "csv", "orgs", str(path), "--excel"))
    assert error.startswith("error: line 6, column ") and "unknown country 'XX'" in error
    assert "2 more" not in error and "must not be empty" not in error
    path.write_bytes(path.read_bytes().replace(b"XX", b"DE"))
    assert ok(rit, "import", "csv", "orgs", str(path), "--excel") == "imported 2 organisations\n"
    only = write_csv(tmp_path / "only.csv", [[";;"], [";;"]])
    assert "the file is empty" in one_line_error(rit("import", "csv", "orgs", str(only), "--excel"))


def test_empty_headings_after_the_columns_are_ignored(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    # Excel writes 'Name;Land;;;' when cells right of the data were ever formatted.
    rows = [["Name", "Land", "", "", ""], ["A GmbH", "DE", "", "", ""], ["B GmbH", "JP"]]
    path = write_csv(tmp_path / "wide.csv", rows, excel=True)
    assert ok(rit, "import", "csv", "orgs", str(path), "--excel") == "imported 2 organisations\n"
    before = dump()
    stray = write_csv(tmp_path / "stray.csv", [["Name", "Land", ""], ["C GmbH", "DE", "x"]])
    assert "line 2: 3 cells, but the header names 2 columns" in one_line_error(
        rit("import", "csv", "orgs", str(stray))
    )
    gap = write_csv(tmp_path / "gap.csv", [["Name", "", "Land"], ["C GmbH", "", "DE"]])
    error = one_line_error(rit("import", "csv", "orgs", str(gap)))
    assert "line 1: column 2 has no heading" in error and "columns are name," in error
    assert dump() == before


def test_errors_name_the_column_by_its_heading_in_the_file(rit: RitRunner, tmp_path: Path) -> None:
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN")
    orgs = write_csv(tmp_path / "o.csv", [[" Name ", "LAND"], ["A GmbH", "Deutschland"]])
    assert "line 2, column LAND: unknown country 'Deutschland'" in one_line_error(
        rit("import", "csv", "orgs", str(orgs))
    )
    people = write_csv(
        tmp_path / "c.csv",
        [["Name", "Firma", "E-Mail-Adresse"], ["A B", "LSN", "a b@x.de"], ["", "Niemand", ""]],
    )
    error = one_line_error(rit("import", "csv", "contacts", str(people)))
    assert "line 2, column E-Mail-Adresse: e-mail 'a b@x.de'" in error
    assert "line 3, column Firma: no organisation 'Niemand'" in error


def test_lines_are_counted_as_a_spreadsheet_numbers_its_rows(
    rit: RitRunner, tmp_path: Path
) -> None:
    # A cell with line breaks (LibreOffice, Google Sheets) is one row of the sheet.
    rows = [["name", "country", "note"], ["A GmbH", "DE", "eins\nzwei\ndrei"], ["B GmbH", "XX"]]
    path = write_csv(tmp_path / "lo.csv", rows)
    assert "error: line 3, column country: unknown country 'XX'" in one_line_error(
        rit("import", "csv", "orgs", str(path))
    )
    path.write_text('name,note\n"C GmbH","a\nb"\n"D GmbH","x",y\n', encoding="utf-8")
    assert "line 3: 3 cells" in one_line_error(rit("import", "csv", "orgs", str(path)))


@pytest.mark.parametrize(
    "start",
    [
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
    ids=["xlsx-ods-numbers", "xls"],
)
def test_a_workbook_named_csv_is_named_as_such(
    rit: RitRunner, tmp_path: Path, start: bytes
) -> None:
    path = tmp_path / "Partner.csv"
    path.write_bytes(start + bytes(range(256)) * 8)
    error = one_line_error(rit("import", "csv", "orgs", str(path), "--excel"))
    assert "'" + str(path) + "' is a spreadsheet workbook, not a CSV file" in error
    assert "CSV UTF-8" in error and "not UTF-8 text" not in error


def test_a_windows_1252_file_says_how_to_save_it(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    # Excel's "CSV (Trennzeichen-getrennt)" on a German Windows: cp1252, no BOM.
    path = tmp_path / "alt.csv"
    path.write_bytes("Name;Land;Notiz\r\nMüller GmbH;DE;5 €\r\n".encode("cp1252"))
    before = dump()
    error = one_line_error(rit("import", "csv", "orgs", str(path), "--excel"))
    assert "is not UTF-8 text (byte 18): save it as CSV UTF-8" in error
    assert dump() == before


def test_a_comma_separated_file_read_with_excel_says_so(rit: RitRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "google.csv", [["name", "country"], ["A GmbH", "DE"]])
    error = one_line_error(rit("import", "csv", "orgs", str(path), "--excel"))
    assert "(a ','-separated file is read without --excel)" in error


def test_two_headings_for_one_column_are_both_named(rit: RitRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["Name", "Firma", "Organisation"], ["A", "X", "X"]])
    assert "line 1: columns 'Firma' and 'Organisation' both hold org; keep one" in one_line_error(
        rit("import", "csv", "contacts", str(path))
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name,country\nA,DE\n"B GmbH,DE\nC,DE\n',
            'line 3: a cell opens a quote (") that is never closed',
        ),
        (
            'name;country\n"Foo" GmbH;DE\n',
            "line 2: text follows a cell's closing quote (\"): put the whole cell in quotes",
        ),
    ],
)
def test_broken_quotes_say_what_to_correct(
    rit: RitRunner, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(text, encoding="utf-8")
    excel = ["--excel"] if ";" in text else []
    assert message in one_line_error(rit("import", "csv", "orgs", str(path), *excel))


def test_a_country_written_out_in_english_is_given_its_code(rit: RitRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", [["name", "country"], ["A", "germany"], ["B", "DEU"]])
    error = one_line_error(rit("import", "csv", "orgs", str(path)))
    assert (
        "line 2, column country: unknown country 'germany': use its ISO 3166-1 alpha-2 code, DE"
        in error
    )
    assert "line 3, column country: unknown country 'DEU': use an ISO 3166-1" in error


def test_import_csv_rejects_other_tables(rit: RitRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["title"], ["x"]])
    assert "use orgs or contacts" in one_line_error(rit("import", "csv", "agreements", str(path)))


# --- backup, restore ----------------------------------------------------------------------


def test_backup_is_private_and_refuses_to_overwrite(
    rit: RitRunner, tmp_path: Path, db_path: Path
) -> None:
    build_story(rit)
    target = tmp_path / "b.db"
    result = rit("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM orgs").fetchone()[0] == 3
    copy.close()
    assert "--force" in one_line_error(rit("backup", str(target)))
    assert rit("backup", str(target), "--force").exit_code == 0
    one_line_error(rit("backup", str(db_path), "--force"))


def test_backup_while_another_process_writes(rit: RitRunner, tmp_path: Path, db_path: Path) -> None:
    ok(rit, "add-org", "Seed")
    script = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
        "c.execute('PRAGMA busy_timeout=30000')\n"
        "c.execute('PRAGMA synchronous=OFF')\n"
        "print('ready', flush=True)\n"
        "for i in range(1_000_000):\n"
        "    c.execute('BEGIN IMMEDIATE')\n"
        "    c.execute(\"INSERT INTO meta (key, value) VALUES (?, 'x')\", (f'k{i}',))\n"
        "    c.execute('COMMIT')\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    targets = [tmp_path / f"b{n}.db" for n in range(3)]
    try:
        for target in targets:
            result = rit("backup", str(target))
            assert result.exit_code == 0, result.stderr
        assert writer.poll() is None, "the writer should still be writing"
    finally:
        writer.terminate()
        writer.wait(timeout=60)
    written = []
    for target in targets:
        copy = sqlite3.connect(target)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT name FROM orgs").fetchall() == [("Seed",)]
        written.append(copy.execute("SELECT count(*) FROM meta").fetchone()[0])
        copy.close()
    assert written == sorted(written) and written[-1] > 0


def test_restore_keeps_the_replaced_database(rit: RitRunner, tmp_path: Path, db_path: Path) -> None:
    ok(rit, "add-org", "Before")
    backup = tmp_path / "b.db"
    ok(rit, "backup", str(backup))
    ok(rit, "add-org", "After")
    result = rit("restore", str(backup))
    assert result.exit_code == 0, result.stderr
    kept = Path(result.stdout.splitlines()[1].rsplit(" ", 1)[1])
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.name.startswith("rit.db.before-restore-")
    assert [o["name"] for o in json.loads(ok(rit, "orgs", "--json"))] == ["Before"]
    old = sqlite3.connect(kept)
    assert {r[0] for r in old.execute("SELECT name FROM orgs")} == {"Before", "After"}
    old.close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_restore_makes_the_database_private(rit: RitRunner, tmp_path: Path, db_path: Path) -> None:
    ok(rit, "add-org", "Before")
    backup = tmp_path / "b.db"
    ok(rit, "backup", str(backup))
    os.chmod(db_path, 0o644)
    assert rit("restore", str(backup)).exit_code == 0
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    for side in ("-wal", "-shm"):
        path = Path(str(db_path) + side)
        assert not path.exists() or stat.S_IMODE(path.stat().st_mode) == 0o600


def test_restore_refuses_what_is_not_a_sound_rit_database(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    ok(rit, "add-org", "Keep me")
    before = dump()
    random_file = tmp_path / "random.bin"
    random_file.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.db"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.close()
    newer = tmp_path / "newer.db"
    ok(rit, "backup", str(newer))
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    raw.close()
    corrupt = tmp_path / "corrupt.db"
    ok(rit, "backup", str(corrupt))
    data = bytearray(corrupt.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096] = 0xFF  # every page but the first (the header) damaged
    corrupt.write_bytes(bytes(data))
    for path, message in [
        (random_file, "not a rit database"),
        (foreign, "not a rit database"),
        (newer, "newer rit"),
        (corrupt, ""),
        (tmp_path / "missing.db", "no file"),
        # QA: a directory or a device said "no file", though there is one by that name
        (tmp_path, f"{str(tmp_path)!r} is a directory, not a rit database"),
        (Path("/dev/zero"), "'/dev/zero' is not a regular file, so not a rit database"),
    ]:
        assert message in one_line_error(rit("restore", str(path)))
    assert dump() == before
    assert not list(tmp_path.glob("data/*.before-restore-*"))


# --- doctor -------------------------------------------------------------------------------


def test_doctor_healthy(rit: RitRunner, db_path: Path) -> None:
    ok(rit, "add-org", "Life Science Nord")
    result = rit("doctor", "--json")
    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["database"]["detail"] == f"{db_path} (from $RIT_DB)"
    assert checks["schema"]["detail"] == f"{db.SCHEMA_VERSION} (current)"
    assert checks["integrity_check"]["status"] == "ok"
    assert checks["foreign_key_check"]["status"] == "ok"
    assert checks["permissions"]["status"] == "ok"
    flag = json.loads(ok(rit, "doctor", "--json", "--db", str(db_path)))
    assert flag[0]["detail"].endswith("(from --db)")


def test_doctor_warns_about_permissions_and_fails_on_broken_references(
    rit: RitRunner, db_path: Path
) -> None:
    ok(rit, "add-org", "Life Science Nord")
    os.chmod(db_path, 0o644)
    result = rit("doctor")
    assert result.exit_code == 0
    assert "permissions\twarn\t" in result.stdout and "chmod 600" in result.stdout
    raw = sqlite3.connect(db_path)
    raw.execute("INSERT INTO org_tags (org_id, tag) VALUES (99, 'x')")
    raw.commit()
    raw.close()
    result = rit("doctor")
    assert result.exit_code == 1
    assert "foreign_key_check\tfail\t1 broken references: org_tags" in result.stdout


def test_doctor_on_a_missing_and_a_foreign_file(rit: RitRunner, tmp_path: Path) -> None:
    result = rit("doctor", env={"RIT_DB": str(tmp_path / "none.db")})
    assert result.exit_code == 0 and "created on first use" in result.stdout
    assert not (tmp_path / "none.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello" * 1000)
    assert rit("doctor", env={"RIT_DB": str(junk)}).exit_code == 1


def test_doctor_on_a_directory_says_so(rit: RitRunner, tmp_path: Path) -> None:
    result = rit("doctor", env={"RIT_DB": str(tmp_path)})
    assert result.exit_code == 1
    assert f"file\tfail\t{tmp_path} is a directory, not a database" in result.stdout
    assert "I/O" not in result.stdout
    assert "is a directory, not a database" in one_line_error(rit("orgs", "--db", str(tmp_path)), 1)


def test_a_device_as_the_database_is_named_as_no_regular_file(rit: RitRunner) -> None:
    # RIT_DB=/dev/null: SQLite itself would say "disk I/O error".
    said = "'/dev/null' is not a regular file, so not a database"
    for argv in (("orgs",), ("add-org", "X"), ("remind",)):
        assert one_line_error(rit(*argv, env={"RIT_DB": "/dev/null"}), 1) == f"error: {said}\n"
    result = rit("doctor", env={"RIT_DB": "/dev/null"})
    assert result.exit_code == 1
    assert "file\tfail\t/dev/null is not a regular file, so not a database" in result.stdout


MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
server:/export /home/nfs nfs4 rw 0 0
me@host:/x /mnt/my\\040share fuse.sshfs rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/nfs/rit/rit.db", ("/home/nfs", "nfs4")),
        ("/home/nfsother/rit.db", ("/", "ext4")),
        ("/mnt/my share/rit.db", ("/mnt/my share", "fuse.sshfs")),
        ("/tmp/x.db", ("/tmp", "tmpfs")),
    ],
)
def test_file_system_of(path: str, expected: tuple[str, str]) -> None:
    assert file_system_of(Path(path), MOUNTS) == expected


def test_doctor_warns_on_a_network_file_system(db_path: Path, rit: RitRunner) -> None:
    from rit_cli.store.maintenance import doctor

    ok(rit, "add-org", "x")
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/e {db_path.parent.resolve()} nfs4 rw 0 0\n"
    checks = {c.name: c for c in doctor(db.locate(str(db_path)), mounts)}
    assert checks["file system"].status == "warn"
    assert "network file system" in checks["file system"].detail


def test_an_edit_committed_while_exporting_json_is_not_half_in_the_file(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """export json reads one table after another: an exchange removed between them (cron
    exporting while someone edits) left its organisations in the file without it, which
    import json then refuses. It reads one snapshot, as export ics does."""
    from rit_cli.store import transfer

    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    schedule_visit(rit, "LSN", "FBRI", "--on", "2016-10-12")
    env = {**os.environ, "RIT_DB": str(db_path), "RIT_TODAY": "2016-08-25"}
    remove = [sys.executable, "-m", "rit_cli", "remove-exchange", "1"]
    read = transfer.export_text

    def removed_meanwhile(conn: sqlite3.Connection) -> object:
        def between(sql: str) -> None:
            if "FROM exchange_orgs" in sql:  # read before the exchanges (by name)
                conn.set_trace_callback(None)
                subprocess.run(remove, env=env, capture_output=True, check=True)

        conn.set_trace_callback(between)
        yield from read(conn)

    monkeypatch.setattr(transfer, "export_text", removed_meanwhile)
    document = json.loads(ok(rit, "export", "json"))["tables"]
    assert ok(rit, "agenda", "--from", "2016-01-01", "--to", "2016-12-31") == ""  # removed
    assert [e["title"] for e in document["exchanges"]] == ["LSN → FBRI visit 2016-10-12"]
    assert len(document["exchange_orgs"]) == 2


def test_the_exchanges_csv_tells_the_two_times_of_an_autumn_night_apart(rit: RitRunner) -> None:
    """02:30 on the night clocks fall back happens twice; the CSV gave both exchanges the
    same day, time and zone. Its fold column says which (0 the first, 1 the second)."""
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    for fold, title in (("0", "First 02:30"), ("1", "Second 02:30")):
        ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-10-30",
           "--at", "02:30", "--fold", fold, "--title", title)  # fmt: skip
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-11-02")
    rows = list(csv.DictReader(io.StringIO(ok(rit, "export", "csv", "exchanges"))))
    assert [(r["title"], r["day"], r["at"], r["tz"], r["fold"]) for r in rows] == [
        ("First 02:30", "2016-10-30", "02:30", "Europe/Berlin", "0"),
        ("Second 02:30", "2016-10-30", "02:30", "Europe/Berlin", "1"),
        ("FBRI → LSN visit 2016-11-02", "2016-11-02", "", "Europe/Berlin", ""),
    ]
