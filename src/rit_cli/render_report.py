"""Reports as sections of rows, rendered for a terminal, a pipe, Markdown, JSON or CSV."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .models.exchanges import Exchange, ExchangeLine
from .models.reports import CurrentReport, YearReport
from .render import cell, reminder_dict
from .render import json_pieces as render_json_pieces
from .store.exchanges import local_time, parties_text, when_text


@dataclass(frozen=True)
class Section:
    """One titled part of a report, as rows under columns."""

    heading: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    empty: str = "none"


def _verdict(result: Any, agreement: Any) -> str:
    """'met: 1 held + 1 planned of 1' (each way: per host party, named as show-agreement
    and remind name it) or '—' without an obligation."""
    if result is None:
        return "—"
    if result.each_way and result.directions:
        labels = {p.id: p.label for p in agreement.parties}
        per = "; ".join(
            f"to {labels.get(d.host, f'#{d.host}')}: {d.held} held + {d.planned} planned"
            f" of {d.required}"
            for d in result.directions
        )
        return f"{result.verdict} ({per})"
    return f"{result.verdict}: {result.held} held + {result.planned} planned of {result.required}"


def _until(agreement: Any) -> str | None:
    """The last day in force, '(terminated on …)' when a termination ended it early; none
    for a draft not signed (and without an end) yet."""
    last = agreement.in_force_until
    if last is None:
        return "open-ended" if agreement.signed_on else None
    if agreement.terminated_on is None or last == agreement.valid_until:
        return last.isoformat()
    return f"{last.isoformat()} (terminated on {agreement.terminated_on.isoformat()})"


def current_sections(report: CurrentReport) -> list[Section]:
    year = report.today.year
    agreements = Section(
        "Agreements",
        ("agreement", "parties", "status", "in force until", f"{year} compliance", "next exchange"),
        [
            (
                f"#{s.agreement.id} {s.agreement.title}",
                ", ".join(p.label for p in s.agreement.parties),
                s.agreement.status,
                _until(s.agreement),
                _verdict(s.compliance, s.agreement),
                f"{when_text(s.next_exchange)} #{s.next_exchange.id}" if s.next_exchange else None,
            )
            for s in report.agreements
        ],
        "no agreements",
    )
    upcoming = Section(
        f"Next {(report.upcoming_until - report.today).days} days "
        f"(until {report.upcoming_until.isoformat()})",
        ("when", "exchange", "parties", "status", "place"),
        [
            (
                " ".join(v for v in (when_text(e), local_time(e)) if v),
                f"#{e.id} {e.title}",
                parties_text(e),
                e.status,
                "online" if e.online else e.place,
            )
            for e in report.upcoming
        ],
        "nothing planned",
    )
    reminders = Section(
        "Reminders",
        ("date", "kind", "record", "message"),
        [
            (r.on.isoformat(), r.kind, f"{r.record} #{r.record_id} {r.title}", r.message)
            for r in report.reminders
        ],
        "nothing due",
    )
    return [agreements, upcoming, reminders]


def year_sections(report: YearReport) -> list[Section]:
    y = report.year
    return [
        Section(
            f"Exchanges held in {y}",
            ("date", "type", "title", "parties", "place", "participants", "outcome"),
            [
                (
                    when_text(e),
                    e.type,
                    e.title,
                    parties_text(e),
                    "online" if e.online else e.place,
                    ", ".join(e.participants),
                    e.outcome,
                )
                for e in report.held
            ],
            "no exchanges held",
        ),
        Section(
            f"Compliance {y}",
            ("agreement", "obligation", "compliance"),
            [(f"#{a.id} {a.title}", a.obligation, _verdict(c, a)) for a, c in report.compliance],
            "no agreement with an obligation in force",
        ),
        Section(
            f"Cooperations that became concrete in {y}",
            ("cooperation", "organisations", "agreement", "concrete since", "status", "fields"),
            [
                (
                    c.title,
                    ", ".join(o.label for o in c.orgs),
                    c.agreement.name if c.agreement else None,
                    c.concrete_on.isoformat() if c.concrete_on else None,
                    c.status,
                    ", ".join(c.fields),
                )
                for c in report.cooperations
            ],
            "none",
        ),
        Section(
            "Organisations involved",
            ("country", "kind", "count", "organisations"),
            [(o.country or "—", o.kind, o.count, ", ".join(o.names)) for o in report.orgs],
            "none",
        ),
        Section(
            "Fields of action",
            ("field", "agreements", "cooperations", "exchanges held"),
            [(f.field, f.agreements, f.cooperations, f.exchanges) for f in report.fields],
            "none",
        ),
        Section(
            f"Delegation trips in {y}",
            ("dates", "trip", "lead", "itinerary"),
            [
                (
                    f"{t.start_on}..{t.end_on}",
                    t.title,
                    t.lead,
                    " → ".join(f"{s.city} ({s.country}) {s.start_on}..{s.end_on}" for s in t.stops),
                )
                for t in report.trips
            ],
            "none",
        ),
    ]


def title(report: CurrentReport | YearReport) -> str:
    if isinstance(report, YearReport):
        return f"rit report {report.year} — {report.scope} (as of {report.today.isoformat()})"
    return f"rit report — {report.scope}, as of {report.today.isoformat()}"


def sections(report: CurrentReport | YearReport) -> list[Section]:
    if isinstance(report, YearReport):
        return year_sections(report)
    return current_sections(report)


# ----------------------------------------------------------------------------- formats


def view(report: CurrentReport | YearReport) -> Any:
    """For a terminal: headed Rich tables that wrap to the console's width."""
    from rich.console import Group
    from rich.text import Text

    from .render import Column, table

    parts: list[Any] = [Text(cell(title(report)), style="bold")]  # the scope is user text
    for section in sections(report):
        parts.append(Text(""))
        parts.append(Text(section.heading, style="bold underline"))
        if not section.rows:
            parts.append(Text(section.empty, style="dim"))
            continue
        columns = [
            Column(name, itemgetter(i), no_wrap=name in _WHOLE)
            for i, name in enumerate(section.columns)
        ]
        parts.append(table(columns, section.rows))
    return Group(*parts)


