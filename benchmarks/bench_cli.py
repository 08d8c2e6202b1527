"""Benchmark: how long CLI commands take from start to exit (issue 19).

    python benchmarks/bench_cli.py [--db DEMO.sqlite] [--build] [--runs 5] [--importtime]

Runs each command as a new process, ``--runs`` times (median wall seconds, which the aims are
about, and median CPU seconds, user + system, steadier on a busy machine; the runs are listed),
round-robin so that a machine that gets busier or quieter affects every command alike:

| command | aim |
|---|---|
| ``python -c pass`` (the interpreter alone, for scale) | |
| ``wijkkompas --help`` | < 0.5 s |
| ``wijkkompas --version`` | |
| ``wijkkompas score rotterdam`` on the demo database | < 1.5 s |
| ``wijkkompas explain rotterdam WK059901`` on the demo database | |

``wijkkompas`` is the console script next to this Python (else ``python -m wijkkompas.cli``),
run with this process's environment, so ``PYTHONPATH=src`` measures a work tree. The demo
database is ``--db``, else ``demo.sqlite`` in the data folder (``WIJKKOMPAS_DATA_DIR``); with
``--build`` a fresh one is built in a temporary folder first (about 30 s, not timed).
``--importtime`` adds, per command, the ten largest imports of one run (``python -X
importtime``: cumulative microseconds) -- where start-up time goes.
The load average (``/proc/loadavg``) is printed before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AIMS = {"wijkkompas --help": 0.5, "wijkkompas score rotterdam": 1.5}
AREA = "WK059901"  # a wijk of Rotterdam in the demo


def cli() -> list[str]:
    """The ``wijkkompas`` console script of this Python, else ``python -m wijkkompas.cli``."""
    script = Path(sys.executable).with_name("wijkkompas")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wijkkompas.cli"]


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds from start to exit; a command that fails stops
    the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} gave exit code {done.returncode}:\n{done.stderr}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def largest_imports(cmd: list[str], top: int = 10) -> list[tuple[int, str]]:
    """The ``top`` largest cumulative import times (microseconds) of one run of ``cmd``."""
    base = [sys.executable, "-X", "importtime"]
    full = base + (["-m", "wijkkompas.cli"] + cmd[1:] if cmd[0] != sys.executable
                   else cmd[1:])
    err = subprocess.run(full, capture_output=True, text=True, check=False).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def build_demo(folder: Path) -> Path:
    env = {**os.environ, "WIJKKOMPAS_DATA_DIR": str(folder)}
    print(f"demo database bouwen in {folder} ...", flush=True)
    subprocess.run([*cli(), "demo", "--fresh", "--no-serve"], env=env, check=True,
                   capture_output=True)
    return folder / "demo.sqlite"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="demo database (default: demo.sqlite in the data folder)")
    ap.add_argument("--build", action="store_true", help="build a fresh demo database first")
    ap.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    ap.add_argument("--importtime", action="store_true", help="the largest imports per command")
    args = ap.parse_args(argv)

    tmp = None
    if args.build:
        tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
        db = build_demo(tmp)
    elif args.db:
        db = Path(args.db)
    else:
        from wijkkompas.settings import load_settings

        db = load_settings().data_dir / "demo.sqlite"
    if not db.exists():
        print(f"geen demo-database op {db}: geef --db of --build")
        return 2
    try:
        wk = cli()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "wijkkompas --help": [*wk, "--help"],
            "wijkkompas --version": [*wk, "--version"],
            "wijkkompas score rotterdam": [*wk, "score", "rotterdam", "--db", str(db)],
            f"wijkkompas explain rotterdam {AREA}": [*wk, "explain", "rotterdam", AREA,
                                                      "--db", str(db)],
        }
        print(f"{' '.join(wk)}; {args.runs} runs per command, round-robin; load average "
              f"{load()}")
        for cmd in commands.values():  # warm the file cache once (not timed)
            run(cmd)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(run(cmd))
        print(f"\n{'command':<38} {'wall s':>7} {'cpu s':>6}  aim      runs (wall s)")
        verdicts = []
        for name, runs in times.items():
            med = statistics.median(t for t, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            aim = AIMS.get(name)
            shown = ", ".join(f"{t:.2f}" for t, _ in runs)
            print(f"{name:<38} {med:>7.2f} {cpu:>6.2f}  {f'< {aim:g} s' if aim else '':<8} "
                  f"{shown}")
            if aim is not None:
                verdicts.append((name, med < aim))
        print(f"\nload average after: {load()}")
        for name, ok in verdicts:
            print(f"{name:<38} {'aim met' if ok else 'AIM MISSED'}")
        if args.importtime:
            for name, cmd in commands.items():
                if name == "python -c pass":
                    continue
                print(f"\nlargest imports, {name} (cumulative ms):")
                for micro, module in largest_imports(cmd):
                    print(f"  {micro / 1000:>8.1f}  {module.strip()}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
