"""The JSON twins agree with their pages; one error shape; downloads parse; payload sizes."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from wijkkompas.errors import DataError, FrameworkError


def _cells(html: str, table_id: str) -> dict[str, str]:
    """data-code -> data-value of the score column, from the ranking table."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    out = {}
    for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, flags=re.S):
        values = re.findall(r'data-value="([^"]*)"', row)
        out[code] = values[2]
    return out


@pytest.mark.parametrize("query", ["", "?gemeente=GM0014", "?gemeente=GM0153&opgave=potentie",
                                   "?gemeente=GM0106&kleur=score"])
def test_overview_twin_has_the_same_numbers(client, query: str) -> None:  # noqa: ANN001
    page = client.get("/" + query).text
    api = client.get("/api/v1/overzicht" + query).json()
    table = _cells(page, "ranglijst")
    assert len(table) == len(api["ranking"]) > 0
    for row in api["ranking"]:
        value = row["score"]["value"]
        assert table[row["code"]] == ("" if value is None else str(value))
        assert row["name"] in page
    for item in api["legend"]:
        assert f"({item['count']})" in page
    # the map carries the same areas as the table, with profile links
    map_json = page.split('id="kaart-data">', 1)[1].split("</script>", 1)[0]
    figure = json.loads(map_json)
    assert figure == api["map"]["figure"]
    assert {t["meta"] for t in figure["data"]} >= {r["url"] for r in api["ranking"]}


def test_overview_breaks_are_fixed_across_years(client) -> None:  # noqa: ANN001
    api = client.get("/api/v1/overzicht?kleur=score").json()
    assert api["breaks"] == sorted(api["breaks"]) and len(api["breaks"]) >= 2
    for year in [o["value"] for o in api["jaren"]]:
        other = client.get(f"/api/v1/overzicht?kleur=score&jaar={year}").json()
        assert other["breaks"] == api["breaks"]


def test_profile_twin_has_the_same_numbers(client) -> None:  # noqa: ANN001
    page = client.get("/gebied/WK059901").text
    api = client.get("/api/v1/gebied/WK059901").json()
    assert api["code"] == "WK059901" and api["opgaven"]
    for op in api["opgaven"]:
        assert op["name"] in page
        assert op["score"]["text"] in page and op["reference"]["text"] in page
        for c in op["contributions"]:
            assert c["contribution"]["text"] in page
    for row in api["indicators"]["rows"]:
        for cell in row["trend"] + row["comparison"]:
            assert cell["text"] in page
            if cell["status"] in ("suppressed", "missing"):
                assert cell["value"] is None


def test_compare_data_and_framework_twins(client) -> None:  # noqa: ANN001
    q = "?gebied=WK059901&gebied=WK001401"
    page, api = client.get("/vergelijken" + q).text, client.get("/api/v1/vergelijken" + q).json()
    assert [a["code"] for a in api["areas"]] == ["WK059901", "WK001401"]
    for row in api["scores"] + api["indicators"]:
        for cell in row["cells"]:
            assert cell["text"] in page
    page, api = client.get("/data").text, client.get("/api/v1/data").json()
    assert api["licence"] == "CC BY 4.0" and api["import_runs"]
    for run in api["import_runs"]:
        assert run["file"] in page
    for row in api["coverage"][:20]:
        assert f"{row['areas_with_data']} / {row['areas_total']}" in page
    page, api = client.get("/kader/groningen").text, client.get("/api/v1/kader/groningen").json()
    assert api["id"] == "groningen"
    for op in api["opgaven"]:
        for th in op["themes"]:
            assert th["name"] in page
            for ind in th["indicators"]:
                assert ind["code"] in page


def test_lists(client) -> None:  # noqa: ANN001
    areas = client.get("/api/v1/gebieden?gemeente=GM0106&niveau=wijk").json()
    assert areas["count"] == 10 and all(a["level"] == "district" for a in areas["areas"])
    inds = client.get("/api/v1/indicatoren").json()
    assert inds["count"] > 50 and any(i["code"] == "a_inw" for i in inds["indicators"])


# --- errors ---------------------------------------------------------------------------------


