"""Personal data: forget-contact erases a person everywhere; files are private; no leaks."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from rit_cli import db, store
from rit_cli.commands import privacy as privacy_command

from .conftest import RitRunner
from .helpers import commands, empty_database, ok

NAME = "Zebulon Quackenbush"
EMAIL = "zebulon.quackenbush@example.org"
OLD_EMAIL = "zq-old-address@example.org"
PHONE = "+49 40 987 654 321"


def seed_person(rit: RitRunner) -> None:
    assert rit("add-org", "Life Science Nord", "--short", "LSN", "--country", "DE").exit_code == 0
    assert rit("add-contact", "Hinrich Habeck", "--org", "LSN").exit_code == 0
    args = ["add-contact", NAME, "--org", "LSN", "--title", "Dr.", "--email", OLD_EMAIL]
    assert rit(*args, "--phone", PHONE, "--note", "met in Kobe").exit_code == 0
    assert rit("edit-contact", NAME, "--email", EMAIL, "--role", "CSO").exit_code == 0


def link_person(path: Path) -> None:
    """Make the person a signatory and a participant, and mention them in another history."""
    conn = db.connect(path)
    with db.transaction(conn):
        person = conn.execute("SELECT id FROM contacts WHERE name = ?", (NAME,)).fetchone()[0]
        other = conn.execute("SELECT id FROM contacts WHERE name = 'Hinrich Habeck'").fetchone()[0]
        agreement = store.insert(conn, "agreements", {"title": "LoI", "title_key": "loi"})
        conn.execute("INSERT INTO agreement_signatories VALUES (?, ?)", (agreement, person))
        conn.execute("INSERT INTO agreement_signatories VALUES (?, ?)", (agreement, other))
        exchange = store.insert(
            conn,
            "exchanges",
            {
                "type": "visit",
                "title": "Kobe visit",
                "title_key": "kobe visit",
                "status": "planned",
                "start_on": "2016-10-01",
                "end_on": "2016-10-31",
            },
        )
        conn.execute("INSERT INTO exchange_participants VALUES (?, ?)", (exchange, person))
        row = conn.execute("SELECT uuid FROM exchanges WHERE id = ?", (exchange,)).fetchone()
        store.record_history(
            conn,
            "exchanges",
            exchange,
            row[0],
            "update",
            {"participants": ("Hinrich Habeck", f"Hinrich Habeck, Dr. {NAME} <{EMAIL}>")},
        )
    conn.close()


def raw_bytes(path: Path) -> bytes:
    return b"".join(
        Path(str(path) + suffix).read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(str(path) + suffix).exists()
    )


def test_forget_contact_erases_the_person_everywhere(rit: RitRunner, db_path: Path) -> None:
    seed_person(rit)
    link_person(db_path)
    assert EMAIL.encode() in raw_bytes(db_path) or OLD_EMAIL.encode() in raw_bytes(db_path)

    result = rit("forget-contact", NAME, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("erased contact #2 (uuid ")
    assert NAME not in result.stdout
    # The erasure stays reachable: by id with the kind, as a removed record is.
    erased = rit("history", "2", "--kind", "contact", "--json")
    assert erased.exit_code == 0, erased.output
    assert [(h["action"], h["field"]) for h in json.loads(erased.stdout)] == [("erase", None)]

    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM contacts WHERE id = 2").fetchone()[0] == 0
    assert conn.execute("SELECT contact_id FROM agreement_signatories").fetchall() == [(1,)]
    assert conn.execute("SELECT count(*) FROM exchange_participants").fetchone()[0] == 0
    history = conn.execute(
        "SELECT table_name, action, field, old, new, record_id FROM history"
    ).fetchall()
    erase = [h for h in history if h[1] == "erase"]
    assert erase == [("contacts", "erase", None, None, None, 2)]
    assert not [h for h in history if h[0] == "contacts" and h[5] == 2 and h[1] != "erase"]
    everything = json.dumps(history)
    for secret in (NAME, EMAIL, OLD_EMAIL, PHONE, "Quackenbush", "met in Kobe"):
        assert secret not in everything
    scrubbed = [h for h in history if h[2] == "participants"]
    assert scrubbed[0][4] == "Hinrich Habeck, (erased) <(erased)>"
    conn.close()

    # Not in the file, its write-ahead log or freed pages either.
    raw = raw_bytes(db_path)
    for secret in (EMAIL, OLD_EMAIL, "Quackenbush", PHONE):
        assert secret.encode() not in raw, secret

    # Nor in the search index.
    if "search" in commands():
        for word in ("Quackenbush", "zebulon", EMAIL, "987 654"):
            found = rit("search", word, "--json")
            assert found.exit_code == 0, found.stderr
            assert json.loads(found.stdout) == [], word
    conn = sqlite3.connect(db_path)
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search%'"
    ).fetchall():
        for row in conn.execute(f'SELECT * FROM "{name}"').fetchall():
            assert "quackenbush" not in json.dumps([str(v) for v in row]).casefold()
    conn.close()

    # What remains is the fact of the erasure, reachable through the contact's uuid only.
    assert rit("show-contact", NAME).exit_code == 2
    assert rit("contacts").stdout.count("\n") == 1


def test_erasure_history_is_shown_by_uuid(rit: RitRunner, db_path: Path) -> None:
    seed_person(rit)
    uuid = json.loads(rit("show-contact", NAME, "--json").stdout)["uuid"]
    assert rit("forget-contact", "2", "--yes").exit_code == 0
    shown = json.loads(rit("history", uuid, "--json").stdout)
    assert [(h["action"], h["field"], h["old"], h["new"]) for h in shown] == [
        ("erase", None, None, None)
    ]


def test_forget_contact_needs_yes_when_not_on_a_terminal(rit: RitRunner, dump) -> None:
    seed_person(rit)
    before = dump()
    result = rit("forget-contact", NAME)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--yes" in result.stderr
    assert dump() == before


@pytest.mark.parametrize(("answer", "code", "kept"), [("n\n", 1, True), ("y\n", 0, False)])
def test_forget_contact_asks_on_a_terminal(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, answer: str, code: int, kept: bool
) -> None:
    seed_person(rit)
    monkeypatch.setattr(privacy_command, "stdin_is_terminal", lambda: True)
    result = rit("forget-contact", NAME, input=answer)
    assert result.exit_code == code, result.output
    assert f"Erase contact #2 {NAME} everywhere?" in result.stdout
    assert (NAME in rit("contacts").stdout) is kept


def test_forget_contact_keeps_other_words_that_merely_contain_the_name(
    rit: RitRunner, db_path: Path
) -> None:
    assert rit("add-org", "Life Science Nord", "--short", "LSN").exit_code == 0
    assert rit("add-contact", "Li", "--org", "LSN").exit_code == 0
    assert rit("forget-contact", "Li", "--yes").exit_code == 0
    conn = sqlite3.connect(db_path)
    values = {r[0] for r in conn.execute("SELECT new FROM history WHERE table_name = 'orgs'")}
    conn.close()
    assert "Life Science Nord" in values


def test_connections_overwrite_deleted_content() -> None:
    conn = db.connect(Path(":memory:"))
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_rit_creates_is_private(rit: RitRunner, db_path: Path, tmp_path: Path) -> None:
    seed_person(rit)
    # Keep a reader open so the -wal and -shm files exist while we look at them.
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    assert rit("add-org", "Another").exit_code == 0
    assert mode(db_path.parent) == 0o700
    for path in db_path.parent.iterdir():
        assert mode(path) == 0o600, path
    reader.execute("COMMIT")
    reader.close()
    assert rit("forget-contact", NAME, "--yes").exit_code == 0
    for path in db_path.parent.iterdir():
        assert mode(path) == 0o600, path


def test_files_stay_private_under_a_permissive_umask(rit: RitRunner, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        target = tmp_path / "open" / "deep" / "rit.db"
        assert rit("add-org", "X", env={"RIT_DB": str(target)}).exit_code == 0
    finally:
        os.umask(old)
    assert mode(target.parent) == 0o700
    assert mode(target.parent.parent) & 0o077 == 0
    for path in target.parent.iterdir():
        assert mode(path) == 0o600, path


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "{dir}/backup.db"],
        ["export", "json", "--out", "{dir}/export.json"],
        ["export", "csv", "contacts", "--out", "{dir}/contacts.csv"],
        ["export", "ics", "--out", "{dir}/rit.ics"],
        ["report", "--format", "markdown", "--out", "{dir}/report.md"],
        ["report", "--format", "csv", "--out", "{dir}/report.csv"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_files_written_for_the_user_are_private(
    rit: RitRunner, tmp_path: Path, args: list[str]
) -> None:
    if args[0] not in commands():
        pytest.skip(f"rit has no {args[0]} yet")
    seed_person(rit)
    out = tmp_path / "out"
    out.mkdir()
    old = os.umask(0)  # even a careless umask must not make them readable by others
    try:
        result = rit(*(a.format(dir=out) for a in args))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    written = list(out.iterdir())
    assert written, "nothing was written"
    for path in written:
        assert mode(path) == 0o600, path


def test_migration_backup_is_private(tmp_path: Path) -> None:
    path = tmp_path / "rit.db"
    conn = db.connect(path)
    target = db.backup_before_migration(conn, path, 0)
    conn.close()
    assert mode(target) == 0o600


# ------------------------------------------------------------------ errors without leaks

SECRET_LOCAL = "s3cr3t-local-value"


def test_unexpected_exception_is_one_line_without_traceback_or_locals(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rit_cli.store.orgs as store_orgs

    empty_database(db_path)

    def boom(conn, *args, **kwargs):
        password = SECRET_LOCAL  # noqa: F841  a local that must never be printed
        raise ValueError("something broke")

    monkeypatch.setattr(store_orgs, "list_orgs", boom)
    monkeypatch.setattr(store_orgs, "add_org", boom)
    for args in (["orgs"], ["add-org", "X"]):
        result = rit(*args)
        assert result.exit_code == 1
        assert result.stderr == (
            "error: unexpected ValueError: something broke (run with RIT_DEBUG=1 for details)\n"
        )
        assert SECRET_LOCAL not in result.output and "Traceback" not in result.output


def test_debug_shows_the_traceback_but_never_locals(
    rit: RitRunner, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rit_cli.store.orgs as store_orgs

    empty_database(db_path)

    def boom(conn, *args, **kwargs):
        password = SECRET_LOCAL  # noqa: F841
        raise ValueError("something broke")

    monkeypatch.setattr(store_orgs, "list_orgs", boom)
    monkeypatch.setenv("RIT_DEBUG", "1")
    monkeypatch.setenv("RIT_DB", str(db_path))
    with pytest.raises(ValueError):
        from rit_cli.cli import main

        main(["orgs"])


def test_typer_never_shows_locals() -> None:
    from rit_cli.app import app

    assert app.pretty_exceptions_show_locals is False
    assert app.pretty_exceptions_enable is False


def test_interrupt_is_one_line_and_rolls_back(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, dump
) -> None:
    import rit_cli.store.orgs as store_orgs

    assert rit("add-org", "Life Science Nord").exit_code == 0
    before = dump()
    real_add = store_orgs.add_org

    def interrupted(conn, data):
        real_add(conn, data)  # written inside the transaction, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(store_orgs, "add_org", interrupted)
    result = rit("add-org", "Half Written")
    assert result.exit_code == 130
    assert result.stderr == "error: interrupted\n"
    assert dump() == before


# ------------------------------------------------------- former names and live free text


def every_value(path: Path) -> str:
    """Every value of every table (search index and its shadow tables included), folded."""
    from rit_cli.fold import fold

    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
        values = [
            str(value)
            for name in names
            for row in conn.execute(f'SELECT * FROM "{name}"')
            for value in row
            if value is not None
        ]
    finally:
        conn.close()
    return fold("\n".join(values))


def assert_gone(rit: RitRunner, path: Path, *secrets: str) -> None:
    """No trace of the secrets in any table, the file's bytes or a search."""
    from rit_cli.fold import fold

    stored = every_value(path)
    raw = raw_bytes(path).lower()  # ASCII letters only: the secrets are given as stored
    for secret in secrets:
        assert fold(secret) not in stored, secret
        assert secret.lower().encode() not in raw, secret
        assert fold(secret).encode() not in raw, secret
        found = rit("search", secret, "--json")
        assert found.exit_code == 0, found.stderr
        assert json.loads(found.stdout) == [], secret


