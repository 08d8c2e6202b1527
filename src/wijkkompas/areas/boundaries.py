"""Area boundaries: read boundary files, store them per area and year, read them back.

Readable formats (through pyogrio/GDAL): GeoJSON (also the Histograph JSON-LD
FeatureCollections and GeoJSON extracted from folium maps), GeoPackage, shapefiles (also
zipped, read through ``/vsizip/``) and TopoJSON. Coordinates must be in RD New
(EPSG:28992) or WGS84 (EPSG:4326 / OGC:CRS84); a file without a CRS gets one inferred from its
coordinate ranges (with a warning).

Each feature needs a CBS area code (``BU_CODE``, ``buurtcode``, ``statcode``, ``id`` ...).
Files with names only are refused: a name cannot be linked to an area reliably.

The geometry is stored in its source CRS as WKB, plus a simplified copy in WGS84 for maps
(simplified in RD New metres, rounded to 6 decimals); storing and reading back live in
:mod:`wijkkompas.areas.boundary_store`.

    >>> sorted(_LEVEL_ALIASES)[:3]
    ['buurt', 'country', 'district']
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from wijkkompas.data.codes import clean_codes, invalid_codes, levels
from wijkkompas.data.guard import check_zip, geo_errors, load_json, one_line
from wijkkompas.data.kwb import year_from_name
from wijkkompas.data.sniff import checksum as file_checksum
from wijkkompas.errors import ConfigError, DataError

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
SIMPLIFY_TOLERANCE = 10.0  # metres (RD New)
MAP_DECIMALS = 6
KIND = "boundaries"

# Coordinate ranges of the Netherlands (with some slack for sea and border areas).
RD_RANGE = (0.0, 289_000.0, 300_000.0, 629_000.0)  # xmin, ymin, xmax, ymax
LONLAT_RANGE = (3.0, 50.6, 7.6, 53.8)

# Code fields in order of preference (most detailed level first); compared lower-case,
# also after removing an OData suffix such as ``_20``.
CODE_FIELDS = ("bu_code", "buurtcode", "wk_code", "wijkcode", "gm_code", "gemeentecode",
               "gemeenteco", "statcode", "gwb_code_10", "gwb_code", "codering", "regiocode")
# Generic identifiers: used only when most of their values are CBS codes.
WEAK_CODE_FIELDS = ("id", "identificatie")
# Name field that belongs to each code field, then generic fallbacks.
NAME_FOR_CODE = {"bu_code": "bu_naam", "buurtcode": "buurtnaam", "wk_code": "wk_naam",
                 "wijkcode": "wijknaam", "gm_code": "gm_naam", "gemeentecode": "gemeentenaam",
                 "gemeenteco": "gemeentena", "statcode": "statnaam", "gwb_code_10": "regio",
                 "gwb_code": "regio", "codering": "wijkenenbuurten"}
NAME_FIELDS = ("naam", "name", "statnaam", "regio", "titel", "title")
YEAR_FIELDS = ("jaar",)
WATER_FIELDS = ("h2o", "water")
HISTOGRAPH_FIELD = "pits"
_HG_CODE = re.compile(r"(?:^|/)((?:BU|WK|GM)\d{4}[0-9A-Za-z]*)$")

_LEVEL_ALIASES = {"country": "country", "land": "country", "municipality": "municipality",
                  "gemeente": "municipality", "district": "district", "wijk": "district",
                  "neighbourhood": "neighbourhood", "buurt": "neighbourhood"}


@dataclass
class BoundaryData:
    """Boundaries read from one file.

    ``frame`` has one row per area and year: ``area_code``, ``name``, ``level``, ``year``,
    ``crs`` (``"EPSG:28992"`` or ``"EPSG:4326"``), ``geometry`` (shapely, in ``crs``) and
    ``simplified`` (shapely, WGS84, rounded for maps).
    """

    file: Path
    form: str
    checksum: str
    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


# --- reading --------------------------------------------------------------------------------


def normalise_level(level: str | None) -> str | None:
    """Map a level given in English or Dutch (``buurt``, ``wijk``) to its code."""
    if level is None:
        return None
    try:
        return _LEVEL_ALIASES[level.strip().lower()]
    except KeyError:
        raise ConfigError(
            f"onbekend niveau {level!r}; kies uit gemeente, wijk of buurt"
        ) from None


def read_boundaries(path: Path | str, *, year: int | None = None, level: str | None = None,
                    code_field: str | None = None, name_field: str | None = None,
                    tolerance: float = SIMPLIFY_TOLERANCE) -> BoundaryData:
    """Read a boundary file and check every feature.

    Parameters
    ----------
    path
        GeoJSON, TopoJSON, GeoPackage, shapefile or zipped shapefile.
    year
        Boundary year; else taken from a ``jaar`` field, else from the file name.
    level
        Keep only features of this level (``gemeente``/``wijk``/``buurt`` or English).
    code_field, name_field
        Field names to use instead of the detected ones.
    tolerance
        Simplification tolerance for the map copy, in metres.

    Raises
    ------
    DataError
        For anything that cannot be imported, located by file, feature, field and value.
    """
    path = Path(path)
    want_level = normalise_level(level)
    with open(path, "rb") as fh:
        if not fh.read(4096).strip():
            raise DataError("het bestand is leeg", file=path.name)
    target, form = _dataset(path)
    if path.suffix.lower() == ".zip":
        check_zip(path, "zip-bestand").close()
    layers = _layers(target, path)
    parts: list[pd.DataFrame] = []
    warnings: list[str] = []
    for layer in layers:
        label = path.name if len(layers) == 1 else f"{path.name} (laag {layer})"
        frame, form_found, warns = _read_layer(
            target, layer, label, path=path, year=year, code_field=code_field,
            name_field=name_field,
        )
        form = form or form_found
        parts.append(frame)
        warnings.extend(warns)
    frame = pd.concat(parts, ignore_index=True)
    if want_level is not None:
        other = frame["level"] != want_level
        if other.all():
            raise DataError(f"geen gebieden van niveau {want_level} in het bestand "
                            f"(wel: {', '.join(sorted(frame['level'].unique()))})", file=path.name)
        if other.any():
            warnings.append(f"{int(other.sum())} gebieden van een ander niveau dan "
                            f"{want_level} overgeslagen")
            frame = frame.loc[~other].reset_index(drop=True)
    frame, warns = _dissolve_duplicates(frame)
    warnings.extend(warns)
    frame["simplified"] = _map_copies(frame, tolerance)
    options = {"year": year, "level": want_level, "code_field": code_field,
               "name_field": name_field, "tolerance": tolerance}
    return BoundaryData(file=path, form=form, checksum=boundary_checksum(path, options),
                        frame=frame, warnings=warnings)


def boundary_checksum(path: Path, options: dict[str, Any]) -> str:
    """SHA-256 of the file (with the sidecar files of a shapefile) and the import options,
    so that the same file read with another year or code field is a different import."""
    h = hashlib.sha256()
    files = [path]
    if path.suffix.lower() == ".shp":
        files += sorted(p for p in path.parent.glob(path.stem + ".*")
                        if p.suffix.lower() in (".dbf", ".shx", ".prj", ".cpg"))
    for p in files:
        h.update(p.suffix.lower().encode())
        h.update(file_checksum(p).encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    return h.hexdigest()


def _dataset(path: Path) -> tuple[str, str]:
    """GDAL dataset name for ``path`` and the form if already known (TopoJSON)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return f"/vsizip/{path}", ""
    if suffix in (".json", ".topojson", ".geojson"):
        with open(path, "rb") as fh:
            head = fh.read(65536)
            fh.seek(max(0, path.stat().st_size - 65536))
            tail = fh.read()
        if b'"Topology"' in head or b'"Topology"' in tail:
            return f"TopoJSON:{path}", "TopoJSON"
    return str(path), ""


