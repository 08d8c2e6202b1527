"""Every file in ../shared/data/raw either imports or is refused with a clear reason.

:data:`EXPECTED` classifies each file (relative path) with the importer(s) to use, their
options and the outcome: imported (sane counts), refused (a DataError whose message contains
the reason) or not area data (metadata, sidecars: skipped with the reason, after checking that
importing it gives a DataError rather than a crash). A new file in shared/data makes
:func:`test_every_file_is_classified` fail until it is added here.

The Histograph per-buurt/per-wijk JSON files are covered by a few representatives that are
imported, plus a check that all of them parse with ``read_boundaries`` (no database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA, table_counts
from wijkkompas.areas.boundaries import read_boundaries
from wijkkompas.data.kwb import read_kwb
from wijkkompas.errors import DataError
from wijkkompas.services.budgeting.rounds import import_round, load
from wijkkompas.workspace import Workspace

HISTOGRAPH_BUURTEN = "rotterdam_wijkprofiel_shinyhousemap/geojsons/buurten/*.json"
HISTOGRAPH_WIJKEN = "rotterdam_wijkprofiel_shinyhousemap/geojsons/wijken/*.json"
HISTOGRAPH_SAMPLES = (
    "rotterdam_wijkprofiel_shinyhousemap/geojsons/buurten/BU05990110.json",
    "rotterdam_wijkprofiel_shinyhousemap/geojsons/buurten/BU05991082.json",
    "rotterdam_wijkprofiel_shinyhousemap/geojsons/buurten/BU05991446.json",
    "rotterdam_wijkprofiel_shinyhousemap/geojsons/wijken/WK059901.json",
)


@dataclass(frozen=True)
class Expect:
    """How one file is imported and what must come out."""

    importer: str  # cbs / boundaries / table / pb (a buurtbudget round)
    options: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None  # part of the DataError message; None = must import
    not_area: str | None = None  # reason the file holds no area statistics (skipped)


def ok(importer: str, **options: Any) -> Expect:
    return Expect(importer, options)


def refused(importer: str, reason: str, **options: Any) -> Expect:
    return Expect(importer, options, refused=reason)


def not_area(importer: str, reason: str, message: str) -> Expect:
    return Expect(importer, {}, refused=message, not_area=reason)


TOPO = "cbs_gebiedsindelingen_topojson_ties/"
CAPY = "cbs_kwb2021_2022_wijk_capybara/"
WIKI = "cbs_kwb2024_odata_85984NED_wikigen/"
SWIENN = "cbs_kwb2024_statline_swienn/"
WBK16 = "cbs_wbk2016_wijk_gemeente_attributes/"
CTH = "clickthathood_geojson/"
GRON = "groningen_wbk2017_kennisnetwerk/"
LBM = "leefbaarometer2_dimensiescores_wijk_gemeente/"
IKGEO = "rotterdam_kwb2017_ikgeo/"
WP = "rotterdam_wijkprofiel_shinyhousemap/"
SCP = "scp_jeugdhulp_in_de_wijk_2017/"
TWENTE = "twente_wbk2021_buurten_chimneyfire/"
RIVM = "rivm_gezondheid_wijk_buurt_50090NED/"
PABU = "pabulib/"

NO_CODES = "geen veld met CBS-gebiedscodes"
NO_YEAR = "het jaar staat niet in het bestand of de bestandsnaam"
NO_NUMBERS = "geen enkele kolom met getallen"
NO_CODE_COLUMN = "geen kolom met CBS-gebiedscodes gevonden"
SCP_WIJK = {"code_format": "scp_wijk", "year": 2017}

EXPECTED: dict[str, list[Expect]] = {
    TOPO + "Buurt_2014_layer_q1e3.json": [ok("boundaries")],
    TOPO + "Gemeente_2015_layer_q1e3.json": [ok("boundaries")],
    TOPO + "Wijk_2014_layer_q1e3.json": [ok("boundaries")],
    "cbs_kwb2019_gemeente_dsa2022/kwb-2019.csv": [
        ok("table"),
        refused("cbs", "onbekende vorm"),
    ],
    # The 2021 rows lost their decimal point (PROVENANCE.md §3): 40,0 % became 400.
    CAPY + "data.csv": [refused("cbs", "buiten het geldige bereik van p_ink_li (0 tot en met 100)")],
    CAPY + "gemeente_2022_v1_attributes.csv": [ok("cbs")],
    CAPY + "wijk_2022_v1_attributes.csv": [ok("cbs")],
    CAPY + "wijk_geojson_extracted/Assen_wijken_2022v1_kwb2021.geojson": [ok("boundaries")],
    CAPY + "wijk_geojson_extracted/Enschede_wijken_2022v1_kwb2021.geojson": [ok("boundaries")],
    CAPY + "wijk_geojson_extracted/Groningen_wijken_2022v1_kwb2021.geojson": [
        ok("boundaries")],
    CAPY + "wijk_geojson_extracted/Rotterdam_wijken_2022v1_kwb2021.geojson": [
        # Same x10 quirk as data.csv in the KWB 2021 attributes: 14,3 % became 143.
        ok("boundaries"), refused("cbs", "buiten het geldige bereik van p_hh_110")],
    WIKI + "DataProperties.json": [
        not_area("cbs", "CBS-metadata van tabel 85984NED (onderwerpen, eenheden, "
                 "definities): een woordenboek, geen gebiedscijfers", "onbekende vorm")],
    WIKI + "TableInfos.json": [
        not_area("cbs", "CBS-tabelbeschrijving van 85984NED, geen gebiedscijfers",
                 "onbekende vorm")],
    WIKI + "stripped_filtered_data_2024.json": [ok("cbs")],
    SWIENN + "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv": [
        refused("cbs", "StatLine-export zonder kolom met gebiedscodes")],
    SWIENN + "Kerncijfers_wijken_en_buurten_2024_geslachten.csv": [ok("cbs")],
    WBK16 + "gem_2016_attributes.csv": [ok("cbs")],
    WBK16 + "wijk_2016_attributes.csv": [ok("cbs")],
    CTH + "enschede.geojson": [refused("boundaries", NO_CODES)],
    CTH + "rotterdam.geojson": [refused("boundaries", NO_CODES)],
    CTH + "enschede.metadata.json": [
        not_area("boundaries", "metadata van click_that_hood (bron, licentie)",
                 "JSON zonder (Geo/Topo)JSON-gebieden")],
    CTH + "rotterdam.metadata.json": [
        not_area("boundaries", "metadata van click_that_hood (bron, licentie)",
                 "JSON zonder (Geo/Topo)JSON-gebieden")],
    "denhaag_kwb2019_dhzw/marginal_distributions_84583NED_den_haag_2019.csv": [ok("cbs")],
    GRON + "buurt2017.zip": [ok("boundaries"), ok("cbs")],
    GRON + "wijk2017.zip": [ok("boundaries"), ok("cbs")],
    GRON + "buurtindeling.zip": [refused("boundaries", NO_CODES)],
    GRON + "wijkindeling.zip": [refused("boundaries", NO_CODES)],
    LBM + "dimensiescore_gemeente_stand__data1.csv": [ok("table")],
    LBM + "dimensiescore_wijk_stand__data1.csv": [ok("table")],
    LBM + "dimensiescore_gemeente_stand__data2.csv": [refused("table", NO_YEAR)],
    LBM + "dimensiescore_wijk_stand__data2.csv": [refused("table", NO_YEAR)],
    LBM + "dimensiescore_gemeente_ontwikkeling__data1.csv": [refused("table", NO_YEAR)],
    LBM + "dimensiescore_gemeente_ontwikkeling__data2.csv": [refused("table", NO_YEAR)],
    LBM + "dimensiescore_wijk_ontwikkeling__data1.csv": [refused("table", NO_YEAR)],
    LBM + "dimensiescore_wijk_ontwikkeling__data2.csv": [refused("table", NO_YEAR)],
    IKGEO + "ikgeoData.json": [ok("cbs", year=2017), refused("cbs", "--year")],
    IKGEO + "rotterdam_buurten.geojson": [ok("boundaries", year=2014)],
    WP + "Context2015 voor website_totaal 25012016.xls": [
        refused("table", NO_CODE_COLUMN, header_row=1)],
    WP + "Datastructuur wijkprofiel vulling 2016_definitief 03022016_Basis voor gebieden.xls": [
        ok("table")],
    WP + "all_data_buurten_2014.csv": [ok("table")],
    WP + "all_data_buurten_2016.csv": [ok("table")],
    WP + "cbs_buurten.csv": [refused("table", NO_NUMBERS, year=2016)],
    WP + "cbs_wijken.csv": [refused("table", NO_NUMBERS, year=2016)],
    WP + "cbs_woz_2014.csv": [
        refused("cbs", "alleen gebiedsnamen, zonder gebiedscodes"),
        refused("table", "alleen gebiedsnamen, zonder gebiedscodes"),
    ],
    WP + "veiligheid.csv": [refused("table", NO_CODE_COLUMN, year=2016)],
    HISTOGRAPH_BUURTEN: [ok("boundaries", year=2014)],
    # The one Histograph file with an empty FeatureCollection.
    WP + "geojsons/buurten/BU05990117.json": [
        refused("boundaries", "geen gebieden (features) in het bestand", year=2014)],
    HISTOGRAPH_WIJKEN: [ok("boundaries", year=2014)],
    SCP + "beschrijving.csv": [
        not_area("table", "SCP-onderzoeksverantwoording (tekst), geen cijfers",
                 "geen scheidingsteken gevonden")],
    SCP + "bronnen.csv": [
        not_area("table", "SCP-bronnenlijst (tekst), geen cijfers", NO_CODE_COLUMN)],
    SCP + "determinanten.csv": [
        ok("table", **SCP_WIJK), refused("table", "--code-format scp_wijk", year=2017)],
    SCP + "gebruik.csv": [
        ok("table", **SCP_WIJK), refused("table", "--code-format scp_wijk", year=2017)],
    SCP + "wijk.csv": [refused("table", NO_NUMBERS, **SCP_WIJK)],
    TWENTE + "buurten.shp": [ok("boundaries"), ok("cbs")],
    TWENTE + "buurten.dbf": [ok("cbs")],
    TWENTE + "buurten.prj": [
        not_area("boundaries", "bijbestand van buurten.shp (coördinatenstelsel)",
                 "niet te lezen")],
    TWENTE + "buurten.shx": [
        not_area("cbs", "bijbestand van buurten.shp (index); importeer buurten.shp",
                 "geen tekstbestand")],
    TWENTE + "gemeente.json": [ok("boundaries")],
    # CBS/RIVM 50090NED (OData UntypedDataSet saved as xlsx): one file per year and age group.
    # `import cbs` reads it as what it is (one indicator per subject and age group);
    # `import table` would turn the age group into an indicator, so it refuses and says so.
    RIVM + "*.xlsx": [ok("cbs"), refused("table", "wijkkompas import cbs")],
    PABU + "Netherlands_Amsterdam_304.pb": [
        ok("pb"), refused("table", "geen scheidingsteken gevonden")],
    PABU + "Netherlands_Assen_2024.pb": [
        ok("pb"), refused("table", "geen scheidingsteken gevonden")],
    PABU + "Poland_Warszawa_2019_Zacisze.pb": [
        ok("pb"), refused("table", "geen scheidingsteken gevonden")],
    PABU + "PROVENANCE.txt": [
        not_area("table", "herkomst en checksums van de pabulib-bestanden (tekst)",
                 "niet te lezen als tabel")],
}


def shared_files() -> list[str]:
    if not SHARED_DATA.exists():
        return []
    return sorted(str(p.relative_to(SHARED_DATA)) for p in SHARED_DATA.rglob("*")
                  if p.is_file())


def classify(rel: str) -> list[Expect] | None:
    if rel in EXPECTED:
        return EXPECTED[rel]
    return next((v for k, v in EXPECTED.items() if "*" in k and fnmatch(rel, k)), None)


def _cases() -> list[Any]:
    files = [f for f in shared_files()
             if not (fnmatch(f, HISTOGRAPH_BUURTEN) or fnmatch(f, HISTOGRAPH_WIJKEN))]
    files += [f for f in shared_files() if f in HISTOGRAPH_SAMPLES or (
        f in EXPECTED and (fnmatch(f, HISTOGRAPH_BUURTEN) or fnmatch(f, HISTOGRAPH_WIJKEN)))]
    out = []
    for rel in sorted(files):
        for i, expect in enumerate(classify(rel) or []):
            out.append(pytest.param(rel, expect, id=f"{rel}[{expect.importer}{i or ''}]"))
    return out


def run_import(ws: Workspace, path: Path, expect: Expect):  # noqa: ANN201
    fn = {"cbs": ws.import_cbs, "boundaries": ws.import_boundaries,
          "table": ws.import_table}[expect.importer]
    return fn(path, **expect.options)


def test_every_file_is_classified(shared_data: Path) -> None:
    missing = [f for f in shared_files() if classify(f) is None]
    assert not missing, f"files in shared/data without an expected outcome: {missing}"
    stale = [k for k in EXPECTED if "*" not in k and not (shared_data / k).exists()]
    assert not stale, f"expected outcomes for files that no longer exist: {stale}"


@pytest.mark.parametrize(("rel", "expect"), _cases())
def test_shared_file(rel: str, expect: Expect, shared_data: Path,
                     workspace: Workspace) -> None:
    path = shared_data / rel
    if expect.refused is not None:
        before = table_counts(workspace)
        with pytest.raises(DataError) as info:
            run_import(workspace, path, expect)
        assert expect.refused in str(info.value), str(info.value)
        assert info.value.file in (path.name, str(path)) or str(info.value).startswith(
            path.name), str(info.value)
        assert table_counts(workspace) == before
        if expect.not_area:
            pytest.skip(f"geen gebiedsgegevens: {expect.not_area}")
        return
    if expect.importer == "pb":  # a buurtbudget round: projects and ballots as META counts them
        info = import_round(workspace, path.read_bytes(), file=path.name)
        _row, rnd, _props = load(workspace, info["id"])
        assert len(rnd.projects) == int(rnd.meta["num_projects"]) == info["projects"]
        assert len(rnd.ballots) == int(rnd.meta["num_votes"]) == info["ballots"]
        return
    report = run_import(workspace, path, expect)
    assert not report.skipped
    assert report.regions > 0 and report.years
    if expect.importer == "boundaries":
        assert report.boundaries > 0 and report.inserted == report.boundaries
    else:
        assert report.indicators > 0 and report.values > 0
        assert report.inserted == report.values + report.suppressed + report.missing
    areas = workspace.areas()
    assert len(areas) >= report.regions


def test_all_histograph_files_parse(shared_data: Path) -> None:
    files = [f for f in shared_files()
             if fnmatch(f, HISTOGRAPH_BUURTEN) or fnmatch(f, HISTOGRAPH_WIJKEN)]
    assert len(files) == 76 + 14
    for rel in files:
        if classify(rel)[0].refused:
            with pytest.raises(DataError, match=re.escape(classify(rel)[0].refused)):
                read_boundaries(shared_data / rel, year=2014)
            continue
        data = read_boundaries(shared_data / rel, year=2014)
        assert len(data.frame) == 1, rel
        code = data.frame["area_code"].iloc[0]
        assert code == Path(rel).stem, rel  # the file is named after its CBS code
        assert data.frame["geometry"].iloc[0].area > 0


# --- fixes the coverage revealed -------------------------------------------------------------


def test_scp_wijk_numbers(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_table(shared_data / SCP / "gebruik.csv", **SCP_WIJK)
    assert report.years == [2017] and report.regions == 2812 and report.indicators == 3
    obs = workspace.observations()
    # gebruik.csv: "59901,11.273,9.541,1.732" and "300,12.489,14.376,-1.887"
    assert obs.loc[("WK059901", "perc_jhzv", 2017), "value"] == pytest.approx(11.273)
    assert obs.loc[("WK000300", "residu", 2017), "value"] == pytest.approx(-1.887)


def test_kwb_joined_jeugdzorg_columns(shared_data: Path) -> None:
    parsed = read_kwb(shared_data / CAPY / "data.csv")
    assert not any("gekoppelde CBS-tabel" in w for w in parsed.warnings)
    obs = parsed.observations.set_index(["area_code", "indicator", "year"])
    # data.csv, GM0014 2021: Perioden 2021JJ00, TotaalJongerenMetJeugdzorgInNatura_1 5465,
    # TotaalTrajectenInNatura_9 8270; WK001400 2021: 110 / 145.
    assert obs.loc[("GM0014", "jz_natura", 2021), "value"] == 5465
    assert obs.loc[("GM0014", "jz_trajecten", 2021), "value"] == 8270
    assert obs.loc[("WK001400", "jz_natura", 2021), "value"] == 110
    assert ("NL00", "jz_natura", 2021) not in obs.index or \
        obs.loc[("NL00", "jz_natura", 2021), "status"] == "missing"


def test_kwb_joined_columns_of_another_year_are_skipped(workspace: Workspace,
                                                        tmp_path: Path) -> None:
    header = "gwb_code_10,regio,a_inw,Wijken,Perioden,TotaalJongerenMetJeugdzorgInNatura_1,year"
    path = tmp_path / "kwb_2021.csv"
    path.write_text(f"{header}\nGM0106,Assen,68979,GM0106,2020JJ00,1200,2021\n", "utf-8")
    report = workspace.import_cbs(path)
    assert any("gekoppelde CBS-tabel" in w and "2020JJ00" in w for w in report.warnings)
    assert set(workspace.observations().index.get_level_values("indicator")) == {"a_inw"}


def test_implied_municipalities_get_their_name(workspace: Workspace,
                                               shared_data: Path) -> None:
    workspace.import_cbs(shared_data / WBK16 / "wijk_2016_attributes.csv")
    areas = workspace.areas()
    assert areas.loc["GM0599", "name"] == "Rotterdam"
    assert areas.loc["GM0153", "name"] == "Enschede"


def test_placeholder_name_filled_but_real_name_kept(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    first = tmp_path / "lbm_2016.csv"
    first.write_text("gebied,jaar,score\nWK059901,2016,1\nWK010600,2016,2\n", "utf-8")
    workspace.import_table(first)
    assert workspace.areas().loc["GM0599", "name"] == "GM0599"  # only the code so far
    second = tmp_path / "tabel_2016.csv"
    second.write_text("gebied,gm_naam,score2\nWK059901,Rotterdam,1\n", "utf-8")
    workspace.import_table(second)
    assert workspace.areas().loc["GM0599", "name"] == "Rotterdam"
    named = tmp_path / "gm_2016.csv"
    named.write_text("gebied,naam,score3\nGM0106,Assen,1\n", "utf-8")
    workspace.import_table(named)
    third = tmp_path / "ander_2016.csv"
    third.write_text("gebied,gm_naam,score4\nWK010600,Gemeente Assen,1\n", "utf-8")
    workspace.import_table(third)
    assert workspace.areas().loc["GM0106", "name"] == "Assen"  # a real name is never replaced
