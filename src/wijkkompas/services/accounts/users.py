"""Local accounts: add and list users, check a password.

Changing accounts (:func:`add_user`, :func:`set_role`, :func:`deactivate`,
:func:`set_password`) needs ``manage_users`` (admins); the one exception is a user changing
their own password, which needs the current password instead. The local operator (a workspace
without an account) may do all.

Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106 low-memory profile);
hashes are re-computed on login when the parameters change. An unknown user costs the same
work as a wrong password (a dummy verification), so response times do not reveal names.

    >>> h = hash_password("correct horse battery staple")
    >>> h.startswith("$argon2id$")
    True
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from wijkkompas.errors import ConfigError, NotFound, Unauthenticated
from wijkkompas.limits import PASSWORD
from wijkkompas.store.accounts import User

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    role: str = "editor"
    scopes: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _hasher():  # noqa: ANN202
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("wijkkompas-dummy-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ConfigError("gebruikersnaam: 2–100 tekens, letters, cijfers en . _ @ -")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"wachtwoord: minstens {MIN_PASSWORD} tekens")
    if len(password) > PASSWORD:
        raise ConfigError(f"wachtwoord: te lang ({len(password)} tekens; maximaal {PASSWORD})")
    return password


def _scopes_for(role: str, scopes: list[str]) -> list[str]:
    """Scopes limit an editor; an admin or viewer with scopes is refused (ConfigError)."""
    if scopes and role != "editor":
        raise ConfigError(f"bereik ({', '.join(scopes)}) geldt alleen voor de rol editor, "
                          f"niet voor {role}; laat het bereik weg")
    return scopes


def add_user(ws, name: str, password: str, *, role: str = "editor",  # noqa: ANN001
             scopes: list[str] | tuple[str, ...] = ()) -> Account:
    """Create a local account (argon2id hash); a name can exist once. ``scopes`` limit an
    editor to some areas or programmes; an admin or viewer with scopes is refused."""
    from wijkkompas.audit import record
    from wijkkompas.permissions import check_role, check_scopes

    ws.require("manage_users", {"type": "user", "name": name})
    name, password = check_name(name), check_password(password)
    role = check_role(role)
    scope_list = _scopes_for(role, check_scopes(scopes))
    now = datetime.now(UTC)
    try:
        with ws.engine.begin() as conn:
            uid = conn.execute(User.__table__.insert().values(
                name=name, password_hash=hash_password(password), active=True,
                created_at=now, role=role, scopes=scope_list)).inserted_primary_key[0]
            record(conn, ws.settings.user, "user.add", ("user", name), None,
                   {"name": name, "role": role, "scopes": scope_list, "active": True})
    except IntegrityError:
        raise ConfigError(f"gebruiker {name!r} bestaat al") from None
    return Account(int(uid), name, True, now, None, role, tuple(scope_list))


def list_users(ws) -> list[Account]:  # noqa: ANN001
    with ws.engine.connect() as conn:
        rows = conn.execute(select(User.id, User.name, User.active, User.created_at,
                                   User.last_login_at, User.role, User.scopes)
                            .order_by(User.name)).all()
    return [Account(int(r.id), r.name, bool(r.active), r.created_at, r.last_login_at,
                    r.role, tuple(r.scopes or ())) for r in rows]


def authenticate(ws, name: str, password: str) -> Account | None:  # noqa: ANN001
    """The account when ``name`` and ``password`` match an active user, else ``None``."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > PASSWORD:  # no account has one this long: refused without hashing
        return None
    hasher = _hasher()
    with ws.engine.connect() as conn:
        row = conn.execute(select(User.id, User.name, User.active, User.password_hash,
                                  User.created_at, User.role, User.scopes)
                           .where(User.name == name.strip())).first()
    if row is None or not row.active:
        with contextlib.suppress(VerificationError):  # same work as a wrong password
            hasher.verify(_dummy_hash(), password)
        return None
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    values: dict[str, object] = {"last_login_at": datetime.now(UTC)}
    if hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = hasher.hash(password)
    with ws.engine.begin() as conn:
        conn.execute(update(User).where(User.id == row.id).values(**values))
    return Account(row.id, row.name, True, row.created_at, values["last_login_at"],  # type: ignore[arg-type]
                   row.role, tuple(row.scopes or ()))


