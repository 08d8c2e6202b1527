"""``wijkkompas demo`` and ``serve``: the web app on the demo or on a database of your own."""

from __future__ import annotations

import os
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
)

commands = typer.Typer()
"""Registered on the main app without a group name."""


def _years_text(years: list[int]) -> str:
    if not years:
        return "-"
    return f"{years[0]}–{years[-1]} ({len(years)} jaren)" if len(years) > 2 else \
        ", ".join(map(str, years))


@commands.command()
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
    from wijkkompas.formatting import count
    from wijkkompas.services.data.demo import build_demo, municipality_overview
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
        pop = count(row["inwoners"]) + f" ({row['inwoners_jaar']})" \
            if row["inwoners"] is not None else "-"
        table.add_row(code, row["gemeente"], str(row["wijken"]), str(row["buurten"]), pop,
                      _years_text(row["jaren"]), str(row["indicatoren"]))
    for column in table.columns:  # a narrow terminal folds a cell, never cuts it off
        column.overflow = "fold"
    if console.is_terminal:
        console.print(table)
    else:  # rich would assume 80 columns; Console.print(width=) cannot go wider than that
        from rich.console import Console

        Console(file=console.file, width=_content_width(table)).print(table)
    console.print("Bron: CBS (CC BY 4.0) en andere open data; zie de herkomst in "
                  "wijkkompas/demo/data/PROVENANCE.md.")
    if not no_serve:
        ws.close()
        _serve(target, host=host, port=port)


def _serve(db: str | None, *, host: str, port: int, workers: int = 1,
           response_cache: bool | None = None) -> None:

    import uvicorn

    from wijkkompas.settings import as_database_url
    from wijkkompas.web import create_app
    from wijkkompas.web.config import load_web_config

    # Built once here: migrates the database and creates the session secret before any
    # worker process starts, so all workers share them.
    config = load_web_config(host=host, port=port, response_cache=response_cache)
    web_app = create_app(database_url=db, config=config)
    console.print(f"wijkkompas draait op [bold]http://{host}:{port}/[/] (stoppen: Ctrl+C)",
                  highlight=False)
    if workers > 1:
        if db:
            os.environ["WIJKKOMPAS_DATABASE_URL"] = as_database_url(db)
        if not config.response_cache:  # the worker processes read their settings anew
            os.environ["WIJKKOMPAS_RESPONSE_CACHE"] = "0"
        uvicorn.run("wijkkompas.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", proxy_headers=False)
    else:
        # proxy_headers=False: the app itself trusts X-Forwarded-For from configured proxies
        # only (WIJKKOMPAS_TRUSTED_PROXIES); uvicorn would trust it from 127.0.0.1
        uvicorn.run(web_app, host=host, port=port, log_level="warning", proxy_headers=False)


@commands.command()
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
    no_response_cache: Annotated[bool, typer.Option(
        "--no-response-cache", help="Bewaar geen kant-en-klare antwoorden voor bezoekers "
        "zonder login; elke pagina wordt opgebouwd uit de bewaarde berekeningen, zoals voor "
        "ingelogde gebruikers (WIJKKOMPAS_RESPONSE_CACHE=0).")] = False,
    db: DbOption = None,
) -> None:
    """Start de webapp (kaart, ranglijsten, gebiedsprofielen en JSON-API)."""
    from wijkkompas.web.config import load_web_config

    response_cache = False if no_response_cache else None
    if get is not None:
        from fastapi.testclient import TestClient

        from wijkkompas.web import create_app

        app = create_app(database_url=db,
                         config=load_web_config(response_cache=response_cache))
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get(get)
        typer.echo(response.text)
        if response.status_code >= 400:
            raise typer.Exit(1)
        return
    config = load_web_config(host=host, port=port, response_cache=response_cache)
    _serve(db, host=config.host, port=config.port, workers=workers,
           response_cache=config.response_cache)


def _content_width(table: Table) -> int:
    """The width a table needs without wrapping."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update(width=10_000), table).maximum
