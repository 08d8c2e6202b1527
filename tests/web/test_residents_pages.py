"""Wat de cijfers zeggen – wat bewoners zeggen on the demo: the profile block, the municipality
page with its map, the JSON twins and the downloads."""

from __future__ import annotations

import io

import pandas as pd
from fastapi.testclient import TestClient

from wijkkompas.data.catalogue import load_catalogue
from wijkkompas.services.shared.cache import ResultCache
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.workspace import Workspace

BUURT = "BU01060105"  # Luchiesland Noord: in the constructed Assen example


def test_profile_shows_residents_beside_the_needs_profile(client: TestClient) -> None:
    page = client.get(f"/gebied/{BUURT}")
    assert page.status_code == 200
    html = page.text
    assert "Wat de cijfers zeggen – wat bewoners zeggen" in html
    assert html.index("scores-titel") < html.index("bewoners-titel") < html.index("ind-titel")
    assert "VOORBEELD" in html and "Reden om in gesprek te gaan" in html
    for bad in (">nan<", "None", "numbers_need"):
        assert bad not in html
    # An area without resident input has no block.
    assert "bewoners-titel" not in client.get("/gebied/WK010603").text


def test_numbers_side_follows_the_framework(client: TestClient, demo_url: str) -> None:
    rows = client.get(f"/api/v1/gebied/{BUURT}").json()["residents"]["rows"]
    by_label = {r["label"]: r for r in rows}
    assert {"Eenzaamheid", "Gezondheid", "Verkeersveiligheid"} <= set(by_label)
    ws = Workspace.open(demo_url)
    try:
        result = ViewContext(ws, ResultCache()).scored("assen", "neighbourhood").result
    finally:
        ws.close()
    cat = load_catalogue()
    year = max(y for y in result.years if y <= 2025)
    for label, theme in (("Eenzaamheid", "welzijn"), ("Gezondheid", "gezondheid")):
        inds = [c for c in result.normalised.columns if c in cat and cat[c].theme == theme]
        diff = (result.normalised.loc[(year, BUURT), inds]
                - result.reference_normalised[inds]).dropna()
        row = by_label[label]
        assert row["numbers_need"] == bool(diff.mean() < 0)
        need = row["residents_need"]
        expected = ("eens_opgave" if need and row["numbers_need"] else
                    "eens_geen_opgave" if not need and not row["numbers_need"] else
                    "bewoners_wel" if need else "cijfers_wel")
        assert row["verdict"] == expected
        assert row["differs"] == (expected in ("bewoners_wel", "cijfers_wel"))
    # Verkeersveiligheid maps to a theme the framework does not measure at buurt level.
    assert by_label["Verkeersveiligheid"]["verdict"] == "niet_gemeten"
    assert by_label["Verkeersveiligheid"]["numbers_need"] is None


def test_municipality_page_map_table_and_twin(client: TestClient) -> None:
    page = client.get("/bewoners?gemeente=GM0106&niveau=wijk")
    assert page.status_code == 200
    assert "Waar bewoners iets anders vinden dan de cijfers" in page.text
    view = client.get("/api/v1/bewoners?gemeente=GM0106&niveau=wijk").json()
    assert view["map"] and view["map"]["figure"]["data"]
    assert sum(item["count"] for item in view["legend"]) == len(view["map"]["figure"]["data"])
    areas = {a["code"]: a for a in view["areas"]}
    assert {"WK010601", "WK010606", "WK010604"} == set(areas)
    for code, area in areas.items():
        rows = [r for r in view["rows"] if r["area_code"] == code]
        assert area["differs"] == sum(r["differs"] for r in rows)
        assert (area["klasse"] == "verschil") == (area["differs"] > 0)
    small = [r for r in view["rows"] if r["area_code"] == "WK010604"]
    assert small and all(r["small_sample"] and "n = 28" in r["small_sample"] for r in small)
    # Rotterdam: the Wijkprofiel's subjective indices, a real survey shape.
    rotterdam = client.get("/api/v1/bewoners?gemeente=GM0599&niveau=buurt").json()
    assert len(rotterdam["areas"]) > 50
    assert {r["measure"] for r in rotterdam["rows"]} == {"index (100 = de stad)"}


def test_downloads_hold_the_same_rows(client: TestClient) -> None:
    view = client.get("/api/v1/bewoners?gemeente=GM0106&niveau=buurt").json()
    csv = client.get("/api/v1/bewoners.csv?gemeente=GM0106&niveau=buurt")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(csv.text), comment="#")
    assert len(frame) == len(view["rows"])
    assert set(frame["verdict"]) == {r["verdict"] for r in view["rows"]}
    assert "# method:" in csv.text
    xlsx = client.get(f"/api/v1/bewoners.xlsx?gebied={BUURT}")
    assert xlsx.status_code == 200
    sheet = pd.read_excel(io.BytesIO(xlsx.content), sheet_name="bewoners")
    assert set(sheet["area_code"]) == {BUURT}


def test_bad_requests(client: TestClient) -> None:
    assert client.get("/bewoners?niveau=straat").status_code == 422
    assert client.get("/api/v1/bewoners?gemeente=GM9999").status_code == 404
    assert client.get("/api/v1/bewoners.csv?gebied=BU99999999").status_code == 404
    assert client.get("/api/v1/bewoners.csv?gebied=" + "X" * 40).status_code == 422


def test_overview_map_has_the_residents_layer(client: TestClient) -> None:
    query = "gemeente=GM0106&niveau=buurt&kleur=bewoners"
    view = client.get(f"/api/v1/overzicht?{query}").json()
    mine = client.get("/api/v1/bewoners?gemeente=GM0106&niveau=buurt").json()
    classes = {a["code"]: a["colour"] for a in mine["areas"]}
    assert view["kleur"] == "bewoners" and classes
    assert sum(i["count"] for i in view["legend"]) == len(view["map"]["figure"]["data"])
    assert [i["count"] for i in view["legend"][:-1]] == [i["count"] for i in mine["legend"][:-1]]
    for row in view["ranking"]:
        assert row["colour"] == classes.get(row["code"], "#d9d9d9")
    assert "waar bewoners iets anders vinden dan de cijfers" in client.get(f"/?{query}").text


def test_themes_follow_the_areas_with_differences_first(client: TestClient) -> None:
    view = client.get("/api/v1/bewoners?gemeente=GM0106&niveau=buurt").json()
    areas = [a["code"] for a in view["areas"]]
    first_seen = list(dict.fromkeys(r["area_code"] for r in view["rows"]))
    assert first_seen == areas
    klassen = [a["klasse"] for a in view["areas"]]
    assert klassen == sorted(klassen, key=["verschil", "buiten_kader", "eens",
                                           "niet_te_vergelijken"].index)
