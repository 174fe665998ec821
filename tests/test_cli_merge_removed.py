"""import json --merge respects a removal made here.

A record removed here (remove-*) or erased (forget-contact) has a 'delete' or 'erase' row
in our history. Merging a partner's export taken before the removal does not bring it
back, nor its link rows or history rows; the report counts them as kept_removed. A
partner's record that would be written here and refers to such a record is refused.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_JETRO, ADD_LSN, ok, refused
from .test_cli_data import clock  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")


class Partners:
    """Ours: LSN, FBRI, JETRO, 'Test GmbH' (tagged), two contacts, agreement 'LoI
    Kobe–LSN', visit #1 LSN -> FBRI under it (fields, participants), cooperation #1
    'Biobank pilot'. The partner's file is an export of ours taken now."""

    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        self.rit, self.tmp_path = rit, tmp_path
        self.ours, self.theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
        for command in (
            ADD_LSN,
            ADD_FBRI,
            ADD_JETRO,
            ("add-org", "Test GmbH", "--country", "DE", "--tag", "test"),
            ("add-contact", "Hinrich Habeck", "--org", "LSN"),
            ("add-contact", "山田 花子", "--org", "FBRI"),
            ("add-agreement", "LoI Kobe–LSN", "--party", "LSN", "--party", "FBRI",
             "--signed", "2016-01-01", "--field", "networking"),
            ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-10",
             "--agreement", "LoI Kobe–LSN", "--field", "networking",
             "--participant", "Hinrich Habeck", "--participant", "山田 花子"),
            ("add-cooperation", "Biobank pilot", "--org", "LSN", "--org", "FBRI",
             "--status", "talks", "--field", "technology-transfer", "--on", "2016-08-01"),
        ):  # fmt: skip
            self.on_ours(*command)
        self.file = self.export(self.ours, "partner.json")
        ok(rit, "import", "json", str(self.file), env={"RIT_DB": str(self.theirs)})

    def on_ours(self, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(self.ours)})

    def on_theirs(self, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(self.theirs)})

    def export(self, db: Path, name: str) -> Path:
        path = self.tmp_path / name
        path.write_text(ok(self.rit, "export", "json", env={"RIT_DB": str(db)}), encoding="utf-8")
        return path

    def merge(self, path: Path | None = None) -> dict[str, dict[str, Any]]:
        """Merge the file (the partner's old export) into ours; the report by table."""
        result = self.rit(
            "import", "json", str(path or self.file), "--merge", "--json",
            env={"RIT_DB": str(self.ours)},
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return {r["table"]: r for r in json.loads(result.stdout)}


@pytest.fixture
def partners(rit: RitRunner, tmp_path: Path) -> Partners:
    return Partners(rit, tmp_path)


def repeated_history(db: Path) -> list[tuple[Any, ...]]:
    """History rows that say the same thing twice (under any record id)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT table_name, record_uuid, at, action, field, old, new, count(*) FROM history"
            " WHERE action != 'merge'"
            " GROUP BY table_name, record_uuid, at, action, field, old, new HAVING count(*) > 1"
        ).fetchall()


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def uuid_of(db: Path, table: str, record_id: int) -> str:
    with sqlite3.connect(db) as conn:
        return str(
            conn.execute(f"SELECT uuid FROM {table} WHERE id = ?", (record_id,)).fetchone()[0]
        )


def test_a_removed_exchange_and_cooperation_stay_removed(partners: Partners) -> None:
    exchange = uuid_of(partners.ours, "exchanges", 1)
    cooperation = uuid_of(partners.ours, "cooperations", 1)
    partners.on_ours("remove-exchange", "1")
    partners.on_ours("remove-cooperation", "Biobank pilot")

    result = partners.rit(
        "import", "json", str(partners.file), "--merge", env={"RIT_DB": str(partners.ours)}
    )
    assert result.exit_code == 0, result.stderr
    assert "kept removed" in result.stderr and "not brought back" in result.stderr
    report = partners.merge()
    for table in ("exchanges", "cooperations"):
        assert report[table]["added"] == 0 and report[table]["kept_removed"] == 1, report[table]
    for table in ("exchange_orgs", "exchange_fields", "exchange_participants",
                  "cooperation_orgs", "cooperation_fields", "cooperation_status_changes"):  # fmt: skip
        assert report[table]["added"] == 0 and report[table]["kept_removed"] > 0, table
    assert report["history"]["added"] == 0 and report["history"]["kept_removed"] > 0

    assert count(partners.ours, "exchanges") == 0
    assert json.loads(partners.on_ours("cooperations", "--json")) == []
    for uuid in (exchange, cooperation):
        rows = json.loads(partners.on_ours("history", uuid, "--json"))
        assert [r["action"] for r in rows][-1] == "delete"
        assert sum(r["action"] == "create" for r in rows) == len({
            (r["field"], r["new"]) for r in rows if r["action"] == "create"
        })  # fmt: skip
    assert repeated_history(partners.ours) == []


def test_a_removed_agreement_stays_removed_after_unlinking(partners: Partners) -> None:
    agreement = uuid_of(partners.ours, "agreements", 1)
    partners.on_ours("edit-exchange", "1", "--no-agreement")
    partners.on_ours("remove-agreement", "LoI Kobe–LSN")

    report = partners.merge()
    assert report["agreements"]["added"] == 0 and report["agreements"]["kept_removed"] == 1
    assert report["agreement_parties"]["kept_removed"] == 2
    assert report["agreement_fields"]["kept_removed"] == 1
    assert report["exchanges"]["updated"] == 0  # ours (unlinked) is newer
    assert json.loads(partners.on_ours("agreements", "--json")) == []
    assert json.loads(partners.on_ours("show-exchange", "1", "--json"))["agreement_id"] is None
    assert "delete" in {
        r["action"] for r in json.loads(partners.on_ours("history", agreement, "--json"))
    }
    # The visit's history keeps one row per change: the partner's copy of its creation
    # (agreement_id of the removed agreement) is found to be ours, not added again.
    assert repeated_history(partners.ours) == []
    visit = json.loads(partners.on_ours("history", "1", "--kind", "exchange", "--json"))
    assert not any("partner's" in str(r["new"]) for r in visit)


def test_a_removed_org_stays_removed(partners: Partners) -> None:
    partners.on_ours("remove-org", "Test GmbH")
    report = partners.merge()
    assert report["orgs"]["added"] == 0 and report["orgs"]["kept_removed"] == 1
    assert report["org_tags"]["added"] == 0 and report["org_tags"]["kept_removed"] == 1
    assert "Test GmbH" not in partners.on_ours("orgs")
    assert repeated_history(partners.ours) == []


def test_a_forgotten_contact_is_not_brought_back(partners: Partners) -> None:
    partners.on_ours("forget-contact", "山田 花子", "--yes")
    report = partners.merge()
    assert report["contacts"]["added"] == 0 and report["contacts"]["kept_removed"] == 1
    assert report["exchange_participants"]["kept_removed"] == 1
    assert "山田" not in partners.on_ours("contacts")
    shown = json.loads(partners.on_ours("show-exchange", "1", "--json"))
    assert "山田" not in json.dumps(shown, ensure_ascii=False)
    with sqlite3.connect(partners.ours) as conn:
        assert conn.execute("SELECT count(*) FROM history WHERE new LIKE '%山田%'").fetchone() == (
            0,
        )


def test_merging_twice_changes_nothing(partners: Partners) -> None:
    partners.on_ours("remove-exchange", "1")
    partners.on_ours("remove-cooperation", "Biobank pilot")
    first = partners.merge()
    before = partners.export(partners.ours, "before.json").read_text(encoding="utf-8")
    again = partners.merge()
    assert partners.export(partners.ours, "after.json").read_text(encoding="utf-8") == before
    assert all(r["added"] == 0 and r["updated"] == 0 for r in again.values()), again
    assert again["exchanges"]["kept_removed"] == first["exchanges"]["kept_removed"] == 1


def test_a_partner_record_referring_to_a_removed_one_is_refused(partners: Partners) -> None:
    partners.on_ours("edit-exchange", "1", "--no-agreement")
    partners.on_ours("remove-agreement", "LoI Kobe–LSN")
    # The partner, who still has the agreement, schedules another visit under it.
    partners.on_theirs("schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2016-11",
                       "--agreement", "LoI Kobe–LSN")  # fmt: skip
    newer = partners.export(partners.theirs, "newer.json")
    before = partners.export(partners.ours, "before.json").read_text(encoding="utf-8")
    result = partners.rit(
        "import", "json", str(newer), "--merge", env={"RIT_DB": str(partners.ours)}
    )
    refused(result, "refers to agreement 'LoI Kobe–LSN'")
    assert "removed here" in result.stderr and "nothing was imported" in result.stderr
    assert partners.export(partners.ours, "after.json").read_text(encoding="utf-8") == before


def test_the_qa_reproduction_with_the_demo(rit: RitRunner, tmp_path: Path) -> None:
    """QA round 2, §4: remove-exchange 5 and remove-cooperation 2, then merge an export
    taken before: nothing comes back, and history lists no row twice."""
    demo = tmp_path / "demo.db"
    assert rit("demo", "--db", str(demo)).exit_code == 0
    ours = tmp_path / "ours.db"
    shutil.copy(demo, ours)
    env = {"RIT_DB": str(ours)}
    partner = tmp_path / "partner.json"
    partner.write_text(ok(rit, "export", "json", env={"RIT_DB": str(demo)}), encoding="utf-8")
    exchanges = count(ours, "exchanges")
    cooperations = len(json.loads(ok(rit, "cooperations", "--json", env=env)))
    exchange = uuid_of(ours, "exchanges", 5)
    ok(rit, "remove-exchange", "5", env=env)
    ok(rit, "remove-cooperation", "2", env=env)

    for _ in range(2):
        result = rit("import", "json", str(partner), "--merge", "--json", env=env)
        assert result.exit_code == 0, result.stderr
        report = {r["table"]: r for r in json.loads(result.stdout)}
        assert report["exchanges"]["added"] == 0 and report["exchanges"]["kept_removed"] == 1
        assert report["cooperations"]["added"] == 0
        assert report["cooperations"]["kept_removed"] == 1
    assert count(ours, "exchanges") == exchanges - 1
    assert len(json.loads(ok(rit, "cooperations", "--json", env=env))) == cooperations - 1
    rows = json.loads(ok(rit, "history", exchange, "--json", env=env))
    assert [r["action"] for r in rows][-1] == "delete"
    assert repeated_history(ours) == []
