"""Agreements: parties, validity, extensions, fields of action, obligations, compliance."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import schedule
from ..dates import Window, parse_date
from ..errors import Conflict, InvalidInput, NotFound
from ..models.agreements import AGREEMENT_KINDS, Agreement, Extension, FieldUse, Party
from ..models.orgs import Removed
from ..schedule import AgreementTerms, Compliance, Gap
from ..text import MAX_TEXT, clean, key, one_tag, short_repr, tags
from . import (
    IN_FORCE_ON,
    Referrer,
    RefSpec,
    batches,
    delete,
    insert,
    links,
    record_history,
    refuse_while_referred,
    resolve,
    set_links,
    touch,
    update,
)
from .contacts import contacts_by_id, find_contact, get_contact
from .orgs import find_org, get_org
from .programmes import (
    PROGRAMME,
    add_extension,
    check_order,
    extensions_of,
    iso,
    optional_date,
)
from .visits import visit_facts_for

AGREEMENT = RefSpec("agreements", "agreement", "title", ("title_key",))
MAX_VISITS_PER_YEAR = 365
# An agreement is between two or more organisations (a cooperation too).
MIN_PARTIES = 2


def fitting_in_force(
    conn: sqlite3.Connection, parties: Sequence[tuple[int, str]], on: date
) -> list[sqlite3.Row]:
    """The agreements in force on a day that fit an exchange with these (org id, role)
    parties, in id order: the rule of scheduling._misfit, asked of the database. With a
    host (a visit) the host and at least one guest are parties; else (a meeting) at least
    two of the organisations.

    One statement, whatever the number of agreements the organisations are party to: the
    home organisation of a busy office is party to thousands, and scheduling asks this for
    every exchange it links."""
    host = [org for org, role in parties if role == "host"]
    if host:
        guests = sorted({org for org, role in parties if role == "guest"})
        if not guests:
            return []
        fits = (
            "a.id IN (SELECT agreement_id FROM agreement_parties WHERE org_id = ?)"
            f" AND a.id IN (SELECT agreement_id FROM agreement_parties"
            f" WHERE org_id IN ({', '.join('?' for _ in guests)}))"
        )
        params: list[Any] = [host[0], *guests]
    else:
        orgs = sorted({org for org, _ in parties})
        if len(orgs) < 2:
            return []
        # (agreement_id, org_id) is the key: a count is of distinct organisations.
        fits = (
            "a.id IN (SELECT agreement_id FROM agreement_parties"
            f" WHERE org_id IN ({', '.join('?' for _ in orgs)})"
            " GROUP BY agreement_id HAVING count(*) >= 2)"
        )
        params = list(orgs)
    day = on.isoformat()
    sql = f"SELECT a.* FROM agreements a WHERE {IN_FORCE_ON.replace(':d', '?')} AND {fits}"
    return conn.execute(sql + " ORDER BY a.id", [day, day, day, *params]).fetchall()


def parties_of(conn: sqlite3.Connection, agreement_id: int) -> frozenset[int]:
    """The ids of an agreement's parties."""
    return frozenset(
        r[0]
        for r in conn.execute(
            "SELECT org_id FROM agreement_parties WHERE agreement_id = ?", (agreement_id,)
        )
    )


@dataclass(frozen=True)
class AgreementInput:
    """What the user gave for an agreement; None means 'not given', '' clears."""

    title: str | None = None
    kind: str | None = None
    parties: tuple[str, ...] | None = None
    programme: str | None = None
    signed: str | None = None
    place: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    fields: tuple[str, ...] | None = None
    visits_per_year: str | None = None
    each_way: bool | None = None
    signatories: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class AgreementDetail:
    """An agreement with its compliance per year and its cooperations, for show-agreement."""

    agreement: Agreement
    compliance: list[Compliance]
    cooperations: list[str]


# ------------------------------------------------------------------------ validation


def kind(value: str) -> str:
    wanted = value.strip().casefold()
    if wanted not in AGREEMENT_KINDS:
        raise InvalidInput(
            f"unknown agreement kind {short_repr(value)}: use one of {', '.join(AGREEMENT_KINDS)}"
        )
    return wanted


