"""``wijkkompas audit``, ``backup``, ``restore``, ``partner ...`` and ``team ...``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _workspace, console, handle_errors

commands = typer.Typer()
"""Registered on the main app without a group name."""
partner_app = typer.Typer(help="Partners, hun rol per gebied en opgave, toezeggingen en "
                               "balanswaarschuwingen.", no_args_is_help=True)
team_app = typer.Typer(help="Kernteams per gebied: leden, mandaat, budget en besluiten.",
                       no_args_is_help=True)
commands.add_typer(partner_app, name="partner")
commands.add_typer(team_app, name="team")


def _cents(euros: str | None) -> int | None:
    from wijkkompas.agenda.model import cents

    return None if euros is None else cents(euros)


@commands.command("audit")
@handle_errors
def audit(
    entity: Annotated[str | None, typer.Option(
        "--entity", help="Soort (bijv. target, agenda, user) of soort:id.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Vanaf datum (2026-01-31).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Alleen deze gebruiker.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Schrijf naar .csv of .json in plaats van een tabel.")] = None,
    db: DbOption = None,
) -> None:
    """Toon of exporteer de audittrail: wie wijzigde wat, wanneer, met voor en na."""
    from wijkkompas.audit import changed_keys, entries, export

    with _workspace(db, create=False) as ws:
        ws.require("view_audit", {"type": "audit"})  # with --als: editors and admins
        items = entries(ws, entity=entity, since=since, actor=actor)
    if output is not None:
        export(items, output)
        console.print(f"{len(items)} regels geschreven naar {output}")
        return
    from wijkkompas.formatting import moment
    from wijkkompas.services.shared.labels import action_label, entity_label, field_label

    # In words, as on the audit page; the export (-o) keeps the codes.
    table = Table("wanneer", "wie", "actie", "wat", "gewijzigd")
    for e in items:
        keys = changed_keys(e.before if isinstance(e.before, dict) else None,
                            e.after if isinstance(e.after, dict) else None)
        table.add_row(moment(e.at), e.actor, action_label(e.action),
                      f"{entity_label(e.entity_type)} {e.entity_id}",
                      ", ".join(field_label(k) for k in keys[:6]))
    console.print(table if items else "Geen wijzigingen gevonden.")


@commands.command("backup")
@handle_errors
def backup_cmd(
    path: Annotated[Path, typer.Argument(help="Back-upbestand (.zip).")],
    db: DbOption = None,
) -> None:
    """Maak een draagbare back-up (SQLite ↔ PostgreSQL) van alle tabellen."""
    from wijkkompas.backup import backup

    with _workspace(db, create=False) as ws:
        report = backup(ws, path)
    console.print(f"Back-up {path}: {report.rows} rijen uit {len(report.tables)} tabellen, "
                  f"schemaversie {report.revision}.", highlight=False)


@commands.command("restore")
@handle_errors
def restore_cmd(
    path: Annotated[Path, typer.Argument(help="Back-upbestand van 'wijkkompas backup'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Niet om bevestiging vragen.")] = False,
    db: DbOption = None,
) -> None:
    """Zet een back-up terug; vervangt alle gegevens in de database (in één transactie)."""
    from wijkkompas.backup import read_manifest, restore, restore_url
    from wijkkompas.cli._common import acting
    from wijkkompas.settings import as_database_url

    manifest = read_manifest(path)
    who = acting()
    if who.name or who.token:
        # Acting for an account: it must exist in this database and may restore (admin);
        # checked before the question and before anything changes.
        with _workspace(db, create=False) as ws:
            ws.require("backup", {"type": "backup"})
            if not yes:
                typer.confirm(f"Alle gegevens vervangen door de back-up van "
                              f"{manifest['created_at']}?", abort=True)
            report = restore(ws, path)
        console.print(f"Teruggezet: {report.rows} rijen in {len(report.tables)} tabellen.")
        return
    if not yes:
        typer.confirm(f"Alle gegevens vervangen door de back-up van {manifest['created_at']}?",
                      abort=True)
    if db is None:
        from wijkkompas.settings import load_settings

        url = load_settings().database_url
    else:
        url = as_database_url(db)
    report = restore_url(url, path)
    console.print(f"Teruggezet: {report.rows} rijen in {len(report.tables)} tabellen.")


@partner_app.command("add")
@handle_errors
def partner_add(
    name: Annotated[str, typer.Argument(help="Naam van de organisatie.")],
    type_: Annotated[str, typer.Option("--type", help="Soort: woningcorporatie, zorg_welzijn, "
                                       "politie, onderwijs, ondernemers, bewoners, gemeente, "
                                       "rijk, provincie, overig.")],
    db: DbOption = None,
) -> None:
    """Voeg een partner toe."""
    from wijkkompas.partners.service import add_partner

    with _workspace(db) as ws:
        add_partner(ws, name, type_)
    console.print(f"Partner {name} toegevoegd.", highlight=False)


@partner_app.command("seat")
@handle_errors
def partner_seat(
    name: Annotated[str, typer.Argument(help="Partner.")],
    area: Annotated[str, typer.Argument(help="Gebiedscode.")],
    opgave: Annotated[str, typer.Argument(help="Opgave (code uit het kader).")],
    role: Annotated[str, typer.Option("--role", help="trekker, partner, betrokken of "
                                      "geinformeerd.")] = "partner",
    db: DbOption = None,
) -> None:
    """Geef een partner een plaats aan tafel (gebied × opgave) met een rol."""
    from wijkkompas.partners.service import involve, overview
    from wijkkompas.partners.store import ROLES

    with _workspace(db) as ws:
        involve(ws, name, area, opgave, role)
        seat = overview(ws, partner=name, area=area)
        seat = seat[seat["opgave"] == opgave.strip()].iloc[0]
    console.print(f"{name}: {ROLES[seat.role]} bij {seat.opgave} in {seat.area_code}.",
                  highlight=False)


@partner_app.command("withdraw")
@handle_errors
def partner_withdraw(
    name: Annotated[str, typer.Argument(help="Partner.")],
    area: Annotated[str, typer.Option("--area", help="Gebiedscode.")],
    opgave: Annotated[str, typer.Option("--opgave", help="Opgave (code uit het kader).")],
    db: DbOption = None,
) -> None:
    """Neem een partner de plaats aan tafel (gebied × opgave) af."""
    from wijkkompas.partners.service import withdraw

    with _workspace(db) as ws:
        code = withdraw(ws, name, area, opgave)
    console.print(f"{name} zit niet meer aan tafel {opgave.strip()} in {code}.",
                  highlight=False)


@partner_app.command("commit")
@handle_errors
def partner_commit(
    name: Annotated[str, typer.Argument(help="Partner.")],
    what: Annotated[str, typer.Argument(help="Wat de partner toezegt.")],
    starts: Annotated[str, typer.Option("--from", help="Begindatum (2026-01-01).")],
    ends: Annotated[str | None, typer.Option("--until", help="Einddatum.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Gebiedscode.")] = None,
    measure: Annotated[str | None, typer.Option("--measure", help="Maatregel (agenda).")] = None,
    stream: Annotated[str | None, typer.Option("--stream", help="Geldstroom (agenda).")] = None,
    euros: Annotated[str | None, typer.Option("--euros", help="Bedrag in euro's.")] = None,
    succeeds: Annotated[int | None, typer.Option("--succeeds", help="Volgt toezegging ID op.")
                        ] = None,
    db: DbOption = None,
) -> None:
    """Leg een toezegging van een partner vast."""
    from wijkkompas.partners.service import add_commitment

    with _workspace(db) as ws:
        cid = add_commitment(ws, name, what, starts=date.fromisoformat(starts),
                             ends=date.fromisoformat(ends) if ends else None, area=area,
                             measure=measure, funding_stream=stream, cents=_cents(euros),
                             succeeds=succeeds)
    console.print(f"Toezegging {cid} vastgelegd.")


@partner_app.command("list")
@handle_errors
def partner_list(
    partner: Annotated[str | None, typer.Option("--partner", help="Alleen deze partner.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Alleen dit gebied.")] = None,
    db: DbOption = None,
) -> None:
    """Wie zit aan welke tafel (per partner of per gebied)."""
    from wijkkompas.partners.service import overview

    with _workspace(db, create=False) as ws:
        frame = overview(ws, partner=partner, area=area)
    table = Table("partner", "soort", "gebied", "opgave", "rol")
    for row in frame.itertuples(index=False):
        table.add_row(row.partner, row.type, row.area_code, row.opgave, row.role)
    console.print(table if len(frame) else "Nog geen partners aan tafel.")


@partner_app.command("commitments")
@handle_errors
def partner_commitments(
    partner: Annotated[str | None, typer.Option("--partner", help="Alleen deze partner.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Alleen dit gebied.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Toezeggingen met hun ID (voor 'partner commit --succeeds')."""
    from wijkkompas.agenda.model import format_euros
    from wijkkompas.partners.service import commitments

    with _workspace(db, create=False) as ws:
        frame = commitments(ws, partner=partner, area=area)
    if as_json:
        rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "partner", "wat", "gebied", "van", "tot", "maatregel", "geldstroom",
                  "bedrag", "opgevolgd door")
    for row in frame.to_dict("records"):
        table.add_row(str(row["id"]), row["partner"], row["what"], _plain(row["area_code"]) or "",
                      _date(row["starts"]), _date(row["ends"]), _plain(row["measure"]) or "",
                      _plain(row["funding_stream"]) or "",
                      "" if _plain(row["cents"]) is None else format_euros(int(row["cents"])),
                      "" if _plain(row["successor_id"]) is None
                      else str(int(row["successor_id"])))
    console.print(table if len(frame) else "Geen toezeggingen gevonden.")


