"""Benchmark of the area report (PDF): how long one report takes, cold and warm.

    /work/venv/bin/python benchmarks/bench_report.py [--db PATH] [--runs 3]

Builds the demo database (unless ``--db`` is given), then measures:

* **CLI (cold)**: ``wijkkompas report rotterdam WK059910 --output …`` as a new process, the way a
  user runs it (imports, scoring, sensitivity analysis, monitor and agenda from an empty cache,
  then the PDF); median wall seconds of ``--runs``. Aim (issue 14): < 10 s.
* **area PDF (warm)**: in one process with one view context, as the web app with its result
  cache: after one report per preset has warmed the framework results, the report of each of
  the areas below (view model, HTML, WeasyPrint PDF) separately timed; median and max wall
  seconds, plus CPU seconds (steadier on a busy machine). Aim: < 5 s per area PDF.

The load average (``os.getloadavg``) is printed with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AREAS = [("rotterdam", "WK059910"), ("rotterdam", "WK059901"), ("rotterdam", "BU05991087"),
         ("groningen", "WK001401"), ("enschede", "WK015301"), ("assen", "BU01060100"),
         ("assen", "WK010601")]
WARM = {"rotterdam": "WK059903", "groningen": "WK001400", "enschede": "WK015300",
        "assen": "BU01060101"}
CLI_AIM, PDF_AIM = 10.0, 5.0


def load() -> str:
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def build_demo(data_dir: Path) -> Path:
    env = {**os.environ, "WIJKKOMPAS_DATA_DIR": str(data_dir)}
    subprocess.run([sys.executable, "-m", "wijkkompas.cli", "demo", "--fresh", "--no-serve"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return data_dir / "demo.sqlite"


def bench_cli(db: Path, folder: Path, runs: int) -> tuple[list[float], list[float]]:
    times, cpus = [], []
    for i in range(runs):
        out = folder / f"cli-{i}.pdf"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wijkkompas.cli", "report", "rotterdam", "WK059910",
                        "--output", str(out), "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert out.read_bytes().startswith(b"%PDF")
    return times, cpus


def bench_warm(db: Path) -> list[float]:
    from wijkkompas.services.reports import standalone_context
    from wijkkompas.services.reports.area import area_report, area_report_html
    from wijkkompas.services.reports.render import html_to_pdf
    from wijkkompas.workspace import Workspace

    ws = Workspace.open(f"sqlite:///{db}", create=False)
    ctx = standalone_context(ws)
    for preset, code in WARM.items():  # scoring, sensitivity, fonts: as a running web app
        html_to_pdf(area_report_html(area_report(ctx, preset, code)))
    totals = []
    for preset, code in AREAS:  # none of these was warmed: their own work is timed
        wall, cpu = time.perf_counter(), time.process_time()
        report = area_report(ctx, preset, code)
        t_vm = time.perf_counter()
        html = area_report_html(report)
        t_html = time.perf_counter()
        pdf = html_to_pdf(html)
        end = time.perf_counter()
        totals.append(end - wall)
        print(f"  {preset:9} {code:11} view model {t_vm - wall:5.2f} s  html {t_html - t_vm:4.2f} s"
              f"  pdf {end - t_html:5.2f} s  total {end - wall:5.2f} s  cpu "
              f"{time.process_time() - cpu:5.2f} s  ({len(pdf) // 1024} kB)", flush=True)
    ws.close()
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing demo database (SQLite file)")
    parser.add_argument("--runs", type=int, default=3, help="CLI runs (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or build_demo(folder / "data")
        print(f"== CLI, cold ({args.runs} runs) · {load()}")
        cli, cpus = bench_cli(db, folder, args.runs)
        print(f"  wijkkompas report rotterdam WK059910: median {statistics.median(cli):.2f} s, "
              f"max {max(cli):.2f} s, cpu median {statistics.median(cpus):.2f} s · "
              f"aim < {CLI_AIM:.0f} s · {load()}")
        print(f"== area PDF, warm framework results · {load()}")
        totals = bench_warm(db)
        print(f"  area PDF: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s · "
              f"aim < {PDF_AIM:.0f} s · {load()}")
        met = statistics.median(cli) < CLI_AIM and max(totals) < PDF_AIM
        print("target met" if met else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