def visits_per_year(text: str) -> int | None:
    """A yearly visit count 0..365; '' or 0 means no obligation."""
    shown = text.strip()
    if not shown:
        return None
    if not (shown.isascii() and shown.lstrip("-+").isdigit()):
        raise InvalidInput(f"visits per year {short_repr(text)} is not a whole number")
    number = int(shown)
    if not 0 <= number <= MAX_VISITS_PER_YEAR:
        raise InvalidInput(
            f"visits per year {short_repr(text)} is out of range: use 0..{MAX_VISITS_PER_YEAR}"
        )
    return number or None


def party_ids(
    conn: sqlite3.Connection,
    refs: Sequence[str],
    what: str = "party",
    needs: str = "an agreement needs at least two distinct parties (--party ORG --party ORG)",
) -> list[int]:
    """Distinct organisations, at least two; the same one named twice is an error."""
    seen: dict[int, str] = {}
    for ref in refs:
        org = find_org(conn, ref)
        if org.id in seen:
            raise InvalidInput(
                f"{what} {short_repr(ref)} is given twice: it is the same organisation as "
                f"{short_repr(seen[org.id])} (#{org.id} {org.label})"
            )
        seen[org.id] = ref
    if len(seen) < MIN_PARTIES:
        raise InvalidInput(f"{needs}; got {len(seen)}")
    return sorted(seen)


