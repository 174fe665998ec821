"""Pure logic over dates: agreement status, yearly visit obligations, coverage gaps.

Nothing here reads the clock or the database: ``today`` and the facts are arguments.

**Status of an agreement** on ``today`` (checked in this order):
``terminated`` (ended early on or before today), ``draft`` (not signed, or signed after
today), ``signed`` (signed, but its validity starts after today: not yet in force),
``expired`` (its end, extensions included, is before today), ``expiring`` (its effective
end is within 90 days), else ``active``.

**In force** from ``valid_from`` (else the signing day) through ``valid_until`` (which
already holds every extension), cut at ``terminated_on`` (exclusive: the day it ends is
no longer covered). Open-ended when there is no ``valid_until``.

**Obligation, prorated:** an agreement promising N visits a year requires, for a calendar
year, N × (days in force in that year ÷ days in that year), rounded half up. A year that
rounds to 0 is ``not-applicable``: an agreement signed in November is not judged on a
whole year it did not cover, while one from 2 May (244 of 366 days: 0.67) requires 1.

**Counting visits** (only visits linked to the agreement are given here): *held* = done,
its first day inside the year's in-force span; *planned* = planned or scheduled, counted once,
in the year of the first day it can still happen (from today, while the agreement is in
force): a window from 15 December to 15 January is planned for December's year only. A
scheduled visit's days are fixed: it is planned, while not over, for the year its first day
is in (where it is held once done), also when under way across New Year, and also after
that year's in-force span ended (New Year, or an early termination) while it is under way.
Once its last day has passed without ``done`` it counts as neither. Cancelled visits never
count.

**Verdicts:** ``not-applicable`` (nothing required), ``met`` (held ≥ required),
``on-track`` (held + planned ≥ required: after the year's span only a visit still under
way is planned), ``missed`` (the year's in-force span ended before today and held +
planned < required), ``at-risk`` (otherwise).

**Each way:** the requirement applies to each party as host: at least the required number
of visits hosted by that party with another party among the guests (for two parties:
N in each direction). The verdict is the worst direction's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from .dates import MAX_YEAR, Window

EXPIRING_DAYS = 90

STATUSES = ("draft", "signed", "active", "expiring", "expired", "terminated")
VERDICTS = ("not-applicable", "met", "on-track", "at-risk", "missed")  # best to worst
COUNTED_AS_PLANNED = ("planned", "scheduled")
_FAR = date(MAX_YEAR, 12, 31)


class AgreementTerms(NamedTuple):
    """What compliance needs to know about an agreement."""

    parties: tuple[int, ...]
    signed_on: date | None
    valid_from: date | None = None
    valid_until: date | None = None
    terminated_on: date | None = None
    visits_per_year: int | None = None
    each_way: bool = False

    @property
    def start(self) -> date | None:
        """The first day in force (the signing day unless a validity start is given)."""
        if self.signed_on is None:
            return None
        return self.valid_from or self.signed_on

    @property
    def end(self) -> date | None:
        """The last day in force, termination included; None when open-ended."""
        last = self.valid_until
        if self.terminated_on is not None:
            cut = self.terminated_on - timedelta(days=1)
            last = cut if last is None else min(last, cut)
        return last


class VisitFact(NamedTuple):
    """One visit linked to an agreement: who travelled to whom, when, in what state.

    A named tuple: compliance reads one for every visit of every agreement in force (767 at
    500 000 exchanges for remind), and a frozen dataclass costs about three times as much
    to build.
    """

    guests: frozenset[int]
    host: int | None
    status: str  # planned | scheduled | done | cancelled
    start: date
    end: date


class DirectionCompliance(NamedTuple):
    """An each-way obligation in one direction: the visits hosted by one party."""

    host: int
    required: int
    held: int
    planned: int
    verdict: str


class Compliance(NamedTuple):
    """One calendar year's obligation against the visits held and planned."""

    year: int
    required: int  # per direction when each_way
    held: int
    planned: int
    verdict: str
    each_way: bool = False
    directions: tuple[DirectionCompliance, ...] = ()


