"""HTML pages. Each route makes one service call and renders its view model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from wijkkompas.services.areas import profile as views_area
from wijkkompas.services.data import pages as views_data
from wijkkompas.services.framework import overview as views
from wijkkompas.services.framework import rankinterval
from wijkkompas.services.shared import glossary
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.page_cache import provisional
from wijkkompas.web.routes_api import Gemeente, Jaar, Kader, Kleur, Niveau, Opgave

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, view: Any, *, api: str, **extra: Any) -> Response:
    """Render ``template`` with the view model ``v`` and a link to its JSON twin."""
    templates = request.app.state.templates
    query = str(request.url.query)
    return templates.TemplateResponse(request, template, {
        "v": view, "api_url": api + (f"?{query}" if query else ""),
        "request_path": request.url.path, "request_query": query, **extra,
    })


@router.get("/")
def overzicht(request: Request, ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
              opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk",
              kleur: Kleur = "klasse") -> Response:
    view = views.overview(ctx, gemeente=gemeente, kader=kader, opgave=opgave, jaar=jaar,
                          niveau=niveau, kleur=kleur)
    return render(request, "overzicht.html", view, api="/api/v1/overzicht")


@router.get("/gebied/{code}")
def gebied(request: Request, ctx: CtxDep, code: str, jaar: Jaar = None) -> Response:
    view = views_area.area_profile(ctx, code, jaar=jaar)
    # The rank interval (sensitivity analysis, ~0.2–0.6 s) inline when cached, else lazily.
    ri = rankinterval.rank_interval(ctx, code) if rankinterval.is_cached(ctx, code) else None
    if ri is None:
        provisional(request)  # a placeholder: kept in the page cache for seconds only
    return render(request, "gebied.html", view, api=f"/api/v1/gebied/{view.code}", ri=ri)


@router.get("/vergelijken")
def vergelijken(request: Request, ctx: CtxDep,
                gebied: Annotated[list[str], Query()] = []) -> Response:  # noqa: B006
    view = views_area.compare(ctx, gebied)
    return render(request, "vergelijken.html", view, api="/api/v1/vergelijken")


@router.get("/data")
def data(request: Request, ctx: CtxDep) -> Response:
    return render(request, "data.html", views_data.data_overview(ctx), api="/api/v1/data")


@router.get("/begrippen")
def begrippen(request: Request) -> Response:
    return render(request, "begrippen.html", glossary.glossary(), api="/api/v1/begrippen")


@router.get("/data/herkomst")
def herkomst(request: Request) -> Response:
    return render(request, "herkomst.html", views_data.provenance_page(),
                  api="/api/v1/data/herkomst")
