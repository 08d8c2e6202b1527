r"""Uncertainty and sensitivity analysis: how stable are ranks and tiers when weights and
methods vary? (JRC Handbook 2008, section 7; COINr ``get_sensitivity``.)

Design
------
Every draw ``d`` is one plausible variant of the framework:

* **Weights.** At every level with weights (indicators within a theme, themes within an
  opgave, opgaven within the overall index) the sibling weights are drawn from a Dirichlet
  distribution centred on the nominal weights :math:`\bar w` (normalised to sum 1, taken
  from the nominal run, so ``equal`` and ``pca`` weights are centres too):
  :math:`w \sim \mathrm{Dir}(c\,\bar w)`, so :math:`E[w_i] = \bar w_i` and

  .. math:: \mathrm{sd}(w_i) = \sqrt{\bar w_i (1 - \bar w_i) / (c + 1)}.

  Higher ``concentration`` :math:`c` = closer to nominal. For :math:`k` equal weights the
  relative spread is :math:`\mathrm{sd}(w_i)/\bar w_i = \sqrt{(k-1)/(c+1)}`; with
  :math:`c = 50`: ±14% (k=2), ±20% (k=3), ±24% (k=4), ±28% (k=5), ±42% (k=10) as one standard
  deviation, and the 90% interval of a weight is 0.69–1.34 times nominal for k=3 (0.58–1.49
  for k=5). COINr's ``NoiseFactor = 0.25`` (uniform ±25%, sd 14%) is close to
  :math:`c \approx 50` for two to three siblings. Zero nominal weights stay zero; a level
  with fewer than two positive weights does not vary. ``concentration=inf`` gives nominal.
* **Methods** (optional): ``methods={"normalise": [...], "aggregate": [...]}``; each draw
  picks one alternative per step, uniformly. An aggregation alternative applies at every
  level (themes, opgaven, overall) with the level's own ``min_share``. A normalisation
  alternative that is the framework's own method keeps its parameters, others use defaults.
* **Geomean policy.** The geometric mean needs positive values. When a normalisation gives
  values <= 0 in the scored year, ``minmax`` is replaced by ``minmax`` with ``low=1`` for
  the geomean draws only (COINr's advice, ``n_minmax`` onto [1, 100]); any other such
  combination (e.g. ``zscore`` + ``geomean``) is skipped with a warning, i.e. the draws pick
  uniformly among the remaining valid combinations.

Computation (vectorised): the normalised matrix of every normalisation alternative is
computed once by :func:`~wijkkompas.framework.score.score` (so anchoring, reference,
screening and imputation are exactly those of scoring). Per theme the scores of a block of
draws are matrix products ``(areas x indicators) @ (indicators x draws)``: the arithmetic mean
is :math:`(X_0 W) / (A W)` with :math:`X_0` the values with 0 for missing and :math:`A` the
availability mask (the same re-normalisation over available children and ``min_share`` rule
as :mod:`~wijkkompas.framework.aggregate`); the geometric mean uses logs,
:math:`\exp((L W)/(A W))`; TOPSIS uses :math:`d^- = \sqrt{R^2 W^{\circ 2}}` and
:math:`d^+ = \sqrt{(1-R)^2 W^{\circ 2}}`. Higher levels work element-wise on blocks of
``areas x draws``, bounded by ``cell_budget`` cells. The reference is carried as an extra
row, so threshold tiers relative to the reference follow each draw.

Outputs per node (opgave and overall) and area for one year: nominal rank (1 = highest
score, ties ``min``), median and 5%/95% rank quantiles, the probability of every priority tier
(the framework's rule applied per draw; the overall index gets tiers by the same rule),
the probability to be among the ``k`` areas with the most priority (``k`` = size of the
nominal first tier), and ``robust`` = first tier in at least ``robust_share`` of the draws.
Tier probabilities are over the draws in which the area gets a tier (``share_scored``).
Threshold tiers use cut points on the score scale of the framework's own normalisation; under
another normalisation they say little (a warning says so; ranks stay meaningful). With TOPSIS the
reference row's score per draw is its closeness in the year's min-max space (``score()``
averages a per-row back-calculation, which can differ slightly with missing data).

Drivers: first-order sensitivity index of every uncertain input :math:`X_i` (each weight,
each varied method) on the rank :math:`Y_a` of every area, from the same draws by binning
(variance of conditional means, :math:`B = 20` quantile bins, categories for methods):

.. math:: S_i = \frac{\sum_a \mathrm{Var}_{X_i}(E[Y_a \mid X_i])}{\sum_a \mathrm{Var}(Y_a)}

i.e. the share of all rank variance explained by :math:`X_i` alone (areas weighted by how much
their rank moves). Limits: sibling Dirichlet weights are negatively correlated (two siblings
are perfectly dependent), so an index is not "this weight alone" and the indices need not sum
to at most 1; the binning estimator has a positive bias of about ``noise`` =
:math:`(B - 1)/D` for an irrelevant input; interactions are not captured (no Saltelli
design as COINr's ``SA_type = "SA"``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.exportsafe import write_csv
from wijkkompas.framework._sa_kernels import (
    N_BINS,
    _Combo,
    _evaluate,
    _level_spec,
    _rank_stats,
    _row_quantiles,
    _Theme,
    _theme,
    _tiers,
    draw_weights,
    first_order_indices,
)
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.registry import AGGREGATE, NORMALISE
from wijkkompas.framework.result import ScoreResult, framework_provenance
from wijkkompas.framework.schema import Framework, StepSpec
from wijkkompas.framework.tiers import NO_TIER, assess

__all__ = ["SensitivityResult", "sensitivity", "draw_weights", "first_order_indices"]

Progress = Callable[[str], None]
ROBUST_SHARE = 0.9
CELL_BUDGET = 1 << 16
STEPS = ("normalise", "aggregate")


# --------------------------------------------------------------------------- result


@dataclass
class SensitivityResult:
    """Outcome of :func:`sensitivity` for one year.

    ``table``: one row per node (opgave, overall) and area; ``drivers``: node, input, kind,
    level, ``s_first``, ``noise``; ``ranks``: node -> ``(areas, draws)`` ranks per draw;
    ``draw_methods``: the method of every step per draw.
    """

    framework: Framework
    year: int
    table: pd.DataFrame
    drivers: pd.DataFrame
    nominal_scores: pd.DataFrame
    ranks: dict[str, np.ndarray]
    draw_methods: pd.DataFrame
    tier_labels: list[str]
    top_k: dict[str, int]
    draws: int
    concentration: float
    seed: int
    methods: dict[str, list[str]]
    robust_share: float
    data_fingerprint: str
    warnings: list[str]
    seconds: float
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_frame(self) -> pd.DataFrame:
        """The per-area table (a copy)."""
        return self.table.copy()

    def ranking(self, node: str) -> pd.DataFrame:
        """One node's areas, most priority first (nominal)."""
        rows = self.table[self.table["node"] == node]
        if rows.empty:
            from wijkkompas.errors import NotFound

            raise NotFound(f"onbekende opgave {node!r}")
        return rows.sort_values(["priority_rank", "name"], na_position="last")

    def provenance(self) -> dict[str, str]:
        methods = "; ".join(f"{k}={','.join(v)}" for k, v in self.methods.items()) or "-"
        return {
            **framework_provenance(self.framework, self.data_fingerprint, self.created),
            "year": str(self.year),
            "draws": str(self.draws),
            "concentration": f"{self.concentration:g}",
            "seed": str(self.seed),
            "methods": methods,
            "robust_share": f"{self.robust_share:g}",
        }

    def _write(self, frame: pd.DataFrame, path: str | Path) -> Path:
        path = Path(path)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write_csv(fh, frame, self.provenance())
        return path

    def to_csv(self, path: str | Path) -> Path:
        """Write the per-area table with the provenance as ``#`` comment lines."""
        return self._write(self.table, path)

    def drivers_to_csv(self, path: str | Path) -> Path:
        """Write the drivers table with the provenance as ``#`` comment lines."""
        return self._write(self.drivers, path)


