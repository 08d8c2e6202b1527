"""Partners, core teams and the audit trail: pages, forms, JSON twins and write endpoints.

Each route makes one call to :mod:`wijkkompas.services.partners.pages` or
:mod:`wijkkompas.services.accounts.audit_trail`. Reading partners and core teams is public like every
other page; the audit trail needs ``view_audit`` (session or ``Authorization: Bearer`` token).
Writes go through :func:`wijkkompas.web.auth.writer` (session + CSRF, or an API token); the
services check role and scope, so a form that is not shown cannot be posted around either.
After a form the browser is redirected (303) to the page; the JSON endpoints answer with the
changed record's view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from wijkkompas.permissions import can
from wijkkompas.services.accounts import audit_trail as views_audit
from wijkkompas.services.framework import overview as views
from wijkkompas.services.partners import pages as vp
from wijkkompas.services.partners import teams as vt
from wijkkompas.services.shared.context import link
from wijkkompas.web import auth
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.paths import decode_segment
from wijkkompas.web.routes_html import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["partners"])
router = APIRouter()  # the pages, then the JSON twins (in the OpenAPI schema)
# A partner name may hold a slash: these paths are routed on their encoded segments
# (see wijkkompas.web.paths), and each name is read through ``Naam``.
ENCODED_PREFIXES = ("/partners/", "/api/v1/partners/")


def _partner_name(naam: Annotated[str, Path(description=(
        "Naam van de partner, als één URL-segment gecodeerd (een / als %2F)."))]) -> str:
    return decode_segment(naam)


Naam = Annotated[str, Depends(_partner_name)]

SoortQ = Annotated[str | None, Query(description="Soort partner, bijv. woningcorporatie.")]
GebiedQ = Annotated[str | None, Query(description="Alleen partners aan tafel in dit gebied.")]
# Bounded: a threshold beyond these means "never warn", and a larger horizon overflows a date.
MaxTafels = Annotated[int | None, Query(ge=1, le=10_000, description="Drempel: tafels per "
                                        "partner.")]
MaxPartners = Annotated[int | None, Query(ge=1, le=10_000, description="Drempel: partners per "
                                          "tafel.")]
Horizon = Annotated[int | None, Query(ge=1, le=36_500, description="Aflopende toezeggingen "
                                      "binnen zoveel dagen (hooguit 100 jaar).")]
Prioriteit = Annotated[list[str] | None, Query(description="Prioriteitsgebied voor de "
                                               "trekker-controle (herhaalbaar); standaard de "
                                               "gebieden met een kernteam.")]
AuditSoort = Annotated[str | None, Query(description="Soort entiteit, bijv. partner.")]
Entiteit = Annotated[str | None, Query(description="Id van de entiteit, bijv. de partnernaam.")]
Actor = Annotated[str | None, Query(description="Wie de wijziging deed.")]
Sinds = Annotated[str | None, Query(description="Vanaf deze datum (2026-01-31).")]
Pagina = Annotated[int, Query(ge=1, le=1_000_000, description="Pagina (25 regels, nieuwste "
                              "eerst).")]
CSV = "text/csv; charset=utf-8"


def _may(request: Request) -> Callable[..., bool]:
    """``may(entity=None)``: whether the visitor may ``edit`` it (see
    :func:`wijkkompas.permissions.can`, the check :func:`auth.may` makes), for showing forms."""
    account = auth.reading_account(request)

    def may(entity: Any = None) -> bool:
        return account is not None and can(account, "edit", entity)

    def somewhere() -> bool:  # an editor limited to some areas may edit within them
        if account is None:
            return False
        scopes = list(getattr(account, "scopes", ()) or ())
        entity = {"areas": [s.split(":", 1)[1] for s in scopes if s.startswith("area:")],
                  "programmes": [s.split(":", 1)[1] for s in scopes
                                 if s.startswith("programme:")]}
        return may(None) or bool(scopes) and may(entity)

    may.somewhere = somewhere  # type: ignore[attr-defined]
    return may


def _partner_page(name: str, **query: object) -> str:
    return link(f"/partners/{quote(name, safe='')}", **query)


def _team_page(area: str, **query: object) -> str:
    return link(f"/kernteams/{quote(area.strip().upper(), safe='')}", **query)


def _saved(url: str) -> RedirectResponse:
    return RedirectResponse(url + ("&" if "?" in url else "?") + "opgeslagen=1", status_code=303)


# --- partners: pages --------------------------------------------------------------------------


@pages.get("/partners")
def partners_page(request: Request, ctx: CtxDep, soort: SoortQ = None, gebied: GebiedQ = None,
                  max_tafels: MaxTafels = None, max_partners: MaxPartners = None,
                  horizon: Horizon = None, prioriteit: Prioriteit = None) -> Response:
    view = vp.partners_index(ctx, soort=soort or None, gebied=gebied or None,
                             max_tafels=max_tafels, max_partners=max_partners, horizon=horizon,
                             prioriteit=prioriteit)
    return render(request, "partners.html", view, api="/api/v1/partners", may=_may(request),
                  saved=request.query_params.get("opgeslagen"))


@pages.get("/partners/{naam}")
def partner_page(request: Request, ctx: CtxDep, naam: Naam, max_tafels: MaxTafels = None,
                 max_partners: MaxPartners = None, horizon: Horizon = None) -> Response:
    view = vp.partner_detail(ctx, naam, max_tafels=max_tafels, max_partners=max_partners,
                             horizon=horizon)
    return render(request, "partners_detail.html", view,
                  api=f"/api/v1/partners/{quote(view.name, safe='')}", may=_may(request),
                  saved=request.query_params.get("opgeslagen"))


@pages.get("/kernteams")
def teams_page(request: Request, ctx: CtxDep) -> Response:
    return render(request, "kernteams.html", vt.core_teams(ctx), api="/api/v1/kernteams")


@pages.get("/kernteams/{gebied}")
def team_page(request: Request, ctx: CtxDep, gebied: str) -> Response:
    view = vp.core_team(ctx, gebied)
    return render(request, "kernteam.html", view,
                  api=f"/api/v1/kernteams/{quote(view.area_code, safe='')}", may=_may(request),
                  saved=request.query_params.get("opgeslagen"))


# --- partners: forms --------------------------------------------------------------------------


@pages.post("/partners")
async def partner_add(request: Request) -> Response:
    ws, fields = await auth.writer(request)
    return _saved(_partner_page(vp.submit_partner(ws, fields)))


@pages.post("/partners/{naam}")
async def partner_edit(request: Request, naam: Naam) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_partner_edit(ws, naam, fields)
    return _saved(_partner_page(naam))


@pages.post("/partners/{naam}/tafels")
async def partner_seat(request: Request, naam: Naam) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_seat(ws, naam, fields)
    return _saved(_partner_page(naam))


@pages.post("/partners/{naam}/tafels/intrekken")
async def partner_withdraw(request: Request, naam: Naam) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_withdraw(ws, naam, fields)
    return _saved(_partner_page(naam))


@pages.post("/partners/{naam}/toezeggingen")
async def partner_commitment(request: Request, naam: Naam) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_commitment(ws, naam, fields)
    return _saved(_partner_page(naam))


@pages.post("/kernteams/{gebied}")
async def team_set(request: Request, gebied: str) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_team(ws, gebied, fields)
    return _saved(_team_page(gebied))


@pages.post("/kernteams/{gebied}/leden")
async def team_member(request: Request, gebied: str) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_member(ws, gebied, fields)
    return _saved(_team_page(gebied))


@pages.post("/kernteams/{gebied}/besluiten")
async def team_decision(request: Request, gebied: str) -> Response:
    ws, fields = await auth.writer(request)
    vp.submit_decision(ws, gebied, fields)
    return _saved(_team_page(gebied))


# --- audit trail ------------------------------------------------------------------------------


@pages.get("/audit")
def audit_page(request: Request, ctx: CtxDep, soort: AuditSoort = None,
               entiteit: Entiteit = None, actor: Actor = None, sinds: Sinds = None,
               pagina: Pagina = 1) -> Response:
    views_audit.require_reader(auth.reading_account(request))
    view = views_audit.audit_log(ctx, soort=soort, entiteit=entiteit, actor=actor, sinds=sinds,
                                 pagina=pagina)
    return render(request, "audit.html", view, api="/api/v1/audit")


def _export(request: Request, ctx: CtxDep, suffix: str, **filters: str | None) -> Response:
    views_audit.require_reader(auth.reading_account(request))
    body = views_audit.export_bytes(ctx, suffix, **filters)
    media = CSV if suffix == ".csv" else "application/json"
    name = views_audit.today_name() + suffix
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@pages.get("/audit/export.csv")
def audit_csv(request: Request, ctx: CtxDep, soort: AuditSoort = None,
              entiteit: Entiteit = None, actor: Actor = None, sinds: Sinds = None) -> Response:
    return _export(request, ctx, ".csv", soort=soort, entiteit=entiteit, actor=actor,
                   sinds=sinds)


@pages.get("/audit/export.json")
def audit_json(request: Request, ctx: CtxDep, soort: AuditSoort = None,
               entiteit: Entiteit = None, actor: Actor = None, sinds: Sinds = None) -> Response:
    return _export(request, ctx, ".json", soort=soort, entiteit=entiteit, actor=actor,
                   sinds=sinds)


# --- JSON twins -------------------------------------------------------------------------------


@api.get("/partners", summary="Partners met hun tafels, toezeggingen, kernteams en "
         "balanswaarschuwingen (met de gebruikte drempels)")
def partners_api(ctx: CtxDep, soort: SoortQ = None, gebied: GebiedQ = None,
                 max_tafels: MaxTafels = None, max_partners: MaxPartners = None,
                 horizon: Horizon = None, prioriteit: Prioriteit = None) -> JSONResponse:
    return JSONResponse(views.to_dict(vp.partners_index(
        ctx, soort=soort or None, gebied=gebied or None, max_tafels=max_tafels,
        max_partners=max_partners, horizon=horizon, prioriteit=prioriteit)))


@api.get("/partners/{naam}", summary="Eén partner: tafels (gebied × opgave × rol) en "
         "toezeggingen")
def partner_api(ctx: CtxDep, naam: Naam, max_tafels: MaxTafels = None,
                max_partners: MaxPartners = None, horizon: Horizon = None) -> JSONResponse:
    return JSONResponse(views.to_dict(vp.partner_detail(
        ctx, naam, max_tafels=max_tafels, max_partners=max_partners, horizon=horizon)))


@api.get("/kernteams", summary="Alle kernteams: gebied, naam, geldstroom, budget en leden")
def teams_api(ctx: CtxDep) -> JSONResponse:
    return JSONResponse(views.to_dict(vt.core_teams(ctx)))


@api.get("/kernteams/{gebied}", summary="Kernteam van een gebied: mandaat, budget, leden, "
         "besluiten")
def team_api(ctx: CtxDep, gebied: str) -> JSONResponse:
    return JSONResponse(views.to_dict(vp.core_team(ctx, gebied)))


@api.get("/audit", summary="Audittrail (nieuwste eerst, 25 per pagina); vraagt de rechten "
         "view_audit (sessie of Bearer-token)")
def audit_api(request: Request, ctx: CtxDep, soort: AuditSoort = None,
              entiteit: Entiteit = None, actor: Actor = None, sinds: Sinds = None,
              pagina: Pagina = 1) -> JSONResponse:
    views_audit.require_reader(auth.reading_account(request))
    return JSONResponse(views.to_dict(views_audit.audit_log(
        ctx, soort=soort, entiteit=entiteit, actor=actor, sinds=sinds, pagina=pagina)))


# --- JSON writes (session + CSRF header, or Bearer token) -------------------------------------


@api.post("/partners", summary="Partner toevoegen: naam, soort, notities", status_code=201)
async def partner_add_api(request: Request, ctx: CtxDep) -> JSONResponse:
    ws, fields = await auth.writer(request)
    name = vp.submit_partner(ws, fields)
    return JSONResponse(views.to_dict(vp.partner_detail(ctx, name)),
                        status_code=201)


@api.post("/partners/{naam}", summary="Partner wijzigen: soort, notities en de geladen versie")
async def partner_edit_api(request: Request, ctx: CtxDep, naam: Naam) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_partner_edit(ws, naam, fields)
    return JSONResponse(views.to_dict(vp.partner_detail(ctx, naam)))


@api.post("/partners/{naam}/tafels", summary="Plaats aan tafel geven (gebied, opgave, rol)")
async def partner_seat_api(request: Request, ctx: CtxDep, naam: Naam) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_seat(ws, naam, fields)
    return JSONResponse(views.to_dict(vp.partner_detail(ctx, naam)))


@api.post("/partners/{naam}/tafels/intrekken", summary="Plaats aan tafel intrekken (gebied, "
          "opgave)")
async def partner_withdraw_api(request: Request, ctx: CtxDep, naam: Naam) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_withdraw(ws, naam, fields)
    return JSONResponse(views.to_dict(vp.partner_detail(ctx, naam)))


@api.post("/partners/{naam}/toezeggingen", summary="Toezegging vastleggen (wat, van, tot, "
          "gebied, opgave, maatregel, geldstroom, bedrag in euro)", status_code=201)
async def partner_commitment_api(request: Request, ctx: CtxDep, naam: Naam) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_commitment(ws, naam, fields)
    return JSONResponse(views.to_dict(vp.partner_detail(ctx, naam)),
                        status_code=201)


@api.post("/kernteams/{gebied}", summary="Kernteam instellen of wijzigen (naam, mandaat, "
          "budget in euro, geldstroom, versie; versie 0 voor een nieuw team)")
async def team_set_api(request: Request, ctx: CtxDep, gebied: str) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_team(ws, gebied, fields)
    return JSONResponse(views.to_dict(vp.core_team(ctx, gebied)))


@api.post("/kernteams/{gebied}/leden", summary="Lid toevoegen (naam, rol, partner)",
          status_code=201)
async def team_member_api(request: Request, ctx: CtxDep, gebied: str) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_member(ws, gebied, fields)
    return JSONResponse(views.to_dict(vp.core_team(ctx, gebied)),
                        status_code=201)


@api.post("/kernteams/{gebied}/besluiten", summary="Besluit vastleggen (besluit, bedrag in "
          "euro, datum); binnen het eigen budget", status_code=201)
async def team_decision_api(request: Request, ctx: CtxDep, gebied: str) -> JSONResponse:
    ws, fields = await auth.writer(request)
    vp.submit_decision(ws, gebied, fields)
    return JSONResponse(views.to_dict(vp.core_team(ctx, gebied)),
                        status_code=201)


router.include_router(pages)
router.include_router(api)
