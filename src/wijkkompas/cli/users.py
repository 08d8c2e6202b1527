"""``wijkkompas user ...``: minimal local accounts for the web app (argon2id hashes)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _workspace, console, handle_errors

user_app = typer.Typer(help="Lokale gebruikers van de webapp (nodig om een afwegingskader op "
                            "te slaan).", no_args_is_help=True)


@user_app.command("add")
@handle_errors
def add(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam (letters, cijfers, . _ @ -).")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Lees het wachtwoord van standaardinvoer (eerste regel), "
        "bijv. uit een wachtwoordkluis; anders wordt erom gevraagd.")] = False,
    role: Annotated[str, typer.Option("--role", help="Rol: admin, editor of viewer.")] = "editor",
    scope: Annotated[list[str] | None, typer.Option(
        "--scope", help="Bereik van een editor: area:CODE of programme:NAAM (herhaalbaar).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Maak een lokale gebruiker aan (wachtwoord minstens 10 tekens)."""
    from wijkkompas.permissions import check_role, check_scopes
    from wijkkompas.services.accounts.users import add_user, check_name, check_password

    check_name(name)
    check_role(role)
    check_scopes(scope or [])
    with _workspace(db) as ws:
        # With --als: refuse before asking for the new user's password (add_user checks too).
        ws.require("manage_users", {"type": "user", "name": name})
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
        check_password(password)
        account = add_user(ws, name, password, role=role, scopes=scope or [])
    console.print(f"Gebruiker [bold]{account.name}[/] aangemaakt (rol {account.role}).",
                  highlight=False)


@user_app.command("list")
@handle_errors
def list_(db: DbOption = None) -> None:
    """Toon de lokale gebruikers."""
    from wijkkompas.services.accounts.users import list_users

    with _workspace(db) as ws:
        users = list_users(ws)
    table = Table("naam", "rol", "bereik", "actief", "aangemaakt", "laatst ingelogd")
    for u in users:
        table.add_row(u.name, u.role, ", ".join(u.scopes) or "–", "ja" if u.active else "nee",
                      f"{u.created_at:%Y-%m-%d %H:%M}",
                      f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "–")
    console.print(table if users else "Nog geen gebruikers; maak er een met "
                  "'wijkkompas user add NAAM'.")


@user_app.command("role")
@handle_errors
def role_(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam.")],
    role: Annotated[str, typer.Argument(help="Nieuwe rol: admin, editor of viewer.")],
    scope: Annotated[list[str] | None, typer.Option(
        "--scope", help="Bereik van een editor: area:CODE of programme:NAAM (herhaalbaar); "
        "zonder --scope blijft het bereik gelijk.")] = None,
    clear_scope: Annotated[bool, typer.Option("--clear-scope",
                                              help="Haal het bereik weg.")] = False,
    active: Annotated[bool | None, typer.Option("--active/--inactive",
                                                help="Zet de gebruiker aan of uit.")] = None,
    db: DbOption = None,
) -> None:
    """Wijzig de rol (en het bereik) van een gebruiker; komt in de audittrail."""
    from wijkkompas.services.accounts.users import set_role

    with _workspace(db) as ws:
        account = set_role(ws, name, role, scopes=[] if clear_scope else scope or None,
                           active=active)
    console.print(f"{account.name}: rol {account.role}, bereik "
                  f"{', '.join(account.scopes) or 'alles'}", highlight=False)


@user_app.command("token")
@handle_errors
def token(
    name: Annotated[str | None, typer.Argument(help="Gebruiker voor een nieuw token.")] = None,
    label: Annotated[str, typer.Option("--label", help="Waarvoor het token dient.")] = "",
    revoke: Annotated[int | None, typer.Option("--revoke", help="Trek token ID in.")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="Toon de tokens.")] = False,
    db: DbOption = None,
) -> None:
    """API-tokens voor automatisering: maak (NAAM), toon (--list) of trek in (--revoke ID)."""
    from wijkkompas.errors import ConfigError
    from wijkkompas.services.accounts.tokens import create_token, list_tokens, revoke_token

    with _workspace(db) as ws:
        if revoke is not None:
            revoke_token(ws, revoke)
            console.print(f"Token {revoke} ingetrokken.")
        elif list_all:
            rows = list_tokens(ws, name)
            table = Table("id", "gebruiker", "label", "begint met", "aangemaakt", "ingetrokken")
            for t in rows:
                table.add_row(str(t.id), t.user, t.label, t.prefix,
                              f"{t.created_at:%Y-%m-%d %H:%M}",
                              f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "–")
            console.print(table if rows else "Geen tokens.")
        elif name:
            info, plain = create_token(ws, name, label)
            console.print(f"Token {info.id} voor {info.user} (alleen nu zichtbaar):",
                          highlight=False)
            print(plain)
        else:
            raise ConfigError("geef een gebruikersnaam, --list of --revoke ID")


@user_app.command("password")
@handle_errors
def password_(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Lees het nieuwe wachtwoord van standaardinvoer (eerste "
        "regel); anders wordt erom gevraagd.")] = False,
    db: DbOption = None,
) -> None:
    """Geef een gebruiker een nieuw wachtwoord (beheerder), of wijzig uw eigen wachtwoord
    (met --als NAAM); komt in de audittrail."""
    from wijkkompas.cli._common import acting
    from wijkkompas.services.accounts.users import check_password, set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Nieuw wachtwoord", hide_input=True, confirmation_prompt=True)
    check_password(password)
    with _workspace(db, create=False) as ws:
        # Acting as oneself, the password just checked for --als is the current one.
        set_password(ws, name, password, current=acting().password)
    console.print(f"Wachtwoord van {name} gewijzigd.", highlight=False)


@user_app.command("deactivate")
@handle_errors
def deactivate_(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam.")],
    db: DbOption = None,
) -> None:
    """Zet een gebruiker uit: inloggen en diens API-tokens werken niet meer (beheerder)."""
    from wijkkompas.services.accounts.users import deactivate

    with _workspace(db, create=False) as ws:
        deactivate(ws, name)
    console.print(f"Gebruiker {name} is uitgezet.", highlight=False)
