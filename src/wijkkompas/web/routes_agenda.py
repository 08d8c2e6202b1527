"""Investeringsagenda pages, their JSON twins and downloads. Each route makes one service call.

Optimising here is read-only: the result is computed on demand and cached (see
:mod:`wijkkompas.services.views_agenda`); the optimisation page loads it lazily with htmx.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from wijkkompas.services import views, views_agenda, views_agenda_flow
from wijkkompas.services.exports import to_csv_bytes
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.page_cache import dont_cache
from wijkkompas.web.routes_api import XLSX, _download
from wijkkompas.web.routes_html import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])

AgendaQ = Annotated[int | None, Query(description="Id van een opgeslagen agendaversie; "
                                      "standaard de nieuwste.")]
Filter = Annotated[str | None, Query()]


def _filters(opgave: str | None, gebied: str | None, type: str | None,  # noqa: A002
             status: str | None, stroom: str | None, termijn: str | None) -> dict[str, Any]:
    return {"opgave": opgave or None, "gebied": (gebied or "").upper() or None,
            "type": type or None, "status": status or None, "stroom": stroom or None,
            "termijn": termijn or None}


@router.get("/agenda")
def agenda(request: Request, ctx: CtxDep, agenda: AgendaQ = None, opgave: Filter = None,
           gebied: Filter = None, type: Filter = None, status: Filter = None,  # noqa: A002
           stroom: Filter = None, termijn: Filter = None) -> Response:
    view = views_agenda.agenda_table(ctx, agenda_id=agenda, **_filters(
        opgave, gebied, type, status, stroom, termijn))
    return render(request, "agenda.html", view, api="/api/v1/agenda")


@router.get("/agenda/optimalisatie")
def optimalisatie(request: Request, ctx: CtxDep, agenda: AgendaQ = None) -> Response:
    loaded = views_agenda.load(ctx, agenda)
    view = views_agenda.optimisation(ctx, agenda_id=agenda) \
        if views_agenda.is_optimised(ctx, loaded) else None
    if view is None:
        dont_cache(request)  # a placeholder: the page shows the result inline once computed
    return render(request, "agenda_optimalisatie.html", view, api="/api/v1/agenda/optimalisatie",
                  agenda_id=loaded.agenda_id)


@router.get("/agenda/optimalisatie/resultaat")
def optimalisatie_fragment(request: Request, ctx: CtxDep, agenda: AgendaQ = None) -> Response:
    """The optimised allocation only (for htmx); a plain request goes to the full page."""
    if request.headers.get("hx-request") != "true":
        query = str(request.url.query)
        return RedirectResponse("/agenda/optimalisatie" + (f"?{query}" if query else ""), 303)
    view = views_agenda.optimisation(ctx, agenda_id=agenda)
    response = render(request, "_agenda_optimalisatie.html", view, api="")
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/agenda/ontschotting")
def ontschotting(request: Request, ctx: CtxDep, agenda: AgendaQ = None) -> Response:
    view = views_agenda_flow.ontschotting(ctx, agenda_id=agenda)
    return render(request, "agenda_ontschotting.html", view, api="/api/v1/agenda/ontschotting")


@router.get("/agenda/scenarios")
def scenarios(request: Request, ctx: CtxDep, agenda: AgendaQ = None) -> Response:
    view = views_agenda.scenarios(ctx, agenda_id=agenda)
    return render(request, "agenda_scenarios.html", view, api="/api/v1/agenda/scenarios")


@router.get("/agenda/export.xlsx")
@api_router.get("/agenda/export.xlsx", summary="Investeringsagenda als Excel-werkmap "
                "(met keuzelijsten; weer in te lezen met 'wijkkompas agenda import')")
def agenda_xlsx(ctx: CtxDep, agenda: AgendaQ = None) -> Response:
    return _download(views_agenda.agenda_xlsx(ctx, agenda_id=agenda), XLSX, "agenda.xlsx")


@router.get("/agenda/export.csv")
@api_router.get("/agenda/export.csv", summary="Maatregelen van de agenda (gefilterd) als CSV, "
                "bedragen in centen")
def agenda_csv(ctx: CtxDep, agenda: AgendaQ = None, opgave: Filter = None,
               gebied: Filter = None, type: Filter = None, status: Filter = None,  # noqa: A002
               stroom: Filter = None, termijn: Filter = None) -> Response:
    view = views_agenda.agenda_table(ctx, agenda_id=agenda, **_filters(
        opgave, gebied, type, status, stroom, termijn))
    meta = {"agenda": view.name, "versie": str(view.year), "prijspeil": str(view.price_year),
            **view.filters.active}
    return _download(to_csv_bytes(views_agenda.table_frame(view), meta),
                     "text/csv; charset=utf-8", "agenda.csv")


@api_router.get("/agenda", summary="Investeringsagenda: maatregelen met filters, bedragen per "
                "bestuurstermijn en termijnoverschrijdende verplichtingen")
def agenda_api(ctx: CtxDep, agenda: AgendaQ = None, opgave: Filter = None,
               gebied: Filter = None, type: Filter = None, status: Filter = None,  # noqa: A002
               stroom: Filter = None, termijn: Filter = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda.agenda_table(
        ctx, agenda_id=agenda, **_filters(opgave, gebied, type, status, stroom, termijn))))


@api_router.get("/agenda/optimalisatie", summary="Geoptimaliseerde verdeling met uitleg "
                "(berekend, niet opgeslagen)")
def optimalisatie_api(ctx: CtxDep, agenda: AgendaQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda.optimisation(ctx, agenda_id=agenda)))


@api_router.get("/agenda/ontschotting", summary="Ontschotting: geldstromen per gebied, "
                "stromen naar opgaven en gebieden, gaten en overlap")
def ontschotting_api(ctx: CtxDep, agenda: AgendaQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda_flow.ontschotting(ctx, agenda_id=agenda)))


@api_router.get("/agenda/scenarios", summary="Scenario's van de agenda naast elkaar")
def scenarios_api(ctx: CtxDep, agenda: AgendaQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda.scenarios(ctx, agenda_id=agenda)))


#: Pages and API twins together (one include in the app factory).
routes = APIRouter()
routes.include_router(router)
routes.include_router(api_router)
