"""Buurtbudget rounds: the index and a page per round (both rules, reasons, comparison), their
JSON twins, the ``.pb`` download, and the writes: a proposal form and the ballots importer.

Reading is public like every other page (a round shows totals per proposal, never a ballot).
Writes go through :func:`wijkkompas.web.auth.writer` (session + CSRF, or an API token); the
service checks the role and the round's area against the editor's scope, and bumps the round's
version (a stale ``versie`` is a 409 conflict).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from wijkkompas.errors import ConfigError
from wijkkompas.i18n import _
from wijkkompas.permissions import can
from wijkkompas.services.budgeting import pages as vb
from wijkkompas.services.budgeting import rounds as svc
from wijkkompas.services.framework import overview as views
from wijkkompas.web import auth
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_html import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["buurtbudget"])
router = APIRouter()

RondeId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Nummer van de ronde.")]
Aanvulling = Annotated[Literal["", "add1", "greedy"] | None, Query(
    description="Aanvulling bij equal shares: add1 of greedy (leeg: geen).")]
Gelijk = Annotated[Literal["id", "cost"], Query(
    description="Volgorde bij gelijke stand: id (laagste project-id als tekst) of cost "
                "(goedkoopste eerst).")]


def _completion(value: str | None) -> str | None:
    return value or None


def _tie(value: str) -> str:
    return value


def _may_edit(request: Request, area: str | None) -> bool:
    account = auth.reading_account(request)
    return account is not None and can(account, "edit", {"area": area} if area else None)


@pages.get("/buurtbudget")
def rounds_page(request: Request, ctx: CtxDep) -> Response:
    return render(request, "buurtbudget.html", vb.rounds_index(ctx), api="/api/v1/buurtbudget")


@pages.get("/buurtbudget/{ronde}")
async def round_page(request: Request, ctx: CtxDep, ronde: RondeId,
                     aanvulling: Aanvulling = None, gelijk: Gelijk = "id") -> Response:
    view = await run_in_threadpool(vb.round_view, ctx, ronde,
                                   completion=_completion(aanvulling), tie_break=_tie(gelijk))
    return render(request, "buurtbudget_ronde.html", view,
                  api=f"/api/v1/buurtbudget/{ronde}", may=_may_edit(request, view.area_code),
                  saved=request.query_params.get("opgeslagen"))


@pages.get("/buurtbudget/{ronde}/export.pb")
def round_export(ctx: CtxDep, ronde: RondeId) -> Response:
    body = svc.export_round(ctx.ws, ronde).encode("utf-8")
    return Response(body, media_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="buurtbudget-{ronde}.pb"',
        "X-Content-Type-Options": "nosniff"})


def _saved(ronde: int) -> RedirectResponse:
    return RedirectResponse(f"/buurtbudget/{ronde}?opgeslagen=1", status_code=303)


@pages.post("/buurtbudget/{ronde}/voorstellen")
async def proposal_add(request: Request, ronde: RondeId) -> Response:
    ws, fields = await auth.writer(request)
    vb.submit_proposal(ws, ronde, fields)
    return _saved(ronde)


async def _ballots(request: Request, ronde: int) -> int:
    ws, _fields = await auth.writer(request)
    form = await request.form()
    upload = form.get("bestand")
    if upload is None or isinstance(upload, str):
        raise ConfigError(_("Kies een bestand met stemmen (veld 'bestand': .csv, .xlsx of .pb)."))
    data = await upload.read()
    return await run_in_threadpool(svc.import_ballots, ws, ronde, data,
                                   file=(upload.filename or "stemmen.csv")[:200])


@pages.post("/buurtbudget/{ronde}/stemmen")
async def ballots_upload(request: Request, ronde: RondeId) -> Response:
    await _ballots(request, ronde)
    return _saved(ronde)


@api.get("/buurtbudget", summary="Alle buurtbudgetrondes")
def rounds_json(ctx: CtxDep) -> JSONResponse:
    return JSONResponse(views.to_dict(vb.rounds_index(ctx)))


@api.get("/buurtbudget/{ronde}", summary="Eén ronde: voorstellen met stemmen, de uitslag en "
         "het waarom per regel (equal shares en greedy) en de vergelijking")
async def round_json(ctx: CtxDep, ronde: RondeId, aanvulling: Aanvulling = None,
                     gelijk: Gelijk = "id") -> JSONResponse:
    view = await run_in_threadpool(vb.round_view, ctx, ronde,
                                   completion=_completion(aanvulling), tie_break=_tie(gelijk))
    return JSONResponse(views.to_dict(view))


@api.post("/buurtbudget/{ronde}/voorstellen", summary="Voeg een voorstel toe (code, naam, "
          "kosten in euro, gebied, thema, indiener, status, reden, versie)")
async def proposal_add_json(request: Request, ctx: CtxDep, ronde: RondeId) -> JSONResponse:
    ws, fields = await auth.writer(request)
    version = vb.submit_proposal(ws, ronde, fields)
    return JSONResponse({"ronde": ronde, "versie": version})


@api.post("/buurtbudget/{ronde}/stemmen", summary="Vervang de stemmen van een ronde (multipart, "
          "veld bestand: CSV of Excel met voter_id en vote, of een .pb-bestand); alles of niets")
async def ballots_upload_json(request: Request, ronde: RondeId) -> JSONResponse:
    return JSONResponse({"ronde": ronde, "stemmen": await _ballots(request, ronde)})


router.include_router(pages)
router.include_router(api)
