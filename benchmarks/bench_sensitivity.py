"""Benchmark: a 1,000-draw weight sensitivity analysis at national scale.

    /work/venv/bin/python benchmarks/bench_sensitivity.py [--areas 14500] [--draws 1000]
                                                           [--pymcdm-draws 3]

Synthetic case: ``--areas`` wijken x 60 indicators (6 themes of 10), one year, one opgave,
minmax + weighted mean, quantile tiers, about 1% missing values. Times, in the same run:

1. ``score()`` once (the nominal run that ``sensitivity()`` starts with);
2. ``sensitivity(draws=1000)`` (weights only): total and total minus (1);
3. a batched-numpy baseline of the same draw computation, written plainly here on the
   normalised matrix: Dirichlet weights, per-theme matrix products with missing-data
   re-normalisation, opgave mean, ranks (argsort), 5/50/95% rank quantiles, first-tier
   probabilities and binned first-order indices;
4. a loop over pymcdm (``WSM`` per theme and for the opgave, ``rrankdata``) for a few draws,
   extrapolated to ``--draws``.

Targets: (2 minus 1) <= 2 x (3); (4) >= 50 x (2 minus 1).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.schema import parse_framework
from wijkkompas.framework.score import score
from wijkkompas.framework.sensitivity import sensitivity

YEAR = 2024
THEMES, PER_THEME = 6, 10


def build(n_areas: int, seed: int = 0) -> tuple[ScoringData, object]:
    rng = np.random.default_rng(seed)
    codes = [f"WK{m:04d}{w:02d}" for m in range(1, n_areas // 10 + 2) for w in range(10)]
    codes = codes[:n_areas]
    inds = [f"x{i:02d}" for i in range(THEMES * PER_THEME)]
    x = rng.normal(50, 15, (n_areas, len(inds)))
    x[rng.uniform(size=x.shape) < 0.01] = np.nan
    obs = pd.DataFrame({
        "area_code": np.repeat(codes, len(inds)), "indicator": np.tile(inds, n_areas),
        "year": YEAR, "value": x.ravel()})
    obs["status"] = np.where(obs["value"].isna(), "missing", "ok")
    areas = pd.DataFrame({"name": codes, "level": "district",
                          "municipality_code": [f"GM{c[2:6]}" for c in codes]},
                         index=pd.Index(codes, name="area_code"))
    fw = parse_framework({
        "format_version": 1, "id": "bench", "name": "bench", "level": "district",
        "priority": {"type": "quantile", "cuts": [0.1, 0.3]},
        "opgaven": [{"code": "o", "name": "O", "themes": [
            {"code": f"t{t}", "name": f"t{t}", "indicators": [
                {"code": inds[t * PER_THEME + i], "weight": 1.0 + (i % 3),
                 "direction": "higher_better"} for i in range(PER_THEME)]}
            for t in range(THEMES)]}]})
    return ScoringData(obs, areas), fw


def baseline(norm: np.ndarray, theme_w: list[np.ndarray], draws: int, conc: float,
             seed: int) -> np.ndarray:
    """The same draw computation in plain batched numpy (no chunking, no checks)."""
    rng = np.random.default_rng(seed)
    n = norm.shape[0]
    wt = [rng.dirichlet(conc * w / w.sum(), size=draws).T for w in theme_w]
    wo = rng.dirichlet(conc * np.full(THEMES, 1 / THEMES), size=draws).T
    num = np.zeros((n, draws))
    share = np.zeros((n, draws))
    for t in range(THEMES):
        x = norm[:, t * PER_THEME:(t + 1) * PER_THEME]
        avail = ~np.isnan(x)
        s = (np.where(avail, x, 0.0) @ wt[t]) / (avail @ wt[t])
        num += wo[t] * s
        share += wo[t]
    scores = num / share
    order = np.argsort(-scores, axis=0)
    ranks = np.empty_like(scores)
    np.put_along_axis(ranks, order, np.arange(1, n + 1, dtype=float)[:, None], axis=0)
    np.quantile(ranks, [0.05, 0.5, 0.95], axis=1)
    (ranks > 0.9 * n).mean(axis=1)
    # first-order indices by 20 quantile bins for every weight
    inputs = [w for group in wt + [wo] for w in group]
    yc = ranks - ranks.mean(axis=1, keepdims=True)
    onehot = np.zeros((draws, 20 * len(inputs)), dtype=np.float32)
    for j, w in enumerate(inputs):
        onehot[np.arange(draws), 20 * j + np.argsort(np.argsort(w)) * 20 // draws] = 1.0
    sums = yc.astype(np.float32) @ onehot
    return (sums.astype(float) ** 2).sum(axis=0) / (yc**2).sum()


def pymcdm_loop(norm: np.ndarray, theme_w: list[np.ndarray], draws: int, conc: float) -> None:
    from pymcdm.helpers import rrankdata
    from pymcdm.methods import WSM

    rng = np.random.default_rng(0)
    filled = np.where(np.isnan(norm), np.nanmean(norm, axis=0), norm) + 1.0  # pymcdm: no NaN
    wsm = WSM()
    for _ in range(draws):
        theme_scores = []
        for t, w in enumerate(theme_w):
            wd = rng.dirichlet(conc * w / w.sum())
            x = filled[:, t * PER_THEME:(t + 1) * PER_THEME]
            theme_scores.append(wsm(x, wd, np.ones(PER_THEME, dtype=int)))
        wo = rng.dirichlet(np.full(THEMES, conc / THEMES))
        total = wsm(np.column_stack(theme_scores), wo, np.ones(THEMES, dtype=int))
        rrankdata(total)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--areas", type=int, default=14_500)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--pymcdm-draws", type=int, default=3)
    ap.add_argument("--concentration", type=float, default=50.0)
    args = ap.parse_args()
    data, fw = build(args.areas)
    print(f"{args.areas} gebieden x {THEMES * PER_THEME} indicatoren, {args.draws} trekkingen")

    t0 = time.perf_counter()
    nominal = score(fw, data)
    t_score = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = sensitivity(fw, data, draws=args.draws, concentration=args.concentration)
    t_sa = time.perf_counter() - t0
    t_core = t_sa - t_score

    norm = nominal.normalised.xs(YEAR, level="year").to_numpy(dtype=float)
    theme_w = [nominal.weights[f"t{t}"].to_numpy(dtype=float) for t in range(THEMES)]
    t0 = time.perf_counter()
    baseline(norm, theme_w, args.draws, args.concentration, 0)
    t_base = time.perf_counter() - t0

    t0 = time.perf_counter()
    pymcdm_loop(norm, theme_w, args.pymcdm_draws, args.concentration)
    t_pymcdm = (time.perf_counter() - t0) / args.pymcdm_draws * args.draws

    print(f"score() (nominaal, eenmalig)          {t_score:8.2f} s")
    print(f"sensitivity() totaal                  {t_sa:8.2f} s")
    print(f"sensitivity() trekkingen (tot - score) {t_core:7.2f} s")
    print(f"baseline batched numpy                {t_base:8.2f} s")
    print(f"pymcdm-lus (geëxtrapoleerd)           {t_pymcdm:8.2f} s")
    ratio = t_core / t_base
    speed = t_pymcdm / t_core
    print(f"ratio trekkingen / baseline           {ratio:8.2f}  (doel <= 2)")
    print(f"ratio totaal / baseline               {t_sa / t_base:8.2f}")
    print(f"pymcdm / trekkingen                   {speed:8.1f}x (doel >= 50)")
    print(f"pymcdm / totaal                       {t_pymcdm / t_sa:8.1f}x")
    print("doelen gehaald" if ratio <= 2 and speed >= 50 else "DOEL GEMIST")
    assert len(res.table) == args.areas


if __name__ == "__main__":
    main()
