"""``wijkkompas user ...``: minimal local accounts for the web app (argon2id hashes)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli import DbOption, _workspace, app, console, handle_errors

user_app = typer.Typer(help="Lokale gebruikers van de webapp (nodig om een afwegingskader op "
                            "te slaan).", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
@handle_errors
def add(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam (letters, cijfers, . _ @ -).")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Lees het wachtwoord van standaardinvoer (eerste regel), "
        "bijv. uit een wachtwoordkluis; anders wordt erom gevraagd.")] = False,
    db: DbOption = None,
) -> None:
    """Maak een lokale gebruiker aan (wachtwoord minstens 10 tekens)."""
    from wijkkompas.services.accounts import add_user, check_name, check_password

    check_name(name)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    check_password(password)
    ws = _workspace(db)
    try:
        account = add_user(ws, name, password)
    finally:
        ws.close()
    console.print(f"Gebruiker [bold]{account.name}[/] aangemaakt.", highlight=False)


@user_app.command("list")
@handle_errors
def list_(db: DbOption = None) -> None:
    """Toon de lokale gebruikers."""
    from wijkkompas.services.accounts import list_users

    ws = _workspace(db)
    try:
        users = list_users(ws)
    finally:
        ws.close()
    table = Table("naam", "actief", "aangemaakt", "laatst ingelogd")
    for u in users:
        table.add_row(u.name, "ja" if u.active else "nee", f"{u.created_at:%Y-%m-%d %H:%M}",
                      f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "–")
    console.print(table if users else "Nog geen gebruikers; maak er een met "
                  "'wijkkompas user add NAAM'.")
