"""Terminal tables printed a batch of rows at a time: the same text as printed whole."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, Group
from rich.text import Text

from rit_cli import render
from rit_cli.commands._common import print_view
from rit_cli.render import Column

from .helpers import ADD_FBRI, ADD_LSN, RitRunner, ok

COLUMNS = (
    Column("id", lambda r: r[0], justify="right", no_wrap=True),
    Column("name", lambda r: r[1]),
    Column("note", lambda r: r[2], optional=True),
)
RECORDS = [
    (n, f"Cluster {n} " + "Kobe " * (n % 4), "a longer note that wraps " * (n % 3))
    for n in range(1, 8)
]


def printed(width: int, view: object, whole: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, markup=False, emoji=False)
    if whole:
        console.print(view)
    else:
        print_view(console, view)
    return out.getvalue()


@pytest.mark.parametrize("at_a_time", [1, 2, 3, 500])
@pytest.mark.parametrize("width", [120, 60, 24, 12])  # 24 and 12: records as blocks
@pytest.mark.parametrize("title", [None, "Agreements"])
def test_a_listing_in_batches_is_the_listing_printed_whole(
    monkeypatch: pytest.MonkeyPatch, at_a_time: int, width: int, title: str | None
) -> None:
    listing = render.table(COLUMNS, RECORDS, title=title)
    whole = printed(width, listing, whole=True)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", at_a_time)
    assert printed(width, listing, whole=False) == whole
    assert whole.count("Cluster") == len(RECORDS)


@pytest.mark.parametrize("at_a_time", [1, 2, 500])
def test_a_view_of_headings_and_listings_is_printed_part_by_part(
    monkeypatch: pytest.MonkeyPatch, at_a_time: int
) -> None:
    view = Group(
        Text("rit report", style="bold"),
        Text(""),
        render.table(COLUMNS, RECORDS[:5]),
        Text("Upcoming", style="bold underline"),
        render.table(COLUMNS, RECORDS[5:]),
    )
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", at_a_time)
    assert printed(80, view, whole=False) == printed(80, view, whole=True)


def test_rich_lays_out_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    laid_out: list[int] = []
    table = render.Listing._table

    def watching(self: render.Listing, *args: object, **kwargs: object) -> object:
        laid_out.append(len(args[2]))  # type: ignore[arg-type]
        return table(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 3)
    monkeypatch.setattr(render.Listing, "_table", watching)
    printed(120, render.table(COLUMNS, RECORDS), whole=False)
    assert laid_out == [3, 3, 1]


@pytest.mark.parametrize(
    "args",
    [
        ("agenda", "--from", "2017-01-01", "--to", "2017-12-31"),
        ("remind", "--within", "1y"),
        ("report",),
        ("orgs",),
    ],
)
@pytest.mark.parametrize("columns", ["120", "30"])
def test_commands_on_a_terminal_print_the_same_in_batches(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], columns: str
) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    ok(rit, "add-agreement", "LoI", "--party", "LSN", "--party", "FBRI", "--signed",
       "2016-05-02", "--until", "2019", "--visits-per-year", "1")  # fmt: skip
    for month in range(1, 8):
        ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", f"2017-{month:02d}-10")
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": columns, "RIT_TODAY": "2016-12-20"}
    whole = ok(rit, *args, env=env)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 2)
    assert ok(rit, *args, env=env) == whole
    assert "LSN" in whole


class Reads:
    """RECORDS as a query a listing may run again, counting how often it is read."""

    def __init__(self, records: list[tuple[object, ...]]) -> None:
        self.records, self.times = records, 0

    def __call__(self) -> list[tuple[object, ...]]:
        self.times += 1
        return self.records


MANY = [
    (n, f"Cluster {n} " + "Kobe " * (n % 4), "a longer note that wraps " * (n % 3))
    for n in range(1, 40)
]


@pytest.mark.parametrize("held", [0, 5, 38])
@pytest.mark.parametrize("width", [120, 60, 40, 24, 12])  # 40: the note left out; 24, 12: blocks
def test_a_listing_read_again_prints_what_it_would_have_held(
    monkeypatch: pytest.MonkeyPatch, held: int, width: int
) -> None:
    """Past HELD_ROWS, records that can be read again are not held: they are measured in a
    pass and printed in another (thirty years of agenda on a terminal took a kilobyte a
    row); the text is the same as the listing holding them prints."""
    whole = printed(width, render.table(COLUMNS, MANY, title="Exchanges"), whole=True)
    monkeypatch.setattr(render, "HELD_ROWS", held)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 7)
    reads = Reads(MANY)
    listing = render.table(COLUMNS, render.Again(reads), title="Exchanges")
    assert listing._held is None and not listing.empty
    assert printed(width, listing, whole=False) == whole
    assert reads.times >= 3  # held: the first pass; then measured, and printed


def test_a_listing_read_again_within_held_rows_is_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = Reads(MANY)
    listing = render.table(COLUMNS, render.Again(reads))
    assert printed(120, listing, whole=False) == printed(120, render.table(COLUMNS, MANY), True)
    assert reads.times == 1 and listing._held is not None
    assert render.table(COLUMNS, render.Again(Reads([]))).empty


def listings_held(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each Listing made from now on holds its rows' text (False: reads them again)."""
    held: list[bool] = []
    make = render.Listing.__init__

    def watching(self: render.Listing, *a: object) -> None:
        make(self, *a)
        held.append(self._held is not None)

    monkeypatch.setattr(render.Listing, "__init__", watching)
    return held


