"""Time whole `rit` processes against the peers, and write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py                        # 5 000, 50 000, 500 000
    .venv/bin/python benchmarks/run.py --sizes 5000,50000     # skip the biggest
    .venv/bin/python benchmarks/run.py --quick                # 3 runs, 5 000 and 50 000
    .venv/bin/python benchmarks/run.py --smoke --sizes 200 --workdir /tmp/x --out /tmp/x/R.md

Every number is the median wall time of whole processes (after one warm-up run), with the
largest peak resident memory seen (ru_maxrss of the child, from os.wait4). Output goes to
/dev/null, so rit prints its piped (plain) form. The peers are built by
../shared/peers/peers.sh and asked the same question: what is due in the 14 days from
2020-06-01. Commands rit does not have (yet) are reported as n/a.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_SH = ROOT.parent / "shared" / "peers" / "peers.sh"
TODAY = "2020-06-01"
PEER_SIZES = (5_000, 50_000)  # khal keeps one file per event: peers.sh stops about there
SEARCH_TEXT = "Kobe"

# (label, arguments after `rit --db DB`); the label is what the tables show.
RIT_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("remind", ("remind",)),
    ("agenda 14d", ("agenda", "--from", "2020-06-01", "--to", "2020-06-14")),
    ("report", ("report",)),
    ("report --year 2020", ("report", "--year", "2020")),
    ("orgs", ("orgs",)),
    (f"search {SEARCH_TEXT}", ("search", SEARCH_TEXT)),
)
READ_COMMANDS = [label for label, _ in RIT_COMMANDS]
FLAT = ("remind", "agenda 14d", "report")  # targets: <= 25 % growth 5k -> 500k
FLAT_YEAR = ("report --year 2020",)  # target: <= 2x
# Start-up's floor as rit meets it: rit imports with the cyclic GC paused (__main__.py).
PAUSED_TYPER = "python -c 'import gc; gc.disable(); import typer'"
PRESENT = 5_000  # the history datasets keep this many exchanges' present


@dataclass
class Timing:
    """One command's runs: wall times in seconds, the largest peak RSS in KB, output lines."""

    times: list[float] = field(default_factory=list)
    peak_kb: int = 0
    lines: int = 0
    error: str | None = None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times) * 1000 if self.times else None

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kb / 1024 if self.times else None


def run_once(
    argv: list[str], env: dict[str, str], capture: bool = False
) -> tuple[float, int, int, bytes]:
    """(seconds, peak RSS in KB, exit status, stdout) of one whole process."""
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    out = b""
    err = b""
    if capture:
        out, err = proc.communicate()
        # communicate() reaped it; fall back to wait4 on nothing: use RUSAGE_CHILDREN delta.
        took = time.perf_counter() - started
        return took, 0, proc.returncode, out + (b"\0" + err if proc.returncode else b"")
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    return took, usage.ru_maxrss, proc.returncode, (b"\0" + err if proc.returncode else b"")


def measure(argv: list[str], env: dict[str, str], runs: int, warmup: bool = True) -> Timing:
    """Median-ready timings: a captured warm-up (for the line count and errors), then runs."""
    timing = Timing()
    took, _, code, out = run_once(argv, env, capture=True)
    if code != 0:
        message = out.split(b"\0", 1)[-1].decode(errors="replace").strip().splitlines()
        timing.error = (message[-1] if message else f"exit status {code}")[:120]
        return timing
    timing.lines = out.count(b"\n")
    if not warmup:
        timing.times.append(took)
    for _ in range(runs - (0 if warmup else 1)):
        took, peak, code, _ = run_once(argv, env)
        if code != 0:
            timing.error = f"exit status {code}"
            return timing
        timing.times.append(took)
        timing.peak_kb = max(timing.peak_kb, peak)
    if not warmup and not timing.peak_kb:
        # One captured run only (smoke): measure peak memory with one more plain run.
        _, timing.peak_kb, _, _ = run_once(argv, env)
    return timing


