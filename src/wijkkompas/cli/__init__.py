"""The ``wijkkompas`` command: a thin layer over the services and the Workspace.

One module per command group; :mod:`wijkkompas.cli._common` holds what they share (options, the
workspace opener, error handling). Commands call services or the Workspace, never the store.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wijkkompas import __version__
from wijkkompas.cli import (
    agenda,
    data,
    framework,
    governance,
    means,
    monitor,
    pb,
    report,
    residents,
    serve,
    users,
)
from wijkkompas.cli._common import PASSWORD_ENV, clear_acting, console, set_acting
from wijkkompas.cli._dutch import install as _dutch_typer

_dutch_typer()  # Typer's own texts ("Usage", "Options", "Show this message and exit") in Dutch

app = typer.Typer(
    name="wijkkompas",
    help="Gebiedsgericht werken met wijk- en buurtdata.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["--help", "-h"]},
)


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
    set_acting(als, token)
    ctx.call_on_close(clear_acting)
    if version:
        console.print(f"wijkkompas {__version__}")
        raise typer.Exit()


for _group in (data, framework, serve, governance, report):
    app.add_typer(_group.commands)
app.add_typer(agenda.agenda_app, name="agenda")
app.add_typer(monitor.monitor_app, name="monitor")
app.add_typer(means.means_app, name="middelen")
app.add_typer(users.user_app, name="user")
app.add_typer(residents.residents_app, name="bewoners")
app.add_typer(pb.pb_app, name="pb")
