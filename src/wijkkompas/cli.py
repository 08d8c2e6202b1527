"""The ``wijkkompas`` command: a thin layer over the Python API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from wijkkompas import __version__
from wijkkompas.errors import WijkkompasError

app = typer.Typer(
    name="wijkkompas",
    help="Gebiedsgericht werken met wijk- en buurtdata.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Gegevens importeren (CBS, grenzen, tabellen, StatLine).",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite-bestand of database-URL (anders WIJKKOMPAS_DATABASE_URL).",
                 envvar="WIJKKOMPAS_DATABASE_URL", show_envvar=True),
]


def handle_errors(func: F) -> F:
    """Turn wijkkompas errors into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WijkkompasError as exc:
            err_console.print(f"[bold red]fout:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _workspace(db: str | None, *, create: bool = True):  # noqa: ANN202
    from wijkkompas.workspace import Workspace

    return Workspace.open(db, create=create)


def _progress_printer() -> Callable[[str], None]:
    def show(message: str) -> None:
        err_console.print(f"[dim]… {message}[/]", highlight=False)

    return show


def print_report(report: Any) -> None:
    if report.skipped:
        console.print(f"[yellow]{report.summary()}[/]", highlight=False)
        return
    table = Table(title=f"Import {report.file}", show_header=False, title_justify="left")
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("vorm", f"{report.kind} / {report.form}")
    table.add_row("gebieden", f"{report.regions} ({report.new_areas} nieuw)")
    if report.boundaries:
        table.add_row("grenzen", str(report.boundaries))
    table.add_row("indicatoren", str(report.indicators))
    table.add_row("jaren", ", ".join(map(str, report.years)) or "-")
    table.add_row("waarden", f"{report.values} gepubliceerd")
    table.add_row("geheim (CBS)", str(report.suppressed))
    table.add_row("ontbrekend", str(report.missing))
    table.add_row("geschreven", f"{report.inserted} nieuw, {report.changed} gewijzigd, "
                  f"{report.unchanged} ongewijzigd")
    table.add_row("importrun", f"#{report.run_id}")
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Toon de versie.")] = False,
) -> None:
    if version:
        console.print(f"wijkkompas {__version__}")
        raise typer.Exit()


@app.command()
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


@app.command()
@handle_errors
def areas(
    level: Annotated[str | None, typer.Option(help="municipality, district, neighbourhood "
                                              "of custom.")] = None,
    municipality: Annotated[str | None, typer.Option("--gemeente", help="Gemeentecode, "
                                                     "bijv. GM0599.")] = None,
    db: DbOption = None,
) -> None:
    """Toon de gebieden."""
    from wijkkompas.store.models import LEVELS

    frame = _workspace(db).areas(level=level, municipality=municipality)
    table = Table("code", "naam", "niveau", "valt onder", "jaren")
    for code, row in frame.iterrows():
        years = row["years"]
        shown = f"{years[0]}–{years[-1]} ({len(years)})" if years else "-"
        table.add_row(code, row["name"], LEVELS.get(row["level"], row["level"]),
                      row["parent_code"] or "", shown)
    console.print(table)
    console.print(f"{len(frame)} gebieden")


@app.command()
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