@pytest.mark.parametrize("columns", ["120", "30"])
def test_a_long_agenda_on_a_terminal_is_read_again_not_held(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-03-10",
       "--yearly", "--until", "2040")  # fmt: skip
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": columns, "RIT_TODAY": "2016-12-20"}
    args = ("agenda", "--from", "2017-01-01", "--to", "2040-12-31")
    whole = ok(rit, *args, env=env)
    held = listings_held(monkeypatch)
    monkeypatch.setattr(render, "HELD_ROWS", 5)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 4)
    assert ok(rit, *args, env=env) == whole
    assert held == [False]
    assert whole.count("LSN → FBRI visit") == 24


def test_a_long_history_on_a_terminal_is_read_again_not_held(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(rit, *ADD_LSN)
    for n in range(12):
        ok(rit, "edit-org", "LSN", "--city", f"Hamburg {n}")
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": "100"}
    whole = ok(rit, "history", "LSN", env=env)
    held = listings_held(monkeypatch)
    monkeypatch.setattr(render, "HELD_ROWS", 3)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 2)
    assert ok(rit, "history", "LSN", env=env) == whole
    assert held == [False]
    assert whole.count("Hamburg 11") == 1 and whole.count("Hamburg") >= 12


@pytest.mark.parametrize("columns", ["100", "30"])
@pytest.mark.parametrize(
    ("held_rows", "held"), [(5, [True, False, False]), (24, [True, True, False])]
)
def test_a_long_group_of_reminders_on_a_terminal_is_read_again_not_held(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch, columns: str, held_rows: int, held: list[bool]
) -> None:
    """Overdue (1), Coming up (24) and Dates to decide (24 decide-by, 1 window-opens): a
    group of more than HELD_ROWS is read again for each pass its table makes, the rest
    kept; the same text as held whole."""
    from rit_cli.store import reminders

    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--on", "2016-11-02")
    ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2017-03-10",
       "--yearly", "--until", "2040")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2017-06",
       "--decide-by", "2017-05-15", "--yearly", "--until", "2040")  # fmt: skip
    ok(rit, "schedule-visit", "--from", "FBRI", "--to", "LSN", "--window", "2041-02")
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": columns, "RIT_TODAY": "2016-12-20"}
    args = ("remind", "--within", "30y")
    whole = ok(rit, *args, env=env)
    assert "Overdue (1)" in whole and "Coming up (24)" in whole
    assert "Dates to decide (25)" in whole and "window-opens" in whole
    passes = []
    due = reminders.due
    monkeypatch.setattr(reminders, "due", lambda *a: passes.append(1) or due(*a))
    shown = listings_held(monkeypatch)
    monkeypatch.setattr(render, "HELD_ROWS", held_rows)
    monkeypatch.setattr(render, "ROWS_AT_A_TIME", 4)
    assert ok(rit, *args, env=env) == whole
    assert shown == held
    # One pass to count, then per group read again: measured (perhaps twice, to check the
    # rows' heights) and printed.
    assert len(passes) <= 1 + 3 * held.count(False)


def test_a_listing_known_to_be_long_is_read_only_to_be_printed() -> None:
    reads: list[int] = []

    def read() -> list[tuple[int, str, str]]:
        reads.append(1)
        return RECORDS

    listing = render.table(COLUMNS, render.Again(read, long=True))
    assert reads == []  # not read to find out whether to hold it
    assert printed(120, listing, whole=False) == printed(120, render.table(COLUMNS, RECORDS), True)
    assert len(reads) == 2  # measured, printed
