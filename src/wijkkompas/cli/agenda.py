"""``wijkkompas agenda``: optimise, diff, export and import the investeringsagenda."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _progress_printer, console, handle_errors

agenda_app = typer.Typer(help="Investeringsagenda: optimaliseren, vergelijken, Excel.",
                         no_args_is_help=True)

SourceArg = Annotated[str | None, typer.Argument(
    help="Agenda: YAML- of Excel-bestand, of een opgeslagen agenda als naam of naam@jaar "
         "(standaard de nieuwste opgeslagen).")]
DemoOption = Annotated[bool, typer.Option("--demo", help="De demo-agenda van Enschede op de "
                                          "demo-database.")]


def _ws(db: str | None, demo: bool):  # noqa: ANN202
    from wijkkompas.cli._common import _workspace
    from wijkkompas.errors import ConfigError
    from wijkkompas.settings import load_settings

    if db is None and demo:
        db = str(load_settings().data_dir / "demo.sqlite")
        if not Path(db).exists():
            raise ConfigError(f"geen demo-database op {db}; maak die eerst met 'wijkkompas demo'")
    return _workspace(db)  # honours --als / --token


def _euro(cents: int) -> str:
    from wijkkompas.agenda.model import format_euros

    return format_euros(int(cents), whole=True)


def _print_result(result) -> None:  # noqa: ANN001
    from wijkkompas.agenda.terms import crossing_commitments, totals_per_term
    from wijkkompas.formatting import number, percent, score

    if not result.feasible:
        console.print(f"[bold red]{result.summary()}[/]", highlight=False)
        return
    frame = result.measures_frame()
    table = Table("code", "maatregel", "status", "kosten (horizon)", "gefinancierd", "deel",
                  "waarde", title=f"{result.agenda.name} — versie {result.agenda.year}",
                  title_justify="left")
    for code, row in frame.sort_values(["share", "value"], ascending=False).iterrows():
        table.add_row(code, row["title"], row["status"], _euro(row["cost"]),
                      _euro(row["funded"]), percent(row["share"], fraction=True),
                      score(row["value"]))
    console.print(table)
    unused = result.unused
    streams = Table("geldstroom", "budget", "toegewezen", "niet besteed",
                    title="Geldstromen (horizon)", title_justify="left")
    for name, grp in unused.groupby("stream_name", sort=False):
        streams.add_row(str(name), _euro(grp["budget"].sum()), _euro(grp["used"].sum()),
                        _euro(grp["unused"].sum()))
    console.print(streams)
    terms = totals_per_term(result.agenda)
    names = {s.code: s.name for s in result.agenda.streams} | {"totaal": "totaal"}
    per_term = Table("geldstroom", *terms.columns, title="Per bestuurstermijn",
                     title_justify="left")
    for code, row in terms.iterrows():
        per_term.add_row(names.get(str(code), str(code)), *(_euro(v) for v in row))
    console.print(per_term)
    console.print(result.summary(), highlight=False)
    for c in crossing_commitments(result.agenda, committed_only=True):
        console.print(f"[cyan]termijngrens:[/] {c.text()}", highlight=False)
    prov = result.provenance()
    console.print(f"[dim]kader {prov['framework']} v{prov['framework_version']}, gegevens "
                  f"{prov['data_fingerprint']}; bouwen {number(result.build_seconds, 2)} s, oplossen "
                  f"{number(result.solve_seconds, 2)} s[/]")


@agenda_app.command("optimise")
@handle_errors
def optimise_cmd(
    source: SourceArg = None,
    demo: DemoOption = False,
    framework: Annotated[str | None, typer.Option("--kader", help="Afwegingskader voor de "
                                                  "prioriteiten (standaard dat van de "
                                                  "agenda).")] = None,
    year: Annotated[int | None, typer.Option("--jaar", help="Datajaar van de scores.")] = None,
    previous: Annotated[str | None, typer.Option("--vorige", help="Vorige agenda: zo min "
                                                 "mogelijk verschuiven ten opzichte daarvan.")]
    = None,
    save: Annotated[bool, typer.Option("--opslaan", help="Sla de uitkomst op als versie.")]
    = False,
    replace: Annotated[bool, typer.Option("--vervang", help="Overschrijf een bestaande "
                                          "versie.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Schrijf de agenda "
                                                "naar .xlsx of .yaml.")] = None,
    time_limit: Annotated[float, typer.Option("--tijdslimiet", help="Seconden.")] = 60.0,
    db: DbOption = None,
) -> None:
    """Verdeel de geldstromen optimaal over de maatregelen, met uitleg."""
    from wijkkompas.services.agenda.usecases import optimise_agenda, resolve_agenda, save_agenda

    ws = _ws(db, demo)
    agenda = resolve_agenda(ws, source, demo=demo)
    prev = resolve_agenda(ws, previous) if previous else None
    result = optimise_agenda(ws, agenda, framework=framework, year=year, previous=prev,
                             progress=_progress_printer(), time_limit=time_limit)
    _print_result(result)
    if not result.feasible:
        raise typer.Exit(1)
    if save:
        new_id = save_agenda(ws, result.agenda, replace=replace)
        console.print(f"Opgeslagen als agenda #{new_id} ({result.agenda.name}, versie "
                      f"{result.agenda.year})")
    if output is not None:
        _write(result.agenda, output)


def _write(agenda, output: Path) -> None:  # noqa: ANN001
    if output.suffix.lower() == ".xlsx":
        from wijkkompas.agenda.excel import write_workbook

        write_workbook(agenda, output)
    else:
        from wijkkompas.agenda.files import save_agenda_yaml

        save_agenda_yaml(agenda, output)
    console.print(f"Geschreven: {output}")


@agenda_app.command("diff")
@handle_errors
def diff_cmd(
    old: Annotated[str, typer.Argument(help="Vorige agenda (bestand, naam of naam@jaar).")],
    new: Annotated[str, typer.Argument(help="Nieuwe agenda (bestand, naam of naam@jaar).")],
    framework: Annotated[str | None, typer.Option("--kader", help="Toon ook welke gebieden "
                                                  "van klasse wisselden in dit kader.")] = None,
    old_year: Annotated[int | None, typer.Option("--oud-jaar", help="Datajaar van de vorige "
                                                 "scores.")] = None,
    new_year: Annotated[int | None, typer.Option("--nieuw-jaar", help="Datajaar van de nieuwe "
                                                 "scores.")] = None,
    db: DbOption = None,
) -> None:
    """Wat er veranderde tussen twee agendaversies, in gewone taal."""
    from wijkkompas.agenda.diff import agenda_diff, tier_changes
    from wijkkompas.services.agenda.usecases import resolve_agenda

    needs_db = framework is not None or not all(
        Path(s).suffix.lower() in (".yaml", ".yml", ".xlsx") for s in (old, new))
    ws = _ws(db, False) if needs_db else None
    console.print(agenda_diff(resolve_agenda(ws, old), resolve_agenda(ws, new)).text(),
                  highlight=False)
    if framework is not None and ws is not None:
        from wijkkompas.services.framework.scoring import score_workspace

        before = score_workspace(ws, framework, years=[old_year] if old_year else None)
        after = score_workspace(ws, framework, years=[new_year] if new_year else None)
        changes = tier_changes(before, after)
        console.print(f"Klassewisselingen ({len(changes)}):")
        for c in changes:
            console.print(f"- {c.text()}", highlight=False)


@agenda_app.command("export")
@handle_errors
def export_cmd(
    output: Annotated[Path, typer.Argument(help="Doelbestand: .xlsx (met keuzelijsten) of "
                                           ".yaml.")],
    source: SourceArg = None,
    demo: DemoOption = False,
    db: DbOption = None,
) -> None:
    """Exporteer een agenda naar Excel (of YAML)."""
    from wijkkompas.services.agenda.usecases import demo_agenda, resolve_agenda

    agenda = demo_agenda() if demo and source is None else resolve_agenda(_ws(db, demo), source)
    _write(agenda, output)


@agenda_app.command("import")
@handle_errors
def import_cmd(
    path: Annotated[Path, typer.Argument(help="Agenda als Excel-werkmap of YAML.")],
    replace: Annotated[bool, typer.Option("--vervang", help="Overschrijf een bestaande "
                                          "versie.")] = False,
    db: DbOption = None,
) -> None:
    """Lees een agenda in (alles of niets; fouten met blad, rij, kolom en waarde)."""
    from wijkkompas.agenda.files import load_agenda_file
    from wijkkompas.services.agenda.usecases import save_agenda

    agenda = load_agenda_file(path)
    new_id = save_agenda(_ws(db, False), agenda, replace=replace)
    console.print(f"Agenda {agenda.name!r} versie {agenda.year} opgeslagen als #{new_id}: "
                  f"{len(agenda.measures)} maatregelen, {len(agenda.streams)} geldstromen, "
                  f"{len(agenda.allocations)} toewijzingen")
