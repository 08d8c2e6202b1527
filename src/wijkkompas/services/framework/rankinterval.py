"""Rank interval of an area from the sensitivity analysis (for the area profile).

The framework of the area's municipality is re-scored under :data:`DRAWS` random weightings
around the chosen weights (:func:`wijkkompas.framework.sensitivity.sensitivity`, Dirichlet
draws, fixed seed, so the numbers are reproducible). Per opgave the view shows the median rank,
the 5–95% interval of the rank, and the share of draws in which the area lands in the first
priority tier. The analysis runs once per framework and data version (cached); it takes a few
hundred milliseconds, so the profile starts it in the background (:func:`prepare`, one
computation per key however many profiles ask) and loads it lazily (htmx) until it is ready; a
request for the interval itself waits for that same computation.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from wijkkompas.formatting import percent
from wijkkompas.i18n import _
from wijkkompas.services.shared.context import DEFAULT_PRESETS, ViewContext, link

DRAWS = 300
CONCENTRATION = 50.0
SEED = 0


@dataclass
class RankIntervalRow:
    opgave: str
    name: str
    nominal_rank: int | None
    median_rank: int | None
    rank_p05: int | None
    rank_p95: int | None
    n_ranked: int
    p_first_tier: float | None
    p_first_tier_text: str
    first_tier: str
    robust: bool
    text: str


@dataclass
class RankIntervalView:
    code: str
    scored_area: str | None
    name: str
    kader: str | None
    year: int | None
    draws: int
    concentration: float
    rows: list[RankIntervalRow]
    explanation: str
    notice: str | None
    seconds: float
    url: str


def _key(ctx: ViewContext, preset: str) -> tuple:
    return ("sensitivity", preset, ctx.framework(preset).fingerprint(), DRAWS, SEED)


def _compute(ctx: ViewContext, preset: str):  # noqa: ANN202 (a factory of SensitivityResult)
    from wijkkompas.services.framework.scoring import sensitivity_workspace

    fw = ctx.framework(preset)
    return lambda: sensitivity_workspace(ctx.ws, fw, draws=DRAWS, concentration=CONCENTRATION,
                                         seed=SEED)


def _analysis(ctx: ViewContext, preset: str):  # noqa: ANN202 (SensitivityResult)
    return ctx._cached(*_key(ctx, preset), factory=_compute(ctx, preset))


def prepare(ctx: ViewContext, code: str) -> bool:
    """Whether the area's interval is ready to show inline; when it is not, its analysis is
    started in a background thread (unless it is running already)."""
    try:
        preset, scored, _name = _target(ctx, code)
    except Exception:  # noqa: BLE001 - the profile reports unknown areas itself
        return False
    if preset is None or scored is None:
        return True
    kind, *parts = _key(ctx, preset)
    return ctx.cache.start((kind, ctx.db_key, ctx.version(), *parts), _compute(ctx, preset))


def cached_view(ctx: ViewContext, code: str) -> RankIntervalView:
    """:func:`rank_interval` from the view cache (per area, language and data version)."""
    return ctx.view("rankinterval", code, factory=lambda: rank_interval(ctx, code))


def _target(ctx: ViewContext, code: str, kader: str | None = None
            ) -> tuple[str | None, str | None, str]:
    """(preset, scored area, area name): a buurt is shown with its wijk's interval when the
    framework scores wijken."""
    area = ctx.area(code)
    code = str(area.name)
    preset = kader or DEFAULT_PRESETS.get(str(area.get("municipality_code") or ""))
    if preset is None:
        return None, None, str(area["name"])
    level = ctx.framework(preset).level
    if area["level"] == level:
        return preset, code, str(area["name"])
    if area["level"] == "neighbourhood" and level == "district":
        parent = area.get("parent_code")
        if isinstance(parent, str):
            return preset, parent, str(area["name"])
    return preset, None, str(area["name"])


def is_cached(ctx: ViewContext, code: str) -> bool:
    """Whether the interval is ready without computing (the profile then shows it inline)."""
    try:
        preset, scored, _name = _target(ctx, code)
    except Exception:  # noqa: BLE001 - the profile reports unknown areas itself
        return False
    if preset is None or scored is None:
        return True
    kind, *parts = _key(ctx, preset)
    return ctx.cache.peek((kind, ctx.db_key, ctx.version(), *parts))


def _int(value: float) -> int | None:
    return None if value is None or not math.isfinite(value) else int(round(value))


def rank_interval(ctx: ViewContext, code: str, kader: str | None = None) -> RankIntervalView:
    """Median rank, 5–95% rank interval and P(first tier) per opgave for one area
    (``kader``: the framework to analyse; default the municipality's own)."""
    start = time.perf_counter()
    preset, scored, name = _target(ctx, code, kader)
    explanation = _(
        "Hoe zeker is de plaats van dit gebied in de ranglijst? Het afwegingskader is {n} keer "
        "opnieuw doorgerekend met willekeurig gevarieerde gewichten rond de gekozen gewichten. "
        "De mediaan is de middelste rang, het interval loopt van de 5% beste tot de 5% "
        "slechtste uitkomsten; prioriteit 1 is het meest urgente gebied (de laagste score). "
        "De kans op de eerste klasse is het "
        "deel van de berekeningen waarin het gebied in de eerste prioriteitsklasse valt."
    ).format(n=DRAWS)
    url = link(f"/gebied/{code}/ranginterval")
    if preset is None or scored is None:
        return RankIntervalView(code, None, name, preset, None, DRAWS, CONCENTRATION, [],
                                explanation, _("Voor dit gebied is geen rangonzekerheid "
                                               "beschikbaar (geen afwegingskader op dit "
                                               "niveau)."), 0.0, url)
    result = _analysis(ctx, preset)
    table = result.table
    first = result.tier_labels[0]
    mine = table[table["area_code"] == scored]
    rows = []
    for rec in mine.to_dict("records"):
        node = rec["node"]
        n_ranked = int(table[(table["node"] == node) & table["nominal_rank"].notna()].shape[0])
        p = rec.get(f"p[{first}]")
        p = None if p is None or not math.isfinite(p) else float(p)
        # The analysis ranks scores (1 = highest); shown as priority (1 = most urgent).
        med, lo, hi = _int(rec["median_rank"]), _int(rec["rank_p05"]), _int(rec["rank_p95"])
        high = any(op.code == node and op.priority_when == "high"
                   for op in ctx.framework(preset).opgaven)
        if med is not None and not high:
            med, lo, hi = n_ranked + 1 - med, n_ranked + 1 - hi, n_ranked + 1 - lo
        p_text = percent(p, fraction=True)
        text = "–" if med is None else _(
            "prioriteit {med} van {n} (90%-interval {lo}–{hi})").format(med=med, n=n_ranked,
                                                                   lo=lo, hi=hi)
        rows.append(RankIntervalRow(
            str(node), str(rec["node_name"]), _int(rec["priority_rank"]), med, lo, hi, n_ranked,
            p, p_text, first, bool(rec["robust"]), text))
    notice = None
    if scored != code:
        notice = _("De scores van dit gebied zijn die van wijk {code}; het interval ook.").format(
            code=scored)
    return RankIntervalView(code, scored, name, preset, result.year, DRAWS, CONCENTRATION, rows,
                            explanation, notice, round(time.perf_counter() - start, 4), url)
