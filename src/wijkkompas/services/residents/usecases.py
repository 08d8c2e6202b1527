"""Import resident input, and read it back: the use cases shared by the CLI and the Python API.

The import takes a :class:`~wijkkompas.workspace.Workspace` (its account must be allowed
``import``; its name goes into the import run and the audit trail) or a bare engine with
``user`` (the local operator).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine

from wijkkompas.data.load import ImportReport
from wijkkompas.data.sniff import checksum
from wijkkompas.errors import ConfigError
from wijkkompas.residents.read import read_residents
from wijkkompas.residents.store import load_residents, stored_residents

if TYPE_CHECKING:
    from wijkkompas.workspace import Workspace


def import_residents(target: Workspace | Engine, path: Path | str, *, user: str | None = None,
                     source: str | None = None, sheet: str | int | None = None
                     ) -> ImportReport:
    """Import a survey table or a Wijkprofiel workbook (see :mod:`wijkkompas.residents.read`).
    One transaction; the same file (with the same source and sheet) imported again is skipped."""
    if isinstance(target, Engine):
        if not user:
            raise ConfigError("import zonder workspace: geef de gebruiker (user=...)")
        engine = target
    else:
        target.require("import", {"type": "import", "source": str(path)})
        user = target.settings.user if target.account is not None else (
            user or target.settings.user)
        engine = target.engine
    data = read_residents(path, source=source, sheet=sheet)
    digest = hashlib.sha256(f"{checksum(data.file)}\n{source or ''}\n{sheet or ''}".encode()
                            ).hexdigest()
    return load_residents(engine, data, checksum=digest, user=str(user))


def resident_results(target: Workspace | Engine, areas: list[str] | None = None
                     ) -> pd.DataFrame:
    """The stored resident results, optionally for some areas."""
    engine = target if isinstance(target, Engine) else target.engine
    return stored_residents(engine, areas)
