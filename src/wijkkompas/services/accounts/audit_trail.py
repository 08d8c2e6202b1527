"""View model of the audit trail: who changed what, when, field by field, newest first, 100 per
page, with filters; and the downloads (CSV, JSON with provenance) written by
:func:`wijkkompas.audit.export`, the same writer as ``wijkkompas audit --export``.

Reading the trail needs ``view_audit`` (see :mod:`wijkkompas.permissions`); the routes check it
for the page, its JSON twin and the downloads alike (:func:`require_reader`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from wijkkompas.audit import AuditEntry, Entry, changed_keys, export
from wijkkompas.audit import query as audit_query
from wijkkompas.errors import ConfigError, Forbidden, Unauthenticated
from wijkkompas.formatting import moment
from wijkkompas.i18n import _
from wijkkompas.permissions import can
from wijkkompas.services.shared.context import ViewContext, link
from wijkkompas.services.shared.labels import action_label, entity_label, field_label, field_value

PAGE_SIZE = 25  # a page an advisor can read; the downloads hold every row


def require_reader(account: Any) -> None:
    """Anonymous → :class:`Unauthenticated` (401); an account without ``view_audit`` →
    :class:`Forbidden` (403)."""
    if account is None:
        raise Unauthenticated(_("Log in om de audittrail te bekijken."))
    if not can(account, "view_audit"):
        raise Forbidden(_("Uw rol mag de audittrail niet bekijken."))


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditRow:
    id: int
    at: str  # ISO 8601, UTC
    at_text: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    entity_url: str | None
    changes: list[Change]
    before: Any
    after: Any
    framework_version: str | None
    data_fingerprint: str | None
    action_text: str = ""  # the action and entity kind in words (``action`` stays the code)
    entity_text: str = ""


@dataclass
class AuditView:
    soort: str | None
    entiteit: str | None
    actor: str | None
    sinds: str | None
    page: int
    pages: int
    total: int
    page_size: int
    rows: list[AuditRow]
    entity_types: list[str]
    prev_url: str | None = None
    next_url: str | None = None
    csv_url: str = ""
    json_url: str = ""
    notices: list[str] = field(default_factory=list)


def _since(sinds: str | None) -> datetime | None:
    if not sinds:
        return None
    try:
        value = datetime.fromisoformat(sinds.strip())
    except ValueError:
        raise ConfigError(_("Filter sinds: {value!r} is geen datum; verwacht 2026-01-31.")
                          .format(value=sinds)) from None
    if not isinstance(value, datetime):  # pragma: no cover - fromisoformat gives datetime
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def query(ws: Any, *, soort: str | None = None, entiteit: str | None = None,
          actor: str | None = None, sinds: str | None = None, newest_first: bool = True,
          offset: int = 0, limit: int | None = None) -> tuple[list[Entry], int]:
    """Matching entries (one page) and how many match in all (see :func:`audit.query`)."""
    return audit_query(ws, entity_type=soort, entity_id=entiteit, actor=actor,
                       since=_since(sinds), newest_first=newest_first, offset=offset,
                       limit=limit)


def _changes(before: Any, after: Any) -> list[Change]:
    """What changed, in words: Dutch field labels and formatted values (money, dates, ja/nee)."""
    if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)):
        b, a = before or {}, after or {}
        return [Change(field_label(k), field_value(k, b.get(k)), field_value(k, a.get(k)))
                for k in changed_keys(b, a)]
    return [Change("", field_value("", before), field_value("", after))]


def entity_url(kind: str, ident: str) -> str | None:
    if kind == "partner":
        return link(f"/partners/{quote(ident, safe='')}")
    if kind == "core_team":
        return link(f"/kernteams/{quote(ident, safe='')}")
    return None


def audit_log(ctx: ViewContext, *, soort: str | None = None, entiteit: str | None = None,
              actor: str | None = None, sinds: str | None = None, pagina: int = 1
              ) -> AuditView:
    """One page of the audit trail, newest first."""
    if pagina < 1:
        raise ConfigError(_("Pagina: verwacht 1 of hoger."))
    soort, entiteit, actor = soort or None, entiteit or None, actor or None
    sinds = sinds or None
    items, total = query(ctx.ws, soort=soort, entiteit=entiteit, actor=actor, sinds=sinds,
                         offset=(pagina - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    rows = [AuditRow(e.id, e.at.isoformat(), moment(e.at.astimezone(UTC)),
                     e.actor, e.action, e.entity_type, e.entity_id,
                     entity_url(e.entity_type, e.entity_id), _changes(e.before, e.after),
                     e.before, e.after, e.framework_version, e.data_fingerprint,
                     action_label(e.action), entity_label(e.entity_type))
            for e in items]
    ws: Any = ctx.ws
    with ws.engine.connect() as conn:
        kinds = [str(k) for k in conn.execute(select(AuditEntry.entity_type).distinct()
                                              .order_by(AuditEntry.entity_type)).scalars()]
    filters = {"soort": soort, "entiteit": entiteit, "actor": actor, "sinds": sinds}
    notices = [] if total else [_("Geen wijzigingen gevonden met deze filters.")]
    return AuditView(
        soort, entiteit, actor, sinds, pagina, pages, total, PAGE_SIZE, rows, kinds,
        link("/audit", **filters, pagina=pagina - 1) if pagina > 1 else None,
        link("/audit", **filters, pagina=pagina + 1) if pagina < pages else None,
        link("/audit/export.csv", **filters), link("/audit/export.json", **filters), notices)


def export_bytes(ctx: ViewContext, suffix: str, *, soort: str | None = None,
                 entiteit: str | None = None, actor: str | None = None,
                 sinds: str | None = None) -> bytes:
    """Every matching entry, oldest first, as ``.csv`` or ``.json`` (the CLI's format)."""
    items, _total = query(ctx.ws, soort=soort or None, entiteit=entiteit or None,
                          actor=actor or None, sinds=sinds or None, newest_first=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = export(items, Path(tmp) / f"audit{suffix}")
        return path.read_bytes()


def today_name() -> str:
    return f"audittrail-{date.today():%Y%m%d}"
