"""``wijkkompas report``: the area report as a tagged PDF."""

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
    preset: Annotated[str, typer.Argument(help="Afwegingskader (preset), bijv. rotterdam.")],
    area_code: Annotated[str, typer.Argument(metavar="GEBIEDSCODE", help="Gebiedscode, bijv. "
                                             "WK059910 (wijk) of BU05991087 (buurt).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Het PDF-bestand dat wordt "
                                         "geschreven.")],
    taal: Annotated[str, typer.Option("--taal", help="Taal van het rapport: nl of en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Schrijf het gebiedsrapport (PDF, getagd en toegankelijk) van één gebied."""
    from wijkkompas.i18n import LANGUAGES, use_language
    from wijkkompas.services.reports import area as area_reports
    from wijkkompas.services.reports import standalone_context

    if taal not in LANGUAGES:
        raise ConfigError(f"Onbekende taal {taal!r}; kies uit {', '.join(LANGUAGES)}.")
    if output.suffix.lower() != ".pdf":
        raise ConfigError(f"Het gebiedsrapport is een PDF: geef een bestandsnaam die op .pdf "
                          f"eindigt (niet {output.name!r}).")
    ws = _workspace(db, create=False)
    try:
        with use_language(taal):
            body, _name = area_reports.area_report_pdf(standalone_context(ws), preset, area_code)
    finally:
        ws.close()
    output.write_bytes(body)
    console.print(f"Gebiedsrapport geschreven: {output} ({len(body) // 1024} kB)",
                  highlight=False)
