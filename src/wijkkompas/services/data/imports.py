"""Import use cases shared by the Python API and the CLI.

Each takes a :class:`~wijkkompas.workspace.Workspace` (the normal way: the workspace's account
must be allowed ``import`` — an admin or an editor without scopes, see
:mod:`wijkkompas.permissions` — and its name goes into the import run and the audit trail) or
a bare :class:`~sqlalchemy.Engine` with ``user`` (whoever holds the engine holds the database:
the local operator, no permission check).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from wijkkompas.data.kwb import read_kwb
from wijkkompas.data.load import ImportReport, Progress, load_parsed
from wijkkompas.data.sniff import checksum
from wijkkompas.errors import ConfigError, DataError

if TYPE_CHECKING:
    from wijkkompas.data.statline import StatLineClient
    from wijkkompas.workspace import Workspace


def _writer(target: Workspace | Engine, user: str | None, what: str) -> tuple[Engine, str]:
    """The engine and the acting user's name for an import into ``target``; a workspace
    acting for an account must be allowed to import (checked before anything is read)."""
    if isinstance(target, Engine):
        if not user:
            raise ConfigError("import zonder workspace: geef de gebruiker (user=...)")
        return target, user
    target.require("import", {"type": "import", "source": what})
    name = target.settings.user if target.account is not None else (user or target.settings.user)
    return target.engine, name


def _existing(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    if path.is_dir():
        raise DataError("dit is een map, geen bestand", file=str(path))
    return path


def import_cbs(target: Workspace | Engine, path: Path | str, *, user: str | None = None,
               year: int | None = None, progress: Progress | None = None) -> ImportReport:
    """Import a CBS Kerncijfers Wijken en Buurten file (any form, see :mod:`wijkkompas.data.kwb`)."""
    engine, user = _writer(target, user, str(path))
    path = _existing(path)
    if progress:
        progress(f"{path.name} lezen")
    parsed = read_kwb(path, year=year)
    return load_parsed(engine, parsed, checksum=checksum(path), user=user, progress=progress)


def import_statline(target: Workspace | Engine, *, table_id: str, municipalities: list[str],
                    user: str | None = None, client: StatLineClient | None = None,
                    progress: Progress | None = None) -> ImportReport:
    """Import a KWB table from CBS StatLine (OData) for some municipalities, with their wijken
    and buurten. Everything is fetched and checked before the single write transaction, so a
    network or data error changes nothing; the same answer imported twice is skipped."""
    from wijkkompas.data.statline import StatLineClient, fetch_statline, parse_statline

    engine, user = _writer(target, user, f"statline:{table_id}")
    own = client is None
    active = client or StatLineClient()
    try:
        result = fetch_statline(active, table_id, municipalities, progress=progress)
    finally:
        if own:
            active.close()
    parsed = parse_statline(result)
    return load_parsed(engine, parsed, checksum=result.checksum, user=user, progress=progress)


def import_boundaries(target: Workspace | Engine, path: Path | str, *, user: str | None = None,
                      year: int | None = None, level: str | None = None, code_field: str | None = None,
                      name_field: str | None = None, progress: Progress | None = None
                      ) -> ImportReport:
    """Import area boundaries (GeoJSON, TopoJSON, GeoPackage, (zipped) shapefile), see
    :mod:`wijkkompas.areas.boundaries`. One transaction; the same file with the same options
    is skipped; a new file for the same area and year replaces the geometry."""
    from wijkkompas.areas.boundaries import read_boundaries
    from wijkkompas.areas.boundary_store import load_boundaries

    engine, user = _writer(target, user, str(path))
    path = _existing(path)
    if progress:
        progress(f"{path.name} lezen")
    data = read_boundaries(path, year=year, level=level, code_field=code_field,
                           name_field=name_field)
    return load_boundaries(engine, data, user=user, progress=progress)


def import_table(target: Workspace | Engine, path: Path | str, *, user: str | None = None,
                 progress: Progress | None = None, wijkprofiel: bool | None = None,
                 **options: Any) -> ImportReport:
    """Import a local table (CSV or Excel, wide or long), see :mod:`wijkkompas.data.tables`.

    ``options`` go to :func:`~wijkkompas.data.tables.read_table` (``layout``, ``sheet``,
    ``year``, ``code_column``, ``year_column``, ``header_row``, ``indicators``,
    ``definitions``, ``source``, ``prefix``). A Rotterdam Wijkprofiel workbook (recognised by
    its sheets, or ``wijkprofiel=True``) goes to
    :func:`~wijkkompas.data.wijkprofiel.read_wijkprofiel` instead (options ``years``,
    ``buurten``, ``components``). One transaction; the same file imported again is skipped.
    """
    from wijkkompas.data.health import REFUSE_AS_TABLE, is_health_file
    from wijkkompas.data.tables import read_table
    from wijkkompas.data.wijkprofiel import is_wijkprofiel, read_wijkprofiel

    engine, user = _writer(target, user, str(path))
    path = _existing(path)
    if is_health_file(path):
        raise DataError(REFUSE_AS_TABLE, file=path.name, row=1, column="Leeftijd")
    if progress:
        progress(f"{path.name} lezen")
    if wijkprofiel is None:
        wijkprofiel = is_wijkprofiel(path)
    if wijkprofiel:
        if options.get("year") is not None and options.get("years") is None:
            options["years"] = [options.pop("year")]
        allowed = {"years", "buurten", "components"}
        extra = sorted(k for k, v in options.items() if v is not None and k not in allowed)
        if extra:
            raise ConfigError(f"opties {', '.join(extra)} gelden niet voor een Wijkprofiel-"
                              f"bestand; toegestaan: {', '.join(sorted(allowed))}")
        parsed = read_wijkprofiel(path, **{k: v for k, v in options.items() if v is not None})
    else:
        parsed = read_table(path, **options)
    return load_parsed(engine, parsed, checksum=_table_checksum(path, options), user=user,
                       progress=progress)


def _table_checksum(path: Path, options: dict[str, Any]) -> str:
    """The file's checksum, combined with the options that change what is read (sheet,
    layout, definitions, ...): another sheet of the same workbook is another import."""
    import hashlib
    import json

    plain = checksum(path)
    chosen = {k: v for k, v in sorted(options.items()) if v is not None}
    if not chosen:
        return plain
    definitions = chosen.get("definitions")
    if definitions is not None and Path(definitions).exists():
        chosen["definitions"] = checksum(Path(definitions))
    text = json.dumps(chosen, sort_keys=True, default=str)
    return hashlib.sha256(f"{plain}\n{text}".encode()).hexdigest()
