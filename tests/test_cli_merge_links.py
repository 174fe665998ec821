"""import json --merge replaces a record's links by the side whose version won.

Both partners start from one export; they change their copies through the commands and
merge. When the partner's record is the newer one, its organisations (and the host),
fields and participants replace ours; when ours is newer, ours stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_JETRO, ADD_LSN, ok
from .test_cli_data import clock  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")


class Partners:
    """Our database and the partner's, copied from ours by an export."""

    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        self.rit, self.tmp_path = rit, tmp_path
        self.ours, self.theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
        for command in (
            ADD_LSN,
            ADD_FBRI,
            ADD_JETRO,
            ("add-contact", "Hinrich Habeck", "--org", "LSN"),
            ("add-contact", "山田 花子", "--org", "FBRI"),
            ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-10",
             "--field", "networking", "--field", "technology-transfer",
             "--participant", "Hinrich Habeck", "--participant", "山田 花子"),
        ):  # fmt: skip
            self.on_ours(*command)
        ok(rit, "import", "json", str(self.export(self.ours)), env={"RIT_DB": str(self.theirs)})

    def on_ours(self, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(self.ours)})

    def on_theirs(self, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(self.theirs)})

    def export(self, db: Path, name: str = "export.json") -> Path:
        path = self.tmp_path / name
        path.write_text(ok(self.rit, "export", "json", env={"RIT_DB": str(db)}), encoding="utf-8")
        return path

    def merge(self, path: Path) -> dict[str, dict[str, Any]]:
        """Merge the file into ours; the report by table."""
        result = self.rit(
            "import", "json", str(path), "--merge", "--json", env={"RIT_DB": str(self.ours)}
        )
        assert result.exit_code == 0, result.stderr
        return {r["table"]: r for r in json.loads(result.stdout)}

    def visit(self) -> dict[str, Any]:
        return dict(json.loads(self.on_ours("show-exchange", "1", "--json")))

    def history(self) -> list[dict[str, Any]]:
        return list(json.loads(self.on_ours("history", "1", "--kind", "exchange", "--json")))


@pytest.fixture
def partners(rit: RitRunner, tmp_path: Path) -> Partners:
    return Partners(rit, tmp_path)


def test_a_partners_new_host_replaces_ours(partners: Partners) -> None:
    partners.on_theirs("edit-exchange", "1", "--to", "JETRO")
    report = partners.merge(partners.export(partners.theirs))
    visit = partners.visit()
    assert (visit["guests"], visit["host"]) == (["LSN"], "JETRO")
    assert report["exchange_orgs"]["updated"] + report["exchange_orgs"]["added"] >= 1
    rows = [r for r in partners.history() if r["field"] == "orgs"]
    assert rows[-1]["new"] == "guest LSN; host JETRO", rows


def test_a_field_and_a_participant_the_partner_removed_are_gone(partners: Partners) -> None:
    partners.on_theirs(
        "edit-exchange", "1", "--field", "networking", "--participant", "Hinrich Habeck"
    )
    report = partners.merge(partners.export(partners.theirs))
    visit = partners.visit()
    assert visit["fields"] == ["networking"]
    assert visit["participants"] == ["Hinrich Habeck"]
    assert report["exchanges"]["updated"] == 1


def test_the_partner_clearing_every_field_clears_ours(partners: Partners) -> None:
    partners.on_theirs("edit-exchange", "1", "--field", "")
    partners.merge(partners.export(partners.theirs))
    assert partners.visit()["fields"] == []


def test_a_newer_change_here_keeps_our_links(partners: Partners) -> None:
    partners.on_theirs("edit-exchange", "1", "--to", "JETRO", "--field", "networking")
    partner_file = partners.export(partners.theirs)
    partners.on_ours("edit-exchange", "1", "--field", "market-introduction")  # later
    report = partners.merge(partner_file)
    visit = partners.visit()
    assert (visit["guests"], visit["host"]) == (["LSN"], "FBRI")
    assert visit["fields"] == ["market-introduction"]
    assert visit["participants"] == ["Hinrich Habeck", "山田 花子"]
    assert report["exchanges"]["updated"] == 0


