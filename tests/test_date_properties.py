"""Properties of the date logic against small reference models written from the README.

Each property compares rit's answer with an independent, slow and obvious model: windows
in every spelling, yearly recurrence over many years, agreement years (prorating,
terminations, held and planned visits), wall-clock times in zones with unusual clock
changes, what `remind` says on each day of an exchange's life, and which exchanges an
agenda range lists. A few run end to end through the CLI on small generated cases.
"""

from __future__ import annotations

import calendar
import functools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rit_cli import db
from rit_cli.dates import (
    Window,
    add_years,
    format_window,
    localize,
    month_end,
    parse_window,
    year_span,
    yearly_dates,
    yearly_windows,
)
from rit_cli.errors import InvalidInput, RitError
from rit_cli.reminders import KINDS, ExchangeFact, classify_exchange
from rit_cli.schedule import (
    AgreementTerms,
    VisitFact,
    compliance,
    compliance_years,
    covered_in_year,
    in_force_span,
    required_visits,
)

from .helpers import Run, invoke

D = date
TODAY = D(2016, 8, 25)
years = st.integers(1900, 2199)
dates_in_range = st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31))
story_days = st.dates(min_value=D(2014, 1, 1), max_value=D(2020, 12, 31))
leap_days = st.sampled_from([D(y, 2, 29) for y in range(1904, 2200, 4) if calendar.isleap(y)])
month_ends = st.builds(
    lambda y, m: month_end(D(y, m, 1)), st.integers(1900, 2199), st.integers(1, 12)
)
# Any day, with the days where calendars go wrong drawn far more often than by chance.
special_days = st.one_of(dates_in_range, leap_days, month_ends)


# ------------------------------------------------------------------ windows, spelt


def _period_windows(year: int) -> list[tuple[str, Window]]:
    """Every named period of a year with its canonical text."""
    periods = [(f"{year:04d}", year_span(year))]
    for half in (1, 2):
        first = D(year, 6 * half - 5, 1)
        periods.append((f"{year:04d}-H{half}", Window(first, month_end(D(year, 6 * half, 1)))))
    for quarter in range(1, 5):
        first = D(year, 3 * quarter - 2, 1)
        last = month_end(D(year, 3 * quarter, 1))
        periods.append((f"{year:04d}-Q{quarter}", Window(first, last)))
    for month in range(1, 13):
        first = D(year, month, 1)
        periods.append((f"{year:04d}-{month:02d}", Window(first, month_end(first))))
    return periods


def _day_spellings(d: date) -> list[str]:
    fullwidth = str.maketrans("0123456789-", "０１２３４５６７８９－")
    return [
        d.isoformat(),
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        d.isoformat().translate(fullwidth),
    ]


def _side_spellings(d: date, side: str) -> list[str]:
    """Texts whose start (side 'start') or end (side 'end') is d: the day in every form,
    and each named period that begins (or ends) on it, in upper and lower case."""
    texts = _day_spellings(d)
    for text, period in _period_windows(d.year):
        if (period.start if side == "start" else period.end) == d:
            texts += [text, text.lower()]
    return texts


@st.composite
def spelt_windows(draw: st.DrawFn) -> tuple[Window, str]:
    """A window and one of the many ways to write it."""
    shape = draw(st.sampled_from(["period", "range", "day"]))
    if shape == "period":
        text, w = draw(st.sampled_from(_period_windows(draw(years))))
        return w, draw(st.sampled_from([text, text.lower(), f" {text} "]))
    a = draw(dates_in_range)
    if shape == "day":
        return Window(a, a), draw(st.sampled_from(_day_spellings(a)))
    b = draw(st.dates(min_value=a, max_value=min(a + timedelta(days=800), D(2199, 12, 31))))
    if draw(st.booleans()):  # often the end of a month, quarter, half or year
        b = max(a, month_end(b))
    start = draw(st.sampled_from(_side_spellings(a, "start")))
    end = draw(st.sampled_from(_side_spellings(b, "end")))
    return Window(a, b), draw(st.sampled_from([f"{start}..{end}", f"{start} .. {end}"]))


def _canonical(w: Window) -> str:
    """The README's shortest form, worked out the slow way: a named period, a day, a range."""
    for text, period in _period_windows(w.start.year):
        if period == w:
            return text
    return w.start.isoformat() if w.start == w.end else f"{w.start}..{w.end}"


