"""Investeringsagenda pages, their JSON twins and downloads. Each route makes one service call.

Optimising is computed on demand and cached (see :mod:`wijkkompas.services.agenda.pages`); the
optimisation page loads it lazily with htmx. Writes (save an optimised allocation, fix an
allocation by hand, mark a measure, import a workbook) are POST forms for logged-in users with
a CSRF token and the agenda's lock version (``versie``), each with a JSON twin under
``/api/v1/agenda/...`` (session + ``X-CSRF-Token``, or an API token); they call
:mod:`wijkkompas.services.agenda.editing`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from wijkkompas.errors import ConfigError, DataError
from wijkkompas.i18n import _
from wijkkompas.services.agenda import (
    editing as views_agenda_edit,
)
from wijkkompas.services.agenda import (
    flow as views_agenda_flow,
)
from wijkkompas.services.agenda import (
    pages as views_agenda,
)
from wijkkompas.services.framework import overview as views
from wijkkompas.services.framework.downloads import to_csv_bytes
from wijkkompas.web import auth
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.errors import respond
from wijkkompas.web.page_cache import dont_cache
from wijkkompas.web.routes_api import XLSX, _download
from wijkkompas.web.routes_html import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])

KaderQ = Annotated[str | None, Query(description="Afwegingskader (preset) voor de prioriteiten; "
                                    "standaard dat van de agenda.")]
AgendaQ = Annotated[int | None, Query(description="Id van een opgeslagen agendaversie; "
                                      "standaard de nieuwste.")]
Filter = Annotated[str | None, Query()]


def _filters(opgave: str | None, gebied: str | None, type: str | None,  # noqa: A002
             status: str | None, stroom: str | None, termijn: str | None) -> dict[str, Any]:
    return {"opgave": opgave or None, "gebied": (gebied or "").upper() or None,
            "type": type or None, "status": status or None, "stroom": stroom or None,
            "termijn": termijn or None}


def _editing(request: Request, ctx: CtxDep, agenda_id: int | None) -> dict[str, Any]:
    """The edit forms' view and whether the logged-in user may use them (no user: no token is
    rendered, so anonymous pages stay cacheable)."""
    from wijkkompas.services.agenda.usecases import agenda_entity

    e = views_agenda_edit.edit_view(ctx, agenda_id=agenda_id)
    user = auth.current_user(request)
    can_edit = bool(user is not None and e.lock_version is not None and auth.may(
        request, user, "edit", agenda_entity(views_agenda.load(ctx, agenda_id).agenda)))
    return {"e": e, "logged_in": user is not None, "can_edit": can_edit,
            "saved": request.query_params.get("opgeslagen") == str(e.lock_version)}


@router.get("/agenda")
def agenda(request: Request, ctx: CtxDep, agenda: AgendaQ = None, opgave: Filter = None,
           gebied: Filter = None, type: Filter = None, status: Filter = None,  # noqa: A002
           stroom: Filter = None, termijn: Filter = None) -> Response:
    view = views_agenda.agenda_table(ctx, agenda_id=agenda, **_filters(
        opgave, gebied, type, status, stroom, termijn))
    return render(request, "agenda.html", view, api="/api/v1/agenda",
                  **_editing(request, ctx, agenda))


@router.get("/agenda/optimalisatie")
def optimalisatie(request: Request, ctx: CtxDep, agenda: AgendaQ = None,
                  kader: KaderQ = None) -> Response:
    loaded = views_agenda.load(ctx, agenda)
    view = views_agenda.optimisation(ctx, agenda_id=agenda, kader=kader) \
        if views_agenda.is_optimised(ctx, loaded, kader) else None
    if view is None:
        dont_cache(request)  # a placeholder: the page shows the result inline once computed
    return render(request, "agenda_optimalisatie.html", view, api="/api/v1/agenda/optimalisatie",
                  agenda_id=loaded.agenda_id, **_editing(request, ctx, agenda))


@router.get("/agenda/optimalisatie/resultaat")
def optimalisatie_fragment(request: Request, ctx: CtxDep, agenda: AgendaQ = None,
                           kader: KaderQ = None) -> Response:
    """The optimised allocation only (for htmx); a plain request goes to the full page."""
    if request.headers.get("hx-request") != "true":
        query = str(request.url.query)
        return RedirectResponse("/agenda/optimalisatie" + (f"?{query}" if query else ""), 303)
    view = views_agenda.optimisation(ctx, agenda_id=agenda, kader=kader)
    response = render(request, "_agenda_optimalisatie.html", view, api="",
                      **_editing(request, ctx, agenda))
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
def optimalisatie_api(ctx: CtxDep, agenda: AgendaQ = None, kader: KaderQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda.optimisation(ctx, agenda_id=agenda,
                                                                kader=kader)))


@api_router.get("/agenda/ontschotting", summary="Ontschotting: geldstromen per gebied, "
                "stromen naar opgaven en gebieden, gaten en overlap")
def ontschotting_api(ctx: CtxDep, agenda: AgendaQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda_flow.ontschotting(ctx, agenda_id=agenda)))


@api_router.get("/agenda/scenarios", summary="Scenario's van de agenda naast elkaar")
def scenarios_api(ctx: CtxDep, agenda: AgendaQ = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_agenda.scenarios(ctx, agenda_id=agenda)))


# --- writes ------------------------------------------------------------------------------------

def _back(path: str, saved: views_agenda_edit.Saved) -> RedirectResponse:
    query = urlencode({"agenda": saved.agenda_id, "opgeslagen": saved.lock_version})
    return RedirectResponse(f"{path}?{query}", status_code=303)


@router.post("/agenda/optimalisatie/opslaan")
async def save_optimised(request: Request, ctx: CtxDep) -> Response:
    """Save the optimised allocation as a new agenda version (or replace the version)."""
    ws, fields = await auth.writer(request)
    return _back("/agenda", views_agenda_edit.save_optimisation(ctx, ws, fields))


@api_router.post("/agenda/opslaan", summary="Sla de geoptimaliseerde verdeling op als nieuwe "
                 "agendaversie (jaar) of vervang de versie (vervang); versie = lock-versie")
async def save_optimised_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await auth.writer(request)
    return JSONResponse(views.to_dict(views_agenda_edit.save_optimisation(ctx, ws, fields)))


@router.post("/agenda/vastleggen")
async def fix_allocation(request: Request, ctx: CtxDep) -> Response:
    """Fix (or release) a stream x measure x year amount by hand, with a reason."""
    ws, fields = await auth.writer(request)
    return _back("/agenda/optimalisatie", views_agenda_edit.fix_allocation(ctx, ws, fields))


@api_router.post("/agenda/vastleggen", summary="Leg een toewijzing handmatig vast (geldstroom, "
                 "maatregel, jaar, bedrag in euro's, reden) of laat haar los (loslaten)")
async def fix_allocation_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await auth.writer(request)
    return JSONResponse(views.to_dict(views_agenda_edit.fix_allocation(ctx, ws, fields)))


@router.post("/agenda/markeren")
async def mark_measure(request: Request, ctx: CtxDep) -> Response:
    """Mark a measure must-do, excluded or free before optimising, with a reason."""
    ws, fields = await auth.writer(request)
    return _back("/agenda/optimalisatie", views_agenda_edit.mark_measure(ctx, ws, fields))


@api_router.post("/agenda/markeren", summary="Markeer een maatregel als verplicht, uitgesloten "
                 "of vrij (met reden)")
async def mark_measure_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await auth.writer(request)
    return JSONResponse(views.to_dict(views_agenda_edit.mark_measure(ctx, ws, fields)))


async def _upload(request: Request) -> tuple[str, bytes]:
    form = await request.form()  # parsed once by auth.writer; cached on the request
    upload = form.get("bestand")
    if upload is None or isinstance(upload, str):
        raise ConfigError(_("Kies een Excel-werkmap om in te lezen (veld 'bestand')."))
    return upload.filename or "agenda.xlsx", await upload.read()


async def _import(request: Request, ctx: CtxDep, ws, filename: str, data: bytes,  # noqa: ANN001
                  fields: dict) -> Any:
    """The import in a worker thread (reading a workbook must not stall the event loop),
    with the configured row limit."""
    return await run_in_threadpool(views_agenda_edit.import_workbook, ctx, ws, filename, data,
                                   fields, max_rows=request.app.state.config.max_import_rows)


@router.post("/agenda/import")
async def import_agenda(request: Request, ctx: CtxDep) -> Response:
    """Import an agenda workbook; on error the agenda page lists every located problem and
    nothing is stored."""
    ws, fields = await auth.writer(request)
    filename, data = await _upload(request)
    try:
        saved = await _import(request, ctx, ws, filename, data, fields)
    except DataError as exc:
        shown = views_agenda_edit.parse_int(fields, "agenda", required=False)
        view = views_agenda.agenda_table(ctx, agenda_id=shown)
        response = render(request, "agenda.html", view, api="/api/v1/agenda",
                          import_error=str(exc),
                          problems=views_agenda_edit.import_problems(exc),
                          **_editing(request, ctx, shown))
        response.status_code = 422
        return response
    return _back("/agenda", saved)


@api_router.post("/agenda/import", summary="Lees een agenda in uit een Excel-werkmap "
                 "(multipart, veld bestand; vervang = bestaande versie overschrijven); alles "
                 "of niets, fouten met blad, rij, kolom en waarde")
async def import_agenda_api(request: Request, ctx: CtxDep) -> Response:
    ws, fields = await auth.writer(request)
    filename, data = await _upload(request)
    try:
        saved = await _import(request, ctx, ws, filename, data, fields)
    except DataError as exc:
        problems = [views.to_dict(p) for p in views_agenda_edit.import_problems(exc)]
        return respond(request, 422, type(exc).__name__, str(exc), {"problems": problems})
    return JSONResponse(views.to_dict(saved))


@router.get("/agenda/sjabloon.xlsx")
@api_router.get("/agenda/sjabloon.xlsx", summary="Lege agenda-werkmap om in te vullen en in te "
                "lezen (alle bladen, kolommen en keuzelijsten)")
def agenda_template() -> Response:
    return _download(views_agenda_edit.template_xlsx(), XLSX, "agenda-sjabloon.xlsx")


#: Pages and API twins together (one include in the app factory).
routes = APIRouter()
routes.include_router(router)
routes.include_router(api_router)
