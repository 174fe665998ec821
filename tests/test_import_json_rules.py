"""import json checks the rules between records as the commands keep them.

The demo's export is hand-edited to break exactly one rule at a time; each file is
refused (exit 2, one error line naming the record and the rule, the database unchanged)
into an empty database, and, where a merge would take the change (a newer record, a
new link row), with --merge into the demo's own database. Valid files still import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import RitRunner
from .helpers import ok
from .test_import_json_checks import (
    BIOBANK,
    KOBE_STOP,
    KOBE_VISIT,
    LOI,
    SIGNING,
    demo,  # noqa: F401  (the fixture)
    find,
    prepare,
    refused,
)

Tables = dict[str, list[dict[str, Any]]]
NEWER = "2030-01-01T00:00:00+00:00"  # a change made on the other side after ours


def record(tables: Tables, which: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return find(tables, *which)[1]


def edit(tables: Tables, which: tuple[str, dict[str, Any]], **values: Any) -> None:
    """Change a record as a partner would: newer, so a merge takes it."""
    record(tables, which).update(values, updated=NEWER)


def uuid_of(tables: Tables, table: str, **match: Any) -> str:
    return str(find(tables, table, match)[1]["uuid"])


def one_party(t: Tables) -> None:
    loi = record(t, LOI)["uuid"]
    rows = [r for r in t["agreement_parties"] if r["agreement_uuid"] == loi]
    t["agreement_parties"] = [r for r in t["agreement_parties"] if r not in rows[1:]]


def overlapping_stops(t: Tables) -> None:
    edit(t, ("trip_stops", {"city": "Shanghai"}), start_on="2016-05-03")


def status_contradicts_history(t: Tables) -> None:
    edit(t, BIOBANK, status="running")


def status_dates_out_of_order(t: Tables) -> None:
    biobank = record(t, BIOBANK)["uuid"]
    changes = [c for c in t["cooperation_status_changes"] if c["cooperation_uuid"] == biobank]
    changes[-1]["changed_on"] = "2015-11-30"  # before the first change (2015-12-10)


def outside_its_stop(t: Tables) -> None:
    edit(t, KOBE_VISIT, stop_uuid=uuid_of(t, "trip_stops", city="Tokyo"))


def not_at_its_stop(t: Tables) -> None:
    # The signing (in Kobe, LSN and FBRI) joined to the Shanghai stop, moved to its days.
    edit(
        t,
        SIGNING,
        stop_uuid=uuid_of(t, "trip_stops", city="Shanghai"),
        day="2016-05-04",
        start_on="2016-05-04",
        end_on="2016-05-04",
        starts_utc="2016-05-04T05:00+00:00",
        agreement_uuid=None,
    )


def host_not_among_orgs(t: Tables) -> None:
    edit(t, KOBE_VISIT, host_uuid=uuid_of(t, "orgs", short="LSN"))


def link_does_not_fit(t: Tables) -> None:
    # The Kobe visit hosted by JETRO, which is no party to the LoI.
    visit, fbri = record(t, KOBE_VISIT)["uuid"], uuid_of(t, "orgs", short="FBRI")
    jetro = uuid_of(t, "orgs", short="JETRO")
    for row in t["exchange_orgs"]:
        if row["exchange_uuid"] == visit and row["org_uuid"] == fbri:
            row["org_uuid"] = jetro
    record(t, KOBE_VISIT)["host_uuid"] = jetro


def link_not_in_force(t: Tables) -> None:
    edit(t, LOI, valid_from="2016-06-01")  # after the Kobe visit and the signing


def visit_without_host(t: Tables) -> None:
    visit = record(t, KOBE_VISIT)["uuid"]
    t["exchange_orgs"] = [
        r for r in t["exchange_orgs"] if not (r["exchange_uuid"] == visit and r["role"] == "host")
    ]
    record(t, KOBE_VISIT)["host_uuid"] = None


def visit_without_guest(t: Tables) -> None:
    visit = record(t, KOBE_VISIT)["uuid"]
    t["exchange_orgs"] = [
        r for r in t["exchange_orgs"] if not (r["exchange_uuid"] == visit and r["role"] == "guest")
    ]


def second_host(t: Tables) -> None:
    visit = record(t, KOBE_VISIT)["uuid"]
    jetro = uuid_of(t, "orgs", short="JETRO")
    t["exchange_orgs"].append({"exchange_uuid": visit, "org_uuid": jetro, "role": "host"})


# A merge keeps our links of a record that is not newer in the file: these edit links only.
BOTH, FRESH = ("fresh", "merge"), ("fresh",)
CASES: list[tuple[str, Callable[[Tables], None], tuple[str, ...], str, str]] = [
    # (id, the edit, modes, the record and field named, the rule)
    ("agreement with one party", one_party, FRESH,
     "agreement 'LoI Kobe–LSN' (uuid {LOI}), agreement_parties: ",
     "an agreement needs at least 2 distinct parties; it has 1"),
    ("stops overlap", overlapping_stops, BOTH, "trip stop 'Shanghai' (uuid {STOP}), start_on: ",
     "stop 2016-05-03..2016-05-05 overlaps the stop Kobe 2016-05-02..2016-05-03; a day belongs"
     " to one stop"),
    ("status contradicts its history", status_contradicts_history, BOTH,
     "cooperation 'Biobank sample exchange pilot' (uuid {BIOBANK}), status: ",
     "status 'running' is not the last status of its history ('agreed' since 2016-05-02)"),
    ("status dates out of order", status_dates_out_of_order, BOTH,
     "cooperation 'Biobank sample exchange pilot' (uuid {BIOBANK}), cooperation_status_changes: ",
     "status change date 2015-11-30 is before the last change on 20"),
    ("exchange outside its stop's days", outside_its_stop, BOTH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), stop_uuid: ",
     "it does not fit its trip stop Tokyo 2016-05-01..2016-05-01: 2016-05-02..2016-05-03 is"
     " outside 2016-05-01..2016-05-01"),
    ("exchange not in its stop's city", not_at_its_stop, BOTH,
     "exchange 'Signing of the LoI Kobe–LSN' (uuid {SIGNING}), stop_uuid: ",
     "it does not fit its trip stop Shanghai 2016-05-04..2016-05-05: it is in 'Kobe', not in"
     " 'Shanghai', and a meeting belongs to a stop in its place or at"
     " one of its organisations"),
    ("host not among its organisations", host_not_among_orgs, BOTH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), host_uuid: ",
     "host_uuid is not the host among its organisations (exchange_orgs)"),
    ("linked agreement does not fit", link_does_not_fit, FRESH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), agreement_uuid: ",
     "agreement 'LoI Kobe–LSN' does not have the host 'JETRO' as a party: a visit needs an"
     " agreement with the host and a guest as parties"),
    ("linked agreement not in force", link_not_in_force, BOTH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), agreement_uuid: ",
     "agreement 'LoI Kobe–LSN' (in force 2016-06-01..2017-12-31) is not in force on 2016-05-02:"
     " an exchange is only linked to an agreement in force on its start day"),
    ("visit without a host", visit_without_host, FRESH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), exchange_orgs: ",
     "a visit needs the host"),
    ("visit without a guest", visit_without_guest, FRESH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), exchange_orgs: ",
     "a visit needs the guests"),
    ("visit with a second host", second_host, BOTH,
     "exchange 'StK SH + MWAVT + LSN → FBRI visit 2016-05-02' (uuid {VISIT}), exchange_orgs: ",
     "a visit's organisations are its guests and one host"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("breaks", "mode", "named", "rule"),
    [
        pytest.param(breaks, mode, named, rule, id=f"{name} ({mode})")
        for name, breaks, modes, named, rule in CASES
        for mode in modes
    ],
)
def test_a_broken_rule_is_refused_naming_record_and_rule(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    dump: Callable[[], str],
    demo: tuple[str, Path],  # noqa: F811
    breaks: Callable[[Tables], None],
    mode: str,
    named: str,
    rule: str,
) -> None:
    text, template = demo
    document = json.loads(text)
    tables = document["tables"]
    uuids = {
        "LOI": record(tables, LOI)["uuid"],
        "STOP": uuid_of(tables, "trip_stops", city="Shanghai"),
        "BIOBANK": record(tables, BIOBANK)["uuid"],
        "VISIT": record(tables, KOBE_VISIT)["uuid"],
        "SIGNING": record(tables, SIGNING)["uuid"],
    }
    breaks(tables)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    prepare(mode, db_path, template)
    error = refused(rit, path, mode, dump)
    assert f"error: {named.format(**uuids)}{rule}" in error, error


@pytest.mark.parametrize("mode", ["fresh", "merge"])
def test_the_rules_hold_for_the_demo_and_a_partners_changes(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    demo: tuple[str, Path],  # noqa: F811
    mode: str,
) -> None:
    """A valid edit (the Kobe stop one day longer, the visit's days within it) imports."""
    text, template = demo
    document = json.loads(text)
    edit(document["tables"], KOBE_STOP, end_on="2016-05-03")
    path = tmp_path / "partner.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    prepare(mode, db_path, template)
    result = rit("import", "json", str(path), *(["--merge"] if mode == "merge" else []))
    assert result.exit_code == 0, result.stderr
    assert json.loads(ok(rit, "export", "json"))["tables"]["trip_stops"]


def test_a_merge_that_only_adds_links_here_is_accepted(
    rit: RitRunner,
    db_path: Path,
    tmp_path: Path,
    demo: tuple[str, Path],  # noqa: F811
) -> None:
    """A merge keeps the link rows of a record whose version is the same in the file: an
    agreement the partner's file gives one party (and not a newer record) keeps both
    here, so the database after the merge breaks no rule."""
    text, template = demo
    document = json.loads(text)
    one_party(document["tables"])
    path = tmp_path / "partner.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    prepare("merge", db_path, template)
    assert rit("import", "json", str(path), "--merge").exit_code == 0
    assert ok(rit, "export", "json") == text
