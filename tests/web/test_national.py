"""The national map page (/nederland), its JSON twins, CSV and map geometry routes."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import SENTINEL_TEXT
from wijkkompas.errors import ConfigError
from wijkkompas.settings import load_settings
from wijkkompas.web.config import load_web_config
from wijkkompas.web.headers import CONTENT_SECURITY_POLICY

PDOK = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"


def test_page_lists_classes_extremes_and_a_map(client: TestClient) -> None:
    r = client.get("/nederland", params={"niveau": "wijk"})
    assert r.status_code == 200
    html = r.text
    assert "Aandeel inwoners 65 jaar of ouder" in html and 'id="landkaart"' in html
    assert "/static/vendor/maplibre-gl-csp.js" in html and "Hoogste waarden" in html
    data = client.get("/api/v1/nederland", params={"niveau": "wijk"}).json()
    assert data["indicator"] == "p_65_oo" and data["niveau"] == "wijk"
    assert data["met_waarde"] > 50 and len(data["hoogste"]) == len(data["laagste"]) == 10
    # the legend counts every area once: five classes plus "geen waarde of geheim"
    assert sum(item["count"] for item in data["legenda"]) == data["gebieden"]
    assert data["kaart"]["kind"] in ("tiles", "geojson") and data["kaart"]["background"] is None
    # the values route groups codes per class, the same counts as the legend
    values = client.get(data["kaart"]["values_url"]).json()
    assert [len(c) for c in values["klassen"]] == [i["count"] for i in data["legenda"][:-1]]
    top = data["hoogste"][0]
    assert top["code"] in values["klassen"][-1]
    assert re.fullmatch(r"\d+(,\d+)?\s?%?", top["value"]), top["value"]  # Dutch notation


def test_geometry_matches_the_page(client: TestClient) -> None:
    data = client.get("/api/v1/nederland", params={"niveau": "wijk"}).json()
    url = data["kaart"]["url"]
    if data["kaart"]["kind"] == "geojson":
        shapes = client.get(url)
        assert shapes.headers["content-type"].startswith("application/geo+json")
        codes = {f["properties"]["code"] for f in json.loads(shapes.content)["features"]}
        values = client.get(data["kaart"]["values_url"]).json()
        coloured = {c for group in values["klassen"] for c in group}
        assert coloured & codes and len(codes) > 50
        # this database has no vector tiles: a clear 404, not an error
        tile = client.get(url.replace("vormen", "tegels").split(".geojson")[0] + "/10/524/338.mvt")
        assert tile.status_code == 404 and "PostGIS" in tile.text
    else:  # PostGIS vector tiles: Rotterdam at zoom 10
        from tests.areas.test_tiles import tile_of

        x, y = tile_of(4.48, 51.90, 10)
        tile = client.get(url.replace("{z}", "10").replace("{x}", str(x)).replace("{y}", str(y)))
        assert tile.status_code == 200 and b"WK0599" in tile.content
        assert tile.headers["content-type"] == "application/vnd.mapbox-vector-tile"


@pytest.mark.parametrize("path", [
    "/kaart/tegels/buurt/2021/3/8/0.mvt", "/kaart/tegels/buurt/2021/99/0/0.mvt",
    "/kaart/tegels/straat/2021/1/0/0.mvt", "/kaart/tegels/buurt/1000/1/0/0.mvt",
    "/kaart/vormen/..%2F..%2Fetc/2021.geojson", "/kaart/vormen/buurt/abc.geojson"])
def test_bad_geometry_addresses_are_refused(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)


@pytest.mark.parametrize("params,status", [
    ({"indicator": "bestaat_niet"}, 404), ({"niveau": "land"}, 422), ({"jaar": 1800}, 422),
    ({"indicator": "x" * 65}, 422), ({"jaar": 1999, "niveau": "wijk"}, 404)])
def test_bad_choices_say_what(client: TestClient, params: dict, status: int) -> None:
    r = client.get("/api/v1/nederland", params=params)
    assert r.status_code == status and "error" in r.json()


def test_suppressed_values_never_leave(client: TestClient) -> None:
    for year in (2022, 2024):
        q = {"indicator": "p_arb_pp", "niveau": "wijk", "jaar": year}
        page = client.get("/nederland", params=q).text
        api = client.get("/api/v1/nederland", params=q)
        csv = client.get("/api/v1/nederland.csv", params=q)
        values = client.get("/api/v1/nederland/waarden", params=q).json()
        for body in (page, api.text, csv.text):
            assert SENTINEL_TEXT not in body
        assert "WK059901" not in {c for group in values["klassen"] for c in group}
        assert api.json()["geheim"] >= 1
        row = next(line for line in csv.text.splitlines() if line.startswith("WK059901"))
        assert "geheim" in row


def test_csv_is_inert_and_complete(client: TestClient) -> None:
    r = client.get("/api/v1/nederland.csv", params={"niveau": "wijk"})
    assert r.headers["content-disposition"] == 'attachment; filename="nederland.csv"'
    lines = [x for x in r.text.splitlines() if x and not x.startswith("#")]
    assert lines[0].split(",")[:3] == ["gebied", "naam", "gemeente"]
    data = client.get("/api/v1/nederland", params={"niveau": "wijk"}).json()
    assert len(lines) - 1 == data["gebieden"]
    assert not any(cell.startswith(("=", "+", "@")) for x in lines for cell in x.split(","))


def test_english(client: TestClient) -> None:
    html = client.get("/nederland", params={"niveau": "wijk", "lang": "en"}).text
    assert "Highest values" in html and "Hoogste waarden" not in html
    assert "the Netherlands by district" in html


def test_background_map_is_a_validated_setting(demo_url: str, tmp_path) -> None:  # noqa: ANN001
    from wijkkompas.web import create_app

    assert load_web_config({}).background_map is None
    for bad in ("http://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/tile.png",
                "javascript:alert(1)", "https://x.example/{z}/{x}/{y}.png' onload='"):
        with pytest.raises(ConfigError):
            load_web_config({"WIJKKOMPAS_ACHTERGRONDKAART": bad})
    settings = load_settings({}, data_dir=str(tmp_path), user="t")
    app = create_app(settings, database_url=demo_url,
                     config=load_web_config({"WIJKKOMPAS_ACHTERGRONDKAART": PDOK}))
    with TestClient(app) as c:
        r = c.get("/nederland", params={"niveau": "wijk"})
        assert "img-src 'self' data: blob: https://service.pdok.nl" in \
            r.headers["content-security-policy"]
        assert 'data-background="https://service.pdok.nl/' in r.text
    with TestClient(create_app(settings, database_url=demo_url)) as c:
        assert c.get("/nederland").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
