"""The national map: page, JSON twins, the CSV and the map geometry (vector tiles or GeoJSON).

Each route makes one service or workspace call. Tile addresses are integers checked against
the grid; the level is one of three words; nothing from the request becomes a path or SQL text.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from wijkkompas.errors import NotFound
from wijkkompas.exportsafe import write_csv
from wijkkompas.i18n import _
from wijkkompas.services.areas import national as views
from wijkkompas.services.framework.overview import to_dict
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_html import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])

Indicator = Annotated[str | None, Query(max_length=64, description=(
    "Indicatorcode uit de catalogus (/api/v1/indicatoren); standaard p_65_oo."))]
Jaar = Annotated[int | None, Query(ge=1900, le=2100, description=(
    "Jaar; standaard het laatste met waarden."))]
Niveau = Annotated[Literal["gemeente", "wijk", "buurt"], Query(
    description="gemeente, wijk of buurt.")]
Level = Annotated[Literal["gemeente", "wijk", "buurt"], Path()]
Year = Annotated[int, Path(ge=1900, le=2100)]
Tile = Annotated[int, Path(ge=0, le=1 << 16)]
# Geometry changes only with an import; the URL carries the data version (?v=...).
GEOMETRY_CACHE = {"Cache-Control": "public, max-age=86400"}


def _background(request: Request) -> str | None:
    return getattr(request.app.state, "background_map", None)


@router.get("/nederland")
def nederland(request: Request, ctx: CtxDep, indicator: Indicator = None, jaar: Jaar = None,
              niveau: Niveau = "buurt") -> Response:
    view = views.national(ctx, indicator=indicator, jaar=jaar, niveau=niveau,
                          background=_background(request))
    return render(request, "nederland.html", view, api="/api/v1/nederland")


@api.get("/nederland", summary="Nederland: één indicator per gemeente, wijk of buurt op de kaart")
def nederland_json(request: Request, ctx: CtxDep, indicator: Indicator = None,
                   jaar: Jaar = None, niveau: Niveau = "buurt") -> JSONResponse:
    return JSONResponse(to_dict(views.national(ctx, indicator=indicator, jaar=jaar,
                                               niveau=niveau, background=_background(request))))


@api.get("/nederland/waarden", summary="Nederland: de gebiedscodes per kaartklasse")
def nederland_waarden(ctx: CtxDep, indicator: Indicator = None, jaar: Jaar = None,
                      niveau: Niveau = "buurt") -> JSONResponse:
    return JSONResponse(to_dict(views.class_values(ctx, indicator=indicator, jaar=jaar,
                                                   niveau=niveau)))


@api.get("/nederland.csv", summary="Nederland: alle gebieden met hun waarde als CSV")
def nederland_csv(ctx: CtxDep, indicator: Indicator = None, jaar: Jaar = None,
                  niveau: Niveau = "buurt") -> Response:
    frame, meta = views.national_csv(ctx, indicator=indicator, jaar=jaar, niveau=niveau)
    buf = io.StringIO()
    write_csv(buf, frame, meta)
    return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="nederland.csv"'})


@router.get("/kaart/tegels/{niveau}/{jaar}/{z}/{x}/{y}.mvt")
def tegel(ctx: CtxDep, niveau: Level, jaar: Year, z: Tile, x: Tile, y: Tile) -> Response:
    try:
        body = ctx.ws.map_tile(views.LEVELS[niveau], jaar, z, x, y)
    except ValueError as exc:
        raise NotFound(_("Deze kaarttegel bestaat niet.")) from exc
    return Response(body, media_type="application/vnd.mapbox-vector-tile",
                    headers=GEOMETRY_CACHE)


@router.get("/kaart/vormen/{niveau}/{jaar}.geojson")
def vormen(ctx: CtxDep, niveau: Level, jaar: Year) -> Response:
    body = ctx._cached("geojson", niveau, jaar,
                       factory=lambda: ctx.ws.map_geojson(views.LEVELS[niveau], jaar))
    return Response(body, media_type="application/geo+json", headers=GEOMETRY_CACHE)
