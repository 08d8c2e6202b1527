"""The national map ("Nederland"): one indicator for every gemeente, wijk or buurt of the
country on a vector map, with its classes, the highest and lowest areas and a download.

The map itself is drawn in the browser by MapLibre GL JS (vendored) from vector tiles (PostGIS)
or GeoJSON (see :mod:`wijkkompas.areas.tiles`); this page sends it only the class of each area,
grouped per class, so the page stays small at 14,000 buurten. Suppressed values are never
sent: they count as "geheim" and are drawn grey, like missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.i18n import _, current_language
from wijkkompas.services.shared.context import ViewContext, level_label, link
from wijkkompas.services.shared.formatting import show_observation
from wijkkompas.services.shared.maps import NO_DATA

# Level as in the URL -> as stored.
LEVELS = {"gemeente": "municipality", "wijk": "district", "buurt": "neighbourhood"}
# Sequential classes, low to high (ColorBrewer Blues): the map shows where a value is high or
# low, not whether that is good; the indicator's own direction is said in words.
CLASS_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
N_CLASSES = len(CLASS_COLOURS)
TOP_N = 10
DEFAULT_INDICATOR = "p_65_oo"


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class LegendItem:
    label: str
    colour: str
    count: int


@dataclass
class NationalRow:
    code: str
    name: str
    gemeente: str
    url: str
    value: str


@dataclass
class MapSource:
    """What the map script needs: where the shapes are and how to colour them."""

    kind: str  # "tiles" (PostGIS vector tiles) or "geojson"
    url: str
    boundary_year: int
    bounds: list[float] | None
    values_url: str
    background: str | None
    alt: str


@dataclass
class NationalView:
    indicator: str
    indicator_naam: str
    eenheid: str
    richting: str
    jaar: int | None
    niveau: str
    niveau_naam: str
    indicatoren: list[Option]
    jaren: list[Option]
    niveaus: list[Option]
    gebieden: int
    met_waarde: int
    geheim: int
    legenda: list[LegendItem]
    hoogste: list[NationalRow]
    laagste: list[NationalRow]
    kaart: MapSource | None
    notices: list[str] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)


@dataclass
class ClassValues:
    """The map's colouring: area codes grouped per class (JSON of ``/api/v1/nederland/waarden``)."""

    indicator: str
    jaar: int | None
    niveau: str
    kleuren: list[str]
    klassen: list[list[str]]
    geen_waarde: str = NO_DATA


def _label(meta: dict) -> str:
    if current_language() == "en" and meta.get("label_en"):
        return str(meta["label_en"])
    return str(meta.get("label_nl") or "")


def _series(ctx: ViewContext, indicator: str, level: str) -> pd.DataFrame:
    """Every observation of ``indicator`` at ``level`` (all years), cached per data version."""
    return ctx._cached("national", indicator, level, factory=lambda: ctx.ws.observations(
        indicators=[indicator], level=level).reset_index())


def _classes(values: pd.Series) -> tuple[np.ndarray, list[float]]:
    """Quantile classes (0..N-1) of the finite values and the class breaks."""
    finite = values.to_numpy(dtype=float)
    qs = np.quantile(finite, np.linspace(0, 1, N_CLASSES + 1)[1:-1]) if len(finite) else []
    breaks = sorted({float(q) for q in qs})
    return np.searchsorted(np.asarray(breaks), finite, side="right"), breaks


