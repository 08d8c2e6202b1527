"""What-if on the Afwegingskader page: move weights, pick methods, see ranking and map change.

One service function, :func:`whatif`, serves the full page, the htmx fragment and the JSON
twin (``/api/v1/kader/{preset}/whatif``). It starts from the saved version (a preset or a
saved ``preset@n``), applies the requested weights with :meth:`Framework.with_weights` and the
method overrides, and re-scores:

* weights and aggregation only: :func:`wijkkompas.framework.reweigh.reweigh` on the cached
  normalised matrix (tens of milliseconds instead of a full scoring run);
* another normalisation: one full scoring run with that method (cached), then ``reweigh``.

Every variant is cached by its framework fingerprint (per data version), so moving a slider
back and forth costs a dictionary look-up. The difference against the saved version is shown
per area: rank change and tier change.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.errors import ConfigError, FrameworkError, NotFound
from wijkkompas.framework.registry import AGGREGATE, NORMALISE
from wijkkompas.framework.reweigh import reweigh
from wijkkompas.framework.schema import Framework, StepSpec
from wijkkompas.i18n import _
from wijkkompas.services.framework.overview import Chart, LegendItem, Option, tier_index
from wijkkompas.services.shared.context import Scored, ViewContext, level_label, link
from wijkkompas.services.shared.formatting import Shown, format_number, show_score
from wijkkompas.services.shared.maps import NO_DATA, map_figure, tier_colours
from wijkkompas.services.shared.methods import method_name

# Methods offered in the selects (those that need no extra parameters in the YAML).
NORMALISE_CHOICES = ("minmax", "zscore", "zindex", "index", "dist_max", "rank", "percentile")
AGGREGATE_CHOICES = ("mean", "geomean", "topsis")
MAX_WEIGHT = 10.0
WEIGHT_PREFIX = "w."


@dataclass
class WeightControl:
    code: str
    name: str
    level: str  # opgave | thema | indicator
    value: float
    saved: float
    changed: bool
    parent: str | None = None


@dataclass
class WhatIfRow:
    code: str
    name: str
    url: str
    score: Shown
    saved_score: Shown
    rank: int | None
    saved_rank: int | None
    rank_change: int | None  # > 0: moved up (a higher score than before)
    tier: str | None
    saved_tier: str | None
    tier_changed: bool
    colour: str


@dataclass
class WhatIfView:
    preset: str
    kader_naam: str
    version: int
    opgave: str
    opgave_naam: str
    jaar: int
    opgaven: list[Option]
    normalise: str
    normalise_options: list[Option]
    aggregate: str
    aggregate_options: list[Option]
    controls: list[WeightControl]
    changed: bool
    changes: list[str]
    rows: list[WhatIfRow]
    moved: int
    tier_changes: int
    legend: list[LegendItem]
    map: Chart | None
    notices: list[str]
    error: str | None
    fingerprint: str
    saved_fingerprint: str
    weights: dict[str, float]
    page_url: str
    seconds: float
    warnings: list[str] = field(default_factory=list)


def parse_weights(params: dict[str, str]) -> dict[str, float]:
    """``{"w.fysiek": "2"}`` -> ``{"fysiek": 2.0}``; decimal commas accepted."""
    out = {}
    for key, raw in params.items():
        if not key.startswith(WEIGHT_PREFIX) or raw.strip() == "":
            continue
        code = key[len(WEIGHT_PREFIX):]
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            raise ConfigError(_("Gewicht van {code} is geen getal: {raw!r}").format(
                code=code, raw=raw)) from None
        if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
            raise ConfigError(_("Gewicht van {code} ligt tussen 0 en {max} (kreeg {raw})").format(
                code=code, max=format_number(MAX_WEIGHT), raw=raw))
        out[code] = value
    return out


def _saved_weights(fw: Framework) -> dict[str, float]:
    out: dict[str, float] = {}
    for op in fw.opgaven:
        out[op.code] = op.weight
        for th in op.themes:
            out[th.code] = th.weight
            for ind in th.indicators:
                out.setdefault(ind.code, ind.weight)
    return out


def variant_framework(fw: Framework, weights: dict[str, float], normalise: str | None,
                      aggregate: str | None) -> tuple[Framework, list[str]]:
    """``fw`` with new weights and methods, plus notices about what that implies."""
    notices: list[str] = []
    saved = _saved_weights(fw)
    unknown = sorted(set(weights) - set(saved))
    if unknown:
        raise NotFound(_("Onbekende code(s) in de gewichten: {codes}").format(
            codes=", ".join(unknown)))
    changed = {k: v for k, v in weights.items() if v != saved[k]}
    variant = fw.with_weights(changed) if changed else fw
    steps = {}
    if normalise and normalise != fw.steps.normalise.method:
        NORMALISE.get(normalise)
        steps["normalise"] = StepSpec(method=normalise)
    indicator_codes = set(fw.indicator_codes())
    if fw.steps.weight.method == "equal" and set(changed) & indicator_codes:
        steps["weight"] = StepSpec(method="manual")
        notices.append(_("Dit kader weegt indicatoren gelijk; omdat u een indicatorgewicht "
                         "wijzigde, rekent de wat-als met eigen gewichten."))
    update: dict[str, object] = {}
    if aggregate and any((op.aggregate or fw.steps.aggregate).method != aggregate
                         for op in fw.opgaven):
        AGGREGATE.get(aggregate)
        steps["aggregate"] = StepSpec(method=aggregate)
        update["opgaven"] = [op.model_copy(update={"aggregate": None})
                             for op in variant.opgaven]
    norm = steps.get("normalise", fw.steps.normalise)
    if aggregate == "geomean" and norm.method == "minmax" and norm.params.get("low", 0) <= 0:
        steps["normalise"] = StepSpec(method="minmax", params={**norm.params, "low": 1.0})
        notices.append(_("Het meetkundig gemiddelde vraagt waarden boven 0: min-max schaalt "
                         "daarom van 1 tot 100."))
    if steps:
        update["steps"] = variant.steps.model_copy(update=steps)
    if update:
        variant = Framework.model_validate({**variant.model_dump(), **{
            k: (v.model_dump() if hasattr(v, "model_dump") else [o.model_dump() for o in v])
            for k, v in update.items()}})
    return variant, notices


def _population(ctx: ViewContext, fw: Framework) -> pd.Series | None:
    if not fw.priority.min_population:
        return None
    obs = ctx.observations()
    code = fw.screen.population_indicator
    idx = obs.index
    sel = obs[idx.get_level_values("indicator") == code]
    values = sel["value"].where(sel["status"].isin(["ok", "estimated"]))
    return pd.Series(values.to_numpy(), index=pd.MultiIndex.from_arrays(
        [sel.index.get_level_values("year"), sel.index.get_level_values("area_code")],
        names=["year", "area_code"]))


def score_variant(ctx: ViewContext, saved: Scored, variant: Framework) -> Scored:
    """The variant scored: reweighed from the (cached) normalised matrix of its
    normalisation; cached by fingerprint."""
    if variant.fingerprint() == saved.framework.fingerprint():
        return saved

    def base() -> Scored:
        from wijkkompas.services.framework.scoring import score_workspace

        fw = saved.framework.model_copy(update={"steps": saved.framework.steps.model_copy(
            update={"normalise": variant.steps.normalise})})
        return Scored(saved.preset, score_workspace(ctx.ws, fw))

    def compute() -> Scored:
        if variant.steps.normalise == saved.framework.steps.normalise:
            start = saved
        else:
            start = ctx.whatif_cached("normalised", saved.preset,
                                      variant.steps.normalise.model_dump_json(), factory=base)
        # Weight method changes (equal -> manual) keep the matrix: reweigh copes.
        anchor = start.result
        if anchor.framework.steps.weight != variant.steps.weight:
            anchor_fw = anchor.framework.model_copy(update={"steps": anchor.framework.steps
                                                            .model_copy(update={
                                                                "weight": variant.steps.weight})})
            anchor = reweigh(anchor, anchor_fw, _population(ctx, variant))
        result = reweigh(anchor, variant, _population(ctx, variant))
        return Scored(saved.preset, result, saved.breaks)

    return ctx.whatif_cached("variant", saved.preset, variant.fingerprint(), factory=compute)


def _controls(saved: Framework, variant: Framework, ctx: ViewContext) -> list[WeightControl]:
    meta = ctx.indicator_meta()
    now, before = _saved_weights(variant), _saved_weights(saved)
    out: list[WeightControl] = []
    seen: set[str] = set()
    for op in saved.opgaven:
        if saved.overall is not None:
            out.append(WeightControl(op.code, op.name, "opgave", now[op.code], before[op.code],
                                     now[op.code] != before[op.code]))
        for th in op.themes:
            out.append(WeightControl(th.code, th.name, "thema", now[th.code], before[th.code],
                                     now[th.code] != before[th.code], op.code))
            for ind in th.indicators:
                if ind.code in seen:
                    continue
                seen.add(ind.code)
                name = ind.label or str((meta.get(ind.code) or {}).get("label_nl", ind.code))
                out.append(WeightControl(ind.code, name, "indicator", now[ind.code],
                                         before[ind.code], now[ind.code] != before[ind.code],
                                         th.code))
    return out


def _method_options(registry, choices: tuple[str, ...], saved: str) -> list[Option]:  # noqa: ANN001
    step = registry.step
    opts = [Option("", _("zoals opgeslagen ({method})").format(method=method_name(step, saved)))]
    opts.extend(Option(name, method_name(step, name)) for name in choices if name in registry)
    return opts


def _rows(ctx: ViewContext, saved: Scored, now: Scored, opgave: str, year: int
          ) -> list[WhatIfRow]:
    before = ctx.derived(saved, "ranking", opgave, year)
    after = now.result.ranking(opgave, year) if now is not saved else before
    colours = tier_colours(len(now.tier_labels()))
    rows = []
    for code, rec in after.iterrows():
        old = before.loc[code] if code in before.index else None
        # Priority ranks: 1 = the most urgent area (the lowest score).
        rank = None if pd.isna(rec["priority_rank"]) else int(rec["priority_rank"])
        old_rank = None if old is None or pd.isna(old["priority_rank"]) \
            else int(old["priority_rank"])
        tier = rec["tier"] if isinstance(rec["tier"], str) else None
        old_tier = old["tier"] if old is not None and isinstance(old["tier"], str) else None
        idx = tier_index(now, tier)
        rows.append(WhatIfRow(
            str(code), str(rec["name"]), link(f"/gebied/{code}"), show_score(rec["score"]),
            show_score(old["score"] if old is not None else None), rank, old_rank,
            (old_rank - rank) if rank is not None and old_rank is not None else None,
            tier, old_tier, tier != old_tier, colours[idx] if idx is not None else NO_DATA))
    return rows


def whatif(ctx: ViewContext, preset: str, *, opgave: str | None = None, jaar: int | None = None,
           weights: dict[str, float] | None = None, normalise: str | None = None,
           aggregate: str | None = None) -> WhatIfView:
    """Re-score ``preset`` (or a saved ``preset@n``) with other weights and methods and
    compare with the saved version."""
    start = time.perf_counter()
    saved = ctx.scored(preset)
    fw = saved.framework
    weights = weights or {}
    if normalise and normalise not in NORMALISE_CHOICES:
        raise ConfigError(_("normalisatie: kies uit {names}").format(
            names=", ".join(NORMALISE_CHOICES)))
    if aggregate and aggregate not in AGGREGATE_CHOICES:
        raise ConfigError(_("aggregatie: kies uit {names}").format(
            names=", ".join(AGGREGATE_CHOICES)))
    variant, notices = variant_framework(fw, weights, normalise, aggregate)
    error = None
    try:
        now = score_variant(ctx, saved, variant)
    except FrameworkError as exc:
        error = _("Deze combinatie kan niet gescoord worden: {msg}").format(msg=exc)
        now = saved
    nodes = [(op.code, op.name) for op in fw.opgaven]
    if fw.overall is not None:
        nodes.append((fw.overall.code, fw.overall.name))
    codes = [c for c, _n in nodes]
    if opgave is not None and opgave not in codes:
        raise NotFound(_("Onbekende opgave {code}; kies uit {codes}.").format(
            code=opgave, codes=", ".join(codes)))
    opgave = opgave or codes[0]
    years = saved.result.years
    if jaar is not None and jaar not in years:
        raise NotFound(_("Geen scores voor {year}; beschikbaar: {years}.").format(
            year=jaar, years=", ".join(map(str, years))))
    year = jaar or years[-1]
    rows = _rows(ctx, saved, now, opgave, year)
    controls = _controls(fw, variant, ctx)
    changes = [_("gewicht {name}: {old} → {new}").format(
        name=c.name, old=format_number(c.saved, 2), new=format_number(c.value, 2))
        for c in controls if c.changed]
    if variant.steps.normalise != fw.steps.normalise:
        changes.append(_("normalisatie: {old} → {new}").format(
            old=method_name("normalise", fw.steps.normalise.method),
            new=method_name("normalise", variant.steps.normalise.method)))
    if any((op.aggregate or fw.steps.aggregate) != (vo.aggregate or variant.steps.aggregate)
           for op, vo in zip(fw.opgaven, variant.opgaven, strict=True)):
        changes.append(_("aggregatie: {old} → {new}").format(
            old=method_name("aggregate", fw.steps.aggregate.method),
            new=method_name("aggregate", variant.steps.aggregate.method)))
    legend_counts: dict[str, int] = {}
    for r in rows:
        legend_counts[r.colour] = legend_counts.get(r.colour, 0) + 1
    if len(fw.municipalities) == 1:  # areas drawn on the map without a row (screened out)
        drawn = {s.code for s in ctx.shapes(fw.municipalities[0], fw.level)}
        legend_counts[NO_DATA] = legend_counts.get(NO_DATA, 0) + len(
            drawn - {r.code for r in rows})
    labels = now.tier_labels()
    legend = [LegendItem(label, colour, legend_counts.get(colour, 0))
              for label, colour in zip(labels, tier_colours(len(labels)), strict=True)]
    legend.append(LegendItem(_("geen score"), NO_DATA, legend_counts.get(NO_DATA, 0)))
    chart = _map(ctx, fw, rows, opgave, dict(nodes)[opgave], year)
    query: dict[str, object] = {"opgave": opgave, "normalise": normalise or None,
                                "aggregate": aggregate or None}
    query.update({f"{WEIGHT_PREFIX}{c.code}": f"{c.value:g}" for c in controls if c.changed})
    return WhatIfView(
        preset=preset, kader_naam=fw.name, version=fw.version, opgave=opgave,
        opgave_naam=dict(nodes)[opgave], jaar=year,
        opgaven=[Option(c, n, c == opgave) for c, n in nodes],
        normalise=normalise or "",
        normalise_options=[Option(o.value, o.label, o.value == (normalise or ""))
                           for o in _method_options(NORMALISE, NORMALISE_CHOICES,
                                                    fw.steps.normalise.method)],
        aggregate=aggregate or "",
        aggregate_options=[Option(o.value, o.label, o.value == (aggregate or ""))
                           for o in _method_options(AGGREGATE, AGGREGATE_CHOICES,
                                                    fw.steps.aggregate.method)],
        controls=controls, changed=bool(changes), changes=changes, rows=rows,
        moved=sum(1 for r in rows if r.rank_change), tier_changes=sum(r.tier_changed
                                                                        for r in rows),
        legend=legend, map=chart, notices=notices, error=error,
        fingerprint=variant.fingerprint(), saved_fingerprint=fw.fingerprint(),
        weights={c.code: c.value for c in controls},
        page_url=link(f"/kader/{preset}", **query),
        seconds=round(time.perf_counter() - start, 4),
        warnings=list(now.result.warnings) if now is not saved else [],
    )


def _map(ctx: ViewContext, fw: Framework, rows: list[WhatIfRow], opgave: str, name: str,
         year: int) -> Chart | None:
    if len(fw.municipalities) != 1:
        return None
    shapes = ctx.shapes(fw.municipalities[0], fw.level)
    if not shapes:
        return None
    by_code = {r.code: r for r in rows}
    fills = {r.code: r.colour for r in rows}
    labels = {s.code: (f"{s.name}: {by_code[s.code].score.text} ({by_code[s.code].tier or '–'})"
                       if s.code in by_code else s.name) for s in shapes}
    urls = {s.code: link(f"/gebied/{s.code}") for s in shapes}
    alt = _("Kaart per {level}: {op} in {year} in de wat-als-berekening, gekleurd naar "
            "prioriteitsklasse. De tabel 'Ranglijst wat-als' bevat dezelfde gegevens.").format(
        level=level_label(fw.level), op=name, year=year)
    figure = map_figure(shapes, fills, labels, urls)
    figure["layout"]["height"] = 420
    return Chart("kaart-wat-als", figure, alt)


def save(ctx: ViewContext, preset: str, *, user: str | None = None, note: str = "",
         weights: dict[str, float] | None = None, normalise: str | None = None,
         aggregate: str | None = None, ws=None):  # noqa: ANN001, ANN201 (SavedVersion)
    """Save the what-if as the next version of the preset (a logged-in user's write).

    ``ws`` is the workspace acting for the user (from ``auth.writer``); it must be allowed to
    ``publish``, checked before anything is scored or written. Without it the view context's
    workspace (the local operator) saves under ``user``."""
    from wijkkompas.services.framework.versions import save_version, split_key

    actor = ws if ws is not None else ctx.ws
    name = split_key(preset)[0]
    actor.require("publish", {"type": "framework_version", "preset": name})
    saved = ctx.scored(preset)
    variant, _notices = variant_framework(saved.framework, weights or {}, normalise, aggregate)
    score_variant(ctx, saved, variant)  # refuse what cannot be scored
    return save_version(actor, name, variant, user=user, note=note)
