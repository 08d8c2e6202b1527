"""Resident input (bewoners): "waar bewoners iets anders vinden dan de cijfers" per municipality,
its JSON twin and downloads. Read-only: results come in through ``wijkkompas bewoners import``.
Each route makes one call to :mod:`wijkkompas.services.residents.pages`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from wijkkompas.services.framework import downloads as exports
from wijkkompas.services.framework.overview import to_dict
from wijkkompas.services.residents import pages as views_residents
from wijkkompas.web.deps import CtxDep
from wijkkompas.web.routes_api import XLSX, Gemeente
from wijkkompas.web.routes_html import render

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["bewoners"])

NiveauB = Annotated[Literal["wijk", "buurt"], Query(description="wijk of buurt.")]
GebiedQ = Annotated[str | None, Query(max_length=32, description="Eén gebied (gebiedscode) in "
                                      "plaats van een hele gemeente.")]


@router.get("/bewoners", include_in_schema=False)
def bewoners(request: Request, ctx: CtxDep, gemeente: Gemeente = None,
             niveau: NiveauB = "buurt") -> Response:
    view = views_residents.residents_overview(ctx, gemeente=gemeente, niveau=niveau)
    return render(request, "bewoners.html", view, api="/api/v1/bewoners")


@api.get("/bewoners", summary="Wat de cijfers zeggen – wat bewoners zeggen, per gemeente")
def bewoners_json(ctx: CtxDep, gemeente: Gemeente = None,
                  niveau: NiveauB = "buurt") -> JSONResponse:
    return JSONResponse(to_dict(views_residents.residents_overview(ctx, gemeente=gemeente,
                                                                   niveau=niveau)))


def _download(ctx: CtxDep, kind: str, gemeente: str | None, niveau: str,
              gebied: str | None) -> Response:
    frame, meta = views_residents.residents_frame(ctx, gemeente=gemeente, niveau=niveau,
                                                  gebied=gebied)
    if kind == "csv":
        body, media = exports.to_csv_bytes(frame, meta), "text/csv; charset=utf-8"
    else:
        body, media = exports.to_xlsx_bytes(frame, meta, sheet="bewoners"), XLSX
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="bewoners.{kind}"'})


@api.get("/bewoners.csv", summary="Cijfers en bewoners naast elkaar als CSV (met herkomst)")
def bewoners_csv(ctx: CtxDep, gemeente: Gemeente = None, niveau: NiveauB = "buurt",
                 gebied: GebiedQ = None) -> Response:
    return _download(ctx, "csv", gemeente, niveau, gebied)


@api.get("/bewoners.xlsx", summary="Cijfers en bewoners naast elkaar als Excel-werkmap")
def bewoners_xlsx(ctx: CtxDep, gemeente: Gemeente = None, niveau: NiveauB = "buurt",
                  gebied: GebiedQ = None) -> Response:
    return _download(ctx, "xlsx", gemeente, niveau, gebied)