def _select(ctx: ViewContext, indicator: str | None, jaar: int | None, niveau: str
            ) -> tuple[str, dict, str, pd.DataFrame, list[int], int | None]:
    if niveau not in LEVELS:
        raise ConfigError(_("niveau moet 'gemeente', 'wijk' of 'buurt' zijn (kreeg {v!r})"
                            ).format(v=niveau))
    meta_all = ctx.indicator_meta()
    code = indicator or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in meta_all
                         else next(iter(meta_all), ""))
    if code not in meta_all:
        raise NotFound(_("Onbekende indicator {code}.").format(code=code))
    level = LEVELS[niveau]
    obs = _series(ctx, code, level)
    years = sorted({int(y) for y in obs["year"]}) if len(obs) else []
    if jaar is not None and jaar not in years:
        raise NotFound(_("Geen waarden van deze indicator per {level} in {year}; "
                         "beschikbaar: {years}.").format(
            level=level_label(level), year=jaar, years=", ".join(map(str, years)) or "–"))
    year = jaar if jaar is not None else (years[-1] if years else None)
    rows = obs[obs["year"] == year] if year is not None else obs.iloc[0:0]
    return code, meta_all[code], level, rows, years, year


def class_values(ctx: ViewContext, *, indicator: str | None = None, jaar: int | None = None,
                 niveau: str = "buurt") -> ClassValues:
    code, _meta, _level, rows, _years, year = _select(ctx, indicator, jaar, niveau)
    shown = rows[rows["status"].isin(["ok", "estimated"]) & rows["value"].notna()]
    idx, _breaks = _classes(shown["value"])
    codes = shown["area_code"].to_numpy(dtype=str)
    return ClassValues(code, year, niveau, CLASS_COLOURS,
                       [sorted(codes[idx == k].tolist()) for k in range(N_CLASSES)])


def national(ctx: ViewContext, *, indicator: str | None = None, jaar: int | None = None,
             niveau: str = "buurt", background: str | None = None) -> NationalView:
    """The national map page of one indicator, year and level (the same for every user, so
    kept per data version and language: logged-in users get it as fast as visitors)."""
    return ctx._cached("national_view", indicator, jaar, niveau, current_language(),
                       background, factory=lambda: _national(ctx, indicator, jaar, niveau,
                                                             background))