def _layers(target: str, path: Path) -> list[str]:
    import pyogrio

    try:
        found = pyogrio.list_layers(target)
    except geo_errors() as exc:
        if path.suffix.lower() in (".json", ".geojson"):
            try:
                found = pyogrio.list_layers(f"GeoJSON:{path}")
            except geo_errors():
                raise _unreadable(path, exc) from None
        else:
            raise _unreadable(path, exc) from None
    names = [str(name) for name, geom in found if geom is not None and str(geom) != "None"]
    if not names:
        raise DataError("geen laag met geometrie in het bestand", file=path.name)
    return names


def _unreadable(path: Path, exc: Exception) -> DataError:
    if path.suffix.lower() in (".json", ".geojson", ".topojson"):
        try:
            load_json(path.read_text(encoding="utf-8", errors="replace"), file=path.name)
        except DataError as err:
            return err
        except json.JSONDecodeError as err:
            return DataError(f"ongeldige of afgebroken JSON op regel {err.lineno}, teken "
                             f"{err.colno}: {err.msg}", file=path.name)
        return DataError("JSON zonder (Geo/Topo)JSON-gebieden; verwacht een FeatureCollection "
                         "of Topology", file=path.name)
    if path.suffix.lower() == ".zip":
        return DataError("geen shapefile of ander geobestand in het zip-bestand gevonden",
                         file=path.name)
    text = one_line(exc).split(";")[0].replace(str(path), path.name)
    return DataError(f"geobestand is niet te lezen: {text}", file=path.name)


