"""Normalising and checking what users type: names, tags, e-mail addresses, countries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .errors import InvalidInput

MAX_NAME = 200
MAX_TEXT = 10_000

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$"


def line_breaks(value: str) -> str:
    """Line ends as \\n: a note pasted from Windows or a spreadsheet cell (\\r\\n, or an old
    Mac's \\r) keeps its line breaks as line breaks, not as carriage returns that every
    output would show escaped."""
    if "\r" in value:  # rare: most text is spared two replace() calls (imports of 100 000s)
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def clean(value: str, what: str, *, limit: int = MAX_NAME, required: bool = True) -> str | None:
    """Text as rit stores it (NFC, line_breaks, trimmed); refuse empty (when required),
    over-long or NUL-carrying text."""
    text = unicodedata.normalize("NFC", line_breaks(value)).strip()
    if not text:
        if required:
            raise InvalidInput(f"{what} must not be empty")
        return None
    if "\x00" in text:
        raise InvalidInput(f"{what} {short_repr(text)} contains a NUL character")
    if len(text) > limit:
        raise InvalidInput(f"{what} {short_repr(text)} is too long: at most {limit} characters")
    return text


def key(value: str) -> str:
    """The comparison key for names: NFC, trimmed, case-folded.

    Line ends are left as they are: the keys stored by earlier versions must still match
    (clean() stores new text with \\n; store.resolve tries a reference typed with \\r\\n
    both ways)."""
    return unicodedata.normalize("NFC", value).strip().casefold()


def tag(value: str, what: str = "tag") -> str:
    """A normalised tag: 'Technology Transfer' -> 'technology-transfer'."""
    text = clean(value, what, limit=60)
    assert text is not None
    slug = re.sub(r"[\s_/]+", "-", text.casefold())
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if not slug or any(unicodedata.category(c).startswith("C") for c in slug):
        raise InvalidInput(f"{what} {short_repr(value)} is not a usable tag")
    return slug


def separated(value: str) -> list[str]:
    """The items of a list written in one value, as a CSV cell holds them: 'biotech, medtech'
    or 'a; b'."""
    return [part for part in value.replace(",", ";").split(";") if part.strip()]


def tags(values: Iterable[str], what: str = "tag") -> list[str]:
    """The tags (or fields of action) given: each value may hold several, separated by
    commas or semicolons as in a CSV cell; normalised, each once, in order."""
    found: set[str] = set()
    for value in values:
        parts = separated(value)
        if not parts:
            tag(value, what)  # a blank one: "must not be empty"
            raise InvalidInput(f"{what} {short_repr(value)} is not a usable tag")  # ', ;'
        found.update(tag(part, what) for part in parts)
    return sorted(found)


def one_tag(value: str, what: str = "tag") -> str:
    """The one tag (or field of action) a listing is filtered by: several are refused rather
    than matched by none ('biotech, medtech' would be two)."""
    if len(separated(value)) > 1:
        raise InvalidInput(f"{what} {short_repr(value)} names several: filter by one")
    return tag(value, what)


def email(value: str) -> str:
    text = clean(value, "e-mail", limit=254)
    assert text is not None
    if not re.match(_EMAIL, text):
        raise InvalidInput(f"e-mail {short_repr(text)} is not an address like name@example.org")
    return text


def short_repr(value: str, limit: int = 60) -> str:
    """A quoted, escaped and shortened rendering of user text for error messages (spaces
    other than ' ' escaped too: 'Anna\\xa0Schmidt' is not the 'Anna Schmidt' typed)."""
    return "'" + printable(shortened(value, limit), spaces=False).replace("'", "\\'") + "'"


def shortened(value: str, limit: int = 60) -> str:
    """VALUE, or its two ends around '…' when longer than LIMIT: the middle goes, not the
    end, so a long path keeps its file name and a long name its tail."""
    half = (limit - 1) // 2
    return value if len(value) <= limit else value[:half] + "…" + value[-half:]


# Zero-width non-joiner and joiner: format characters that Persian, the Indic scripts and
# emoji sequences (👩‍🔬) need to be written correctly; they change how neighbours join, not
# what the text says or the order it is shown in, so they stay as they are everywhere.
JOINERS = "\u200c\u200d"


def printable(value: str, *, spaces: bool = True) -> str:
    """User text made safe for a terminal: control and format characters shown escaped.

    Spaces other than ' ' (the no-break space, the ideographic space U+3000 that Japanese
    input methods type) show as spaces and stay, unless `spaces` is False."""
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch.isprintable() or ch == " " or ch in JOINERS:
            out.append(ch)
        elif spaces and unicodedata.category(ch) == "Zs":
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


# Characters that act instead of showing: C0/C1 controls (but line feed and tab), DEL,
# bidi overrides and marks, zero-width and other invisible format characters (but the
# JOINERS, which writing needs). In a file
# a user may `cat` or open in a spreadsheet they must not act: CSV shows them escaped
# (\x1b, \u202e), JSON as \uXXXX escapes (which read back exactly), ICS drops them.
# A pattern, compiled by re (and kept in its cache) on first use: compiling it costs
# ~0.3 ms, which plain listings and reminders never need.
INVISIBLE = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def visible_controls(value: str) -> str:
    r"""Invisible and control characters written as escapes (\x1b, \u202e); the rest as is."""
    if value.isprintable():  # every invisible character is unprintable: nothing to escape
        return value
    return re.sub(INVISIBLE, lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def json_safe(serialized: str) -> str:
    """JSON text with invisible characters as \\uXXXX escapes: same data, safe on a terminal.

    Outside strings JSON is plain ASCII, so every match is inside a string, where a
    \\uXXXX escape means exactly the same character.
    """
    return re.sub(INVISIBLE, lambda m: f"\\u{ord(m.group()):04x}", serialized)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 organisation', '3 organisations' (plural defaults to singular + 's')."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