@given(spelt_windows())
def test_every_spelling_of_a_window_reads_as_the_window_and_formats_canonically(
    case: tuple[Window, str],
) -> None:
    w, text = case
    assert parse_window(text, TODAY) == w, text
    assert format_window(w) == _canonical(w)
    assert parse_window(format_window(w), TODAY) == w


@given(dates_in_range, st.integers(0, 800), dates_in_range, st.integers(0, 800))
def test_window_days_contains_and_overlaps_agree_with_sets_of_days(
    a: date, length_a: int, b: date, length_b: int
) -> None:
    first = Window(a, a + timedelta(days=length_a))
    second = Window(b, b + timedelta(days=length_b))
    days_a = {first.start + timedelta(days=i) for i in range(first.days)}
    days_b = {second.start + timedelta(days=i) for i in range(second.days)}
    assert len(days_a) == length_a + 1
    assert first.overlaps(second) == second.overlaps(first) == bool(days_a & days_b)
    for d in (b, b + timedelta(days=length_b), a - timedelta(days=1)):
        assert first.contains(d) == (d in days_a)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 1, 1)), st.integers(1, 60))
def test_a_window_ending_before_it_starts_is_refused_in_every_spelling(d: date, back: int) -> None:
    earlier = d - timedelta(days=back)
    assume(earlier.year >= 1900)
    for start, end in zip(_day_spellings(d), _day_spellings(earlier), strict=True):
        with pytest.raises(InvalidInput, match="before its start"):
            parse_window(f"{start}..{end}", TODAY)


# -------------------------------------------------------------- yearly recurrence


def _same_day_in(d: date, year: int) -> date:
    """d's month and day in year; 29 February is 28 February in a common year."""
    if (d.month, d.day) == (2, 29) and not calendar.isleap(year):
        return D(year, 2, 28)
    return D(year, d.month, d.day)


@given(special_days, st.integers(-120, 120))
def test_add_years_keeps_month_and_day_but_for_29_february(d: date, k: int) -> None:
    assume(1900 <= d.year + k <= 2199)
    assert add_years(d, k) == _same_day_in(d, d.year + k)


@given(special_days, st.integers(0, 80), st.integers(0, 365))
def test_yearly_dates_are_one_a_year_on_the_same_day(first: date, span: int, extra: int) -> None:
    until = min(first + timedelta(days=365 * span + extra), D(2199, 12, 31))
    expected = [
        day
        for year in range(first.year, until.year + 1)
        if (day := _same_day_in(first, year)) <= until
    ]
    assert yearly_dates(first, until) == expected


@given(special_days, st.integers(0, 400), st.integers(0, 60), st.integers(0, 365))
def test_yearly_windows_repeat_as_the_readme_says(
    start: date, length: int, span: int, extra: int
) -> None:
    end = start + timedelta(days=length)
    if length % 3 == 1:  # often the end of a month
        end = month_end(end)
    elif length % 3 == 2 and end.year < 2199:  # or February's, which grows and shrinks
        feb = month_end(D(end.year, 2, 1))
        end = feb if feb >= start else month_end(D(end.year + 1, 2, 1))
    first = Window(start, end)
    assume(first.end.year + span <= 2199)
    until = first.start + timedelta(days=365 * span + extra)
    expected = []
    for k in range(until.year - first.start.year + 1):
        begin = _same_day_in(first.start, first.start.year + k)
        if begin > until:
            break
        end = _same_day_in(first.end, first.end.year + k)
        if first.end == month_end(first.end):  # a month's end stays its month's end
            end = month_end(end)
        expected.append(Window(begin, end))
    assert yearly_windows(first, until) == expected


# ---------------------------------------------------------------- agreement years


@st.composite
def agreement_terms(draw: st.DrawFn) -> AgreementTerms:
    """Signed agreements in any shape: validity from and until, terminated, open-ended."""
    signed = draw(story_days)
    valid_from = draw(st.one_of(st.none(), story_days))
    until = draw(st.one_of(st.none(), story_days))
    first = valid_from or signed
    if until is not None and until < first:
        until = first + (first - until)  # mirrored: an end on or after the start
    terminated = draw(st.one_of(st.none(), story_days))
    return AgreementTerms(
        parties=(1, 2),
        signed_on=signed,
        valid_from=valid_from,
        valid_until=until,
        terminated_on=terminated,
        visits_per_year=draw(st.integers(1, 4)),
        each_way=False,
    )


