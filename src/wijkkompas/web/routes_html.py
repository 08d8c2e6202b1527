"""HTML pages. Each route makes one service call and renders its view model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from wijkkompas.services.areas import profile as views_area
from wijkkompas.services.data import pages as views_data
from wijkkompas.services.framework import overview as views
from wijkkompas.services.framework import rankinterval
from wijkkompas.services.shared import glossary
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.page_cache import provisional
from wijkkompas.web.routes_api import Gemeente, Jaar, Kader, Kleur, Niveau, Opgave

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, view: Any, *, api: str,
           cache: tuple | None = None, ctx: ViewContext | None = None, **extra: Any
           ) -> Response:
    """Render ``template`` with the view model ``v`` and a link to its JSON twin.

    With ``cache`` (the view's key), the page's main block is rendered once per key, language
    and data version and kept in the view cache: only the frame around it (the account menu,
    the language links) is rendered per request. Only for templates whose main block uses
    nothing of the request or the user (``tests/web/test_view_cache.py`` checks them)."""
    templates = request.app.state.templates
    query = str(request.url.query)
    context = {"v": view, "api_url": api + (f"?{query}" if query else ""),
               "request_path": request.url.path, "request_query": query, **extra}
    if cache is not None and ctx is not None:
        context["main_html"] = main_block(request, ctx, template, cache, context)
    return templates.TemplateResponse(request, template, context)


def main_block(request: Request, ctx: ViewContext, template: str, key: tuple,
               context: dict) -> Markup:
    """The template's ``main`` block from the view cache (rendered on a miss)."""
    def compute() -> Markup:
        tmpl = request.app.state.templates.env.get_template(template)
        block = tmpl.blocks["main"](tmpl.new_context({**context, "request": request}))
        return Markup("".join(block))

    return ctx.view("html", template, *key, factory=compute)


@router.get("/")
def overzicht(request: Request, ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
              opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk",
              kleur: Kleur = "klasse") -> Response:
    key = (gemeente, kader, opgave, jaar, niveau, kleur)
    view = ctx.view("overview", *key,
                    factory=lambda: views.overview(ctx, gemeente=gemeente, kader=kader,
                                                   opgave=opgave, jaar=jaar, niveau=niveau,
                                                   kleur=kleur))
    return render(request, "overzicht.html", view, api="/api/v1/overzicht", cache=key,
                  ctx=ctx)


@router.get("/gebied/{code}")
def gebied(request: Request, ctx: CtxDep, code: str, jaar: Jaar = None) -> Response:
    view = ctx.view("profile", code, jaar,
                    factory=lambda: views_area.area_profile(ctx, code, jaar=jaar))
    # The rank interval (sensitivity analysis, ~0.2–0.6 s) inline when ready, else lazily
    # while it is computed in the background (once per framework and data version).
    ri = rankinterval.cached_view(ctx, code) if rankinterval.prepare(ctx, code) else None
    if ri is None:
        provisional(request)  # a placeholder: kept in the page cache for seconds only
    return render(request, "gebied.html", view, api=f"/api/v1/gebied/{view.code}", ri=ri,
                  cache=(code, jaar, ri is not None), ctx=ctx)


@router.get("/vergelijken")
def vergelijken(request: Request, ctx: CtxDep,
                gebied: Annotated[list[str], Query()] = []) -> Response:  # noqa: B006
    view = views_area.compare(ctx, gebied)
    return render(request, "vergelijken.html", view, api="/api/v1/vergelijken")


@router.get("/data")
def data(request: Request, ctx: CtxDep) -> Response:
    view = ctx.view("data", factory=lambda: views_data.data_overview(ctx))
    return render(request, "data.html", view, api="/api/v1/data", cache=(), ctx=ctx)


@router.get("/begrippen")
def begrippen(request: Request) -> Response:
    return render(request, "begrippen.html", glossary.glossary(), api="/api/v1/begrippen")


@router.get("/data/herkomst")
def herkomst(request: Request) -> Response:
    return render(request, "herkomst.html", views_data.provenance_page(),
                  api="/api/v1/data/herkomst")