def has_command(rit: str, words: tuple[str, ...], env: dict[str, str]) -> bool:
    """Whether this rit knows the command: its --help exits 0."""
    proc = subprocess.run([rit, *words, "--help"], env=env, capture_output=True)
    return proc.returncode == 0


def command_words(args: tuple[str, ...]) -> tuple[str, ...]:
    words = []
    for arg in args:
        if arg.startswith("-"):
            break
        words.append(arg)
    return tuple(words[:2]) if words[:1] == ["import"] else tuple(words[:1])


def compile_rit(rit: str, log) -> str:
    """Compile the measured rit_cli to bytecode, as a regular install is; say what was done.

    An editable install leaves src/ uncompiled, and with PYTHONDONTWRITEBYTECODE set each
    timed process would compile every module again (about 20 ms that users of a regular
    install never pay).
    """
    first = Path(rit).read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    python = first[0][2:].strip() if first and first[0].startswith("#!") else sys.executable
    where = subprocess.run(
        [python, "-c", "import os, rit_cli; print(os.path.dirname(rit_cli.__file__))"],
        capture_output=True,
        text=True,
    )
    package = where.stdout.strip()
    if where.returncode != 0 or not package:
        return "rit_cli not found by the rit script's interpreter"
    done = subprocess.run([python, "-m", "compileall", "-q", package], capture_output=True)
    note = f"{package} compiled to bytecode before timing"
    if done.returncode != 0:
        note = f"{package} could not be compiled (timings may include compiling)"
    log(note)
    return note


def base_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RIT_TODAY=TODAY,
        RIT_TZ="Europe/Berlin",
        COLUMNS="120",
        LC_ALL="C.UTF-8",
        HOME=str(workdir / "home"),  # no user configuration of rit, task or khal leaks in
    )
    env.pop("RIT_DB", None)
    (workdir / "home").mkdir(parents=True, exist_ok=True)
    return env


