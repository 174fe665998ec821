"""import json --merge of values that other records decide: an agreement's or programme's
end (its extensions) and a cooperation's status (its dated status history).

The newer copy of a record wins whole, but these values are not the record's alone: an
extension made on one side arrives as a record of its own, so the end must follow it even
where the other side's copy of the agreement (its note edited later) wins; and status
changes made on both sides between two exchanges must merge into one dated history, not
stop every later import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import TwoDatabases, add_story_orgs
from .test_cli_data import clock  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")


class Sides(TwoDatabases):
    """Hamburg's database, shared once with Kobe; each side then changes its copy."""

    def __init__(self, rit: RitRunner, tmp_path: Path) -> None:
        super().__init__(rit, tmp_path)
        self.hamburg, self.kobe = tmp_path / "hamburg.db", tmp_path / "kobe.db"
        add_story_orgs(rit, env={"RIT_DB": str(self.hamburg)})
        self.run(self.hamburg, "add-programme", "Regional Industry-Tie-Up", "--short", "RIT",
                 "--run-by", "LSN", "--from", "2014-01-01", "--until", "2016")  # fmt: skip
        self.run(self.hamburg, "add-agreement", "LoI Kobe–LSN", "--party", "LSN", "--party",
                 "FBRI", "--signed", "2016-05-02", "--until", "2016")  # fmt: skip
        self.run(self.hamburg, "add-cooperation", "Biobank pilot", "--org", "LSN", "--org",
                 "FBRI", "--on", "2016-05-02")  # fmt: skip
        self.run(self.kobe, "import", "json", str(self.export(self.hamburg, "shared.json")))

    def exchange(self) -> tuple[str, str]:
        """Each side merges the other's file (both written before either merge)."""
        hamburg = self.export(self.hamburg, "hamburg.json")
        kobe = self.export(self.kobe, "kobe.json")
        return (
            self.run(self.hamburg, "import", "json", str(kobe), "--merge"),
            self.run(self.kobe, "import", "json", str(hamburg), "--merge"),
        )

    def show(self, db: Path, *args: str) -> dict[str, object]:
        result: dict[str, object] = json.loads(self.run(db, *args, "--json"))
        return result

    def history(self, db: Path, *args: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = json.loads(self.run(db, "history", *args, "--json"))
        return rows


@pytest.fixture
def sides(rit: RitRunner, tmp_path: Path) -> Sides:
    return Sides(rit, tmp_path)


@pytest.mark.parametrize(("kind", "ref"), [("agreement", "LoI Kobe–LSN"), ("programme", "RIT")])
def test_an_extension_survives_the_partners_newer_copy(sides: Sides, kind: str, ref: str) -> None:
    sides.run(sides.hamburg, f"extend-{kind}", ref, "--until", "2017")
    sides.run(sides.kobe, f"edit-{kind}", ref, "--note", "Kobe's note")
    hamburg_report, kobe_report = sides.exchange()

    for db in (sides.hamburg, sides.kobe):
        shown = sides.show(db, f"show-{kind}", ref)
        assert shown["valid_until"] == "2017-12-31", db.name
        assert shown["note"] == "Kobe's note", db.name
        assert len(shown["extensions"]) == 1  # type: ignore[arg-type]
        # What history says last about the end is the end it has.
        ends = [r for r in sides.history(db, ref) if r["field"] == "valid_until"]
        assert ends[-1]["new"] == "2017-12-31", (db.name, ends)
    table = f"{kind}s"
    # Kobe's copy won in Hamburg, but the end set here stayed: nothing of ours was replaced.
    assert f"{table}\t0\t1\t0\n" in hamburg_report
    # Kobe kept its newer copy, whose end the extension moved: updated, not skipped.
    assert f"{table}\t0\t1\t0\n" in kobe_report
    assert "extensions\t1\t0\t0\n" in kobe_report
    # Once converged, a second exchange changes nothing.
    again = sides.exchange()
    for report in again:
        assert f"{table}\t0\t0\t1\n" in report and "extensions\t0\t0\t1\n" in report


def test_extensions_made_on_both_sides_end_on_the_later(sides: Sides) -> None:
    sides.run(sides.hamburg, "extend-agreement", "LoI Kobe–LSN", "--until", "2017")
    sides.run(sides.kobe, "extend-agreement", "LoI Kobe–LSN", "--until", "2018")
    sides.exchange()
    for db in (sides.hamburg, sides.kobe):
        shown = sides.show(db, "show-agreement", "LoI Kobe–LSN")
        assert shown["valid_until"] == "2018-12-31", db.name
    # The last extension can still be taken back: the end is where it put it.
    sides.run(sides.kobe, "extend-agreement", "LoI Kobe–LSN", "--undo")


def test_history_tells_the_value_a_merge_keeps_over_the_partners_newer_copy(
    sides: Sides,
) -> None:
    """Review: Kobe extended to 2018 and kept it, but Hamburg's copy (its 2017 extension
    made later) won in Kobe: Kobe's history ended at Hamburg's row '→ 2017' and a bare
    merge row, while the end was 2018. The same for a status taken back with --undo
    after Kobe had it: the status came back, its history said it was gone."""
    sides.run(sides.kobe, "extend-agreement", "LoI Kobe–LSN", "--until", "2018")
    sides.run(sides.hamburg, "extend-agreement", "LoI Kobe–LSN", "--until", "2017")
    sides.run(sides.hamburg, "set-cooperation-status", "Biobank pilot", "agreed",
              "--on", "2016-05-10")  # fmt: skip
    hamburg_report, kobe_report = sides.exchange()
    for db in (sides.hamburg, sides.kobe):
        ends = [r for r in sides.history(db, "LoI Kobe–LSN") if r["field"] == "valid_until"]
        assert (ends[-1]["action"], ends[-1]["new"]) == ("merge", "2018-12-31"), db.name
    # Kobe's end stayed its own: nothing of Kobe's was replaced; Hamburg's 2017 was.
    assert "agreements\t0\t1\t0\n" in kobe_report
    assert "agreements\t0\t1\t0\t0\t1\n" in hamburg_report
    sides.run(sides.hamburg, "set-cooperation-status", "Biobank pilot", "--undo")
    hamburg_report, kobe_report = sides.exchange()
    for db in (sides.hamburg, sides.kobe):
        assert statuses(sides, db)[0] == "agreed", db.name
        status = [r for r in sides.history(db, "Biobank pilot") if r["field"] == "status"]
        assert (status[-1]["action"], status[-1]["new"]) == ("merge", "agreed"), db.name
    # The same for the status: Hamburg's undo was replaced, nothing of Kobe's.
    assert "cooperations\t0\t1\t0\n" in kobe_report
    assert "cooperations\t0\t1\t0\t0\t1\n" in hamburg_report


def statuses(sides: Sides, db: Path) -> tuple[object, list[tuple[object, object]]]:
    shown = sides.show(db, "show-cooperation", "Biobank pilot")
    history = shown["history"]
    assert isinstance(history, list)
    return shown["status"], [(change["status"], change["changed_on"]) for change in history]


@pytest.mark.parametrize(
    ("kobe", "hamburg", "status", "history"),
    [
        # Kobe moved it first, dated earlier; Hamburg later: Hamburg's file alone merged.
        (("talks", "2016-05-10"), ("agreed", "2016-05-12"), "agreed",
         [("idea", "2016-05-02"), ("talks", "2016-05-10"), ("agreed", "2016-05-12")]),
        # Both on one day: the newer copy's status is the last of that day.
        (("talks", "2016-05-10"), ("agreed", "2016-05-10"), "agreed",
         [("idea", "2016-05-02"), ("talks", "2016-05-10"), ("agreed", "2016-05-10")]),
        # Hamburg changed it last, but dated it before Kobe's: the latest dated status.
        (("talks", "2016-05-12"), ("agreed", "2016-05-10"), "talks",
         [("idea", "2016-05-02"), ("agreed", "2016-05-10"), ("talks", "2016-05-12")]),
    ],
)  # fmt: skip
def test_status_changes_on_both_sides_merge_into_one_dated_history(
    sides: Sides,
    kobe: tuple[str, str],
    hamburg: tuple[str, str],
    status: str,
    history: list[tuple[str, str]],
) -> None:
    sides.run(sides.kobe, "set-cooperation-status", "Biobank pilot", kobe[0], "--on", kobe[1])
    sides.run(sides.hamburg, "set-cooperation-status", "Biobank pilot", *hamburg[:1],
              "--on", hamburg[1])  # fmt: skip
    sides.exchange()
    for db in (sides.hamburg, sides.kobe):
        assert statuses(sides, db) == (status, history), db.name
    # Converged: the next exchange changes nothing, and the pipeline goes on from there.
    for report in sides.exchange():
        assert "cooperations\t0\t0\t1\n" in report
        assert "cooperation_status_changes\t0\t0\t3\n" in report
    sides.run(sides.hamburg, "set-cooperation-status", "Biobank pilot", "running")


def test_an_extension_taken_back_after_the_partner_had_it_is_taken_back_on_both_sides(
    sides: Sides,
) -> None:
    """Review: the README said an extension taken back with --undo comes back with the
    partner's next file; it does not (removed here, a merge does not bring it back), and
    the partner keeps its end: the two ends stay apart until both take it back."""
    sides.run(sides.hamburg, "extend-agreement", "LoI Kobe–LSN", "--until", "2017")
    sides.exchange()
    sides.run(sides.hamburg, "extend-agreement", "LoI Kobe–LSN", "--undo")

    def ends() -> list[object]:
        return [sides.show(db, "show-agreement", "LoI Kobe–LSN")["valid_until"]
                for db in (sides.hamburg, sides.kobe)]  # fmt: skip

    for _ in range(2):
        sides.exchange()
        assert ends() == ["2016-12-31", "2017-12-31"]
    sides.run(sides.kobe, "extend-agreement", "LoI Kobe–LSN", "--undo")
    sides.exchange()
    assert ends() == ["2016-12-31", "2016-12-31"]


@pytest.mark.parametrize(("kind", "ref"), [("agreement", "LoI Kobe–LSN"), ("programme", "RIT")])
def test_an_extension_taken_back_stays_taken_back_when_the_partner_s_copy_wins(
    sides: Sides, kind: str, ref: str
) -> None:
    """QA: after Hamburg took an extension back, Kobe (which still has it) edited the
    note: its newer copy won whole in Hamburg and brought the extended end along, with no
    extension left to explain it or to take back (extend-* --undo: nothing to take back).
    The end stays where the extension taken back here started."""
    sides.run(sides.hamburg, f"extend-{kind}", ref, "--until", "2017")
    sides.exchange()
    sides.run(sides.hamburg, f"extend-{kind}", ref, "--undo")
    sides.run(sides.kobe, f"edit-{kind}", ref, "--note", "renewed in Kobe")
    sides.exchange()
    hamburg = sides.show(sides.hamburg, f"show-{kind}", ref)
    assert (hamburg["valid_until"], hamburg["extensions"], hamburg["note"]) == (
        "2016-12-31",
        [],
        "renewed in Kobe",
    )
    assert sides.show(sides.kobe, f"show-{kind}", ref)["valid_until"] == "2017-12-31"