@st.composite
def agreement_cases(draw: st.DrawFn) -> tuple[AgreementTerms, list[VisitFact], date]:
    """An agreement, visits and a today, the visits and today drawn near the days where
    counting goes wrong: the first and last day in force, New Year, each other."""
    terms = draw(agreement_terms())
    anchors = [d for d in terms[1:5] if d is not None]  # signed, from, until, terminated
    anchors += [D(d.year, 1, 1) for d in anchors] + [D(d.year, 12, 31) for d in anchors]
    near = st.builds(
        lambda d, shift: d + timedelta(days=shift),
        st.sampled_from(anchors),
        st.integers(-130, 130),
    )
    today = draw(st.one_of(story_days, near, st.sampled_from(anchors)))
    visits = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.one_of(story_days, near, st.sampled_from([*anchors, today])))
        status = draw(st.sampled_from(["planned", "scheduled", "done", "cancelled"]))
        length = draw(st.integers(0, 120 if status == "planned" else 20))
        visits.append(VisitFact(frozenset({1}), 2, status, start, start + timedelta(days=length)))
    return terms, visits, today


def _days_in_force(terms: AgreementTerms) -> tuple[date, date | None] | None:
    """The first and last day in force, by the README: from --from (else the signing day)
    through --until, up to the day before an early termination."""
    first = terms.valid_from or terms.signed_on
    assert first is not None
    last = terms.valid_until
    if terms.terminated_on is not None:
        cut = terms.terminated_on - timedelta(days=1)
        last = cut if last is None else min(last, cut)
    if last is not None and last < first:
        return None
    return first, last


def _could_still_happen(visit: VisitFact, terms: AgreementTerms, today: date) -> bool:
    """Whether an open visit can still count: a fixed one in force on its first day while
    not over, for its first day's year, where it is held once done (also under way across
    New Year or an early termination, once that year's span has ended); a window while one
    of its days from today on is in force."""
    span = _days_in_force(terms)
    if span is None or visit.status not in ("planned", "scheduled") or visit.end < today:
        return False
    first, last = span
    last = last or D(9999, 12, 31)
    if visit.status == "scheduled":
        return first <= visit.start <= last
    return max(visit.start, today, first) <= min(visit.end, last)


@settings(max_examples=300)
@given(agreement_cases())
def test_each_agreement_year_counts_each_visit_once_and_judges_by_the_counts(
    case: tuple[AgreementTerms, list[VisitFact], date],
) -> None:
    terms, visits, today = case
    span = _days_in_force(terms)
    judged = compliance_years(terms, today)
    if span is None:
        assert judged == [] and in_force_span(terms) is None
        return
    first, last = span
    # The years judged: each year the agreement is in force, in order, none left out.
    final_year = last.year if last is not None else max(today.year, first.year) + 1
    assert judged == list(range(first.year, final_year + 1))
    results = {year: compliance(terms, year, visits, today) for year in judged}
    # Open-ended, it is judged through the year after today: what comes later is not seen.
    shown = terms._replace(valid_until=last or D(final_year, 12, 31))
    last = shown.valid_until
    # Every visit held on a day in force is held in exactly one year, its first day's.
    in_force = [v for v in visits if v.status == "done" and first <= v.start <= last]
    assert sum(r.held for r in results.values()) == len(in_force)
    # Every open visit that can still happen is planned in exactly one year, others never.
    for v in visits:
        planned = sum(compliance(terms, year, [v], today).planned for year in judged)
        assert planned == (1 if _could_still_happen(v, shown, today) else 0), v
    for year, result in results.items():
        covered = covered_in_year(terms, year)
        assert covered is not None
        share = (
            Fraction(terms.visits_per_year or 0)
            * covered.days
            / (366 if calendar.isleap(year) else 365)
        )
        assert result.required == int(share + Fraction(1, 2))  # rounded half up
        assert required_visits(terms, year) == result.required
        if result.required == 0:
            expected = "not-applicable"
        elif result.held >= result.required:
            expected = "met"
        elif result.held + result.planned >= result.required:
            expected = "on-track"  # after the span: with a visit under way
        elif covered.end < today:
            expected = "missed"
        else:
            expected = "at-risk"
        assert result.verdict == expected, (year, result)