def _values(conn: sqlite3.Connection, data: AgreementInput, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if data.title is not None:
        values["title"] = clean(data.title, "title")
        values["title_key"] = key(values["title"])
    if data.kind is not None:
        values["kind"] = kind(data.kind)
    if data.programme is not None:
        values["programme_id"] = (
            resolve(conn, PROGRAMME, data.programme)["id"] if data.programme.strip() else None
        )
    if data.signed is not None:
        values["signed_on"] = optional_date(data.signed, today)
    if data.place is not None:
        values["place"] = clean(data.place, "place", required=False)
    if data.valid_from is not None:
        values["valid_from"] = optional_date(data.valid_from, today)
    if data.valid_until is not None:
        values["valid_until"] = optional_date(data.valid_until, today, until=True)
    if data.visits_per_year is not None:
        values["visits_per_year"] = visits_per_year(data.visits_per_year)
    if data.each_way is not None:
        values["each_way"] = int(data.each_way)
    if data.note is not None:
        values["note"] = clean(data.note, "note", limit=MAX_TEXT, required=False)
    return values


def _check(merged: dict[str, Any]) -> None:
    start = merged.get("valid_from") or merged.get("signed_on")
    option = "--from" if merged.get("valid_from") else "--signed"
    check_order(start, merged.get("valid_until"), "agreement", option)
    if merged.get("each_way") and not merged.get("visits_per_year"):
        raise InvalidInput("--each-way needs an obligation: give --visits-per-year N")


def _check_title(conn: sqlite3.Connection, values: dict[str, Any], own_id: int | None) -> None:
    if "title_key" not in values:
        return
    row = conn.execute(
        "SELECT id, title FROM agreements WHERE title_key = ? AND id IS NOT ?",
        (values["title_key"], own_id),
    ).fetchone()
    if row is not None:
        raise Conflict(
            f"title {short_repr(values['title'])} is already used by agreement "
            f"#{row['id']} {short_repr(row['title'])}"
        )


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _links(conn: sqlite3.Connection, data: AgreementInput) -> dict[str, tuple[str, str, list[Any]]]:
    """The link tables to replace: name -> (table, value column, values)."""
    result: dict[str, tuple[str, str, list[Any]]] = {}
    if data.parties is not None:
        result["parties"] = ("agreement_parties", "org_id", party_ids(conn, data.parties))
    if data.fields is not None:
        fields = tags(data.fields, "field of action")
        result["fields"] = ("agreement_fields", "field", fields)
    if data.signatories is not None:
        ids = sorted({find_contact(conn, ref).id for ref in data.signatories})
        result["signatories"] = ("agreement_signatories", "contact_id", ids)
    return result


def _link_text(conn: sqlite3.Connection, name: str, values: list[Any]) -> str | None:
    if name == "parties":
        shown = [get_org(conn, v).label for v in values]
    elif name == "signatories":
        shown = [get_contact(conn, v).full_name for v in values]
    else:
        shown = [str(v) for v in values]
    return ", ".join(shown) or None


def _write_links(
    conn: sqlite3.Connection,
    agreement_id: int,
    uuid: str,
    new_links: dict[str, tuple[str, str, list[Any]]],
    action: str,
) -> list[str]:
    changed = []
    for name, (table, column, values) in new_links.items():
        old = links(conn, table, "agreement_id", agreement_id, column)
        if old == values:
            continue
        set_links(conn, table, "agreement_id", agreement_id, column, values)
        touch(conn, "agreements", agreement_id)
        record_history(
            conn,
            "agreements",
            agreement_id,
            uuid,
            action,
            {name: (_link_text(conn, name, old), _link_text(conn, name, values))},
        )
        changed.append(name)
    return changed


# ----------------------------------------------------------------------------- writes


def add_agreement(conn: sqlite3.Connection, data: AgreementInput, today: date) -> Agreement:
    if data.title is None:
        raise InvalidInput("an agreement needs a title")
    if not data.parties:
        party_ids(conn, ())  # raises: at least two parties
    values = _values(conn, data, today)
    values.setdefault("kind", "loi")
    _check(values)
    _check_title(conn, values, None)
    new_links = _links(conn, data)
    agreement_id = insert(conn, "agreements", _stored(values))
    uuid = conn.execute("SELECT uuid FROM agreements WHERE id = ?", (agreement_id,)).fetchone()[0]
    _write_links(conn, agreement_id, uuid, new_links, "create")
    return get_agreement(conn, agreement_id, today)


# What edit-* takes: given none of it, there is nothing to change.
EDITABLE = (
    "--title, --party, --kind, --programme, --signed, --place, --from, --until, "
    "--field, --visits-per-year, --each-way or --any-way, --signatory or --note"
)


def edit_agreement(
    conn: sqlite3.Connection, ref: str, data: AgreementInput, today: date
) -> tuple[Agreement, list[str]]:
    if data == AgreementInput():
        raise InvalidInput(f"nothing to change: give {EDITABLE}")
    current = resolve(conn, AGREEMENT, ref)
    values = _values(conn, data, today)
    if "valid_until" in values and extensions_of(conn, "agreement_id", current["id"]):
        raise Conflict(
            f"agreement {short_repr(current['title'])} has been extended; "
            "change its end with extend-agreement (--undo takes back the last extension)"
        )
    merged: dict[str, Any] = {
        "signed_on": iso(current["signed_on"]),
        "valid_from": iso(current["valid_from"]),
        "valid_until": iso(current["valid_until"]),
        "visits_per_year": current["visits_per_year"],
        "each_way": current["each_way"],
    }
    merged.update({k: v for k, v in values.items() if k in merged})
    if "visits_per_year" in values and not values["visits_per_year"] and "each_way" not in values:
        values["each_way"] = merged["each_way"] = 0  # no obligation: nothing to do each way
    _check(merged)
    _check_title(conn, values, current["id"])
    if {"signed_on", "valid_from", "valid_until"} & values.keys():
        _check_termination(current, merged)
        _check_linked_days(conn, current, merged)
    new_links = _links(conn, data)
    if "parties" in new_links:
        _check_linked_exchanges(conn, current, frozenset(new_links["parties"][2]))
    changed = list(update(conn, "agreements", current["id"], _stored(values)))
    changed += _write_links(conn, current["id"], current["uuid"], new_links, "update")
    shown = [c.removesuffix("_id") for c in changed if not c.endswith("_key")]
    return get_agreement(conn, current["id"], today), shown


def _check_termination(agreement: sqlite3.Row, merged: dict[str, Any]) -> None:
    """Refuse new dates before which a recorded termination could not have been given:
    end-agreement needs a signed agreement, a day after its start and one by its end (an
    end moved before the termination left it terminated a month after it ran out)."""
    if not agreement["terminated_on"]:
        return
    ended = date.fromisoformat(agreement["terminated_on"])
    start = merged["valid_from"] or merged["signed_on"]
    until = merged["valid_until"]
    if merged["signed_on"] is None:
        clash = "it must stay signed"
    elif start >= ended:
        clash = f"it must start before that day (not on {start.isoformat()})"
    elif until is not None and until < ended:
        clash = f"it must run until then (not end on {until.isoformat()})"
    else:
        return
    raise Conflict(
        f"agreement {short_repr(agreement['title'])} is terminated as of {ended.isoformat()}, "
        f"so {clash}: take back the termination first (end-agreement --undo)"
    )


def _check_linked_days(
    conn: sqlite3.Connection, agreement: sqlite3.Row, merged: dict[str, Any]
) -> None:
    """Refuse new dates (edit-agreement, or extend-agreement --undo) that leave an exchange
    linked to the agreement starting on a day it is not in force: an exchange is only
    linked to an agreement in force on its start day, and would silently count for none.
    (end-agreement may: a termination ends what was planned after it; a correction of the
    dates may not.)"""
    from ..schedule import AgreementTerms, in_force_span, span_text

    # An early termination is left out: what was planned after it stays linked (and no
    # longer counts), as end-agreement leaves it.
    span = in_force_span(
        AgreementTerms((), merged["signed_on"], merged["valid_from"], merged["valid_until"])
    )
    if span is None:
        outside = "1 = 1"
        params: tuple[Any, ...] = (agreement["id"],)
        term = "in force on no day"
    else:
        first, last = span
        outside = "e.start_on < ? OR e.start_on > ?"
        params = (agreement["id"], first.isoformat(), (last or date.max).isoformat())
        term = span_text(span)
    rows = conn.execute(
        f"SELECT e.id, e.type, e.title, e.start_on FROM exchanges e WHERE e.agreement_id = ?"
        f" AND ({outside}) ORDER BY e.start_on, e.id",
        params,
    ).fetchall()
    if not rows:
        return
    exchange_id, kind, title, start = rows[0]
    more = f" and {len(rows) - 1} more" if len(rows) > 1 else ""
    raise Conflict(
        f"with these dates agreement {short_repr(agreement['title'])} ({term}) would not be in"
        f" force on the start day of the {kind} #{exchange_id} {short_repr(title)} ({start})"
        f"{more} linked to it: move {'them' if more else 'it'} or link elsewhere first"
        " (rit edit-exchange ID --agreement REF or --no-agreement)"
    )


def _check_linked_exchanges(
    conn: sqlite3.Connection, agreement: sqlite3.Row, parties: frozenset[int]
) -> None:
    """Refuse new parties that the exchanges linked to the agreement would no longer fit
    (by the rule that linked them: store.scheduling._misfit); they would go on counting
    for an agreement between other organisations."""
    from .orgs import get_org
    from .scheduling import _misfit, fit_rule

    by_exchange: dict[int, tuple[str, str, list[tuple[Any, str]]]] = {}
    orgs: dict[int, Any] = {}
    for exchange_id, kind, title, org_id, role in conn.execute(
        "SELECT e.id, e.type, e.title, x.org_id, x.role FROM exchanges e"
        " JOIN exchange_orgs x ON x.exchange_id = e.id WHERE e.agreement_id = ?"
        " ORDER BY e.id",
        (agreement["id"],),
    ):
        if org_id not in orgs:
            orgs[org_id] = get_org(conn, org_id)
        by_exchange.setdefault(exchange_id, (kind, title, []))[2].append((orgs[org_id], role))
    misfits = [
        (exchange_id, kind, title)
        for exchange_id, (kind, title, its_parties) in by_exchange.items()
        if _misfit(its_parties, parties) is not None
    ]
    if not misfits:
        return
    exchange_id, kind, title = misfits[0]
    more = f" and {len(misfits) - 1} more" if len(misfits) > 1 else ""
    raise Conflict(
        f"with these parties agreement {short_repr(agreement['title'])} would no longer fit"
        f" the {kind} #{exchange_id} {short_repr(title)}{more} linked to it (a {kind} needs"
        f" {fit_rule(kind)}): link {'them' if more else 'it'} elsewhere or unlink first"
        " (rit edit-exchange ID --agreement REF or --no-agreement)"
    )


def extend_agreement(
    conn: sqlite3.Connection, ref: str, until_text: str | None, note: str | None, today: date
) -> tuple[Agreement, Extension]:
    """Extend the agreement; without until_text, take back its last extension."""
    row = resolve(conn, AGREEMENT, ref)
    if until_text is None:
        from .programmes import last_extension, undo_extension

        extension = last_extension(conn, "agreement_id", row, "agreement")
        ended = row["terminated_on"]
        if ended and extension.old_until and ended > extension.old_until.isoformat():
            raise Conflict(
                f"agreement {short_repr(row['title'])} is terminated as of {ended}, after the end "
                f"{extension.old_until} the extension replaced: take back the termination "
                "first (end-agreement --undo)"
            )
        _check_linked_days(
            conn,
            row,
            {
                "signed_on": iso(row["signed_on"]),
                "valid_from": iso(row["valid_from"]),
                "valid_until": extension.old_until,
            },
        )
        undo_extension(conn, "agreement_id", row, extension)
        return get_agreement(conn, row["id"], today), extension
    if row["terminated_on"]:
        raise Conflict(
            f"agreement {short_repr(row['title'])} is terminated as of {row['terminated_on']}; "
            "a terminated agreement cannot be extended: take back the termination first"
            " (end-agreement --undo)"
        )
    extension = add_extension(conn, "agreement_id", row, until_text, note, today, "agreement")
    return get_agreement(conn, row["id"], today), extension


def end_agreement(
    conn: sqlite3.Connection, ref: str, on_text: str | None, reason: str | None, today: date
) -> Agreement:
    """Terminate early: the agreement is in force up to the day before ``on``; it is kept.
    Without on_text, take back a termination (a mistyped date): the history keeps both."""
    row = resolve(conn, AGREEMENT, ref)
    if on_text is None:
        if not row["terminated_on"]:
            raise Conflict(
                f"agreement {short_repr(row['title'])} is not terminated: nothing to take back"
            )
        update(conn, "agreements", row["id"], {"terminated_on": None, "termination_reason": None})
        return get_agreement(conn, row["id"], today)
    on = parse_date(on_text, today)
    title = short_repr(row["title"])
    if row["terminated_on"]:
        raise Conflict(
            f"agreement {title} is already terminated as of {row['terminated_on']}: to give"
            " another day, take back the termination first (end-agreement --undo)"
        )
    if not row["signed_on"]:
        raise Conflict(f"agreement {title} was never signed, so it cannot be terminated")
    start = iso(row["valid_from"]) or date.fromisoformat(row["signed_on"])
    if on <= start:
        raise InvalidInput(
            f"end date {on.isoformat()} is not after the start {start.isoformat()} of "
            f"agreement {title}"
        )
    until = iso(row["valid_until"])
    if until and on > until:
        raise InvalidInput(
            f"end date {on.isoformat()} is after agreement {title} runs out on "
            f"{until.isoformat()}: nothing to terminate"
        )
    values = {
        "terminated_on": on.isoformat(),
        "termination_reason": (
            clean(reason, "reason", limit=MAX_TEXT, required=False) if reason else None
        ),
    }
    update(conn, "agreements", row["id"], values)
    return get_agreement(conn, row["id"], today)


# What may still point at an agreement, and how each is taken off it.
_REFERRERS = (
    Referrer(
        "exchanges", "agreement_id", "exchange", "title", "rit edit-exchange ID --no-agreement"
    ),
    Referrer(
        "cooperations",
        "agreement_id",
        "cooperation",
        "title",
        "rit edit-cooperation ID --agreement ''",
    ),
)


def remove_agreement(conn: sqlite3.Connection, ref: str) -> Removed:
    """Remove an agreement entered by mistake, with its parties, fields, signatories and
    extensions; refused while an exchange or cooperation is linked to it."""
    from .reminders import forget_reminders

    row = resolve(conn, AGREEMENT, ref)
    refuse_while_referred(conn, f"agreement {short_repr(row['title'])}", row["id"], _REFERRERS)
    for table in ("agreement_parties", "agreement_fields", "agreement_signatories"):
        conn.execute(f"DELETE FROM {table} WHERE agreement_id = ?", (row["id"],))
    for extension in extensions_of(conn, "agreement_id", row["id"]):
        delete(conn, "extensions", extension.id)
    forget_reminders(conn, "agreement", row["uuid"])
    delete(conn, "agreements", row["id"])
    return Removed("agreement", row["id"], row["title"], row["uuid"])


# ------------------------------------------------------------------------------ reads


def terms_of(agreement: Agreement) -> AgreementTerms:
    return AgreementTerms(
        parties=tuple(p.id for p in agreement.parties),
        signed_on=agreement.signed_on,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        terminated_on=agreement.terminated_on,
        visits_per_year=agreement.visits_per_year,
        each_way=agreement.each_way,
    )


_SELECT = """
    SELECT a.*, p.name AS programme_name, p.short AS programme_short
    FROM agreements a LEFT JOIN programmes p ON p.id = a.programme_id
"""


def _load(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], today: date, full: bool
) -> list[Agreement]:
    """Rows with their parties, fields and signatories, fetched in batches: a list of
    agreements (and the report) costs a fixed number of queries, not several per agreement.
    With full, also each agreement's extensions (only one agreement is shown in full)."""
    ids = [r["id"] for r in rows]
    parties: dict[int, list[Party]] = {i: [] for i in ids}
    fields: dict[int, list[str]] = {i: [] for i in ids}
    signed_by: dict[int, list[int]] = {i: [] for i in ids}
    for chunk, marks in batches(ids):
        for agreement_id, org_id, name, short in conn.execute(
            "SELECT ap.agreement_id, o.id, o.name, o.short"
            " FROM agreement_parties ap JOIN orgs o ON o.id = ap.org_id"
            f" WHERE ap.agreement_id IN ({marks}) ORDER BY ap.agreement_id, o.id",
            chunk,
        ):
            parties[agreement_id].append(Party(org_id, name, short))
        for agreement_id, field in conn.execute(
            f"SELECT agreement_id, field FROM agreement_fields WHERE agreement_id IN ({marks})"
            " ORDER BY agreement_id, field",
            chunk,
        ):
            fields[agreement_id].append(field)
        for agreement_id, contact_id in conn.execute(
            "SELECT agreement_id, contact_id FROM agreement_signatories"
            f" WHERE agreement_id IN ({marks}) ORDER BY agreement_id, contact_id",
            chunk,
        ):
            signed_by[agreement_id].append(contact_id)
    contacts = contacts_by_id(conn, (c for cs in signed_by.values() for c in cs))
    found = []
    for row in rows:
        terms = AgreementTerms(
            parties=(),
            signed_on=iso(row["signed_on"]),
            valid_from=iso(row["valid_from"]),
            valid_until=iso(row["valid_until"]),
            terminated_on=iso(row["terminated_on"]),
        )
        programme = None
        if row["programme_id"]:
            programme = Party(row["programme_id"], row["programme_name"], row["programme_short"])
        found.append(
            Agreement(
                id=row["id"],
                uuid=row["uuid"],
                title=row["title"],
                kind=row["kind"],
                status=schedule.agreement_status(terms, today),
                programme=programme,
                parties=tuple(parties[row["id"]]),
                signed_on=terms.signed_on,
                place=row["place"],
                valid_from=terms.valid_from,
                valid_until=terms.valid_until,
                terminated_on=terms.terminated_on,
                in_force_until=terms.end,
                termination_reason=row["termination_reason"],
                visits_per_year=row["visits_per_year"],
                each_way=bool(row["each_way"]),
                fields=tuple(fields[row["id"]]),
                signatories=tuple(contacts[c] for c in signed_by[row["id"]]),
                note=row["note"],
                extensions=tuple(extensions_of(conn, "agreement_id", row["id"])) if full else (),
            )
        )
    return found


