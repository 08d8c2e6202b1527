"""Load benchmark of the web app: concurrent clients on loopback against the demo database.

    /work/venv/bin/python benchmarks/bench_web.py [--clients 20] [--seconds 30] [--db PATH]

Builds the demo database (unless ``--db`` is given), starts ``uvicorn`` in a separate process
on 127.0.0.1:<free port> (``--workers`` processes, as ``wijkkompas serve``), warms every page once, then
runs ``--clients`` concurrent asyncio clients (httpx, one connection each) for ``--seconds``,
each cycling through the page mix below. Reports per page: requests, p50, p95, max (ms) and
errors; then the map payload (the plotly figure JSON embedded in the overview) per demo
municipality at wijk and buurt level.

Targets (issue 4): p95 < 200 ms for overview and profile on a 2-core machine; the map payload
of one municipality at buurt level < 500 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

PAGES: dict[str, list[str]] = {
    "overzicht": ["/?gemeente=GM0599", "/?gemeente=GM0014", "/?gemeente=GM0153&opgave=potentie",
                  "/?gemeente=GM0106&niveau=buurt"],
    "gebiedsprofiel": ["/gebied/WK059901", "/gebied/WK001401", "/gebied/WK015300",
                       "/gebied/BU05990110"],
    "kader (pagina)": ["/kader/rotterdam", "/kader/assen"],
    "kader wat-als (htmx)": ["/kader/rotterdam/wat-als?w.fysiek_wonen={w}",
                             "/kader/groningen/wat-als?w.fysiek_wonen={w}&aggregate=topsis"],
    "data": ["/data"],
    "api overzicht": ["/api/v1/overzicht?gemeente=GM0599"],
    "api gebied": ["/api/v1/gebied/WK059901"],
    "api wat-als": ["/api/v1/kader/rotterdam/whatif?w.{t}=2"],
    "api ranglijst.csv": ["/api/v1/ranglijst.csv?gemeente=GM0014"],
}
HTMX = {"HX-Request": "true"}
MUNICIPALITIES = {"GM0599": "Rotterdam", "GM0014": "Groningen", "GM0153": "Enschede",
                  "GM0106": "Assen"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(data_dir: Path) -> Path:
    env = {**os.environ, "WIJKKOMPAS_DATA_DIR": str(data_dir)}
    cli = Path(sys.executable).with_name("wijkkompas")
    subprocess.run([str(cli), "demo", "--fresh", "--no-serve"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return data_dir / "demo.sqlite"


def start_server(db: Path, data_dir: Path, port: int, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "WIJKKOMPAS_DATABASE_URL": f"sqlite:///{db}",
           "WIJKKOMPAS_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                             "wijkkompas.web:create_app", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", str(workers), "--log-level", "warning"],
                            env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/data", timeout=5)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("uvicorn did not start")


def theme_codes(base: str) -> list[str]:
    data = httpx.get(f"{base}/api/v1/kader/rotterdam/whatif", timeout=30).json()
    return [c["code"] for c in data["controls"] if c["level"] == "thema"]


def expand(template: str, i: int, themes: list[str]) -> str:
    # A small set of weights (some repeat: slider moved back and forth), so the what-if
    # answers are a mix of cache hits and fresh re-scorings.
    return template.format(w=[0.5, 1.5, 2, 3, 4][i % 5], t=themes[i % len(themes)])


async def client(base: str, deadline: float, timings: dict[str, list[float]],
                 errors: dict[str, int], seed: int, themes: list[str]) -> None:
    rng = np.random.default_rng(seed)
    names = list(PAGES)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        i = seed
        while time.perf_counter() < deadline:
            name = names[int(rng.integers(len(names)))]
            urls = PAGES[name]
            url = expand(urls[int(rng.integers(len(urls)))], i, themes)
            i += 1
            headers = HTMX if "wat-als" in url and "/api/" not in url else None
            start = time.perf_counter()
            try:
                r = await http.get(url, headers=headers)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            timings[name].append((time.perf_counter() - start) * 1000)
            if not ok:
                errors[name] += 1


def map_payloads(base: str) -> list[tuple[str, str, int, int]]:
    out = []
    for code, name in MUNICIPALITIES.items():
        for level in ("wijk", "buurt"):
            html = httpx.get(f"{base}/?gemeente={code}&niveau={level}", timeout=60).text
            m = re.search(r'<script type="application/json" id="kaart-data">(.*?)</script>',
                          html, re.S)
            size = len(m.group(1).encode()) if m else 0
            out.append((name, level, size, len(html.encode())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--db", type=Path, default=None, help="existing demo database")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (as 'wijkkompas serve --workers')")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wk-bench-") as tmp:
        data_dir = Path(tmp)
        db = args.db or build_demo(data_dir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(db, data_dir, port, args.workers)
        try:
            themes = theme_codes(base)
            print(f"server {base}, demo db {db}, {os.cpu_count()} CPUs; warming up ...")
            for urls in PAGES.values():  # every page once (scores, maps, sensitivity)
                for url in urls:
                    httpx.get(base + expand(url, 0, themes), timeout=120,
                              headers=HTMX if "wat-als" in url and "/api/" not in url else None)
            timings: dict[str, list[float]] = {n: [] for n in PAGES}
            errors: dict[str, int] = dict.fromkeys(PAGES, 0)
            deadline = time.perf_counter() + args.seconds

            async def run() -> None:
                await asyncio.gather(*(client(base, deadline, timings, errors, i, themes)
                                       for i in range(args.clients)))

            start = time.perf_counter()
            asyncio.run(run())
            wall = time.perf_counter() - start
            total = sum(len(t) for t in timings.values())
            print(f"\n{args.clients} clients, {wall:.1f} s, {total} requests "
                  f"({total / wall:.0f} req/s)\n")
            print(f"{'page':24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
            for name, t in timings.items():
                if not t:
                    continue
                a = np.array(t)
                print(f"{name:24} {len(a):6d} {np.percentile(a, 50):8.1f} "
                      f"{np.percentile(a, 95):8.1f} {a.max():8.1f} {errors[name]:6d}")
            print("\nmap payload (plotly figure JSON in the overview page)")
            print(f"{'municipality':14} {'level':6} {'map KB':>8} {'page KB':>8}")
            for name, level, size, page in map_payloads(base):
                print(f"{name:14} {level:6} {size / 1024:8.1f} {page / 1024:8.1f}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
