"""API tokens for automation: ``wk_`` + 43 random characters, shown once; only the SHA-256 hash
is stored (a 256-bit random secret needs no slow hash). Revocable; every change is audited.

A user may create, list and revoke their own tokens; anybody else's needs ``manage_users``
(admins). The local operator (a workspace without an account) may do all.

    >>> token_hash("wk_x") == token_hash("wk_x")
    True
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from wijkkompas.audit import record
from wijkkompas.errors import NotFound
from wijkkompas.services.accounts.users import Account, get_user
from wijkkompas.store.accounts import ApiToken, User

PREFIX = "wk_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user: str
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_owner_or_admin(ws, owner: str) -> None:  # noqa: ANN001
    """Own tokens are the user's business; anybody else's need ``manage_users``."""
    if ws.account is not None and ws.account.active and ws.account.name == owner:
        return
    ws.require("manage_users", {"type": "api_token", "user": owner})


def create_token(ws, user_name: str, label: str = "") -> tuple[TokenInfo, str]:  # noqa: ANN001
    """A new token for ``user_name``; returns its info and the plain token (shown only now)."""
    _require_owner_or_admin(ws, user_name)
    token = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    label = (label.strip() or "automatisering")[:100]
    with ws.engine.begin() as conn:
        uid = conn.execute(select(User.id).where(User.name == user_name)).scalar_one_or_none()
        if uid is None:
            raise NotFound(f"geen gebruiker {user_name!r}")
        tid = conn.execute(ApiToken.__table__.insert().values(
            user_id=uid, label=label, token_hash=token_hash(token), prefix=token[:10],
            created_at=now)).inserted_primary_key[0]
        info = TokenInfo(int(tid), user_name, label, token[:10], now, None, None)
        record(conn, ws.settings.user, "token.create", ("api_token", tid), None,
               {"user": user_name, "label": label, "prefix": token[:10]})
    return info, token


def list_tokens(ws, user_name: str | None = None) -> list[TokenInfo]:  # noqa: ANN001
    stmt = (select(ApiToken.id, User.name, ApiToken.label, ApiToken.prefix,
                   ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at)
            .join(User, User.id == ApiToken.user_id).order_by(ApiToken.id))
    if ws.account is not None and user_name != ws.account.name:
        _require_owner_or_admin(ws, user_name or "*")  # all tokens or someone else's
    if user_name:
        stmt = stmt.where(User.name == user_name)
    with ws.engine.connect() as conn:
        return [TokenInfo(int(r[0]), *r[1:]) for r in conn.execute(stmt).all()]


def revoke_token(ws, token_id: int) -> None:  # noqa: ANN001
    """Revoke token ``token_id`` (its owner or an admin); revoking twice changes nothing."""
    with ws.engine.begin() as conn:
        row = conn.execute(select(ApiToken.revoked_at, ApiToken.label, User.name)
                           .join(User, User.id == ApiToken.user_id)
                           .where(ApiToken.id == token_id)).first()
        if row is None:
            if ws.account is not None:  # do not tell a stranger which ids exist
                ws.require("manage_users", {"type": "api_token"})
            raise NotFound(f"geen token {token_id}")
        _require_owner_or_admin(ws, row.name)
        if row.revoked_at is not None:
            return
        now = datetime.now(UTC)
        conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=now))
        record(conn, ws.settings.user, "token.revoke", ("api_token", token_id),
               {"revoked_at": None}, {"revoked_at": now})


def verify_token(ws, token: str) -> Account | None:  # noqa: ANN001
    """The active account a valid, unrevoked token belongs to, else ``None``."""
    if not token.startswith(PREFIX):
        return None
    with ws.engine.begin() as conn:
        row = conn.execute(select(ApiToken.id, ApiToken.user_id).where(
            ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))).first()
        if row is None:
            return None
        conn.execute(update(ApiToken).where(ApiToken.id == row.id)
                     .values(last_used_at=datetime.now(UTC)))
    return get_user(ws, int(row.user_id))
