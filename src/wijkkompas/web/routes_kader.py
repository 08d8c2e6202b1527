"""Afwegingskader what-if (page, htmx fragment, JSON twin), saving a version, and the rank
interval of an area profile. Each route makes one service call."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from wijkkompas.services.data import pages as views_data
from wijkkompas.services.framework import rankinterval, whatif
from wijkkompas.web import auth
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_api import Jaar, cached_json

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])

OpgaveQ = Annotated[str | None, Query(description="Opgave (of totaalindex) voor de ranglijst.")]
NormaliseQ = Annotated[str | None, Query(description="Andere normalisatie, bijv. minmax, "
                                         "zscore, rank; leeg: zoals opgeslagen.")]
AggregateQ = Annotated[str | None, Query(description="Andere aggregatie: mean, geomean of "
                                         "topsis; leeg: zoals opgeslagen.")]


def _whatif_key(preset: str, params: dict[str, str], opgave: str | None, jaar: int | None,
                normalise: str | None, aggregate: str | None) -> tuple:
    """The what-if's parameters as a view-cache key (weights parsed, so invalid ones fail
    here and nothing is cached for them)."""
    weights = whatif.parse_weights(params)
    return (preset, opgave or None, jaar, tuple(sorted(weights.items())), normalise or None,
            aggregate or None)


def _whatif(ctx, preset: str, params: dict[str, str], opgave: str | None,  # noqa: ANN001
            jaar: int | None, normalise: str | None, aggregate: str | None
            ) -> whatif.WhatIfView:
    key = _whatif_key(preset, params, opgave, jaar, normalise, aggregate)
    return ctx.view("whatif", *key, whatif=True, factory=_whatif_factory(ctx, key))


def _whatif_factory(ctx, key: tuple):  # noqa: ANN001, ANN202
    preset, opgave, jaar, weights, normalise, aggregate = key
    return lambda: whatif.whatif(ctx, preset, opgave=opgave, jaar=jaar, weights=dict(weights),
                                 normalise=normalise, aggregate=aggregate)


def _context(request: Request, **values: object) -> dict:
    query = str(request.url.query)
    return {"api_url": values.pop("api"), "request_path": request.url.path,
            "request_query": query, **values}


@router.get("/kader")
@router.get("/kader/{preset}")
def kader(request: Request, ctx: CtxDep, preset: str = "rotterdam", opgave: OpgaveQ = None,
          jaar: Jaar = None, normalise: NormaliseQ = None, aggregate: AggregateQ = None
          ) -> Response:
    """The framework in readable form with the what-if controls (works without JavaScript:
    the form submits here)."""
    if "preset" in request.query_params and request.url.path == "/kader":
        return RedirectResponse(f"/kader/{quote(request.query_params['preset'])}", 303)
    view = ctx.view("framework", preset, factory=lambda: views_data.framework_view(ctx, preset))
    wif = _whatif(ctx, preset, dict(request.query_params), opgave, jaar, normalise, aggregate)
    query = str(request.url.query)
    api = f"/api/v1/kader/{view.preset}/whatif" + (f"?{query}" if query else "")
    return request.app.state.templates.TemplateResponse(request, "kader.html", _context(
        request, v=view, w=wif, api=api, saved=request.query_params.get("opgeslagen")))


@router.get("/kader/{preset}/wat-als")
def kader_fragment(request: Request, ctx: CtxDep, preset: str, opgave: OpgaveQ = None,
                   jaar: Jaar = None, normalise: NormaliseQ = None,
                   aggregate: AggregateQ = None) -> Response:
    """The what-if results only (for htmx); a plain request goes to the full page."""
    if request.headers.get("hx-request") != "true":
        query = str(request.url.query)
        return RedirectResponse(f"/kader/{quote(preset)}" + (f"?{query}" if query else ""), 303)
    wif = _whatif(ctx, preset, dict(request.query_params), opgave, jaar, normalise, aggregate)
    response = request.app.state.templates.TemplateResponse(
        request, "_whatif_results.html", _context(request, w=wif, api=""))
    response.headers["HX-Push-Url"] = wif.page_url
    response.headers["Vary"] = "HX-Request"
    return response


@router.post("/kader/{preset}/opslaan")
async def kader_save(request: Request, ctx: CtxDep, preset: str) -> Response:
    """Save the what-if as a new version (an account that may publish; CSRF-checked)."""
    ws, fields = await auth.writer(request)
    saved = whatif.save(ctx, preset, user=ws.settings.user, note=str(fields.get("note", "")),
                        weights=whatif.parse_weights(fields),
                        normalise=fields.get("normalise") or None,
                        aggregate=fields.get("aggregate") or None, ws=ws)
    query = urlencode({"opgeslagen": saved.version})
    return RedirectResponse(f"/kader/{quote(saved.key)}?{query}", status_code=303)


@api_router.get("/kader/{preset}/whatif", summary="Afwegingskader wat-als: ranglijst met andere "
                "gewichten of methoden, vergeleken met de opgeslagen versie")
def kader_whatif(request: Request, ctx: CtxDep, preset: str, opgave: OpgaveQ = None,
                 jaar: Jaar = None, normalise: NormaliseQ = None,
                 aggregate: AggregateQ = None) -> JSONResponse:
    """Gewichten als query-parameters ``w.<code>=<gewicht>`` (0–10), bijv.
    ``?w.fysiek_wonen=3``; de opgeslagen versie kan ook ``preset@n`` zijn."""
    key = _whatif_key(preset, dict(request.query_params), opgave, jaar, normalise, aggregate)
    return cached_json(ctx, "whatif", *key, whatif=True, factory=_whatif_factory(ctx, key))


@router.get("/gebied/{code}/ranginterval")
def gebied_rank_interval(request: Request, ctx: CtxDep, code: str) -> Response:
    """The rank interval (htmx fragment; a full page without htmx)."""
    view = rankinterval.cached_view(ctx, code)
    template = "_rank_interval.html" if request.headers.get("hx-request") == "true" \
        else "ranginterval.html"
    return request.app.state.templates.TemplateResponse(request, template, _context(
        request, r=view, api=f"/api/v1/gebied/{view.code}/ranginterval"))


@api_router.get("/gebied/{code}/ranginterval", summary="Rangonzekerheid van een gebied "
                "(gevoeligheidsanalyse)")
def gebied_rank_interval_api(ctx: CtxDep, code: str) -> JSONResponse:
    return cached_json(ctx, "rankinterval", code,
                       factory=lambda: rankinterval.rank_interval(ctx, code))
