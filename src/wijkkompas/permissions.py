"""Who may do what: one function, :func:`can`, used by the CLI, the services and the web app.

Roles:

* ``admin`` — everything, including accounts, tokens, backups and restores;
* ``editor`` — reads everything; changes data, targets, agendas, partners and core teams, limited
  to its scopes (``area:CODE`` or ``programme:NAME``) when it has any; imports and framework
  versions only without scopes (they touch every area);
* ``viewer`` — reads only (e.g. partners).

An inactive or missing user may do nothing.

    >>> from types import SimpleNamespace as U
    >>> can(U(role="viewer", scopes=[]), "edit", {"type": "target"})
    False
    >>> can(U(role="editor", scopes=["area:WK036300"]), "edit", {"area": "WK036300"})
    True
    >>> can(U(role="editor", scopes=["area:WK036300"]), "edit", {"area": "WK036301"})
    False
    >>> can(U(role="editor", scopes=["programme:zuid"]), "edit",
    ...     {"programme": "zuid", "areas": ["WK059901", "WK059902"]})
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wijkkompas.errors import ConfigError, Forbidden

ROLES = {"admin": "beheerder", "editor": "redacteur", "viewer": "lezer"}
ACTIONS = {
    "view": "bekijken",
    "edit": "wijzigen",
    "delete": "verwijderen",
    "import": "gegevens importeren",
    "publish": "rangorde of kader publiceren",
    "view_audit": "audittrail bekijken",
    "manage_users": "gebruikers en tokens beheren",
    "backup": "back-up maken of terugzetten",
}
# Who may take each action, for the refusal message.
WHO = {
    "view": "een actief account",
    "edit": "een beheerder, of een redacteur met dit gebied of programma in zijn bereik",
    "delete": "een beheerder, of een redacteur met dit gebied of programma in zijn bereik",
    "import": "een beheerder of een redacteur zonder beperkt bereik",
    "publish": "een beheerder of een redacteur zonder beperkt bereik",
    "view_audit": "een beheerder of een redacteur",
    "manage_users": "een beheerder",
    "backup": "een beheerder",
}
SCOPE_KINDS = ("area", "programme")
# Actions an editor may take; scoped ones are checked against the entity's area/programme.
EDITOR_SCOPED = {"edit", "delete"}
EDITOR_GLOBAL = {"import", "publish"}  # only for an editor without scopes


__all__ = ["ACTIONS", "ROLES", "Forbidden", "can", "check_role", "check_scopes", "require"]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"rol {role!r} bestaat niet; kies uit {', '.join(ROLES)}")
    return role


def check_scopes(scopes: Iterable[str]) -> list[str]:
    out = []
    for scope in scopes:
        kind, sep, value = scope.strip().partition(":")
        if not sep or kind not in SCOPE_KINDS or not value:
            raise ConfigError(f"bereik {scope!r}: verwacht area:CODE of programme:NAAM")
        out.append(f"{kind}:{value}")
    return sorted(set(out))


def _get(entity: Any, key: str) -> Any:
    if entity is None:
        return None
    if isinstance(entity, Mapping):
        return entity.get(key)
    return getattr(entity, key, None)


def _entity_scopes(entity: Any) -> set[str]:
    found: set[str] = set()
    for kind, plural in (("area", "areas"), ("programme", "programmes")):
        one = _get(entity, kind)
        many = _get(entity, plural) or ()
        for value in ([one] if one else []) + list(many):
            found.add(f"{kind}:{value}")
    return found


def can(user: Any, action: str, entity: Any = None) -> bool:
    """Whether ``user`` (anything with ``role``, ``scopes`` and optionally ``active``) may take
    ``action`` on ``entity`` (a mapping or object with ``area``/``areas``/``programme``/
    ``programmes``; ``None`` for the application as a whole)."""
    if action not in ACTIONS:
        raise ConfigError(f"actie {action!r} bestaat niet; kies uit {', '.join(ACTIONS)}")
    if user is None or not getattr(user, "active", True):
        return False
    role = getattr(user, "role", None)
    if role == "admin":
        return True
    if action == "view":
        return role in ("editor", "viewer")
    if role != "editor":
        return False
    scopes = set(getattr(user, "scopes", None) or ())
    if action == "view_audit":
        return True
    if action in EDITOR_GLOBAL:
        return not scopes
    if action in EDITOR_SCOPED:
        if not scopes:
            return True
        wanted = _entity_scopes(entity)
        # The entity lies within the editor's scopes when all its programmes do, or all its
        # areas do (a programme scope covers the programme's areas).
        programmes = {w for w in wanted if w.startswith("programme:")}
        areas = wanted - programmes
        return bool(programmes and programmes <= scopes) or bool(areas and areas <= scopes)
    return False


def require(user: Any, action: str, entity: Any = None) -> None:
    """Raise :class:`Forbidden` (with a Dutch message) unless :func:`can` allows it."""
    if not can(user, action, entity):
        name = getattr(user, "name", "anoniem") if user is not None else "anoniem"
        raise Forbidden(f"{name} mag niet: {ACTIONS[action]} (daarvoor is {WHO[action]} nodig)")
