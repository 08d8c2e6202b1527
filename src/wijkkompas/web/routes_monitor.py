"""Monitor pages (targets, programme, gap, pilots), their JSON twins under /api/v1/monitor and
CSV/Excel downloads. Each route makes one call to :mod:`wijkkompas.services.monitor.pages`.

Writes (set or edit a target, define a pilot) go through :func:`wijkkompas.web.auth.writer`
(session + CSRF, or an API token) and :mod:`wijkkompas.services.monitor.forms`; a form
post redirects (303) to the page of what was saved, the JSON twin returns it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from wijkkompas.services.framework import downloads as exports
from wijkkompas.services.framework import overview as views
from wijkkompas.services.monitor import (
    forms as views_monitor_edit,
)
from wijkkompas.services.monitor import (
    pages as views_monitor,
)
from wijkkompas.services.monitor import (
    pilot_report as views_monitor_pilot,
)
from wijkkompas.web import auth
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_api import XLSX, Gemeente
from wijkkompas.web.routes_html import render

router = APIRouter()
api = APIRouter(prefix="/api/v1/monitor", tags=["monitor"])

Versie = Annotated[int | None, Query(description="Versie van het doel; standaard de huidige.")]
Indicator = Annotated[str | None, Query(description="Indicatorcode, bijv. lbm_totaal.")]
KaderQ = Annotated[str | None, Query(description="Afwegingskader voor een opgavescore.")]
OpgaveQ = Annotated[str | None, Query(description="Opgave-code (met kader) in plaats van een "
                                      "indicator.")]
NiveauQ = Annotated[Literal["wijk", "buurt"], Query(description="wijk of buurt.")]
Basis = Annotated[str | None, Query(description="Basisindicatoren voor de keuze van "
                                    "vergelijkingsgebieden, komma-gescheiden.")]
K = Annotated[int, Query(ge=1, le=10, description="Vergelijkingsgebieden per pilotgebied.")]
CSV = "text/csv; charset=utf-8"


def _file(frame_meta: tuple[Any, dict[str, str]], kind: str, name: str) -> Response:
    frame, meta = frame_meta
    if kind == "csv":
        body, media = exports.to_csv_bytes(frame, meta), CSV
    else:
        body, media = exports.to_xlsx_bytes(frame, meta, sheet=name[:31]), XLSX
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def _editing(request: Request, ctx: CtxDep, areas: list[str] | None = None) -> dict[str, Any]:
    """The forms' choices and whether the logged-in user may use them (no user: no form and no
    token, so anonymous pages stay cacheable). ``areas``: the edited record's areas."""
    from wijkkompas.services.accounts.users import get_user

    user = auth.current_user(request)
    if user is None:
        return {"logged_in": False, "can_edit": False, "form": None}
    account = get_user(ctx.ws, user.id)
    role = getattr(account, "role", None)
    if areas is not None:
        allowed = auth.may(request, user, "edit", {"areas": areas})
    else:
        allowed = role in ("editor", "admin")
    return {"logged_in": True, "can_edit": bool(allowed),
            "form": views_monitor_edit.target_form(ctx) if allowed else None}


async def _fields(request: Request) -> tuple[Any, dict[str, Any]]:
    """The acting workspace and the fields; a multi-select (``gebieden``, ``referentie``,
    ``indicatoren``) of a form post keeps every chosen value."""
    ws, fields = await auth.writer(request)
    if not request.headers.get("content-type", "").startswith("application/json"):
        form = await request.form()  # parsed once by auth.writer; cached on the request
        for name in ("gebieden", "referentie", "indicatoren"):
            values = [v for v in form.getlist(name) if isinstance(v, str)]
            if len(values) > 1:
                fields[name] = values
    return ws, fields


# --- HTML -------------------------------------------------------------------------------------


@router.get("/monitor", include_in_schema=False)
def monitor_page(request: Request, ctx: CtxDep) -> Response:
    return render(request, "monitor.html", views_monitor.monitor_index(ctx), api="/api/v1/monitor",
                  kinds=views_monitor_edit.kind_labels(), **_editing(request, ctx))


