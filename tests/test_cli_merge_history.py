"""import json --merge brings the partner's history with our ids in its references.

A partner's history names records by the partner's ids (`agreement_id 1`, participants
`#1, #2`); history shows those ids as whatever record has the id here. The two databases
below share their organisations but numbered the rest in another order, so the partner's
ids name other records here unless the merge translates them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, quiet_ok
from .test_cli_data import clock  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")


class Partners:
    """Ours: agreement #1 'Our MoU', contacts #1 Our Person, #2 Second Ours, #3 Third
    Ours. Theirs (a copy of our organisations): contacts #1 Hinrich Habeck, #2 Yamada
    Hanako, #3 Temp Person (removed, so not in their export); agreements #1 'LoI Kobe–LSN',
    #2 'Old LoI'; visit #1 LSN -> FBRI moved from the old LoI to the new one, with Habeck
    and Yamada (and Temp Person for a while) taking part."""

    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        self.rit, self.tmp_path = rit, tmp_path
        self.ours, self.theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
        add_story_orgs(rit, env={"RIT_DB": str(self.ours)})
        self.run(self.theirs, "import", "json", str(self.export(self.ours)))
        self.run(self.ours, "add-agreement", "Our MoU", "--party", "LSN", "--party", "FBRI",
                 "--signed", "2016-01-01")  # fmt: skip
        for name in ("Our Person", "Second Ours", "Third Ours"):
            self.run(self.ours, "add-contact", name, "--org", "LSN")
        for name, org in (("Hinrich Habeck", "LSN"), ("Yamada Hanako", "FBRI"),
                          ("Temp Person", "FBRI")):  # fmt: skip
            self.run(self.theirs, "add-contact", name, "--org", org)
        for title in ("LoI Kobe–LSN", "Old LoI"):
            self.run(self.theirs, "add-agreement", title, "--party", "LSN", "--party", "FBRI",
                     "--signed", "2016-05-02")  # fmt: skip
        self.run(self.theirs, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on",
                 "2016-06-01", "--agreement", "Old LoI")  # fmt: skip
        self.run(self.theirs, "edit-exchange", "1", "--agreement", "LoI Kobe–LSN",
                 "--participant", "Hinrich Habeck", "--participant", "Temp Person")  # fmt: skip
        self.run(self.theirs, "edit-exchange", "1", "--participant", "Hinrich Habeck",
                 "--participant", "Yamada Hanako")  # fmt: skip
        self.run(self.theirs, "remove-contact", "Temp Person")

    def run(self, db: Path, *args: str) -> str:
        return ok(self.rit, *args, env={"RIT_DB": str(db)})

    def export(self, db: Path, name: str = "export.json") -> Path:
        path = self.tmp_path / name
        path.write_text(self.run(db, "export", "json"), encoding="utf-8")
        return path

    def merge(self, path: Path) -> dict[str, dict[str, int]]:
        out = self.run(self.ours, "import", "json", str(path), "--merge", "--json")
        return {r["table"]: r for r in json.loads(out)}

    def history(self, db: Path, *args: str) -> list[list[str]]:
        """The visit's history as piped lines without the time: [action, field, old, new]."""
        out = quiet_ok(self.rit, "history", *args, env={"RIT_DB": str(db)})
        return [line.split("\t")[1:] for line in out.splitlines()]


@pytest.fixture
def partners(rit: RitRunner, tmp_path: Path) -> Partners:
    return Partners(rit, tmp_path)


VISIT = ("1", "--kind", "exchange")