def _plain(value: object) -> object:
    """A frame cell as plain JSON: NaN/NaT → None, numpy ints → int, dates → ISO text."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[union-attr]
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return value


def _date(value: object) -> str:
    """A date cell in Dutch notation (31-12-2026); empty when missing."""
    plain = _plain(value)
    return "" if plain is None else date.fromisoformat(str(plain)).strftime("%d-%m-%Y")


@partner_app.command("warnings")
@handle_errors
def partner_warnings(
    priority: Annotated[list[str] | None, typer.Option(
        "--priority", help="Prioriteitsgebied (herhaalbaar).")] = None,
    max_tables: Annotated[int, typer.Option("--max-tables", help="Tafels per partner.")] = 8,
    max_seats: Annotated[int, typer.Option("--max-seats", help="Partners per tafel.")] = 10,
    horizon: Annotated[int, typer.Option("--horizon-days", help="Aflopende toezeggingen "
                                         "binnen zoveel dagen.")] = 365,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Balanswaarschuwingen: te veel tafels, te volle tafels, geen trekker, aflopende
    toezeggingen zonder opvolger."""
    from wijkkompas.partners.balance import Thresholds, warnings_for

    with _workspace(db, create=False) as ws:
        found = warnings_for(ws, priority_areas=priority or [],
                             thresholds=Thresholds(max_tables, max_seats, horizon))
    if as_json:
        print(json.dumps([w.to_dict() for w in found], ensure_ascii=False, indent=2))
        return
    for w in found:
        console.print(f"[yellow]let op:[/] {w.message}", highlight=False)
    if not found:
        console.print("Geen balanswaarschuwingen.")


