"""`rit import csv` streams: batches inside one transaction, bulk search indexing."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from .conftest import RitRunner


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def triggers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    finally:
        conn.close()


def index_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT rowid, kind, record_id, field, body FROM search_index ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()


ORGS = [
    ["name", "short", "country", "city", "region", "website", "note"],
    ["Müller & Söhne GmbH", "MS", "DE", "Lübeck", "Schleswig-Holstein", "www.ms.de", "Große Str."],
    ["神戸医療産業都市推進機構", "KBIC", "JP", "神戸", "", "", ""],
    ["Œuvre Poincaré ÆØÅ", "", "FR", "Besançon", "", "", "ẞ ß ñ"],
    ["Plain Org", "", "", "", "", "", ""],
]
CONTACTS = [
    ["name", "org", "title", "role", "email", "phone", "note"],
    ["Jürgen Straße", "MS", "Dr.", "Geschäftsführer", "j@example.org", "+49 40 1", "Noël"],
    ["山田 太郎", "KBIC", "", "", "", "", ""],
]


def test_bulk_index_equals_the_per_row_triggers(rit: RitRunner, tmp_path: Path) -> None:
    imported, added = tmp_path / "imported.db", tmp_path / "added.db"
    orgs = write_csv(tmp_path / "orgs.csv", ORGS)
    contacts = write_csv(tmp_path / "contacts.csv", CONTACTS)
    for entity, path in (("orgs", orgs), ("contacts", contacts)):
        result = rit("import", "csv", entity, str(path), env={"RIT_DB": str(imported)})
        assert result.exit_code == 0, result.stderr
    env = {"RIT_DB": str(added)}
    for name, short, country, city, region, website, note in ORGS[1:]:
        args = ["add-org", name]
        for option, value in (
            ("--short", short),
            ("--country", country),
            ("--city", city),
            ("--region", region),
            ("--website", website),
            ("--note", note),
        ):
            if value:
                args += [option, value]
        assert rit(*args, env=env).exit_code == 0
    for name, org, title, role, email, phone, note in CONTACTS[1:]:
        args = ["add-contact", name, "--org", org]
        for option, value in (
            ("--title", title),
            ("--role", role),
            ("--email", email),
            ("--phone", phone),
            ("--note", note),
        ):
            if value:
                args += [option, value]
        result = rit(*args, env=env)
        assert result.exit_code == 0, result.stderr
    assert index_rows(imported) == index_rows(added)
    assert len(index_rows(imported)) > 10


def test_search_finds_imported_rows_and_the_trigger_is_back(
    rit: RitRunner, tmp_path: Path, db_path: Path
) -> None:
    rows = [["name", "note"]] + [[f"Firma {n}", f"Große Straße {n}"] for n in range(12_000)]
    result = rit("import", "csv", "orgs", str(write_csv(tmp_path / "o.csv", rows)))
    assert result.exit_code == 0, result.stderr
    hits = json.loads(rit("search", "strasse 11999", "--json").stdout)
    assert [h["title"] for h in hits] == ["Firma 11999"]
    assert {"search_orgs_insert", "search_contacts_insert"} <= triggers(db_path)
    # Later changes are indexed by the trigger again.
    assert rit("add-org", "Nachher Werft").exit_code == 0
    assert [h["title"] for h in json.loads(rit("search", "werft", "--json").stdout)] == [
        "Nachher Werft"
    ]


def test_errors_on_lines_7_and_9000_of_10000_leave_nothing(
    rit: RitRunner, tmp_path: Path, db_path: Path, dump: Callable[[], str]
) -> None:
    assert rit("add-org", "Existing").exit_code == 0
    rows = [["name", "country"]]
    for line in range(2, 10_002):
        name = "Firma 8" if line == 9000 else f"Firma {line}"  # line 8 has 'Firma 8'
        rows.append([name, "Germany" if line == 7 else "DE"])
    before = dump()
    error = one_line_error(rit("import", "csv", "orgs", str(write_csv(tmp_path / "b.csv", rows))))
    assert error.startswith("error: line 7, column country: ")
    assert "line 9000, column name: 'Firma 8' is already used on line 8" in error
    assert "nothing was imported" in error
    assert dump() == before
    assert {"search_orgs_insert", "search_contacts_insert"} <= triggers(db_path)


def test_a_broken_line_late_in_the_file_leaves_nothing(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    assert rit("add-org", "Existing").exit_code == 0
    path = tmp_path / "late.csv"
    body = "".join(f"Firma {n},DE\n" for n in range(9000))
    path.write_text("name,country\n" + body + "Zu viel,DE,extra\n", encoding="utf-8")
    before = dump()
    assert "line 9002: 3 cells" in one_line_error(rit("import", "csv", "orgs", str(path)))
    assert dump() == before


def test_cr_line_ends_and_late_invalid_utf8(
    rit: RitRunner, tmp_path: Path, dump: Callable[[], str]
) -> None:
    old_mac = tmp_path / "mac.csv"
    old_mac.write_bytes(b"name,country\rA,DE\rB,JP\r")
    result = rit("import", "csv", "orgs", str(old_mac))
    assert result.exit_code == 0 and result.stdout == "imported 2 organisations\n"
    before = dump()
    latin1 = tmp_path / "latin1.csv"
    head = "name\n" + "".join(f"Org {n}\n" for n in range(20_000))
    latin1.write_bytes(head.encode() + "Müller\n".encode("latin-1"))
    error = one_line_error(rit("import", "csv", "orgs", str(latin1)))
    assert f"is not UTF-8 text (byte {len(head.encode()) + 1})" in error
    assert dump() == before