def test_merged_history_names_our_records(partners: Partners) -> None:
    partners.merge(partners.export(partners.theirs))
    ours = partners.history(partners.ours, *VISIT)
    assert ["create", "agreement", "", "#3 Old LoI"] in ours
    assert ["update", "agreement", "#3 Old LoI", "#2 LoI Kobe–LSN"] in ours
    last = [line for line in ours if line[1] == "participants"][-1]
    assert ["update", "participants", "Hinrich Habeck, Yamada Hanako"] == [*last[:2], last[3]]
    assert ours[-1][0] == "merge"  # history is in the order of time: the merge came last
    assert not any("Our MoU" in cell or "Ours" in cell for line in ours for cell in line)
    # As the partner sees it, where those ids are theirs.
    theirs = partners.history(partners.theirs, *VISIT)
    assert ["update", "agreement", "#2 Old LoI", "#1 LoI Kobe–LSN"] in theirs
    # The stored values are ours too: history --json's `new` is our agreement's id.
    rows = json.loads(quiet_ok(partners.rit, "history", *VISIT, "--json",
                               env={"RIT_DB": str(partners.ours)}))  # fmt: skip
    linked = [r for r in rows if r["field"] == "agreement_id" and r["action"] == "update"]
    assert [(r["old"], r["new"]) for r in linked] == [("3", "2")]
    # The contact's own history names its organisation by our id as well.
    habeck = partners.history(partners.ours, "Hinrich Habeck")
    assert ["create", "org", "", "#1 LSN"] in habeck


def test_a_record_neither_in_the_file_nor_here_is_never_named_by_our_id(
    partners: Partners,
) -> None:
    partners.merge(partners.export(partners.theirs))
    ours = partners.history(partners.ours, *VISIT)
    # Temp Person was the partner's contact #3; our #3 is Third Ours.
    temp = [line for line in ours if line[1] == "participants" and "partner's" in line[3]]
    assert [line[3] for line in temp] == ["Hinrich Habeck, #3 (partner's)"]
    assert ["update", "participants", "Hinrich Habeck, #3 (partner's)",
            "Hinrich Habeck, Yamada Hanako"] in ours  # fmt: skip
    assert not any("Third Ours" in cell for line in ours for cell in line)


def test_merging_again_changes_nothing(partners: Partners) -> None:
    path = partners.export(partners.theirs)
    partners.merge(path)
    before = partners.export(partners.ours, "before.json").read_bytes()
    report = partners.merge(path)
    assert report["history"]["added"] == 0
    assert partners.export(partners.ours, "after.json").read_bytes() == before
    linked = [line for line in partners.history(partners.ours, *VISIT) if line[1] == "agreement"]
    assert linked == [
        ["create", "agreement", "", "#3 Old LoI"],
        ["update", "agreement", "#3 Old LoI", "#2 LoI Kobe–LSN"],
    ]
    # Back and forth: the partner takes our history and we take theirs again; each side's
    # rows come back with its own ids, the same rows, so only the partner's 'merge' rows
    # (it added our agreement and three contacts) are new here.
    visit = partners.history(partners.ours, *VISIT)
    partners.run(partners.theirs, "import", "json", str(partners.export(partners.ours, "o.json")),
                 "--merge")  # fmt: skip
    report = partners.merge(partners.export(partners.theirs, "again.json"))
    assert report["history"]["added"] == 4
    assert partners.history(partners.ours, *VISIT) == visit
    assert ["merge", "", "", ""] in partners.history(partners.ours, "Our MoU")
    assert ["update", "agreement", "#2 Old LoI", "#1 LoI Kobe–LSN"] in partners.history(
        partners.theirs, *VISIT
    )


def test_a_partner_s_older_change_is_shown_before_ours(rit: RitRunner, tmp_path: Path) -> None:
    """QA: after a merge that kept our newer record, the partner's older change was listed
    last, as if it were the current value."""

    add_story_orgs(rit)
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-01")
    partner = tmp_path / "partner.json"
    ok(rit, "export", "json", "--out", str(partner))
    ok(rit, "edit-exchange", "1", "--note", "ours, now")
    data = json.loads(partner.read_text(encoding="utf-8"))
    visit = data["tables"]["exchanges"][0]
    visit.update(note="theirs, long ago", updated="2000-01-02T00:00:00+00:00")
    data["tables"]["history"].append(
        {"action": "update", "at": "2000-01-02T00:00:00+00:00", "field": "note", "id": 10_000,
         "new": "theirs, long ago", "old": None, "record_id": visit["id"],
         "record_uuid": visit["uuid"], "table_name": "exchanges"}
    )  # fmt: skip
    partner.write_text(json.dumps(data), encoding="utf-8")
    ok(rit, "import", "json", str(partner), "--merge")
    notes = [
        h["new"]
        for h in json.loads(ok(rit, "history", "1", "--kind", "exchange", "--json"))
        if h["field"] == "note"
    ]
    assert notes == ["theirs, long ago", "ours, now"]  # in the order of time


