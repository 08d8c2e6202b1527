"""A suppressed observation is never shown as a number: pages, API and downloads."""

from __future__ import annotations

import io

import openpyxl

from tests.web.conftest import SENTINEL_TEXT

URLS = [
    "/", "/?niveau=buurt", "/?kleur=score", "/gebied/WK059901", "/gebied/GM0599",
    "/gebied/BU05990110", "/vergelijken?gebied=WK059901&gebied=GM0599", "/data", "/kader",
    "/api/v1/overzicht", "/api/v1/gebied/WK059901", "/api/v1/gebied/GM0599",
    "/api/v1/vergelijken?gebied=WK059901&gebied=GM0599", "/api/v1/data",
    "/api/v1/ranglijst.csv", "/api/v1/ranglijst.geojson", "/api/v1/gebied/WK059901.csv",
    "/api/v1/gebied/GM0599.csv", "/gebied/WK059901?lang=en", "/api/v1/gebied/WK059901?lang=en",
]
XLSX = ["/api/v1/ranglijst.xlsx", "/api/v1/gebied/WK059901.xlsx", "/api/v1/gebied/GM0599.xlsx"]


def test_suppressed_value_never_appears(client) -> None:  # noqa: ANN001
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SENTINEL_TEXT not in response.text, url
    for url in XLSX:
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not any(SENTINEL_TEXT in str(v) for v in row if v is not None), url


def test_suppressed_value_is_marked_geheim(client) -> None:  # noqa: ANN001
    client.cookies.clear()  # no remembered language
    api = client.get("/api/v1/gebied/WK059901").json()
    years = api["indicators"]["years"]
    row = next(r for r in api["indicators"]["rows"] if r["code"] == "p_arb_pp")
    cell = row["trend"][years.index(2022)]
    assert cell == {"value": None, "text": "geheim", "status": "suppressed",
                    "note": "Geheim: onder de privacydrempel van CBS; niet gepubliceerd."}
    # The comparison is made in the year of the area's own latest published value (2024 and
    # 2022 are suppressed, so 2021); a suppressed value is never that year's number.
    assert row["comparison_year"] == 2021
    comparison = dict(zip(api["indicators"]["comparison_labels"], row["comparison"], strict=True))
    assert comparison["Rotterdam"]["status"] == "ok"
    assert SENTINEL_TEXT not in str(api)
    assert "geheim" in client.get("/gebied/WK059901").text
    assert "confidential" in client.get("/gebied/WK059901?lang=en").text
    text = client.get("/api/v1/gebied/WK059901.csv").text
    assert ",p_arb_pp," in text and ",suppressed,geheim" in text


def test_formatter_policy() -> None:
    from wijkkompas.services.shared.formatting import show_observation

    assert show_observation(12.5, "ok", decimals=1).value == 12.5
    assert show_observation(12.5, "estimated").value == 12.5
    for status in ("suppressed", "missing", "weird", None):
        shown = show_observation(12.5, status)
        assert shown.value is None and "12" not in shown.text
    assert show_observation(float("nan"), "ok").value is None