def get_agreement(conn: sqlite3.Connection, agreement_id: int, today: date) -> Agreement:
    row = conn.execute(_SELECT + " WHERE a.id = ?", (agreement_id,)).fetchone()
    return _load(conn, [row], today, full=True)[0]


def find_agreement(conn: sqlite3.Connection, ref: str, today: date) -> Agreement:
    return get_agreement(conn, resolve(conn, AGREEMENT, ref)["id"], today)


def list_agreements(
    conn: sqlite3.Connection,
    today: date,
    *,
    active: bool = False,
    programme: str | None = None,
    org: str | None = None,
    field: str | None = None,
) -> list[Agreement]:
    where, params = [], []
    if programme is not None:
        where.append("a.programme_id = ?")
        params.append(resolve(conn, PROGRAMME, programme)["id"])
    if org is not None:
        where.append("a.id IN (SELECT agreement_id FROM agreement_parties WHERE org_id = ?)")
        params.append(find_org(conn, org).id)
    if field is not None:
        where.append("a.id IN (SELECT agreement_id FROM agreement_fields WHERE field = ?)")
        params.append(one_tag(field, "field of action"))
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    rows = conn.execute(sql + " ORDER BY coalesce(a.signed_on, '9999'), a.title_key", params)
    found = _load(conn, rows.fetchall(), today, full=False)
    if active:
        found = [a for a in found if a.status in ("active", "expiring")]
    return found


