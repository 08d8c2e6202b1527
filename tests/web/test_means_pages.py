"""The Middelen page on the demo: the page, its JSON twin, downloads, the what-if, the area
profile block, bad input, and who may see it."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.means.test_concentration import _individual_level
from wijkkompas.services.framework.scoring import score_workspace
from wijkkompas.workspace import Workspace

PAGE = "/middelen?gemeente=GM0153&opgave=urgentie&jaar=2022"


def test_page_names_the_illustration_and_the_index(client: TestClient) -> None:
    r = client.get(PAGE)
    assert r.status_code == 200
    text = r.text
    for words in ("Volgt het reguliere geld de nood?", "Concentratie-index 2022",
                  "Illustratie: deze bedragen", "van minste naar meeste nood",
                  "veel nood, weinig geld", "Wijk 00 Binnensingelgebied", "Verloop van de index",
                  "ILLUSTRATIE, geen echte uitgaven", "middelen-curve", "middelen-kwadrant"):
        assert words in text, words
    for bad in (">nan<", "None", "NaN", "veel_nood"):
        assert bad not in text
    assert 'href="/middelen"' in client.get("/").text  # in the navigation
    assert "Enschede" in client.get("/middelen").text  # the default: a municipality with means
    english = client.get(PAGE + "&lang=en").text
    assert "Concentration index 2022" in english
    assert "Not counted, without a priority (not assessed): Wijk 07" in english
    assert "Tellen niet mee, zonder prioriteit" in client.get(PAGE + "&lang=nl").text


@pytest.mark.parametrize(("opgave", "reversed_axis"), [("urgentie", False), ("potentie", True)])
def test_quadrant_puts_the_most_need_on_the_left(client: TestClient, opgave: str,
                                                 reversed_axis: bool) -> None:
    # urgentie: a low score is the need (plain axis); potentie: a high score is (reversed).
    view = client.get(f"/api/v1/middelen?gemeente=GM0153&opgave={opgave}&jaar=2022").json()
    xaxis = view["quadrant_chart"]["figure"]["layout"]["xaxis"]
    assert (xaxis.get("autorange") == "reversed") is reversed_axis


def test_json_twin_index_checked_independently(client: TestClient, demo_url: str) -> None:
    data = client.get("/api/v1/middelen?gemeente=GM0153&opgave=urgentie&jaar=2022").json()
    assert data["jaar"] == 2022 and data["gemeente"] == "GM0153"
    assert [r["rank"] for r in data["rows"]] == sorted(r["rank"] for r in data["rows"])
    # Independent: stored amounts (jeugd, 2022), inhabitants 2022 and the urgentie scores
    # (a low score is the need), individual-level ranks with scipy.
    ws = Workspace.open(demo_url, create=False)
    try:
        result = score_workspace(ws, "enschede")
        scores = result.ranking("urgentie", 2022)
        codes = [r["code"] for r in data["rows"]]
        obs = ws.observations(indicators=["jz_natura", "a_inw"], years=[2022],
                              areas=codes)["value"].unstack("indicator").droplevel("year")
    finally:
        ws.close()
    y = (obs["jz_natura"] * 10_000 / obs["a_inw"]).reindex(codes).to_numpy()
    w = obs["a_inw"].reindex(codes).to_numpy().astype(int)
    need = -scores["score"].reindex(codes).to_numpy()
    assert data["index"] == pytest.approx(_individual_level(y, w, need), abs=1e-12)


def test_downloads(client: TestClient) -> None:
    csv = client.get("/api/v1/middelen.csv?gemeente=GM0153&jaar=2022")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "# conventie: Concentratie-index" in csv.text
    frame = pd.read_csv(io.StringIO(csv.text), comment="#")
    assert {"gebied", "rang", "score", "bedrag", "inwoners", "bedrag_per_inwoner"} <= set(frame)
    assert len(frame) == 9  # the business park has no priority rank
    xlsx = client.get("/api/v1/middelen.xlsx?gemeente=GM0153&jaar=2022")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_whatif_is_a_view(client: TestClient) -> None:
    r = client.get(PAGE + "&herverdeel=jeugd&procent=20")
    assert r.status_code == 200
    assert "Een verkenning, geen besluit." in r.text and "→" in r.text
    data = client.get("/api/v1/middelen?gemeente=GM0153&opgave=urgentie&jaar=2022"
                      "&herverdeel=jeugd&procent=20").json()["whatif"]
    assert data["domain"] == "jeugd" and len(data["rows"]) == 9
    assert client.post("/middelen").status_code == 405  # nothing is written


@pytest.mark.parametrize(("query", "status"), [
    ("gemeente=GM9999", 404), ("gemeente=GM0153&kader=../../etc/passwd", 404),
    ("gemeente=GM0153&opgave=nergens", 404), ("gemeente=GM0153&jaar=1999", 404),
    ("gemeente=GM0153&procent=150&herverdeel=jeugd", 422),
    ("gemeente=GM0153&herverdeel=toerisme", 422), ("gemeente=GM0153&herverdeel=wmo", 404),
    ("gemeente=GM0153&domein=" + "x" * 50, 422), ("gemeente=GM0153&domein=wmo", 404),
])
def test_bad_input(lenient_client: TestClient, query: str, status: int) -> None:
    assert lenient_client.get(f"/middelen?{query}").status_code == status
    assert lenient_client.get(f"/api/v1/middelen?{query}").status_code == status


def test_municipality_without_means(client: TestClient) -> None:
    r = client.get("/middelen?gemeente=GM0599")
    assert r.status_code == 200 and "Nog geen reguliere middelen" in r.text
    assert client.get("/api/v1/middelen.csv?gemeente=GM0599").status_code == 404


def test_area_profile_block(client: TestClient) -> None:
    text = client.get("/gebied/WK015300").text
    assert "Reguliere middelen per inwoner" in text and "Illustratie" in text
    means = client.get("/api/v1/gebied/WK015300").json()["means"]
    assert means["year"] == 2022 and means["rows"][0][0] == "Alle domeinen"
    assert client.get("/api/v1/gebied/WK059901").json()["means"] is None


@pytest.fixture(scope="module")
def private_client(demo_url: str, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[TestClient]:
    from wijkkompas.settings import load_settings
    from wijkkompas.web import create_app
    from wijkkompas.web.config import load_web_config

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("mp")), user="t")
    app = create_app(settings, database_url=demo_url,
                     config=load_web_config({"WIJKKOMPAS_PUBLIC": "nee"}))
    with TestClient(app, follow_redirects=False) as c:
        yield c


def test_private_mode_hides_the_page(private_client: TestClient) -> None:
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user, list_users

    assert private_client.get("/middelen").status_code == 303
    assert private_client.get("/api/v1/middelen").status_code == 401
    assert private_client.get("/api/v1/middelen.csv").status_code == 401
    ws = private_client.app.state.ctx.ws
    if "lezer-middelen" not in {u.name for u in list_users(ws)}:
        add_user(ws, "lezer-middelen", "een-lang-wachtwoord", role="viewer")
    _info, plain = create_token(ws, "lezer-middelen")
    seen = private_client.get("/api/v1/middelen?gemeente=GM0153",
                              headers={"Authorization": f"Bearer {plain}"})
    assert seen.status_code == 200 and np.isfinite(seen.json()["index"])


def test_domains_of_the_route_are_the_importers() -> None:
    from typing import get_args

    from wijkkompas.means.table import DOMAINS
    from wijkkompas.web.routes_means import DomainCode

    assert get_args(DomainCode) == DOMAINS
