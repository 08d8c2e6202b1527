"""What every view service needs: the workspace, the cache, and cached building blocks.

Scored results, the area table, coverage and map shapes are cached per data version (see
:mod:`wijkkompas.services.shared.cache`), so a page costs a few dictionary look-ups and some
formatting once the cache is warm.

The finished view models of the busiest pages (overview, profile, what-if, framework, rank
interval) and their JSON bodies are cached too (:meth:`ViewContext.view`), keyed by page, the
page's parameters, the language and the data version. They hold nothing of the visitor, so a
logged-in user's page is rendered from them as well: only the template runs per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from wijkkompas.errors import NotFound
from wijkkompas.framework.result import ScoreResult
from wijkkompas.framework.schema import Framework, load_preset
from wijkkompas.i18n import _, current_language
from wijkkompas.services.shared.cache import ResultCache, data_version
from wijkkompas.services.shared.maps import Shape, shapes_from_boundaries

# The default framework (preset) of each demo municipality.
DEFAULT_PRESETS = {"GM0599": "rotterdam", "GM0014": "groningen", "GM0153": "enschede",
                   "GM0106": "assen"}
DEFAULT_MUNICIPALITY = "GM0599"
# Levels as they appear in URLs (Dutch) and in the store (English).
LEVEL_PARAM = {"wijk": "district", "buurt": "neighbourhood"}
N_CLASSES = 5


def level_label(level: str) -> str:
    labels = {"country": _("land"), "municipality": _("gemeente"), "district": _("wijk"),
              "neighbourhood": _("buurt"), "custom": _("gebied")}
    return labels.get(level, level)


def link(path: str, **params: object) -> str:
    """A site URL with query parameters; keeps ``lang`` when the UI is not Dutch."""
    items: list[tuple[str, object]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            items.extend((key, v) for v in value)
        else:
            items.append((key, value))
    if current_language() != "nl":
        items.append(("lang", current_language()))
    return f"{path}?{urlencode(items)}" if items else path


@dataclass
class Scored:
    """A scored preset plus what the web keeps with it: map class breaks fixed across years."""

    preset: str
    result: ScoreResult
    breaks: dict[str, list[float]] = field(default_factory=dict)

    @property
    def framework(self) -> Framework:
        return self.result.framework

    def tier_labels(self) -> list[str]:
        return self.framework.priority.tier_labels()


def pooled_breaks(result: ScoreResult, n_classes: int = N_CLASSES) -> dict[str, list[float]]:
    """Quantile class breaks per opgave, pooled over every year of the result (mapclassify
    ``Pooled`` style), so the legend means the same in every year."""
    out = {}
    for op in result.framework.opgaven:
        values = result.scores[op.code].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if not len(values):
            out[op.code] = []
            continue
        qs = np.quantile(values, np.linspace(0, 1, n_classes + 1)[1:-1])
        out[op.code] = sorted({round(float(q), 2) for q in qs})
    return out


@dataclass
class ViewContext:
    """The workspace and the app's cache; passed to every view function.

    Make one per request with :meth:`for_request`: the data version is then read once and
    every cached block of that request belongs to the same version.
    """

    ws: object  # wijkkompas.workspace.Workspace
    cache: ResultCache
    _version: str | None = None
    whatif_cache: ResultCache | None = None  # what-if variants (kept apart: many, small)
    views: ResultCache | None = None  # finished view models and JSON bodies, per language

    def for_request(self) -> ViewContext:
        return ViewContext(self.ws, self.cache, whatif_cache=self.whatif_cache,
                           views=self.views)

    @property
    def db_key(self) -> str:
        return self.ws.engine.url.render_as_string(hide_password=True)

    def version(self) -> str:
        if self._version is None:
            self._version = data_version(self.ws.engine)
        return self._version

    def _cached(self, kind: str, *parts: object, factory):  # noqa: ANN001, ANN202
        return self.cache.get((kind, self.db_key, self.version(), *parts), factory)

    def cached(self, kind: str, *parts: object, factory):  # noqa: ANN001, ANN202
        """Cache ``factory()`` under ``kind`` and ``parts`` for this database and data version."""
        return self._cached(kind, *parts, factory=factory)

    def whatif_cached(self, kind: str, *parts: object, factory):  # noqa: ANN001, ANN202
        """Like the main cache, in the what-if cache when there is one (so a burst of
        what-ifs does not evict the pages' results)."""
        cache = self.whatif_cache if self.whatif_cache is not None else self.cache
        return cache.get((kind, self.db_key, self.version(), *parts), factory)

    def view(self, kind: str, *parts: object, factory, whatif: bool = False):  # noqa: ANN001, ANN202
        """A page's view model (or JSON body) from ``factory()``, cached under ``kind``,
        ``parts`` (the page's parameters, hashable), the language and the data version.
        What-if answers go to the what-if cache (so a burst of them does not evict pages).
        Without a view cache (scripts, tests that want fresh models) ``factory()`` runs."""
        cache = (self.whatif_cache or self.views) if whatif else self.views
        if cache is None:
            return factory()
        return cache.get(("view", kind, self.db_key, self.version(), current_language(),
                          *parts), factory)

    def framework(self, key: str) -> Framework:
        """A preset (``rotterdam``) or a saved version of one (``rotterdam@2``)."""
        from wijkkompas.services.framework.versions import SEPARATOR, load_version, split_key

        fw = load_preset(key.partition(SEPARATOR)[0])  # unknown: the valid names, nothing else
        preset, number = split_key(key)
        if number is None:
            return fw
        return self._cached("saved_framework", preset, number,
                            factory=lambda: load_version(self.ws, preset, number))

    def saved_versions(self, preset: str | None = None) -> list:  # list[SavedVersion]
        """Saved framework versions (not cached: a save must show at once; one small query)."""
        from wijkkompas.services.framework.versions import list_versions

        return list_versions(self.ws, preset)

    def scored(self, preset: str, level: str | None = None) -> Scored:
        """A preset (or saved version) scored on this database, at ``level`` when given (see
        :meth:`Framework.at_level`); raises ``FrameworkError`` when it cannot be scored there."""
        from wijkkompas.services.framework.scoring import score_workspace

        fw = self.framework(preset)
        if level is not None:
            fw = fw.at_level(level)

        def compute() -> Scored:
            result = score_workspace(self.ws, fw)
            return Scored(preset, result, pooled_breaks(result))

        return self._cached("scored", preset, fw.fingerprint(), factory=compute)

    def derived(self, scored: Scored, method: str, *args: object):  # noqa: ANN201
        """``scored.result.<method>(*args)`` (ranking, explain, koppelkansen: 5–30 ms each),
        cached with the result."""
        return self._cached("derived", scored.preset, scored.framework.fingerprint(), method,
                            *args, factory=lambda: getattr(scored.result, method)(*args))

    def explain(self, scored: Scored, area: str, opgave: str, year: int):  # noqa: ANN201
        return self.derived(scored, "explain", area, opgave, year)

    def indicator_meta(self) -> dict[str, dict]:
        """Catalogue rows as plain dicts keyed by code (fast look-ups while formatting)."""
        return self._cached("indicator_meta", factory=lambda: {
            str(code): rec for code, rec in self.indicators().to_dict("index").items()})

    def observation_lookup(self, areas: list[str], indicators: list[str]
                           ) -> dict[tuple[str, str, int], tuple[float, str]]:
        """(area, indicator, year) -> (value, status) for the given areas and indicators."""
        obs = self.observations()
        idx = obs.index
        sel = obs[idx.get_level_values("area_code").isin(areas)
                  & idx.get_level_values("indicator").isin(indicators)]
        return dict(zip(sel.index, zip(sel["value"], sel["status"], strict=True), strict=True))

    def areas(self) -> pd.DataFrame:
        return self._cached("areas", factory=self.ws.areas)

    def area(self, code: str) -> pd.Series:
        areas = self.areas()
        code = code.strip().upper()
        if code not in areas.index:
            raise NotFound(_("Gebied {code} bestaat niet in deze database.").format(code=code))
        return areas.loc[code]

    def indicators(self) -> pd.DataFrame:
        return self._cached("indicators", factory=self.ws.indicators)

    def observations(self) -> pd.DataFrame:
        """All observations, long (area_code, indicator, year) -> value, status."""
        return self._cached("observations", factory=self.ws.observations)

    def shapes(self, municipality: str, level: str, year: int | None = None) -> list[Shape]:
        """Screen shapes per (municipality, level, boundary year; None: each area's newest),
        per data version (a boundary import changes it)."""
        def compute() -> list[Shape]:
            frame = self.ws.boundaries(level=level, municipality=municipality, year=year)
            return shapes_from_boundaries(frame)

        return self._cached("shapes", municipality, level, year, factory=compute)

    def municipalities(self) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            areas = self.areas()
            return areas[areas["level"] == "municipality"]

        return self._cached("municipalities", factory=compute)