def agreement_compliance(
    conn: sqlite3.Connection, agreement: Agreement, today: date
) -> list[Compliance]:
    """Compliance per year, from the first year in force to the next one."""
    terms = terms_of(agreement)
    if not agreement.visits_per_year:
        return []
    # A year's visits at a time (held in it, or open and reaching into it), as the report
    # reads them: an agreement with a long and busy history is never loaded whole.
    return [
        schedule.compliance(
            terms, year, visit_facts_for(conn, [agreement.id], year).get(agreement.id, []), today
        )
        for year in schedule.compliance_years(terms, today)
    ]


def agreement_detail(conn: sqlite3.Connection, ref: str, today: date) -> AgreementDetail:
    agreement = find_agreement(conn, ref, today)
    cooperations = [
        f"#{r['id']} {r['title']} ({r['status']})"
        for r in conn.execute(
            "SELECT id, title, status FROM cooperations WHERE agreement_id = ? ORDER BY id",
            (agreement.id,),
        )
    ]
    return AgreementDetail(agreement, agreement_compliance(conn, agreement, today), cooperations)


def list_fields(conn: sqlite3.Connection) -> list[FieldUse]:
    """Every field of action in use, with how many records of each kind carry it."""
    rows = conn.execute(
        """
        SELECT field, sum(a) AS agreements, sum(c) AS cooperations, sum(e) AS exchanges FROM (
            SELECT field, 1 AS a, 0 AS c, 0 AS e FROM agreement_fields
            UNION ALL SELECT field, 0, 1, 0 FROM cooperation_fields
            UNION ALL SELECT field, 0, 0, 1 FROM exchange_fields
        ) GROUP BY field ORDER BY field
        """
    )
    return [FieldUse(r["field"], r["agreements"], r["cooperations"], r["exchanges"]) for r in rows]