# Columns shown whole on a terminal, however narrow: dates, statuses, kinds, countries.
_WHOLE = frozenset(
    {"status", "in force until", "when", "date", "kind", "type", "concrete since", "dates"}
    | {"country"}
)


def plain(report: CurrentReport | YearReport) -> Iterable[str]:
    """Piped: a heading line per section, then one tab-separated line per row."""
    yield cell(title(report))  # the scope names a record: user text
    for section in sections(report):
        yield ""
        yield f"## {section.heading}"
        if not section.rows:
            yield f"({section.empty})"
        for row in section.rows:
            yield "\t".join(map(cell, row))


# What Markdown would read as formatting inside a table cell; & so entities stay literal.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md_escape(value: Any) -> str:
    """A table cell that Markdown shows literally: punctuation escaped, one line."""
    if isinstance(value, str) and not value.isprintable():  # line breaks are unprintable
        value = " ".join(value.splitlines())
    text = cell(value)
    text = text.replace("&", "&amp;")
    # A function, not r"\\\1": a template is looked up again on every call.
    return _MD_SPECIAL.sub(_backslashed, text)


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match[1]


def markdown(report: CurrentReport | YearReport) -> str:
    lines = [f"# {md_escape(title(report))}"]
    for section in sections(report):
        lines += ["", f"## {md_escape(section.heading)}", ""]
        if not section.rows:
            lines.append(f"_{md_escape(section.empty)}_")
            continue
        lines.append("| " + " | ".join(md_escape(c) for c in section.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in section.columns) + "|")
        for row in section.rows:
            lines.append("| " + " | ".join(map(md_escape, row)) + " |")
    return "\n".join(lines) + "\n"


def csv_text(report: CurrentReport | YearReport, excel: bool = False, raw: bool = False) -> str:
    """The report's tables, one after another: a title row, a header row, the rows, a blank."""
    import csv
    import io

    from .csvio import neutralise

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    for index, section in enumerate(sections(report)):
        if index:
            writer.writerow([])
        writer.writerow([section.heading])
        writer.writerow(section.columns)
        for row in section.rows:
            values = ["" if v is None else str(v) for v in row]
            writer.writerow(values if raw else [neutralise(v) for v in values])
    return ("\ufeff" if excel else "") + out.getvalue()


