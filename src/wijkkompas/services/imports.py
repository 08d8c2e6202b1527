"""Import use cases shared by the Python API and the CLI."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from wijkkompas.data.kwb import read_kwb
from wijkkompas.data.load import ImportReport, Progress, load_parsed
from wijkkompas.data.sniff import checksum
from wijkkompas.errors import DataError


def _existing(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    if path.is_dir():
        raise DataError("dit is een map, geen bestand", file=str(path))
    return path


def import_cbs(engine: Engine, path: Path | str, *, user: str, year: int | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Import a CBS Kerncijfers Wijken en Buurten file (any form, see :mod:`wijkkompas.data.kwb`)."""
    path = _existing(path)
    if progress:
        progress(f"{path.name} lezen")
    parsed = read_kwb(path, year=year)
    return load_parsed(engine, parsed, checksum=checksum(path), user=user, progress=progress)