def _read_layer(target: str, layer: str, label: str, *, path: Path, year: int | None,
                code_field: str | None, name_field: str | None
                ) -> tuple[pd.DataFrame, str, list[str]]:
    """Read one layer into ``area_code, name, level, year, crs, geometry``."""
    import pyogrio

    warnings: list[str] = []
    try:
        info = pyogrio.read_info(target, layer=layer)
        fields = [str(f) for f in info["fields"]]
        cols = _wanted_columns(fields, code_field, name_field)
        gdf = pyogrio.read_dataframe(target, layer=layer, columns=cols)
    except DataError as exc:
        raise exc.located(file=label) from None
    except geo_errors() as exc:
        raise _unreadable(path, exc) from None
    if gdf.empty:
        raise DataError("geen gebieden (features) in het bestand", file=label)
    gdf = gdf.reset_index(drop=True)
    row = pd.RangeIndex(1, len(gdf) + 1)  # feature number as the user counts it
    gdf.index = row
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    # Features without geometry (e.g. tiny areas lost in a quantized TopoJSON) are skipped.
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not keep.any():
        raise DataError("geen enkel gebied heeft een geometrie", file=label)
    if (~keep).any():
        warnings.append(f"{label}: {int((~keep).sum())} gebieden zonder geometrie overgeslagen "
                        f"(eerste: object {int(row[np.flatnonzero(~keep)[0]])})")
        geoms = geoms.copy()
        geoms[~keep] = None
    geoms = shapely.force_2d(geoms)
    crs = _source_crs(info["crs"], geoms[keep], row[keep], label, warnings)

    # Water parts of the CBS maps (H2O/WATER = 'JA') are not areas.
    water_col = _find(gdf.columns, WATER_FIELDS)
    if water_col is not None:
        water = gdf[water_col].astype("string").str.strip().str.upper().eq("JA").fillna(False)
        water = water.to_numpy(dtype=bool) & keep
        if not (keep & ~water).any():
            raise DataError("het bestand bevat alleen waterdelen (water = 'JA')", file=label,
                            column=water_col)
        if water.any():
            warnings.append(f"{label}: {int(water.sum())} waterdelen ({water_col} = 'JA') "
                            "overgeslagen")
        keep &= ~water
    codes, names = _codes_and_names(gdf, label, code_field, name_field, fields)
    years = _years(gdf, label, path, year)
    geoms = geoms.copy()
    geoms[keep], repaired, collapsed = _valid_polygonal(geoms[keep], row[keep], label)
    if repaired:
        warnings.append(f"{label}: {repaired} ongeldige geometrieën gerepareerd (make_valid)")
    if collapsed.any():
        lost = np.flatnonzero(keep)[collapsed]
        warnings.append(f"{label}: {len(lost)} gebieden zonder oppervlak na reparatie "
                        f"overgeslagen: {', '.join(codes.iloc[lost[:6]])}"
                        f"{' ...' if len(lost) > 6 else ''}")
        keep[lost] = False
    frame = pd.DataFrame({
        "area_code": codes.to_numpy(dtype=object), "name": names.to_numpy(dtype=object),
        "year": years.to_numpy(dtype=np.int64), "crs": crs, "geometry": geoms,
    })[keep].reset_index(drop=True)
    frame.insert(2, "level", levels(frame["area_code"].astype("string")).to_numpy(dtype=object))
    form = "TopoJSON" if target.startswith("TopoJSON:") else str(info.get("driver") or "")
    return frame, form, warnings


def _key(name: str) -> str:
    return name.strip().lower()


def _find(columns: Any, candidates: tuple[str, ...], *, odata: bool = False) -> str | None:
    """First column whose lower-case name (optionally without an OData ``_NN`` suffix) is one
    of ``candidates``, in the order of ``candidates``."""
    by_key: dict[str, str] = {}
    for col in columns:
        col = str(col)
        by_key.setdefault(_key(col), col)
        if odata:
            by_key.setdefault(re.sub(r"_\d+$", "", _key(col)), col)
    for cand in candidates:
        if cand in by_key:
            return by_key[cand]
    return None


