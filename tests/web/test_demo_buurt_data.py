"""The demo holds the real buurt-level sources: CBS/RIVM 50090NED health per buurt for the four
municipalities in 2012/2016/2020, Rotterdam KWB 2017 per buurt and the 2024 population.

The counts are those of demo/data/PROVENANCE.md ("Buurten met waarden per gemeente, jaar en
bron"); a change in the demo data that changes them must update that table too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace


@pytest.fixture(scope="module")
def buurt_obs(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("d")), user="tester")
    ws = Workspace.open(demo_url, settings=settings)
    try:
        buurten = ws.areas(level="neighbourhood")
        frame = ws.observations(areas=list(buurten.index)).reset_index()
        national = ws.observations(areas=["NL00"], indicators=["gz_eenzaam_65p"])
    finally:
        ws.close()
    frame = frame[frame["status"] == "ok"].copy()
    frame["gm"] = frame["area_code"].str[2:6]
    frame.attrs["national"] = national
    return frame


def _buurten(frame: pd.DataFrame, indicator: str, year: int) -> dict[str, int]:
    sub = frame[(frame["indicator"] == indicator) & (frame["year"] == year)]
    return sub.groupby("gm")["area_code"].nunique().to_dict()


def test_health_per_buurt_in_every_municipality_and_year(buurt_obs: pd.DataFrame) -> None:
    expected = {
        2012: {"0599": 84, "0014": 124, "0153": 68, "0106": 99},
        2016: {"0599": 83, "0014": 123, "0153": 69, "0106": 100},
        2020: {"0599": 83, "0014": 128, "0153": 69, "0106": 101},
    }
    for year, counts in expected.items():
        assert _buurten(buurt_obs, "gz_eenzaam_18p", year) == counts, year
        assert _buurten(buurt_obs, "gz_moeite_rondkomen_18p", year) == counts, year
    assert _buurten(buurt_obs, "gz_eenzaam_18_64", 2016)["0014"] == 123
    assert "gz_eenzaam_18_64" not in set(buurt_obs.loc[buurt_obs["year"] == 2020, "indicator"])


def test_national_reference_has_health_values(buurt_obs: pd.DataFrame) -> None:
    national = buurt_obs.attrs["national"]
    assert sorted(national.reset_index()["year"]) == [2012, 2016, 2020]


def test_rotterdam_kwb_2017_and_population_2024_per_buurt(buurt_obs: pd.DataFrame) -> None:
    assert _buurten(buurt_obs, "g_ink_pi", 2017) == {"0599": 76}
    assert _buurten(buurt_obs, "g_gewsek", 2017) == {"0599": 80}
    assert _buurten(buurt_obs, "p_koopw", 2017) == {"0599": 78}
    assert _buurten(buurt_obs, "a_inw", 2024) == {"0599": 91, "0014": 151, "0153": 70,
                                                   "0106": 109}