def history_values(rit: RitRunner, ref: str, kind: str) -> list[tuple[str, str, str | None]]:
    shown = rit("history", ref, "--kind", kind, "--json")
    assert shown.exit_code == 0, shown.stderr
    return [(h["action"], h["field"], h["new"]) for h in json.loads(shown.stdout)]


def test_forget_contact_erases_the_names_the_person_had_before(
    rit: RitRunner, db_path: Path
) -> None:
    ok(rit, "add-org", "LSN", "--country", "DE")
    ok(rit, "add-org", "FBRI", "--country", "JP")
    ok(rit, "add-contact", "Hanako Suzuki", "--org", "FBRI", "--title", "Prof.")
    ok(rit, "edit-contact", "Hanako Suzuki", "--phone", "+81 78 111 2222")
    ok(rit, "edit-contact", "Hanako Suzuki", "--email", "suzuki@fbri.example.org")
    ok(
        rit,
        "add-agreement",
        "LoI",
        "--party",
        "LSN",
        "--party",
        "FBRI",
        "--signed",
        "2016-01-01",
        "--signatory",
        "Hanako Suzuki",
    )
    note = "Ask Prof. Hanako Suzuki (+81 78 111 2222, suzuki@fbri.example.org) for the draft"
    ok(rit, "edit-agreement", "LoI", "--note", note)
    ok(rit, "edit-contact", "Hanako Suzuki", "--name", "Hanako Yamada", "--title", "Dr.")
    ok(rit, "edit-contact", "Hanako Yamada", "--phone", "+81 78 333 4444", "--email", "")
    assert "Suzuki" in every_value(db_path).title()

    result = rit("forget-contact", "Hanako Yamada", "--yes")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"erased contact #1 \(uuid [0-9a-f-]{36}, for rit history\): 1 link, 9 history rows"
        r" removed, mentions scrubbed from 2 history rows and 1 record\n",
        result.stdout,
    ), result.stdout
    assert_gone(
        rit,
        db_path,
        "Suzuki",
        "Yamada",
        "Hanako",
        "111 2222",
        "333 4444",
        "suzuki@fbri.example.org",
    )
    values = history_values(rit, "LoI", "agreement")
    assert ("create", "signatories", "(erased)") in values
    assert ("update", "note", "Ask (erased) ((erased), (erased)) for the draft") in values
    # The live note is scrubbed the same way; its history says only that it was.
    shown = json.loads(rit("show-agreement", "LoI", "--json").stdout)
    assert shown["note"] == "Ask (erased) ((erased), (erased)) for the draft"
    assert values[-1] == ("erase", "note", None)
    assert rit("history", "LoI", "--kind", "agreement").stdout.count("Hanako") == 0