def _exchange_dict(e: Exchange | ExchangeLine) -> dict[str, Any]:
    if not isinstance(e, Exchange):
        raise TypeError("the JSON report needs its exchanges in full (details=True)")
    return {
        "id": e.id,
        "uuid": e.uuid,
        "type": e.type,
        "title": e.title,
        "status": e.status,
        "when": when_text(e),
        "start": e.start_on,
        "end": e.end_on,
        "local_time": local_time(e),
        "parties": [{"id": p.org_id, "label": p.label, "role": p.role} for p in e.parties],
        "place": e.place,
        "online": e.online,
        "participants": list(e.participants),
        "fields": list(e.fields),
        "agreement_id": e.agreement_id,
        "outcome": e.outcome,
    }


def _compliance_dict(result: Any, agreement: Any) -> dict[str, object] | None:
    """A year's compliance as show-agreement --json gives it."""
    from .schedule import compliance_json

    if result is None:
        return None
    return compliance_json(result, {p.id: p.label for p in agreement.parties})


def _agreement_dict(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "uuid": a.uuid,
        "title": a.title,
        "kind": a.kind,
        "status": a.status,
        "parties": [p.label for p in a.parties],
        "valid_until": a.valid_until.isoformat() if a.valid_until else None,
        "terminated_on": a.terminated_on.isoformat() if a.terminated_on else None,
        "in_force_until": a.in_force_until.isoformat() if a.in_force_until else None,
        "obligation": a.obligation,
    }


def json_text(report: CurrentReport | YearReport) -> str:
    return "".join(json_pieces(report))


def json_pieces(report: CurrentReport | YearReport) -> Iterator[str]:
    """The JSON report in pieces, each list's objects made as they are written: a report of
    thousands of agreements never holds their dicts, nor its text, whole."""
    if isinstance(report, CurrentReport):
        payload: dict[str, Any] = {
            "report": "current",
            "today": report.today.isoformat(),
            "scope": report.scope,
            "agreements": (
                {
                    **_agreement_dict(s.agreement),
                    "compliance": _compliance_dict(s.compliance, s.agreement),
                    "next_exchange": _exchange_dict(s.next_exchange) if s.next_exchange else None,
                }
                for s in report.agreements
            ),
            "upcoming_until": report.upcoming_until.isoformat(),
            "upcoming": (_exchange_dict(e) for e in report.upcoming),
            "reminders": (reminder_dict(r) for r in report.reminders),
        }
    else:
        payload = {
            "report": "year",
            "year": report.year,
            "today": report.today.isoformat(),
            "scope": report.scope,
            "held": (_exchange_dict(e) for e in report.held),
            "compliance": (
                {**_agreement_dict(a), "compliance": _compliance_dict(c, a)}
                for a, c in report.compliance
            ),
            "cooperations": (
                {
                    "id": c.id,
                    "uuid": c.uuid,
                    "title": c.title,
                    "status": c.status,
                    "concrete_since": c.concrete_on.isoformat() if c.concrete_on else None,
                    "organisations": [o.label for o in c.orgs],
                    "agreement": c.agreement.name if c.agreement else None,
                    "fields": list(c.fields),
                }
                for c in report.cooperations
            ),
            "organisations": (
                {
                    "country": o.country or None,
                    "kind": o.kind,
                    "count": o.count,
                    "names": list(o.names),
                }
                for o in report.orgs
            ),
            "fields": (
                {
                    "field": f.field,
                    "agreements": f.agreements,
                    "cooperations": f.cooperations,
                    "exchanges": f.exchanges,
                }
                for f in report.fields
            ),
            "trips": (
                {
                    "id": t.id,
                    "uuid": t.uuid,
                    "title": t.title,
                    "start": t.start_on,
                    "end": t.end_on,
                    "lead": t.lead,
                    "stops": [
                        {
                            "city": s.city,
                            "country": s.country,
                            "start": s.start_on,
                            "end": s.end_on,
                            "org": s.org,
                        }
                        for s in t.stops
                    ],
                }
                for t in report.trips
            ),
        }
    return render_json_pieces(payload)


def render(report: CurrentReport | YearReport, fmt: str, excel: bool = False) -> str:
    """The whole report as text in one of the file formats (markdown, json, csv, text)."""
    if fmt == "markdown":
        return markdown(report)
    if fmt == "json":
        return json_text(report)
    if fmt == "csv":
        return csv_text(report, excel=excel)
    return "\n".join(plain(report)) + "\n"