# The README's story: signed 2 May 2016, valid until the end of 2017.
LOI = AgreementTerms((1, 2), D(2016, 5, 2), None, D(2017, 12, 31), None, 1)


@pytest.mark.parametrize(
    ("changes", "required"),
    [
        ({}, {2016: 1, 2017: 1}),  # 244 of 366 days owe 0.67: one
        ({"signed_on": D(2016, 7, 2)}, {2016: 1, 2017: 1}),  # 183 of 366: a half rounds up
        ({"signed_on": D(2016, 7, 3)}, {2016: 0, 2017: 1}),  # 182 of 366: 0.497
        ({"visits_per_year": 2}, {2016: 1, 2017: 2}),  # 1.33 rounds to one
        ({"visits_per_year": 3}, {2016: 2, 2017: 3}),  # exactly 2.0
        ({"signed_on": D(2016, 11, 1)}, {2016: 0, 2017: 1}),  # 61 days: not-applicable
        ({"terminated_on": D(2017, 7, 3)}, {2016: 1, 2017: 1}),  # 183 of 365: 0.501
        ({"terminated_on": D(2017, 7, 2)}, {2016: 1, 2017: 0}),  # 182 of 365: 0.499
        ({"valid_until": D(2018, 6, 30)}, {2016: 1, 2017: 1, 2018: 0}),  # 181 of 365 days
        ({"valid_until": D(2018, 7, 2)}, {2016: 1, 2017: 1, 2018: 1}),  # 183 of 365 days
        ({"valid_from": D(2016, 1, 1)}, {2016: 1, 2017: 1}),  # retroactive: the whole year
        ({"terminated_on": D(2016, 5, 2)}, {}),  # ended on its first day: never in force
    ],
)
def test_the_story_agreement_owes_a_prorated_share_of_each_year(
    changes: dict[str, object], required: dict[int, int]
) -> None:
    terms = LOI._replace(**changes)  # type: ignore[arg-type]
    years_judged = compliance_years(terms, D(2016, 8, 25))
    assert {year: required_visits(terms, year) for year in years_judged} == required


# ------------------------------------------------------- wall-clock times in zones

ZONES = [
    "Europe/Berlin",
    "Asia/Tokyo",
    "America/New_York",
    "Australia/Lord_Howe",  # clocks move by 30 minutes
    "Pacific/Chatham",  # UTC+12:45 / +13:45
    "Europe/Dublin",  # 'negative' daylight saving: winter time is the DST one
]


@functools.cache
def _clock_changes(zone: str) -> tuple[datetime, ...]:
    """The wall-clock times just before each change of the zone's offset, 2000..2030: found
    by a scan in steps of 12 hours, then narrowed to the minute."""
    tz = ZoneInfo(zone)
    found = []
    instant = datetime(2000, 1, 1, tzinfo=UTC)
    offset = instant.astimezone(tz).utcoffset()
    while instant.year <= 2030:
        later = instant + timedelta(hours=12)
        if (now := later.astimezone(tz).utcoffset()) != offset:
            before, after = instant, later
            while after - before > timedelta(minutes=1):
                middle = before + (after - before) / 2
                if middle.astimezone(tz).utcoffset() == offset:
                    before = middle
                else:
                    after = middle
            found.append(before.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0))
            offset = now
        instant = later
    return tuple(found)


def _instants(day: date, at: time, tz: ZoneInfo) -> list[datetime]:
    """Every UTC instant the zone shows as this wall-clock time (0, 1 or 2), by trying each
    offset the zone has within two days of it."""
    wall = datetime.combine(day, at)
    offsets = {
        (wall.replace(tzinfo=UTC) + timedelta(hours=h)).astimezone(tz).utcoffset()
        for h in range(-48, 49, 6)
    }
    found = set()
    for offset in offsets:
        assert offset is not None
        instant = (wall - offset).replace(tzinfo=UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall:
            found.add(instant)
    return sorted(found)


@st.composite
def wall_clocks(draw: st.DrawFn) -> tuple[str, date, time]:
    """A zone and a wall-clock time in it: mostly within 90 minutes of a clock change."""
    zone = draw(st.sampled_from(ZONES))
    changes = _clock_changes(zone)
    if changes and draw(st.integers(0, 3)):
        wall = draw(st.sampled_from(changes)) + timedelta(minutes=draw(st.integers(-90, 90)))
    else:
        day = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)))
        wall = datetime.combine(day, time()) + timedelta(minutes=draw(st.integers(0, 1439)))
    return zone, wall.date(), wall.time()