def test_a_former_longer_name_is_erased_whole(rit: RitRunner, db_path: Path) -> None:
    ok(rit, "add-org", "LSN", "--country", "DE")
    ok(rit, "add-org", "FBRI", "--country", "JP")
    ok(rit, "add-contact", "Jürgen Müller-Straße", "--org", "LSN")
    ok(
        rit,
        "add-agreement",
        "LoI",
        "--party",
        "LSN",
        "--party",
        "FBRI",
        "--signed",
        "2016-01-01",
        "--signatory",
        "Jürgen Müller-Straße",
    )
    lead = "Jürgen Müller-Straße"
    ok(rit, "add-trip", "Kobe 2016", "--from", "2016-05-01", "--to", "2016-05-05", "--lead", lead)
    ok(rit, "edit-contact", "Jürgen Müller-Straße", "--name", "Jürgen Müller")

    assert rit("forget-contact", "Jürgen Müller", "--yes").exit_code == 0
    assert ("create", "signatories", "(erased)") in history_values(rit, "LoI", "agreement")
    assert ("create", "lead", "(erased)") in history_values(rit, "Kobe 2016", "trip")
    assert json.loads(rit("show-trip", "Kobe 2016", "--json").stdout)["lead"] == "(erased)"
    assert_gone(rit, db_path, "Müller", "Straße", "Jürgen")