@router.get("/monitor/doel/{code}", include_in_schema=False)
def doel_page(request: Request, ctx: CtxDep, code: str, versie: Versie = None) -> Response:
    view = views_monitor.programme(ctx, code, versie=versie)
    return render(request, "monitor_doel.html", view, api=f"/api/v1/monitor/doel/{view.code}",
                  kinds=views_monitor_edit.kind_labels(),
                  **_editing(request, ctx, list(view.definition.get("areas") or [])))


@router.post("/monitor/doelen", include_in_schema=False)
async def doel_create(request: Request, ctx: CtxDep) -> Response:
    """Set a target (logged-in editors; CSRF-checked); then show its progress."""
    ws, fields = await _fields(request)
    saved = views_monitor_edit.create_target(ctx, ws, fields)
    return RedirectResponse(saved.url, status_code=303)


@router.post("/monitor/doel/{code}", include_in_schema=False)
async def doel_edit(request: Request, ctx: CtxDep, code: str) -> Response:
    """A new version of a target (stale ``versie``: 409 with what changed)."""
    ws, fields = await _fields(request)
    saved = views_monitor_edit.edit_target(ctx, ws, code, fields)
    return RedirectResponse(saved.url, status_code=303)


@router.post("/monitor/pilots", include_in_schema=False)
async def pilot_save(request: Request, ctx: CtxDep) -> Response:
    """Define (or replace) a pilot; then show it against its comparison areas."""
    ws, fields = await _fields(request)
    saved = views_monitor_edit.save_pilot(ctx, ws, fields)
    return RedirectResponse(saved.url, status_code=303)


@router.get("/monitor/spreiding", include_in_schema=False)
def spreiding_page(request: Request, ctx: CtxDep, indicator: Indicator = None,
                   gemeente: Gemeente = None, kader: KaderQ = None, opgave: OpgaveQ = None,
                   niveau: NiveauQ = "wijk") -> Response:
    view = views_monitor.gap(ctx, indicator=indicator, gemeente=gemeente, kader=kader,
                             opgave=opgave, niveau=niveau)
    return render(request, "monitor_spreiding.html", view, api="/api/v1/monitor/spreiding")


@router.get("/monitor/pilot/{code}", include_in_schema=False)
def pilot_page(request: Request, ctx: CtxDep, code: str, indicator: Indicator = None,
               basis: Basis = None, k: K = 2) -> Response:
    view = views_monitor_pilot.pilot(ctx, code, indicator=indicator, basis=basis, k=k)
    return render(request, "monitor_pilot.html", view, api=f"/api/v1/monitor/pilot/{view.code}")


# --- JSON twins and downloads (file routes first: "{code}.csv" would match "{code}") ----------


@api.get("", summary="Monitor: doelen (met versies) en pilots")
def monitor_api(ctx: CtxDep) -> JSONResponse:
    return JSONResponse(views.to_dict(views_monitor.monitor_index(ctx)))


@api.get("/doel/{code}.csv", summary="Voortgang per gebied als CSV")
def doel_csv(ctx: CtxDep, code: str, versie: Versie = None) -> Response:
    return _file(views_monitor.programme_frame(ctx, code, versie=versie), "csv",
                 f"voortgang-{code}")


@api.get("/doel/{code}.xlsx", summary="Voortgang per gebied als Excel")
def doel_xlsx(ctx: CtxDep, code: str, versie: Versie = None) -> Response:
    return _file(views_monitor.programme_frame(ctx, code, versie=versie), "xlsx",
                 f"voortgang-{code}")


@api.get("/doel/{code}", summary="Programmamonitor: voortgang van elk gebied van een doel")
def doel_api(ctx: CtxDep, code: str, versie: Versie = None) -> JSONResponse:
    return JSONResponse(views.to_dict(views_monitor.programme(ctx, code, versie=versie)))