@settings(max_examples=400)
@given(wall_clocks(), st.sampled_from([None, 0, 1]))
def test_a_wall_clock_time_is_kept_refused_as_skipped_or_asks_which_one(
    case: tuple[str, date, time], fold: int | None
) -> None:
    zone, day, at = case
    tz = ZoneInfo(zone)
    real = _instants(day, at, tz)
    try:
        dt = localize(day, at, zone, fold)
    except InvalidInput as exc:
        message = str(exc)
        if not real:
            assert "does not exist" in message
        else:
            assert len(real) == 2 and fold is None, (real, message)
            assert "happens twice" in message and "--fold 0" in message
        return
    assert real, f"{at} on {day} does not exist in {zone}, but was accepted"
    assert len(real) == 1 or fold is not None
    assert dt.astimezone(UTC) == real[0 if len(real) == 1 else fold]
    assert (dt.date(), dt.time()) == (day, at)  # the wall clock as given
    # Back from UTC the zone shows the same wall-clock time, the same offset.
    back = dt.astimezone(UTC).astimezone(tz)
    assert (back.replace(tzinfo=None), back.utcoffset()) == (
        datetime.combine(day, at),
        dt.utcoffset(),
    )
    # And every other zone shows the same instant.
    elsewhere = dt.astimezone(ZoneInfo("Pacific/Chatham"))
    assert elsewhere.astimezone(UTC) == dt.astimezone(UTC)


# ------------------------------------------------------------ remind, day by day


def _expected_reminder(fact: ExchangeFact, today: date, horizon: date) -> tuple[str, date] | None:
    """The README's table, row by row: every kind that applies, and the most pressing
    one (the order the kinds are listed in)."""
    due: list[tuple[str, date]] = []
    if fact.status == "scheduled":
        if fact.end < today:
            due.append(("overdue", fact.start))
        elif fact.start <= horizon:
            due.append(("upcoming", max(fact.start, today)))
    elif fact.status == "planned":
        if fact.end < today:
            due.append(("window-closed", fact.end))
        else:
            if fact.decide_by is not None and fact.decide_by < today:
                due.append(("decide-overdue", fact.decide_by))
            if fact.decide_by is not None and today <= fact.decide_by <= horizon:
                due.append(("decide-by", fact.decide_by))
            if today <= fact.start <= horizon:
                due.append(("window-opens", fact.start))
            if fact.start <= today <= fact.end <= horizon:
                due.append(("window-closes", fact.end))
    return min(due, key=lambda item: KINDS.index(item[0]), default=None)


@st.composite
def exchange_lives(draw: st.DrawFn) -> ExchangeFact:
    status = draw(st.sampled_from(["planned", "scheduled", "done", "cancelled"]))
    start = TODAY + timedelta(days=draw(st.integers(-20, 60)))
    end = start + timedelta(days=draw(st.integers(0, 70 if status == "planned" else 10)))
    decide_by = None
    if status == "planned" and draw(st.booleans()):
        decide_by = end - timedelta(days=draw(st.integers(0, 90)))
    return ExchangeFact(1, "u", "visit", "t", status, start, end, decide_by, status != "planned")


@settings(max_examples=150)
@given(exchange_lives(), st.integers(1, 30))
def test_each_day_of_an_exchange_s_life_gives_the_reminder_the_readme_lists(
    fact: ExchangeFact, within: int
) -> None:
    first = min(fact.start, fact.decide_by or fact.start) - timedelta(days=within + 3)
    for offset in range((fact.end - first).days + 4):
        today = first + timedelta(days=offset)
        horizon = today + timedelta(days=within)
        item = classify_exchange(fact, today, horizon, "UTC")
        got = None if item is None else (item.kind, item.on)
        assert got == _expected_reminder(fact, today, horizon), (today, item)
        if item is not None:
            assert item.days_left == (item.on - today).days
            assert (item.start, item.end) == (fact.start, fact.end)


# --------------------------------------------------- the store: agenda and compliance


