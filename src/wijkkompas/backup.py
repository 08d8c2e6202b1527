"""Portable backups: one zip with ``manifest.json`` and one JSON-lines file per table.

The manifest records the format version, tool version, creation time, the Alembic revision and
the row count per table. Values are encoded per column type, so a backup made on SQLite
restores on PostgreSQL and back: datetimes as ISO text in UTC, dates as ISO text, binary
(geometry WKB) as base64, JSON as JSON. A restore brings the target to ``alembic upgrade head``,
checks that the revision matches, then empties every table and loads the backup in one
transaction: a failure leaves the database as it was.

Both take a :class:`~wijkkompas.workspace.Workspace` — whose account must be allowed
``backup`` (admins only), checked before anything is read or written, and whose name goes into
the audit trail (``backup.create``; ``backup.restore``, written inside the restore transaction
so it survives the restore) — or a bare :class:`~sqlalchemy.Engine`: the local operator, who
holds the database anyway, unchecked.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Date, DateTime, Engine, LargeBinary, Table, select, text

from wijkkompas.errors import ConfigError, DataError

if TYPE_CHECKING:
    from wijkkompas.workspace import Workspace

FORMAT_VERSION = 1
CHUNK = 2000


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str | None
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _tables() -> list[Table]:
    from wijkkompas.database import metadata

    return list(metadata().sorted_tables)


def _encoder(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        if isinstance(col.type, LargeBinary):
            out[col.name] = lambda v: base64.b64encode(v).decode("ascii")
        elif isinstance(col.type, DateTime):
            out[col.name] = _dt_out
        elif isinstance(col.type, Date):
            out[col.name] = lambda v: v.isoformat()
    return out


def _decoder(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        if isinstance(col.type, LargeBinary):
            out[col.name] = base64.b64decode
        elif isinstance(col.type, DateTime):
            out[col.name] = _dt_in
        elif isinstance(col.type, Date):
            out[col.name] = date.fromisoformat
    return out


def _dt_out(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def _dt_in(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def table_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` in primary-key order, encoded as plain JSON values."""
    enc = _encoder(table)
    order = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*order)).mappings():
        yield {k: (enc[k](v) if v is not None and k in enc else v) for k, v in row.items()}


def _target(target: Workspace | Engine) -> tuple[Engine, str | None]:
    """The engine, and the actor to audit (``None`` for a bare engine); a workspace acting
    for an account must be allowed ``backup``."""
    if isinstance(target, Engine):
        return target, None
    target.require("backup", {"type": "backup"})
    return target.engine, target.settings.user


def backup(target: Workspace | Engine, path: str | Path) -> BackupReport:
    """Write every table of the workspace to ``path`` (a zip), in one read transaction."""
    from wijkkompas import __version__
    from wijkkompas.store.engine import current_revision

    engine, actor = _target(target)
    path = Path(path)
    revision = current_revision(engine)
    counts: dict[str, int] = {}
    with engine.connect() as conn, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        for table in _tables():
            n = 0
            with zf.open(f"tables/{table.name}.jsonl", "w") as fh:
                for row in table_rows(conn, table):
                    fh.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {"format": "wijkkompas-backup", "format_version": FORMAT_VERSION,
                    "tool_version": __version__, "created_at": datetime.now(UTC).isoformat(),
                    "alembic_revision": revision, "dialect": engine.dialect.name,
                    "tables": counts}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    if actor is not None:
        from wijkkompas.audit import record

        with engine.begin() as conn:
            record(conn, actor, "backup.create", ("backup", path.name), None,
                   {"file": str(path), "rows": sum(counts.values()),
                    "created_at": manifest["created_at"]})
    return BackupReport(path, revision, counts)


def read_manifest(path: str | Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise DataError(f"geen wijkkompas-back-up ({exc})", file=str(path)) from None
    if manifest.get("format") != "wijkkompas-backup":
        raise DataError("geen wijkkompas-back-up (manifest ontbreekt)", file=str(path))
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise DataError(f"back-upformaat {manifest['format_version']} is nieuwer dan deze "
                        "versie van wijkkompas kent", file=str(path))
    return manifest


def restore(target: Workspace | Engine, path: str | Path) -> BackupReport:
    """Replace the data of the database at ``target`` with the backup at ``path``."""
    from wijkkompas.store.engine import current_revision, upgrade_schema

    engine, actor = _target(target)
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    manifest = read_manifest(path)
    upgrade_schema(engine)
    revision = current_revision(engine)
    if manifest.get("alembic_revision") != revision:
        raise ConfigError(f"back-up heeft schemaversie {manifest.get('alembic_revision')}, "
                          f"de database {revision}; gebruik dezelfde versie van wijkkompas")
    tables = _tables()
    unknown = set(manifest["tables"]) - {t.name for t in tables}
    if unknown:
        raise DataError(f"onbekende tabellen in back-up: {', '.join(sorted(unknown))}",
                        file=str(path))
    counts: dict[str, int] = {}
    with engine.begin() as conn, zipfile.ZipFile(path) as zf:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in reversed(tables):
            conn.execute(table.delete())
        for table in tables:
            counts[table.name] = _load_table(conn, zf, table)
            if counts[table.name] != manifest["tables"].get(table.name, 0):
                raise DataError(f"tabel {table.name}: {counts[table.name]} rijen gelezen, "
                                f"manifest zegt {manifest['tables'].get(table.name)}",
                                file=str(path))
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, tables)
        if actor is not None:
            from wijkkompas.audit import record

            record(conn, actor, "backup.restore", ("backup", path.name), None,
                   {"file": str(path), "rows": sum(counts.values()),
                    "backup_created_at": manifest.get("created_at")})
    return BackupReport(path, revision, counts)


def _load_table(conn: Connection, zf: zipfile.ZipFile, table: Table) -> int:
    name = f"tables/{table.name}.jsonl"
    if name not in zf.namelist():
        return 0
    dec = _decoder(table)
    known = set(table.columns.keys())
    batch: list[dict[str, Any]] = []
    n = 0
    with zf.open(name) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"ongeldige JSON: {exc}", file=name, row=lineno) from None
            extra = set(row) - known
            if extra:
                raise DataError(f"onbekende kolommen {sorted(extra)}", file=name, row=lineno)
            batch.append({k: (dec[k](v) if v is not None and k in dec else v)
                          for k, v in row.items()})
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                n += len(batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
        n += len(batch)
    return n


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": pk[0].name}).scalar()
        if seq:
            conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM '
                              f'"{table.name}"), 0) + 1, false)'), {"s": seq})


def restore_url(database_url: str, path: str | Path) -> BackupReport:
    """Restore ``path`` into the database at ``database_url`` as the local operator (who holds
    the database holds the data); the engine is opened for this restore only."""
    from wijkkompas.store.engine import make_engine

    engine = make_engine(database_url)
    try:
        return restore(engine, path)
    finally:
        engine.dispose()