def test_merging_the_same_file_twice_changes_nothing_the_second_time(
    partners: Partners,
) -> None:
    partners.on_theirs(
        "edit-exchange", "1", "--to", "JETRO", "--field", "networking", "--participant", ""
    )
    partner_file = partners.export(partners.theirs)
    partners.merge(partner_file)
    after_first = partners.export(partners.ours, "first.json").read_text(encoding="utf-8")
    again = partners.merge(partner_file)
    assert all(r["added"] == 0 and r["updated"] == 0 for r in again.values()), again
    assert again["exchange_orgs"]["skipped"] == 2
    assert partners.export(partners.ours, "second.json").read_text(encoding="utf-8") == after_first
    visit = partners.visit()
    assert (visit["host"], visit["fields"], visit["participants"]) == ("JETRO", ["networking"], [])


def test_history_shows_the_link_changes_the_partners_history_lacks(
    partners: Partners,
) -> None:
    partners.on_theirs(
        "edit-exchange", "1", "--field", "networking", "--participant", "Hinrich Habeck"
    )
    document = json.loads(partners.export(partners.theirs).read_text(encoding="utf-8"))
    document["tables"]["history"] = []
    path = partners.tmp_path / "without-history.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    partners.merge(path)
    merged = {
        r["field"]: (r["old"], r["new"]) for r in partners.history() if r["action"] == "merge"
    }
    # Habeck is contact #1 and 山田 #2 in both databases, as the commands write them.
    assert merged == {
        "fields": ("networking, technology-transfer", "networking"),
        "participants": ("#1, #2", "#1"),
    }


def test_our_participant_the_partner_never_had_stays(partners: Partners) -> None:
    """Our link to a contact the file does not hold is not the partner's to remove."""
    partners.on_ours("add-contact", "Jan Neu", "--org", "LSN")
    partners.on_ours(
        "edit-exchange", "1", "--participant", "Hinrich Habeck", "--participant", "山田 花子",
        "--participant", "Jan Neu",
    )  # fmt: skip
    partners.on_theirs("edit-exchange", "1", "--participant", "Hinrich Habeck")  # later
    partners.merge(partners.export(partners.theirs))
    assert partners.visit()["participants"] == ["Hinrich Habeck", "Jan Neu"]


def test_every_kind_of_link_follows_the_partners_newer_record(
    rit: RitRunner, tmp_path: Path
) -> None:
    """Tags, an agreement's parties, fields and signatories, a cooperation's organisations
    and fields: what the partner removed is gone, what it added is here."""
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for command in (
        ADD_LSN, ADD_FBRI, ADD_JETRO,
        ("edit-org", "LSN", "--tag", "life-sciences", "--tag", "medtech"),
        ("add-contact", "Hinrich Habeck", "--org", "LSN"),
        ("add-contact", "山田 花子", "--org", "FBRI"),
        ("add-agreement", "LoI Kobe–LSN", "--kind", "loi", "--party", "LSN", "--party", "FBRI",
         "--party", "JETRO", "--signed", "2016-05-02", "--field", "networking",
         "--field", "market-introduction", "--signatory", "Hinrich Habeck"),
        ("add-cooperation", "Biobank pilot", "--org", "LSN", "--org", "FBRI", "--org", "JETRO",
         "--field", "networking"),
    ):  # fmt: skip
        ok(rit, *command, env={"RIT_DB": str(ours)})
    shared = tmp_path / "shared.json"
    shared.write_text(ok(rit, "export", "json", env={"RIT_DB": str(ours)}), encoding="utf-8")
    ok(rit, "import", "json", str(shared), env={"RIT_DB": str(theirs)})
    for command in (
        ("edit-org", "LSN", "--tag", "medtech"),
        ("edit-agreement", "LoI Kobe–LSN", "--party", "LSN", "--party", "FBRI",
         "--field", "networking", "--signatory", "山田 花子"),
        ("edit-cooperation", "Biobank pilot", "--org", "LSN", "--org", "FBRI",
         "--field", "technology-transfer"),
    ):  # fmt: skip
        ok(rit, *command, env={"RIT_DB": str(theirs)})
    back = tmp_path / "back.json"
    back.write_text(ok(rit, "export", "json", env={"RIT_DB": str(theirs)}), encoding="utf-8")
    ok(rit, "import", "json", str(back), "--merge", env={"RIT_DB": str(ours)})
    merged = json.loads(ok(rit, "export", "json", env={"RIT_DB": str(ours)}))["tables"]
    partner = json.loads(back.read_text(encoding="utf-8"))["tables"]
    del merged["history"], partner["history"]
    assert merged == partner  # every record and link as the partner has them
    assert partner["org_tags"] == [{"org_uuid": partner["orgs"][0]["uuid"], "tag": "medtech"}]
