"""Which reminder an exchange deserves on a given day: tables of cases."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rit_cli.reminders import ExchangeFact, Reminder, classify_exchange
from rit_cli.store.reminders import remember, seen_before

TODAY = date(2016, 8, 25)
HORIZON = TODAY + timedelta(days=14)


def fact(
    status: str, start: str, end: str | None = None, decide_by: str | None = None, **extra: object
) -> ExchangeFact:
    return ExchangeFact(
        id=1,
        uuid="u-1",
        type="visit",
        title="LSN → FBRI visit",
        status=status,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end or start),
        decide_by=date.fromisoformat(decide_by) if decide_by else None,
        fixed=status != "planned",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("exchange", "kind", "on"),
    [
        # fixed days
        (fact("scheduled", "2016-08-25"), "upcoming", "2016-08-25"),
        (fact("scheduled", "2016-09-08"), "upcoming", "2016-09-08"),  # last day of horizon
        (fact("scheduled", "2016-09-09"), None, None),  # just beyond
        (fact("scheduled", "2016-08-24"), "overdue", "2016-08-24"),
        (fact("scheduled", "2016-08-20", "2016-08-26"), "upcoming", "2016-08-25"),  # under way
        (fact("scheduled", "2016-08-20", "2016-08-24"), "overdue", "2016-08-20"),
        (fact("done", "2016-08-24"), None, None),
        (fact("cancelled", "2016-08-30"), None, None),
        # windows
        (fact("planned", "2016-09-01", "2016-09-30"), "window-opens", "2016-09-01"),
        (fact("planned", "2016-09-09", "2016-09-30"), None, None),
        (fact("planned", "2016-10-01", "2016-10-31", "2016-08-31"), "decide-by", "2016-08-31"),
        (fact("planned", "2016-10-01", "2016-10-31", "2016-08-25"), "decide-by", "2016-08-25"),
        (fact("planned", "2016-10-01", "2016-10-31", "2016-08-24"), "decide-overdue", "2016-08-24"),
        (fact("planned", "2016-10-01", "2016-10-31", "2016-09-30"), None, None),
        (fact("planned", "2016-05-01", "2016-05-31"), "window-closed", "2016-05-31"),
        (fact("planned", "2016-05-01", "2016-08-24", "2016-04-01"), "window-closed", "2016-08-24"),
        (fact("planned", "2016-08-01", "2016-08-31"), "window-closes", "2016-08-31"),
        (fact("planned", "2016-08-01", "2016-12-31"), None, None),  # open, nothing pressing
        (fact("planned", "2016-08-25", "2016-08-25"), "window-opens", "2016-08-25"),
    ],
)
def test_classification(exchange: ExchangeFact, kind: str | None, on: str | None) -> None:
    item = classify_exchange(exchange, TODAY, HORIZON, "Europe/Berlin")
    if kind is None:
        assert item is None
    else:
        assert item is not None
        assert (item.kind, item.on.isoformat()) == (kind, on)
        assert item.days_left == (item.on - TODAY).days


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        ("2016-08-24", "2016-08-24", "was on 2016-08-24 (yesterday)"),
        ("2016-08-20", "2016-08-20", "was on 2016-08-20 (5 days ago)"),
        ("2016-08-21", "2016-08-24", "was on 2016-08-21..2016-08-24 (ended yesterday)"),
        ("2016-08-10", "2016-08-12", "was on 2016-08-10..2016-08-12 (ended 13 days ago)"),
    ],
)
def test_an_overdue_visit_of_several_days_counts_from_its_last_day(
    start: str, end: str, said: str
) -> None:
    item = classify_exchange(fact("scheduled", start, end), TODAY, HORIZON, "Europe/Berlin")
    assert item is not None and item.kind == "overdue"
    assert item.message == f"{said}; mark it done or cancel it"


@pytest.mark.parametrize(
    ("today", "said"),
    [
        ("2016-08-25", "on 2016-09-01..2016-09-30, in 7 days"),
        ("2016-09-05", "under way (2016-09-01..2016-09-30)"),
        ("2016-10-05", "was on 2016-09-01..2016-09-30 (ended 5 days ago)"),
    ],
)
def test_a_fixed_visit_of_a_whole_month_is_named_by_its_days_not_as_a_window(
    today: str, said: str
) -> None:
    """30 fixed days from 1 September are not the window '2016-09' (as agenda shows them)."""
    stay = fact("scheduled", "2016-09-01", "2016-09-30")
    day = date.fromisoformat(today)
    item = classify_exchange(stay, day, day + timedelta(days=14), "UTC")
    assert item is not None
    assert item.message.startswith(said), item.message
    assert "2016-09," not in item.message and "2016-09)" not in item.message


def test_upcoming_shows_local_time_and_users_time() -> None:
    starts = datetime(2016, 9, 5, 1, 0, tzinfo=UTC)  # 10:00 in Kobe
    exchange = fact("scheduled", "2016-09-05", at="10:00", tz="Asia/Tokyo", starts_utc=starts)
    item = classify_exchange(exchange, TODAY, HORIZON, "Europe/Berlin")
    assert item is not None
    assert item.local_time == "10:00 JST"
    assert item.user_time == "03:00 CEST"
    assert "at 10:00 JST (03:00 CEST), in 11 days" in item.message


def timed(day: str, at: str, tz: str, days: int = 1) -> ExchangeFact:
    """A fixed exchange at AT local time in TZ on DAY (and DAYS - 1 days after it)."""
    start = date.fromisoformat(day)
    local = datetime.combine(start, time.fromisoformat(at), ZoneInfo(tz))
    end = (start + timedelta(days=days - 1)).isoformat()
    return fact("scheduled", day, end, at=at, tz=tz, starts_utc=local.astimezone(UTC))


# (exchange, user zone, kind, date) on TODAY with HORIZON, a time in another zone.
TIMED_CASES = [
    # 07:00 in Kobe on the day after the horizon is 18:00 on its last day in New York.
    (timed("2016-09-09", "07:00", "Asia/Tokyo"), "America/New_York", "upcoming", "2016-09-08"),
    (timed("2016-09-10", "07:00", "Asia/Tokyo"), "America/New_York", None, None),
    # 23:00 in Hamburg on the horizon's day is 06:00 on the day after in Kobe.
    (timed("2016-09-08", "23:00", "Europe/Berlin"), "Asia/Tokyo", None, None),
    (timed("2016-09-08", "16:00", "Europe/Berlin"), "Asia/Tokyo", "upcoming", "2016-09-08"),
    # 20:00 in Hamburg yesterday is 03:00 today in Kobe: today there, overdue here.
    (timed("2016-08-24", "20:00", "Europe/Berlin"), "Asia/Tokyo", "upcoming", "2016-08-25"),
    (timed("2016-08-24", "20:00", "Europe/Berlin"), "Europe/Berlin", "overdue", "2016-08-24"),
    (timed("2016-08-24", "16:00", "Europe/Berlin"), "Asia/Tokyo", "overdue", "2016-08-24"),
    # Two days from that evening: under way in Kobe until the second day there.
    (timed("2016-08-23", "20:00", "Europe/Berlin", 2), "Asia/Tokyo", "upcoming", "2016-08-25"),
    (timed("2016-08-22", "20:00", "Europe/Berlin", 2), "Asia/Tokyo", "overdue", "2016-08-22"),
    # 07:00 in Kobe yesterday began the day before in New York, and was over yesterday.
    (timed("2016-08-24", "07:00", "Asia/Tokyo"), "America/New_York", "overdue", "2016-08-24"),
    # 07:00 in Kobe today began yesterday in New York: under way while it is today in Kobe.
    (timed("2016-08-25", "07:00", "Asia/Tokyo"), "America/New_York", "upcoming", "2016-08-25"),
    # The zones farthest apart: midnight at UTC+14 is the day before at UTC-12.
    (
        timed("2016-09-10", "00:00", "Pacific/Kiritimati"),
        "Etc/GMT+12",
        "upcoming",
        "2016-09-08",
    ),
    (
        timed("2016-08-23", "23:00", "Etc/GMT+12"),
        "Pacific/Kiritimati",
        "upcoming",
        "2016-08-25",
    ),
]


def test_a_times_day_is_the_users_for_the_horizon_and_for_being_overdue() -> None:
    """The horizon is reached, and the exchange is over, in the days its date, days_left
    and 'today'/'in N days' count: the user's (a time's day there, and as many after it as
    the exchange lasts, but never before its last day at the place has passed)."""
    wrong = []
    for number, (exchange, zone, kind, on) in enumerate(TIMED_CASES):
        item = classify_exchange(exchange, TODAY, HORIZON, zone)
        found = (item.kind, item.on.isoformat()) if item else (None, None)
        if found != (kind, on) or item and item.days_left != (item.on - TODAY).days:
            wrong.append((number, exchange.start, exchange.at, exchange.tz, zone, item))
    assert not wrong, wrong  # one test: its unchanged cases keep the changed ones honest


def test_users_time_names_the_other_day_when_it_differs() -> None:
    starts = datetime(2016, 9, 4, 23, 30, tzinfo=UTC)  # 08:30 on the 5th in Kobe
    exchange = fact("scheduled", "2016-09-05", at="08:30", tz="Asia/Tokyo", starts_utc=starts)
    item = classify_exchange(exchange, TODAY, HORIZON, "America/New_York")
    assert item is not None
    assert item.user_time == "2016-09-04 19:30 EDT"


def test_same_zone_shows_one_time() -> None:
    starts = datetime(2016, 9, 5, 8, 0, tzinfo=UTC)
    exchange = fact("scheduled", "2016-09-05", at="10:00", tz="Europe/Berlin", starts_utc=starts)
    item = classify_exchange(exchange, TODAY, HORIZON, "Europe/Berlin")
    assert item is not None and item.user_time is None


def test_fingerprint_changes_when_the_date_moves() -> None:
    a = classify_exchange(fact("scheduled", "2016-09-01"), TODAY, HORIZON, "UTC")
    b = classify_exchange(fact("scheduled", "2016-09-02"), TODAY, HORIZON, "UTC")
    c = classify_exchange(fact("scheduled", "2016-09-01"), TODAY, HORIZON, "UTC")
    assert isinstance(a, Reminder) and isinstance(b, Reminder) and isinstance(c, Reminder)
    assert a.key == b.key
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == c.fingerprint


def test_seen_before_compares_fingerprints_for_many_items(conn: sqlite3.Connection) -> None:
    """--new: an item printed with the same dates is old, a moved one new again; more
    items than one query's list holds are looked up in batches."""

    def items(day: str, numbers: range) -> list[Reminder]:
        found = [
            classify_exchange(fact("scheduled", day)._replace(uuid=f"u-{n}"), TODAY, HORIZON, "UTC")
            for n in numbers
        ]
        return [item for item in found if item is not None]

    printed = items("2016-09-01", range(1100))
    remember(conn, printed, printed, "2016-08-25T06:00:00+00:00")
    assert seen_before(conn, items("2016-09-01", range(1200))) == {item.key for item in printed}
    assert seen_before(conn, items("2016-09-02", range(1000, 1200))) == set()
    assert seen_before(conn, []) == set()