@pytest.fixture(scope="module")
def spans_database() -> Iterator[tuple[object, dict[int, Window]]]:
    """Windows and fixed days of every length, spread over a few years, and their spans."""
    from rit_cli.store.orgs import OrgInput, add_org
    from rit_cli.store.scheduling import ExchangeInput, When, add_exchange

    conn = db.connect(Path(":memory:"))
    add_org(conn, OrgInput(name="Life Science Nord", short="LSN", country="DE", city="Hamburg"))
    add_org(conn, OrgInput(name="FBRI", short="FBRI", country="JP", city="Kobe"))
    spans = {}
    day = D(2015, 12, 20)
    for n in range(120):
        length = (n * 37) % 90
        if n % 2:
            when = When(window=f"{day}..{day + timedelta(days=length)}")
        else:
            when = When(on=day.isoformat(), days=length % 60 + 1)
        added = add_exchange(
            conn, ExchangeInput("visit", when, guests=("LSN",), host="FBRI"), TODAY
        ).exchanges[0]
        spans[added.id] = Window(D.fromisoformat(added.start_on), D.fromisoformat(added.end_on))
        day += timedelta(days=(n * 11) % 23)
    yield conn, spans
    conn.close()


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=D(2015, 12, 1), max_value=D(2017, 12, 31)), st.integers(0, 120))
def test_the_agenda_lists_exactly_what_overlaps_its_range(
    spans_database: tuple[object, dict[int, Window]], start: date, length: int
) -> None:
    from rit_cli.store.exchanges import agenda_lines

    conn, spans = spans_database
    end = start + timedelta(days=length)
    expected = {i for i, w in spans.items() if w.start <= end and w.end >= start}
    assert {line.id for line in agenda_lines(conn, start, end)} == expected  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(agreement_cases(), st.booleans())
def test_show_agreement_report_and_remind_judge_a_year_alike(
    case: tuple[AgreementTerms, list[VisitFact], date], each_way: bool
) -> None:
    """show-agreement reads every visit of an agreement; report and remind read one year's
    by an indexed range: the verdicts must agree, for every year, on every day that
    matters. The visits are entered as a user would: a window, or days that are then done or
    cancelled (one not in force on its first day is not linked, and not counted)."""
    from rit_cli.store.agreements import (
        AgreementInput,
        add_agreement,
        agreement_compliance,
        get_agreement,
    )
    from rit_cli.store.orgs import OrgInput, add_org
    from rit_cli.store.reminders import obligations_at_risk
    from rit_cli.store.reports import _compliance
    from rit_cli.store.scheduling import ExchangeInput, When, add_exchange, cancel, mark_done

    terms, visits, today = case
    conn = db.connect(Path(":memory:"))
    try:
        add_org(conn, OrgInput(name="Life Science Nord", short="LSN", country="DE"))
        add_org(conn, OrgInput(name="FBRI", short="FBRI", country="JP"))
        assert terms.signed_on is not None
        agreement = add_agreement(
            conn,
            AgreementInput(
                title="LoI",
                kind="loi",
                parties=("LSN", "FBRI"),
                signed=terms.signed_on.isoformat(),
                valid_from=terms.valid_from.isoformat() if terms.valid_from else None,
                valid_until=terms.valid_until.isoformat() if terms.valid_until else None,
                visits_per_year=str(terms.visits_per_year),
                each_way=each_way,
            ),
            terms.signed_on,
        )
        if terms.terminated_on is not None:
            conn.execute(
                "UPDATE agreements SET terminated_on = ? WHERE id = ?",
                (terms.terminated_on.isoformat(), agreement.id),
            )
        for n, visit in enumerate(visits):
            guest, host = ("LSN", "FBRI") if n % 2 else ("FBRI", "LSN")
            when = (
                When(window=f"{visit.start}..{visit.end}")
                if visit.status == "planned"
                else When(on=visit.start.isoformat(), days=(visit.end - visit.start).days + 1)
            )
            try:
                added = add_exchange(
                    conn,
                    ExchangeInput("visit", when, guests=(guest,), host=host, agreement="LoI"),
                    visit.start,
                )
            except RitError:
                continue
            number = str(added.exchanges[0].id)
            if visit.status == "done":
                mark_done(conn, number, None, visit.start)
            elif visit.status == "cancelled":
                cancel(conn, number, None)
        # Today, and the days where a year's judgement turns: the agreement's own days and
        # the visits' (a window open across New Year is read by the next year's range).
        turns = [d for d in terms[1:5] if d is not None]
        turns += [d for v in visits for d in (v.start, v.end, D(v.end.year, 1, 1))]
        days = {today} | {d + timedelta(days=k) for d in turns for k in (-1, 0, 1)}
        for day in sorted(days):
            shown = get_agreement(conn, agreement.id, day)
            by_year = {c.year: c for c in agreement_compliance(conn, shown, day)}
            for year, result in by_year.items():
                assert _compliance(conn, [shown], year, day)[agreement.id] == result, (year, day)
            this_year = by_year.get(day.year)
            at_risk = this_year is not None and this_year.verdict == "at-risk"
            listed = {item.record_id for item in obligations_at_risk(conn, day)}
            assert (agreement.id in listed) == at_risk, (day, this_year)
    finally:
        conn.close()