def dataset(workdir: Path, n: int, rebuild: bool, log, present: int | None = None) -> Path:
    """The dataset of n exchanges, built by make_dataset.py in a process of its own; with
    present, the present of that many exchanges and n - present of history.

    Not in this process: a child's peak memory (ru_maxrss) starts from its parent's at the
    fork, so building here would raise every later measurement to the build's peak.
    """
    path = workdir / (f"rit-{n}.db" if present is None else f"rit-{n}-present-{present}.db")
    if rebuild or not path.exists() or _stale(path):
        started = time.perf_counter()
        extra = [] if present is None else ["--present", str(present)]
        subprocess.run(
            [sys.executable, str(HERE / "make_dataset.py"), "--exchanges", str(n), "--seed", "1"]
            + [*extra, "--db", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log(f"built {path.name}: {n} exchanges in {time.perf_counter() - started:.1f}s")
    return path


def _stale(path: Path) -> bool:
    """A dataset from an older schema: opening it would time a migration, so rebuild it."""
    import sqlite3

    from rit_cli.db import SCHEMA_VERSION

    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION
    finally:
        conn.close()


def peer_commands(workdir: Path, n: int, log) -> list[str] | None:
    """The two peer commands for N items (taskwarrior, khal), building their stores once."""
    target = workdir / f"peers-{n}"
    saved = target / "commands.txt"
    if saved.exists():
        return saved.read_text().splitlines()
    if not PEERS_SH.exists() or not shutil.which("bash"):
        return None
    log(f"setting up peers for {n} items (peers.sh) ...")
    proc = subprocess.run(
        ["bash", str(PEERS_SH), str(n), str(target)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        log(f"peers.sh failed: {proc.stderr.strip()[-300:]}")
        return None
    commands = [line for line in proc.stdout.splitlines() if line.strip()][-2:]
    saved.write_text("\n".join(commands) + "\n")
    return commands


def write_orgs_csv(path: Path, n: int) -> None:
    countries = ("DE", "JP", "FR", "NL", "KR")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "short", "kind", "country", "city", "website"])
        for i in range(1, n + 1):
            c = countries[i % len(countries)]
            writer.writerow(
                [
                    f"Imported Cluster {i}",
                    f"IMP{i}",
                    "cluster",
                    c,
                    f"City {i % 97}",
                    f"www.imp{i}.example.org",
                ]
            )


def measure_import(
    rit: str, workdir: Path, env: dict[str, str], n: int, runs: int, log
) -> dict[str, Timing]:
    """`rit import csv` of n organisations vs `sqlite-utils insert` of the same file."""
    results: dict[str, Timing] = {}
    csv_path = workdir / f"orgs-{n}.csv"
    if not csv_path.exists():
        write_orgs_csv(csv_path, n)
    label_rit, label_su = f"rit import csv ({n} orgs)", f"sqlite-utils insert ({n} orgs)"
    if not has_command(rit, ("import", "csv"), env):
        results[label_rit] = Timing(error="n/a")
    else:
        results[label_rit] = _fresh_runs(
            [rit, "--db", "{db}", "import", "csv", "orgs", str(csv_path)], workdir, env, runs
        )
    sqlite_utils = shutil.which("sqlite-utils") or str(Path(sys.executable).parent / "sqlite-utils")
    if not Path(sqlite_utils).exists():
        results[label_su] = Timing(error="n/a")
    else:
        results[label_su] = _fresh_runs(
            [sqlite_utils, "insert", "{db}", "orgs", str(csv_path), "--csv"], workdir, env, runs
        )
    return results


def _fresh_runs(template: list[str], workdir: Path, env: dict[str, str], runs: int) -> Timing:
    """Each run writes into a database of its own, created before the clock starts."""
    timing = Timing()
    for i in range(runs):
        db = workdir / f"import-{i}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        if "import" in template:
            subprocess.run([template[0], "--db", str(db), "orgs"], env=env, capture_output=True)
        argv = [str(db) if a == "{db}" else a for a in template]
        took, peak, code, out = run_once(argv, env)
        if code != 0:
            timing.error = out.split(b"\0", 1)[-1].decode(errors="replace").strip()[-120:]
            return timing
        timing.times.append(took)
        timing.peak_kb = max(timing.peak_kb, peak)
    return timing


# ------------------------------------------------------------------------ reporting


def fmt_ms(t: Timing | None) -> str:
    if t is None:
        return "–"
    if t.error:
        return "n/a" if t.error == "n/a" or "No such command" in t.error else "error"
    return f"{t.median_ms:.0f}"


def fmt_mb(t: Timing | None) -> str:
    if t is None or t.error or t.peak_mb is None:
        return "–"
    return f"{t.peak_mb:.0f}"


def ratio(a: Timing | None, b: Timing | None) -> float | None:
    if a is None or b is None or a.median_ms is None or b.median_ms is None or a.error or b.error:
        return None
    return a.median_ms / b.median_ms


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return (
        f"{model}, {os.cpu_count()} cores, Linux {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
        f"load average at start {load}"
    )


def report(
    results: dict[int, dict[str, Timing]],
    start: dict[str, Timing],
    peers: dict[int, dict[str, Timing]],
    imports: dict[str, Timing],
    runs: int,
    started: datetime,
    header: str,
    history: dict[int, dict[str, Timing]] | None = None,
) -> str:
    sizes = sorted(results)
    out: list[str] = []
    add = out.append
    add("# rit benchmark results\n")
    add(
        f"Run {started:%Y-%m-%d %H:%M}, {runs} runs per command (median after a warm-up), "
        f"RIT_TODAY={TODAY}.  "
    )
    add(f"Machine: {header}.\n")
    add(
        "Times are median wall-clock milliseconds of whole processes; memory is the peak "
        "resident set (MB); `lines` is how many lines the command printed (piped form).\n"
    )
    add("## rit\n")
    cols = " | ".join(f"{n:,} ms | MB | lines" for n in sizes)
    add(f"| command | {cols} |")
    add("|---|" + "---:|---:|---:|" * len(sizes))
    for label in ["--version", *READ_COMMANDS]:
        cells = []
        for n in sizes:
            t = results[n].get(label)
            cells.append(f"{fmt_ms(t)} | {fmt_mb(t)} | {t.lines if t and not t.error else '–'}")
        add(f"| `rit {label}` | " + " | ".join(cells) + " |")
    add("")
    if history:
        add(f"## As the history grows (the present of {PRESENT:,} exchanges kept)\n")
        add(
            f"The {PRESENT:,} dataset with {' and '.join(f'{n - PRESENT:,}' for n in sorted(history))}"
            " exchanges of history added (done or cancelled, before mid-2018): the same "
            "agreements, the same weeks around today, a longer past.\n"
        )
        grown = sorted(history)
        cols = " | ".join(f"{n:,} ms | lines" for n in [PRESENT, *grown])
        add(f"| command | {cols} | growth |")
        add("|---|" + "---:|---:|" * (len(grown) + 1) + "---:|")
        for label in FLAT + FLAT_YEAR:
            base = results.get(PRESENT, {}).get(label)
            row = [base, *(history[n].get(label) for n in grown)]
            cells = " | ".join(
                f"{fmt_ms(x)} | {x.lines if x and not x.error else '–'}" for x in row
            )
            g = ratio(row[-1], base)
            add(f"| `rit {label}` | {cells} | {f'{g:.2f}×' if g else 'n/a'} |")
        add("")
    add("## Start-up\n")
    add("| process | ms | MB |")
    add("|---|---:|---:|")
    for label, t in start.items():
        add(f"| `{label}` | {fmt_ms(t)} | {fmt_mb(t)} |")
    if peers:
        add("\n## Peers: what is due in the 14 days from 2020-06-01\n")
        add("| tool | items | ms | MB | lines |")
        add("|---|---:|---:|---:|---:|")
        for n in sorted(peers):
            for label, t in peers[n].items():
                add(
                    f"| {label} | {n:,} | {fmt_ms(t)} | {fmt_mb(t)} | "
                    f"{t.lines if not t.error else '–'} |"
                )
            for label in ("agenda 14d", "remind"):
                t = results.get(n, {}).get(label)
                if t is not None:
                    add(
                        f"| rit {label} | {n:,} | {fmt_ms(t)} | {fmt_mb(t)} | "
                        f"{t.lines if not t.error else '–'} |"
                    )
    if imports:
        add("\n## Import\n")
        add("| process | ms | MB |")
        add("|---|---:|---:|")
        for label, t in imports.items():
            add(f"| `{label}` | {fmt_ms(t)} | {fmt_mb(t)} |")
    add("\n## Targets\n")
    add("| target | measured | verdict |")
    add("|---|---|---|")
    for line in targets(results, start, peers, imports, history or {}):
        add(line)
    add("")
    return "\n".join(out)


def _verdict(value: float | None, limit: float, text: str, unit: str = "×") -> str:
    if value is None:
        return f"| {text} | n/a | not measured |"
    shown = f"{value:.2f}{unit}" if unit == "×" else f"{value:.0f} {unit}"
    return f"| {text} | {shown} | {'met' if value <= limit else 'MISSED'} |"


def targets(results, start, peers, imports, history=None) -> list[str]:
    lines = []
    small = min(results) if results else None
    big = max(results) if results else None
    peer_n = 5_000 if 5_000 in peers and 5_000 in results else None
    for label in ("agenda 14d", "remind"):
        if peer_n:
            mine = results[peer_n].get(label)
            task = next((t for k, t in peers[peer_n].items() if k.startswith("taskwarrior")), None)
            khal = next((t for k, t in peers[peer_n].items() if k.startswith("khal")), None)
            lines.append(_verdict(ratio(mine, task), 1.0, f"`rit {label}` / taskwarrior at 5 000"))
            lines.append(_verdict(ratio(mine, khal), 0.8, f"`rit {label}` / khal at 5 000 (≤ 0.8)"))
    if small is not None and big is not None and big > small:
        span = f"{small:,} → {big:,}"
        for label in FLAT:
            lines.append(
                _verdict(
                    ratio(results[big].get(label), results[small].get(label)),
                    1.25,
                    f"growth of `rit {label}` {span} (≤ 1.25)",
                )
            )
        for label in FLAT_YEAR:
            lines.append(
                _verdict(
                    ratio(results[big].get(label), results[small].get(label)),
                    2.0,
                    f"growth of `rit {label}` {span} (≤ 2)",
                )
            )
    if history and PRESENT in results:
        most = max(history)
        span = f"{PRESENT:,} → {most:,} as the history grows"
        for label, limit in [*((f, 1.25) for f in FLAT), *((f, 2.0) for f in FLAT_YEAR)]:
            lines.append(
                _verdict(
                    ratio(history[most].get(label), results[PRESENT].get(label)),
                    limit,
                    f"growth of `rit {label}` {span} (≤ {limit:g})",
                )
            )
    version = next((t for k, t in start.items() if k.startswith("rit")), None)
    typer = start.get("python -c 'import typer'")
    lines.append(
        _verdict(ratio(version, typer), 1.1, "`rit --version` / `python -c 'import typer'` (≤ 1.1)")
    )
    lines.append(
        _verdict(
            ratio(version, start.get(PAUSED_TYPER)),
            1.1,
            f"`rit --version` / `{PAUSED_TYPER}` (≤ 1.1, GC paused in both)",
        )
    )
    if big is not None:
        peaks = [
            t.peak_mb
            for label, t in results[big].items()
            if label in READ_COMMANDS and not t.error and t.peak_mb is not None
        ]
        lines.append(
            _verdict(
                max(peaks) if peaks else None,
                80,
                f"peak memory of read commands at {big:,}",
                unit="MB",
            )
        )
    rit_import = next((t for k, t in imports.items() if k.startswith("rit")), None)
    su_import = next((t for k, t in imports.items() if k.startswith("sqlite-utils")), None)
    if imports:
        lines.append(
            _verdict(
                ratio(rit_import, su_import),
                1.5,
                "`rit import csv` / `sqlite-utils insert` (≤ 1.5)",
            )
        )
    return lines


def console_table(results, start, peers, imports, history=None) -> str:
    sizes = sorted(results)
    rows = [["command", *[f"{n:,}" for n in sizes], *[f"MB@{n:,}" for n in sizes[-1:]]]]
    for label in ["--version", *READ_COMMANDS]:
        rows.append(
            [
                f"rit {label}",
                *[fmt_ms(results[n].get(label)) for n in sizes],
                *[fmt_mb(results[n].get(label)) for n in sizes[-1:]],
            ]
        )
    for label, t in start.items():
        rows.append([label, fmt_ms(t), *[""] * (len(sizes) - 1), fmt_mb(t)])
    for n in sorted(peers):
        for label, t in peers[n].items():
            cells = [fmt_ms(t) if m == n else "" for m in sizes]
            rows.append([label, *cells, ""])
    for label, t in imports.items():
        rows.append([label, fmt_ms(t), *[""] * (len(sizes) - 1), fmt_mb(t)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    text = "\n".join(
        "  ".join(
            c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False))
        )
        for r in rows
    )
    verdicts = "\n".join(
        line.strip("|").replace(" | ", ": ", 1).replace(" | ", " → ")
        for line in targets(results, start, peers, imports, history)
    )
    return f"median ms\n{text}\n\n{verdicts}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes", default=None, help="comma-separated exchange counts (default 5000,50000,500000)"
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command (≥ 5)")
    parser.add_argument("--quick", action="store_true", help="3 runs at 5 000 and 50 000")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one run each, no peers, tiny import: checks the script works",
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="leave out the datasets whose history grows while the present stays",
    )
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the datasets")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/rit-bench"))
    parser.add_argument("--rit", default=str(Path(sys.executable).parent / "rit"))
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)

    default_sizes = "5000,50000" if args.quick else "5000,50000,500000"
    sizes = [int(s.replace("_", "")) for s in (args.sizes or default_sizes).split(",")]
    runs = args.runs or (1 if args.smoke else 3 if args.quick else 7)
    with_peers = not (args.smoke or args.no_peers)
    import_rows = min(args.import_rows, 200) if args.smoke else args.import_rows
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    env = base_env(workdir)
    started = datetime.now()
    header = machine()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"machine: {header}")
    header += f"  \nBytecode: {compile_rit(args.rit, log)}"
    warm = not args.smoke
    available = {
        label: has_command(args.rit, command_words(cmd), env) for label, cmd in RIT_COMMANDS
    }

    start: dict[str, Timing] = {}
    start["rit --version"] = measure([args.rit, "--version"], env, runs, warm)
    start["python -c 'import typer'"] = measure(
        [sys.executable, "-c", "import typer"], env, runs, warm
    )
    # rit imports with the cyclic GC paused (rit_cli/__main__.py); the same pause for Typer
    # alone shows what rit's own start-up adds.
    start[PAUSED_TYPER] = measure(
        [sys.executable, "-c", "import gc; gc.disable(); import typer"], env, runs, warm
    )
    start["python -c 'pass'"] = measure([sys.executable, "-c", "pass"], env, runs, warm)

    results: dict[int, dict[str, Timing]] = {}
    for n in sizes:
        db = dataset(workdir, n, args.rebuild, log)
        row: dict[str, Timing] = {"--version": start["rit --version"]}
        for label, cmd in RIT_COMMANDS:
            if not available[label]:
                row[label] = Timing(error="n/a")
                continue
            row[label] = measure([args.rit, "--db", str(db), *cmd], env, runs, warm)
            log(
                f"{n:>7} rit {label:<20} {fmt_ms(row[label]):>6} ms {fmt_mb(row[label]):>4} MB"
                + (f"  ({row[label].error})" if row[label].error else "")
            )
        results[n] = row

    history: dict[int, dict[str, Timing]] = {}
    if not (args.smoke or args.no_history) and PRESENT in sizes:
        for n in (s for s in sizes if s > PRESENT):
            db = dataset(workdir, n, args.rebuild, log, present=PRESENT)
            history[n] = {}
            for label, cmd in RIT_COMMANDS:
                if label not in FLAT + FLAT_YEAR or not available[label]:
                    continue
                history[n][label] = measure([args.rit, "--db", str(db), *cmd], env, runs, warm)
                log(f"{n:>7} rit {label:<20} {fmt_ms(history[n][label]):>6} ms (history)")

    peers: dict[int, dict[str, Timing]] = {}
    if with_peers:
        for n in PEER_SIZES:
            commands = peer_commands(workdir, n, log)
            if not commands:
                continue
            peers[n] = {}
            for command in commands:
                label = ("taskwarrior" if " task " in f" {command} " else "khal") + " 14d"
                peers[n][label] = measure(shlex.split(command), env, runs, warm)
                log(f"{n:>7} {label:<24} {fmt_ms(peers[n][label]):>6} ms")

    imports: dict[str, Timing] = {}
    if not args.no_import:
        imports = measure_import(args.rit, workdir, env, import_rows, min(runs, 3), log)

    text = report(results, start, peers, imports, runs, started, header, history)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(console_table(results, start, peers, imports, history))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
