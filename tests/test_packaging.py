"""The package declares every distribution its code imports; what its sdist and wheel hold."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "rit_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"rit_cli", "__future__"}


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised as PEP 503 does."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert name is not None, requirement
    return re.sub(r"[-_.]+", "-", name[0]).lower()


def test_every_imported_distribution_is_a_declared_dependency() -> None:
    """QA: rit read the tzdata package (zone lists) that only icalendar required."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    providers = packages_distributions()
    imported = _imported_top_level_modules()
    assert {"typer", "rich", "tzdata"} <= imported  # the walk sees the package's imports
    missing = {
        module: providers.get(module)
        for module in imported
        if not {_name(d) for d in providers.get(module, [module])} & declared
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def _setuptools_bound(requirements: list[str]) -> tuple[int, ...]:
    for requirement in requirements:
        found = re.fullmatch(r"setuptools\s*>=\s*([0-9.]+)", requirement.strip())
        if found:
            return tuple(int(part) for part in found[1].split("."))
    raise AssertionError(f"no setuptools>=N in {requirements}")


def test_the_build_needs_a_setuptools_that_reads_the_license() -> None:
    """QA: `license = "MIT"` (an SPDX expression) is read by setuptools 77 and later; with
    the 69 build-system.requires allowed (a packager's --no-build-isolation) the build
    failed: 'project.license must be valid exactly by one definition'."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(pyproject["project"]["license"], str)
    for requirements in (
        pyproject["build-system"]["requires"],
        pyproject["project"]["optional-dependencies"]["test"],  # the build test below
    ):
        assert _setuptools_bound(requirements) >= (77,)


def _built(tmp_path: Path) -> tuple[set[str], set[str]]:
    """The files of the sdist and of the wheel built from a copy of this tree that has a
    stale build/lib (a module since removed from src/, as a build before a git pull left)."""
    import shutil
    import subprocess
    import tarfile
    import zipfile
    from importlib.metadata import version

    if _setuptools_bound([f"setuptools>={version('setuptools')}"]) < (77,):
        pytest.skip("setuptools 77 or later is not installed (pip install -e '.[test]')")
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*cache", ".hypothesis"
        ),
    )
    stale = tree / "build" / "lib" / "rit_cli" / "removed_since.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("GONE = True\n", encoding="utf-8")
    out = tmp_path / "out"
    build = (
        "import sys\nfrom setuptools import build_meta\nout = sys.argv[1]\n"
        "build_meta.build_sdist(out)\nbuild_meta.build_wheel(out)\n"  # each resets sys.argv
    )
    done = subprocess.run(
        [sys.executable, "-c", build, str(out)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    return in_sdist, in_wheel


def test_the_sdist_and_the_wheel_hold_what_they_should(tmp_path: Path) -> None:
    """QA: the sdist held the test modules but not conftest.py, helpers.py, tests/__init__.py
    nor the benchmarks they import (pytest failed collecting them), and a module left in
    build/lib by an earlier build was shipped in the wheel though gone from src/."""
    in_sdist, in_wheel = _built(tmp_path)
    sources = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src").rglob("*.py")}
    assert {n for n in in_wheel if not n.startswith("rit_cli-")} == sources
    tests = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("*.py")}
    benchmarks = {p.relative_to(ROOT).as_posix() for p in (ROOT / "benchmarks").glob("*.*")}
    assert {f"src/{s}" for s in sources} | tests | benchmarks <= in_sdist
    assert {"README.md", "CHANGELOG.md", "ARCHITECTURE.md", "pyproject.toml"} <= in_sdist
    assert not [n for n in in_sdist | in_wheel if "__pycache__" in n or n.endswith(".pyc")]