@api.get("/spreiding.csv", summary="Spreiding tussen gebieden als CSV")
def spreiding_csv(ctx: CtxDep, indicator: Indicator = None, gemeente: Gemeente = None,
                  kader: KaderQ = None, opgave: OpgaveQ = None, niveau: NiveauQ = "wijk"
                  ) -> Response:
    return _file(views_monitor.gap_frame(ctx, indicator=indicator, gemeente=gemeente,
                                         kader=kader, opgave=opgave, niveau=niveau),
                 "csv", "spreiding")


@api.get("/spreiding.xlsx", summary="Spreiding tussen gebieden als Excel")
def spreiding_xlsx(ctx: CtxDep, indicator: Indicator = None, gemeente: Gemeente = None,
                   kader: KaderQ = None, opgave: OpgaveQ = None, niveau: NiveauQ = "wijk"
                   ) -> Response:
    return _file(views_monitor.gap_frame(ctx, indicator=indicator, gemeente=gemeente,
                                         kader=kader, opgave=opgave, niveau=niveau),
                 "xlsx", "spreiding")


@api.get("/spreiding", summary="Spreiding tussen gebieden: groeien de verschillen?")
def spreiding_api(ctx: CtxDep, indicator: Indicator = None, gemeente: Gemeente = None,
                  kader: KaderQ = None, opgave: OpgaveQ = None, niveau: NiveauQ = "wijk"
                  ) -> JSONResponse:
    return JSONResponse(views.to_dict(views_monitor.gap(
        ctx, indicator=indicator, gemeente=gemeente, kader=kader, opgave=opgave,
        niveau=niveau)))


@api.get("/pilot/{code}.csv", summary="Pilot: verandering per gebied als CSV")
def pilot_csv(ctx: CtxDep, code: str, indicator: Indicator = None, basis: Basis = None,
              k: K = 2) -> Response:
    return _file(views_monitor_pilot.pilot_frame(ctx, code, indicator=indicator, basis=basis, k=k),
                 "csv", f"pilot-{code}")


@api.get("/pilot/{code}.xlsx", summary="Pilot: verandering per gebied als Excel")
def pilot_xlsx(ctx: CtxDep, code: str, indicator: Indicator = None, basis: Basis = None,
               k: K = 2) -> Response:
    return _file(views_monitor_pilot.pilot_frame(ctx, code, indicator=indicator, basis=basis, k=k),
                 "xlsx", f"pilot-{code}")


@api.get("/pilot/{code}", summary="Pilot tegenover vergelijkingsgebieden "
         "(verschil-in-verschillen)")
def pilot_api(ctx: CtxDep, code: str, indicator: Indicator = None, basis: Basis = None,
              k: K = 2) -> JSONResponse:
    return JSONResponse(views.to_dict(views_monitor_pilot.pilot(ctx, code, indicator=indicator,
                                                          basis=basis, k=k)))


@api.post("/doelen", summary="Leg een doel vast (code, naam, gebieden, indicator of kader + "
          "opgave, soort, waarde, basisjaar, doeljaar, tussendoelen)")
async def doel_create_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await _fields(request)
    return JSONResponse(views.to_dict(views_monitor_edit.create_target(ctx, ws, fields)))


@api.post("/doelen/{code}", summary="Wijzig een doel (nieuwe versie); versie = de versie die "
          "u zag (anders 409 met wat er veranderde)")
async def doel_edit_api(request: Request, ctx: CtxDep, code: str) -> JSONResponse:
    ws, fields = await _fields(request)
    return JSONResponse(views.to_dict(views_monitor_edit.edit_target(ctx, ws, code, fields)))


@api.post("/pilots", summary="Leg een pilot vast (code, naam, gebieden, startjaar, "
          "indicatoren, maatregelen); versie bij vervangen")
async def pilot_save_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await _fields(request)
    return JSONResponse(views.to_dict(views_monitor_edit.save_pilot(ctx, ws, fields)))


@api.get("/gebied/{code}", summary="Monitor van één gebied (ook in het gebiedsprofiel)")
def gebied_api(ctx: CtxDep, code: str) -> JSONResponse:
    return JSONResponse(views.to_dict(views_monitor.area_monitor(ctx, code)))


router.include_router(api)