def get_user(ws, user_id: int) -> Account | None:  # noqa: ANN001
    with ws.engine.connect() as conn:
        row = conn.execute(select(User.id, User.name, User.active, User.created_at,
                                  User.last_login_at, User.role, User.scopes)
                           .where(User.id == user_id)).first()
    if row is None or not row.active:
        return None
    return Account(int(row.id), row.name, True, row.created_at, row.last_login_at, row.role,
                   tuple(row.scopes or ()))


def set_role(ws, name: str, role: str, *, scopes: list[str] | None = None,  # noqa: ANN001
             active: bool | None = None) -> Account:
    """Change a user's role (and scopes / active flag); audited with before and after.

    Scopes only limit an editor: giving scopes with another role is refused (ConfigError).
    Without ``scopes`` the stored ones stay (inert for an admin or viewer, in force again
    when the account becomes an editor)."""
    from wijkkompas.audit import record
    from wijkkompas.permissions import check_role, check_scopes

    ws.require("manage_users", {"type": "user", "name": name})
    role = check_role(role)
    if scopes is not None:
        scopes = _scopes_for(role, check_scopes(scopes))
    with ws.engine.begin() as conn:
        row = conn.execute(select(User.id, User.role, User.scopes, User.active)
                           .where(User.name == name).with_for_update()).first()
        if row is None:
            raise NotFound(f"geen gebruiker {name!r}")
        before = {"role": row.role, "scopes": list(row.scopes or []), "active": row.active}
        after = {"role": role, "scopes": scopes if scopes is not None else before["scopes"],
                 "active": before["active"] if active is None else bool(active)}
        was_admin = row.role == "admin" and row.active
        if was_admin and not (after["role"] == "admin" and after["active"]):
            # lock every admin row so two admins can't demote each other at the same time
            conn.execute(select(User.id).where(User.role == "admin").with_for_update()).all()
            others = conn.execute(select(func.count()).select_from(User).where(
                User.role == "admin", User.active.is_(True), User.id != row.id)).scalar_one()
            if not others:
                raise ConfigError(f"{name} is de laatste actieve beheerder; maak eerst een "
                                  "ander account beheerder")
        conn.execute(update(User).where(User.id == row.id).values(**after))
        record(conn, ws.settings.user, "user.role", ("user", name), before, after)
    return next(a for a in list_users(ws) if a.name == name)


def deactivate(ws, name: str) -> Account:  # noqa: ANN001
    """Switch an account off (role and scopes stay); it can no longer log in and its tokens
    stop working. Audited as ``user.role``; needs ``manage_users``."""
    ws.require("manage_users", {"type": "user", "name": name})
    with ws.engine.connect() as conn:
        role = conn.execute(select(User.role).where(User.name == name)).scalar_one_or_none()
    if role is None:
        raise NotFound(f"geen gebruiker {name!r}")
    return set_role(ws, name, role, active=False)


def set_password(ws, name: str, password: str, *,  # noqa: ANN001
                 current: str | None = None) -> None:
    """Give ``name`` a new password (argon2id). An admin (``manage_users``) or the local
    operator may set anyone's; a user may change their own when ``current`` is their present
    password. Audited as ``user.password`` (without the password or its hash)."""
    from wijkkompas.audit import record
    from wijkkompas.permissions import can

    own = ws.account is not None and ws.account.name == name
    if not (own and not can(ws.account, "manage_users")):
        ws.require("manage_users", {"type": "user", "name": name})
    elif current is None or authenticate(ws, name, current) is None:
        raise Unauthenticated(f"wachtwoord van {name} wijzigen: huidig wachtwoord onjuist")
    password = check_password(password)
    with ws.engine.begin() as conn:
        row = conn.execute(select(User.id).where(User.name == name)).first()
        if row is None:
            raise NotFound(f"geen gebruiker {name!r}")
        conn.execute(update(User).where(User.id == row.id)
                     .values(password_hash=hash_password(password)))
        record(conn, ws.settings.user, "user.password", ("user", name), None,
               {"password": "gewijzigd"})
