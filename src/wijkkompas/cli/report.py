"""``wijkkompas report`` (the area report, a tagged PDF), ``wijkkompas urgentiebrief`` and
``wijkkompas raadsrapportage`` (PDF or DOCX)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wijkkompas.cli._common import DbOption, _workspace, console, handle_errors
from wijkkompas.errors import ConfigError

commands = typer.Typer()
"""Registered on the main app without a group name."""


@commands.command()
@handle_errors
def report(
    preset: Annotated[str, typer.Argument(metavar="PRESET", help="Afwegingskader (preset), "
                                          "bijv. rotterdam.")],
    area_code: Annotated[str, typer.Argument(metavar="GEBIEDSCODE", help="Gebiedscode, bijv. "
                                             "WK059910 (wijk) of BU05991087 (buurt).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Het bestand: .pdf (het "
                                         "rapport) of .xlsx (de getallen, één blad per "
                                         "onderdeel).")],
    taal: Annotated[str, typer.Option("--taal", help="Taal van het rapport: nl of en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Schrijf het gebiedsrapport (PDF, getagd en toegankelijk; of Excel) van één gebied."""
    from wijkkompas.services.reports import area as area_reports
    from wijkkompas.services.reports.workbook import area_workbook_file

    _check_language(taal)
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ConfigError(f"Het gebiedsrapport is een PDF (of de getallen als Excel): geef een "
                          f"bestandsnaam die op .pdf of .xlsx eindigt (niet {output.name!r}).")
    make = area_reports.area_report_pdf if suffix == ".pdf" else area_workbook_file
    body = _render(db, taal, lambda ctx: make(ctx, preset, area_code))
    output.write_bytes(body)
    console.print(f"Gebiedsrapport geschreven: {output} ({len(body) // 1024} kB)",
                  highlight=False)


def _check_language(taal: str) -> None:
    from wijkkompas.i18n import LANGUAGES

    if taal not in LANGUAGES:
        raise ConfigError(f"Onbekende taal {taal!r}; kies uit {', '.join(LANGUAGES)}.")


def _render(db: str | None, taal: str, make) -> bytes:  # noqa: ANN001
    """Open the workspace, render in ``taal`` with a fresh view context, close."""
    from wijkkompas.i18n import use_language
    from wijkkompas.services.reports import standalone_context

    _check_language(taal)
    ws = _workspace(db, create=False)
    try:
        with use_language(taal):
            body, _name = make(standalone_context(ws))
    finally:
        ws.close()
    return body


@commands.command()
@handle_errors
def urgentiebrief(
    preset: Annotated[str, typer.Argument(metavar="PRESET", help="Afwegingskader (preset), "
                                          "bijv. enschede.")],
    area_code: Annotated[str, typer.Argument(metavar="GEBIEDSCODE", help="Gebiedscode, bijv. "
                                             "WK015301.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Het bestand: .pdf of .docx "
                                         "(Word, om aan te vullen).")],
    opgave: Annotated[str | None, typer.Option("--opgave", help="Opgave-code; standaard de "
                                               "meest urgente van het gebied.")] = None,
    taal: Annotated[str, typer.Option("--taal", help="Taal: nl of en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Schrijf de urgentiebrief (1–2 pagina's) van één gebied en opgave voor de partners."""
    from wijkkompas.services.reports.brief import brief_file

    kind = _kind(output, "De urgentiebrief")
    body = _render(db, taal, lambda ctx: brief_file(ctx, preset, area_code, opgave, kind))
    output.write_bytes(body)
    console.print(f"Urgentiebrief geschreven: {output} ({len(body) // 1024} kB)",
                  highlight=False)



def _kind(output: Path, what: str) -> str:
    kind = output.suffix.lower().lstrip(".")
    if kind not in ("pdf", "docx"):
        raise ConfigError(f"{what} is een PDF of een Word-bestand: geef een bestandsnaam die "
                          f"op .pdf of .docx eindigt (niet {output.name!r}).")
    return kind


@commands.command()
@handle_errors
def raadsrapportage(
    output: Annotated[Path, typer.Option("--output", "-o", help="Het bestand: .pdf of .docx "
                                         "(Word).")],
    agenda: Annotated[int | None, typer.Option("--agenda", help="Agendaversie (id, zie "
                                               "'agenda' op de website); standaard de "
                                               "nieuwste.")] = None,
    taal: Annotated[str, typer.Option("--taal", help="Taal: nl of en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Schrijf de raadsrapportage van de investeringsagenda: geld per geldstroom, opgave en
    bestuurstermijn, maatregelen, wat er veranderde en verplichtingen over de termijn heen."""
    from wijkkompas.services.reports.council import council_file

    kind = _kind(output, "De raadsrapportage")
    body = _render(db, taal, lambda ctx: council_file(ctx, agenda, kind))
    output.write_bytes(body)
    console.print(f"Raadsrapportage geschreven: {output} ({len(body) // 1024} kB)",
                  highlight=False)
