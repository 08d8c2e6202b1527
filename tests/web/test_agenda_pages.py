"""Investeringsagenda pages: table per council term, optimisation, ontschotting, scenarios,
downloads and the agenda block of an area profile — pages and JSON twins agree."""

from __future__ import annotations

import io
import re

import pytest

PAGES = ["/agenda", "/agenda/optimalisatie", "/agenda/ontschotting", "/agenda/scenarios"]


@pytest.mark.parametrize("path", PAGES)
def test_agenda_pages_render(client, path: str) -> None:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert 'href="/agenda"' in response.text  # main navigation and the agenda's own tabs
    api = client.get("/api/v1" + path)
    assert api.status_code == 200
    assert api.json()["name"] == "Investeringsagenda Enschede (demo)"


def test_demo_agenda_is_stored_once(demo_url: str, app) -> None:  # noqa: ANN001
    from wijkkompas.services.agenda import usecases as service
    from wijkkompas.services.data.demo import store_demo_agenda

    ws = app.state.ctx.ws
    first = store_demo_agenda(ws)
    assert store_demo_agenda(ws) == first
    stored = service.list_agendas(ws)
    assert (stored["name"] == "Investeringsagenda Enschede (demo)").sum() == 1
    assert len(service.scenarios(ws, first)) == 2


