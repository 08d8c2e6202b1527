"""Buurt level on the pages (issue 12): the overview scores buurten in every peiljaar with a
ranking, the approach is a map layer, a ranking column, a matrix with downloads and part of the
profile, and the profile compares in the year of the area's own value."""

from __future__ import annotations

import csv
import io

import openpyxl
from fastapi.testclient import TestClient


def test_buurt_overview_ranks_buurten_in_several_peiljaren(client: TestClient) -> None:
    view = client.get("/api/v1/overzicht", params={"gemeente": "GM0599", "niveau": "buurt"})
    assert view.status_code == 200, view.text
    data = view.json()
    assert data["niveau"] == "buurt" and not data["notices"], data["notices"]
    codes = [r["code"] for r in data["ranking"]]
    assert codes and all(c.startswith("BU0599") for c in codes)
    years = [int(o["value"]) for o in data["jaren"]]
    assert len(years) >= 2 and data["jaar"] == years[-1]
    # The most urgent buurt comes first, rank 1, and every priority row has 500+ inhabitants
    # (a not-assessed buurt says why and has no rank).
    assert data["ranking"][0]["rank"] == 1
    for row in data["ranking"]:
        if row["not_assessed"]:
            assert row["rank"] is None and row["tier"] == "niet beoordeeld"
    earlier = client.get("/api/v1/overzicht", params={"gemeente": "GM0599", "niveau": "buurt",
                                                      "jaar": years[0]})
    assert earlier.status_code == 200 and earlier.json()["jaar"] == years[0]


def test_approach_layer_column_matrix_and_downloads(client: TestClient) -> None:
    params = {"gemeente": "GM0153", "kleur": "aanpak"}
    data = client.get("/api/v1/overzicht", params=params).json()
    matrix = data["aanpak"]
    assert matrix["name"].startswith("Aanpak")
    assert [r["aanpak"] for r in matrix["rules"]][-1] == "regulier"
    assert {o["value"] for o in matrix["opgaven"]} == {"urgentie", "potentie"}
    approaches = {r["approach"] for r in matrix["rows"]}
    assert "intensief herstructureren" in approaches or "investeren met partners" in approaches
    legend = {item["label"] for item in data["legend"]}
    assert "regulier" in legend
    assert all(r["approach"] is None or r["colour"] != "#d9d9d9" for r in data["ranking"])
    page = client.get("/", params=params)
    assert page.status_code == 200 and "Aanpak per gebied" in page.text
    body = client.get("/api/v1/aanpak.csv", params={"gemeente": "GM0153"}).text
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in body.splitlines() if not line.startswith("#")))))
    assert rows and {"area_code", "tier_urgentie", "tier_potentie", "approach",
                     "explanation"} <= set(rows[0])
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/api/v1/aanpak.xlsx", params={"gemeente": "GM0153"}).content))
    assert "aanpak" in book.sheetnames
    ranking = client.get("/api/v1/ranglijst.csv", params={"gemeente": "GM0153"}).text
    assert "approach" in ranking and "not_assessed" in ranking


def test_profile_shows_the_approach_and_compares_in_the_same_year(client: TestClient) -> None:
    data = client.get("/api/v1/gebied/BU05991086").json()  # Afrikaanderwijk
    assert data["approach"]["name"] == "Aanpak (naar NPRZ)"
    assert data["approach"]["approach"] and "→" in data["approach"]["explanation"]
    rows = {r["code"]: r for r in data["indicators"]["rows"]}
    # Income per inhabitant is a 2017 figure for buurten, health 2020, inhabitants 2024:
    # each row compares in its own latest year.
    assert rows["g_ink_pi"]["comparison_year"] == 2017
    assert rows["a_inw"]["comparison_year"] == 2024
    assert rows["gz_eenzaam_18p"]["comparison_year"] == 2020
    rotterdam = data["indicators"]["comparison_labels"].index("Rotterdam")
    assert rows["gz_eenzaam_18p"]["comparison"][rotterdam]["value"] is not None
    # Peiljaar 2021 draws on 2017-2021: health from 2020, income from 2017 (in 2024 the 2017
    # income falls outside the window and is left out).
    in_2021 = client.get("/api/v1/gebied/BU05991086", params={"jaar": 2021}).json()
    years = {c["indicator"]: c["year"] for op in in_2021["opgaven"]
             for c in op["contributions"]}
    assert years["gz_eenzaam_18p"] == 2020 and years["g_ink_pi"] == 2017
    latest = {c["indicator"]: c["year"] for op in data["opgaven"] for c in op["contributions"]}
    assert latest["g_ink_pi"] is None
    page = client.get("/gebied/BU05991086")
    assert page.status_code == 200 and "Vergeleken in" in page.text