def compliance_json(c: Compliance, labels: dict[int, str]) -> dict[str, object]:
    """A year's compliance as JSON (show-agreement, the report): each way, a direction's
    host by id and label (labels: the agreement's parties)."""
    return {
        "year": c.year,
        "required": c.required,
        "held": c.held,
        "planned": c.planned,
        "verdict": c.verdict,
        "each_way": c.each_way,
        "directions": [
            {
                "host": {"id": d.host, "label": labels.get(d.host)},
                "required": d.required,
                "held": d.held,
                "planned": d.planned,
                "verdict": d.verdict,
            }
            for d in c.directions
        ],
    }


def agreement_status(terms: AgreementTerms, today: date) -> str:
    """The agreement's status on today (see the module docstring)."""
    if terms.terminated_on is not None and terms.terminated_on <= today:
        return "terminated"
    if terms.signed_on is None or terms.signed_on > today:
        return "draft"
    start = terms.start
    assert start is not None
    if today < start:
        return "signed"
    if terms.valid_until is not None and today > terms.valid_until:
        return "expired"
    end = terms.end
    if end is not None and (end - today).days <= EXPIRING_DAYS:
        return "expiring"
    return "active"


def in_force_span(terms: AgreementTerms) -> tuple[date, date | None] | None:
    """(first day, last day or None if open-ended), or None if never in force."""
    start, end = terms.start, terms.end
    if start is None or (end is not None and end < start):
        return None
    return start, end


def span_text(span: tuple[date, date | None]) -> str:
    """An in_force_span in words: ``in force 2016-01-01..2017-12-31``, or ``in force from
    2019-01-01, open-ended``."""
    start, end = span
    if end is None:
        return f"in force from {start.isoformat()}, open-ended"
    return f"in force {start.isoformat()}..{end.isoformat()}"


def covered_in_year(terms: AgreementTerms, year: int) -> Window | None:
    """The part of a calendar year the agreement is in force, if any."""
    span = in_force_span(terms)
    if span is None:
        return None
    first = max(span[0], date(year, 1, 1))
    last = date(year, 12, 31) if span[1] is None else min(span[1], date(year, 12, 31))
    return Window(first, last) if first <= last else None


def days_in_year(year: int) -> int:
    return date(year, 12, 31).timetuple().tm_yday  # 366 in leap years


def required_visits(terms: AgreementTerms, year: int) -> int:
    """N prorated by the share of the year in force, rounded half up (never more than N)."""
    per_year = terms.visits_per_year or 0
    covered = covered_in_year(terms, year)
    if per_year <= 0 or covered is None:
        return 0
    # per_year × covered ÷ days, plus a half, rounded down: exact in whole numbers.
    days = days_in_year(year)
    return (2 * per_year * covered.days + days) // (2 * days)


def _verdict(required: int, held: int, planned: int, covered: Window | None, today: date) -> str:
    if required == 0 or covered is None:
        return "not-applicable"
    if held >= required:
        return "met"
    # After the year's span only a visit under way is planned: it may still be held.
    if held + planned >= required:
        return "on-track"
    if covered.end < today:
        return "missed"
    return "at-risk"


def worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=VERDICTS.index, default="not-applicable")


def _count(
    visits: Iterable[VisitFact], covered: Window, today: date, in_force_from: date
) -> tuple[int, int]:
    held = planned = 0
    remaining = Window(max(today, covered.start), covered.end) if today <= covered.end else None
    for visit in visits:
        if visit.status == "done":
            held += covered.contains(visit.start)
        elif visit.status == "scheduled":
            # Its day is fixed: once done it is held in its first day's year, so it is
            # planned for that year alone while not over, also under way across New Year
            # (or an early termination), when that year's span has already ended.
            planned += today <= visit.end and covered.contains(visit.start)
        elif visit.status in COUNTED_AS_PLANNED and remaining is not None:
            # An open window counts once, in the year of the first day it can still
            # happen while the agreement is in force; a window across New Year is not
            # promised to both years.
            first = max(visit.start, today, in_force_from)
            planned += first <= visit.end and remaining.contains(first)
    return held, planned


