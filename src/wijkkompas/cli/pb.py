"""``wijkkompas pb``: buurtbudget rounds in the pabulib format: run a rule, import, export."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, console, handle_errors

pb_app = typer.Typer(help="Buurtbudget: pabulib-bestanden (.pb) doorrekenen, importeren en "
                          "exporteren.", no_args_is_help=True)

RuleOption = Annotated[str, typer.Option(
    "--rule", metavar="equal-shares|greedy",
    help="De regel: equal-shares (Method of Equal Shares) of greedy (meeste stemmen eerst).")]
CompletionOption = Annotated[str | None, typer.Option(
    "--completion", metavar="add1|greedy",
    help="Aanvulling bij equal-shares: add1 of greedy (standaard geen).")]
TieOption = Annotated[str, typer.Option(
    "--tie-break", metavar="id|cost",
    help="Volgorde bij gelijke stand: id (laagste project-id als tekst, zoals pabutools) of "
         "cost (goedkoopste eerst).")]


def _amount(cents: int) -> int | float:
    value = Decimal(cents) / 100
    return int(value) if value == value.to_integral_value() else float(value)


@pb_app.command("run")
@handle_errors
def run_cmd(
    file: Annotated[Path, typer.Argument(help="Het .pb-bestand.", exists=True, dir_okay=False)],
    rule: RuleOption = "equal-shares",
    completion: CompletionOption = None,
    tie_break: TieOption = "id",
    as_json: Annotated[bool, typer.Option("--json", help="Alleen JSON: regel, gekozen "
                                          "project-id's en totale kosten.")] = False,
) -> None:
    """Reken een regel door op een .pb-bestand (zonder database)."""
    from wijkkompas.budgeting.explain import describe, money, reasons
    from wijkkompas.budgeting.pabulib import read_pb
    from wijkkompas.budgeting.rules import run

    rnd = read_pb(file.read_bytes(), file=file.name)
    out = run(rnd, rule, completion=completion, tie_break=tie_break)
    order = [p.id for p in rnd.projects if p.id in set(out.selected)]
    if as_json:
        typer.echo(json.dumps({"rule": rule, "selected": order, "cost": _amount(out.cost)},
                              ensure_ascii=False))
        return
    votes = rnd.votes()
    table = Table("project", "naam", "kosten", "stemmen", "gekozen", "waarom",
                  title=f"{rnd.meta.get('description', file.name)} — {rule}",
                  title_justify="left")
    for r in reasons(rnd, out):
        p = rnd.project(r.project)
        table.add_row(p.id, p.name, money(p.cost, rnd.currency), str(votes[p.id]),
                      "ja" if r.selected else "nee", r.text)
    console.print(table)
    console.print(describe(rnd, out), highlight=False)
    console.print(f"{len(out.selected)} voorstellen gekozen voor {money(out.cost, rnd.currency)} "
                  f"van {money(rnd.budget, rnd.currency)}", highlight=False)


@pb_app.command("import")
@handle_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Het .pb-bestand.", exists=True, dir_okay=False)],
    db: DbOption = None,
    area: Annotated[str | None, typer.Option("--gebied", metavar="CODE",
                                             help="Gebiedscode van de ronde (buurt, wijk of "
                                                  "eigen gebied).")] = None,
    name: Annotated[str | None, typer.Option("--naam", help="Naam van de ronde (standaard de "
                                             "beschrijving in het bestand).")] = None,
    example: Annotated[bool, typer.Option("--voorbeeld", help="Label de ronde als voorbeeld "
                                          "(geen echte uitslag).")] = False,
) -> None:
    """Sla een ronde uit een .pb-bestand op: budget, voorstellen en stemmen."""
    from wijkkompas.cli._common import _workspace
    from wijkkompas.services.budgeting.rounds import import_round

    ws = _workspace(db)
    info = import_round(ws, file.read_bytes(), file=file.name, area_code=area, name=name,
                        example=example)
    console.print(f"ronde {info['id']} opgeslagen: {info['name']} — {info['projects']} "
                  f"voorstellen, {info['ballots']} stembiljetten", highlight=False)


@pb_app.command("export")
@handle_errors
def export_cmd(
    round_id: Annotated[int, typer.Argument(help="Het nummer van de ronde.")],
    out: Annotated[Path, typer.Option("--uit", "-o", help="Het .pb-bestand om te schrijven.",
                                      dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Schrijf een opgeslagen ronde als .pb-bestand."""
    from wijkkompas.cli._common import _workspace
    from wijkkompas.services.budgeting.rounds import export_round

    ws = _workspace(db)
    out.write_text(export_round(ws, round_id), encoding="utf-8")
    console.print(f"geschreven: {out}", highlight=False)


@pb_app.command("agenda")
@handle_errors
def agenda_cmd(
    round_id: Annotated[int, typer.Argument(help="Het nummer van de ronde.")],
    code: Annotated[str, typer.Argument(help="Project-id van het gekozen voorstel.")],
    agenda_id: Annotated[int, typer.Option("--agenda", help="Id van de opgeslagen agenda.")],
    year: Annotated[int, typer.Option("--jaar", help="Jaar van uitvoering.")],
    rule: RuleOption = "equal-shares",
    completion: CompletionOption = None,
    db: DbOption = None,
) -> None:
    """Neem een gekozen voorstel op als maatregel in de investeringsagenda, betaald uit het
    buurtbudget (een eigen geldstroom)."""
    from wijkkompas.cli._common import _workspace
    from wijkkompas.services.budgeting.agenda_link import promote

    ws = _workspace(db)
    code = promote(ws, round_id, code, agenda_id=agenda_id, year=year, rule=rule,
                   completion=completion)
    console.print(f"maatregel {code} toegevoegd aan agenda {agenda_id}", highlight=False)
