"""How search text is folded, in Python (queries) and in SQL (the triggers that index).

Search is case-insensitive and treats German spellings as equal: ä = ae, ö = oe,
ü = ue, ß = ss (DIN 5007 "phone book" order), so 'Strasse' finds 'Straße' and 'Mueller'
finds 'Müller' (but 'Muller' does not). Common accents of other Latin scripts are dropped
(Hyōgo = Hyogo, Poincaré = Poincare). Japanese, Chinese and other scripts are kept as
they are.

Since m004 the search triggers call ``fold`` itself, registered on every connection as
the SQL function rit_fold (db.connect). ``sql_fold``, the same fold spelled out in SQL, is
what m002's triggers embedded; it stays for that migration (tests/test_search.py checks the
two agree). Changing FOLD needs a new migration that rebuilds the index.
"""

from __future__ import annotations


def _pairs() -> dict[str, str]:
    pairs = {"ß": "ss", "ẞ": "ss"}
    groups = {
        "ae": "äæ",
        "oe": "öœ",
        "ue": "ü",
        "a": "àáâãåā",
        "c": "çč",
        "e": "èéêëē",
        "i": "ìíîïī",
        "n": "ñ",
        "o": "òóôõøō",
        "u": "ùúûū",
        "y": "ýÿ",
        "s": "š",
        "z": "ž",
        "l": "ł",
    }
    for target, chars in groups.items():
        for ch in chars:
            pairs[ch] = target
            if len(ch.upper()) == 1 and ch.upper() != ch:
                pairs[ch.upper()] = target
    return pairs


FOLD: dict[str, str] = _pairs()

# SQLite's lower() folds ASCII letters only (without the ICU extension); so does this.
_TABLE = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, **FOLD})


SQL_FUNCTION = "rit_fold"


# Since m006, width and dashes too: full-width Latin (ｋｏｂｅ) and half-width katakana
# (ｶﾞｲｱ), which Japanese input methods produce, are folded by NFKC to kobe and ガイア; an en
# or em dash is a hyphen (LoI Kobe–LSN is found by kobe-lsn).
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2212": "-"})


def fold(text: str) -> str:
    """Lower-case ASCII, replace the letters in FOLD, and (not for ASCII, which it leaves
    as it is) normalise width and dashes: what the search index stores."""
    if not text.isascii():
        import unicodedata

        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return text.translate(_TABLE)


def sql_function(value: str | bytes | int | float | None) -> str | bytes | None:
    """``fold`` as the SQL function rit_fold: NULL stays NULL, numbers are folded as text,
    a BLOB is returned as it is (rit stores none in searched columns)."""
    if value is None or isinstance(value, bytes):
        return value
    return fold(str(value))


def sql_fold(column: str) -> str:
    """An SQL expression (usable inside a trigger) computing ``fold(column)``.

    SQLite's parser allows only ~25 nested calls, so the replacements are chained through
    common table expressions of 20 each; text without Latin-1/Latin-A letters skips them.
    """
    items = list(FOLD.items())
    chunks = [items[i : i + 20] for i in range(0, len(items), 20)]
    ctes = [f"f0(s) AS (SELECT lower({column}))"]
    for n, chunk in enumerate(chunks, 1):
        expr = "s"
        for source, target in chunk:
            expr = f"replace({expr}, '{source}', '{target}')"
        ctes.append(f"f{n}(s) AS (SELECT {expr} FROM f{n - 1})")
    last = len(chunks)
    return (
        f"CASE WHEN {column} GLOB '*[À-ſẞ]*' THEN "
        f"(WITH {', '.join(ctes)} SELECT s FROM f{last}) ELSE lower({column}) END"
    )