def compliance(
    terms: AgreementTerms, year: int, visits: Sequence[VisitFact], today: date
) -> Compliance:
    """The obligation for one calendar year against the visits held and planned."""
    required = required_visits(terms, year)
    covered = covered_in_year(terms, year)
    if covered is None:
        return Compliance(year, required, 0, 0, "not-applicable", terms.each_way)
    # Nothing required (no obligation, or too short a part of the year): still counted,
    # so that a visit held in those weeks is not shown as none.
    start = terms.start
    assert start is not None  # covered implies signed and in force
    if not terms.each_way:
        held, planned = _count(visits, covered, today, start)
        return Compliance(
            year, required, held, planned, _verdict(required, held, planned, covered, today)
        )
    parties = set(terms.parties)
    directions = []
    for host in sorted(parties):
        mine = [v for v in visits if v.host == host and (v.guests & (parties - {host}))]
        held, planned = _count(mine, covered, today, start)
        verdict = _verdict(required, held, planned, covered, today)
        directions.append(DirectionCompliance(host, required, held, planned, verdict))
    if required == 0:  # nothing to judge each way: the counts, no directions
        return Compliance(
            year,
            0,
            sum(d.held for d in directions),
            sum(d.planned for d in directions),
            "not-applicable",
            True,
        )
    return Compliance(
        year,
        required,
        sum(d.held for d in directions),
        sum(d.planned for d in directions),
        worst(d.verdict for d in directions),
        True,
        tuple(directions),
    )


def compliance_years(terms: AgreementTerms, today: date) -> list[int]:
    """The years to judge: every year the agreement is in force through its end (or, when
    open-ended, through the year after today); years it does not cover are left out."""
    span = in_force_span(terms)
    if span is None:
        return []
    last = span[1].year if span[1] is not None else max(today.year, span[0].year) + 1
    return [y for y in range(span[0].year, last + 1) if covered_in_year(terms, y) is not None]


# ------------------------------------------------------------------------------ gaps


class Gap(NamedTuple):
    """Days inside a span that nothing covers; ``ongoing`` when it reaches today."""

    start: date
    end: date
    ongoing: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def uncovered(span: Window, covers: Iterable[Window]) -> list[Window]:
    """The parts of span that none of the windows covers, in order."""
    gaps = []
    cursor = span.start
    for window in sorted(covers):
        if window.end < cursor:
            continue
        if window.start > span.end:
            break
        if window.start > cursor:
            gaps.append(Window(cursor, window.start - timedelta(days=1)))
        if window.end >= span.end:
            return gaps
        cursor = window.end + timedelta(days=1)
    if cursor <= span.end:
        gaps.append(Window(cursor, span.end))
    return gaps


def _spans(terms: Iterable[AgreementTerms]) -> list[Window]:
    """The in-force spans; an open-ended one reaches the end of the calendar rit knows."""
    spans = []
    for t in terms:
        span = in_force_span(t)
        if span is not None:
            spans.append(Window(span[0], span[1] or _FAR))
    return spans


def _as_gaps(span: Window, covers: list[Window], today: date) -> list[Gap]:
    """Gaps in span; the last one is ongoing when the span was stretched to today."""
    stretched = span.end == today and all(w.end < today for w in covers)
    return [Gap(w.start, w.end, stretched and w.end == today) for w in uncovered(span, covers)]


def pair_gaps(agreements: Sequence[AgreementTerms], today: date) -> list[Gap]:
    """Periods from the first agreement's start to the last one's end — or to today, once
    they have all ended — in which none of the agreements was in force."""
    spans = _spans(agreements)
    if not spans:
        return []
    first = min(w.start for w in spans)
    last = max(max(w.end for w in spans), today)
    if last < first:
        return []
    return _as_gaps(Window(first, last), spans, today)


def term_gaps(term: Window, agreements: Sequence[AgreementTerms], today: date) -> list[Gap]:
    """The parts of a programme's term that none of its agreements covers."""
    return _as_gaps(term, _spans(agreements), today)