def test_forget_contact_takes_stop_and_status_notes_out_of_search(
    rit: RitRunner, db_path: Path
) -> None:
    """Stop notes and status notes are searched (m007): the index follows their scrub."""
    seed_person(rit)
    ok(rit, "add-org", "FBRI", "--country", "JP")
    ok(rit, "add-trip", "Delegation 2016", "--from", "2016-05-01", "--to", "2016-05-05")
    ok(rit, "add-stop", "1", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02")
    ok(rit, "edit-stop", "1", "Kobe", "--note", f"Dinner hosted by {NAME}")
    ok(rit, "add-cooperation", "Pilot", "--org", "LSN", "--org", "FBRI", "--status", "idea")
    ok(rit, "set-cooperation-status", "Pilot", "talks", "--note", f"proposed by {NAME}")
    found = json.loads(rit("search", "Quackenbush", "--json").stdout)
    assert [(h["kind"], h["field"]) for h in found] == [
        ("contact", "name"),
        ("cooperation", "status note"),
        ("trip", "stop note"),
    ]

    assert rit("forget-contact", NAME, "--yes").exit_code == 0
    hits = json.loads(rit("search", "erased", "--json").stdout)
    assert [(h["kind"], h["field"], h["text"]) for h in hits] == [
        ("cooperation", "status note", "proposed by (erased)"),
        ("trip", "stop note", "Dinner hosted by (erased)"),
    ]
    assert_gone(rit, db_path, "Quackenbush", "Zebulon")


def test_forget_contact_erases_mentions_in_live_free_text(rit: RitRunner, db_path: Path) -> None:
    seed_person(rit)
    ok(rit, "add-org", "FBRI", "--country", "JP")
    lead = f"Minister-President {NAME}"
    ok(
        rit,
        "add-trip",
        "Delegation 2016",
        "--from",
        "2016-05-01",
        "--to",
        "2016-05-05",
        "--lead",
        lead,
    )
    ok(
        rit,
        "add-meeting",
        f"Dinner with {NAME}",
        "--org",
        "LSN",
        "--org",
        "FBRI",
        "--on",
        "2016-05-02",
        "--place",
        "Kobe",
        "--purpose",
        f"Thank {NAME.upper()} for the invitation",
        "--note",
        f"{NAME} brings the draft; call\n{NAME.replace(' ', '  ')} first",
    )
    ok(rit, "done", "1", "--outcome", f"{NAME.split()[0]} {NAME.split()[1]} agreed")
    ok(rit, "add-cooperation", "Pilot", "--org", "LSN", "--org", "FBRI", "--status", "idea")
    ok(rit, "set-cooperation-status", "Pilot", "talks", "--note", f"proposed by Dr. {NAME}")
    exchange = json.loads(rit("show-exchange", "1", "--json").stdout)
    for command in (("show-trip", "1"), ("show-exchange", "1"), ("report", "--year", "2016")):
        assert "Quackenbush" in rit(*command).stdout, command

    result = rit("forget-contact", NAME, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("and 3 records\n"), result.stdout

    for command in (
        ("show-trip", "1"),
        ("show-exchange", "1"),
        ("show-cooperation", "Pilot"),
        ("report", "--year", "2016"),
        ("report", "--year", "2016", "--format", "json"),
        ("export", "json"),
        ("export", "ics"),
    ):
        shown = rit(*command)
        assert shown.exit_code == 0, (command, shown.stderr)
        assert "Quackenbush" not in shown.stdout.title(), command
    trip = json.loads(rit("show-trip", "1", "--json").stdout)
    assert trip["lead"] == "Minister-President (erased)"
    after = json.loads(rit("show-exchange", "Dinner with (erased)", "--json").stdout)
    assert after["purpose"] == "Thank (erased) for the invitation"
    assert after["note"] == "(erased) brings the draft; call\n(erased) first"
    assert after["outcome"] == "(erased) agreed"
    # A subscribed calendar sees the changed event as a newer version.
    assert after["sequence"] == exchange["sequence"] + 1
    assert_gone(rit, db_path, "Quackenbush", "Zebulon")
    # The index holds the scrubbed text, status notes too (searched since m007).
    hits = json.loads(rit("search", "erased", "--json").stdout)
    assert sorted((h["kind"], h["id"], h["field"]) for h in hits) == [
        ("cooperation", 1, "status note"),
        ("exchange", 1, "title"),
        ("trip", 1, "lead"),
    ]

    # The history says which fields an erasure changed, never what they held.
    assert ("erase", "lead", None) in history_values(rit, "1", "trip")
    erased = [v for v in history_values(rit, "1", "exchange") if v[0] == "erase"]
    assert sorted(v[1] for v in erased) == [
        "note",
        "outcome",
        "purpose",
        "sequence",
        "title",
    ]
    coop = history_values(rit, "Pilot", "cooperation")
    assert ("erase", "status_note", None) in coop


def test_forget_contact_refuses_a_title_another_record_has(rit: RitRunner, dump) -> None:
    seed_person(rit)
    ok(rit, "add-trip", f"Visit {NAME}", "--from", "2016-05-01", "--to", "2016-05-05")
    ok(rit, "add-trip", "Visit (erased)", "--from", "2016-06-01", "--to", "2016-06-05")
    before = dump()
    result = rit("forget-contact", NAME, "--yes")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "trip #1" in result.stderr
    assert "Quackenbush" not in result.stderr
    assert dump() == before


def test_forget_contact_leaves_other_people_alone(rit: RitRunner, db_path: Path) -> None:
    """Only whole words are erased: 'Li' goes, 'Life Science Nord' and 'Lisa' stay.

    Erasing 'Li' does replace the word 'Li' wherever it stands alone in free text and in
    history values, in 'Li Wei' too (a mention cannot be told from another person's name);
    Li Wei's own record, name, e-mail and phone, is never changed.
    """
    ok(rit, "add-org", "Life Science Nord", "--short", "LSN", "--note", "Lisa runs it")
    ok(rit, "add-contact", "Li", "--org", "LSN")
    ok(rit, "add-contact", "Li Wei", "--org", "LSN", "--email", "li.wei@example.org")
    ok(rit, "add-contact", "Hanako Yamamoto", "--org", "LSN", "--note", "Yamada lab")
    note = "Lisa, Hanako Yamamoto and Li Wei of Life Science Nord; Li-ion batteries"
    ok(rit, "add-trip", "Kiel", "--from", "2016-05-01", "--to", "2016-05-02", "--note", note)
    ok(rit, "add-contact", "Hanako Yamada", "--org", "LSN")

    assert rit("forget-contact", "Li", "--yes").exit_code == 0
    assert rit("forget-contact", "Hanako Yamada", "--yes").exit_code == 0
    contact = json.loads(rit("show-contact", "Li Wei", "--json").stdout)
    assert (contact["name"], contact["email"]) == ("Li Wei", "li.wei@example.org")
    assert json.loads(rit("show-contact", "Hanako Yamamoto", "--json").stdout)["note"] == (
        "Yamada lab"
    )
    assert json.loads(rit("show-org", "LSN", "--json").stdout)["note"] == "Lisa runs it"
    assert json.loads(rit("show-trip", "Kiel", "--json").stdout)["note"] == (
        "Lisa, Hanako Yamamoto and (erased) Wei of Life Science Nord; (erased)-ion batteries"
    )
    for word in ("Li Wei", "Life Science", "Yamamoto"):
        assert json.loads(rit("search", word, "--json").stdout), word
    # Nor is what Li Wei and LSN are called in their own history.
    history = rit("history", "Li Wei", "--kind", "contact").stdout
    assert "Li Wei" in history and "(erased)" not in history
    assert "(erased)" not in rit("history", "LSN", "--kind", "org").stdout


def test_a_name_in_a_script_without_spaces_is_erased_inside_a_sentence(
    rit: RitRunner, db_path: Path
) -> None:
    ok(rit, "add-org", "FBRI", "--country", "JP")
    ok(rit, "add-contact", "山田 花子", "--org", "FBRI")
    ok(rit, "add-contact", "山田 太郎", "--org", "FBRI")
    note = "山田 花子さんと山田 太郎さんに会う"
    ok(rit, "add-trip", "神戸", "--from", "2016-05-01", "--to", "2016-05-02", "--note", note)
    assert rit("forget-contact", "山田 花子", "--yes").exit_code == 0
    trip = json.loads(rit("show-trip", "神戸", "--json").stdout)
    assert trip["note"] == "(erased)さんと山田 太郎さんに会う"
    assert_gone(rit, db_path, "花子")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("田中太郎", "田中太郎さんと山田花子さん; 田中 太郎"),  # entered without a space
        ("山田 花子", "田中太郎さんと山田花子さん; 山田  花子"),  # entered with one
    ],
)
def test_a_name_in_a_script_without_spaces_is_erased_however_it_is_spaced(
    rit: RitRunner, db_path: Path, name: str, text: str
) -> None:
    """Japanese text usually writes a name without a space; contacts are often entered
    with one (or the other way round): every spacing of the name is the same person."""
    ok(rit, "add-org", "LSN", "--country", "DE")
    ok(rit, "add-org", "FBRI", "--country", "JP")
    ok(rit, "add-contact", name, "--org", "FBRI")
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12",
       "--purpose", text)  # fmt: skip
    assert rit("forget-contact", name, "--yes").exit_code == 0
    purpose = json.loads(rit("show-exchange", "1", "--json").stdout)["purpose"]
    other = "山田花子" if name.startswith("田中") else "田中太郎"
    assert purpose.count("(erased)") == 2 and other in purpose, purpose
    assert_gone(rit, db_path, name.replace(" ", "")[-2:])