def _assert_error(response, status: int, kind: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "details"}
    assert body["error"]["type"] == kind
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def test_one_error_shape(client, lenient_client, monkeypatch) -> None:  # noqa: ANN001
    from wijkkompas.services.data import pages as views_data

    _assert_error(client.get("/api/v1/gebied/XX9999"), 404, "NotFound")
    _assert_error(client.get("/api/v1/bestaat-niet"), 404, "NotFound")
    _assert_error(client.get("/api/v1/overzicht?gemeente=GM9999"), 404, "NotFound")
    _assert_error(client.get("/api/v1/kader/onbekend"), 404, "NotFound")
    err = _assert_error(client.get("/api/v1/overzicht?niveau=stad"), 422, "ValidationError")
    assert err["details"]["problems"]
    _assert_error(client.get("/api/v1/overzicht?jaar=abc"), 422, "ValidationError")
    # One area is a picker now (issue 18); more than four is still refused.
    _assert_error(client.get("/api/v1/vergelijken?" + "&".join(
        f"gebied=WK05990{i}" for i in (1, 3, 4, 5, 6))), 422, "ConfigError")

    def data_error(ctx):  # noqa: ANN001, ANN202
        raise DataError("geen getal", file="x.csv", row=3, column="a_inw", value="abc")

    monkeypatch.setattr(views_data, "indicator_list", data_error)
    client.app.state.page_cache.clear()  # patched code, same data version
    err = _assert_error(client.get("/api/v1/indicatoren"), 422, "DataError")
    assert err["details"] == {"file": "x.csv", "row": 3, "column": "a_inw", "value": "abc"}

    def framework_error(ctx):  # noqa: ANN001, ANN202
        raise FrameworkError("opgaven[0].weight: moet >= 0 zijn")

    monkeypatch.setattr(views_data, "indicator_list", framework_error)
    _assert_error(client.get("/api/v1/indicatoren"), 422, "FrameworkError")

    def crash(ctx):  # noqa: ANN001, ANN202
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views_data, "indicator_list", crash)
    response = lenient_client.get("/api/v1/indicatoren")
    err = _assert_error(response, 500, "InternalError")
    assert "secret" not in response.text and "Traceback" not in response.text
    monkeypatch.setattr(views_data, "data_overview", crash)
    client.app.state.page_cache.clear()
    client.app.state.ctx.views.clear()  # the page's view model is cached too (issue 19)
    page = lenient_client.get("/data")
    assert page.status_code == 500 and "secret" not in page.text
    # the page: a Dutch title, no exception class name (issue 18); the JSON keeps the type
    assert "Er ging iets mis" in page.text and "InternalError" not in page.text


# --- downloads ------------------------------------------------------------------------------


def test_ranking_csv(client) -> None:  # noqa: ANN001
    response = client.get("/api/v1/ranglijst.csv?gemeente=GM0153&opgave=urgentie")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert any("data_fingerprint" in m for m in meta) and any("CBS" in m for m in meta)
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")]))
    api = client.get("/api/v1/overzicht?gemeente=GM0153&opgave=urgentie").json()
    assert [r["area_code"] for r in rows] == [r["code"] for r in api["ranking"]]
    assert float(rows[0]["score"]) == pytest.approx(api["ranking"][0]["score"]["value"])


def test_ranking_xlsx(client) -> None:  # noqa: ANN001
    response = client.get("/api/v1/ranglijst.xlsx?gemeente=GM0014")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["ranglijst", "herkomst"]
    header = [c.value for c in book["ranglijst"][1]]
    assert header == ["rank", "area_code", "name", "score", "tier", "score_rank", "not_assessed",
                      "approach"]
    assert book["ranglijst"].max_row == 1 + len(
        client.get("/api/v1/overzicht?gemeente=GM0014").json()["ranking"])


def test_ranking_geojson(client) -> None:  # noqa: ANN001
    import shapely.geometry

    response = client.get("/api/v1/ranglijst.geojson?gemeente=GM0599")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["features"]
    with_geometry = [f for f in data["features"] if f["geometry"]]
    assert with_geometry
    for feature in with_geometry:
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.is_valid or geom.buffer(0).is_valid
        minx, miny, maxx, maxy = geom.bounds
        assert 3 < minx < 8 and 50 < miny < 54  # WGS84, in the Netherlands
        assert {"rank", "area_code", "name", "score", "tier"} <= set(feature["properties"])


def test_profile_downloads(client) -> None:  # noqa: ANN001
    text = client.get("/api/v1/gebied/WK059901.csv").text
    rows = list(csv.DictReader([line for line in text.splitlines() if not line.startswith("#")]))
    assert rows and {"indicator", "year", "value", "status"} <= set(rows[0])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/gebied/WK059901.xlsx").content))
    assert book.sheetnames == ["gebiedsprofiel", "herkomst"]


# --- payload --------------------------------------------------------------------------------


@pytest.mark.parametrize("gemeente", ["GM0599", "GM0014", "GM0153", "GM0106"])
def test_map_payload_at_buurt_level_is_small(client, gemeente: str) -> None:  # noqa: ANN001
    api = client.get(f"/api/v1/overzicht?gemeente={gemeente}&niveau=buurt").json()
    assert api["map"] is not None
    size = len(json.dumps(api["map"]["figure"], separators=(",", ":")))
    assert size < 500_000, size
    page = client.get(f"/?gemeente={gemeente}&niveau=buurt")
    assert len(page.content) < 500_000
