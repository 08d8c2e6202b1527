"""The permission function, role × action (× scope), and the user CLI."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from wijkkompas.cli import app
from wijkkompas.errors import ConfigError
from wijkkompas.permissions import ACTIONS, Forbidden, can, require

IN_SCOPE = {"type": "target", "area": "WK001401"}
OUT_OF_SCOPE = {"type": "target", "areas": ["WK001401", "WK001402"]}
PROGRAMME = {"type": "agenda", "programme": "NPRZ"}


def user(role: str, *scopes: str, active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(name=role, role=role, scopes=list(scopes), active=active)


ADMIN, EDITOR, VIEWER = user("admin"), user("editor"), user("viewer")
SCOPED = user("editor", "area:WK001401", "programme:NPRZ")

# (user, action, entity) -> allowed
MATRIX = {
    "admin": {a: True for a in ACTIONS},
    "editor": {"view": True, "edit": True, "delete": True, "import": True, "publish": True,
               "view_audit": True, "manage_users": False, "backup": False},
    "scoped editor": {"view": True, "edit": True, "delete": True, "import": False,
                      "publish": False, "view_audit": True, "manage_users": False,
                      "backup": False},
    "viewer": {"view": True, "edit": False, "delete": False, "import": False,
               "publish": False, "view_audit": False, "manage_users": False, "backup": False},
    "inactive admin": {a: False for a in ACTIONS},
    "anonymous": {a: False for a in ACTIONS},
}
USERS = {"admin": ADMIN, "editor": EDITOR, "scoped editor": SCOPED, "viewer": VIEWER,
         "inactive admin": user("admin", active=False), "anonymous": None}


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("action", ACTIONS)
def test_matrix(who: str, action: str) -> None:
    assert can(USERS[who], action, IN_SCOPE) is MATRIX[who][action]


def test_scopes_limit_an_editor() -> None:
    assert can(SCOPED, "edit", PROGRAMME)
    assert not can(SCOPED, "edit", OUT_OF_SCOPE)  # one area outside the scope
    assert not can(SCOPED, "edit", {"area": "WK999999"})
    assert not can(SCOPED, "edit", None)  # an unscoped thing needs an unscoped editor
    assert can(EDITOR, "edit", OUT_OF_SCOPE)


def test_require_and_unknown_action() -> None:
    with pytest.raises(Forbidden, match="viewer mag niet: wijzigen"):
        require(VIEWER, "edit", IN_SCOPE)
    require(ADMIN, "backup")
    with pytest.raises(ConfigError, match="bestaat niet"):
        can(ADMIN, "fly")


def test_user_cli_roles_and_tokens(database_url: str) -> None:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):  # noqa: ANN202
        return runner.invoke(app, [*args, "--db", database_url], input=stdin)

    res = run("user", "add", "femke", "--role", "editor", "--scope", "area:WK001401",
              "--password-stdin", stdin="lang-genoeg-wachtwoord\n")
    assert res.exit_code == 0, res.output
    res = run("user", "add", "x1", "--role", "baas", "--password-stdin", stdin="abcdefghijk\n")
    assert res.exit_code == 1 and "rol 'baas' bestaat niet" in res.output
    res = run("user", "role", "femke", "viewer", "--clear-scope")
    assert res.exit_code == 0 and "rol viewer, bereik alles" in res.stdout
    res = run("user", "list")
    assert "viewer" in res.stdout
    res = run("user", "token", "femke", "--label", "import")
    assert res.exit_code == 0, res.output
    plain = res.stdout.strip().splitlines()[-1]
    assert plain.startswith("wk_")
    res = run("user", "token", "--list")
    assert "import" in res.stdout and plain not in res.stdout
    res = run("user", "token", "--revoke", "1")
    assert res.exit_code == 0 and "ingetrokken" in res.stdout
