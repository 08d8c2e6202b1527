"""The ``wijkkompas`` command: a thin layer over the Python API."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
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


PASSWORD_ENV = "WIJKKOMPAS_WACHTWOORD"


@dataclass
class Acting:
    """Who the command acts for (``--als`` / ``--token``); ``None`` fields: the local operator.
    Set by the app callback for one invocation (reset when its context closes)."""

    name: str | None = None
    token: str | None = None
    password: str | None = None  # the verified password, for a later "current password"
    accounts: dict[str, Any] = field(default_factory=dict)  # database URL -> account


_ACTING: ContextVar[Acting | None] = ContextVar("wijkkompas_acting", default=None)


def acting() -> Acting:
    """The ``--als``/``--token`` of the running command (empty outside a command)."""
    return _ACTING.get() or Acting()


def _account_for(ws: Any, who: Acting) -> Any:
    """Check ``--als`` with its password (or ``--token``) against ``ws``; the account."""
    from wijkkompas.errors import Unauthenticated
    from wijkkompas.services.accounts import authenticate
    from wijkkompas.services.tokens import verify_token

    if who.token:
        account = verify_token(ws, who.token)
        if account is None:
            raise Unauthenticated("--token: onbekend, ingetrokken of van een inactieve gebruiker")
        if who.name and account.name != who.name:
            raise Unauthenticated(f"--token hoort niet bij {who.name} maar bij een andere "
                                  "gebruiker")
        return account
    name = who.name or ""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = typer.prompt(f"Wachtwoord van {name}", hide_input=True, err=True)
    account = authenticate(ws, name, password)
    if account is None:
        raise Unauthenticated(f"--als {name}: onbekende gebruiker of onjuist wachtwoord")
    who.password = password
    return account


def _workspace(db: str | None, *, create: bool = True):  # noqa: ANN202
    """Open the workspace; with ``--als``/``--token`` it acts for that account (its role and
    scopes are checked by every write service), otherwise for the local operator."""
    from wijkkompas.workspace import Workspace

    ws = Workspace.open(db, create=create)
    who = acting()
    if not (who.name or who.token):
        return ws
    key = ws.engine.url.render_as_string(hide_password=False)
    try:
        if key not in who.accounts:
            who.accounts[key] = _account_for(ws, who)
    except BaseException:
        ws.close()
        raise
    return ws.as_user(who.accounts[key])


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
    table.add_row("jaren", ", ".join(map(str, report.years)) or "-")
    if report.kind != "boundaries":
        table.add_row("indicatoren", str(report.indicators))
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
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Toon de versie.")] = False,
    als: Annotated[str | None, typer.Option(
        "--als", metavar="NAAM", envvar="WIJKKOMPAS_ALS", show_envvar=True,
        help="Voer de opdracht uit namens deze gebruiker: diens rol en bereik gelden en de "
             "naam komt in de audittrail. Het wachtwoord wordt gevraagd (of "
             f"{PASSWORD_ENV}; of gebruik --token). Zonder --als werkt u als lokale "
             "beheerder: wie de database in handen heeft, mag alles.")] = None,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="WIJKKOMPAS_TOKEN", show_envvar=False,
        help="API-token in plaats van een wachtwoord (met of zonder --als; omgeving: "
             "WIJKKOMPAS_TOKEN).")] = None,
) -> None:
    _ACTING.set(Acting(name=als.strip() if als and als.strip() else None, token=token or None))
    ctx.call_on_close(lambda: _ACTING.set(None))
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
                      row["parent_code"] if isinstance(row["parent_code"], str) else "", shown)
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


def _years_text(years: list[int]) -> str:
    if not years:
        return "-"
    return f"{years[0]}–{years[-1]} ({len(years)} jaren)" if len(years) > 2 else \
        ", ".join(map(str, years))


@app.command()
@handle_errors
def demo(
    db: Annotated[str | None, typer.Option("--db", help="Database voor de demo (standaard "
                                           "demo.sqlite in de datamap).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Begin met een lege demo-database.")]
    = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Start de webapp niet; toon "
                                           "alleen het overzicht.")] = False,
    host: Annotated[str, typer.Option(help="Adres van de webapp.",
                                      envvar="WIJKKOMPAS_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort van de webapp.",
                                      envvar="WIJKKOMPAS_PORT")] = 8000,
) -> None:
    """Bouw de demo-database (Rotterdam, Groningen, Enschede, Assen) en open de webapp erop."""
    from wijkkompas.services.demo import build_demo, municipality_overview
    from wijkkompas.settings import load_settings

    settings = load_settings()
    target = db or str(settings.data_dir / "demo.sqlite")
    if fresh and "://" not in target:
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    ws = _workspace(target)
    reports = build_demo(ws, progress=_progress_printer())
    new = [r for r in reports if not r.skipped]
    console.print(f"Demo-database: {target} ({len(new)} bestanden geïmporteerd, "
                  f"{len(reports) - len(new)} waren er al)")
    overview = municipality_overview(ws)
    table = Table("code", "gemeente", "wijken", "buurten", "inwoners", "jaren met gegevens",
                  "indicatoren", title="Demogemeenten", title_justify="left")
    for code, row in overview.iterrows():
        pop = f"{row['inwoners']:,}".replace(",", ".") + f" ({row['inwoners_jaar']})" \
            if row["inwoners"] is not None else "-"
        table.add_row(code, row["gemeente"], str(row["wijken"]), str(row["buurten"]), pop,
                      _years_text(row["jaren"]), str(row["indicatoren"]))
    console.print(table)
    console.print("Bron: CBS (CC BY 4.0) en andere open data; zie de herkomst in "
                  "wijkkompas/demo/data/PROVENANCE.md.")
    if not no_serve:
        ws.close()
        _serve(target, host=host, port=port)


def _serve(db: str | None, *, host: str, port: int, workers: int = 1) -> None:
    import os

    import uvicorn

    from wijkkompas.settings import as_database_url
    from wijkkompas.web import create_app

    # Built once here: migrates the database and creates the session secret before any
    # worker process starts, so all workers share them.
    web_app = create_app(database_url=db)
    console.print(f"wijkkompas draait op [bold]http://{host}:{port}/[/] (stoppen: Ctrl+C)",
                  highlight=False)
    if workers > 1:
        if db:
            os.environ["WIJKKOMPAS_DATABASE_URL"] = as_database_url(db)
        uvicorn.run("wijkkompas.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", proxy_headers=False)
    else:
        # proxy_headers=False: the app itself trusts X-Forwarded-For from configured proxies
        # only (WIJKKOMPAS_TRUSTED_PROXIES); uvicorn would trust it from 127.0.0.1
        uvicorn.run(web_app, host=host, port=port, log_level="warning", proxy_headers=False)


@app.command()
@handle_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Adres (standaard 127.0.0.1: alleen deze "
                                             "computer; WIJKKOMPAS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Poort (standaard 8000; "
                                             "WIJKKOMPAS_PORT).")] = None,
    get: Annotated[str | None, typer.Option("--get", help="Beantwoord één verzoek (bijv. "
                                            "/api/v1/overzicht) zonder poort te openen en "
                                            "druk het antwoord af.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Aantal serverprocessen (meer "
                                         "processen = meer gelijktijdige gebruikers).")] = 1,
    db: DbOption = None,
) -> None:
    """Start de webapp (kaart, ranglijsten, gebiedsprofielen en JSON-API)."""
    from wijkkompas.web.config import load_web_config

    if get is not None:
        from fastapi.testclient import TestClient

        from wijkkompas.web import create_app

        with TestClient(create_app(database_url=db), raise_server_exceptions=False) as client:
            response = client.get(get)
        typer.echo(response.text)
        if response.status_code >= 400:
            raise typer.Exit(1)
        return
    config = load_web_config(host=host, port=port)
    _serve(db, host=config.host, port=config.port, workers=workers)


@app.command("custom-area")
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


# --- afwegingskader -------------------------------------------------------------------------

FrameworkArg = Annotated[str, typer.Argument(help="Afwegingskader: YAML-bestand of de naam van "
                                             "een preset (rotterdam, groningen, enschede, assen).")]


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:  # NaN
        return "-"
    return f"{value:.{digits}f}".replace(".", ",")


@app.command()
@handle_errors
def frameworks() -> None:
    """Toon de meegeleverde afwegingskaders (presets)."""
    from wijkkompas.framework.presets import preset_names
    from wijkkompas.framework.schema import load_framework

    table = Table("preset", "naam", "niveau", "gemodelleerd naar")
    for name in preset_names():
        fw = load_framework(name)
        table.add_row(name, fw.name, fw.level, fw.modelled_on or "")
    console.print(table)


@app.command()
@handle_errors
def score(
    framework: FrameworkArg,
    year: Annotated[list[int] | None, typer.Option("--year", help="Jaar (herhaalbaar).")] = None,
    opgave: Annotated[str | None, typer.Option(help="Alleen deze opgave tonen.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Schrijf alle scores "
                                                "naar .csv of .xlsx.")] = None,
    table_file: Annotated[Path | None, typer.Option("--table", help="Scoor een brede CSV "
                                                    "(gebiedscode + indicatorkolommen) zonder "
                                                    "database.")] = None,
    db: DbOption = None,
) -> None:
    """Scoor een afwegingskader: ranglijst, prioriteitsklassen en koppelkansen."""
    from wijkkompas.services.scoring import score_table, score_workspace

    if table_file is not None:
        result = score_table(table_file, framework, year=year[0] if year else None,
                             progress=_progress_printer())
    else:
        result = score_workspace(_workspace(db), framework, years=year or None,
                                 progress=_progress_printer())
    fw = result.framework
    last = result.years[-1]
    codes = [opgave] if opgave else [op.code for op in fw.opgaven]
    for code in codes:
        ranking = result.ranking(code, last)
        name = next((op.name for op in fw.opgaven if op.code == code), code)
        table = Table("rang", "gebied", "code", "score", "klasse",
                      title=f"{name} — {last}", title_justify="left")
        for area, row in ranking.iterrows():
            table.add_row(_fmt(row["rank"], 0), str(row["name"]), area, _fmt(row["score"]),
                          str(row["tier"] or "-"))
        console.print(table)
    if len(fw.opgaven) > 1 and not opgave:
        summary = result.koppelkansen_summary(last)
        if len(summary):
            table = Table("opgaven met prioriteit", "gebieden", "namen", title="Koppelkansen",
                          title_justify="left")
            for combo, row in summary.iterrows():
                table.add_row(combo, str(row["gebieden"]), row["namen"])
            console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    prov = result.provenance()
    console.print(f"[dim]kader {prov['framework']} v{prov['framework_version']} "
                  f"({prov['framework_fingerprint']}), gegevens {prov['data_fingerprint']}, "
                  f"vergelijkbaar over jaren: {prov['comparable_over_time']}[/]")
    if output is not None:
        if output.suffix.lower() == ".xlsx":
            result.to_excel(output)
        else:
            result.to_csv(output)
        console.print(f"Geschreven: {output}")


@app.command()
@handle_errors
def explain(
    framework: FrameworkArg,
    area: Annotated[str, typer.Argument(help="Gebiedscode, bijv. WK059915.")],
    opgave: Annotated[str | None, typer.Option(help="Opgave (standaard de eerste).")] = None,
    year: Annotated[int | None, typer.Option(help="Jaar (standaard het laatste).")] = None,
    db: DbOption = None,
) -> None:
    """Leg uit waarom een gebied zo scoort: bijdrage per indicator."""
    from wijkkompas.data.catalogue import load_catalogue
    from wijkkompas.services.scoring import score_workspace

    result = score_workspace(_workspace(db), framework, years=[year] if year else None)
    codes = [opgave] if opgave else [op.code for op in result.framework.opgaven]
    cat = load_catalogue()
    for code in codes:
        ex = result.explain(area.upper(), code, year)
        console.print(ex.summary(), highlight=False)
        table = Table("indicator", "thema", "waarde", "referentie", "bijdrage")
        for ind, row in ex.contributions.iterrows():
            label = cat[ind].label_nl if ind in cat else ind
            table.add_row(label, row["theme"], _fmt(row["raw"], 2), _fmt(row["reference"], 2),
                          _fmt(row["contribution"], 2))
        console.print(table)


def _parse_vary(items: list[str] | None) -> dict[str, list[str]]:
    """``["normalise=minmax,zscore", "aggregate=mean,geomean"]`` -> a dict of alternatives."""
    out: dict[str, list[str]] = {}
    for item in items or []:
        step, sep, alts = item.partition("=")
        if not sep or not alts.strip():
            raise typer.BadParameter(f"{item!r}: verwacht stap=methode1,methode2",
                                     param_hint="--vary")
        out.setdefault(step.strip(), []).extend(a.strip() for a in alts.split(",") if a.strip())
    return out


@app.command()
@handle_errors
def sensitivity(
    framework: FrameworkArg,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Aantal trekkingen.")] = 1000,
    concentration: Annotated[float, typer.Option("--concentration", min=0.001, help=(
        "Dirichlet-concentratie: hoger = gewichten dichter bij de eigen gewichten (50: ca. "
        "±20% bij drie gelijke gewichten)."))] = 50.0,
    vary: Annotated[list[str] | None, typer.Option("--vary", help=(
        "Varieer een methode, bijv. normalise=minmax,zscore,rank of aggregate=mean,geomean "
        "(herhaalbaar)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help="Jaar (standaard het "
                                             "laatste).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Startwaarde van de "
                                      "toevalsgenerator.")] = 0,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=(
        "Schrijf de tabel naar .csv (de drijvers naar <naam>-drivers.csv)."))] = None,
    db: DbOption = None,
) -> None:
    """Gevoeligheidsanalyse: hoe stabiel zijn rangen en klassen bij andere gewichten en methoden?"""
    from wijkkompas.services.scoring import sensitivity_workspace

    result = sensitivity_workspace(_workspace(db), framework, draws=draws,
                                   concentration=concentration, methods=_parse_vary(vary),
                                   year=year, seed=seed, progress=_progress_printer())
    first = result.tier_labels[0]
    for node in result.table["node"].unique():
        rows = result.ranking(node)
        table = Table("gebied", "code", "rang", "mediaan", "5–95%", f"P({first})", "robuust",
                      title=f"{rows['node_name'].iloc[0]} — {result.year} ({result.draws} "
                      "trekkingen)", title_justify="left")
        for _, row in rows.iterrows():
            interval = f"{_fmt(row['rank_p05'], 0)}–{_fmt(row['rank_p95'], 0)}"
            table.add_row(str(row["name"]), row["area_code"], _fmt(row["nominal_rank"], 0),
                          _fmt(row["median_rank"], 0), interval,
                          _fmt(row[f"p[{first}]"], 2), "ja" if row["robust"] else "")
        console.print(table)
    if len(result.drivers):
        table = Table("opgave", "onzekerheid", "soort", "S", "ruis",
                      title="Wat drijft de variatie in rangen? (S: eerste-orde-index)",
                      title_justify="left")
        for _, row in result.drivers.groupby("node", sort=False).head(8).iterrows():
            kind = f"gewicht {row['level']}" if row["kind"] == "gewicht" else "methode"
            table.add_row(row["node"], row["input"], kind, _fmt(row["s_first"], 2),
                          _fmt(row["noise"], 3))
        console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    prov = result.provenance()
    console.print(f"[dim]kader {prov['framework']} v{prov['framework_version']}, gegevens "
                  f"{prov['data_fingerprint']}, concentratie {prov['concentration']}, seed "
                  f"{prov['seed']}, methoden {prov['methods']}, {result.seconds:.1f} s[/]")
    if output is not None:
        result.to_csv(output)
        drivers = output.with_name(f"{output.stem}-drivers{output.suffix or '.csv'}")
        result.drivers_to_csv(drivers)
        console.print(f"Geschreven: {output} en {drivers}")


from wijkkompas.agenda_cli import agenda_app  # noqa: E402 - registers `wijkkompas agenda`

app.add_typer(agenda_app, name="agenda")

import wijkkompas.governance_cli  # noqa: E402, F401 - registers audit, backup, restore, partner, team
import wijkkompas.monitor_cli  # noqa: E402, F401 - registers `wijkkompas monitor`
import wijkkompas.user_cli  # noqa: E402, F401 - registers `wijkkompas user`
