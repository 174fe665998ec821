"""Tests for rit_cli.schedule: agreement status, prorated obligations, compliance, gaps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rit_cli.dates import Window
from rit_cli.schedule import (
    VERDICTS,
    AgreementTerms,
    Gap,
    VisitFact,
    agreement_status,
    compliance,
    compliance_years,
    covered_in_year,
    pair_gaps,
    required_visits,
    term_gaps,
    uncovered,
)

D = date.fromisoformat
LSN, FBRI, KBIC = 1, 2, 3

# The story's LoI: signed in Kobe on 2 May 2016, valid until the end of 2016, extended to 2017.
LOI = AgreementTerms(
    parties=(LSN, FBRI),
    signed_on=D("2016-05-02"),
    valid_until=D("2017-12-31"),
    visits_per_year=1,
)


def terms(**changes: object) -> AgreementTerms:
    return LOI._replace(**changes)  # type: ignore[arg-type]


def visit(
    start: str, status: str = "done", end: str | None = None, host: int = FBRI, guests=(LSN,)
) -> VisitFact:
    return VisitFact(frozenset(guests), host, status, D(start), D(end or start))


# ----------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("changes", "today", "status"),
    [
        ({}, "2016-04-01", "draft"),  # before signing: not signed as of that day
        ({"signed_on": None}, "2016-06-01", "draft"),
        ({}, "2016-05-01", "draft"),
        ({}, "2016-05-02", "active"),  # signing day: in force
        ({}, "2017-10-01", "active"),
        ({}, "2017-10-02", "expiring"),  # exactly 90 days before the end
        ({}, "2017-12-31", "expiring"),  # last day
        ({}, "2018-01-01", "expired"),
        ({"valid_until": D("2016-12-31")}, "2017-03-01", "expired"),
        ({"valid_from": D("2016-07-01")}, "2016-06-01", "signed"),  # signed, not yet in force
        ({"valid_from": D("2016-07-01")}, "2016-07-01", "active"),
        ({"valid_from": D("2016-01-01")}, "2016-04-01", "draft"),  # retroactive, unsigned yet
        ({"valid_until": None}, "2030-01-01", "active"),  # open-ended
        ({"terminated_on": D("2016-09-01")}, "2016-09-01", "terminated"),
        ({"terminated_on": D("2016-09-01")}, "2016-08-31", "expiring"),  # ends early, soon
        ({"terminated_on": D("2017-09-01")}, "2016-09-01", "active"),
        ({"terminated_on": D("2016-09-01")}, "2020-01-01", "terminated"),
        ({"valid_until": None, "terminated_on": D("2016-10-01")}, "2016-08-01", "expiring"),
    ],
)
def test_agreement_status(changes: dict, today: str, status: str) -> None:
    assert agreement_status(terms(**changes), D(today)) == status


# -------------------------------------------------------------------- the requirement


@pytest.mark.parametrize(
    ("changes", "year", "required"),
    [
        ({}, 2016, 1),  # 2 May .. 31 Dec 2016 = 244 of 366 days: 0.67 -> 1
        ({}, 2017, 1),  # the whole year
        ({}, 2015, 0),  # before signing
        ({}, 2018, 0),  # after the end
        ({"signed_on": None}, 2016, 0),  # a draft requires nothing
        ({"visits_per_year": None}, 2016, 0),
        ({"visits_per_year": 0}, 2016, 0),
        ({"signed_on": D("2016-07-02")}, 2016, 1),  # 183 of 366 days: exactly 0.5 -> 1
        ({"signed_on": D("2016-07-03")}, 2016, 0),  # 182 of 366: 0.497 -> 0
        ({"signed_on": D("2017-07-02")}, 2017, 1),  # 183 of 365: 0.501 -> 1
        ({"signed_on": D("2017-07-03")}, 2017, 0),  # 182 of 365: 0.499 -> 0
        ({"signed_on": D("2016-11-15")}, 2016, 0),  # signed late in the year: not judged
        ({"signed_on": D("2016-11-15"), "visits_per_year": 4}, 2016, 1),  # 47/366*4 = 0.51
        ({"visits_per_year": 3}, 2016, 2),  # 3 * 0.667 = 2.0
        ({"visits_per_year": 2}, 2016, 1),  # 2 * 0.667 = 1.33
        ({"visits_per_year": 12}, 2017, 12),
        ({"valid_until": D("2017-03-31")}, 2017, 0),  # 90 of 365 days
        ({"valid_until": D("2017-06-30"), "visits_per_year": 2}, 2017, 1),  # 181/365*2 = 0.99
        ({"terminated_on": D("2017-07-03")}, 2017, 1),  # in force 1 Jan .. 2 Jul: 183 days
        ({"terminated_on": D("2017-07-02")}, 2017, 0),  # .. 1 Jul: 182 days
        ({"terminated_on": D("2016-05-02")}, 2016, 0),  # ended the day it began
        ({"valid_from": D("2016-01-01")}, 2016, 1),  # retroactive validity counts
        ({"valid_until": None}, 2040, 1),  # open-ended
    ],
)
def test_required_visits_are_prorated(changes: dict, year: int, required: int) -> None:
    assert required_visits(terms(**changes), year) == required


def test_covered_span_of_the_story_year_is_244_days_of_a_leap_year() -> None:
    assert covered_in_year(LOI, 2016) == Window(D("2016-05-02"), D("2016-12-31"))
    assert covered_in_year(LOI, 2016).days == 244  # type: ignore[union-attr]


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("changes", "year", "visits", "today", "expected"),
    [
        # (required, held, planned, verdict)
        ({}, 2016, [], "2016-08-25", (1, 0, 0, "at-risk")),
        (
            {},
            2016,
            [visit("2016-10-01", "planned", "2016-10-31")],
            "2016-08-25",
            (1, 0, 1, "on-track"),
        ),
        ({}, 2016, [visit("2016-10-12", "scheduled")], "2016-08-25", (1, 0, 1, "on-track")),
        ({}, 2016, [visit("2016-10-12", "cancelled")], "2016-08-25", (1, 0, 0, "at-risk")),
        ({}, 2016, [visit("2016-06-10")], "2016-08-25", (1, 1, 0, "met")),
        ({}, 2016, [visit("2016-03-10")], "2016-08-25", (1, 0, 0, "at-risk")),  # before signing
        ({}, 2016, [visit("2017-01-10")], "2017-02-01", (1, 0, 0, "missed")),  # held next year
        ({}, 2016, [visit("2016-12-31")], "2017-02-01", (1, 1, 0, "met")),
        ({}, 2016, [], "2017-01-01", (1, 0, 0, "missed")),
        ({}, 2016, [], "2016-12-31", (1, 0, 0, "at-risk")),  # last day still open
        ({}, 2016, [visit("2016-12-31", "planned")], "2016-12-31", (1, 0, 1, "on-track")),
        # a planned visit whose day has passed without being marked done no longer counts
        ({}, 2016, [visit("2016-08-01", "scheduled")], "2016-08-25", (1, 0, 0, "at-risk")),
        # a window that is still open today counts once
        (
            {},
            2016,
            [visit("2016-08-01", "planned", "2016-09-30")],
            "2016-08-25",
            (1, 0, 1, "on-track"),
        ),
        # a window reaching past the year's span counts when it overlaps the rest of it
        (
            {},
            2016,
            [visit("2016-12-15", "planned", "2017-01-31")],
            "2016-08-25",
            (1, 0, 1, "on-track"),
        ),
        (
            {},
            2016,
            [visit("2017-01-05", "planned", "2017-01-31")],
            "2016-08-25",
            (1, 0, 0, "at-risk"),
        ),
        (
            {},
            2016,
            [visit("2016-03-01", "planned", "2016-04-30")],
            "2016-01-01",
            (1, 0, 0, "at-risk"),
        ),
        # today before the year: nothing held yet, planned ones count
        ({}, 2017, [visit("2017-05-01", "planned")], "2016-08-25", (1, 0, 1, "on-track")),
        ({}, 2017, [], "2016-08-25", (1, 0, 0, "at-risk")),
        # nothing required
        ({}, 2015, [visit("2015-06-01")], "2016-08-25", (0, 0, 0, "not-applicable")),
        ({}, 2018, [], "2019-01-01", (0, 0, 0, "not-applicable")),
        ({"signed_on": D("2016-11-15")}, 2016, [], "2017-06-01", (0, 0, 0, "not-applicable")),
        ({"visits_per_year": None}, 2016, [], "2016-08-25", (0, 0, 0, "not-applicable")),
        # two a year: one held plus one planned is on track; held alone is at risk
        (
            {"visits_per_year": 2},
            2017,
            [visit("2017-03-01"), visit("2017-11-01", "planned")],
            "2017-06-01",
            (2, 1, 1, "on-track"),
        ),
        ({"visits_per_year": 2}, 2017, [visit("2017-03-01")], "2017-06-01", (2, 1, 0, "at-risk")),
        (
            {"visits_per_year": 2},
            2017,
            [visit("2017-03-01"), visit("2017-05-01")],
            "2017-06-01",
            (2, 2, 0, "met"),
        ),
        (
            {"visits_per_year": 2},
            2017,
            [visit("2017-03-01"), visit("2017-11-01", "planned")],
            "2018-01-10",
            (2, 1, 0, "missed"),
        ),
        # termination mid-year cuts the span: visits after it do not count, the year closes early
        (
            {"terminated_on": D("2017-09-01")},
            2017,
            [visit("2017-10-01")],
            "2017-08-01",
            (1, 0, 0, "at-risk"),
        ),
        (
            {"terminated_on": D("2017-09-01")},
            2017,
            [visit("2017-10-01", "planned")],
            "2017-08-01",
            (1, 0, 0, "at-risk"),
        ),
        (
            {"terminated_on": D("2017-09-01")},
            2017,
            [visit("2017-08-31", "planned")],
            "2017-08-01",
            (1, 0, 1, "on-track"),
        ),
        ({"terminated_on": D("2017-09-01")}, 2017, [], "2017-09-01", (1, 0, 0, "missed")),
        (
            {"terminated_on": D("2017-09-01")},
            2017,
            [visit("2017-02-01")],
            "2017-09-01",
            (1, 1, 0, "met"),
        ),
        # an extension: valid_until already holds the new end, so the next year counts fully
        ({"valid_until": D("2016-12-31")}, 2017, [], "2016-08-25", (0, 0, 0, "not-applicable")),
        ({"valid_until": D("2017-12-31")}, 2017, [], "2016-08-25", (1, 0, 0, "at-risk")),
        # a mutual visit in either direction counts when not each way
        ({}, 2016, [visit("2016-06-10", host=LSN, guests=(FBRI,))], "2016-08-25", (1, 1, 0, "met")),
    ],
)
def test_compliance(
    changes: dict, year: int, visits: list[VisitFact], today: str, expected: tuple
) -> None:
    result = compliance(terms(**changes), year, visits, D(today))
    assert (result.required, result.held, result.planned, result.verdict) == expected
    assert result.directions == ()


EACH_WAY = terms(each_way=True)


@pytest.mark.parametrize(
    ("visits", "today", "verdict", "directions"),
    [
        # directions are listed by host: (host, held, planned, verdict)
        ([], "2016-08-25", "at-risk", [(LSN, 0, 0, "at-risk"), (FBRI, 0, 0, "at-risk")]),
        (
            [visit("2016-06-01", host=FBRI, guests=(LSN,))],
            "2016-08-25",
            "at-risk",
            [(LSN, 0, 0, "at-risk"), (FBRI, 1, 0, "met")],
        ),
        (
            [visit("2016-06-01"), visit("2016-10-01", "planned", host=LSN, guests=(FBRI,))],
            "2016-08-25",
            "on-track",
            [(LSN, 0, 1, "on-track"), (FBRI, 1, 0, "met")],
        ),
        (
            [visit("2016-06-01"), visit("2016-10-01", host=LSN, guests=(FBRI,))],
            "2016-12-01",
            "met",
            [(LSN, 1, 0, "met"), (FBRI, 1, 0, "met")],
        ),
        (
            [visit("2016-06-01"), visit("2016-07-01")],  # twice the same way
            "2017-01-02",
            "missed",
            [(LSN, 0, 0, "missed"), (FBRI, 2, 0, "met")],
        ),
        (
            # hosted by a party, but no other party among the guests: does not count
            [visit("2016-06-01", host=FBRI, guests=(KBIC,))],
            "2016-08-25",
            "at-risk",
            [(LSN, 0, 0, "at-risk"), (FBRI, 0, 0, "at-risk")],
        ),
        (
            [visit("2016-06-01", host=FBRI, guests=(KBIC, LSN))],
            "2016-08-25",
            "at-risk",
            [(LSN, 0, 0, "at-risk"), (FBRI, 1, 0, "met")],
        ),
    ],
)
def test_compliance_each_way(
    visits: list[VisitFact], today: str, verdict: str, directions: list[tuple]
) -> None:
    result = compliance(EACH_WAY, 2016, visits, D(today))
    assert result.each_way and result.required == 1
    assert result.verdict == verdict
    assert [(d.host, d.held, d.planned, d.verdict) for d in result.directions] == directions
    assert result.held == sum(d[1] for d in directions)


def test_each_way_with_three_parties_needs_every_party_to_host() -> None:
    three = terms(parties=(LSN, FBRI, KBIC), each_way=True)
    visits = [
        visit("2016-06-01", host=FBRI, guests=(LSN,)),
        visit("2016-07-01", host=LSN, guests=(KBIC,)),
    ]
    result = compliance(three, 2016, visits, D("2017-01-05"))
    assert [(d.host, d.verdict) for d in result.directions] == [
        (LSN, "met"),
        (FBRI, "met"),
        (KBIC, "missed"),
    ]
    assert result.verdict == "missed"


@pytest.mark.parametrize("each_way", [False, True])
def test_a_year_with_nothing_required_still_counts_its_visits(each_way: bool) -> None:
    """Signed in mid-November: 1 a year prorated to 0 for 2016, yet the visit held in
    December and the one planned are shown as held and planned, not as none."""
    late = terms(each_way=each_way, signed_on=D("2016-11-15"))
    visits = [visit("2016-12-01"), visit("2016-12-28", status="scheduled")]
    result = compliance(late, 2016, visits, D("2016-12-20"))
    assert (result.required, result.held, result.planned) == (0, 1, 1)
    assert result.verdict == "not-applicable" and result.directions == ()
    before = compliance(late, 2015, visits, D("2016-12-20"))  # not in force at all
    assert (before.required, before.held, before.planned) == (0, 0, 0)


def test_each_way_year_not_applicable_has_no_directions() -> None:
    result = compliance(terms(each_way=True, signed_on=D("2016-12-01")), 2016, [], D("2016-12-05"))
    assert result.verdict == "not-applicable" and result.directions == ()


@pytest.mark.parametrize(
    ("changes", "today", "years"),
    [
        ({}, "2016-08-25", [2016, 2017]),
        ({}, "2016-04-01", [2016, 2017]),  # before signing: what it will require
        ({"valid_until": D("2016-12-31")}, "2016-08-25", [2016]),
        ({}, "2020-01-01", [2016, 2017]),
        ({"valid_until": None}, "2018-03-01", [2016, 2017, 2018, 2019]),
        ({"signed_on": None}, "2016-08-25", []),
        ({"terminated_on": D("2016-05-02")}, "2016-08-25", []),
        # an agreement running three years ahead shows every year it promises visits in
        ({"valid_until": D("2019-03-31")}, "2016-12-01", [2016, 2017, 2018, 2019]),
    ],
)
def test_compliance_years(changes: dict, today: str, years: list[int]) -> None:
    assert compliance_years(terms(**changes), D(today)) == years


# ------------------------------------------------------------------------- properties

days = st.dates(min_value=date(2014, 1, 1), max_value=date(2019, 12, 31))
statuses = st.sampled_from(["planned", "scheduled", "done", "cancelled"])


@st.composite
def visit_facts(draw: st.DrawFn) -> VisitFact:
    start = draw(days)
    host = draw(st.sampled_from([LSN, FBRI, KBIC]))
    guests = draw(st.frozensets(st.sampled_from([LSN, FBRI, KBIC]), min_size=1, max_size=2))
    return VisitFact(
        guests - {host} or frozenset({KBIC}),
        host,
        draw(statuses),
        start,
        start + timedelta(days=draw(st.integers(0, 40))),
    )


@st.composite
def agreement_terms(draw: st.DrawFn) -> AgreementTerms:
    signed = draw(st.one_of(st.none(), days))
    until = draw(st.one_of(st.none(), days))
    if signed and until and until < signed:
        signed, until = until, signed
    return AgreementTerms(
        parties=(LSN, FBRI),
        signed_on=signed,
        valid_until=until,
        terminated_on=draw(st.one_of(st.none(), days)),
        visits_per_year=draw(st.integers(0, 12)),
        each_way=draw(st.booleans()),
    )


@given(agreement_terms(), st.integers(2014, 2019))
def test_required_never_exceeds_the_yearly_promise(t: AgreementTerms, year: int) -> None:
    assert 0 <= required_visits(t, year) <= (t.visits_per_year or 0)
    full = covered_in_year(t, year)
    if full is not None and full.days >= 365:
        assert required_visits(t, year) == (t.visits_per_year or 0)


@given(agreement_terms(), st.integers(2014, 2019), st.lists(visit_facts(), max_size=6), days, days)
def test_a_done_visit_never_makes_the_verdict_worse(
    t: AgreementTerms, year: int, visits: list[VisitFact], today: date, held_on: date
) -> None:
    before = compliance(t, year, visits, today)
    extra = VisitFact(frozenset({LSN}), FBRI, "done", held_on, held_on)
    after = compliance(t, year, [*visits, extra], today)
    assert VERDICTS.index(after.verdict) <= VERDICTS.index(before.verdict)
    assert after.held >= before.held


@given(agreement_terms(), st.integers(2014, 2019), st.lists(visit_facts(), max_size=6), days)
def test_missed_only_once_the_span_is_over(
    t: AgreementTerms, year: int, visits: list[VisitFact], today: date
) -> None:
    result = compliance(t, year, visits, today)
    covered = covered_in_year(t, year)
    if result.verdict == "missed":
        assert covered is not None and covered.end < today
    if covered is not None and covered.end < today:
        assert result.verdict in ("met", "on-track", "missed", "not-applicable")
        # Once the span is over, only a fixed visit that began in it and is under way
        # today can still be held there.
        under_way = [
            v
            for v in visits
            if v.status == "scheduled" and covered.contains(v.start) and today <= v.end
        ]
        if not t.each_way:
            assert result.planned == len(under_way)
        assert result.planned <= len(under_way)


# Days before New Year: a visit starting on one may run into the next year.
before_new_year = st.builds(
    lambda year, back: date(year, 12, 31) - timedelta(days=back),
    st.integers(2014, 2019),
    st.integers(0, 40),
)


@settings(max_examples=250)
@given(
    agreement_terms(),
    st.lists(visit_facts(), max_size=6),
    st.one_of(days, before_new_year),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_a_fixed_visit_not_over_counts_the_same_scheduled_or_done(
    t: AgreementTerms, visits: list[VisitFact], start: date, length: int, into: int
) -> None:
    """While a scheduled visit is not over (today its first day up to its last), marking it
    done moves it from planned to held in its first day's year and changes no other year:
    it is never missing from the year it will be held in (New Year, a termination)."""
    today = start + timedelta(days=min(into, length))
    scheduled = VisitFact(frozenset({LSN}), FBRI, "scheduled", start, start + timedelta(length))
    done = scheduled._replace(status="done")
    for year in (start.year - 1, start.year, start.year + 1):
        before = compliance(t, year, [*visits, scheduled], today)
        after = compliance(t, year, [*visits, done], today)
        assert after.held + after.planned == before.held + before.planned, (year, before, after)
        assert after.held - before.held in (0, 1)
        if after.verdict != before.verdict:
            assert (before.verdict, after.verdict) == ("on-track", "met"), (year, before, after)


# ------------------------------------------------------------------------------- gaps


def w(text: str) -> Window:
    start, end = text.split("..")
    return Window(D(start), D(end))


@pytest.mark.parametrize(
    ("span", "covers", "gaps"),
    [
        ("2016-01-01..2016-12-31", [], ["2016-01-01..2016-12-31"]),
        ("2016-01-01..2016-12-31", ["2016-01-01..2016-12-31"], []),
        ("2016-01-01..2016-12-31", ["2015-01-01..2017-12-31"], []),
        (
            "2016-01-01..2016-12-31",
            ["2016-03-01..2016-06-30"],
            ["2016-01-01..2016-02-29", "2016-07-01..2016-12-31"],
        ),
        (
            "2016-01-01..2016-12-31",
            ["2016-03-01..2016-06-30", "2016-07-01..2016-12-31"],
            ["2016-01-01..2016-02-29"],
        ),
        (
            "2016-01-01..2016-12-31",
            ["2016-07-01..2016-12-31", "2016-03-01..2016-06-30"],
            ["2016-01-01..2016-02-29"],
        ),
        (
            "2016-01-01..2016-12-31",
            ["2016-03-01..2016-08-30", "2016-05-01..2016-06-30"],
            ["2016-01-01..2016-02-29", "2016-08-31..2016-12-31"],
        ),
        (
            "2016-01-01..2016-12-31",
            ["2015-01-01..2015-12-31", "2017-01-01..2017-12-31"],
            ["2016-01-01..2016-12-31"],
        ),
        (
            "2016-01-01..2016-12-31",
            ["2016-01-02..2016-12-30"],
            ["2016-01-01..2016-01-01", "2016-12-31..2016-12-31"],
        ),
    ],
)
def test_uncovered(span: str, covers: list[str], gaps: list[str]) -> None:
    assert uncovered(w(span), [w(c) for c in covers]) == [w(g) for g in gaps]


def agreement(start: str, until: str | None, terminated: str | None = None) -> AgreementTerms:
    return AgreementTerms(
        (LSN, FBRI),
        D(start),
        valid_until=D(until) if until else None,
        terminated_on=D(terminated) if terminated else None,
    )


@pytest.mark.parametrize(
    ("agreements", "today", "gaps"),
    [
        ([], "2016-08-25", []),
        ([agreement("2016-05-02", "2017-12-31")], "2016-08-25", []),
        # after the last one ended, the pair has been without an agreement until today
        (
            [agreement("2016-05-02", "2017-12-31")],
            "2018-03-01",
            [("2018-01-01", "2018-03-01", True)],
        ),
        (
            [agreement("2012-01-01", "2013-12-31"), agreement("2016-05-02", "2017-12-31")],
            "2016-08-25",
            [("2014-01-01", "2016-05-01", False)],
        ),
        (
            [agreement("2012-01-01", "2013-12-31", "2013-06-01"), agreement("2013-10-01", None)],
            "2016-08-25",
            [("2013-06-01", "2013-09-30", False)],
        ),
        ([agreement("2012-01-01", None)], "2016-08-25", []),
        # a draft covers nothing
        ([AgreementTerms((LSN, FBRI), None, valid_until=D("2017-12-31"))], "2016-08-25", []),
    ],
)
def test_pair_gaps(agreements: list[AgreementTerms], today: str, gaps: list[tuple]) -> None:
    assert pair_gaps(agreements, D(today)) == [Gap(D(a), D(b), ongoing) for a, b, ongoing in gaps]


@pytest.mark.parametrize(
    ("term", "agreements", "today", "gaps"),
    [
        ("2015-01-01..2017-12-31", [], "2016-08-25", [("2015-01-01", "2017-12-31")]),
        (
            "2015-01-01..2017-12-31",
            [agreement("2016-05-02", "2017-12-31")],
            "2016-08-25",
            [("2015-01-01", "2016-05-01")],
        ),
        (
            "2015-01-01..2017-12-31",
            [agreement("2016-05-02", None), agreement("2015-01-01", "2015-06-30")],
            "2016-08-25",
            [("2015-07-01", "2016-05-01")],
        ),
        (
            "2015-01-01..2017-12-31",
            [agreement("2015-01-01", "2017-12-31", "2017-01-01")],
            "2016-08-25",
            [("2017-01-01", "2017-12-31")],
        ),
    ],
)
def test_term_gaps(
    term: str, agreements: list[AgreementTerms], today: str, gaps: list[tuple]
) -> None:
    assert [
        (g.start.isoformat(), g.end.isoformat()) for g in term_gaps(w(term), agreements, D(today))
    ] == gaps


@pytest.mark.parametrize(
    ("today", "counts_2016", "counts_2017"),
    [
        ("2016-08-25", 1, 0),  # open window across New Year: planned for 2016 only
        ("2016-12-20", 1, 0),  # still possible in December
        ("2017-01-05", 0, 1),  # December has passed: what is left belongs to 2017
        ("2017-01-20", 0, 0),  # the window closed: planned for no year
    ],
)
def test_a_window_across_new_year_is_planned_for_one_year_only(
    today: str, counts_2016: int, counts_2017: int
) -> None:
    window = visit("2016-12-15", status="planned", end="2017-01-15")
    assert compliance(LOI, 2016, [window], D(today)).planned == counts_2016
    assert compliance(LOI, 2017, [window], D(today)).planned == counts_2017


@pytest.mark.parametrize(
    ("today", "year_2016", "counts_2017"),
    [
        # 2016: (planned, verdict) while not done; 2017: planned
        ("2016-08-25", (1, "on-track"), 0),
        ("2016-12-30", (1, "on-track"), 0),  # its first day
        ("2016-12-31", (1, "on-track"), 0),  # under way, 2016's last day
        ("2017-01-01", (1, "on-track"), 0),  # under way in 2017: once done, held in 2016
        ("2017-01-02", (1, "on-track"), 0),  # its last day
        ("2017-01-03", (0, "missed"), 0),  # over, not done: overdue, 2016 is missed
    ],
)
@pytest.mark.parametrize("each_way", [False, True])
def test_a_fixed_visit_across_new_year_is_planned_for_its_first_day_s_year_only(
    today: str, year_2016: tuple[int, str], counts_2017: int, each_way: bool
) -> None:
    """Planned for 2016 until its last day has passed, also once 2016 is over, as it is
    held in 2016 once done; never planned for 2017. Each way, the other direction is met."""
    fixed = visit("2016-12-30", status="scheduled", end="2017-01-02")
    other_way = [visit("2016-06-01", host=LSN, guests=(FBRI,))] if each_way else []
    agreement = terms(each_way=each_way)
    result = compliance(agreement, 2016, [fixed, *other_way], D(today))
    assert (result.planned, result.verdict) == year_2016
    if each_way:
        assert [(d.host, d.planned, d.verdict) for d in result.directions] == [
            (LSN, 0, "met"),
            (FBRI, *year_2016),
        ]
    assert compliance(agreement, 2017, [fixed, *other_way], D(today)).planned == counts_2017
    done = fixed._replace(status="done")
    assert compliance(agreement, 2016, [done, *other_way], D(today)).verdict == "met"


@pytest.mark.parametrize(
    ("today", "planned", "verdict"),
    [
        ("2017-08-31", 1, "on-track"),  # the last day in force
        ("2017-09-01", 1, "on-track"),  # terminated, the visit still under way
        ("2017-09-02", 1, "on-track"),  # its last day
        ("2017-09-03", 0, "missed"),
    ],
)
def test_a_fixed_visit_under_way_when_the_agreement_ends_early_is_planned_until_it_is_over(
    today: str, planned: int, verdict: str
) -> None:
    """The year's span ends at the termination, not at New Year: the same rule."""
    fixed = visit("2017-08-30", status="scheduled", end="2017-09-02")
    result = compliance(terms(terminated_on=D("2017-09-01")), 2017, [fixed], D(today))
    assert (result.planned, result.verdict) == (planned, verdict)


def test_a_window_opening_before_the_agreement_counts_from_its_first_day_in_force() -> None:
    window = visit("2016-04-20", status="planned", end="2016-05-20")
    assert compliance(LOI, 2016, [window], D("2016-04-01")).planned == 1
