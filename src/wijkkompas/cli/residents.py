"""``wijkkompas bewoners ...``: what residents say (survey and participation results).

A thin layer over :mod:`wijkkompas.services.residents.usecases`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _fmt, _workspace, console, handle_errors

residents_app = typer.Typer(help="Wat bewoners zeggen: peilingen en participatie per gebied en "
                                 "thema.", no_args_is_help=True)


@residents_app.command("import")
@handle_errors
def import_residents(
    path: Annotated[Path, typer.Argument(help="Peiling als CSV of Excel (kolommen gebied, thema, "
                                         "jaar, aandeel of rapportcijfer of index, respondenten, "
                                         "marge), of een Wijkprofiel-werkmap van Rotterdam.")],
    bron: Annotated[str | None, typer.Option("--bron", help="Naam van de bron (standaard de "
                                              "bestandsnaam).")] = None,
    werkblad: Annotated[str | None, typer.Option("--werkblad", help="Werkblad (Excel); "
                                                  "standaard het eerste.")] = None,
    db: DbOption = None,
) -> None:
    """Importeer uitkomsten van een bewonerspeiling (alles of niets)."""
    from wijkkompas.services.residents.usecases import import_residents as run

    ws = _workspace(db)
    report = run(ws, path, source=bron, sheet=werkblad)
    if report.skipped:
        console.print(f"[yellow]{report.summary()}[/]", highlight=False)
        return
    table = Table(title=f"Import {report.file}", show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("vorm", f"bewoners / {report.form}")
    table.add_row("gebieden", str(report.regions))
    table.add_row("thema's", str(report.indicators))
    table.add_row("jaren", ", ".join(map(str, report.years)) or "-")
    table.add_row("uitkomsten", str(report.values))
    table.add_row("geschreven", f"{report.inserted} nieuw, {report.changed} gewijzigd, "
                  f"{report.unchanged} ongewijzigd")
    table.add_row("importrun", f"#{report.run_id}")
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)


@residents_app.command("toon")
@handle_errors
def show(
    gebied: Annotated[list[str] | None, typer.Option("--gebied", "-g",
                                                      help="Gebiedscode (herhaalbaar).")] = None,
    db: DbOption = None,
) -> None:
    """Toon de opgeslagen uitkomsten van bewonerspeilingen."""
    from wijkkompas.services.residents.usecases import resident_results

    ws = _workspace(db)
    codes = [c.strip().upper() for item in gebied or [] for c in item.split(",") if c.strip()]
    frame = resident_results(ws, codes or None)
    if frame.empty:
        console.print("Geen uitkomsten van bewonerspeilingen opgeslagen.")
        return
    table = Table(title="Wat bewoners zeggen", title_justify="left")
    for col in ("gebied", "thema", "label", "jaar", "maat", "waarde", "respondenten", "marge",
                "bron"):
        table.add_column(col, overflow="fold")
    for r in frame.itertuples(index=False):
        table.add_row(r.area_code, r.theme, r.label, str(r.year), r.measure,
                      _fmt(r.value, 1), _fmt(r.respondents, 0), _fmt(r.margin, 1), r.source)
    console.print(table)
