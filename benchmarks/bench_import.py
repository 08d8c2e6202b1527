"""Benchmark: import a national-size CBS KWB table against its unavoidable costs.

    /work/venv/bin/python benchmarks/bench_import.py [--regions 17600] [--runs 3] [--profile]

Builds a kwb-2022 style table (about 17,600 regions x 120 columns, kwb short names) by
replicating the real rows of ``shared/data/raw/cbs_kwb2021_2022_wijk_capybara/data.csv``
under new, valid and unique GM/WK/BU codes (values, ``.`` and empty cells kept as published),
writes it as CSV into a temporary folder and times, in the same run:

1. ``pandas.read_csv`` of that file (the bare read);
2. ``Workspace.import_cbs`` of the file into a fresh SQLite database (the import; creating
   the empty database is not timed);
3. ``sqlite3.executemany`` of the same number of observation rows into an equivalent table
   (same columns, primary key, indexes, foreign keys and pragmas; rows prepared untimed):
   the write any importer must do.

and reports the median of ``--runs`` runs and the ratio import / (read_csv + bare write).
Target: ratio <= 3 and import < 15 s for the national table. ``--profile`` prints the
cProfile top functions of one extra import.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "raw" / "cbs_kwb2021_2022_wijk_capybara" / "data.csv"
LAST_KWB_COLUMN = "ste_oad"
WIJKEN_PER_GEMEENTE = 10
BUURTEN_PER_WIJK = 4
TARGET_RATIO = 3.0
TARGET_SECONDS = 15.0


# --- building the table ---------------------------------------------------------------------


def build_table(n_regions: int, out_dir: Path, source: Path = SOURCE) -> tuple[Path, int, int]:
    """Write ``kwb-2022.csv`` with about ``n_regions`` rows; return (path, rows, columns).

    Every municipality gets 10 wijken of 4 buurten each (51 rows); values are copied from
    real gemeente rows (for GM) and real wijk rows (for WK and BU), cycling through them.
    """
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    cols = list(raw.columns[: raw.columns.get_loc(LAST_KWB_COLUMN) + 1])
    raw = raw[cols]
    nl = raw[raw["recs"] == "Land"].iloc[:1]
    gm_pool = raw[raw["recs"] == "Gemeente"].reset_index(drop=True)
    wk_pool = raw[raw["recs"] == "Wijk"].reset_index(drop=True)
    per_gm = 1 + WIJKEN_PER_GEMEENTE * (1 + BUURTEN_PER_WIJK)
    n_gm = max(1, round((n_regions - 1) / per_gm))
    if n_gm > 9999:
        raise SystemExit("at most 9,999 municipalities (GM codes have four digits)")

    gm = np.arange(1, n_gm + 1)
    wk = np.arange(WIJKEN_PER_GEMEENTE)
    bu = np.arange(BUURTEN_PER_WIJK)
    gm_codes = np.char.add("GM", np.char.zfill(gm.astype(str), 4))
    gm_of_wk = np.repeat(gm, len(wk))
    wk_num = np.tile(wk, n_gm)
    wk_codes = np.char.add(np.char.add("WK", np.char.zfill(gm_of_wk.astype(str), 4)),
                           np.char.zfill(wk_num.astype(str), 2))
    gm_of_bu = np.repeat(gm_of_wk, len(bu))
    wk_of_bu = np.repeat(wk_num, len(bu))
    bu_num = np.tile(bu, len(gm_of_wk))
    bu_codes = np.char.add(
        np.char.add(np.char.add("BU", np.char.zfill(gm_of_bu.astype(str), 4)),
                    np.char.zfill(wk_of_bu.astype(str), 2)),
        np.char.zfill(bu_num.astype(str), 2),
    )

    def copy(pool: pd.DataFrame, codes: np.ndarray, kind: str, gm_numbers: np.ndarray
             ) -> pd.DataFrame:
        rows = pool.iloc[np.arange(len(codes)) % len(pool)].reset_index(drop=True)
        rows["gwb_code_10"] = codes
        rows["gwb_code"] = codes
        rows["gwb_code_8"] = [str(int(c[2:])) for c in codes]
        rows["recs"] = kind
        rows["gm_naam"] = gm_pool["regio"].to_numpy()[(gm_numbers - 1) % len(gm_pool)]
        return rows

    parts = [
        nl,
        copy(gm_pool, gm_codes, "Gemeente", gm),
        copy(wk_pool, wk_codes, "Wijk", gm_of_wk),
        copy(wk_pool.iloc[::-1], bu_codes, "Buurt", gm_of_bu),
    ]
    table = pd.concat(parts, ignore_index=True)
    # CBS order: gemeente, then its wijken each followed by their buurten.
    table = table.sort_values("gwb_code_10", key=_cbs_order, kind="stable")
    path = out_dir / "kwb-2022.csv"
    table.to_csv(path, index=False)
    return path, len(table), len(cols)


def _cbs_order(codes: pd.Series) -> pd.Series:
    digits = codes.str[2:].str.ljust(8, "0")
    rank = codes.str[:2].map({"NL": "0", "GM": "1", "WK": "2", "BU": "3"})
    return np.where(codes.str[:2] == "NL", "", digits + rank)


# --- the three timings ----------------------------------------------------------------------


def time_read_csv(path: Path) -> float:
    t0 = time.perf_counter()
    pd.read_csv(path)
    return time.perf_counter() - t0


def time_import(path: Path, work: Path, run: int) -> tuple[float, object]:
    from wijkkompas.settings import load_settings
    from wijkkompas.workspace import Workspace

    db = work / f"import-{run}.sqlite"
    settings = load_settings({}, data_dir=str(work), user="bench")
    ws = Workspace.open(db, settings=settings)  # schema + catalogue: not timed
    try:
        t0 = time.perf_counter()
        report = ws.import_cbs(path)
        return time.perf_counter() - t0, report
    finally:
        ws.close()


def bare_rows(n: int, n_areas: int, n_indicators: int) -> list[tuple]:
    """``n`` observation rows shaped like the import's, in primary-key order (the cheapest
    order for any writer; untimed)."""
    rng = np.random.default_rng(1)
    area = np.arange(n) // n_indicators + 1
    ind = np.arange(n) % n_indicators + 1
    values = rng.random(n) * 1000
    status = np.where(rng.random(n) < 0.25, "missing", "ok")
    value = np.where(status == "ok", values, np.nan)
    value_list = [None if np.isnan(v) else v for v in value.tolist()]
    return list(zip(area.tolist(), ind.tolist(), [2022] * n, value_list, status.tolist(),
                    [1] * n, strict=True))


def time_bare_write(rows: list[tuple], n_areas: int, n_indicators: int, work: Path,
                    run: int) -> float:
    """executemany into a table equivalent to ``observations`` (keys, indexes, FKs, pragmas)."""
    db = work / f"bare-{run}.sqlite"
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(
        """
        CREATE TABLE areas (id INTEGER PRIMARY KEY);
        CREATE TABLE indicators (id INTEGER PRIMARY KEY);
        CREATE TABLE import_runs (id INTEGER PRIMARY KEY);
        CREATE TABLE observations (
            area_id INTEGER NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
            indicator_id INTEGER NOT NULL REFERENCES indicators (id),
            year INTEGER NOT NULL,
            value FLOAT,
            status VARCHAR(12) NOT NULL,
            import_run_id INTEGER REFERENCES import_runs (id),
            PRIMARY KEY (area_id, indicator_id, year)
        );
        CREATE INDEX ix_observations_import_run_id ON observations (import_run_id);
        CREATE INDEX ix_observations_indicator_year ON observations (indicator_id, year);
        """
    )
    con.executemany("INSERT INTO areas VALUES (?)", [(i,) for i in range(1, n_areas + 1)])
    con.executemany("INSERT INTO indicators VALUES (?)",
                    [(i,) for i in range(1, n_indicators + 1)])
    con.execute("INSERT INTO import_runs VALUES (1)")
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO observations (area_id, indicator_id, year, value, status, import_run_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def profile_import(path: Path, work: Path, top: int = 25) -> str:
    from wijkkompas.settings import load_settings
    from wijkkompas.workspace import Workspace

    ws = Workspace.open(work / "profile.sqlite",
                        settings=load_settings({}, data_dir=str(work), user="bench"))
    prof = cProfile.Profile()
    try:
        prof.enable()
        ws.import_cbs(path)
        prof.disable()
    finally:
        ws.close()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- main -----------------------------------------------------------------------------------


def median_of(runs: int, fn: Callable[[int], float]) -> tuple[float, list[float]]:
    times = [fn(i) for i in range(runs)]
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", type=int, default=17_600,
                    help="number of regions (rows) of the table; default 17,600 (national)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--profile", action="store_true", help="profile one extra import")
    ap.add_argument("--source", type=Path, default=SOURCE, help="the real KWB rows")
    args = ap.parse_args(argv)
    if not args.source.exists():
        print(f"source data not found: {args.source}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="wijkkompas-bench-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        path, n_rows, n_cols = build_table(args.regions, work, args.source)
        size_mb = path.stat().st_size / 1e6
        print(f"table: {n_rows:,} regions x {n_cols} columns, {size_mb:.1f} MB "
              f"(built in {time.perf_counter() - t0:.1f} s)")

        read_med, read_all = median_of(args.runs, lambda i: time_read_csv(path))
        reports: list[object] = []

        def one_import(i: int) -> float:
            elapsed, report = time_import(path, work, i)
            reports.append(report)
            return elapsed

        imp_med, imp_all = median_of(args.runs, one_import)
        report = reports[0]
        n_obs = report.inserted  # type: ignore[attr-defined]
        n_areas = report.regions  # type: ignore[attr-defined]
        n_ind = report.indicators  # type: ignore[attr-defined]
        rows = bare_rows(n_obs, n_areas, n_ind)
        write_med, write_all = median_of(
            args.runs, lambda i: time_bare_write(rows, n_areas, n_ind, work, i))

        baseline = read_med + write_med
        ratio = imp_med / baseline
        print(f"observations written: {n_obs:,} ({n_areas:,} areas x {n_ind} indicators); "
              f"median of {args.runs} runs\n")
        print(f"{'measurement':<34} {'median s':>9}   runs")
        for name, med, allt in (
            ("pandas.read_csv", read_med, read_all),
            ("bare sqlite3 executemany", write_med, write_all),
            ("baseline (read_csv + bare write)", baseline, None),
            ("wijkkompas import_cbs", imp_med, imp_all),
        ):
            shown = ", ".join(f"{t:.2f}" for t in allt) if allt else ""
            print(f"{name:<34} {med:>9.2f}   {shown}")
        print(f"\nratio import / baseline: {ratio:.2f} (target <= {TARGET_RATIO:g}); "
              f"import / read_csv: {imp_med / read_med:.1f}")
        ok = ratio <= TARGET_RATIO and (n_rows < 17_000 or imp_med < TARGET_SECONDS)
        print("target met" if ok else "TARGET MISSED")
        if args.profile:
            print("\n" + profile_import(path, work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
