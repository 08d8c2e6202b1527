"""Reports on paper as downloads: the area report (PDF, and its numbers as an Excel workbook),
the urgency brief and the council report of the agenda (PDF, DOCX).

Public like the profile (the private mode's middleware guards them like every page);
``?lang=en`` gives the English version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from wijkkompas.i18n import current_language
from wijkkompas.services.reports import area as area_reports
from wijkkompas.services.reports import brief as briefs
from wijkkompas.services.reports import council, workbook
from wijkkompas.web.deps import CtxDep

router = APIRouter(include_in_schema=False)

KaderQuery = Annotated[str | None, Query(max_length=80, description="Afwegingskader (preset); "
                                         "standaard dat van de gemeente.")]


OpgaveQuery = Annotated[str | None, Query(max_length=80, description="Opgave-code; standaard "
                                          "de meest urgente van het gebied.")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"'})


def _docx(body: bytes, name: str) -> Response:
    return Response(body, media_type=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/gebied/{code}/rapport.pdf")
def gebied_rapport(ctx: CtxDep, code: str, kader: KaderQuery = None) -> Response:
    # Kept per data version, area, framework and language: a second request is instant.
    preset = area_reports.preset_for(ctx, code, kader)
    body, name = ctx.cached("area_report_pdf", preset, code.strip().upper(), current_language(),
                            factory=lambda: area_reports.area_report_pdf(ctx, preset, code))
    return _pdf(body, name)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/gebied/{code}/rapport.xlsx")
def gebied_rapport_xlsx(ctx: CtxDep, code: str, kader: KaderQuery = None) -> Response:
    preset = area_reports.preset_for(ctx, code, kader)
    body, name = ctx.cached("area_report_xlsx", preset, code.strip().upper(), current_language(),
                            factory=lambda: workbook.area_workbook_file(ctx, preset, code))
    return Response(body, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def _brief(ctx: CtxDep, code: str, kader: str | None, opgave: str | None, kind: str
           ) -> tuple[bytes, str]:
    preset = area_reports.preset_for(ctx, code, kader)
    return ctx.cached("urgency_brief", kind, preset, code.strip().upper(), opgave or "",
                      current_language(),
                      factory=lambda: briefs.brief_file(ctx, preset, code, opgave, kind))


@router.get("/gebied/{code}/urgentiebrief.pdf")
def urgentiebrief_pdf(ctx: CtxDep, code: str, kader: KaderQuery = None,
                      opgave: OpgaveQuery = None) -> Response:
    return _pdf(*_brief(ctx, code, kader, opgave, "pdf"))


@router.get("/gebied/{code}/urgentiebrief.docx")
def urgentiebrief_docx(ctx: CtxDep, code: str, kader: KaderQuery = None,
                       opgave: OpgaveQuery = None) -> Response:
    return _docx(*_brief(ctx, code, kader, opgave, "docx"))


AgendaQuery = Annotated[int | None, Query(ge=1, le=2**31, description="Agendaversie (id); "
                                          "standaard de nieuwste.")]


def _council(ctx: CtxDep, agenda: int | None, kind: str) -> tuple[bytes, str]:
    return ctx.cached("council_report", kind, agenda or 0, current_language(),
                      factory=lambda: council.council_file(ctx, agenda, kind))


@router.get("/agenda/raadsrapportage.pdf")
def raadsrapportage_pdf(ctx: CtxDep, agenda: AgendaQuery = None) -> Response:
    return _pdf(*_council(ctx, agenda, "pdf"))


@router.get("/agenda/raadsrapportage.docx")
def raadsrapportage_docx(ctx: CtxDep, agenda: AgendaQuery = None) -> Response:
    return _docx(*_council(ctx, agenda, "docx"))