# ------------------------------------------------------------------------------- gaps


def gaps_between(
    conn: sqlite3.Connection, first: str, second: str, today: date
) -> tuple[str, list[Gap]]:
    """Periods in which no agreement between two organisations was in force."""
    a, b = party_ids(conn, [first, second], "organisation", "give two organisations")
    ids = [
        r["agreement_id"]
        for r in conn.execute(
            "SELECT agreement_id FROM agreement_parties WHERE org_id IN (?, ?)"
            " GROUP BY agreement_id HAVING count(*) = 2 ORDER BY agreement_id",
            (a, b),
        )
    ]
    agreements = [get_agreement(conn, i, today) for i in ids]
    labels = " and ".join(get_org(conn, i).label for i in (a, b))
    if not any(schedule.in_force_span(terms_of(x)) for x in agreements):
        raise NotFound(f"no signed agreement between {labels}: nothing to compare")
    return labels, schedule.pair_gaps([terms_of(x) for x in agreements], today)


def programme_gaps(conn: sqlite3.Connection, ref: str, today: date) -> tuple[str, list[Gap]]:
    """The parts of a programme's term that none of its agreements covers."""
    row = resolve(conn, PROGRAMME, ref)
    agreements = [
        terms_of(get_agreement(conn, r["id"], today))
        for r in conn.execute("SELECT id FROM agreements WHERE programme_id = ?", (row["id"],))
    ]
    starts = [s[0] for s in map(schedule.in_force_span, agreements) if s]
    start = iso(row["valid_from"]) or min(starts, default=None)
    if start is None:
        raise InvalidInput(
            f"programme {short_repr(row['name'])} has no start date and no signed agreement: "
            "give it one with edit-programme --from"
        )
    end = iso(row["valid_until"]) or today
    label = row["short"] or row["name"]
    if end < start:  # open-ended and not begun yet: no part of its term to check so far
        return label, []
    return label, schedule.term_gaps(Window(start, end), agreements, today)
