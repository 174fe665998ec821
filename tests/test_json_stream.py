"""JSON listings written as their records are read: the same text as one list's."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rit_cli import render
from rit_cli.store import exchanges

from .helpers import ADD_FBRI, ADD_LSN, RitRunner, ok

# What the listings' JSON holds: text (any character, line breaks and invisible ones too),
# numbers, booleans, null, and lists and objects of them.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _dumped(value: Any, ascii_only: bool) -> str:
    """What the whole list's text was: json.dumps, invisible characters escaped (to_json
    is now put together from pieces too, so it cannot be the reference)."""
    from rit_cli.text import json_safe

    return json_safe(json.dumps(value, ensure_ascii=ascii_only, indent=2)) + "\n"


@given(st.lists(JSON_VALUES, max_size=6))
def test_json_array_is_the_list_s_text(items: list[Any]) -> None:
    streamed = "".join(render.json_array(iter(items)))
    assert streamed == render.to_json(items) == _dumped(items, ascii_only=False)


@given(st.lists(JSON_VALUES, max_size=6))
def test_json_array_is_the_list_s_text_under_a_latin1_locale(items: list[Any]) -> None:
    saved = sys.stdout
    sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    try:
        streamed = "".join(render.json_array(iter(items)))
        whole = render.to_json(items)
    finally:
        sys.stdout = saved
    assert streamed == whole == _dumped(items, ascii_only=True)
    assert streamed.isascii()


def test_an_empty_listing_is_an_empty_array() -> None:
    assert "".join(render.json_array(iter(()))) == "[]\n" == render.to_json([])


def _seven_visits(rit: RitRunner) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    for month in range(1, 8):
        ok(rit, "schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", f"2017-{month:02d}-10")


def test_agenda_json_in_batches_is_the_same_document(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seven_visits(rit)
    args = ("agenda", "--from", "2017-01-01", "--to", "2017-12-31", "--json")
    whole = ok(rit, *args)
    monkeypatch.setattr(exchanges, "LINES_AT_A_TIME", 2)
    assert ok(rit, *args) == whole
    records = json.loads(whole)
    assert [r["start_on"] for r in records] == [f"2017-{m:02d}-10" for m in range(1, 8)]


def test_agenda_json_is_written_as_it_is_read(
    rit: RitRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch of exchanges is loaded after the ones before it were written: an agenda
    of decades is never held whole (at 500 000 exchanges it took 5 GB)."""
    _seven_visits(rit)
    load = exchanges._load
    written_before: list[tuple[int, int]] = []  # (rows loaded, output written before it)

    def watching(conn: Any, rows: Any) -> Any:
        sys.stdout.flush()
        written_before.append((len(rows), len(sys.stdout.buffer.getvalue())))
        return load(conn, rows)

    monkeypatch.setattr(exchanges, "LINES_AT_A_TIME", 2)
    monkeypatch.setattr(exchanges, "_load", watching)
    out = ok(rit, "agenda", "--from", "2017-01-01", "--to", "2017-12-31", "--json")
    assert [n for n, _ in written_before] == [2, 2, 2, 1]
    written = [w for _, w in written_before]
    assert written[0] == 0 and written == sorted(written) and len(set(written)) == 4
    assert written[-1] < len(out.encode())


REPORT_LIKE = st.dictionaries(
    st.text(), JSON_VALUES | st.lists(JSON_VALUES, max_size=4), max_size=5
) | st.lists(JSON_VALUES | st.lists(JSON_VALUES, max_size=3), max_size=4)


@given(REPORT_LIKE)
def test_to_json_in_pieces_is_json_dumps(value: Any) -> None:
    """An object's members and lists' elements are encoded one by one (the report of a
    large database held the encoder's pieces of the whole: 81 MB at 500 000)."""
    from rit_cli.text import json_safe

    whole = json.dumps(value, ensure_ascii=False, indent=2)
    assert render.to_json(value) == json_safe(whole) + "\n"


def test_to_json_of_what_json_dumps_converts_is_its_text() -> None:
    """Keys that are not text and values only _json_default knows are encoded whole."""
    from datetime import date

    assert render.to_json({1: "a", None: [date(2016, 5, 2)]}) == (
        '{\n  "1": "a",\n  "null": [\n    "2016-05-02"\n  ]\n}\n'
    )
    assert render.to_json({"d": date(2016, 5, 2), "t": (1, [2])}) == (
        '{\n  "d": "2016-05-02",\n  "t": [\n    1,\n    [\n      2\n    ]\n  ]\n}\n'
    )
