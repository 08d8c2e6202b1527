"""Plain words on the pages (issue 18): the glossary and its JSON twin, Dutch provenance labels,
error pages without exception class names, method steps in sentences, audit fields in words."""

from __future__ import annotations

import pytest

from tests.web.forms import log_in
from wijkkompas.services.accounts.users import add_user

TERMS = ("score", "referentie", "klasse", "peiljaar", "imputatie", "normalisatie",
         "gevoeligheid", "koppelkans")


def test_glossary_explains_every_term(client) -> None:  # noqa: ANN001
    html = client.get("/begrippen").text
    for key in TERMS:
        assert f'id="{key}"' in html, key
    assert "<h1>Begrippen</h1>" in html and "Rang 1" in html
    english = client.get("/begrippen?lang=en").text
    assert "<h1>Glossary</h1>" in english and "Linking opportunity" in english


def test_glossary_has_a_json_twin(client) -> None:  # noqa: ANN001
    body = client.get("/api/v1/begrippen").json()
    assert {t["key"] for t in body["terms"]} >= set(TERMS)
    assert all(t["text"] for t in body["terms"])


@pytest.mark.parametrize("path", ["/", "/gebied/WK059901", "/kader/rotterdam"])
def test_terms_link_to_the_glossary(client, path: str) -> None:  # noqa: ANN001
    html = client.get(path).text
    assert 'class="begrip" href="/begrippen#' in html
    assert 'href="/begrippen">Begrippen</a>' in html  # the footer


def test_provenance_has_dutch_labels(client) -> None:  # noqa: ANN001
    html = client.get("/").text
    assert "Vingerafdruk van het kader" in html and "Vergelijkbaar door de tijd" in html
    for key in ("framework_fingerprint", "comparable_over_time", "<dt>created</dt>"):
        assert key not in html, key
    # the JSON twin keeps the machine keys
    assert "framework_fingerprint" in client.get("/api/v1/overzicht").json()["provenance"]


def test_method_block_in_sentences(client) -> None:  # noqa: ANN001
    html = client.get("/kader/rotterdam").text
    method = html.split('id="methode-titel"', 1)[1].split("</section>", 1)[0]
    assert "Ontbrekende waarden" in method and "niet aangevuld" in method
    assert "recentste waarde uit het peiljaar of tot 4 jaar eerder" in method
    assert "minder dan 500 inwoners" in method and "integrale aanpak" in method
    assert "100 = referentie" in method
    for code in ("previous_year", "zindex", ">impute<", ">normalise<", ">weight<"):
        assert code not in method, code


@pytest.mark.parametrize(("path", "status"), [("/gebied/XX9999", 404),
                                              ("/vergelijken?gebied=WK059901&gebied=WK059903"
                                               "&gebied=WK059904&gebied=WK059905"
                                               "&gebied=WK059906", 422)])
def test_error_pages_have_a_dutch_title_and_a_way_back(client, path: str, status: int) -> None:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == status
    for kind in ("NotFound", "ConfigError", "ValidationError", f"({status})"):
        assert kind not in response.text, kind
    assert "Terug naar het overzicht" in response.text
    api = client.get("/api/v1" + path)
    assert api.json()["error"]["type"] in ("NotFound", "ConfigError")  # the machine code stays


def test_audit_shows_fields_in_words(app) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from wijkkompas.partners import service as ps

    ws = app.state.ctx.ws
    add_user(ws, "woorden-beheer", "een-lang-wachtwoord", role="admin")
    # a team of its own (the demo's teams are checked elsewhere): budget and one decision
    ps.set_team(ws, "WK059906", name="Kernteam Woorden", budget_cents=5_000_000)
    ps.log_decision(ws, "WK059906", "bankjes plaatsen", cents=2_100_000)
    with TestClient(app) as client:
        log_in(client, "woorden-beheer", "een-lang-wachtwoord", next_url="/audit")
        html = client.get("/audit").text
    assert "account toegevoegd" in html and "user.add" not in html
    assert "€ 21.000" in html and "cents" not in html and "2100000" not in html
    assert "active: true" not in html


def test_invalid_input_is_explained_in_dutch(client) -> None:  # noqa: ANN001
    response = client.get("/?jaar=abc&niveau=stad")
    assert response.status_code == 422
    assert "jaar: geen geheel getal" in response.text and "niveau: kies uit" in response.text
    assert "Input should" not in response.text and "query." not in response.text
    english = client.get("/?jaar=abc&lang=en").text
    assert "jaar: not a whole number" in english
    problems = client.get("/api/v1/overzicht?jaar=abc").json()["error"]["details"]["problems"]
    assert problems == [{"location": "jaar", "type": "int_parsing",
                         "message": "geen geheel getal"}]
