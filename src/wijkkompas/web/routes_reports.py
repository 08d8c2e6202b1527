"""Reports on paper as downloads: the area report (PDF). Public like the profile (the private
mode's middleware guards it like every page); ``?lang=en`` gives the English report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from wijkkompas.i18n import current_language
from wijkkompas.services.reports import area as area_reports
from wijkkompas.web.deps import CtxDep

router = APIRouter(include_in_schema=False)

KaderQuery = Annotated[str | None, Query(max_length=80, description="Afwegingskader (preset); "
                                         "standaard dat van de gemeente.")]


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"'})


@router.get("/gebied/{code}/rapport.pdf")
def gebied_rapport(ctx: CtxDep, code: str, kader: KaderQuery = None) -> Response:
    # Kept per data version, area, framework and language: a second request is instant.
    preset = area_reports.preset_for(ctx, code, kader)
    body, name = ctx.cached("area_report_pdf", preset, code.strip().upper(), current_language(),
                            factory=lambda: area_reports.area_report_pdf(ctx, preset, code))
    return _pdf(body, name)