@team_app.command("set")
@handle_errors
def team_set(
    area: Annotated[str, typer.Argument(help="Gebiedscode.")],
    name: Annotated[str | None, typer.Option("--name", help="Naam van het kernteam.")] = None,
    mandate: Annotated[str | None, typer.Option("--mandate", help="Wat het team mag besluiten "
                                                "en uitgeven.")] = None,
    euros: Annotated[str | None, typer.Option("--budget", help="Eigen budget in euro's.")
                     ] = None,
    stream: Annotated[str | None, typer.Option("--stream", help="Geldstroom van het budget.")
                      ] = None,
    db: DbOption = None,
) -> None:
    """Maak of wijzig het kernteam van een gebied."""
    from wijkkompas.partners.service import set_team

    with _workspace(db) as ws:
        version = set_team(ws, area, name=name, mandate=mandate, budget_cents=_cents(euros),
                           funding_stream=stream)
    console.print(f"Kernteam {area} opgeslagen (versie {version}).")


@team_app.command("member")
@handle_errors
def team_member(
    area: Annotated[str, typer.Argument(help="Gebiedscode.")],
    name: Annotated[str, typer.Argument(help="Naam van het lid.")],
    partner: Annotated[str | None, typer.Option("--partner", help="Namens partner.")] = None,
    role: Annotated[str, typer.Option("--role", help="Rol in het team.")] = "",
    db: DbOption = None,
) -> None:
    """Voeg een lid toe aan een kernteam."""
    from wijkkompas.partners.service import add_member

    with _workspace(db) as ws:
        add_member(ws, area, name, partner=partner, role=role)
    console.print(f"{name} is lid van kernteam {area}.", highlight=False)