def _national(ctx: ViewContext, indicator: str | None, jaar: int | None, niveau: str,
              background: str | None) -> NationalView:
    code, meta, level, rows, years, year = _select(ctx, indicator, jaar, niveau)
    decimals, unit = int(meta.get("decimals") or 0), str(meta.get("unit") or "")
    notices: list[str] = []
    shown = rows[rows["status"].isin(["ok", "estimated"]) & rows["value"].notna()]
    idx, breaks = _classes(shown["value"])
    counts = np.bincount(idx, minlength=N_CLASSES) if len(idx) else np.zeros(N_CLASSES, int)
    edges = [show_observation(b, "ok", decimals=decimals, unit=unit).text for b in breaks]
    legend = []
    for k in range(len(breaks) + 1 if len(shown) else 0):
        if k == 0:
            text = _("lager dan {b}").format(b=edges[0]) if edges else _("alle waarden")
        elif k == len(breaks):
            text = _("{b} of hoger").format(b=edges[-1])
        else:
            text = _("{a} tot {b}").format(a=edges[k - 1], b=edges[k])
        legend.append(LegendItem(text, CLASS_COLOURS[k], int(counts[k])))
    secret = int((rows["status"] == "suppressed").sum())
    legend.append(LegendItem(_("geen waarde of geheim"), NO_DATA,
                             int(len(rows) - len(shown))))
    areas = ctx.areas()
    names = areas["name"]
    gm_names = areas.loc[areas["level"] == "municipality", "name"]

    def row(rec: pd.Series) -> NationalRow:
        area = str(rec["area_code"])
        gm = areas.at[area, "municipality_code"] if area in areas.index else None
        return NationalRow(area, str(names.get(area, area)),
                           str(gm_names.get(gm, "")) if isinstance(gm, str) else "",
                           link(f"/gebied/{area}"),
                           show_observation(rec["value"], rec["status"], decimals=decimals,
                                            unit=unit).text)

    ordered = shown.sort_values(["value", "area_code"], ascending=[False, True])
    top = [row(r) for _i, r in ordered.head(TOP_N).iterrows()]
    bottom = [row(r) for _i, r in ordered.iloc[::-1].head(TOP_N).iterrows()] \
        if len(ordered) > TOP_N else []
    query = {"indicator": code, "jaar": year, "niveau": niveau}
    source = ctx._cached("map_source", level, year, factory=lambda: ctx.ws.map_source(
        level, year)) if year is not None else None
    kaart = None
    if source is None and year is not None:
        notices.append(_("Voor dit niveau zijn geen grenzen opgeslagen; alleen de lijsten "
                         "zijn beschikbaar."))
    elif source is not None:
        version = ctx.version()[:12]
        by = source["year"]
        url = (f"/kaart/tegels/{niveau}/{by}/{{z}}/{{x}}/{{y}}.mvt?v={version}"
               if source["kind"] == "tiles" else f"/kaart/vormen/{niveau}/{by}.geojson?v={version}")
        if year is not None and by != year:
            notices.append(_("De kaart toont de grenzen van {by}: van {year} zijn er geen "
                             "opgeslagen.").format(by=by, year=year))
        kaart = MapSource(
            source["kind"], url, by, list(source["bounds"]) if source["bounds"] else None,
            link("/api/v1/nederland/waarden", **query), background,
            _("Kaart van Nederland per {level}: {name} in {year}, in {n} klassen van laag "
              "(licht) naar hoog (donker). De lijsten eronder noemen de hoogste en laagste "
              "gebieden; de download bevat alle waarden.").format(
                level=level_label(level), name=_label(meta), year=year, n=N_CLASSES))
    if not len(rows):
        notices.append(_("Geen waarden van deze indicator per {level}.").format(
            level=level_label(level)))
    options = sorted(((c, _label(m)) for c, m in ctx.indicator_meta().items()
                      if not m.get("sensitive")), key=lambda o: o[1].lower())
    return NationalView(
        indicator=code, indicator_naam=_label(meta), eenheid=unit,
        richting=str(meta.get("direction_note") or ""), jaar=year, niveau=niveau,
        niveau_naam=level_label(level),
        indicatoren=[Option(c, lbl, c == code) for c, lbl in options],
        jaren=[Option(str(y), str(y), y == year) for y in years],
        niveaus=[Option(k, level_label(v), k == niveau) for k, v in LEVELS.items()],
        gebieden=int(len(rows)), met_waarde=int(len(shown)), geheim=secret, legenda=legend,
        hoogste=top, laagste=bottom, kaart=kaart, notices=notices,
        downloads={"csv": link("/api/v1/nederland.csv", **query)},
    )


def national_csv(ctx: ViewContext, *, indicator: str | None = None, jaar: int | None = None,
                 niveau: str = "buurt") -> tuple[pd.DataFrame, dict[str, object]]:
    """Every area of the level with its value as shown (suppressed: "geheim"), for a CSV."""
    code, meta, level, rows, _years, year = _select(ctx, indicator, jaar, niveau)
    decimals = int(meta.get("decimals") or 0)
    areas = ctx.areas()
    codes = rows["area_code"].astype(str)
    shown = [show_observation(v, s, decimals=decimals) for v, s in
             zip(rows["value"], rows["status"], strict=True)]
    frame = pd.DataFrame({
        "gebied": rows["area_code"].to_numpy(dtype=str),
        "naam": codes.map(areas["name"]).fillna(codes).astype(str).to_numpy(),
        "gemeente": codes.map(areas["municipality_code"]).fillna("").astype(str).to_numpy(),
        "jaar": year, "waarde": [s.value for s in shown], "status": [s.text if s.value is None
                                                                   else "" for s in shown]})
    meta_lines = {"indicator": code, "naam": _label(meta), "eenheid": meta.get("unit") or "",
                  "niveau": level_label(level), "jaar": year, "bron": meta.get("source") or ""}
    return frame, meta_lines
