"""``wijkkompas middelen ...``: regular means per area — import, analysis, what-if.

A thin layer over :mod:`wijkkompas.services.means`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _fmt, _workspace, console, handle_errors

means_app = typer.Typer(help="Reguliere middelen per gebied: volgt het geld de nood?",
                        no_args_is_help=True)

PresetArg = Annotated[str, typer.Argument(help="Afwegingskader: preset (rotterdam, groningen, "
                                          "enschede, assen) of YAML-bestand.")]
OpgaveOpt = Annotated[str, typer.Option("--opgave", help="De opgave waarvan de rangorde de nood "
                                        "bepaalt, bijv. urgentie.")]
YearOpt = Annotated[int, typer.Option("--jaar", help="Jaar van de middelen en de scores.")]
DomainOpt = Annotated[str | None, typer.Option("--domein", help="Alleen dit domein (wmo, jeugd, "
                                               "participatie, openbare_ruimte, veiligheid, "
                                               "welzijn, onderwijs, overig); standaard alle "
                                               "domeinen opgeteld.")]
UnitOpt = Annotated[str, typer.Option("--eenheid", help="euro (standaard), fte of uren.")]


@means_app.command("import")
@handle_errors
def import_means(
    path: Annotated[Path, typer.Argument(help="CSV of Excel: lang (gebied,domein,jaar,bedrag) "
                                         "of breed (gebied,jaar en een kolom per domein).")],
    unit: Annotated[str | None, typer.Option("--eenheid", help="Eenheid van de bedragen: euro "
                                             "(standaard), fte of uren; een kolom 'eenheid' of "
                                             "'fte'/'uren' in het bestand kan het ook zeggen.")
                    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Werkblad (Excel).")] = None,
    db: DbOption = None,
) -> None:
    """Importeer reguliere middelen per gebied (alles of niets)."""
    from wijkkompas.services.means.usecases import import_means as run

    report = run(_workspace(db), path, unit=unit, sheet=sheet)
    if report.skipped:
        console.print(f"[yellow]{report.summary()}[/]", highlight=False)
        return
    console.print(
        f"{report.file}: {report.regions} gebieden, {report.indicators} domeinen, jaren "
        f"{', '.join(map(str, report.years))}, {report.values} bedragen; {report.inserted} nieuw, "
        f"{report.changed} gewijzigd, {report.unchanged} ongewijzigd (importrun "
        f"#{report.run_id})", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)


def _analysis(preset: str, opgave: str, year: int, domain: str | None, unit: str,
              db: str | None):  # noqa: ANN202
    from wijkkompas.services.framework.scoring import resolve_framework, score_workspace
    from wijkkompas.services.means.usecases import analyse_workspace

    fw = resolve_framework(preset)
    ws = _workspace(db, create=False)
    result = score_workspace(ws, fw)
    return analyse_workspace(ws, result, opgave=opgave, year=year, domain=domain, unit=unit)


@means_app.command("analyse")
@handle_errors
def analyse(
    preset: PresetArg,
    opgave: OpgaveOpt,
    year: YearOpt,
    domain: DomainOpt = None,
    unit: UnitOpt = "euro",
    as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Volgt het reguliere geld de nood? Bedrag per inwoner naast de rangorde van een opgave,
    met de concentratie-index."""
    from wijkkompas.services.means.analysis import CONVENTION

    result = _analysis(preset, opgave, year, domain, unit, db)
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    per = "per inwoner" if result.unit == "euro" else f"{result.unit} per inwoner"
    table = Table("rang", "gebied", "code", "score", "klasse", per,
                  title=f"{result.result.framework.name} — {opgave}, {year} (rang 1 = meeste "
                        "nood)", title_justify="left")
    for code, row in result.areas.iterrows():
        table.add_row(str(row["rank"]), str(row["name"]), code, _fmt(row["score"]),
                      str(row["tier"]), _fmt(row["per_inhabitant"], 2))
    console.print(table)
    console.print(f"concentratie-index: {_fmt(result.index, 3)}", highlight=False)
    console.print(f"[dim]{CONVENTION}[/]", highlight=False)
    for name, figures in ((d.domain, d) for d in result.domains[1:]):
        console.print(f"  {name}: index {_fmt(figures.index, 3)}, gemiddeld "
                      f"{_fmt(figures.mean_per_inhabitant, 2)} {per}", highlight=False)
    if len(result.trend) > 1:
        console.print("verloop: " + ", ".join(f"{y}: {_fmt(v, 3)}"
                                              for y, v in result.trend.items()), highlight=False)
    names = result.areas["name"]
    for key, label in (("veel_nood_weinig_geld", "veel nood, weinig geld"),
                       ("weinig_nood_veel_geld", "weinig nood, veel geld")):
        found = result.quadrants[key]
        console.print(f"{label}: {', '.join(str(names[c]) for c in found) or 'geen'}",
                      highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)


@means_app.command("herverdeel")
@handle_errors
def reallocate(
    preset: PresetArg,
    opgave: OpgaveOpt,
    year: YearOpt,
    domain: Annotated[str, typer.Option("--domein", help="Het domein waarvan een deel "
                                        "verschuift.")],
    percent: Annotated[float, typer.Option("--procent", help="Welk deel (0-100) naar de "
                                           "nood verschuift.")] = 10.0,
    db: DbOption = None,
) -> None:
    """Wat als x% van een domein naar de nood verschuift? Een verkenning, geen besluit."""
    result = _analysis(preset, opgave, year, None, "euro", db)
    moved, domain_index, total_index = result.whatif(domain, percent)
    table = Table("gebied", "voor", "na", "verschil", "verschil per inwoner",
                  title=f"{moved.domain}: {_fmt(percent, 0)}% naar de nood ({year})",
                  title_justify="left")
    names = result.areas["name"]
    for code, row in moved.areas.iterrows():
        table.add_row(str(names[code]), _fmt(row["before"], 0), _fmt(row["after"], 0),
                      _fmt(row["difference"], 0),
                      _fmt(row["difference"] / row["inhabitants"], 2))
    console.print(table)
    before = next(d.index for d in result.domains if d.domain == moved.domain)
    console.print(f"index {moved.domain}: {_fmt(before, 3)} → {_fmt(domain_index, 3)}; alle "
                  f"domeinen: {_fmt(result.index, 3)} → {_fmt(total_index, 3)}", highlight=False)
    console.print("[dim]Regel: elk gebied houdt (100 − x)% van zijn budget; de vrijgekomen x% "
                  "gaat naar gebieden aan de noodkant van de referentie, naar rato van inwoners "
                  "× afstand tot de referentie. Een verkenning, geen besluit.[/]", highlight=False)
