"""What every command shares: the options, the workspace opener (acting for ``--als``/``--token``
or the local operator), the console and the one-line error handling."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from wijkkompas.errors import WijkkompasError

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
    from wijkkompas.services.accounts.tokens import verify_token
    from wijkkompas.services.accounts.users import authenticate

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
        if getattr(report, "flagged", 0):
            table.add_row("buiten bereik (geschat)", str(report.flagged))
    table.add_row("geschreven", f"{report.inserted} nieuw, {report.changed} gewijzigd, "
                  f"{report.unchanged} ongewijzigd")
    table.add_row("importrun", f"#{report.run_id}")
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)


def _fmt(value: float | None, digits: int = 1) -> str:
    """A number for the terminal (:func:`wijkkompas.formatting.number`); missing -> "-"."""
    from wijkkompas.formatting import finite, number

    return "-" if finite(value) is None else number(value, digits)


def set_acting(name: str | None, token: str | None) -> None:
    """Record who the command acts for (the global ``--als``/``--token`` options)."""
    _ACTING.set(Acting(name=name.strip() if name and name.strip() else None, token=token or None))


def clear_acting() -> None:
    _ACTING.set(None)
