"""Every page answers with its key content; language switch; `serve --get`."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

PAGES = [
    ("/", ["Ranglijst", "Koppelkansen", "Rotterdam", 'id="kaart"', "aria-sort"]),
    ("/?gemeente=GM0014", ["Groningen", "Fysieke pijler"]),
    ("/?gemeente=GM0153&opgave=potentie&kleur=score", ["Enschede", "Potentie",
                                                        "klassegrenzen vast"]),
    ("/?gemeente=GM0106&niveau=buurt", ["Assen", "Luchiesland", 'id="kaart"']),
    ("/gebied/WK059901", ["Rotterdam Centrum", "Scores per opgave", "Referentie",
                          "Indicatoren door de jaren", "Nederland", "Bron: CBS",
                          "Datakwaliteit", "bijdragen-fysiek"]),
    ("/gebied/BU05990452", ["Scores per opgave", "Aanpak (naar NPRZ)"]),
    ("/gebied/GM0014", ["Groningen", "Indicatoren door de jaren"]),
    ("/vergelijken", ["Gebieden vergelijken", "<optgroup"]),
    ("/vergelijken?gebied=WK059901&gebied=WK001401&gebied=GM0153",
     ["Rotterdam Centrum", "Kernindicatoren", "Scores en klassen"]),
    ("/data", ["CC BY 4.0", "Importgeschiedenis", "Dekking per gemeente", "PROVENANCE"]),
    ("/kader", ["Rotterdam-stijl", "Fysieke index", "hoger is"]),
    ("/kader/assen", ["Assen-stijl", "eerste golf"]),
    ("/api/v1/docs", ["/api/v1/overzicht", "/api/v1/ranglijst.csv"]),
]


@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_page_renders(client, path: str, expected: list[str]) -> None:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    for text in expected:
        assert text in response.text, f"{text!r} not on {path}"


@pytest.mark.parametrize("path", [p for p, _ in PAGES])
def test_page_accessibility_basics(client, path: str) -> None:  # noqa: ANN001
    html = client.get(path).text
    assert '<html lang="nl">' in html
    assert 'class="skip-link" href="#inhoud"' in html and '<main id="inhoud"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    # every select has a label
    for sid in re.findall(r'<select id="([^"]+)"', html):
        assert f'for="{sid}"' in html, f"select {sid} has no label"
    # every table has a caption and column headers with scope
    assert html.count("<table") == html.count("<caption>")
    assert "<th>" not in html
    # charts and the map have a text alternative
    for chart in re.findall(r'<div class="plotly-chart"[^>]*>', html):
        assert 'aria-label="' in chart and 'role="img"' in chart
    # nothing from the internet
    assert not re.search(r'(src|href)="https?://(?!creativecommons)', html)


def test_static_assets_served_locally(client) -> None:  # noqa: ANN001
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    htmx = client.get("/static/vendor/htmx.min.js")
    assert htmx.status_code == 200 and b"htmx" in htmx.content
    for asset in ("/static/css/wijkkompas.css", "/static/css/print.css", "/static/js/wijkkompas.js"):
        assert client.get(asset).status_code == 200
    assert "@page" in client.get("/static/css/print.css").text


def test_english_labels(client) -> None:  # noqa: ANN001
    en = client.get("/?lang=en")
    assert en.status_code == 200
    assert '<html lang="en">' in en.text
    for label in ("Ranking", "Overview", "Skip to content", "Map colour"):
        assert label in en.text
    assert "Ranglijst" not in en.text
    profile = client.get("/gebied/WK059901?lang=en").text
    assert "Indicators over the years" in profile and "Netherlands" in profile
    # links keep the language
    assert 'href="/gebied/' in en.text and "lang=en" in en.text
    nl = client.get("/?lang=nl")
    assert "Ranglijst" in nl.text


def test_every_template_string_is_translated() -> None:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    import wijkkompas
    from wijkkompas.i18n import translations

    root = Path(wijkkompas.__file__).parent
    catalogue = translations("en")
    missing = []
    for sub in ("web", "services"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                root / sub, method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
                options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
                keywords={"_": None}):
            if isinstance(message, str) and message not in catalogue._catalog:  # noqa: SLF001
                missing.append(message)
    assert not missing, f"untranslated: {missing[:10]}"


def test_unknown_page_renders_error_page(client) -> None:  # noqa: ANN001
    response = client.get("/gebied/XX9999")
    assert response.status_code == 404
    # A Dutch title and a way back; no exception class name on the page (the JSON keeps it).
    assert "<title>Niet gevonden" in response.text and "NotFound" not in response.text
    assert "Foutcode 404" in response.text and "Terug naar het overzicht" in response.text
    assert client.get("/bestaat-niet").status_code == 404


def test_serve_get_answers_without_a_port(demo_url: str) -> None:
    from wijkkompas.cli import app as cli

    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--db", demo_url, "--get", "/"])
    assert result.exit_code == 0, result.output
    assert "<!doctype html>" in result.output and "Ranglijst" in result.output
    api = runner.invoke(cli, ["serve", "--db", demo_url, "--get", "/api/v1/gebied/XX"])
    assert api.exit_code == 1
    assert '"type":"NotFound"' in api.output
