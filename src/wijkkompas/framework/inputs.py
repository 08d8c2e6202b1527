"""The data a framework is scored on, independent of where it came from.

:class:`ScoringData` holds observations in long form and an area table. The workspace fills it
from the database (:func:`wijkkompas.services.scoring.scoring_data`); analysts can build it from
a plain wide CSV with :func:`from_wide_table` without any database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.areas.codes import clean_codes, invalid_codes, levels, municipality_of
from wijkkompas.errors import DataError


@dataclass
class ScoringData:
    """``observations``: columns area_code, indicator, year, value, status (value NaN unless
    status is ok). ``areas``: index area_code, columns name, level, municipality_code."""

    observations: pd.DataFrame
    areas: pd.DataFrame

    def wide(self, codes: list[str], indicators: list[str], years: list[int]) -> pd.DataFrame:
        """Rows (year, area_code) for every requested area and year; one column per indicator."""
        obs = self.observations
        sel = obs[obs["area_code"].isin(codes) & obs["indicator"].isin(indicators)
                  & obs["year"].isin(years)]
        vals = sel["value"].where(sel["status"].isin(["ok", "estimated"]))
        table = pd.DataFrame({"year": sel["year"].astype(int), "area_code": sel["area_code"],
                              "indicator": sel["indicator"], "value": vals.astype(float)})
        wide = table.pivot_table(index=["year", "area_code"], columns="indicator",
                                 values="value", aggfunc="first", dropna=False)
        full = pd.MultiIndex.from_product([sorted(years), sorted(codes)],
                                          names=["year", "area_code"])
        wide = wide.reindex(index=full, columns=indicators)
        wide.columns.name = None
        return wide.astype(float)

    def years_with(self, indicators: list[str]) -> list[int]:
        obs = self.observations
        ok = obs[obs["indicator"].isin(indicators) & (obs["status"] == "ok")]
        return sorted(int(y) for y in ok["year"].unique())

    def fingerprint(self, codes: list[str], indicators: list[str], years: list[int]) -> str:
        """A short hash of exactly the values used (order-independent)."""
        obs = self.observations
        sel = obs[obs["area_code"].isin(codes) & obs["indicator"].isin(indicators)
                  & obs["year"].isin(years)]
        sel = sel.sort_values(["area_code", "indicator", "year"])
        h = hashlib.sha256()
        h.update("|".join(sel["area_code"].astype(str)).encode())
        h.update("|".join(sel["indicator"].astype(str)).encode())
        h.update(sel["year"].to_numpy(dtype=np.int64).tobytes())
        h.update(np.nan_to_num(sel["value"].to_numpy(dtype=float), nan=-1e300).tobytes())
        h.update("|".join(sel["status"].astype(str)).encode())
        return h.hexdigest()[:16]


def from_wide_table(path: str | Path, *, year: int | None = None) -> ScoringData:
    """Read a plain wide CSV (area code + one column per indicator, optional year column).

    The area-code column is the first column whose values are all CBS codes; a ``year`` or
    ``jaar`` column gives the year, else ``year`` must be passed.
    """
    from wijkkompas.data.sniff import read_table_text, read_text
    from wijkkompas.data.values import parse_values

    path = Path(path)
    tf = read_text(path)
    frame = read_table_text(tf)
    code_col = None
    for col in frame.columns:
        codes = clean_codes(frame[col])
        if len(codes) and len(invalid_codes(codes)) == 0:
            code_col = col
            break
    if code_col is None:
        raise DataError("geen kolom met CBS-gebiedscodes gevonden", file=path.name, row=1)
    codes = clean_codes(frame[code_col])
    year_col = next((c for c in frame.columns if c.lower() in ("year", "jaar")), None)
    if year_col is not None:
        years = pd.to_numeric(frame[year_col], errors="coerce")
        if years.isna().any():
            pos = int(np.flatnonzero(years.isna().to_numpy())[0])
            raise DataError("geen geldig jaar", file=path.name, row=pos + 2, column=year_col,
                            value=frame[year_col].iloc[pos])
        years = years.astype(int)
    elif year is not None:
        years = pd.Series([year] * len(frame))
    else:
        raise DataError("geen jaarkolom; geef het jaar op", file=path.name)
    parts = []
    for col in frame.columns:
        if col in (code_col, year_col) or col.lower() in ("naam", "name", "regio"):
            continue
        values, status, bad = parse_values(frame[col])
        if bad is not None:
            raise DataError("geen getal", file=path.name, row=bad.position + 2, column=col,
                            value=bad.value)
        parts.append(pd.DataFrame({"area_code": codes.to_numpy(dtype=object), "indicator": col,
                                   "year": years.to_numpy(), "value": values,
                                   "status": status}))
    obs = pd.concat(parts, ignore_index=True)
    names = next((frame[c] for c in frame.columns if c.lower() in ("naam", "name", "regio")),
                 codes)
    areas = pd.DataFrame({
        "name": names.to_numpy(dtype=object),
        "level": levels(codes).to_numpy(dtype=object),
        "municipality_code": [municipality_of(c) for c in codes],
    }, index=pd.Index(codes.to_numpy(dtype=object), name="area_code"))
    areas = areas[~areas.index.duplicated()]
    return ScoringData(obs, areas)
