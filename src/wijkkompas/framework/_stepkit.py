"""Small helpers shared by the impute, treat and normalise steps (private).

Checks of the data convention (rows ``(year, area_code)``, one column per indicator), lookup of
per-indicator settings by code, and the short Dutch texts that name areas and years in warnings.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError

MAX_NAMED = 5
"""How many areas a warning names before it says ``(+n)``."""


def require_panel(frame: pd.DataFrame, where: str) -> None:
    """Raise unless ``frame`` has a row MultiIndex with levels ``year`` and ``area_code``."""
    names = list(frame.index.names)
    if "year" not in names or "area_code" not in names:
        raise FrameworkError(
            f"{where}: rijen moeten een index (year, area_code) hebben, niet {names}")


def per_indicator(values: pd.Series, columns: Iterable[str], what: str, where: str
                  ) -> pd.Series:
    """``values`` looked up by indicator code; a missing or empty entry names the indicator."""
    cols = list(columns)
    found = pd.to_numeric(values.reindex(cols), errors="coerce").astype(float)
    missing = [c for c in cols if not np.isfinite(found[c])]
    if missing:
        raise FrameworkError(f"{where}: geen {what} voor {', '.join(missing)}")
    return found


def directions(ctx_directions: pd.Series, columns: Iterable[str], where: str) -> pd.Series:
    """Directions (+1/-1) for ``columns``; anything else is an error naming the indicator."""
    dirs = per_indicator(ctx_directions, columns, "richting (+1/-1)", where)
    bad = dirs[~dirs.isin([1.0, -1.0])]
    if len(bad):
        raise FrameworkError(
            f"{where}: richting moet +1 of -1 zijn, niet "
            + ", ".join(f"{c}={v:g}" for c, v in bad.items()))
    return dirs


def years_text(index: pd.Index) -> str:
    """The years in a ``(year, area_code)`` index as a short text: ``2014`` or ``2014–2024``."""
    years = sorted(pd.unique(index.get_level_values("year")))
    if len(years) <= 3:
        return ", ".join(str(y) for y in years)
    return f"{years[0]}–{years[-1]}"


def n_values(n: int) -> str:
    """``1 waarde`` / ``3 waarden``."""
    return f"{n} waarde" if n == 1 else f"{n} waarden"


def name_cells(index: pd.Index, limit: int = MAX_NAMED) -> str:
    """Name the areas of ``(year, area_code)`` rows: ``BU1, BU2 (+3)``.

    When the rows span more than one year, each area carries its year: ``BU1 (2023)``.
    """
    areas = index.get_level_values("area_code")
    years = index.get_level_values("year")
    several = len(pd.unique(years)) > 1
    shown = [f"{a} ({y})" if several else str(a)
             for a, y in zip(areas[:limit], years[:limit], strict=True)]
    rest = len(index) - len(shown)
    return ", ".join(shown) + (f" (+{rest})" if rest > 0 else "")


def check_positive(value: float, name: str, where: str) -> None:
    """Raise unless a scale-like parameter is a positive finite number."""
    if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
        raise FrameworkError(f"{where}: parameter {name} moet een positief getal zijn, "
                             f"niet {value!r}")
