"""Use cases of regular means: import a table, read it back, analyse it against a framework.

The import goes through the same gate as every other import
(:mod:`wijkkompas.services.data.imports`: the ``import`` permission, the acting user's name in
the import run and the audit trail) and the same import-run bookkeeping
(:mod:`wijkkompas.data.load`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from wijkkompas.data.load import ImportReport
from wijkkompas.means.store import load_means, read_amounts
from wijkkompas.means.table import read_means
from wijkkompas.services.data.imports import _existing, _table_checksum, _writer
from wijkkompas.services.means.analysis import MeansAnalysis, analyse

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wijkkompas.framework.result import ScoreResult
    from wijkkompas.workspace import Workspace


def import_means(target: Workspace | Engine, path: Path | str, *, user: str | None = None,
                 unit: str | None = None, sheet: str | int | None = None,
                 source: str | None = None) -> ImportReport:
    """Import a table of regular means (:mod:`wijkkompas.means.table`), all or nothing. The
    same file with the same options imported again is skipped."""
    from sqlalchemy import select

    from wijkkompas.store.models import Area

    engine, user = _writer(target, user, str(path))
    path = _existing(path)
    with engine.connect() as conn:
        known = set(conn.execute(select(Area.code)).scalars())
    table = read_means(path, known_areas=known, unit=unit, sheet=sheet)
    return load_means(engine, table, checksum=_table_checksum(path, {"unit": unit,
                                                                        "sheet": sheet}),
                      user=user, source=source or f"reguliere middelen: {path.name}")


def amounts(ws, *, unit: str | None = None, municipality: str | None = None  # noqa: ANN001
            ) -> pd.DataFrame:
    """The stored amounts with their provenance (see :func:`wijkkompas.means.store.read_amounts`)."""
    return read_amounts(ws.engine, unit=unit, municipality=municipality)


def population(ws, result: ScoreResult) -> pd.DataFrame:  # noqa: ANN001
    """Inhabitants per area (rows) and year (columns), from the framework's population
    indicator, for the areas the framework scores."""
    indicator = result.framework.screen.population_indicator
    areas = sorted(result.areas.index)
    obs = ws.observations(indicators=[indicator], areas=areas).reset_index()
    if obs.empty:
        return pd.DataFrame(index=pd.Index([], name="area_code"))
    return obs.pivot_table(index="area_code", columns="year", values="value", aggfunc="first")


def analyse_workspace(ws, result: ScoreResult, *, opgave: str, year: int,  # noqa: ANN001
                      domain: str | None = None, unit: str = "euro") -> MeansAnalysis:
    """:func:`~wijkkompas.services.means.analysis.analyse` on the workspace's amounts and
    inhabitants, for the municipalities the framework covers."""
    stored = read_amounts(ws.engine)
    municipalities = set(result.framework.municipalities)
    if municipalities:
        stored = stored[stored["municipality_code"].isin(municipalities)]
    return analyse(result, stored, population(ws, result), opgave=opgave, year=year,
                   domain=domain, unit=unit)
