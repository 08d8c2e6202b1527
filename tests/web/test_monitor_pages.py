"""Monitor pages (issue 5, item 7): every page and its JSON twin show the same numbers, the
downloads parse, suppressed values never appear, English labels."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from tests.web.conftest import SENTINEL_TEXT

ZUID = ["WK059910", "WK059915", "WK059912"]
PAGES = [
    ("/monitor", ["Doelen", "zuid-2031", "Pilot Rotterdam-Zuid", "2022-2025"]),
    ("/monitor/doel/zuid-2031", ["Feijenoord", "Charlois", "IJsselmonde",
                                 "te weinig punten voor een betrouwbare trend",
                                 "Versies van dit doel", 'role="img"', "monitor-zuid-2031"]),
    ("/monitor/spreiding?gemeente=GM0599", ["Rotterdam: de verschillen tussen gebieden",
                                            "Kwintielkloof"]),
    ("/monitor/spreiding?indicator=a_inw", ["Groningen", "Theil"]),
    ("/monitor/pilot/zuid-pilot", ["Verschil-in-verschillen", "parallelle trends",
                                   "Vergelijkingsgebieden"]),
    ("/gebied/WK059910", ["Monitor", "Rotterdam-Zuid op het gemiddelde in 2031",
                          "Registratie en beleving"]),
]


@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_monitor_page_renders(client, path: str, expected: list[str]) -> None:  # noqa: ANN001
    client.cookies.clear()
    response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    for text in expected:
        assert text in response.text, f"{text!r} not on {path}"
    html = response.text
    assert html.count("<table") == html.count("<caption>") and "<th>" not in html
    assert 'href="/monitor" aria-current="page"' in html or path.startswith("/gebied")


def test_programme_twin_has_the_same_numbers(client) -> None:  # noqa: ANN001
    client.cookies.clear()
    api = client.get("/api/v1/monitor/doel/zuid-2031").json()
    assert [r["code"] for r in api["rows"]] == ZUID  # every wijk, never only the average
    html = client.get("/monitor/doel/zuid-2031").text
    for row in api["rows"]:
        assert row["status"] == "too_few_points" and row["forecast"]["value"] is None
        for key in ("baseline", "current", "target", "share_of_way"):
            assert row[key]["text"] in html
    assert api["chart"]["figure"]["data"] and len(api["series"]) == 3
    assert api["history"][0]["version"] == 1
    frame = pd.read_csv(io.StringIO(client.get("/api/v1/monitor/doel/zuid-2031.csv").text),
                        comment="#")
    assert list(frame["area_code"]) == ZUID
    for row, (_i, rec) in zip(api["rows"], frame.iterrows(), strict=True):
        assert row["target"]["value"] == pytest.approx(rec["target_value"], abs=1e-6)
        assert row["current"]["value"] == pytest.approx(rec["current_value"], abs=1e-6)
    book = openpyxl.load_workbook(io.BytesIO(
        client.get("/api/v1/monitor/doel/zuid-2031.xlsx").content))
    assert "herkomst" in book.sheetnames and book.worksheets[0].max_row == 4


def test_gap_and_pilot_twins(client) -> None:  # noqa: ANN001
    gap = client.get("/api/v1/monitor/spreiding?gemeente=GM0599").json()
    assert [v["municipality"] for v in gap["verdicts"]] == ["GM0599"]
    assert [r["year"] for r in gap["rows"]] == [2012, 2014, 2016]
    assert gap["verdicts"][0]["sentence"] in client.get(
        "/monitor/spreiding?gemeente=GM0599").text
    csv = pd.read_csv(io.StringIO(client.get(
        "/api/v1/monitor/spreiding.csv?gemeente=GM0599").text), comment="#")
    assert list(csv["year"]) == [2012, 2014, 2016] and "theil" in csv.columns
    pilot = client.get("/api/v1/monitor/pilot/zuid-pilot").json()
    assert pilot["low"]["value"] <= pilot["effect"]["value"] <= pilot["high"]["value"]
    assert "parallelle trends" in pilot["caveat"]
    assert not {m["comparison_area"] for m in pilot["matches"]} & set(ZUID)
    assert pilot["effect"]["text"] in client.get("/monitor/pilot/zuid-pilot").text
    per_area = pd.read_csv(io.StringIO(client.get(
        "/api/v1/monitor/pilot/zuid-pilot.csv").text), comment="#")
    assert set(ZUID) <= set(per_area["area_code"])
    assert "herkomst" in openpyxl.load_workbook(io.BytesIO(client.get(
        "/api/v1/monitor/pilot/zuid-pilot.xlsx").content)).sheetnames
    area = client.get("/api/v1/monitor/gebied/WK059910").json()
    assert area == client.get("/api/v1/gebied/WK059910").json()["monitor"]
    assert area["targets"][0]["target_code"] == "zuid-2031" and area["survey_gaps"]


def test_unknown_target_is_404(client) -> None:  # noqa: ANN001
    assert client.get("/monitor/doel/bestaat-niet").status_code == 404
    assert client.get("/api/v1/monitor/doel/bestaat-niet").json()["error"]["type"] == "NotFound"


def test_suppressed_value_never_shown(client, demo_url: str) -> None:  # noqa: ANN001
    """A target on the indicator with stored suppressed values: never the number."""
    from wijkkompas.services.monitor import usecases as svc
    from wijkkompas.settings import load_settings
    from wijkkompas.workspace import Workspace

    ws = Workspace.open(demo_url, settings=load_settings({}, user="tester"))
    try:
        if "geheim-test" not in set(svc.list_targets(ws)["code"]):
            svc.add_target(ws, svc.make_target(
                code="geheim-test", name="Arbeidsparticipatie", areas=["WK059901", "GM0599"],
                measure="indicator", subject="p_arb_pp", kind="change", value=2.0,
                baseline_year=2016, target_year=2030))
    finally:
        ws.close()
    for url in ("/monitor/doel/geheim-test", "/api/v1/monitor/doel/geheim-test",
                "/api/v1/monitor/doel/geheim-test.csv", "/gebied/WK059901",
                "/api/v1/monitor/gebied/WK059901", "/monitor/spreiding?indicator=p_arb_pp",
                "/api/v1/monitor/spreiding.csv?indicator=p_arb_pp", "/monitor"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SENTINEL_TEXT not in response.text, url
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/api/v1/monitor/doel/geheim-test.xlsx").content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(SENTINEL_TEXT in str(v) for v in row if v is not None)


def test_english_labels(client) -> None:  # noqa: ANN001
    try:
        html = client.get("/monitor/doel/zuid-2031?lang=en").text
        assert '<html lang="en">' in html
        for label in ("Progress per area", "too few points for a reliable trend", "Versions of"):
            assert label in html
        assert "Voortgang per gebied" not in html
        gap = client.get("/monitor/spreiding?gemeente=GM0599&lang=en").text
        assert "the differences between areas" in gap
        assert "parallel trends" in client.get("/monitor/pilot/zuid-pilot?lang=en").text
    finally:
        client.cookies.clear()  # the shared client must not keep the language choice