def _wanted_columns(fields: list[str], code_field: str | None, name_field: str | None
                    ) -> list[str]:
    """Only the attribute columns the import needs (reading all of them is slow)."""
    wanted = set(CODE_FIELDS) | set(WEAK_CODE_FIELDS) | set(NAME_FOR_CODE.values()) \
        | set(NAME_FIELDS) | set(YEAR_FIELDS) | set(WATER_FIELDS) | {HISTOGRAPH_FIELD, "code"}
    explicit = {_key(f) for f in (code_field, name_field) if f}
    out = [f for f in fields
           if _key(f) in wanted or _key(f) in explicit or re.sub(r"_\d+$", "", _key(f)) in wanted]
    for given in (code_field, name_field):
        if given and _key(given) not in {_key(f) for f in fields}:
            raise DataError(f"veld {given!r} bestaat niet; velden: {', '.join(fields)}",
                            column=given)
    return out


def _codes_and_names(gdf: gpd.GeoDataFrame, label: str, code_field: str | None,
                     name_field: str | None, fields: list[str]
                     ) -> tuple[pd.Series, pd.Series]:
    """Detect (or take) the code and name fields; every code must be a CBS area code."""
    columns = [c for c in gdf.columns if c != "geometry"]
    names: pd.Series | None = None
    if code_field:
        col = _find(columns, (_key(code_field),))
        if col is None:
            raise DataError(f"veld {code_field!r} bestaat niet", file=label, column=code_field)
        raw = gdf[col]
    elif (col := _find(columns, CODE_FIELDS, odata=True)) is not None:
        raw = gdf[col]
    elif HISTOGRAPH_FIELD in columns:
        col = "pits"
        raw, names = _histograph(gdf[HISTOGRAPH_FIELD], label)
    else:
        col = _find(columns, WEAK_CODE_FIELDS)
        raw = gdf[col] if col is not None else None
        if raw is not None:
            share = 1 - len(invalid_codes(clean_codes(raw))) / len(raw)
            if share < 0.5:
                raw = None
        if raw is None:
            raise _no_code_field(label, fields)
    codes = clean_codes(raw)
    bad = invalid_codes(codes)
    if len(bad):
        i = int(bad[0])
        raise DataError(
            "geen geldige CBS-gebiedscode (GMxxxx, WKxxxxxx of BUxxxxxxxx)"
            + (f"; nog {len(bad) - 1} andere" if len(bad) > 1 else ""),
            file=label, row=int(gdf.index[i]), column=col, value=raw.iloc[i],
        )
    if names is None or name_field:
        name_col = (_find(columns, (_key(name_field),)) if name_field
                    else _find(columns, (NAME_FOR_CODE.get(re.sub(r"_\d+$", "", _key(col)),
                                                           "-"),), odata=True)
                    or _find(columns, NAME_FIELDS))
        if name_col is None:
            names = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
        else:
            names = gdf[name_col].astype("string").str.strip().replace("", pd.NA)
            names = names.astype(object).where(names.notna(), None)
    return codes, names


def _no_code_field(label: str, fields: list[str]) -> DataError:
    generic = _find(fields, ("code",))
    hint = (f" Het veld {generic!r} is geen herkend CBS-codeveld (vaak is het een eigen "
            "gemeentelijke indeling); geef het op met --code-field als het wel CBS-codes zijn."
            if generic else " Geef het codeveld op met --code-field.")
    return DataError(
        "geen veld met CBS-gebiedscodes gevonden (zoals BU_CODE, WK_CODE, GM_CODE, buurtcode, "
        "statcode of id); een grens zonder code kan niet aan een gebied worden gekoppeld "
        f"(velden: {', '.join(fields) or 'geen'}).{hint}",
        file=label,
    )


def _histograph(pits: pd.Series, label: str) -> tuple[pd.Series, pd.Series]:
    """Code and name from the ``pits`` of Histograph JSON-LD features (``cbsbuurt/BU…``)."""

    def first_cbs(value: Any) -> tuple[str, str | None]:
        try:
            items = load_json(value, file=label) if isinstance(value, str) else (value or [])
        except json.JSONDecodeError:
            items = []  # no readable pits: no code, refused below with the feature named
        for pit in items if isinstance(items, list) else []:
            if not isinstance(pit, dict):
                continue
            m = _HG_CODE.search(str(pit.get("id") or pit.get("@id") or ""))
            if m:
                return m.group(1), pit.get("name")
        return "", None

    pairs = pits.map(first_cbs)  # nested JSON: no vectorised form
    return pairs.str[0], pairs.str[1]


