"""Series across boundary changes: bring every year of a series onto the newest boundaries.

A series (long ``area_code, year, value``) may hold years that were published on older
boundaries: a wijk split in two, two buurten merged, a code renumbered. Comparing such a year
with a later one area by area compares different pieces of land. :func:`harmonise_series`
puts every year on the newest stored boundaries, area by area, with the methods of
:mod:`wijkkompas.monitor.harmonise`:

==============  ===========================================================================
``linked``      the area kept its surface but got a new code: the old values are carried
                over to the new code (flag "gekoppeld (code gewijzigd): <old code>")
``count``       a count (catalogue kind ``count``) of a changed area is re-estimated by area
                weighting, :math:`\\hat x_j = \\sum_i w_{ij} x_i` (flag
                "geharmoniseerd (oppervlaktegewogen)")
``rate``        a rate or share with a known denominator count *d* is rebuilt from the
                harmonised numerator :math:`r_i d_i` and denominator,
                :math:`\\hat r_j = \\sum_i w_{ij} r_i d_i / \\sum_i w_{ij} d_i` (flag
                "geharmoniseerd (teller en noemer oppervlaktegewogen)")
``none``        anything else (means, indices, scores): values of a changed area on old
                boundaries cannot be re-estimated and are left out, with a note naming the
                area; unchanged and recoded areas are still linked
==============  ===========================================================================

Which boundary year a data year was published on is read from the data: the stored boundary
year whose codes overlap most with the codes that have a value in that year (ties: the latest
boundary year not after the data year). Areas whose codes appear in no boundary set
(municipalities without a second boundary year, custom areas) pass through unchanged.
Every re-estimated or linked value carries its flag, so it can be shown wherever the value is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from wijkkompas.monitor.harmonise import FLAG_HARMONISED, FLAG_LINKED, overlay_weights

FLAG_RATE = "geharmoniseerd (teller en noemer oppervlaktegewogen)"
METHODS = {
    "count": FLAG_HARMONISED,
    "rate": FLAG_RATE,
    "none": "",
}
FLAG_PREFIXES = (FLAG_LINKED, FLAG_RATE, FLAG_HARMONISED)


@dataclass
class HarmonisedSeries:
    """The series on the newest boundaries, with ``flag`` per value and what was done.

    ``changes`` lists one row per (year, target area) that was linked, re-estimated or left
    out: ``year``, ``area_code``, ``sources`` (old codes), ``boundary_year`` (of the old
    codes), ``action`` (``linked``/``count``/``rate``/``dropped``).
    """

    series: pd.DataFrame
    changes: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _codes(frame: gpd.GeoDataFrame) -> set[str]:
    if "area_code" in frame.columns:
        return {str(c) for c in frame["area_code"]}
    return {str(c) for c in frame.index}


def published_on(codes: set[str], boundary_codes: dict[int, set[str]], year: int) -> int | None:
    """The boundary year a data year was published on (most shared codes; ties: the latest
    boundary year not after ``year``, else the earliest). None when no codes are shared."""
    best, key = None, None
    for b, known in boundary_codes.items():
        shared = len(codes & known)
        if shared == 0:
            continue
        k = (shared, b <= year, b if b <= year else -b)
        if key is None or k > key:
            best, key = b, k
    return best


def harmonise_series(series: pd.DataFrame, boundaries: dict[int, gpd.GeoDataFrame], *,
                     method: str = "none", denominator: pd.DataFrame | None = None,
                     tolerance: float = 0.99,
                     weights: dict[int, pd.DataFrame] | None = None) -> HarmonisedSeries:
    """Put every year of ``series`` on the newest of ``boundaries``.

    Parameters
    ----------
    series
        Long frame ``area_code, year, value`` (other columns are kept on untouched rows).
    boundaries
        ``{boundary_year: GeoDataFrame}`` of one level, indexed by (or with a column)
        ``area_code``, with a CRS. Fewer than two years: nothing to do.
    method
        ``count``, ``rate`` (needs ``denominator``) or ``none`` (see the module docstring).
    denominator
        Long ``area_code, year, value`` of the denominator count (method ``rate``).
    tolerance
        Share of surface two areas must have in common to count as the same area.
    weights
        A cache ``{old boundary year: overlay weights to the newest}`` filled and reused
        across calls with the same ``boundaries``.

    Returns
    -------
    HarmonisedSeries
    """
    if method not in METHODS:
        raise ValueError(f"methode {method!r}: kies uit {', '.join(METHODS)}")
    if method == "rate" and denominator is None:
        raise ValueError("methode 'rate' heeft een noemer nodig")
    out = series.copy()
    if "flag" not in out:
        out["flag"] = ""
    out["flag"] = out["flag"].fillna("")
    empty = pd.DataFrame(columns=["year", "area_code", "sources", "boundary_year", "action"])
    if len(boundaries) < 2:
        return HarmonisedSeries(out, empty)
    newest = max(boundaries)
    known = {b: _codes(g) for b, g in boundaries.items()}
    weights_cache: dict[int, pd.DataFrame] = {} if weights is None else weights
    changes, notes = [], []
    keep = pd.Series(True, index=out.index)
    added = []
    has_value = out["value"].notna()
    for year in sorted(out["year"].dropna().unique()):
        in_year = out["year"] == year
        codes = set(out.loc[in_year & has_value, "area_code"].astype(str))
        b = published_on(codes, known, int(year))
        if b is None or b == newest:
            continue
        if b not in weights_cache:
            weights_cache[b] = overlay_weights(boundaries[b], boundaries[newest])
        w = weights_cache[b]
        rows = out[in_year & out["area_code"].isin(known[b])]
        values = dict(zip(rows["area_code"].astype(str), rows["value"], strict=False))
        remove: set[str] = set()
        for target, part in w.groupby("target_code"):
            sources = [str(s) for s in part["source_code"]]
            if not any(s in values for s in sources):
                continue
            big = part[(part["share_of_target"] >= 1 - tolerance)
                       | (part["share_of_source"] >= 1 - tolerance)]
            same = (len(big) == 1 and big["share_of_target"].iloc[0] >= tolerance
                    and big["share_of_source"].iloc[0] >= tolerance)
            if same:
                src = str(big["source_code"].iloc[0])
                if src == target:
                    continue
                remove.add(src)
                added.append({"area_code": target, "year": year, "value": values.get(src),
                              "flag": f"{FLAG_LINKED}: {src}"})
                changes.append((int(year), target, src, b, "linked"))
                continue
            remove.update(sources)
            remove.add(target)
            if method == "none":
                changes.append((int(year), target, ", ".join(sources), b, "dropped"))
                continue
            x = np.array([values.get(s, np.nan) for s in sources], dtype=float)
            share = part["share_of_source"].to_numpy(dtype=float)
            if method == "count":
                value = float(np.sum(share * x)) if np.isfinite(x).all() else np.nan
            else:
                den = denominator[(denominator["year"] == year)]
                dmap = dict(zip(den["area_code"].astype(str), den["value"], strict=False))
                d = np.array([dmap.get(s, np.nan) for s in sources], dtype=float)
                ok = np.isfinite(x).all() and np.isfinite(d).all() and np.sum(share * d) > 0
                value = float(np.sum(share * x * d) / np.sum(share * d)) if ok else np.nan
            added.append({"area_code": target, "year": year, "value": value,
                          "flag": f"{METHODS[method]}: {', '.join(sources)} ({b})"})
            changes.append((int(year), target, ", ".join(sources), b, method))
        keep &= ~(in_year & out["area_code"].isin(remove))
    result = pd.concat([out[keep], pd.DataFrame(added)], ignore_index=True) if added \
        else out[keep].reset_index(drop=True)
    result = result.sort_values(["area_code", "year"]).reset_index(drop=True)
    table = pd.DataFrame(changes, columns=empty.columns) if changes else empty
    dropped = table[table["action"] == "dropped"]
    if len(dropped):
        notes.append("grens gewijzigd, niet te harmoniseren (geen aantal en geen noemer): "
                     + "; ".join(f"{a} in {y} (uit {s})" for y, a, s in
                                 dropped[["year", "area_code", "sources"]].itertuples(index=False)))
    return HarmonisedSeries(result, table, notes)


def flagged_years(frame: pd.DataFrame) -> str:
    """One text per area: the flagged years grouped by flag, e.g.
    ``'2012, 2014: geharmoniseerd (oppervlaktegewogen): WK01, WK02 (2014)'``."""
    if "flag" not in frame or frame.empty:
        return ""
    flagged = frame[frame["flag"].fillna("").astype(bool)]
    parts = []
    for flag, part in flagged.groupby("flag", sort=False):
        years = ", ".join(str(int(y)) for y in sorted(part["year"].unique()))
        parts.append(f"{years}: {flag}")
    return "; ".join(parts)