def test_remember_forgets_agreements_no_longer_at_risk_only(conn: sqlite3.Connection) -> None:
    """An agreement no longer at risk is forgotten (in batches), so it is new when it is
    at risk again; exchanges beyond this run's horizon are kept (another horizon's)."""

    def at_risk(numbers: range) -> list[Reminder]:
        return [
            Reminder("at-risk", date(2016, 12, 31), "agreement", n, f"a-{n}", "LoI", "", 128)
            for n in numbers
        ]

    upcoming = [
        item
        for n in range(3)
        if (
            item := classify_exchange(
                fact("scheduled", "2016-09-01")._replace(uuid=f"u-{n}"), TODAY, HORIZON, "UTC"
            )
        )
    ]
    shown = at_risk(range(1500)) + upcoming
    remember(conn, shown, shown, "2016-08-25T06:00:00+00:00")
    still = at_risk(range(1000, 1600))  # 1000..1499 still at risk, 1500.. new; no exchanges
    remember(conn, still, at_risk(range(1500, 1600)), "2016-08-26T06:00:00+00:00")
    assert seen_before(conn, at_risk(range(1600)) + upcoming) == {
        item.key for item in still + upcoming
    }


def test_a_visit_under_way_keeps_its_fingerprint_day_after_day() -> None:
    """--new: a five-day visit is due "today" on each of its days; it is the same item."""
    visit = fact("scheduled", "2016-09-01", "2016-09-05")
    shown = [
        classify_exchange(visit, today, today + timedelta(days=14), "UTC")
        for today in (date(2016, 8, 25), date(2016, 9, 1), date(2016, 9, 2), date(2016, 9, 5))
    ]
    assert [item.on for item in shown if item] == [
        date(2016, 9, 1),
        date(2016, 9, 1),
        date(2016, 9, 2),
        date(2016, 9, 5),
    ]
    assert len({item.fingerprint for item in shown if item}) == 1


