"""Rebuild the bundled demo data set from the raw open data in ``../shared/data/raw``.

    python -m wijkkompas.demo.build --raw ../shared/data/raw

Every output file keeps the form CBS (or the other publisher) used, so ``wijkkompas demo``
exercises the real importers. Rows are limited to the four reference municipalities
(Rotterdam GM0599, Groningen GM0014, Enschede GM0153, Assen GM0106) and, where present,
Nederland (NL00) for comparison. Known defects of the sources are corrected here, each one
named in :data:`CORRECTIONS` and in ``data/PROVENANCE.md``. The output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from wijkkompas.demo import MUNICIPALITIES, data_dir

NUMS = tuple(code[2:] for code in MUNICIPALITIES)  # "0599", ...

# Fields of the 2021 rows in data.csv that lost their decimal point (values x10), per the
# data provenance; g_hhgro and g_pau_hh were confirmed against the 2022 rows (median ratio 10).
X10_FIELDS_2021 = (
    "g_hhgro", "g_ink_po", "g_ink_pi", "p_ink_li", "p_ink_hi", "g_hh_sti", "p_hh_li", "p_hh_hi",
    "p_hh_lkk", "p_hh_osm", "p_hh_110", "p_hh_120", "m_hh_ver", "g_pau_hh", "g_afs_hp",
    "g_afs_gs", "g_afs_kv", "g_afs_sc", "g_3km_sc",
)

CORRECTIONS = [
    "kwb-2021-2022-wijk.csv: in de 2021-rijen zijn de velden met één decimaal x10 gepubliceerd "
    f"(decimaalpunt verloren in het bronbestand); gedeeld door 10: {', '.join(X10_FIELDS_2021)}.",
    "kwb-2017-rotterdam-odata.json: één record gebruikt de verschreven sleutel "
    "'k_65JaarrOfOude_12'; hernoemd naar 'k_65JaarOfOuder_12'.",
]


def _ours(code: str) -> bool:
    code = code.strip()
    if code in ("NL00", "NL01"):
        return True
    return code[:2] in ("GM", "WK", "BU") and code[2:6] in NUMS


def _filter_statline_csv(src: Path, dst: Path) -> int:
    """Keep header + our rows, byte for byte (BOM, quoting and padding as CBS wrote them)."""
    raw = src.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]], delimiter=";"))
    code_idx = next(i for i, h in enumerate(header) if h.endswith("Codering (code)"))
    kept = [lines[0]]
    for line in lines[1:]:
        fields = next(csv.reader([line], delimiter=";"))
        if _ours(fields[code_idx]):
            kept.append(line)
    dst.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(kept).encode("utf-8"))
    return len(kept) - 1


def build_kwb_2024_statline(raw: Path, out: Path) -> None:
    n = _filter_statline_csv(
        raw / "cbs_kwb2024_statline_swienn/Kerncijfers_wijken_en_buurten_2024_geslachten.csv",
        out / "kwb-2024-statline-bevolking.csv",
    )
    print(f"kwb-2024-statline-bevolking.csv: {n} rijen")


def build_kwb_2024_odata(raw: Path, out: Path) -> None:
    data = json.loads((raw / "cbs_kwb2024_odata_85984NED_wikigen/stripped_filtered_data_2024.json")
                      .read_text("utf-8"))
    kept = {code: rec for code, rec in sorted(data.items()) if _ours(code)}
    (out / "kwb-2024-odata-85984NED.json").write_text(json.dumps(kept, indent=1), "utf-8")
    print(f"kwb-2024-odata-85984NED.json: {len(kept)} records")


def build_kwb_2021_2022(raw: Path, out: Path) -> None:
    frame = pd.read_csv(raw / "cbs_kwb2021_2022_wijk_capybara/data.csv", dtype=str,
                        keep_default_na=False)
    frame = frame[frame["gwb_code_10"].map(_ours)].copy()
    is_2021 = frame["year"] == "2021"
    for col in X10_FIELDS_2021:
        vals = pd.to_numeric(frame.loc[is_2021, col], errors="coerce")
        fixed = (vals / 10).round(1)
        frame.loc[is_2021, col] = fixed.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    frame.to_csv(out / "kwb-2021-2022-wijk.csv", index=False)
    print(f"kwb-2021-2022-wijk.csv: {len(frame)} rijen")


def _filter_attr_csv(src: Path, dst: Path, code_col: str) -> None:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame = frame[frame[code_col].map(_ours)]
    frame.to_csv(dst, index=False)
    print(f"{dst.name}: {len(frame)} rijen")


def build_wbk_attributes(raw: Path, out: Path) -> None:
    base = raw / "cbs_kwb2021_2022_wijk_capybara"
    _filter_attr_csv(base / "wijk_2022_v1_attributes.csv", out / "wbk-2022-wijk.csv", "WK_CODE")
    _filter_attr_csv(base / "gemeente_2022_v1_attributes.csv", out / "wbk-2022-gemeente.csv",
                     "GM_CODE")
    base = raw / "cbs_wbk2016_wijk_gemeente_attributes"
    _filter_attr_csv(base / "wijk_2016_attributes.csv", out / "wbk-2016-wijk.csv", "WK_CODE")
    _filter_attr_csv(base / "gem_2016_attributes.csv", out / "wbk-2016-gemeente.csv", "GM_CODE")


def build_kwb_2017_rotterdam(raw: Path, out: Path) -> None:
    data = json.loads((raw / "rotterdam_kwb2017_ikgeo/ikgeoData.json").read_text("utf-8-sig"))
    for rec in data["value"].values():
        if "k_65JaarrOfOude_12" in rec:
            rec["k_65JaarOfOuder_12"] = rec.pop("k_65JaarrOfOude_12")
    (out / "kwb-2017-rotterdam-odata.json").write_text(json.dumps(data, indent=1), "utf-8")
    print(f"kwb-2017-rotterdam-odata.json: {len(data['value'])} records")


def build_groningen_2017(raw: Path, out: Path) -> None:
    for name in ("buurt2017.zip", "wijk2017.zip"):
        shutil.copyfile(raw / "groningen_wbk2017_kennisnetwerk" / name,
                        out / f"wbk-2017-groningen-{name}")
        print(f"wbk-2017-groningen-{name}: gekopieerd")


def build_enschede_2021(raw: Path, out: Path) -> None:
    frame = gpd.read_file(raw / "twente_wbk2021_buurten_chimneyfire/buurten.shp")
    frame = frame[frame["gemeenteco"] == "GM0153"].sort_values("buurtcode")
    dst = out / "wbk-2021-enschede-buurten.gpkg"
    if dst.exists():
        dst.unlink()
    pyogrio.write_dataframe(frame, dst, layer="buurten_2021", driver="GPKG")
    print(f"{dst.name}: {len(frame)} buurten")


def build_geometry(raw: Path, out: Path) -> None:
    src = raw / "cbs_kwb2021_2022_wijk_capybara/wijk_geojson_extracted"
    parts = []
    for name in ("Rotterdam", "Groningen", "Enschede", "Assen"):
        gdf = gpd.read_file(src / f"{name}_wijken_2022v1_kwb2021.geojson")
        keep = [c for c in ("gwb_code_10", "regio", "gm_naam") if c in gdf.columns]
        parts.append(gdf[[*keep, "geometry"]])
    wijken = pd.concat(parts, ignore_index=True).rename(
        columns={"gwb_code_10": "WK_CODE", "regio": "WK_NAAM", "gm_naam": "GM_NAAM"}
    )
    wijken["JAAR"] = 2022
    _write_geojson(gpd.GeoDataFrame(wijken, crs="EPSG:4326"), out / "grenzen-2022-wijken.geojson")

    rdam = gpd.read_file(raw / "rotterdam_kwb2017_ikgeo/rotterdam_buurten.geojson")
    rdam = rdam[["id", "name", "geometry"]].rename(columns={"id": "BU_CODE", "name": "BU_NAAM"})
    _write_geojson(rdam.sort_values("BU_CODE"), out / "grenzen-2014-rotterdam-buurten.geojson")

    topo = raw / "cbs_gebiedsindelingen_topojson_ties"
    assen = gpd.read_file(f"TopoJSON:{topo / 'Buurt_2014_layer_q1e3.json'}")
    assen = assen[assen["statcode"].str.startswith("BU0106")].sort_values("statcode")
    assen = assen[["statcode", "statnaam", "geometry"]].rename(
        columns={"statcode": "BU_CODE", "statnaam": "BU_NAAM"})
    _write_geojson(assen.set_crs("EPSG:4326", allow_override=True),
                   out / "grenzen-2014-assen-buurten-grof.geojson")
    gem = gpd.read_file(f"TopoJSON:{topo / 'Gemeente_2015_layer_q1e3.json'}")
    gem = gem[gem["statcode"].isin(list(MUNICIPALITIES))].sort_values("statcode")
    gem = gem[["statcode", "statnaam", "geometry"]].rename(
        columns={"statcode": "GM_CODE", "statnaam": "GM_NAAM"})
    _write_geojson(gem.set_crs("EPSG:4326", allow_override=True),
                   out / "grenzen-2015-gemeenten-grof.geojson")


def _write_geojson(gdf: gpd.GeoDataFrame, dst: Path) -> None:
    gdf = gdf.reset_index(drop=True)
    text = gdf.to_json(drop_id=True, ensure_ascii=False)
    dst.write_text(text, "utf-8")
    print(f"{dst.name}: {len(gdf)} vlakken")


def build_tables(raw: Path, out: Path) -> None:
    lbm = raw / "leefbaarometer2_dimensiescores_wijk_gemeente"
    for level in ("wijk", "gemeente"):
        frame = pd.read_csv(lbm / f"dimensiescore_{level}_stand__data1.csv", dtype=str,
                            keep_default_na=False)
        frame = frame[frame["GBD"].map(_ours)]
        frame.to_csv(out / f"leefbaarometer-{level}-2012-2016.csv", index=False)
        print(f"leefbaarometer-{level}-2012-2016.csv: {len(frame)} rijen")
    wp = raw / "rotterdam_wijkprofiel_shinyhousemap"
    shutil.copyfile(
        wp / "Datastructuur wijkprofiel vulling 2016_definitief 03022016_Basis voor gebieden.xls",
        out / "wijkprofiel-rotterdam-2014-2016.xls",
    )
    print("wijkprofiel-rotterdam-2014-2016.xls: gekopieerd")


#: CBS/RIVM 50090NED files (year, age group) -> demo file name.
HEALTH_FILES = {
    "2012_18+.xlsx": "gezondheid-50090NED-2012-18plus.xlsx",
    "2012_18_65.xlsx": "gezondheid-50090NED-2012-18-64.xlsx",
    "2012_65+.xlsx": "gezondheid-50090NED-2012-65plus.xlsx",
    "2016_18+.xlsx": "gezondheid-50090NED-2016-18plus.xlsx",
    "2016_18_65.xlsx": "gezondheid-50090NED-2016-18-64.xlsx",
    "2016_65+.xlsx": "gezondheid-50090NED-2016-65plus.xlsx",
    "RIVM_gezondheid2020_18+.xlsx": "gezondheid-50090NED-2020-18plus.xlsx",
    "RIVM_gezondheid2020_65+.xlsx": "gezondheid-50090NED-2020-65plus.xlsx",
}


def build_health(raw: Path, out: Path) -> None:
    """The eight 50090NED files, byte for byte: the snapshot in shared/data already holds only
    NL01 and the four municipalities (checked here, so a wider snapshot fails loudly)."""
    src = raw / "rivm_gezondheid_wijk_buurt_50090NED"
    for name, dst in HEALTH_FILES.items():
        frame = pd.read_excel(src / name, dtype=str, keep_default_na=False)
        foreign = frame.loc[~frame["WijkenEnBuurten"].map(_ours), "WijkenEnBuurten"]
        if len(foreign):
            raise SystemExit(f"{name}: rijen van andere gemeenten ({foreign.iloc[0].strip()}); "
                             "filter het bestand eerst")
        shutil.copyfile(src / name, out / dst)
        print(f"{dst}: {len(frame)} rijen (gekopieerd)")


STEPS = (
    build_kwb_2024_statline, build_kwb_2024_odata, build_kwb_2021_2022, build_wbk_attributes,
    build_kwb_2017_rotterdam, build_groningen_2017, build_enschede_2021, build_geometry,
    build_tables, build_health,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("../shared/data/raw"))
    parser.add_argument("--out", type=Path, default=data_dir())
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for step in STEPS:
        step(args.raw, args.out)
    for line in CORRECTIONS:
        print("correctie:", line)


if __name__ == "__main__":
    main()