@team_app.command("decide")
@handle_errors
def team_decide(
    area: Annotated[str, typer.Argument(help="Gebiedscode.")],
    summary: Annotated[str, typer.Argument(help="Het besluit.")],
    euros: Annotated[str | None, typer.Option("--euros", help="Bedrag uit het eigen budget.")
                     ] = None,
    db: DbOption = None,
) -> None:
    """Leg een besluit van het kernteam vast (binnen het eigen budget; komt in de audittrail)."""
    from wijkkompas.partners.service import log_decision, team

    with _workspace(db) as ws:
        log_decision(ws, area, summary, cents=_cents(euros))
        left = team(ws, area)["budget_left_cents"]
    from wijkkompas.agenda.model import format_euros

    console.print(f"Besluit vastgelegd; budget over: {format_euros(left)}", highlight=False)


@team_app.command("list")
@handle_errors
def team_list(
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Alle kernteams: gebied, naam, budget, geldstroom en aantal leden."""
    from wijkkompas.agenda.model import format_euros
    from wijkkompas.partners.service import list_teams

    with _workspace(db, create=False) as ws:
        frame = list_teams(ws)
    if as_json:
        rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("gebied", "naam", "budget", "geldstroom", "leden")
    for row in frame.to_dict("records"):
        table.add_row(row["area_code"], row["name"], format_euros(int(row["budget_cents"])),
                      _plain(row["funding_stream"]) or "", str(int(row["members"])))
    console.print(table if len(frame) else "Nog geen kernteams.")


@team_app.command("show")
@handle_errors
def team_show(
    area: Annotated[str, typer.Argument(help="Gebiedscode.")],
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Eén kernteam: mandaat, budget (en wat er over is), leden en besluiten."""
    from wijkkompas.agenda.model import format_euros
    from wijkkompas.partners.service import team

    with _workspace(db, create=False) as ws:
        found = team(ws, area)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"[bold]{found['name']}[/] ({found['area_code']}, versie "
                  f"{found['lock_version']})", highlight=False)
    console.print(f"mandaat: {found['mandate'] or '-'}", highlight=False)
    console.print(f"budget: {format_euros(found['budget_cents'])}"
                  f"{' uit ' + found['funding_stream'] if found['funding_stream'] else ''}; "
                  f"over: {format_euros(found['budget_left_cents'])}", highlight=False)
    members = Table("lid", "rol", "namens", title="Leden")
    for m in found["members"]:
        members.add_row(m["name"], m["role"] or "", m["partner"] or "")
    console.print(members if found["members"] else "Nog geen leden.")
    decisions = Table("id", "datum", "besluit", "bedrag", "door", title="Besluiten")
    for d in found["decisions"]:
        decisions.add_row(str(d["id"]), f"{d['decided_on']:%d-%m-%Y}", d["summary"],
                          "" if d["cents"] is None else format_euros(int(d["cents"])),
                          d["created_by"])
    console.print(decisions if found["decisions"] else "Nog geen besluiten.")