# ------------------------------------------------------------------ through the CLI

CLI = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _ok(path: Path, *args: str, today: str = TODAY.isoformat()) -> Run:
    result = invoke(path, *args, env={"RIT_TODAY": today})
    assert result.exit_code == 0, (args, result.output)
    return result


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("date-properties") / "rit.db"
    _ok(path, "add-org", "Life Science Nord", "--short", "LSN", "--country", "DE")
    _ok(path, "add-org", "FBRI", "--short", "FBRI", "--country", "JP", "--city", "Kobe")
    return path


def _visit(path: Path, *when: str) -> int:
    added = _ok(path, "schedule-visit", "--from", "LSN", "--to", "FBRI", *when)
    return int(added.stdout.split("#", 1)[1].split()[0])


@CLI
@given(spelt_windows())
def test_a_window_in_any_spelling_is_stored_and_shown_as_its_days(
    cli_database: Path, case: tuple[Window, str]
) -> None:
    w, text = case
    assume(w.days <= 731 and w.start.year >= 1901)
    number = _visit(cli_database, "--window", text)
    shown = json.loads(_ok(cli_database, "show-exchange", f"#{number}", "--json").stdout)
    assert shown["window"] == {"start": w.start.isoformat(), "end": w.end.isoformat()}
    assert format_window(w) in _ok(cli_database, "show-exchange", f"#{number}").stdout
    _ok(cli_database, "remove-exchange", f"#{number}")


@CLI
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 30))
def test_remind_through_the_cli_says_what_the_readme_lists_on_each_day(
    cli_database: Path, opens_in: int, length: int, decide_before_end: int
) -> None:
    start = TODAY + timedelta(days=opens_in)
    end = start + timedelta(days=length)
    decide_by = max(end - timedelta(days=decide_before_end), TODAY)
    number = _visit(cli_database, "--window", f"{start}..{end}", "--decide-by", str(decide_by))
    fact = ExchangeFact(number, "u", "visit", "t", "planned", start, end, decide_by, False)
    try:
        for today in sorted({TODAY, decide_by, start, end, end + timedelta(days=1)}):
            for day in (today - timedelta(days=1), today):
                said = _ok(cli_database, "remind", "--json", today=day.isoformat()).stdout
                mine = [
                    (item["kind"], D.fromisoformat(item["date"]))
                    for item in json.loads(said)
                    if item["record"] == "exchange" and item["id"] == number
                ]
                expected = _expected_reminder(fact, day, day + timedelta(days=14))
                assert mine == ([expected] if expected else []), day
    finally:
        _ok(cli_database, "remove-exchange", f"#{number}")


@CLI
@given(st.integers(-3, 3), st.integers(-3, 3), st.integers(1, 5))
def test_the_agenda_through_the_cli_lists_an_exchange_exactly_when_it_overlaps(
    cli_database: Path, from_shift: int, to_shift: int, days: int
) -> None:
    number = _visit(cli_database, "--on", "2016-10-10", "--days", str(days))
    last = D(2016, 10, 10) + timedelta(days=days - 1)
    try:
        for base_from, base_to in ((D(2016, 10, 10), last), (D(2016, 10, 1), D(2016, 10, 9))):
            start = base_from + timedelta(days=from_shift)
            end = max(start, base_to + timedelta(days=to_shift))
            listed = json.loads(
                _ok(cli_database, "agenda", "--from", str(start), "--to", str(end), "--json").stdout
            )
            overlaps = start <= last and end >= D(2016, 10, 10)
            assert (number in {item["id"] for item in listed}) == overlaps, (start, end)
    finally:
        _ok(cli_database, "remove-exchange", f"#{number}")
