"""Tests for rit_cli.dates: parsing, formatting, time zones and yearly recurrence."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from rit_cli.dates import (
    Window,
    add_duration,
    convert,
    format_window,
    happens_twice,
    localize,
    month_end,
    parse_date,
    parse_duration,
    parse_time,
    parse_until,
    parse_window,
    parse_zone,
    year_span,
    yearly_dates,
    yearly_windows,
)
from rit_cli.errors import InvalidInput

TODAY = date(2016, 1, 31)  # fixed "today": never the real clock
D = date

dates_in_range = st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31))


def assert_refused(exc: pytest.ExceptionInfo[InvalidInput], shown: str) -> None:
    message = str(exc.value)
    assert repr(shown) in message, message
    assert len(message.splitlines()) == 1, message


# ----------------------------------------------------------------------- Window


def test_window_basics() -> None:
    w = Window(D(2016, 10, 1), D(2016, 10, 20))
    assert w.days == 20
    assert w.contains(D(2016, 10, 1)) and w.contains(D(2016, 10, 20))
    assert not w.contains(D(2016, 9, 30)) and not w.contains(D(2016, 10, 21))
    assert w.overlaps(Window(D(2016, 10, 20), D(2016, 11, 5)))
    assert w.overlaps(Window(D(2016, 9, 1), D(2016, 10, 1)))
    assert not w.overlaps(Window(D(2016, 10, 21), D(2016, 11, 5)))
    assert Window(D(2016, 1, 1), D(2016, 1, 1)).days == 1
    assert Window(D(2016, 1, 1), D(2016, 1, 2)) < Window(D(2016, 1, 2), D(2016, 1, 2))


def test_window_refuses_end_before_start() -> None:
    with pytest.raises(ValueError):
        Window(D(2016, 1, 2), D(2016, 1, 1))


# -------------------------------------------------------------------- parse_date

GOOD_DATES = [
    ("2016-10-12", D(2016, 10, 12)),
    ("  2016-10-12\n", D(2016, 10, 12)),
    ("1900-01-01", D(1900, 1, 1)),
    ("2199-12-31", D(2199, 12, 31)),
    ("2016-02-29", D(2016, 2, 29)),
    ("12.10.2016", D(2016, 10, 12)),
    ("1.2.2016", D(2016, 2, 1)),
    ("01.02.2016", D(2016, 2, 1)),
    ("29.02.2016", D(2016, 2, 29)),
    ("2016年10月12日", D(2016, 10, 12)),
    ("2016年1月2日", D(2016, 1, 2)),
    ("２０１６年１０月１２日", D(2016, 10, 12)),
    ("１２.１０.２０１６", D(2016, 10, 12)),
    ("２０１６-１０-１２", D(2016, 10, 12)),
    ("today", TODAY),
    ("Today", TODAY),
    ("TOMORROW", D(2016, 2, 1)),
    ("yesterday", D(2016, 1, 30)),
    ("+3d", D(2016, 2, 3)),
    ("-3d", D(2016, 1, 28)),
    ("+0d", TODAY),
    ("+2w", D(2016, 2, 14)),
    ("-2w", D(2016, 1, 17)),
    ("+1m", D(2016, 2, 29)),  # 31 Jan + 1 month = end of February (leap year)
    ("-1m", D(2015, 12, 31)),
    ("+13m", D(2017, 2, 28)),
    ("+1y", D(2017, 1, 31)),
    ("-1y", D(2015, 1, 31)),
    ("+3D", D(2016, 2, 3)),
    ("+100d", D(2016, 5, 10)),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_DATES)
def test_parse_date_good(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_relative_month_from_leap_day() -> None:
    assert parse_date("+1y", D(2016, 2, 29)) == D(2017, 2, 28)
    assert parse_date("+1m", D(2015, 1, 31)) == D(2015, 2, 28)


BAD_DATES = [
    ("03/04/2016", "could be 3 April or 4 March"),
    ("3/4/16", "could be 3 April or 4 March"),
    ("04/03/2016", "2016-03-04"),
    ("13/04/2016", "2016-04-13"),
    ("05/05/2016", "2016-05-05"),
    ("2016/10/12", "2016-10-12"),
    ("1/2", "ISO"),
    ("2015-02-29", "February 2015 has 28 days"),
    ("31.04.2016", "April 2016 has 30 days"),
    ("2016-04-31", "April 2016 has 30 days"),
    ("2016-00-10", "month"),
    ("2016-13-01", "month"),
    ("00.01.2016", "January 2016 has 31 days"),
    ("2016年2月30日", "February 2016 has 29 days"),
    ("1899-12-31", "1900..2199"),
    ("2200-01-01", "1900..2199"),
    ("01.01.0999", "1900..2199"),
    ("2016-1-5", "2016-01-05"),
    ("12.10.16", "DD.MM.YYYY"),
    ("next tuesday", "2016-10-12"),
    ("tuesday", "12.10.2016"),
    ("3d", "+3d"),
    ("+3x", "+3d"),
    ("+99999y", "1900..2199"),
    ("-999999999d", "1900..2199"),
    ("+999999999w", "1900..2199"),
    ("2016-10-12T10:00", "2016-10-12"),
    ("20161012", "2016-10-12"),
    ("12.10.2016.", "12.10.2016"),
    ("'quoted'", "today"),
]


@pytest.mark.parametrize(("text", "hint"), BAD_DATES)
def test_parse_date_bad(text: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date(text, TODAY)
    assert_refused(exc, text.strip())
    assert hint in str(exc.value)


def test_slash_hint_is_exact() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date("03/04/2016", TODAY)
    assert str(exc.value) == (
        "'03/04/2016' could be 3 April or 4 March; write 2016-04-03 or 03.04.2016"
    )


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2016/10/12", "2016-10-12 or 12.10.2016"),  # as Japan writes dates
        ("2016/1/2", "2016-01-02 or 02.01.2016"),
        ("２０１６/１０/１２", "2016-10-12 or 12.10.2016"),
        ("13/04/2016", "2016-04-13 or 13.04.2016"),  # 13 is no month
        ("04/13/2016", "2016-04-13 or 13.04.2016"),
        ("05/05/2016", "2016-05-05 or 05.05.2016"),  # both readings agree
    ],
)
def test_a_slash_form_of_one_day_is_refused_written_out(text: str, written: str) -> None:
    """QA: a form that can mean one day only got the general hint; it is still not read
    (slashes never are), but the error says exactly what to write instead."""
    with pytest.raises(InvalidInput) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == f"{text!r}: dates with slashes are never read; write {written}"


@pytest.mark.parametrize("text", ["2016/13/01", "2016/02/30", "32/01/2016", "1/2", "2300/1/1"])
def test_a_slash_form_of_no_day_gets_the_general_hint(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date(text, TODAY)
    assert str(exc.value).endswith("write ISO YYYY-MM-DD (e.g. 2016-10-12) or German DD.MM.YYYY")


def test_invalid_day_message_is_exact() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date("2015-02-29", TODAY)
    assert str(exc.value) == "'2015-02-29' is not a day: February 2015 has 28 days"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_parse_date_empty(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_date(text, TODAY)
    assert_refused(exc, text)


def test_relative_out_of_range_from_edge_today() -> None:
    with pytest.raises(InvalidInput):
        parse_date("+1d", D(2199, 12, 31))
    with pytest.raises(InvalidInput):
        parse_date("-1d", D(1900, 1, 1))


# ------------------------------------------------------------------- parse_until


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017", D(2017, 12, 31)),
        (" 2016 ", D(2016, 12, 31)),
        ("２０１７", D(2017, 12, 31)),
        ("2017-03-01", D(2017, 3, 1)),
        ("1.3.2017", D(2017, 3, 1)),
        ("+1y", D(2017, 1, 31)),
    ],
)
def test_parse_until_good(text: str, expected: date) -> None:
    assert parse_until(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "1899", "2200", "17", "someday", "2017-02-30", "03/04/2016"])
def test_parse_until_bad(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_until(text, TODAY)
    assert_refused(exc, text.strip())


# ------------------------------------------------------------------ parse_window

GOOD_WINDOWS = [
    ("2016-10", Window(D(2016, 10, 1), D(2016, 10, 31))),
    ("2016-02", Window(D(2016, 2, 1), D(2016, 2, 29))),
    ("2015-02", Window(D(2015, 2, 1), D(2015, 2, 28))),
    ("2016-Q4", Window(D(2016, 10, 1), D(2016, 12, 31))),
    ("2016-q1", Window(D(2016, 1, 1), D(2016, 3, 31))),
    ("2016-Q2", Window(D(2016, 4, 1), D(2016, 6, 30))),
    ("2016-Q3", Window(D(2016, 7, 1), D(2016, 9, 30))),
    ("2016-H1", Window(D(2016, 1, 1), D(2016, 6, 30))),
    ("2016-h2", Window(D(2016, 7, 1), D(2016, 12, 31))),
    ("2016", Window(D(2016, 1, 1), D(2016, 12, 31))),
    ("2016-10-12", Window(D(2016, 10, 12), D(2016, 10, 12))),
    ("12.10.2016", Window(D(2016, 10, 12), D(2016, 10, 12))),
    ("today", Window(TODAY, TODAY)),
    ("2016-10-01..2016-10-20", Window(D(2016, 10, 1), D(2016, 10, 20))),
    ("2016-10..2016-11", Window(D(2016, 10, 1), D(2016, 11, 30))),
    ("2016-Q4..2017-H1", Window(D(2016, 10, 1), D(2017, 6, 30))),
    ("2016..2017", Window(D(2016, 1, 1), D(2017, 12, 31))),
    ("2016-12-01..2017-01-31", Window(D(2016, 12, 1), D(2017, 1, 31))),
    ("today..+2w", Window(TODAY, D(2016, 2, 14))),
    ("1.10.2016..2016年10月20日", Window(D(2016, 10, 1), D(2016, 10, 20))),
    ("2016-10-12..2016-10-12", Window(D(2016, 10, 12), D(2016, 10, 12))),
    ("2016-10-15..2016-10", Window(D(2016, 10, 15), D(2016, 10, 31))),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_WINDOWS)
def test_parse_window_good(text: str, expected: Window) -> None:
    assert parse_window(text, TODAY) == expected


BAD_WINDOWS = [
    ("", "2016-Q4"),
    ("2016-Q5", "Q1..Q4"),
    ("2016-Q0", "Q1..Q4"),
    ("2016-H3", "H1 or H2"),
    ("2016-13", "01..12"),
    ("2016-00", "01..12"),
    ("1899", "1900..2199"),
    ("2200-Q1", "1900..2199"),
    ("16-10", "2016-Q4"),
    ("Q4 2016", "2016-Q4"),
    ("last month", "START..END"),
    ("2016-10..", "no end"),
    ("..2016-10", "no start"),
    ("2016-10-20..2016-10-01", "end 2016-10-01 is before its start 2016-10-20"),
    ("2016-11..2016-10", "end 2016-10-31 is before its start 2016-11-01"),
    ("2016...2017", "START..END"),
    ("2016..2017..2018", "START..END"),
    ("2016-02-30..2016-03-01", "February 2016 has 29 days"),
    ("03/04/2016", "could be"),
]


@pytest.mark.parametrize(("text", "hint"), BAD_WINDOWS)
def test_parse_window_bad(text: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_window(text, TODAY)
    message = str(exc.value)
    assert hint in message
    assert len(message.splitlines()) == 1
    # The message names the whole value or the offending side of it.
    sides = [text.strip(), *(s.strip() for s in text.split(".."))]
    assert any(repr(s) in message for s in sides if s) or repr(text) in message, message


# ----------------------------------------------------------------- format_window

FORMATS = [
    (Window(D(2016, 1, 1), D(2016, 12, 31)), "2016"),
    (Window(D(2016, 7, 1), D(2016, 12, 31)), "2016-H2"),
    (Window(D(2016, 1, 1), D(2016, 6, 30)), "2016-H1"),
    (Window(D(2016, 10, 1), D(2016, 12, 31)), "2016-Q4"),
    (Window(D(2016, 4, 1), D(2016, 6, 30)), "2016-Q2"),
    (Window(D(2016, 10, 1), D(2016, 10, 31)), "2016-10"),
    (Window(D(2016, 2, 1), D(2016, 2, 29)), "2016-02"),
    (Window(D(2016, 10, 12), D(2016, 10, 12)), "2016-10-12"),
    (Window(D(2016, 10, 1), D(2016, 10, 20)), "2016-10-01..2016-10-20"),
    (Window(D(2016, 2, 1), D(2016, 3, 31)), "2016-02-01..2016-03-31"),
    (Window(D(2016, 4, 1), D(2016, 9, 30)), "2016-04-01..2016-09-30"),
    (Window(D(2016, 1, 1), D(2017, 12, 31)), "2016-01-01..2017-12-31"),
    (Window(D(2016, 12, 1), D(2017, 1, 31)), "2016-12-01..2017-01-31"),
    (Window(D(2016, 2, 1), D(2016, 2, 28)), "2016-02-01..2016-02-28"),
]


@pytest.mark.parametrize(("window", "text"), FORMATS)
def test_format_window(window: Window, text: str) -> None:
    assert format_window(window) == text
    assert parse_window(text, TODAY) == window


@st.composite
def windows(draw: st.DrawFn) -> Window:
    kind = draw(st.sampled_from(["any", "month", "quarter", "half", "year", "day"]))
    year = draw(st.integers(1900, 2199))
    if kind == "any":
        a, b = draw(dates_in_range), draw(dates_in_range)
        return Window(min(a, b), max(a, b))
    if kind == "day":
        d = draw(dates_in_range)
        return Window(d, d)
    if kind == "year":
        return year_span(year)
    size = {"month": 1, "quarter": 3, "half": 6}[kind]
    first_month = draw(st.sampled_from(range(1, 13, size)))
    start = D(year, first_month, 1)
    return Window(start, month_end(D(year, first_month + size - 1, 1)))


@given(windows())
def test_format_parse_round_trip(w: Window) -> None:
    assert parse_window(format_window(w), TODAY) == w


# ------------------------------------------------------------------ hypothesis: dates


@given(dates_in_range)
def test_date_forms_agree(d: date) -> None:
    assert parse_date(d.isoformat(), TODAY) == d
    assert parse_date(f"{d.day}.{d.month}.{d.year}", TODAY) == d
    assert parse_date(f"{d.day:02d}.{d.month:02d}.{d.year}", TODAY) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日", TODAY) == d
    assert parse_window(d.isoformat(), TODAY) == Window(d, d)


@given(st.text(max_size=40), dates_in_range)
def test_arbitrary_text_returns_or_refuses(text: str, today: date) -> None:
    for parse in (parse_date, parse_window, parse_until):
        try:
            parse(text, today)
        except InvalidInput as exc:
            assert len(str(exc).splitlines()) == 1
    for one_arg in (parse_duration, parse_time, parse_zone):
        try:
            one_arg(text)
        except InvalidInput as exc:
            assert len(str(exc).splitlines()) == 1


@given(
    st.from_regex(
        r"\A[ ]?([0-9+\-.年月日/]|Q|H|q|h|\.\.|today|[dwmy]){0,14}[ ]?\Z", fullmatch=True
    ),
    dates_in_range,
)
def test_date_like_text_returns_or_refuses(text: str, today: date) -> None:
    for parse in (parse_date, parse_window, parse_until):
        try:
            parse(text, today)
        except InvalidInput as exc:
            assert len(str(exc).splitlines()) == 1


# ----------------------------------------------------------------- parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14d", timedelta(days=14)),
        ("+14d", timedelta(days=14)),
        ("90d", timedelta(days=90)),
        ("90", timedelta(days=90)),
        ("2w", timedelta(days=14)),
        ("3m", relativedelta(months=3)),
        ("1y", relativedelta(years=1)),
        ("100y", relativedelta(years=100)),
        ("1200m", relativedelta(months=1200)),
        ("36525d", timedelta(days=36525)),
        (" 2W ", timedelta(weeks=2)),
    ],
)
def test_parse_duration_good(text: str, expected: timedelta | relativedelta) -> None:
    parsed = parse_duration(text)
    assert type(parsed) is type(expected)  # days and weeks need no dateutil
    assert parsed == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("0d", "positive"),
        ("0", "positive"),
        ("-3d", "positive"),
        ("abc", "14d"),
        ("", "14d"),
        ("3 days", "14d"),
        ("1.5d", "14d"),
        ("101y", "100 years"),
        ("1201m", "100 years"),
        ("36526d", "100 years"),
        ("9999999w", "100 years"),
        ("1d2h", "14d"),
    ],
)
def test_parse_duration_bad(text: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_duration(text)
    assert_refused(exc, text.strip())
    assert hint in str(exc.value)


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        (D(2016, 1, 31), "1m", D(2016, 2, 29)),
        (D(2015, 1, 31), "1m", D(2015, 2, 28)),
        (D(2016, 2, 29), "1y", D(2017, 2, 28)),
        (D(2016, 10, 1), "14d", D(2016, 10, 15)),
        (D(2016, 12, 25), "2w", D(2017, 1, 8)),
    ],
)
def test_add_duration(start: date, text: str, expected: date) -> None:
    assert add_duration(start, parse_duration(text)) == expected


@pytest.mark.parametrize("duration", [relativedelta(years=1), timedelta(days=31)])
def test_add_duration_out_of_calendar(duration: timedelta | relativedelta) -> None:
    with pytest.raises(InvalidInput, match="past the calendar's end"):
        add_duration(D(9999, 12, 1), duration)


# --------------------------------------------------------------------- parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:00", time(10, 0)),
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("23:59", time(23, 59)),
        ("00:00", time(0, 0)),
        (" 7:05 ", time(7, 5)),
        ("１０：００", time(10, 0)),
    ],
)
def test_parse_time_good(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("24:00", "00..23"),
        ("10:60", "00..59"),
        ("10", "HH:MM"),
        ("10am", "HH:MM"),
        ("10:0", "HH:MM"),
        ("10:00:00", "HH:MM"),
        ("", "HH:MM"),
        ("noon", "HH:MM"),
        ("-1:00", "HH:MM"),
    ],
)
def test_parse_time_bad(text: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_time(text)
    assert_refused(exc, text.strip())
    assert hint in str(exc.value)


# --------------------------------------------------------------------- parse_zone


@pytest.mark.parametrize(
    "name", ["UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Etc/GMT+5"]
)
def test_parse_zone_good(name: str) -> None:
    assert parse_zone(name) == ZoneInfo(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        " ",
        "Europe/Hamburg",
        "Europe",
        "../x",
        "/etc/passwd",
        "Europe/../Europe/Berlin",
        "leapseconds",
        "zone.tab",
        "Europe/Berlin\x00",
        "utc ",
        "localtime",  # the system's zoneinfo files that are no IANA zone
        "posixrules",
        "right/UTC",
        "posix/Europe/Berlin",
        "Mars/Olympus",
    ],
)
def test_parse_zone_bad(name: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_zone(name)
    assert_refused(exc, name)
    assert "IANA name such as Europe/Berlin" in str(exc.value)


def test_parse_zone_message_is_exact() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_zone("Europe/Hamburg")
    assert str(exc.value) == (
        "unknown time zone 'Europe/Hamburg': use an IANA name such as Europe/Berlin or Asia/Tokyo"
    )


# ----------------------------------------------------------------------- localize

LOCALIZE_OK = [
    # zone, day, time, fold, expected UTC offset in hours
    ("Europe/Berlin", D(2016, 1, 15), time(10, 0), None, 1),
    ("Europe/Berlin", D(2016, 7, 15), time(10, 0), None, 2),
    ("Europe/Berlin", D(2016, 3, 27), time(1, 59), None, 1),
    ("Europe/Berlin", D(2016, 3, 27), time(3, 0), None, 2),
    ("Europe/Berlin", D(2016, 10, 30), time(2, 30), 0, 2),
    ("Europe/Berlin", D(2016, 10, 30), time(2, 30), 1, 1),
    ("Europe/Berlin", D(2016, 10, 30), time(3, 0), None, 1),
    ("Europe/Berlin", D(2016, 10, 30), time(1, 59), None, 2),
    ("Europe/Berlin", D(2016, 7, 15), time(10, 0), 1, 2),  # fold ignored when unambiguous
    ("America/New_York", D(2016, 3, 13), time(1, 30), None, -5),
    ("America/New_York", D(2016, 3, 13), time(3, 0), None, -4),
    ("America/New_York", D(2016, 11, 6), time(1, 30), 0, -4),
    ("America/New_York", D(2016, 11, 6), time(1, 30), 1, -5),
    ("Asia/Tokyo", D(2016, 3, 27), time(2, 30), None, 9),
    ("Asia/Tokyo", D(2016, 10, 30), time(2, 30), None, 9),
    ("UTC", D(2016, 10, 30), time(2, 30), None, 0),
]


@pytest.mark.parametrize(("zone", "day", "at", "fold", "offset"), LOCALIZE_OK)
def test_localize_ok(zone: str, day: date, at: time, fold: int | None, offset: int) -> None:
    dt = localize(day, at, zone, fold)
    assert dt.tzinfo == ZoneInfo(zone)
    assert (dt.date(), dt.time()) == (day, at)
    assert dt.utcoffset() == timedelta(hours=offset)


@pytest.mark.parametrize(("zone", "day", "at", "fold", "offset"), LOCALIZE_OK)
def test_happens_twice_only_where_the_fold_chooses(
    zone: str, day: date, at: time, fold: int | None, offset: int
) -> None:
    """Only a time that needs --fold happens twice: the one that localize refuses without."""
    dt = localize(day, at, zone, fold)
    twice = (zone, day, at) in {
        ("Europe/Berlin", D(2016, 10, 30), time(2, 30)),
        ("America/New_York", D(2016, 11, 6), time(1, 30)),
    }
    assert happens_twice(dt) is twice
    if not twice:
        assert localize(day, at, zone) == dt  # no fold needed


def test_localize_folds_are_an_hour_apart() -> None:
    first = localize(D(2016, 10, 30), time(2, 30), "Europe/Berlin", 0)
    second = localize(D(2016, 10, 30), time(2, 30), "Europe/Berlin", 1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert first.astimezone(UTC) == datetime(2016, 10, 30, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "fold"),
    [
        ("Europe/Berlin", D(2016, 3, 27), time(2, 30), None),
        ("Europe/Berlin", D(2016, 3, 27), time(2, 0), 0),
        ("Europe/Berlin", D(2016, 3, 27), time(2, 59), 1),
        ("America/New_York", D(2016, 3, 13), time(2, 30), None),
    ],
)
def test_localize_gap(zone: str, day: date, at: time, fold: int | None) -> None:
    with pytest.raises(InvalidInput) as exc:
        localize(day, at, zone, fold)
    message = str(exc.value)
    assert repr(at.strftime("%H:%M")) in message
    assert day.isoformat() in message and zone in message
    assert "spring forward" in message
    assert len(message.splitlines()) == 1


def test_localize_gap_message_is_exact() -> None:
    with pytest.raises(InvalidInput) as exc:
        localize(D(2016, 3, 27), time(2, 30), "Europe/Berlin")
    assert str(exc.value) == (
        "'02:30' on 2016-03-27 does not exist in Europe/Berlin (clocks spring forward); "
        "choose another time"
    )


@pytest.mark.parametrize(
    ("zone", "day", "at", "first", "second"),
    [
        ("Europe/Berlin", D(2016, 10, 30), time(2, 30), "CEST", "CET"),
        ("Europe/Berlin", D(2016, 10, 30), time(2, 0), "CEST", "CET"),
        ("America/New_York", D(2016, 11, 6), time(1, 30), "EDT", "EST"),
    ],
)
def test_localize_ambiguous(zone: str, day: date, at: time, first: str, second: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        localize(day, at, zone)
    message = str(exc.value)
    assert repr(at.strftime("%H:%M")) in message
    assert f"use --fold 0 for the first ({first}) or --fold 1 for the second ({second})" in message
    assert len(message.splitlines()) == 1


@pytest.mark.parametrize("fold", [2, -1])
def test_localize_bad_fold(fold: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        localize(D(2016, 10, 30), time(2, 30), "Europe/Berlin", fold)
    assert repr(fold) in str(exc.value)


@pytest.mark.skipif(
    not Path("/usr/share/zoneinfo/posix/Europe/Berlin").exists(), reason="no system zoneinfo"
)
def test_a_zone_stored_before_the_iana_check_is_still_read() -> None:
    """Rit once accepted 'posix/Europe/Berlin' (a system file, no IANA name): records that
    hold it still show."""
    at = localize(D(2016, 1, 1), time(10, 0), "posix/Europe/Berlin")
    assert at.utcoffset() == timedelta(hours=1)


def test_localize_bad_zone() -> None:
    with pytest.raises(InvalidInput) as exc:
        localize(D(2016, 1, 1), time(10, 0), "Europe/Hamburg")
    assert "'Europe/Hamburg'" in str(exc.value)


@given(
    st.dates(min_value=D(1970, 1, 1), max_value=D(2037, 12, 31)),
    st.times(),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"]),
    st.sampled_from([None, 0, 1]),
)
def test_localize_keeps_wall_clock(day: date, at: time, zone: str, fold: int | None) -> None:
    at = at.replace(fold=0)
    try:
        dt = localize(day, at, zone, fold)
    except InvalidInput:
        return
    assert dt.replace(tzinfo=None, fold=0) == datetime.combine(day, at)
    back = dt.astimezone(UTC).astimezone(ZoneInfo(zone))
    assert back.replace(tzinfo=None, fold=0) == datetime.combine(day, at)
    assert back.utcoffset() == dt.utcoffset()


# ------------------------------------------------------------------------ convert


def test_convert() -> None:
    berlin = localize(D(2016, 10, 12), time(10, 0), "Europe/Berlin")
    tokyo = convert(berlin, "Asia/Tokyo")
    assert tokyo == berlin
    assert (tokyo.hour, tokyo.tzinfo) == (17, ZoneInfo("Asia/Tokyo"))
    ny = convert(berlin, "America/New_York")
    assert ny.hour == 4
    with pytest.raises(InvalidInput):
        convert(berlin, "Nowhere/City")
    with pytest.raises(ValueError):
        convert(datetime(2016, 10, 12, 10, 0), "UTC")


# ------------------------------------------------------------ year_span, month_end


def test_year_span() -> None:
    assert year_span(2016) == Window(D(2016, 1, 1), D(2016, 12, 31))
    assert year_span(2016).days == 366
    assert year_span(2015).days == 365


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (D(2016, 2, 10), D(2016, 2, 29)),
        (D(2015, 2, 1), D(2015, 2, 28)),
        (D(1900, 2, 1), D(1900, 2, 28)),
        (D(2000, 2, 1), D(2000, 2, 29)),
        (D(2016, 12, 31), D(2016, 12, 31)),
        (D(2016, 4, 1), D(2016, 4, 30)),
    ],
)
def test_month_end(d: date, expected: date) -> None:
    assert month_end(d) == expected


# ------------------------------------------------------------------ yearly_dates


def test_yearly_dates_leap_day_2016_to_2025() -> None:
    assert yearly_dates(D(2016, 2, 29), D(2025, 12, 31)) == [
        D(2016, 2, 29),
        D(2017, 2, 28),
        D(2018, 2, 28),
        D(2019, 2, 28),
        D(2020, 2, 29),
        D(2021, 2, 28),
        D(2022, 2, 28),
        D(2023, 2, 28),
        D(2024, 2, 29),
        D(2025, 2, 28),
    ]


def test_yearly_dates_feb_28_stays() -> None:
    assert yearly_dates(D(2015, 2, 28), D(2021, 1, 1)) == [D(y, 2, 28) for y in range(2015, 2021)]


@pytest.mark.parametrize(
    ("first", "until", "expected"),
    [
        (D(2016, 10, 12), D(2018, 10, 12), [D(2016, 10, 12), D(2017, 10, 12), D(2018, 10, 12)]),
        (D(2016, 10, 12), D(2018, 10, 11), [D(2016, 10, 12), D(2017, 10, 12)]),
        (D(2016, 10, 12), D(2016, 10, 12), [D(2016, 10, 12)]),
        (D(2016, 10, 12), D(2016, 10, 11), []),
        (D(2016, 1, 31), D(2018, 12, 31), [D(2016, 1, 31), D(2017, 1, 31), D(2018, 1, 31)]),
        (D(2016, 12, 31), D(2017, 12, 31), [D(2016, 12, 31), D(2017, 12, 31)]),
        (D(2016, 2, 29), D(2017, 2, 27), [D(2016, 2, 29)]),
        (D(2016, 2, 29), D(2017, 2, 28), [D(2016, 2, 29), D(2017, 2, 28)]),
        (
            D(1896, 2, 29),
            D(1904, 3, 1),
            [D(y, 2, 29 if y in (1896, 1904) else 28) for y in range(1896, 1905)],
        ),
    ],
)
def test_yearly_dates(first: date, until: date, expected: list[date]) -> None:
    assert yearly_dates(first, until) == expected


@given(dates_in_range, st.integers(0, 60), st.integers(0, 400))
def test_yearly_dates_one_per_year(first: date, years: int, extra_days: int) -> None:
    anniversary = yearly_dates(first, D(first.year + years, 12, 31))[-1]
    until = anniversary + timedelta(days=extra_days)
    if until.year != anniversary.year:
        until = D(anniversary.year, 12, 31)
    result = yearly_dates(first, until)
    assert len(result) == until.year - first.year + 1
    assert [d.year for d in result] == list(range(first.year, until.year + 1))
    assert all(first <= d <= until for d in result)
    for d in result:
        if (first.month, first.day) == (2, 29):
            assert (d.month, d.day) == (2, 29 if calendar.isleap(d.year) else 28)
        else:
            assert (d.month, d.day) == (first.month, first.day)


# ---------------------------------------------------------------- yearly_windows


def W(a: str, b: str | None = None) -> Window:
    return parse_window(a if b is None else f"{a}..{b}", TODAY)


@pytest.mark.parametrize(
    ("first", "until", "expected"),
    [
        ("2015-02", D(2018, 2, 1), ["2015-02", "2016-02", "2017-02", "2018-02"]),
        ("2016-02", D(2017, 12, 31), ["2016-02", "2017-02"]),
        (
            "2016-02-29",
            D(2020, 12, 31),
            ["2016-02-29", "2017-02-28", "2018-02-28", "2019-02-28", "2020-02-29"],
        ),
        (
            "2016-02-29..2016-03-10",
            D(2017, 3, 1),
            ["2016-02-29..2016-03-10", "2017-02-28..2017-03-10"],
        ),
        (
            "2016-02-10..2016-02-29",
            D(2018, 1, 1),
            ["2016-02-10..2016-02-29", "2017-02-10..2017-02-28"],
        ),
        (
            "2016-12-01..2017-01-31",
            D(2018, 12, 1),
            ["2016-12-01..2017-01-31", "2017-12-01..2018-01-31", "2018-12-01..2019-01-31"],
        ),
        ("2016-Q4", D(2017, 9, 30), ["2016-Q4"]),
        ("2016-Q4", D(2017, 10, 1), ["2016-Q4", "2017-Q4"]),
        ("2016-H1", D(2018, 1, 1), ["2016-H1", "2017-H1", "2018-H1"]),
        ("2016", D(2017, 6, 1), ["2016", "2017"]),
        ("2016-10-01..2016-10-20", D(2016, 9, 30), []),
    ],
)
def test_yearly_windows(first: str, until: date, expected: list[str]) -> None:
    assert [format_window(w) for w in yearly_windows(W(first), until)] == expected


def test_yearly_windows_leap_cycle() -> None:
    result = yearly_windows(W("2015-02"), D(2024, 12, 31))
    assert [w.end for w in result] == [month_end(D(y, 2, 1)) for y in range(2015, 2025)]
    assert all(format_window(w) == f"{w.start.year}-02" for w in result)


@given(windows(), st.integers(0, 30))
def test_yearly_windows_properties(first: Window, years: int) -> None:
    until = D(min(first.start.year + years, 9000), 12, 31)
    result = yearly_windows(first, until)
    assert len(result) == until.year - first.start.year + 1
    shape = format_window(first)
    for k, w in enumerate(result):
        assert w.start <= w.end
        assert w.start <= until
        assert w.start.year == first.start.year + k
        assert w.end.year == first.end.year + k
        assert (w.start.month, w.end.month) == (first.start.month, first.end.month)
        if first.start.day != 29 or first.start.month != 2:
            assert w.start.day == first.start.day
        if first.end == month_end(first.end):
            assert w.end == month_end(w.end)
        # Periods keep their kind: a quarter stays a quarter, a month a month.
        if "." not in shape and len(shape) != 10:
            assert format_window(w) == shape.replace(str(first.start.year), str(w.start.year), 1)


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12))
def test_month_lengths_agree_with_the_calendar_module(year: int, month: int) -> None:
    # dates counts month lengths itself so that start-up does not import calendar.
    assert month_end(date(year, month, 1)).day == calendar.monthrange(year, month)[1]


def test_the_last_month_datetime_knows_has_an_end() -> None:
    """Imported data can hold 9999-12-31 (JSON import checks no year range)."""
    assert month_end(date(9999, 12, 5)) == date(9999, 12, 31)
    assert format_window(Window(date(9999, 12, 1), date(9999, 12, 31))) == "9999-12"


def test_too_long_in_years_says_it_once() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_duration("400y")
    assert str(exc.value).endswith("is too long: at most 100 years")
    with pytest.raises(InvalidInput) as exc:
        parse_duration("1300m")
    assert str(exc.value).endswith("at most 100 years (1200 months)")
