"""JSON API under /api/v1: the twin of every page, lists and downloads.

Each route makes one service call and serialises its result; no scoring or SQL here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from wijkkompas.services.areas import profile as views_area
from wijkkompas.services.data import pages as views_data
from wijkkompas.services.framework import downloads as exports
from wijkkompas.services.framework import overview as views
from wijkkompas.services.shared import glossary
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.web.deps import CtxDep

router = APIRouter(prefix="/api/v1", tags=["api"])

Gemeente = Annotated[str | None, Query(description="Gemeentecode, bijv. GM0599 (standaard "
                                       "Rotterdam).")]
Kader = Annotated[str | None, Query(description="Afwegingskader (preset); standaard dat van "
                                    "de gemeente.")]
Opgave = Annotated[str | None, Query(description="Opgave-code; standaard de eerste.")]
Jaar = Annotated[int | None, Query(description="Jaar; standaard het laatste met scores.")]
Niveau = Annotated[Literal["wijk", "buurt"], Query(description="wijk of buurt.")]
Kleur = Annotated[Literal["klasse", "score", "aanpak", "bewoners"], Query(
    description="Kaartkleur: prioriteitsklasse, scoreklasse, de aanpak (als het kader een "
    "typologie heeft) of waar bewoners iets anders vinden dan de cijfers.")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(view: Any) -> JSONResponse:
    """Serialise a view model once (no second pass through FastAPI's encoder)."""
    return JSONResponse(views.to_dict(view))


def cached_json(ctx: ViewContext, kind: str, *parts: object, factory: Any,
                whatif: bool = False) -> Response:
    """The JSON twin of a page from the view cache: the view model (shared with the page) and
    its serialised body, both per parameters, language and data version."""
    def body() -> bytes:
        view = ctx.view(kind, *parts, factory=factory, whatif=whatif)
        return bytes(JSONResponse(views.to_dict(view)).body)

    return Response(ctx.view(f"{kind}.json", *parts, factory=body, whatif=whatif),
                    media_type="application/json")


def cached_bytes(ctx: ViewContext, kind: str, *parts: object, factory: Any) -> bytes:
    """A download's bytes from the view cache (per parameters, language and data version)."""
    return ctx.view(kind, *parts, factory=factory)


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _query(gemeente: str | None, kader: str | None, opgave: str | None, jaar: int | None,
           niveau: str, kleur: str = "klasse") -> dict[str, Any]:
    return {"gemeente": gemeente, "kader": kader, "opgave": opgave, "jaar": jaar,
            "niveau": niveau, "kleur": kleur}


@router.get("/overzicht", summary="Overzicht: kaart, ranglijst en koppelkansen")
def overzicht(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
              opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk",
              kleur: Kleur = "klasse") -> JSONResponse:
    query = _query(gemeente, kader, opgave, jaar, niveau, kleur)
    return cached_json(ctx, "overview", *query.values(),
                       factory=lambda: views.overview(ctx, **query))


@router.get("/ranglijst.csv", summary="Ranglijst als CSV (met herkomst in #-regels)")
def ranglijst_csv(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
                  opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk") -> Response:
    query = _query(gemeente, kader, opgave, jaar, niveau)
    body = cached_bytes(ctx, "ranking.csv", *query.values(),
                        factory=lambda: exports.ranking_csv(ctx, **query))
    return _download(body, "text/csv; charset=utf-8", "ranglijst.csv")


@router.get("/ranglijst.xlsx", summary="Ranglijst als Excel-werkmap")
def ranglijst_xlsx(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
                   opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk"
                   ) -> Response:
    body = exports.ranking_xlsx(ctx, **_query(gemeente, kader, opgave, jaar, niveau))
    return _download(body, XLSX, "ranglijst.xlsx")


@router.get("/aanpak.csv", summary="Aanpak per gebied (typologie van het kader) als CSV")
def aanpak_csv(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
               jaar: Jaar = None, niveau: Niveau = "wijk") -> Response:
    body = exports.approach_csv(ctx, **_query(gemeente, kader, None, jaar, niveau))
    return _download(body, "text/csv; charset=utf-8", "aanpak.csv")


@router.get("/aanpak.xlsx", summary="Aanpak per gebied (typologie van het kader) als Excel")
def aanpak_xlsx(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
                jaar: Jaar = None, niveau: Niveau = "wijk") -> Response:
    body = exports.approach_xlsx(ctx, **_query(gemeente, kader, None, jaar, niveau))
    return _download(body, XLSX, "aanpak.xlsx")


@router.get("/ranglijst.geojson", summary="Ranglijst met grenzen als GeoJSON (WGS84)")
def ranglijst_geojson(ctx: CtxDep, gemeente: Gemeente = None, kader: Kader = None,
                      opgave: Opgave = None, jaar: Jaar = None, niveau: Niveau = "wijk"
                      ) -> Response:
    body = exports.ranking_geojson(ctx, **_query(gemeente, kader, opgave, jaar, niveau))
    return JSONResponse(body, media_type="application/geo+json",
                        headers={"Content-Disposition": 'attachment; filename="ranglijst.geojson"'})


@router.get("/gebied/{code}.csv", summary="Gebiedsprofiel: indicatoren als CSV")
def gebied_csv(ctx: CtxDep, code: str) -> Response:
    return _download(exports.profile_csv(ctx, code), "text/csv; charset=utf-8",
                     f"gebiedsprofiel-{code}.csv")


@router.get("/gebied/{code}.xlsx", summary="Gebiedsprofiel: indicatoren als Excel")
def gebied_xlsx(ctx: CtxDep, code: str) -> Response:
    return _download(exports.profile_xlsx(ctx, code), XLSX, f"gebiedsprofiel-{code}.xlsx")


@router.get("/gebied/{code}", summary="Gebiedsprofiel")
def gebied(ctx: CtxDep, code: str, jaar: Jaar = None) -> JSONResponse:
    return cached_json(ctx, "profile", code, jaar,
                       factory=lambda: views_area.area_profile(ctx, code, jaar=jaar))


@router.get("/vergelijken", summary="Twee tot vier gebieden naast elkaar")
def vergelijken(ctx: CtxDep, gebied: Annotated[list[str], Query(
        description="Gebiedscode; herhaal voor 2 tot 4 gebieden.")] = []) -> JSONResponse:  # noqa: B006
    return _json(views_area.compare(ctx, gebied))


@router.get("/data", summary="Bronnen, dekking, importgeschiedenis en herkomst")
def data(ctx: CtxDep) -> JSONResponse:
    return cached_json(ctx, "data", factory=lambda: views_data.data_overview(ctx))


@router.get("/data/herkomst", summary="Herkomstbeschrijving van de demodata (Markdown)")
def herkomst() -> JSONResponse:
    return _json(views_data.provenance_page())


@router.get("/begrippen", summary="Begrippen: de woorden van de pagina's uitgelegd")
def begrippen() -> JSONResponse:
    return _json(glossary.glossary())


@router.get("/kader/{preset}", summary="Afwegingskader in leesbare vorm")
def kader(ctx: CtxDep, preset: str) -> JSONResponse:
    return cached_json(ctx, "framework", preset,
                       factory=lambda: views_data.framework_view(ctx, preset))


@router.get("/gebieden", summary="Gebieden (gemeenten, wijken, buurten)")
def gebieden(ctx: CtxDep, gemeente: Gemeente = None,
             niveau: Annotated[str | None, Query(description="gemeente, wijk, buurt of "
                                                  "gebied.")] = None) -> JSONResponse:
    return _json(views_data.area_list(ctx, gemeente=gemeente, niveau=niveau))


@router.get("/indicatoren", summary="De indicatorcatalogus")
def indicatoren(ctx: CtxDep) -> JSONResponse:
    return _json(views_data.indicator_list(ctx))
