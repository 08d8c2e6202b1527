"""Audit trail: who changed what, when, with the state before and after.

Every write path calls :func:`record` with the connection of its own transaction, so the audit
entry and the change are committed (or rolled back) together. A published ranking also records
the framework version and data fingerprint it came from.

    >>> entity_key(("target", "zuid-2031"))
    ('target', 'zuid-2031')
    >>> jsonable({"when": __import__("datetime").date(2026, 1, 2)})
    {'when': '2026-01-02'}
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.errors import ConfigError, Conflict
from wijkkompas.exportsafe import inert_row
from wijkkompas.store.models import Base

FORMAT_VERSION = 1
COLUMNS = ("id", "at", "actor", "action", "entity_type", "entity_id", "before", "after",
           "framework_version", "data_fingerprint")


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    framework_version: Mapped[str | None] = mapped_column(String(64))
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    framework_version: str | None = None
    data_fingerprint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["at"] = self.at.isoformat()
        return out


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types (dates as ISO text, Decimals as text)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_default, allow_nan=False))


def entity_key(entity: tuple[str, Any] | str) -> tuple[str, str]:
    """``(type, id)`` from a tuple or ``"type:id"``."""
    if isinstance(entity, str):
        kind, sep, ident = entity.partition(":")
        if not sep:
            raise ConfigError(f"entiteit {entity!r}: verwacht 'soort:id'")
        return kind, ident
    kind, ident = entity
    return str(kind), str(ident)


def record(conn: Connection, actor: str, action: str, entity: tuple[str, Any] | str,
           before: Any = None, after: Any = None, *, framework_version: str | None = None,
           data_fingerprint: str | None = None) -> int:
    """Write one audit entry in the caller's transaction; returns its id."""
    kind, ident = entity_key(entity)
    result = conn.execute(AuditEntry.__table__.insert().values(
        at=datetime.now(UTC), actor=(actor or "onbekend")[:100], action=action[:64],
        entity_type=kind[:64], entity_id=ident[:200], before=jsonable(before),
        after=jsonable(after), framework_version=framework_version,
        data_fingerprint=data_fingerprint))
    return int(result.inserted_primary_key[0])


def _as_datetime(since: datetime | date | str | None) -> datetime | None:
    if since is None:
        return None
    if isinstance(since, str):
        try:
            since = datetime.fromisoformat(since)
        except ValueError:
            raise ConfigError(f"--since {since!r}: verwacht een datum als 2026-01-31") from None
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day)
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def entries(ws, *, entity: str | None = None, since: datetime | date | str | None = None,  # noqa: ANN001
            actor: str | None = None, limit: int | None = None) -> list[Entry]:
    """Audit entries, oldest first. ``entity`` is a type (``target``) or ``type:id``."""
    kind, _, ident = (entity or "").partition(":")
    return query(ws, entity_type=kind or None, entity_id=ident or None, actor=actor,
                 since=_as_datetime(since), limit=limit)[0]


def query(ws, *, entity_type: str | None = None, entity_id: str | None = None,  # noqa: ANN001
          actor: str | None = None, since: datetime | None = None, newest_first: bool = False,
          offset: int = 0, limit: int | None = None) -> tuple[list[Entry], int]:
    """Matching entries (one page: ``offset``, ``limit``) and how many match in all."""

    def where(stmt: Any) -> Any:
        for column, value in ((AuditEntry.entity_type, entity_type),
                              (AuditEntry.entity_id, entity_id), (AuditEntry.actor, actor)):
            if value:
                stmt = stmt.where(column == value)
        return stmt if since is None else stmt.where(AuditEntry.at >= since)

    stmt = where(select(*AuditEntry.__table__.c)).order_by(
        AuditEntry.id.desc() if newest_first else AuditEntry.id)
    if offset:
        stmt = stmt.offset(offset)
    if limit:
        stmt = stmt.limit(limit)
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
        total = int(conn.execute(where(select(func.count(AuditEntry.id)))).scalar_one())
    return [Entry(int(r.id), r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC), r.actor,
                  r.action, r.entity_type, r.entity_id, r.before, r.after,
                  r.framework_version, r.data_fingerprint) for r in rows], total


def export(items: list[Entry], path: str | Path) -> Path:
    """Write entries to ``.csv`` (before/after as JSON text) or ``.json`` (with provenance)."""
    from wijkkompas import __version__

    path = Path(path)
    rows = [e.to_dict() for e in items]
    if path.suffix.lower() == ".json":
        doc = {"format_version": FORMAT_VERSION, "tool_version": __version__,
               "created_at": datetime.now(UTC).isoformat(), "entries": rows}
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    elif path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(inert_row({k: json.dumps(v, ensure_ascii=False)
                                           if k in ("before", "after") else v
                                           for k, v in row.items()}))
    else:
        raise ConfigError(f"{path.name}: kies .csv of .json")
    return path


def changed_keys(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """Top-level keys whose value differs between ``before`` and ``after``."""
    b, a = dict(before or {}), dict(after or {})
    return sorted(k for k in set(b) | set(a) if b.get(k) != a.get(k))


def changes_since(conn: Connection, entity: tuple[str, Any] | str, saves: int) -> list[dict[str, Any]]:
    """What the last ``saves`` changes to ``entity`` did, field by field, oldest first:
    ``{"field", "before", "after", "actor", "at"}`` (for a conflict message)."""
    kind, ident = entity_key(entity)
    if saves <= 0:
        return []
    rows = conn.execute(select(AuditEntry.actor, AuditEntry.at, AuditEntry.before,
                               AuditEntry.after)
                        .where(AuditEntry.entity_type == kind, AuditEntry.entity_id == ident)
                        .order_by(AuditEntry.id.desc()).limit(saves)).all()
    out: list[dict[str, Any]] = []
    for row in reversed(rows):
        before = row.before if isinstance(row.before, Mapping) else {}
        after = row.after if isinstance(row.after, Mapping) else {}
        for key in changed_keys(before, after):
            if key in ("lock_version", "version"):  # the counter itself is no change
                continue
            out.append({"field": key, "before": before.get(key), "after": after.get(key),
                        "actor": row.actor, "at": jsonable(row.at)})
    return out


def conflict(conn: Connection, entity: tuple[str, Any] | str, current: int, yours: int,
             message: str) -> Conflict:
    """A :class:`Conflict` for ``entity`` listing what the saves since version ``yours``
    changed (read from the audit trail in the caller's transaction)."""
    kind, ident = entity_key(entity)
    return Conflict(message, entity=f"{kind}:{ident}", current=current, yours=yours,
                    changes=changes_since(conn, entity, current - yours))