def test_a_merge_does_not_bring_an_erased_person_back(
    rit: RitRunner, db_path: Path, tmp_path: Path
) -> None:
    """Review: a partner's export from before the erasure brought the person's name back
    in the agreement's signatory history."""
    seed_person(rit)
    for args in (
        ["add-org", "FBRI", "--country", "JP", "--city", "Kobe"],
        ["add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed", "2016-05-02",
         "--signatory", NAME],
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12",
         "--participant", NAME, "--note", f"{NAME} brings the draft"],
    ):  # fmt: skip
        assert rit(*args).exit_code == 0, args
    partner = tmp_path / "partner.json"
    assert rit("export", "json", "--out", str(partner)).exit_code == 0
    assert NAME in partner.read_text(encoding="utf-8")
    assert rit("forget-contact", NAME, "--yes").exit_code == 0
    merged = rit("import", "json", str(partner), "--merge")
    assert merged.exit_code == 0, merged.output
    folded = every_value(db_path)
    for gone in (NAME, EMAIL, OLD_EMAIL):
        assert gone.lower() not in folded.lower(), gone


def test_forget_contact_erases_a_removed_contact_whose_history_holds_the_person(
    rit: RitRunner, db_path: Path
) -> None:
    """remove-contact keeps the person's name, e-mail and phone in the history; a later
    forget-contact (by the name it last had, its id with '#' or its uuid) erases them."""
    seed_person(rit)
    uuid = json.loads(rit("show-contact", NAME, "--json").stdout)["uuid"]
    assert rit("edit-contact", NAME, "--note", f"call {NAME} first").exit_code == 0
    assert (
        rit("add-contact", "Anna", "--org", "LSN", "--role", f"assistant to {NAME}").exit_code == 0
    )
    assert rit("remove-contact", NAME).exit_code == 0
    assert EMAIL.encode() in raw_bytes(db_path)

    for ref in (NAME, "#2", uuid):
        shown = rit("history", ref, "--kind", "contact").stdout
        assert EMAIL in shown and "\tdelete\t" in shown.splitlines()[-1], ref
    result = rit("forget-contact", NAME, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"erased contact #2 (uuid {uuid}, for rit history)")

    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT action, field, old, new FROM history WHERE record_uuid = ?", (uuid,)
    )
    assert rows.fetchall() == [("erase", None, None, None)]
    assert conn.execute("SELECT role FROM contacts WHERE name = 'Anna'").fetchone() == (
        "assistant to (erased)",
    )
    everything = json.dumps(conn.execute("SELECT * FROM history").fetchall())
    conn.close()
    for secret in (NAME, EMAIL, OLD_EMAIL, PHONE, "Quackenbush", "met in Kobe"):
        assert secret not in everything
    raw = raw_bytes(db_path)
    for secret in (EMAIL, OLD_EMAIL, "Quackenbush", PHONE):
        assert secret.encode() not in raw, secret
    # Erased once: the uuid and the id now find only the erasure.
    assert rit("forget-contact", uuid, "--yes").exit_code == 2
    assert rit("forget-contact", NAME, "--yes").exit_code == 2


