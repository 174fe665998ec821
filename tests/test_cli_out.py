"""Where --out and backup write: FIFOs, character devices, symlinks, standard output."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import RitRunner
from .helpers import ADD_FBRI, ADD_LSN, ok, refused, schedule_visit

# Every command that writes a data file with --out, as (arguments, start of the file).
OUT_COMMANDS = [
    (("export", "json"), b"{"),
    (("export", "csv", "orgs"), b"id,"),
    (("export", "ics"), b"BEGIN:VCALENDAR"),
    (("report", "--format", "json"), b"{"),
]


@pytest.fixture
def story(rit: RitRunner) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, *ADD_FBRI)
    schedule_visit(rit, "LSN", "FBRI", "--window", "2016-10")


class FifoReader:
    """A FIFO with its read end open, read to the end in a thread.

    The test holds a write end too, so the reader never sees end-of-file before rit has
    opened the FIFO (nor blocks for ever if rit never does): closing it ends the read.
    """

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.read_end = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.write_end = os.open(path, os.O_WRONLY)
        os.set_blocking(self.read_end, True)
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := os.read(self.read_end, 1 << 16):
            self.chunks.append(chunk)

    def finish(self) -> bytes:
        os.close(self.write_end)
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        os.close(self.read_end)
        return b"".join(self.chunks)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[FifoReader]:
    reader = FifoReader(tmp_path / "fifo")
    yield reader
    if reader.thread.is_alive():
        reader.finish()


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device like /dev/null: a private one when this test may make one (root),
    else /dev/null itself, which a non-root rit could never have replaced."""
    private = tmp_path / "null"
    try:
        os.mknod(private, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        if os.geteuid() == 0:
            pytest.skip("cannot make a device node, and /dev/null is not put at risk as root")
        return Path("/dev/null")
    return private


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_out_to_a_fifo_writes_into_it(
    rit: RitRunner, fifo: FifoReader, args: tuple[str, ...], start: bytes
) -> None:
    result = rit(*args, "--out", str(fifo.path))
    assert result.exit_code == 0, result.output
    assert fifo.finish().startswith(start)
    assert stat.S_ISFIFO(os.lstat(fifo.path).st_mode)
    assert sorted(p.name for p in fifo.path.parent.iterdir()) == ["data", "fifo"]


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_out_to_a_character_device_leaves_it_a_device(
    rit: RitRunner, null_device: Path, args: tuple[str, ...], start: bytes
) -> None:
    before = os.stat(null_device)
    result = rit(*args, "--out", str(null_device))
    assert result.exit_code == 0, result.output
    after = os.lstat(null_device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert stat.S_IMODE(after.st_mode) == stat.S_IMODE(before.st_mode)


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_out_through_a_symlink_writes_the_file_it_names(
    rit: RitRunner, tmp_path: Path, args: tuple[str, ...], start: bytes
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "file"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    link = tmp_path / "links" / "link"
    link.symlink_to("../real/file")
    result = rit(*args, "--out", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "../real/file"
    assert target.read_bytes().startswith(start)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # replaced by a new 0600 file
    assert [p.name for p in (tmp_path / "real").iterdir()] == ["file"]  # no temporary left
    assert [p.name for p in (tmp_path / "links").iterdir()] == ["link"]


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_out_dash_is_standard_output(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    start: bytes,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = rit(*args, "--out", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.encode("utf-8").startswith(start)
    assert result.stderr == ""
    assert not (tmp_path / "-").exists()


def test_report_out_dash_is_what_the_file_would_hold(rit: RitRunner, tmp_path: Path) -> None:
    ok(rit, *ADD_LSN)
    ok(rit, "report", "--out", str(tmp_path / "r.txt"))
    assert ok(rit, "report", "--out", "-") == (tmp_path / "r.txt").read_text(encoding="utf-8")


@pytest.mark.usefixtures("story")
def test_backup_into_a_fifo_and_a_device(
    rit: RitRunner, fifo: FifoReader, null_device: Path
) -> None:
    result = rit("backup", str(fifo.path))
    assert result.exit_code == 0, result.output
    assert fifo.finish().startswith(b"SQLite format 3\x00")
    assert stat.S_ISFIFO(os.lstat(fifo.path).st_mode)
    for extra in ([], ["--force"]):
        result = rit("backup", str(null_device), *extra)
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(os.lstat(null_device).st_mode)
    assert sorted(p.name for p in fifo.path.parent.iterdir() if p.name != "null") == [
        "data",
        "fifo",
    ]


@pytest.mark.usefixtures("story")
def test_backup_through_a_symlink(rit: RitRunner, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.db"
    link.symlink_to(target.name)
    assert "--force" in refused(rit("backup", str(link)), "exists").stderr
    result = rit("backup", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "b.db"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM orgs").fetchone()[0] == 2
    copy.close()
    dangling = tmp_path / "next.db"
    dangling.symlink_to("new.db")
    assert rit("backup", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "new.db").is_file()


@pytest.mark.usefixtures("story")
def test_backup_to_dash_is_refused(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for extra in ([], ["--force"]):
        refused(rit("backup", "-", *extra), "a backup is a database file")
    assert not (tmp_path / "-").exists()


@pytest.mark.usefixtures("story")
def test_out_dev_stdout_writes_through_the_open_stream(db_path: Path, tmp_path: Path) -> None:
    """--out /dev/stdout appends where the shell's `>>` points, and reaches a pipe."""
    import subprocess
    import sys

    env = {**os.environ, "RIT_DB": str(db_path), "RIT_TODAY": "2016-08-25"}
    command = [sys.executable, "-m", "rit_cli", "export", "csv", "orgs", "--out", "/dev/stdout"]
    piped = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"id,name,")
    log = tmp_path / "log"
    log.write_bytes(b"earlier\n")
    with open(log, "ab") as handle:
        appended = subprocess.run(
            command, env=env, stdout=handle, stderr=subprocess.PIPE, timeout=60
        )
    assert appended.returncode == 0, appended.stderr
    assert log.read_bytes() == b"earlier\n" + piped.stdout


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_an_empty_out_is_refused(
    rit: RitRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    start: bytes,
) -> None:  # fmt: skip
    """--out "$FILE" with FILE unset: as --db '', never a guess."""
    monkeypatch.chdir(tmp_path)
    for empty in ("", " "):
        refused(rit(*args, "--out", empty), "--out must not be empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(("args", "start"), OUT_COMMANDS)
def test_a_trailing_slash_names_a_directory_not_a_file(
    rit: RitRunner, tmp_path: Path, args: tuple[str, ...], start: bytes
) -> None:
    """`--out notes.txt/` meant a folder: as the shell's `> notes.txt/`, refused, and the
    file before the slash is left alone; a missing folder is not made a file."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"keep")
    for typed in (f"{notes}/", f"{tmp_path / 'newdir'}/"):
        refused(rit(*args, "--out", typed), "ends with '/'")
    assert notes.read_bytes() == b"keep" and not (tmp_path / "newdir").exists()


@pytest.mark.usefixtures("story")
def test_backup_with_a_trailing_slash(rit: RitRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"keep")
    refused(rit("backup", f"{notes}/", "--force"), "ends with '/'")
    refused(rit("backup", f"{tmp_path / 'newdir'}/"), "ends with '/'")
    assert notes.read_bytes() == b"keep" and not (tmp_path / "newdir").exists()
    refused(rit("backup", f"{tmp_path}/"), "is a directory")
    refused(rit("backup", ""), "the backup file must not be empty")  # not taken for '.'


def test_an_export_written_in_pieces_leaves_no_file_when_it_fails(tmp_path: Path) -> None:
    from rit_cli.outfile import write_private

    def pieces() -> Iterator[bytes]:
        yield b"{\n"
        raise RuntimeError("the database went away")

    target = tmp_path / "export.json"
    target.write_bytes(b"the last export")
    with pytest.raises(RuntimeError):
        write_private(target, pieces(), tmp_path / "rit.db")
    assert target.read_bytes() == b"the last export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]
    write_private(target, iter([b"{", b"}\n"]), tmp_path / "rit.db")
    assert target.read_bytes() == b"{}\n"