def _years(gdf: gpd.GeoDataFrame, label: str, path: Path, year: int | None) -> pd.Series:
    col = _find(gdf.columns, YEAR_FIELDS)
    if col is not None:
        raw = gdf[col]
        found = pd.to_numeric(raw, errors="coerce")
        bad = np.flatnonzero(~(found.between(1800, 2200) & (found % 1 == 0)).to_numpy())
        if len(bad):
            i = int(bad[0])
            raise DataError("geen geldig jaar", file=label, row=int(gdf.index[i]), column=col,
                            value=raw.iloc[i])
        found = found.astype(np.int64)
        if year is not None:
            diff = np.flatnonzero(found.to_numpy() != year)
            if len(diff):
                i = int(diff[0])
                raise DataError(f"jaar {year} opgegeven, maar het bestand zegt {found.iloc[i]}",
                                file=label, row=int(gdf.index[i]), column=col,
                                value=raw.iloc[i])
        return found
    from_name = year_from_name(path)
    if year is not None and from_name is not None and year != from_name:
        raise DataError(f"jaar {year} opgegeven, maar de bestandsnaam zegt {from_name}; "
                        "geef het juiste jaar op", file=label, value=path.name)
    chosen = year if year is not None else from_name
    if chosen is None:
        raise DataError("geen jaar van de grenzen gevonden (geen veld 'jaar' en geen jaartal in "
                        "de bestandsnaam); geef het jaar op met --year", file=label)
    return pd.Series(chosen, index=gdf.index, dtype=np.int64)


def _source_crs(crs_text: str | None, geoms: np.ndarray, row: pd.Index, label: str,
                warnings: list[str]) -> str:
    """``"EPSG:28992"`` or ``"EPSG:4326"``; infer when missing; coordinates must lie in NL."""
    bounds = shapely.bounds(geoms)
    if crs_text:
        crs = pyproj.CRS.from_user_input(crs_text)
        if crs.is_compound:
            crs = crs.sub_crs_list[0]
        epsg = crs.to_epsg(min_confidence=25)
        if epsg == 28992:
            found = RD_NEW
        elif epsg == 4326 or crs.equals(pyproj.CRS("OGC:CRS84"), ignore_axis_order=True):
            found = WGS84
        else:
            raise DataError("coördinatenstelsel wordt niet ondersteund; gebruik RD New "
                            "(EPSG:28992) of WGS84 (EPSG:4326)", file=label,
                            value=f"{crs.name} ({crs.to_string()})")
    else:
        found = RD_NEW if np.nanmax(np.abs(bounds)) > 1000 else WGS84
        warnings.append(f"{label}: geen coördinatenstelsel in het bestand; "
                        f"{'RD New (EPSG:28992)' if found == RD_NEW else 'WGS84 (EPSG:4326)'} "
                        "afgeleid uit de coördinaten")
    xmin, ymin, xmax, ymax = RD_RANGE if found == RD_NEW else LONLAT_RANGE
    inside = ((bounds[:, 0] >= xmin) & (bounds[:, 1] >= ymin)
              & (bounds[:, 2] <= xmax) & (bounds[:, 3] <= ymax))
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        raise DataError(
            f"coördinaten liggen niet in Nederland (verwacht {found}"
            + ("" if crs_text else ", afgeleid") + ")",
            file=label, row=int(row[i]),
            value=", ".join(f"{v:.6g}" for v in bounds[i]),
        )
    return found


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts (of collections, e.g. after make_valid)."""
    geoms = np.asarray(geoms, dtype=object).copy()
    types = shapely.get_type_id(geoms)
    other = np.flatnonzero(~np.isin(types, (3, 6)))
    if not len(other):
        return geoms
    parts, idx = shapely.get_parts(geoms[other], return_index=True)
    # one more level: multipolygons inside collections
    polys, sub = shapely.get_parts(parts, return_index=True)
    idx = idx[sub]
    ok = shapely.get_type_id(polys) == 3
    merged = np.full(len(other), None, dtype=object)
    if ok.any():
        present, compact = np.unique(idx[ok], return_inverse=True)
        merged[present] = shapely.multipolygons(polys[ok], indices=compact)
        invalid = ~shapely.is_valid(merged[present])
        if invalid.any():  # touching parts: buffer(0) gives a valid polygonal union
            fix = present[invalid]
            merged[fix] = shapely.buffer(merged[fix], 0)
    geoms[other] = merged
    return geoms


def _make_valid(geoms: np.ndarray) -> np.ndarray:
    """shapely.make_valid with the 'structure' method (polygonal output, collapsed parts
    dropped); buffer(0) when GEOS cannot handle the input."""
    try:
        return shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    except shapely.errors.GEOSException:
        return shapely.buffer(geoms, 0)


def _valid_polygonal(geoms: np.ndarray, row: pd.Index, label: str
                     ) -> tuple[np.ndarray, int, np.ndarray]:
    """Repair invalid polygons; returns the geometries, the number repaired and a mask of
    polygons that collapsed to nothing (e.g. slivers of a quantized TopoJSON)."""
    types = shapely.get_type_id(geoms)
    wrong = ~np.isin(types, (3, 6, 7))  # points and lines are not areas
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise DataError("de geometrie is geen vlak (polygoon)", file=label, row=int(row[i]),
                        value=geoms[i].geom_type)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = _make_valid(geoms[invalid])
    geoms = _polygonal(geoms)
    collapsed = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if collapsed.all():
        raise DataError("geen enkel gebied heeft een geldig vlak (polygoon)", file=label)
    return geoms, int(invalid.sum()), collapsed


def _dissolve_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Union the parts of areas that occur more than once (per year)."""
    dup = frame.duplicated(["area_code", "year"], keep=False)
    if not dup.any():
        return frame, []
    parts = gpd.GeoDataFrame(frame.loc[dup], geometry="geometry")
    crs_mixed = parts.groupby(["area_code", "year"])["crs"].nunique() > 1
    if crs_mixed.any():
        code = crs_mixed[crs_mixed].index[0][0]
        raise DataError("delen van hetzelfde gebied staan in verschillende "
                        "coördinatenstelsels", value=code)
    merged = parts.dissolve(by=["area_code", "year"], aggfunc="first", as_index=False)
    merged["geometry"] = _polygonal(np.asarray(merged.geometry.array, dtype=object))
    out = pd.concat([frame.loc[~dup], pd.DataFrame(merged[frame.columns])], ignore_index=True)
    codes = sorted(merged["area_code"])
    warning = (f"{len(codes)} gebieden bestonden uit meerdere delen en zijn samengevoegd: "
               f"{', '.join(codes[:6])}{' ...' if len(codes) > 6 else ''}")
    return out, [warning]