def test_forget_contact_tells_a_removed_contact_from_the_one_with_its_id(
    rit: RitRunner, db_path: Path
) -> None:
    """SQLite gives a removed contact's id to the next one: erasing either person leaves
    the other, and the other's history, alone."""
    seed_person(rit)
    uuid = json.loads(rit("show-contact", NAME, "--json").stdout)["uuid"]
    assert rit("remove-contact", NAME).exit_code == 0
    assert rit("add-contact", "Erika Mustermann", "--org", "LSN").exit_code == 0
    assert json.loads(rit("show-contact", "2", "--json").stdout)["name"] == "Erika Mustermann"
    assert rit("forget-contact", "2", "--yes").exit_code == 0  # the live one, by its id
    kept = json.loads(rit("history", uuid, "--json").stdout)
    assert [h["action"] for h in kept][-1] == "delete" and NAME in [h["new"] for h in kept]

    assert rit("add-contact", "Max Mustermann", "--org", "LSN").exit_code == 0
    result = rit("forget-contact", uuid, "--yes")
    assert result.exit_code == 0, result.output
    assert json.loads(rit("show-contact", "2", "--json").stdout)["name"] == "Max Mustermann"
    names = [
        h["new"] for h in json.loads(rit("history", "2", "--kind", "contact", "--json").stdout)
    ]
    assert "Max Mustermann" in names
    assert EMAIL.encode() not in raw_bytes(db_path)