days = st.integers(min_value=-400, max_value=400)


@given(
    start=days,
    length=st.integers(min_value=0, max_value=120),
    decide=st.one_of(st.none(), days),
    status=st.sampled_from(["planned", "scheduled"]),
)
def test_reminder_dates_are_the_exchanges_own(
    start: int, length: int, decide: int | None, status: str
) -> None:
    first = TODAY + timedelta(days=start)
    exchange = ExchangeFact(
        1,
        "u",
        "visit",
        "t",
        status,
        first,
        first + timedelta(days=length),
        TODAY + timedelta(days=decide) if decide is not None and status == "planned" else None,
        status == "scheduled",
    )
    item = classify_exchange(exchange, TODAY, HORIZON, "UTC")
    if item is None:
        return
    allowed = {exchange.start, exchange.end, exchange.decide_by, TODAY}
    assert item.on in allowed
    if item.kind in ("upcoming", "decide-by", "window-opens", "window-closes"):
        assert TODAY <= item.on <= HORIZON
    else:
        assert item.on < TODAY


def test_both_sides_of_a_clock_change_stay_apart() -> None:
    """02:30 in Berlin on 30 Oct 2016 happens twice; the reminder says which one."""
    kobe_0930 = datetime(2016, 10, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST
    kobe_1030 = datetime(2016, 10, 30, 1, 30, tzinfo=UTC)  # 02:30 CET
    shown = []
    for at, starts in (("09:30", kobe_0930), ("10:30", kobe_1030)):
        exchange = fact("scheduled", "2016-10-30", at=at, tz="Asia/Tokyo", starts_utc=starts)
        item = classify_exchange(exchange, date(2016, 10, 20), date(2016, 11, 3), "Europe/Berlin")
        assert item is not None
        shown.append(item.user_time)
    assert shown == ["02:30 CEST", "02:30 CET"]