def simplify_for_map(geoms: gpd.GeoSeries, tolerance: float = SIMPLIFY_TOLERANCE
                     ) -> gpd.GeoSeries:
    """Simplify in RD New metres, reproject to WGS84 and round to 6 decimals; always valid."""
    rd = geoms.to_crs(RD_NEW) if geoms.crs != pyproj.CRS(RD_NEW) else geoms
    simple = np.asarray(rd.simplify(tolerance, preserve_topology=True).array, dtype=object)
    bad = ~shapely.is_valid(simple)
    if bad.any():
        simple[bad] = _make_valid(simple[bad])
    simple = _polygonal(simple)
    lonlat = gpd.GeoSeries(simple, crs=RD_NEW, index=geoms.index).to_crs(WGS84)
    # Round all coordinates at once, then repair what rounding made invalid.
    rounded = shapely.transform(np.asarray(lonlat.array, dtype=object),
                                lambda xy: np.round(xy, MAP_DECIMALS))
    bad = ~shapely.is_valid(rounded)
    if bad.any():
        rounded[bad] = _make_valid(rounded[bad])
    rounded = _polygonal(rounded)
    lost = shapely.is_missing(rounded) | shapely.is_empty(rounded)
    if lost.any():  # tiny areas collapse when rounded: keep them unsimplified
        rounded[lost] = np.asarray(geoms[lost].to_crs(WGS84).array, dtype=object)
    return gpd.GeoSeries(rounded, crs=WGS84, index=geoms.index)


def _map_copies(frame: pd.DataFrame, tolerance: float) -> np.ndarray:
    out = np.empty(len(frame), dtype=object)
    for crs, idx in frame.groupby("crs").indices.items():  # at most two groups
        series = gpd.GeoSeries(frame["geometry"].to_numpy()[idx], crs=crs)
        out[idx] = np.asarray(simplify_for_map(series, tolerance).array, dtype=object)
    return out


__all__ = [
    "KIND", "RD_NEW", "SIMPLIFY_TOLERANCE", "WGS84", "BoundaryData", "boundary_checksum",
    "normalise_level", "read_boundaries", "simplify_for_map",
]