def test_table_and_json_twin_agree(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda").json()
    html = client.get("/agenda").text
    assert len(data["measures"]) == data["n_total"] == 16
    assert data["terms"] == ["2022-2025", "2026-2029", "2030-2033", "2034-2037"]
    # exact cents: the totals per term add up to the total of the measures
    assert sum(t["cents"] for t in data["cost_per_term"]) == data["cost_total_cents"]
    assert data["cost_total_cents"] == sum(m["cost_cents"] for m in data["measures"])
    assert all(isinstance(m["cost_cents"], int) for m in data["measures"])
    assert data["cost_total_text"] in html
    for t in data["cost_per_term"]:
        assert t["text"] in html
    # crossing commitments are flagged (Velve-Lindenhof runs 2025-2031)
    flagged = {m["code"] for m in data["measures"] if m["crosses_terms"]}
    assert "M01" in flagged and "M16" not in flagged  # 2026-2027: one term
    # A small mark with the details as text (issue 18: no shouting badge on most rows).
    assert "loopt over de termijngrens: " in html and "Verplichtingen over de termijngrens" in html


@pytest.mark.parametrize(("query", "check"), [
    ("gebied=WK015303", lambda m: "WK015303" in m["areas"]),
    ("type=sociaal", lambda m: m["type"] == "sociaal"),
    ("status=besloten", lambda m: m["status"] == "besloten"),
    ("opgave=potentie", lambda m: any("otentie" in o for o in m["opgaven"])),
    ("stroom=vhf", lambda m: "vhf" in m["streams"]),
    ("termijn=2030-2033", lambda m: any(t["term"] == "2030-2033" and t["cents"] > 0
                                        for t in m["per_term"])),
])
def test_filters(client, query: str, check) -> None:  # noqa: ANN001
    data = client.get(f"/api/v1/agenda?{query}").json()
    assert 0 < len(data["measures"]) < data["n_total"]
    assert all(check(m) for m in data["measures"])
    html = client.get(f"/agenda?{query}").text
    assert html.count('<th scope="row">') - len(data["streams_per_term"]) - 2 \
        == len(data["measures"])


def test_optimisation_explains_itself(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda/optimalisatie").json()
    assert data["feasible"] and data["violations"] == []
    assert data["funded_total_cents"] == sum(m["funded_cents"] for m in data["measures"])
    assert data["binding"], "the demo plan has binding budgets"
    for s in data["streams"]:
        assert s["budget_cents"] == s["used_cents"] + s["unused_cents"]
        assert s["extra_euro"]
    # committed measures stay fully funded
    for m in data["measures"]:
        if m["status"] in ("besloten", "in uitvoering"):
            assert m["funded_cents"] == m["cost_cents"]
    page = client.get("/agenda/optimalisatie").text  # cached now: inline
    assert data["funded_total_text"] in page and "Knellende regels" in page
    fragment = client.get("/agenda/optimalisatie/resultaat", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert data["funded_total_text"] in fragment.text
    plain = client.get("/agenda/optimalisatie/resultaat", follow_redirects=False)
    assert plain.status_code == 303


def test_ontschotting_flows_add_up_and_have_a_table(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda/ontschotting").json()
    opt = client.get("/api/v1/agenda/optimalisatie").json()
    assert sum(f["cents"] for f in data["flows"]) == data["total_cents"] \
        == opt["funded_total_cents"]
    trace = data["sankey"]["figure"]["data"][0]
    assert trace["type"] == "sankey"
    labels = trace["node"]["label"]
    assert "Gemeentelijk fysiek budget" in labels
    assert "tabel" in data["sankey"]["alt"]
    html = client.get("/agenda/ontschotting").text
    assert 'id="sankey"' in html and 'role="img"' in html
    assert "Geldstromen naar opgaven en gebieden" in html  # the table alternative
    assert html.count("<tr><td>") == len(data["flows"])
    # per area: the streams with what they may fund (earmarks)
    area = next(a for a in data["areas"] if a["area"] == "WK015309")
    assert all(s["stream"] != "corporatie" for s in area["streams"])  # outside its earmark
    assert any("alleen type" in s["may_fund"] for s in area["streams"])
    assert isinstance(data["gaps"], list) and data["first_tier"] == "focus"
    assert data["overlaps"] and all(len(o["measures"]) > 1 for o in data["overlaps"])


def test_scenarios_side_by_side(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda/scenarios").json()
    names = [c["name"] for c in data["columns"]]
    assert names == ["basis", "krap rijksgeld", "ruimer fysiek"]
    basis, krap, ruim = data["columns"]
    assert krap["per_stream_cents"]["vhf"] <= basis["per_stream_cents"]["vhf"]
    assert ruim["value"] >= basis["value"] >= krap["value"]
    html = client.get("/agenda/scenarios").text
    for c in data["columns"]:
        assert c["total_text"] in html


def test_excel_download_round_trips(client, tmp_path) -> None:  # noqa: ANN001
    import openpyxl

    from wijkkompas.agenda.excel import read_workbook
    from wijkkompas.services.agenda.usecases import demo_agenda

    response = client.get("/agenda/export.xlsx")
    assert response.status_code == 200
    assert "agenda.xlsx" in response.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) >= 2
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(response.content)
    back, demo = read_workbook(path), demo_agenda()
    assert [m.code for m in back.measures] == [m.code for m in demo.measures]
    assert {m.code: m.costs for m in back.measures} == {m.code: m.costs for m in demo.measures}
    assert {s.code: s.amounts for s in back.streams} == {s.code: s.amounts for s in demo.streams}
    assert client.get("/api/v1/agenda/export.xlsx").content[:2] == b"PK"


def test_csv_download(client) -> None:  # noqa: ANN001
    response = client.get("/agenda/export.csv?gebied=WK015303")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0].startswith("# agenda: ") and "# gebied: WK015303" in lines
    body = [line for line in lines if not line.startswith("#")]
    assert body[0].startswith("code,titel,") and "kosten_cent" in body[0]
    data = client.get("/api/v1/agenda?gebied=WK015303").json()
    assert len(body) - 1 == len(data["measures"])


def test_english_labels(client) -> None:  # noqa: ANN001
    try:
        html = client.get("/agenda?lang=en").text
        assert "Investment agenda" in html and "Totals per council term" in html
        assert ">Agenda<" in html
        onts = client.get("/agenda/ontschotting?lang=en").text
        assert "From funding stream via challenge to area" in onts
        assert "Bundling" in onts
        assert "Scenarios side by side" in client.get("/agenda/scenarios?lang=en").text
    finally:
        client.get("/agenda?lang=nl")  # the choice is remembered in a cookie: reset it


def test_area_profile_shows_its_agenda(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/gebied/WK015303").json()
    assert {m["code"] for m in data["agenda"]["measures"]} == {"M02", "M07", "M11", "M12"}
    html = client.get("/gebied/WK015303").text
    assert "Investeringsagenda in dit gebied" in html and "Wijkaanpak Twekkelerveld" in html
    assert client.get("/api/v1/gebied/WK059901").json()["agenda"] is None
    assert "Investeringsagenda in dit gebied" not in client.get("/gebied/WK059901").text


def test_unknown_agenda_is_not_found(client) -> None:  # noqa: ANN001
    assert client.get("/agenda?agenda=999999").status_code == 404
    response = client.get("/api/v1/agenda?agenda=999999")
    assert response.status_code == 404 and response.json()["error"]["type"] == "NotFound"
    assert re.search(r"999999", response.text)


def test_optimisation_with_another_framework(client) -> None:  # noqa: ANN001
    """``?kader=`` optimises with another preset's priorities; the page offers the choice and
    an unknown preset is a 404 naming the valid ones."""
    own = client.get("/api/v1/agenda/optimalisatie").json()
    other = client.get("/api/v1/agenda/optimalisatie?kader=groningen").json()
    assert own["provenance"]["framework"] == "enschede"
    assert other["provenance"]["framework"] == "groningen"
    assert [f["value"] for f in other["frameworks"] if f["selected"]] == ["groningen"]
    html = client.get("/agenda/optimalisatie/resultaat?kader=groningen",
                      headers={"HX-Request": "true"}).text
    assert '<option value="groningen" selected>' in html
    missing = client.get("/api/v1/agenda/optimalisatie?kader=bestaatniet")
    assert missing.status_code == 404 and "enschede" in missing.json()["error"]["message"]
