"""The Middelen page (regular means against the afwegingskader), its JSON twin under
/api/v1/middelen and CSV/Excel downloads. Read-only: the what-if is a view, not a decision,
so it is a GET with the domain and percentage in the query. Each route makes one call to
:mod:`wijkkompas.services.means.pages`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from wijkkompas.services.framework import overview as views
from wijkkompas.services.means import pages as views_means
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_api import Gemeente, Jaar, Kader, Opgave
from wijkkompas.web.routes_html import render
from wijkkompas.web.routes_monitor import _file

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["middelen"])

DomainCode = Literal["wmo", "jeugd", "participatie", "openbare_ruimte", "veiligheid", "welzijn",
                     "onderwijs", "overig"]  # wijkkompas.means.table.DOMAINS
Domein = Annotated[DomainCode | None, Query(description="Alleen dit domein; standaard alle "
                                            "domeinen.")]
Herverdeel = Annotated[DomainCode | None, Query(description="Wat-als: het domein waarvan een "
                                                "deel naar de nood verschuift.")]
Procent = Annotated[float | None, Query(ge=0, le=100, description="Wat-als: welk deel (0-100) "
                                        "verschuift; standaard 10.")]


@router.get("/middelen", include_in_schema=False)
def means_page(request: Request, ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
               opgave: Opgave = None, jaar: Jaar = None, domein: Domein = None,
               herverdeel: Herverdeel = None, procent: Procent = None) -> Response:
    view = views_means.means_page(ctx, gemeente=gemeente, kader=kader, opgave=opgave, jaar=jaar,
                                  domein=domein, herverdeel=herverdeel, procent=procent)
    return render(request, "middelen.html", view, api="/api/v1/middelen")


@api.get("/middelen.csv", summary="Reguliere middelen per gebied naast de rangorde, als CSV")
def means_csv(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None, opgave: Opgave = None,
              jaar: Jaar = None, domein: Domein = None) -> Response:
    return _file(views_means.means_frame(ctx, gemeente=gemeente, kader=kader, opgave=opgave,
                                         jaar=jaar, domein=domein), "csv", "middelen")


@api.get("/middelen.xlsx", summary="Reguliere middelen per gebied naast de rangorde, als Excel")
def means_xlsx(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
               opgave: Opgave = None, jaar: Jaar = None, domein: Domein = None) -> Response:
    return _file(views_means.means_frame(ctx, gemeente=gemeente, kader=kader, opgave=opgave,
                                         jaar=jaar, domein=domein), "xlsx", "middelen")


@api.get("/middelen", summary="Volgt het reguliere geld de nood? Bedrag per inwoner, "
         "concentratie-index, curve, kwadrant, verloop, per domein en wat-als")
def means_api(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None, opgave: Opgave = None,
              jaar: Jaar = None, domein: Domein = None, herverdeel: Herverdeel = None,
              procent: Procent = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_means.means_page(
        ctx, gemeente=gemeente, kader=kader, opgave=opgave, jaar=jaar, domein=domein,
        herverdeel=herverdeel, procent=procent)))


router.include_router(api)
