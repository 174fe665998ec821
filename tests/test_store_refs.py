"""store.closest: which records a reference that matches none is offered, best first."""

from __future__ import annotations

import pytest

from rit_cli.store import closest

NAMES = {
    1: "Life Science Nord",
    2: "Foundation for Biomedical Research and Innovation",
    3: "Japan External Trade Organization",
    4: "Ministerium für Wirtschaft Schleswig-Holstein",
    5: "Staatskanzlei Schleswig-Holstein",
    6: "Kobe Biomedical Innovation Cluster",
}
SHORTS = {1: "LSN", 2: "FBRI", 3: "JETRO", 6: "KBIC"}


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("lsnn", [1]),  # a short name the reference begins with
        ("fbr", [2]),  # a short name the reference begins
        ("jetr", [3]),
        ("jetor", [3]),  # spelled alike
        ("ls", [1]),  # not the two names with "ls" inside "Holstein"
        ("kbi", [6]),
        ("schleswig", [4, 5]),  # a word of the name
        ("biomedical", [2, 6]),
        ("life sciense nord", [1]),  # spelled alike
        ("olstein", [4, 5]),  # inside a name, from three letters on
        ("zzz", []),
    ],
)
def test_closest(wanted: str, expected: list[int]) -> None:
    assert closest(wanted, NAMES, SHORTS) == expected


def test_short_names_come_first_and_the_list_is_bounded() -> None:
    names = {i: f"Cluster {i}" for i in range(1, 9)}
    shorts = {8: "CL"}
    assert closest("cl", names, shorts)[:1] == [8]
    assert len(closest("cluster", names, shorts)) == 5
    assert closest("cluster", names, shorts, limit=2) == [1, 2]


def test_without_short_names() -> None:
    assert closest("habeck", {1: "Hinrich Habeck", 2: "Reinhard Meyer"}, {}) == [1]
