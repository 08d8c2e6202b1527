"""Boundary changes: link series of areas whose code changed, and harmonise counts between two
boundary years by area weighting.

Method (areal weighting, as geosnap's ``harmonize`` with ``extensive_variables``)
-----------------------------------------------------------------------------------
Both boundary sets are projected to RD New (EPSG:28992, metres) and intersected
(``geopandas.overlay``). For source area *i* (old year) and target area *j* (new year):

.. math:: w_{ij} = \\frac{|i \\cap j|}{|i|}, \\qquad \\hat x_j = \\sum_i w_{ij}\\, x_i

This assumes the count is spread evenly over the surface of each source area (inhabitants
live where the land is) — a simplification that is wrong for areas with large empty parts
(water, parks, industrial estates), so every harmonised value is flagged and the share of
each target area covered by source geometry (:math:`\\sum_i |i \\cap j| / |j|`) is reported.
Only **counts** (extensive variables) may be area-weighted. A rate or percentage must be
rebuilt from harmonised numerator and denominator counts,
:math:`\\hat r_j = \\sum_i w_{ij} n_i / \\sum_i w_{ij} d_i` (:func:`harmonise_rate`).

Code links: a source and a target area that cover each other for at least ``tolerance``
(default 99%) of their surface but have different codes are the same area under a new code;
their series are joined (:func:`link_series`) and flagged "gekoppeld".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

RD_NEW = "EPSG:28992"
FLAG_HARMONISED = "geharmoniseerd (oppervlaktegewogen)"
FLAG_LINKED = "gekoppeld (code gewijzigd)"
RELATIONS = {
    "unchanged": "ongewijzigd",
    "recoded": "nieuwe code",
    "split": "gesplitst",
    "merged": "samengevoegd",
    "reshaped": "grens gewijzigd",
    "gone": "verdwenen",
}


def _prepare(frame: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ValueError("grenzen zonder coördinatenstelsel (CRS); geef het CRS op")
    gdf = frame.reset_index() if code not in frame.columns else frame
    gdf = gpd.GeoDataFrame({code: gdf[code].astype(str).to_numpy()},
                           geometry=shapely.make_valid(gdf.geometry.to_numpy()),
                           crs=frame.crs).to_crs(RD_NEW)
    return gdf


def overlay_weights(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, *,
                    code: str = "area_code", min_share: float = 1e-4) -> pd.DataFrame:
    """Intersection weights between two boundary sets.

    Parameters
    ----------
    source, target
        Boundaries with an area-code column or index named ``code`` and a CRS.
    min_share
        Slivers smaller than this share of both areas (digitising noise) are dropped.

    Returns
    -------
    DataFrame ``source_code, target_code, overlap_m2, share_of_source, share_of_target``
    where :math:`share\\_of\\_source = |i \\cap j|/|i|` (the weight :math:`w_{ij}`).
    """
    src, tgt = _prepare(source, code), _prepare(target, code)
    src_area = src.set_index(code).area
    tgt_area = tgt.set_index(code).area
    inter = gpd.overlay(src.rename(columns={code: "source_code"}),
                        tgt.rename(columns={code: "target_code"}),
                        how="intersection", keep_geom_type=False)
    out = pd.DataFrame({"source_code": inter["source_code"].to_numpy(),
                        "target_code": inter["target_code"].to_numpy(),
                        "overlap_m2": inter.area.to_numpy()})
    out = out.groupby(["source_code", "target_code"], as_index=False)["overlap_m2"].sum()
    out["share_of_source"] = out["overlap_m2"] / out["source_code"].map(src_area).to_numpy()
    out["share_of_target"] = out["overlap_m2"] / out["target_code"].map(tgt_area).to_numpy()
    keep = (out["share_of_source"] >= min_share) | (out["share_of_target"] >= min_share)
    return out[keep].reset_index(drop=True)


def classify_changes(weights: pd.DataFrame, source_codes: list[str] | None = None, *,
                     tolerance: float = 0.99) -> pd.DataFrame:
    """What happened to each source area: unchanged, recoded, split, merged, reshaped, gone.

    Returns a frame indexed by ``source_code`` with ``relation``, ``relation_nl`` and
    ``target_codes`` (comma separated, largest overlap first).
    """
    codes = sorted(set(source_codes or []) | set(weights["source_code"]))
    rows = []
    big = weights[(weights["share_of_source"] >= 1 - tolerance) |
                  (weights["share_of_target"] >= 1 - tolerance)]
    targets_per_source = big.groupby("source_code")["target_code"].nunique()
    sources_per_target = big.groupby("target_code")["source_code"].nunique()
    for code in codes:
        mine = big[big["source_code"] == code].sort_values("overlap_m2", ascending=False)
        if mine.empty:
            rows.append((code, "gone", ""))
            continue
        top = mine.iloc[0]
        whole = top["share_of_source"] >= tolerance and top["share_of_target"] >= tolerance
        if whole and targets_per_source[code] == 1:
            relation = "unchanged" if top["target_code"] == code else "recoded"
        elif targets_per_source[code] > 1 and (mine["share_of_target"] >= tolerance).all():
            relation = "split"
        elif top["share_of_source"] >= tolerance and sources_per_target[top["target_code"]] > 1:
            relation = "merged"
        else:
            relation = "reshaped"
        rows.append((code, relation, ", ".join(mine["target_code"])))
    out = pd.DataFrame(rows, columns=["source_code", "relation", "target_codes"])
    out["relation_nl"] = out["relation"].map(RELATIONS)
    return out.set_index("source_code")[["relation", "relation_nl", "target_codes"]]


def code_links(weights: pd.DataFrame, *, tolerance: float = 0.99) -> dict[str, str]:
    """``{old_code: new_code}`` for areas that kept their surface but changed code."""
    changes = classify_changes(weights, tolerance=tolerance)
    recoded = changes[changes["relation"] == "recoded"]
    return {str(k): str(v) for k, v in recoded["target_codes"].items()}


def link_series(observations: pd.DataFrame, links: dict[str, str]) -> pd.DataFrame:
    """Rename old codes to new ones so one series runs across the change.

    ``observations`` is long with ``area_code``; returned with a ``flag`` column that says
    "gekoppeld (code gewijzigd): <old>" on the renamed rows ("" elsewhere). Where both the
    old and the new code have a value for the same year and indicator, the new code wins.
    """
    out = observations.copy()
    if "flag" not in out:
        out["flag"] = ""
    old = out["area_code"].isin(list(links))
    out.loc[old, "flag"] = FLAG_LINKED + ": " + out.loc[old, "area_code"]
    out.loc[old, "area_code"] = out.loc[old, "area_code"].map(links)
    keys = [c for c in ("area_code", "indicator", "year") if c in out]
    out = out.assign(_old=old.to_numpy()).sort_values(keys + ["_old"])
    return out.drop_duplicates(keys, keep="first").drop(columns="_old").reset_index(drop=True)


def harmonise_counts(values: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Area-weighted counts on the target boundaries: :math:`\\hat x_j = \\sum_i w_{ij} x_i`.

    Parameters
    ----------
    values
        Long frame with ``area_code`` (source codes), ``value`` and any other key columns
        (``indicator``, ``year``) that are kept.
    weights
        From :func:`overlay_weights`.

    Returns
    -------
    Long frame with ``area_code`` (target codes), the other key columns, ``value``,
    ``coverage`` (share of the target area covered by source areas with a value) and
    ``flag`` = "geharmoniseerd (oppervlaktegewogen)". A target area receives NaN when any
    overlapping source area lacks a value (no silent undercount).
    """
    keys = [c for c in values.columns if c not in ("area_code", "value", "status", "flag")]
    merged = values.merge(weights, left_on="area_code", right_on="source_code", how="inner")
    merged["part"] = merged["value"] * merged["share_of_source"]
    merged["covered"] = np.where(merged["value"].notna(), merged["share_of_target"], 0.0)
    group = ["target_code", *keys]
    out = merged.groupby(group, dropna=False).agg(
        value=("part", lambda s: s.sum(min_count=len(s))),
        coverage=("covered", "sum"),
    ).reset_index().rename(columns={"target_code": "area_code"})
    out["coverage"] = out["coverage"].clip(upper=1.0)
    out["flag"] = FLAG_HARMONISED
    return out[["area_code", *keys, "value", "coverage", "flag"]]


def harmonise_rate(numerator: pd.DataFrame, denominator: pd.DataFrame, weights: pd.DataFrame,
                   *, per: float = 100.0) -> pd.DataFrame:
    """A rate rebuilt from harmonised counts:
    :math:`\\hat r_j = per \\cdot \\sum_i w_{ij} n_i / \\sum_i w_{ij} d_i`."""
    num = harmonise_counts(numerator, weights)
    den = harmonise_counts(denominator, weights)
    keys = [c for c in num.columns if c not in ("value", "coverage", "flag", "indicator")]
    both = num.merge(den[[*keys, "value"]], on=keys, suffixes=("", "_den"))
    both["value"] = per * both["value"] / both["value_den"].where(both["value_den"] > 0)
    return both.drop(columns=["value_den"])
