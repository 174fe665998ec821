"""The repeatable options of every edit-* command: a lone '' clears the list (and the history
keeps the change), '' among other values is refused, and a list a record cannot do without
is not cleared."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from rit_cli.commands._common import replacing
from rit_cli.errors import InvalidInput

from .conftest import RitRunner
from .helpers import add_story_orgs, ok, quiet_ok, refused

# (command, reference, option, --kind for show/history, JSON key, history field, before)
CLEARABLE = [
    ("edit-agreement", "LoI", "--field", "agreement", "fields", "fields", ["networking"]),
    ("edit-agreement", "LoI", "--signatory", "agreement", "signatories", "signatories", None),
    ("edit-cooperation", "Pilot", "--field", "cooperation", "fields", "fields", ["networking"]),
    ("edit-org", "LSN", "--tag", "org", "tags", "tags", ["biomedical"]),
    ("edit-exchange", "1", "--field", "exchange", "fields", "fields", ["networking"]),
    ("edit-exchange", "1", "--participant", "exchange", "participants", "participants", None),
]

# (command, reference, option, what the refusal says)
REQUIRED = [
    ("edit-agreement", "LoI", "--party", "an agreement needs at least two distinct parties"),
    ("edit-cooperation", "Pilot", "--org", "a cooperation needs at least two distinct"),
    ("edit-exchange", "1", "--from", "a visit needs the guests"),
]

SHOW = {"agreement": "show-agreement", "cooperation": "show-cooperation", "org": "show-org"}


@pytest.fixture
def story(rit: RitRunner) -> RitRunner:
    """LSN (tagged), FBRI, contact Hinrich Habeck; the LoI, the cooperation Pilot and visit #1,
    each with the field networking and (the LoI and the visit) Habeck."""
    add_story_orgs(rit)
    ok(rit, "edit-org", "LSN", "--tag", "biomedical")
    ok(rit, "add-contact", "Hinrich Habeck", "--org", "LSN")
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-05-02", "--until", "2017", "--field", "networking", "--signatory", "Hinrich Habeck")  # fmt: skip
    ok(rit, "add-cooperation", "Pilot", "--org", "LSN", "--org", "FBRI", "--field", "networking")
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-01",
       "--field", "networking", "--participant", "Hinrich Habeck")  # fmt: skip
    return rit


def shown(rit: RitRunner, kind: str, ref: str, key: str) -> list[str]:
    data = json.loads(quiet_ok(rit, SHOW.get(kind, f"show-{kind}"), ref, "--json"))
    return [v if isinstance(v, str) else v["name"] for v in data[key]]


@pytest.mark.parametrize(("command", "ref", "option", "kind", "key", "field", "before"), CLEARABLE)
def test_a_lone_empty_value_clears_the_list(
    story: RitRunner,
    command: str,
    ref: str,
    option: str,
    kind: str,
    key: str,
    field: str,
    before: list[str] | None,
) -> None:
    assert shown(story, kind, ref, key) == (before or ["Hinrich Habeck"])
    out = quiet_ok(story, command, ref, option, "")
    assert out.startswith("updated ") and out.rstrip().endswith(field), out
    assert shown(story, kind, ref, key) == []
    rows = json.loads(quiet_ok(story, "history", ref, "--kind", kind, "--json"))
    last = rows[-1]
    assert (last["action"], last["field"], last["new"]) == ("update", field, None)
    kept = "#1" if kind == "exchange" else "Hinrich Habeck"  # its history names contacts by id
    assert last["old"] == ", ".join(before or [kept])
    assert quiet_ok(story, command, ref, option, " ").rstrip().endswith("unchanged")


@pytest.mark.parametrize(("command", "ref", "option", "kind", "key", "field", "before"), CLEARABLE)
def test_an_empty_value_among_others_is_refused(
    story: RitRunner,
    dump: Callable[[], str],
    command: str,
    ref: str,
    option: str,
    kind: str,
    key: str,
    field: str,
    before: list[str] | None,
) -> None:
    value = "Hinrich Habeck" if before is None else "networking"
    was = dump()
    for args in ((option, "", option, value), (option, value, option, "")):
        refused(story(command, ref, *args), f"{option} '' clears the list and goes alone")
    assert dump() == was


@pytest.mark.parametrize(("command", "ref", "option", "message"), REQUIRED)
def test_a_list_that_cannot_be_empty_is_not_cleared(
    story: RitRunner, dump: Callable[[], str], command: str, ref: str, option: str, message: str
) -> None:
    was = dump()
    refused(story(command, ref, option, ""), message)
    assert dump() == was


def test_a_signatory_entered_by_mistake_can_be_taken_off_and_the_contact_removed(
    story: RitRunner,
) -> None:
    ok(story, "edit-agreement", "LoI", "--signatory", "")
    ok(story, "edit-exchange", "1", "--participant", "")
    assert quiet_ok(story, "remove-contact", "Hinrich Habeck").startswith("removed contact #1")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (None, None),
        ([], ()),
        ([""], ()),
        ([" ", ""], ()),
        (["a"], ("a",)),
        (["a", "b"], ("a", "b")),
    ],
)
def test_replacing(values: list[str] | None, expected: tuple[str, ...] | None) -> None:
    assert replacing(values, "--field") == expected


@pytest.mark.parametrize("values", [["", "a"], ["a", " "], ["a", "", "b"]])
def test_replacing_refuses_an_empty_value_among_others(values: list[str]) -> None:
    with pytest.raises(InvalidInput, match=r"--tag '' clears the list and goes alone"):
        replacing(values, "--tag")


# Every option that takes tags or fields of action: (command, reference or None for add-*).
TAG_OPTIONS = [
    ("edit-org", "LSN", "--tag", "org", "tags"),
    ("edit-agreement", "LoI", "--field", "agreement", "fields"),
    ("edit-cooperation", "Pilot", "--field", "cooperation", "fields"),
    ("edit-exchange", "1", "--field", "exchange", "fields"),
]


@pytest.mark.parametrize(("command", "ref", "option", "kind", "key"), TAG_OPTIONS)
def test_commas_and_semicolons_separate_tags_as_in_a_csv_cell(
    story: RitRunner,
    dump: Callable[[], str],
    command: str,
    ref: str,
    option: str,
    kind: str,
    key: str,
) -> None:
    """'--tag "biotech, medtech"' was one tag 'biotech,-medtech', which a CSV export then
    gave back as two: a comma or semicolon separates tags, as in a CSV cell."""
    quiet_ok(story, command, ref, option, "Market introduction, networking;Biotech", option, "x")
    assert shown(story, kind, ref, key) == ["biotech", "market-introduction", "networking", "x"]
    was = dump()
    refused(story(command, ref, option, " ,; "), "is not a usable tag")
    assert dump() == was


def test_new_records_take_several_tags_in_one_value(rit: RitRunner) -> None:
    add_story_orgs(rit)
    quiet_ok(rit, "add-org", "Medtech GmbH", "--tag", "biotech, medtech")
    assert shown(rit, "org", "Medtech GmbH", "tags") == ["biotech", "medtech"]
    quiet_ok(rit, "add-meeting", "Call", "--org", "LSN", "--org", "FBRI", "--on", "2016-10-01",
             "--online", "--field", "networking; technology transfer")  # fmt: skip
    assert shown(rit, "exchange", "Call", "fields") == ["networking", "technology-transfer"]


@pytest.mark.parametrize(
    ("listing", "option", "what"),
    [("orgs", "--tag", "tag"), ("agreements", "--field", "field of action"),
     ("cooperations", "--field", "field of action")],
)  # fmt: skip
def test_a_listing_filters_by_one_tag_and_refuses_several(
    story: RitRunner, listing: str, option: str, what: str
) -> None:
    """Since a comma separates tags, 'biotech, medtech' as a filter would match nothing."""
    value = "networking" if option == "--field" else "biomedical"
    assert quiet_ok(story, listing, option, value).count("\n") == 1
    refused(
        story(listing, option, f"{value}, other"),
        f"error: {what} '{value}, other' names several: filter by one\n",
    )
