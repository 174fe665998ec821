"""An exchange spans at most two years: the bound every 'what is open' query relies on."""

from __future__ import annotations

import pytest

from .conftest import RitRunner


@pytest.fixture
def pair(rit: RitRunner) -> RitRunner:
    assert rit("add-org", "LSN", "--country", "DE").exit_code == 0
    assert rit("add-org", "FBRI", "--country", "JP").exit_code == 0
    return rit


def test_a_two_year_window_is_accepted(pair: RitRunner) -> None:
    result = pair(
        "schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-01-01..2017-12-31"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016..2018"],
        ["schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-01-01..2018-01-01"],
        ["add-meeting", "M", "--org", "LSN", "--org", "FBRI", "--window", "2015-06..2018-05"],
    ],
)
def test_a_longer_window_is_refused(pair: RitRunner, dump, args: list[str]) -> None:
    before = dump()
    result = pair(*args)
    assert result.exit_code == 2
    assert "a window may span at most 731 days" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert dump() == before


def test_fix_date_force_cannot_widen_beyond_two_years(pair: RitRunner, dump) -> None:
    assert (
        pair(
            "schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", "2016-01-01..2017-12-31"
        ).exit_code
        == 0
    )
    before = dump()
    result = pair("fix-date", "1", "--on", "2018-03-01", "--force")
    assert result.exit_code == 2
    assert "at most 731 days" in result.stderr
    assert dump() == before
    assert pair("fix-date", "1", "--on", "2017-12-31", "--force").exit_code == 0
