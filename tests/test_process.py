"""The installed `rit` as a real process: pipes, minimal environments, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rit_cli import db

from .helpers import empty_database

RIT = Path(sys.executable).with_name("rit")

pytestmark = pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")


def run(
    args: list[str], env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RIT), *args], env=env, input=input, capture_output=True, text=True, timeout=60
    )


def minimal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Like cron: no profile, a bare PATH, no terminal, no locale."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **extra}


def test_piped_output_has_no_escape_codes(tmp_path: Path) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"), RIT_TODAY="2016-08-25")
    assert (
        run(["add-org", "Life Science Nord", "--short", "LSN", "--country", "DE"], env).returncode
        == 0
    )
    result = run(["orgs"], env)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert result.stdout.startswith("1\tLife Science Nord\tLSN\t")


def test_errors_are_one_line_without_traceback_unless_debug(tmp_path: Path) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    empty_database(tmp_path / "rit.db")
    result = run(["show-org", "nobody"], env)
    assert result.returncode == 2
    assert result.stderr == "error: no organisation 'nobody'\n"
    debug = run(["show-org", "nobody"], {**env, "RIT_DEBUG": "1"})
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    result = run(["add-org"], env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    result = run(["no-such-command"], env)
    assert result.returncode == 2


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    for i in range(30):
        assert run(["add-org", f"Org {i:03d}" + "x" * 100], env).returncode == 0
    proc = subprocess.Popen(
        f"{RIT} orgs | head -n 1",
        shell=True,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=60)
    assert out.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("organisations", [1, 300])
def test_a_reader_gone_is_exit_status_1_without_a_message(
    tmp_path: Path, organisations: int
) -> None:
    """Output small enough to wait for the last flush (1) and output that meets the closed
    pipe while the command prints (Click's handling, 300 long lines) end alike: silently,
    with status 1, as `python` and Click do (one said 0, the other 1)."""
    db_path = tmp_path / "rit.db"
    conn = db.connect(db_path)
    for i in range(organisations):
        conn.execute(
            "INSERT INTO orgs (uuid, created, updated, name, name_key) VALUES (?, 't', 't', ?, ?)",
            (f"u{i}", f"Org {i:03d}" + "x" * 100, f"org {i:03d}" + "x" * 100),
        )
    conn.commit()
    conn.close()
    env = minimal_env(tmp_path, RIT_DB=str(db_path))
    for args in (["orgs"], ["orgs", "--json"]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before rit writes
        try:
            gone = subprocess.run(
                [str(RIT), *args], env=env, stdout=write_end, stderr=subprocess.PIPE
            )
        finally:
            os.close(write_end)
        assert (gone.returncode, gone.stderr) == (1, b""), args


def test_default_location_is_user_data_dir(tmp_path: Path) -> None:
    env = minimal_env(tmp_path, XDG_DATA_HOME=str(tmp_path / "xdg"))
    assert run(["add-org", "X"], env).returncode == 0
    path = tmp_path / "xdg" / "rit" / "rit.db"
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    os.remove(path)


def test_shell_completion_offers_commands_and_options(tmp_path: Path) -> None:
    """Typer's completion, as bash calls it (every command is loaded for completion)."""
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    # Typer finds the shell in the process tree and ignores the 'bash' given unless told
    # not to look: under cron or a CI runner that execs pytest there is no shell above it.
    env["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
    script = run(["--show-completion", "bash"], env)
    assert script.returncode == 0 and "_rit_completion" in script.stdout
    words = {**env, "_RIT_COMPLETE": "complete_bash", "COMP_WORDS": "rit sch", "COMP_CWORD": "1"}
    assert run([], words).stdout.split() == ["schedule-visit"]
    words.update(COMP_WORDS="rit add-org X --ki", COMP_CWORD="3")
    assert run([], words).stdout.split() == ["--kind"]


def _from_bash(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """rit run by a bash script (a user's bash, a setup script): bash is its parent shell."""
    script = '"$0" "$@"; exit $?'  # not the last command alone: bash would exec it
    return subprocess.run(
        ["bash", "-c", script, str(RIT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_completion_for_the_shell_named_whatever_shell_runs_rit(tmp_path: Path) -> None:
    """QA: from bash, `rit --show-completion zsh` printed bash's script and
    `rit --install-completion fish` installed bash's, into ~/.bashrc; from sh it said
    'Shell sh not supported' whatever shell was named. The shell named is the one."""
    env = minimal_env(tmp_path)
    shown = {shell: _from_bash(["--show-completion", shell], env) for shell in SHELLS}
    assert {shell: done.returncode for shell, done in shown.items()} == dict.fromkeys(SHELLS, 0)
    assert "complete -o default -F _rit_completion rit" in shown["bash"].stdout
    assert "compdef _rit_completion rit" in shown["zsh"].stdout
    assert shown["fish"].stdout.startswith("complete --command rit ")
    assert _from_bash(["--show-completion=zsh"], env).stdout == shown["zsh"].stdout
    under_sh = subprocess.run(
        ["sh", "-c", '"$0" --show-completion bash; exit $?', str(RIT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (under_sh.returncode, under_sh.stdout) == (0, shown["bash"].stdout)
    installed = _from_bash(["--install-completion", "fish"], env)
    assert installed.returncode == 0, installed.stderr
    fish = tmp_path / ".config" / "fish" / "completions" / "rit.fish"
    assert fish.read_text() == shown["fish"].stdout
    assert not (tmp_path / ".bashrc").exists() and not (tmp_path / ".bash_completions").exists()
    unknown = _from_bash(["--show-completion", "tcsh"], env)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("error: invalid value 'tcsh' for '--show-completion'")
    assert "Traceback" not in unknown.stderr and unknown.stderr.count("\n") == 1


SHELLS = ("bash", "zsh", "fish")


def _python(code: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_entry_point_pauses_the_collector_only_for_start_up(tmp_path: Path) -> None:
    """`rit` imports with the cyclic GC paused; the command itself runs with it on, and the
    start-up objects frozen (never scanned again). A library import changes nothing."""
    assert _python("import gc, rit_cli.__main__; print(gc.isenabled())") == "False"
    during = (
        "import gc, rit_cli.__main__ as entry\n"
        "import rit_cli.store.orgs as store_orgs\n"
        "def spy(conn, *args, **kwargs):\n"
        "    print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
        "    return []\n"
        "store_orgs.list_orgs = spy\n"
        "entry.main(['orgs'])\n"
    )
    env = {**minimal_env(tmp_path), "RIT_DB": str(tmp_path / "rit.db")}
    empty_database(tmp_path / "rit.db")
    assert _python(during, env).splitlines()[0] == "True True"
    assert _python("import gc, rit_cli.cli; print(gc.isenabled())") == "True"


def test_python_dash_m_runs_rit(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rit_cli", "--version"],
        env=minimal_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("rit ")


def test_a_closed_stdout_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """rit add-org X >&- once committed the organisation and then crashed on printing."""
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    empty_database(tmp_path / "rit.db")
    result = subprocess.run(
        [str(RIT), "add-org", "Closed Out"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 1
    assert result.stderr == "error: standard output is closed: redirect it (>/dev/null)\n"
    assert "Closed Out" not in run(["orgs"], env).stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["orgs"], ["orgs", "--json"], ["export", "json"]])
def test_output_to_a_full_disk_is_one_clear_line(tmp_path: Path, args: list[str]) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"), RIT_TODAY="2016-08-25")
    assert run(["add-org", "Life Science Nord", "--country", "DE"], env).returncode == 0
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(RIT), *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", [["import", "json", "-"], ["import", "csv", "orgs", "-"]])
def test_reading_a_closed_stdin_is_one_clear_line(tmp_path: Path, args: list[str]) -> None:
    env = minimal_env(tmp_path, RIT_DB=str(tmp_path / "rit.db"))
    empty_database(tmp_path / "rit.db")
    result = subprocess.run(
        [str(RIT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert result.returncode == 2
    assert result.stderr == "error: '-' reads standard input, which is closed: give a file\n"


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_locale_without_utf8_escapes_what_it_cannot_show(tmp_path: Path, encoding: str) -> None:
    """Cron with LANG=de_DE (ISO-8859-1): a visit's arrow or a Japanese name once failed the
    command after its change was committed, and every remind; now they are escaped."""
    env = minimal_env(
        tmp_path,
        RIT_DB=str(tmp_path / "rit.db"),
        RIT_TODAY="2016-08-25",
        PYTHONIOENCODING=encoding,  # what a locale without UTF-8 gives Python
    )

    def rit(*args: str) -> tuple[int, str]:
        done = subprocess.run([str(RIT), *args], env=env, capture_output=True, timeout=60)
        assert b"error" not in done.stderr, done.stderr
        return done.returncode, done.stdout.decode(encoding)

    assert rit("add-org", "Lübeck GmbH", "--short", "LUE", "--country", "DE")[0] == 0
    assert rit("add-org", "神戸医療", "--short", "KOBE", "--country", "JP")[0] == 0
    scheduled = rit("schedule-visit", "--from", "LUE", "--to", "KOBE", "--on", "2016-09-01")
    assert scheduled == (0, scheduled[1])
    assert scheduled[1].startswith("scheduled visit #1 LUE \\u2192 KOBE visit 2016-09-01")
    code, reminders = rit("remind")
    assert code == 0
    assert "\texchange #1\tLUE \\u2192 KOBE visit 2016-09-01\t" in reminders
    code, orgs = rit("orgs")
    assert code == 0
    umlaut = "Lübeck" if encoding == "latin-1" else "L\\xfcbeck"
    assert f"\t{umlaut} GmbH\t" in orgs and "\t\\u795e\\u6238" in orgs
    # JSON keeps to its own escapes there: valid JSON with the exact text, emoji too.
    assert rit("add-org", "Lab 👩\u200d🔬", "--country", "DE")[0] == 0
    code, shown = rit("orgs", "--json")
    assert code == 0
    names = [org["name"] for org in json.loads(shown)]
    assert names == ["Lab 👩\u200d🔬", "Lübeck GmbH", "神戸医療"]
    code, shown = rit("remind", "--json")
    assert json.loads(shown)[0]["title"] == "LUE → KOBE visit 2016-09-01"