def _on(rit: RitRunner, db: Path, *args: str) -> str:
    return ok(rit, *args, env={"RIT_DB": str(db), "RIT_TODAY": "2016-08-25"})


def test_a_partner_s_removal_of_a_record_we_keep_is_not_ours_to_record(
    rit: RitRunner, tmp_path: Path
) -> None:
    """Review: the partner's 'delete' row for a stop we still have came along, and our
    history called the stop removed."""
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    _on(rit, ours, "add-trip", "Japan", "--from", "2016-05-01", "--to", "2016-05-05")
    _on(rit, ours, "add-stop", "Japan", "--city", "Kobe", "--country", "JP", "--from", "2016-05-02")
    _on(rit, ours, "export", "json", "--out", str(tmp_path / "ours.json"))
    _on(rit, theirs, "import", "json", str(tmp_path / "ours.json"))
    _on(rit, theirs, "remove-stop", "Japan", "Kobe")
    _on(rit, theirs, "export", "json", "--out", str(tmp_path / "theirs.json"))
    _on(rit, ours, "import", "json", str(tmp_path / "theirs.json"), "--merge")
    assert "stop #1: 2016-05-02..2016-05-02 Kobe, JP" in _on(rit, ours, "show-trip", "Japan")
    rows = json.loads(_on(rit, ours, "history", "Japan", "--json"))
    assert [r["action"] for r in rows].count("delete") == 0


def test_a_partner_s_older_reference_to_a_record_removed_here_names_it_removed(
    rit: RitRunner, tmp_path: Path
) -> None:
    """Review: a merged partner row about an organisation removed here was labelled with a
    newer organisation that got its id."""
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    _on(rit, ours, "add-org", "Life Science Nord", "--short", "LSN", "--country", "DE")
    _on(rit, ours, "add-org", "Xorg GmbH", "--short", "XO", "--country", "DE")
    _on(rit, ours, "add-contact", "Hinrich Habeck", "--org", "LSN")
    _on(rit, ours, "export", "json", "--out", str(tmp_path / "ours.json"))
    _on(rit, theirs, "import", "json", str(tmp_path / "ours.json"))
    _on(rit, theirs, "edit-contact", "Hinrich Habeck", "--org", "XO")
    _on(rit, theirs, "export", "json", "--out", str(tmp_path / "theirs.json"))
    data = json.loads((tmp_path / "theirs.json").read_text(encoding="utf-8"))
    for row in data["tables"]["history"]:  # the partner's change, made long before ours
        if row["field"] == "org_id" and row["action"] == "update":
            row["at"] = "2000-01-01T00:00:00+00:00"
    for row in data["tables"]["contacts"]:
        row["updated"] = "2000-01-01T00:00:00+00:00"
    (tmp_path / "theirs.json").write_text(json.dumps(data), encoding="utf-8")
    _on(rit, ours, "edit-contact", "Hinrich Habeck", "--role", "director")
    _on(rit, ours, "remove-org", "XO")
    _on(rit, ours, "add-org", "Newco AG", "--short", "NEW", "--country", "DE")  # gets #2
    _on(rit, ours, "import", "json", str(tmp_path / "theirs.json"), "--merge")
    shown = _on(rit, ours, "history", "Hinrich Habeck")
    assert "#2 (removed)" in shown and "NEW" not in shown
