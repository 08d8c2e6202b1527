"""Saved versions of an afwegingskader (from the web what-if).

A saved version is the full framework YAML with a version number per preset (the preset's own
``version`` is the first; each save adds one), who saved it, when, and its fingerprint. It is
addressed as ``<preset>@<version>`` (e.g. ``rotterdam@2``) wherever a preset name is accepted
by the web views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.framework.schema import Framework, parse_framework
from wijkkompas.store.accounts import FrameworkVersion

SEPARATOR = "@"


@dataclass(frozen=True)
class SavedVersion:
    preset: str
    version: int
    key: str
    framework_id: str
    fingerprint: str
    note: str
    created_by: str
    created_at: datetime


def split_key(key: str) -> tuple[str, int | None]:
    """``"rotterdam@2"`` -> ``("rotterdam", 2)``; ``"rotterdam"`` -> ``("rotterdam", None)``."""
    preset, sep, number = key.partition(SEPARATOR)
    if not sep:
        return preset, None
    if not number.isdigit():
        raise NotFound(f"ongeldige kaderversie {key!r}; schrijf bijv. {preset}@2")
    return preset, int(number)


def named_framework(ws, key: str) -> Framework:  # noqa: ANN001
    """A framework by name only — a preset (``rotterdam``) or a saved version of one
    (``rotterdam@2``) — never a file path: whatever came from a request or the database is
    matched against these two registries. Anything else raises :class:`NotFound` whose
    message depends on the name alone (not on whether some file of that name exists)."""
    from wijkkompas.framework.schema import load_preset

    fw = load_preset(str(key).partition(SEPARATOR)[0])  # unknown: the valid names only
    preset, number = split_key(str(key))
    return fw if number is None else load_version(ws, preset, number)


def _row(r) -> SavedVersion:  # noqa: ANN001
    return SavedVersion(r.preset, int(r.version), f"{r.preset}{SEPARATOR}{r.version}",
                        r.framework_id, r.fingerprint, r.note or "", r.created_by, r.created_at)


def list_versions(ws, preset: str | None = None) -> list[SavedVersion]:  # noqa: ANN001
    query = select(FrameworkVersion.preset, FrameworkVersion.version,
                   FrameworkVersion.framework_id, FrameworkVersion.fingerprint,
                   FrameworkVersion.note, FrameworkVersion.created_by,
                   FrameworkVersion.created_at)
    if preset is not None:
        query = query.where(FrameworkVersion.preset == preset)
    with ws.engine.connect() as conn:
        rows = conn.execute(query.order_by(FrameworkVersion.preset,
                                           FrameworkVersion.version)).all()
    return [_row(r) for r in rows]


def load_version(ws, preset: str, version: int) -> Framework:  # noqa: ANN001
    with ws.engine.connect() as conn:
        text = conn.execute(select(FrameworkVersion.yaml).where(
            FrameworkVersion.preset == preset, FrameworkVersion.version == version)
        ).scalar_one_or_none()
    if text is None:
        raise NotFound(f"kader {preset} heeft geen opgeslagen versie {version}")
    return parse_framework(yaml.safe_load(text), f"{preset}{SEPARATOR}{version}")


def save_version(ws, preset: str, fw: Framework, *, user: str | None = None,  # noqa: ANN001
                 note: str = "", retries: int = 3) -> SavedVersion:
    """Store ``fw`` as the next version of ``preset``; the number is taken inside the
    transaction and guarded by a unique constraint (a concurrent save retries).

    Publishing a version needs ``publish`` (an admin or an editor without scopes). A workspace
    acting for an account records that account's name; the local operator records ``user``
    (default: the configured user)."""
    ws.require("publish", {"type": "framework_version", "preset": preset})
    user = ws.settings.user if ws.account is not None else (user or ws.settings.user)
    note = note.strip()[:500]
    for _attempt in range(retries):
        try:
            with ws.engine.begin() as conn:
                newest = conn.execute(select(func.max(FrameworkVersion.version)).where(
                    FrameworkVersion.preset == preset)).scalar_one_or_none()
                number = max(int(newest or 0), fw.version) + 1
                saved = fw.model_copy(update={"version": number})
                now = datetime.now(UTC)
                conn.execute(FrameworkVersion.__table__.insert().values(
                    preset=preset, framework_id=saved.id, version=number,
                    yaml=saved.to_yaml(), fingerprint=saved.fingerprint(), note=note,
                    created_by=user, created_at=now))
                from wijkkompas.audit import record

                record(conn, user, "framework.save", ("framework_version",
                                                      f"{preset}{SEPARATOR}{number}"),
                       {"version": newest} if newest else None,
                       {"version": number, "framework": saved.id, "note": note,
                        "fingerprint": saved.fingerprint()},
                       framework_version=str(number))
            return SavedVersion(preset, number, f"{preset}{SEPARATOR}{number}", saved.id,
                                saved.fingerprint(), note, user, now)
        except IntegrityError:
            continue
    raise ConfigError("opslaan mislukt: een andere gebruiker sloeg tegelijk een versie op; "
                      "probeer het opnieuw")
