"""The residents' map layer and the comparison it rests on: "waar bewoners iets anders vinden
dan de cijfers" per area, for the /bewoners page and as a colouring of the overview map.

Kept apart from :mod:`wijkkompas.services.residents.pages` so that the overview can use the layer
without an import cycle (this module imports no page module)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.i18n import _
from wijkkompas.residents import compare as cmp
from wijkkompas.residents.store import stored_residents
from wijkkompas.services.shared.context import DEFAULT_PRESETS, Scored, ViewContext, level_label

# Map classes: where residents and the numbers differ, where residents name a theme the
# framework does not measure, where they agree, where nothing can be compared.
CLASSES = ("verschil", "buiten_kader", "eens", "niet_te_vergelijken")
CLASS_COLOURS = {"verschil": "#D55E00", "buiten_kader": "#E69F00", "eens": "#0072B2",
                 "niet_te_vergelijken": "#a6cee3"}


def class_labels() -> dict[str, str]:
    return {"verschil": _("bewoners en cijfers verschillen"),
            "buiten_kader": _("bewoners noemen een thema buiten het kader"),
            "eens": _("bewoners en cijfers zijn het eens"),
            "niet_te_vergelijken": _("niet te vergelijken"),
            "geen": _("geen bewonersgegevens")}


def _scored_for(ctx: ViewContext, gm: str | None, level: str
                ) -> tuple[Scored | None, bool, list[str]]:
    """The framework for areas of ``level`` in ``gm``; True when a buurt is judged by its
    wijk's scores."""
    preset = DEFAULT_PRESETS.get(gm or "")
    if preset is None:
        return None, False, [_("Voor deze gemeente is geen afwegingskader ingesteld; alleen "
                               "wat bewoners zeggen wordt getoond.")]
    try:
        scored = ctx.scored(preset, level) if level in ("district", "neighbourhood") \
            else ctx.scored(preset)
    except FrameworkError:
        scored = ctx.scored(preset)
    fw_level = scored.framework.level
    if fw_level == level:
        return scored, False, []
    if level == "neighbourhood" and fw_level == "district":
        return scored, True, [_("Het afwegingskader scoort wijken: de cijfers van een buurt "
                                "zijn die van haar wijk.")]
    return None, False, [_("Het afwegingskader {name} scoort op niveau {level}; voor deze "
                           "gebieden zijn geen cijfers om mee te vergelijken.").format(
        name=scored.framework.name, level=level_label(fw_level))]


def comparison(ctx: ViewContext, gm: str | None, level: str
               ) -> tuple[pd.DataFrame, Scored | None, list[str]]:
    """The comparison table of every area of ``level`` in ``gm`` (cached per data version)."""
    def compute() -> tuple[pd.DataFrame, Scored | None, list[str]]:
        areas = ctx.areas()
        mine = areas[(areas["level"] == level)
                     & ((areas["municipality_code"] == gm) if gm else areas["municipality_code"]
                        .isna())]
        results = stored_residents(ctx.ws.engine, [str(c) for c in mine.index])
        scored, by_parent, notices = _scored_for(ctx, gm, level)
        mapping = ({str(c): (p if isinstance(p, str) else None)
                    for c, p in mine["parent_code"].items()} if by_parent else None)
        themes = {str(k): str(v) for k, v in ctx.indicators()["theme"].dropna().items()}
        table = cmp.compare(results, scored.result if scored else None, themes, mapping)
        return table, scored, notices

    return ctx.cached("residents", gm or "", level, factory=compute)


def _flags(table: pd.DataFrame) -> pd.DataFrame:
    """Per row: a difference, a need residents name outside the framework, comparable."""
    verdict = table["verdict"]
    return pd.DataFrame({
        "area_code": table["area_code"].astype(str),
        "differ": verdict.isin(cmp.DISAGREE),
        "outside": (verdict == cmp.NOT_MEASURED) & table["residents_need"].astype(bool),
        "comparable": verdict != cmp.NOT_MEASURED,
    })


def area_classes(table: pd.DataFrame) -> dict[str, str]:
    """Area -> its map class (:data:`CLASSES`) from a comparison table."""
    if table.empty:
        return {}
    found = _flags(table).groupby("area_code", sort=False).any()
    klass = np.select([found["differ"], found["outside"], found["comparable"]],
                      ["verschil", "buiten_kader", "eens"], "niet_te_vergelijken")
    return dict(zip(found.index, klass.tolist(), strict=True))


def area_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Per area: themes that differ, agree, are not measured, and small samples."""
    flags = _flags(table).assign(small=table["small_sample"].astype(bool))
    return flags.groupby("area_code", sort=False).agg(
        differs=("differ", "sum"), comparable=("comparable", "sum"), small=("small", "sum"),
        rows=("differ", "size"))


def layer(ctx: ViewContext, gm: str, level: str) -> dict[str, tuple[str, str, str]]:
    """Area -> (class, Dutch label, colour) for the areas of ``level`` in ``gm`` with resident
    input."""
    table, _scored, _notices = comparison(ctx, gm, level)
    labels = class_labels()
    return {code: (klass, labels[klass], CLASS_COLOURS[klass])
            for code, klass in area_classes(table).items()}