# --------------------------------------------------------------------------- the analysis


def _check(draws: int, concentration: float, robust_share: float,
           methods: dict[str, list[str]] | None) -> dict[str, list[str]]:
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise FrameworkError(f"draws moet een geheel getal >= 1 zijn (kreeg {draws!r})")
    if not concentration > 0:
        raise FrameworkError(f"concentration moet > 0 zijn (kreeg {concentration!r})")
    if not 0 < robust_share <= 1:
        raise FrameworkError(f"robust_share ligt tussen 0 en 1 (kreeg {robust_share!r})")
    out: dict[str, list[str]] = {}
    for step, alts in (methods or {}).items():
        if step not in STEPS:
            raise FrameworkError(f"te variëren stap {step!r} onbekend; kies uit: "
                                 f"{', '.join(STEPS)}")
        registry = NORMALISE if step == "normalise" else AGGREGATE
        for alt in alts:
            registry.get(alt, f"{step}: ")
        if alts:
            out[step] = list(dict.fromkeys(alts))
    return out


def sensitivity(fw: Framework, data: ScoringData, *, draws: int = 1000,
                concentration: float = 50.0, methods: dict[str, list[str]] | None = None,
                year: int | None = None, seed: int = 0, top_k: int | None = None,
                robust_share: float = ROBUST_SHARE, drivers: bool = True,
                cell_budget: int = CELL_BUDGET, progress: Progress | None = None
                ) -> SensitivityResult:
    """Uncertainty and sensitivity of ranks and tiers under varied weights and methods.

    Parameters
    ----------
    fw, data
        The framework and its data, as for :func:`~wijkkompas.framework.score.score`.
    draws
        Number of Monte Carlo draws ``D``.
    concentration
        Dirichlet concentration ``c`` (higher = closer to the nominal weights; see the module
        docstring for the spread it gives).
    methods
        Alternatives per step, e.g. ``{"normalise": ["minmax", "zscore", "rank"],
        "aggregate": ["mean", "geomean"]}``; ``None``: weights only.
    year
        Year to analyse (default: the last scored year).
    seed
        Seed of the random generator; the same seed gives the same result.
    top_k
        ``k`` for ``p_top_k`` (default: the size of the nominal first tier per node).
    robust_share
        An area is ``robust`` when it is in the first tier in at least this share of draws.
    drivers
        Estimate first-order sensitivity indices.
    cell_budget
        Maximum ``areas x draws`` cells per block: bounds memory (default 65,536 cells =
        512 KB per array, cache-friendly).
    progress
        Receives short progress messages.

    Returns
    -------
    SensitivityResult
    """
    from wijkkompas.framework.score import score

    start = time.perf_counter()
    methods = _check(draws, concentration, robust_share, methods)
    fw = fw.for_own_level()
    notes: list[str] = []

    def warn(message: str) -> None:
        if message not in notes:
            notes.append(message)

    if progress:
        progress("nominale berekening")
    nominal = score(fw, data)
    year = year or nominal.years[-1]
    if year not in nominal.years:
        raise FrameworkError(f"jaar {year} niet gescoord (jaren: "
                             f"{', '.join(map(str, nominal.years))})")
    areas = list(nominal.scores.xs(year, level="year").index)
    n = len(areas)
    rule = fw.priority
    nodes = [op.code for op in fw.opgaven] + ([fw.overall.code] if fw.overall else [])
    high = {op.code: op.priority_when == "high" for op in fw.opgaven}
    high.update({fw.overall.code: False} if fw.overall else {})

    # --- method combinations (one normalised matrix per normalisation variant)
    cache: dict[str, ScoreResult | None] = {}

    def normalised(spec: StepSpec) -> ScoreResult | None:
        key = repr((spec.method, sorted(spec.params.items())))
        if key not in cache:
            if spec == fw.steps.normalise:
                cache[key] = nominal
            else:
                if progress:
                    progress(f"normaliseren met {spec.method}")
                variant = fw.model_copy(update={"steps": fw.steps.model_copy(
                    update={"normalise": spec})})
                try:
                    cache[key] = score(variant, data)
                except FrameworkError as exc:
                    warn(f"normalisatie {spec.method} overgeslagen: {exc}")
                    cache[key] = None
        return cache[key]

    def build(res: ScoreResult, agg: str | None, labels: dict[str, str]) -> _Combo | None:
        rows = res.normalised.xs(year, level="year").reindex(areas)
        ref = res.reference_normalised
        specs = {op.code: _level_spec(op.aggregate or fw.steps.aggregate, agg)
                 for op in fw.opgaven}
        if fw.overall is not None:
            specs[fw.overall.code] = _level_spec(fw.overall.aggregate, agg)
        themes: dict[str, _Theme] = {}
        for op in fw.opgaven:
            for th in op.themes:
                cols = [i.code for i in th.indicators]
                x = np.vstack([rows[cols].to_numpy(dtype=float),
                               ref.reindex(cols).to_numpy(dtype=float)[None, :]])
                t = _theme(x, n, *specs[op.code])
                if t is None:
                    return None
                themes[th.code] = t
        return _Combo(labels, themes, specs)

    own = fw.steps.normalise
    own_combo = build(nominal, None, {})
    if own_combo is None:
        raise FrameworkError("geomean: waarden <= 0 na normalisatie; kies minmax met low=1")
    combos: list[_Combo] = []
    for norm, agg in product(methods.get("normalise", [own.method]),
                             methods.get("aggregate", [None])):
        labels = {"normalise": norm, "aggregate": agg or "eigen"}
        spec = own if norm == own.method else StepSpec(method=norm)
        res = normalised(spec)
        combo = build(res, agg, labels) if res is not None else None
        if combo is None and res is not None and norm == "minmax":
            lifted = StepSpec(method="minmax", params={**spec.params, "low": 1.0})
            res = normalised(lifted)
            combo = build(res, agg, labels) if res is not None else None
            if combo is not None:
                warn(f"{agg}: minmax met low=1 gebruikt (meetkundig gemiddelde vraagt "
                     "waarden > 0)")
        if combo is None and res is not None:
            warn(f"combinatie {norm} + {agg} overgeslagen: waarden <= 0 na normalisatie")
        if combo is not None:
            combos.append(combo)
    if not combos:
        raise FrameworkError("geen enkele geldige combinatie van methoden")
    if rule.type == "threshold" and set(methods.get("normalise", [own.method])) - {own.method}:
        warn("drempels van de prioriteitsregel gelden op de schaal van de eigen normalisatie; "
             "klassekansen onder andere normalisaties zeggen weinig (rangen wel)")

    # --- weight draws, then method choices (fixed order: reproducible per seed)
    rng = np.random.default_rng(seed)
    groups: list[tuple[str, str, list[str], str]] = []
    for op in fw.opgaven:
        groups += [(th.code, "indicator", [i.code for i in th.indicators], op.code)
                   for th in op.themes]
        groups.append((op.code, "thema", [th.code for th in op.themes], op.code))
    if fw.overall is not None:
        groups.append((fw.overall.code, "opgave", [op.code for op in fw.opgaven],
                       fw.overall.code))
    wnom: dict[str, np.ndarray] = {}
    wdraw: dict[str, np.ndarray] = {}
    for key, _, children, _ in groups:
        nom = nominal.weights[key].reindex(children).to_numpy(dtype=float)
        wnom[key] = (nom / nom.sum())[:, None]
        wdraw[key] = draw_weights(nom, concentration, draws, rng)
    choice = rng.integers(len(combos), size=draws) if len(combos) > 1 else \
        np.zeros(draws, dtype=int)

    # --- nominal evaluation (reproduces score(); see the tests) and tiers
    small = np.zeros(n, dtype=bool)
    if nominal.assessment is not None:
        reason = assess(rule, nominal.assessment).xs(year, level="year").reindex(areas)
        small = reason.notna().to_numpy(dtype=bool)
    nom_sc = _evaluate(fw, own_combo, wnom, n, warn)
    labels = rule.tier_labels()
    nom_tier: dict[str, np.ndarray] = {}
    nom_need: dict[str, np.ndarray] = {}
    k: dict[str, int] = {}
    for node in nodes:
        s = nom_sc[node]
        codes, need, _ = _tiers(s[:n].T, s[n], rule, high[node], small)
        nom_tier[node], nom_need[node] = codes[0], need[0]
        k[node] = top_k if top_k is not None else max(int((codes[0] == 0).sum()), 1)

    # --- the draws: per method combination, blocks of draws
    ranks = {node: np.full((n, draws), np.nan, dtype=np.float32) for node in nodes}
    counts = {node: np.zeros((n, len(labels))) for node in nodes}
    in_top = {node: np.zeros(n) for node in nodes}
    block = max(1, cell_budget // (n + 1))
    done = 0
    for ci, combo in enumerate(combos):
        idx = np.flatnonzero(choice == ci)
        for lo in range(0, len(idx), block):
            cols = idx[lo:lo + block]
            sc = _evaluate(fw, combo, {key: w[:, cols] for key, w in wdraw.items()}, n, warn)
            for node in nodes:
                s = sc[node]
                codes, need, desc = _tiers(s[:n].T, s[n], rule, high[node], small)
                ranks[node][:, cols] = desc.T
                for t in range(len(labels)):
                    counts[node][:, t] += (codes == t).sum(axis=0)
                in_top[node] += (need <= k[node]).sum(axis=0)
            done += len(cols)
            if progress and (done == draws or lo == 0):
                progress(f"trekkingen {done}/{draws}")

    draw_methods = pd.DataFrame({step: [combos[c].labels[step] for c in choice]
                                 for step in methods})
    table = _table(fw, nominal, year, areas, nodes, nom_sc, nom_tier, nom_need, ranks, counts,
                   in_top, k, labels, small, robust_share)
    driver_table = pd.DataFrame(columns=["node", "input", "kind", "level", "s_first", "noise"])
    if drivers:
        if progress:
            progress("gevoeligheidsindices")
        driver_table = _drivers(fw, nodes, groups, wdraw, draw_methods, ranks, draws)
    return SensitivityResult(
        framework=fw, year=int(year), table=table, drivers=driver_table,
        nominal_scores=pd.DataFrame({c: v[:n, 0] for c, v in nom_sc.items()},
                                    index=pd.Index(areas, name="area_code")),
        ranks=ranks, draw_methods=draw_methods, tier_labels=labels, top_k=k, draws=draws,
        concentration=float(concentration), seed=seed, methods=methods,
        robust_share=robust_share, data_fingerprint=nominal.data_fingerprint,
        warnings=list(nominal.warnings) + notes, seconds=time.perf_counter() - start)


def _table(fw: Framework, nominal: ScoreResult, year: int, areas: list[str], nodes: list[str],
           nom_sc: dict[str, np.ndarray], nom_tier: dict[str, np.ndarray],
           nom_need: dict[str, np.ndarray], ranks: dict[str, np.ndarray],
           counts: dict[str, np.ndarray], in_top: dict[str, np.ndarray], k: dict[str, int],
           labels: list[str], small: np.ndarray, robust_share: float) -> pd.DataFrame:
    n = len(areas)
    draws = next(iter(ranks.values())).shape[1]
    names = {op.code: op.name for op in fw.opgaven}
    if fw.overall is not None:
        names[fw.overall.code] = fw.overall.name
    area_names = nominal.areas["name"].reindex(areas).to_numpy(dtype=object)
    parts = []
    for node in nodes:
        q = _row_quantiles(ranks[node], [0.5, 0.05, 0.95])
        scored = counts[node].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = counts[node] / np.where(scored > 0, scored, np.nan)[:, None]
        tier = np.array([labels[c] if c >= 0 else None for c in nom_tier[node]], dtype=object)
        tier[small & ~np.isnan(nom_sc[node][:n, 0])] = NO_TIER
        _, desc, _ = _rank_stats(nom_sc[node][:n].T)
        frame = pd.DataFrame({
            "node": node, "node_name": names[node], "area_code": areas, "name": area_names,
            "nominal_score": nom_sc[node][:n, 0], "nominal_rank": desc[0],
            "priority_rank": nom_need[node], "median_rank": q[:, 0], "rank_p05": q[:, 1],
            "rank_p95": q[:, 2], "nominal_tier": tier,
        })
        for t, label in enumerate(labels):
            frame[f"p[{label}]"] = p[:, t]
        frame["p_top_k"] = np.where(scored > 0, in_top[node] / draws, np.nan)
        frame["k"] = k[node]
        frame["robust"] = np.nan_to_num(p[:, 0]) >= robust_share
        frame["share_scored"] = scored / draws
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _drivers(fw: Framework, nodes: list[str], groups: list[tuple[str, str, list[str], str]],
             wdraw: dict[str, np.ndarray], draw_methods: pd.DataFrame,
             ranks: dict[str, np.ndarray], draws: int) -> pd.DataFrame:
    bins = max(2, min(N_BINS, draws // 10))
    overall = fw.overall.code if fw.overall is not None else None
    parts = []
    for node in nodes:
        inputs: dict[str, np.ndarray] = {}
        meta: dict[str, tuple[str, str]] = {}
        for key, level, children, owner in groups:
            if node != overall and owner != node:
                continue
            w = wdraw[key]
            if np.ptp(w, axis=1).max() <= 0:
                continue
            for j, child in enumerate(children):
                inputs[f"{key}/{child}"] = w[j]
                meta[f"{key}/{child}"] = ("gewicht", level)
        for step in draw_methods.columns:
            if draw_methods[step].nunique() > 1:
                inputs[step] = draw_methods[step].to_numpy()
                meta[step] = ("methode", step)
        if not inputs:
            continue
        s = first_order_indices(ranks[node], inputs, bins=bins,
                                categorical=set(draw_methods.columns))
        s["node"] = node
        s["kind"] = [meta[i][0] for i in s.index]
        s["level"] = [meta[i][1] for i in s.index]
        parts.append(s.reset_index().sort_values("s_first", ascending=False))
    if not parts:
        return pd.DataFrame(columns=["node", "input", "kind", "level", "s_first", "noise"])
    return pd.concat(parts, ignore_index=True)[["node", "input", "kind", "level", "s_first",
                                                "noise"]]
