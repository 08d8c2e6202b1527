"""``wijkkompas init``, ``import ...``, ``areas``, ``indicators`` and ``custom-area``: the data in the
workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import (
    DbOption,
    _progress_printer,
    _workspace,
    console,
    handle_errors,
    print_report,
)

commands = typer.Typer()
"""Registered on the main app without a group name."""


import_app = typer.Typer(help="Gegevens importeren (CBS, grenzen, tabellen, StatLine).",
                         no_args_is_help=True)


commands.add_typer(import_app, name="import")


@commands.command()
@handle_errors
def init(db: DbOption = None) -> None:
    """Maak of migreer de database en laad de indicatorcatalogus."""
    ws = _workspace(db)
    console.print(f"Database klaar: {ws.engine.url.render_as_string(hide_password=True)}")


@import_app.command("cbs")
@handle_errors
def import_cbs(
    path: Annotated[Path, typer.Argument(help="CBS-bestand: StatLine-CSV, kwb-tabel, OData-JSON "
                                         "of attributen van de wijk- en buurtkaart.")],
    year: Annotated[int | None, typer.Option("--year", help="Jaar, als het niet in het "
                                              "bestand of de naam staat.")] = None,
    db: DbOption = None,
) -> None:
    """Importeer CBS Kerncijfers Wijken en Buurten."""
    ws = _workspace(db)
    print_report(ws.import_cbs(path, year=year, progress=_progress_printer()))


@import_app.command("boundaries")
@handle_errors
def import_boundaries(
    path: Annotated[Path, typer.Argument(help="Grenzenbestand: GeoJSON, TopoJSON, GeoPackage "
                                         "of (gezipte) shapefile.")],
    year: Annotated[int | None, typer.Option("--year", help="Jaar van de grenzen, als het "
                                              "niet in het bestand of de naam staat.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Alleen dit niveau: gemeente, "
                                               "wijk of buurt.")] = None,
    code_field: Annotated[str | None, typer.Option("--code-field", help="Veld met de "
                                                    "CBS-gebiedscode.")] = None,
    name_field: Annotated[str | None, typer.Option("--name-field", help="Veld met de "
                                                    "gebiedsnaam.")] = None,
    db: DbOption = None,
) -> None:
    """Importeer gebiedsgrenzen (wijk- en buurtkaart)."""
    ws = _workspace(db)
    print_report(ws.import_boundaries(path, year=year, level=level, code_field=code_field,
                                      name_field=name_field, progress=_progress_printer()))


@import_app.command("table")
@handle_errors
def import_table(
    path: Annotated[Path, typer.Argument(help="Eigen tabel (CSV of Excel) met CBS-gebiedscodes, "
                                         "of een Wijkprofiel-werkmap van Rotterdam.")],
    layout: Annotated[str | None, typer.Option("--layout", help="wide (kolom per indicator) of "
                                               "long (gebied, jaar, indicator, waarde); "
                                               "standaard herkend.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Werkblad (naam of nummer vanaf "
                                              "0); standaard het eerste.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Jaar, als het niet in het "
                                             "bestand of de naam staat.")] = None,
    code_column: Annotated[str | None, typer.Option("--code-column", help="Kolom met de "
                                                    "gebiedscodes.")] = None,
    year_column: Annotated[str | None, typer.Option("--year-column", help="Kolom met het "
                                                    "jaar.")] = None,
    header_row: Annotated[int | None, typer.Option("--header-row", help="Aantal regels boven "
                                                   "de kopregel.")] = None,
    definitions: Annotated[Path | None, typer.Option("--definitions", help="YAML/JSON met per "
                                                     "kolom code, label_nl, unit, theme, "
                                                     "direction.")] = None,
    code_format: Annotated[str | None, typer.Option("--code-format", help="Vorm van de "
                                                    "gebiedscodes: cbs (standaard) of scp_wijk "
                                                    "(SCP-wijknummer, 59901 = WK059901).")
                           ] = None,
    db: DbOption = None,
) -> None:
    """Importeer een eigen tabel (CSV/Excel, breed of lang) of het Wijkprofiel Rotterdam."""
    ws = _workspace(db)
    extra = {"code_format": code_format} if code_format else {}
    print_report(ws.import_table(path, layout=layout, sheet=sheet, year=year,
                                 code_column=code_column, year_column=year_column,
                                 header_row=header_row, definitions=definitions,
                                 progress=_progress_printer(), **extra))


@import_app.command("statline")
@handle_errors
def import_statline(
    table_id: Annotated[str, typer.Argument(help="StatLine-tabel van Kerncijfers wijken en "
                                            "buurten, bijv. 85984NED (2024).")],
    gemeente: Annotated[list[str], typer.Option("--gemeente", help="Gemeentecode, bijv. "
                                                "GM0599; herhaal voor meer gemeenten.")],
    db: DbOption = None,
) -> None:
    """Importeer Kerncijfers Wijken en Buurten rechtstreeks van CBS StatLine (online)."""
    ws = _workspace(db)
    print_report(ws.import_statline(table_id, gemeente, progress=_progress_printer()))


@commands.command()
@handle_errors
def areas(
    level: Annotated[str | None, typer.Option(help="municipality, district, neighbourhood "
                                              "of custom.")] = None,
    municipality: Annotated[str | None, typer.Option("--gemeente", help="Gemeentecode, "
                                                     "bijv. GM0599.")] = None,
    db: DbOption = None,
) -> None:
    """Toon de gebieden."""
    from wijkkompas.data.codes import LEVELS

    frame = _workspace(db, create=False).areas(level=level, municipality=municipality)
    table = Table("code", "naam", "niveau", "valt onder", "jaren")
    for code, row in frame.iterrows():
        years = row["years"]
        shown = f"{years[0]}–{years[-1]} ({len(years)})" if years else "-"
        table.add_row(code, row["name"], LEVELS.get(row["level"], row["level"]),
                      row["parent_code"] if isinstance(row["parent_code"], str) else "", shown)
    console.print(table)
    console.print(f"{len(frame)} gebieden")


@commands.command()
@handle_errors
def indicators(
    theme: Annotated[str | None, typer.Option("--thema", help="Alleen dit thema.")] = None,
    db: DbOption = None,
) -> None:
    """Toon de indicatorcatalogus."""
    frame = _workspace(db).indicators(theme=theme)
    table = Table("code", "indicator", "eenheid", "thema", "richting", "gevoelig")
    arrows = {"higher_better": "hoger beter", "higher_worse": "hoger slechter",
              "neutral": "neutraal"}
    for code, row in frame.iterrows():
        table.add_row(code, row["label_nl"], row["unit"], row["theme"],
                      arrows[row["direction"]], "ja" if row["sensitive"] else "")
    console.print(table)


@commands.command("custom-area")
@handle_errors
def custom_area(
    code: Annotated[str, typer.Argument(help="Eigen code, bijv. focus-zuid.")],
    name: Annotated[str, typer.Argument(help="Naam van het gebied.")],
    members: Annotated[list[str], typer.Argument(help="Buurtcodes (een wijk- of gemeentecode "
                                                 "staat voor al zijn buurten).")],
    description: Annotated[str | None, typer.Option(help="Omschrijving.")] = None,
    db: DbOption = None,
) -> None:
    """Maak of wijzig een eigen gebied: een benoemde verzameling buurten."""
    ws = _workspace(db)
    ws.save_custom_area(code, name, members, description=description)
    row = ws.custom_areas().loc[code]
    console.print(f"Gebied {code} ({row['name']}): {len(row['members'])} buurten")
