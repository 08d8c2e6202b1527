"""Partners, core teams and the audit trail in the web app: pages, forms, JSON twins, and who
may do what (anonymous 401, viewer 403, scoped editor only in its area, CSRF, 409)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.forms import csrf_token as _token
from tests.web.forms import hidden_fields as _form
from tests.web.forms import log_in
from wijkkompas.audit import entries, record
from wijkkompas.partners import service as ps
from wijkkompas.services.accounts.tokens import create_token
from wijkkompas.services.accounts.users import add_user

PASSWORD = "een-lang-wachtwoord"
AREA, OTHER = "WK059903", "WK059904"
CORP, CARE = "Woonstad Test", "Zorg Test"






def login(app, name: str) -> TestClient:  # noqa: ANN001
    client = TestClient(app)
    log_in(client, name, PASSWORD, next_url="/partners")
    return client


@pytest.fixture(scope="module")
def data(app) -> dict[str, str]:  # noqa: ANN001
    """Partners, seats, a commitment ending soon, a core team; and one account per role."""
    ws = app.state.ctx.ws
    ps.add_partner(ws, CORP, "woningcorporatie", notes="corporatie in Zuid")
    ps.add_partner(ws, CARE, "zorg_welzijn")
    ps.involve(ws, CORP, AREA, "wonen", "trekker")
    ps.involve(ws, CORP, OTHER, "wonen", "partner")
    ps.involve(ws, CARE, AREA, "zorg", "partner")
    ps.add_commitment(ws, CORP, "200 woningen renoveren", starts=date(2024, 1, 1),
                      ends=date.today() + timedelta(days=90), measure="M03",
                      funding_stream="corporatie", cents=4_000_000_00)
    ps.set_team(ws, AREA, name="Kernteam Test", mandate="initiatieven tot € 5.000",
                budget_cents=1_000_00, funding_stream="sociaal")
    ps.add_member(ws, AREA, "Femke", partner=CORP, role="gebiedsmanager")
    ps.log_decision(ws, AREA, "speeltuin opknappen", cents=250_00)
    accounts = {"editor": ("red-partners", "editor", []),
                "editor2": ("red-partners-2", "editor", []),
                "viewer": ("lezer-partners", "viewer", []),
                "scoped": ("red-gebied", "editor", [f"area:{AREA}"])}
    for name, role, scopes in accounts.values():
        add_user(ws, name, PASSWORD, role=role, scopes=scopes)
    return {key: value[0] for key, value in accounts.items()}


def test_pages_render_for_everyone(app, data) -> None:  # noqa: ANN001
    c = TestClient(app)
    html = c.get("/partners").text
    assert CORP in html and CARE in html and "Balanswaarschuwingen" in html
    assert "tafels per partner (meer geeft een waarschuwing): <strong>8</strong>" in html
    assert "toezegging van Woonstad Test (200 woningen renoveren) loopt af" in html
    assert 'method="post"' not in html.split("</header>")[1]  # no forms for visitors
    assert CARE not in c.get("/partners?soort=woningcorporatie").text.split("<h2")[2]
    html = c.get(f"/partners?max_tafels=1&gebied={AREA}").text
    assert "Woonstad Test zit aan 2 tafels (drempel 1)" in html
    assert f'href="/kernteams/{AREA}"' in html
    # One partner: seats, commitments with the ending-soon flag, euros from cents.
    html = c.get(f"/partners/{CORP}").text
    assert "<h1>Woonstad Test" in html and "€ 4.000.000" in html
    assert "geen opvolger" in html and "M03" in html and "corporatie" in html
    api = c.get(f"/api/v1/partners/{CORP}").json()
    assert [(s["area_code"], s["role"]) for s in api["seats"]] == [(AREA, "trekker"),
                                                                   (OTHER, "partner")]
    assert api["commitments"][0]["ending_soon"] is True
    assert api["commitments"][0]["cents"] == 4_000_000_00
    # The core team: mandate, budget (cents shown as euros), members, decisions.
    html = c.get(f"/kernteams/{AREA}").text
    assert "Kernteam Test" in html and "€ 1.000" in html and "€ 750" in html
    assert "Femke" in html and "speeltuin opknappen" in html and "geldstroom sociaal" in html
    team = c.get(f"/api/v1/kernteams/{AREA}").json()
    assert team["budget_left_cents"] == 750_00 and team["members"][0]["partner"] == CORP
    index = c.get("/api/v1/partners").json()
    row = next(p for p in index["partners"] if p["name"] == CORP)
    assert (row["tables"], row["leads"], row["commitments"]) == (2, 1, 1)
    assert {t["code"]: t["value"] for t in index["thresholds"]} == {
        "max_tafels": 8, "max_partners": 10, "horizon": 365}
    assert c.get("/partners/bestaat-niet").status_code == 404
    assert c.get("/api/v1/kernteams/XX9999").status_code == 404


def test_editor_uses_every_form(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    c = login(app, data["editor"])
    html = c.get("/partners").text
    token = _form(html, "/partners")["csrf_token"]
    r = c.post("/partners", data={"csrf_token": token, "naam": "Politie Test",
                                  "soort": "politie"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/partners/Politie%20Test")
    page = c.get("/partners/Politie Test").text
    hidden = _form(page, "/partners/Politie%20Test")
    assert hidden["versie"] == "1"
    r = c.post("/partners/Politie Test", data={**hidden, "soort": "politie",
                                               "notities": "wijkagent"}, follow_redirects=False)
    assert r.status_code == 303
    assert ps.partner(ws, "Politie Test") == {"name": "Politie Test", "type": "politie",
                                              "notes": "wijkagent", "lock_version": 2}
    seat = {"csrf_token": token, "gebied": AREA, "opgave": "veiligheid", "rol": "trekker"}
    assert c.post("/partners/Politie Test/tafels", data=seat,
                  follow_redirects=False).status_code == 303
    assert "Plaats intrekken" in c.get("/partners/Politie Test").text
    r = c.post("/partners/Politie Test/toezeggingen", data={
        "csrf_token": token, "wat": "extra surveillance", "van": "2026-01-01",
        "tot": "2026-12-31", "gebied": AREA, "bedrag": "1.234,56"}, follow_redirects=False)
    assert r.status_code == 303
    made = ps.commitments(ws)
    assert made[made["partner"] == "Politie Test"]["cents"].tolist() == [1_234_56]
    assert c.post("/partners/Politie Test/tafels/intrekken", data=seat,
                  follow_redirects=False).status_code == 303
    assert ps.overview(ws, partner="Politie Test").empty
    # A core team for an area without one: set it (versie 0), add a member, decide.
    page = c.get(f"/kernteams/{OTHER}").text
    assert "Dit gebied heeft nog geen kernteam" in page
    hidden = _form(page, f"/kernteams/{OTHER}")
    assert hidden["versie"] == "0"
    r = c.post(f"/kernteams/{OTHER}", data={**hidden, "naam": "Kernteam Twee",
                                            "mandaat": "kleine initiatieven",
                                            "budget": "500", "geldstroom": "sociaal"},
               follow_redirects=False)
    assert r.status_code == 303
    assert c.post(f"/kernteams/{OTHER}/leden", data={"csrf_token": token, "naam": "Ahmed",
                                                     "partner": CORP},
                  follow_redirects=False).status_code == 303
    assert c.post(f"/kernteams/{OTHER}/besluiten", data={
        "csrf_token": token, "besluit": "bankjes", "bedrag": "120,50"},
        follow_redirects=False).status_code == 303
    team = ps.team(ws, OTHER)
    assert team["budget_left_cents"] == 500_00 - 120_50 and team["members"][0]["name"] == "Ahmed"
    too_much = c.post(f"/kernteams/{OTHER}/besluiten", data={
        "csrf_token": token, "besluit": "te duur", "bedrag": "1000"})
    assert too_much.status_code == 422 and "past niet in het budget" in too_much.text
    actors = {e.actor for e in entries(ws, entity=f"core_team:{OTHER}")}
    assert actors == {data["editor"]}


def test_viewer_gets_403_and_nothing_changes(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    c = login(app, data["viewer"])
    html = c.get(f"/partners/{CORP}").text
    assert "Partner wijzigen" not in html and "Plaats geven" not in html
    token = _token(html)  # the logout form's token: valid for this session
    before = (ps.partner(ws, CORP), len(entries(ws)))
    for path, fields in ((f"/partners/{CORP}", {"notities": "gekaapt", "versie": "99"}),
                         ("/partners", {"naam": "Nep", "soort": "overig"}),
                         (f"/partners/{CORP}/tafels", {"gebied": AREA, "opgave": "x"}),
                         (f"/kernteams/{AREA}/besluiten", {"besluit": "nee"})):
        r = c.post(path, data={"csrf_token": token, **fields})
        assert r.status_code == 403, path
        assert "lezer-partners heeft de rol lezer en mag niets wijzigen" in r.text
    assert (ps.partner(ws, CORP), len(entries(ws))) == before
    assert c.get("/audit").status_code == 403
    assert c.get("/api/v1/audit").json()["error"]["type"] == "Forbidden"


def test_anonymous_gets_401_and_missing_csrf_403(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    before = len(entries(ws))
    anon = TestClient(app)
    token = _token(anon.get("/inloggen").text)
    r = anon.post(f"/partners/{CORP}", data={"csrf_token": token, "notities": "x", "versie": "1"})
    assert r.status_code == 401
    r = anon.get("/audit")
    assert r.status_code == 401 and 'href="/inloggen?next=/audit"' in r.text
    assert anon.get("/audit/export.csv").status_code == 401
    editor = login(app, data["editor"])
    r = editor.post(f"/partners/{CORP}", data={"notities": "zonder token", "versie": "1"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = editor.post("/api/v1/partners", json={"naam": "Zonder token", "soort": "overig"})
    assert r.status_code == 403 and r.json()["error"]["type"] == "Forbidden"
    assert len(entries(ws)) == before


def test_two_editors_second_gets_409_with_what_changed(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    first, second = login(app, data["editor"]), login(app, data["editor2"])
    action = f"/partners/{CARE.replace(' ', '%20')}"
    page_1 = _form(first.get(f"/partners/{CARE}").text, action)
    page_2 = _form(second.get(f"/partners/{CARE}").text, action)
    assert page_1["versie"] == page_2["versie"]
    r = first.post(f"/partners/{CARE}", data={**page_1, "soort": "zorg_welzijn",
                                              "notities": "wijkteam Zuid"},
                   follow_redirects=False)
    assert r.status_code == 303
    r = second.post(f"/partners/{CARE}", data={**page_2, "soort": "onderwijs",
                                               "notities": "school"},
                    headers={"referer": f"http://testserver/partners/{CARE}"})
    assert r.status_code == 409
    assert "Wat er intussen veranderde" in r.text
    assert "<td>notes</td><td></td><td>wijkteam Zuid</td><td>red-partners</td>" in r.text
    assert ps.partner(ws, CARE)["notes"] == "wijkteam Zuid"
    assert ps.partner(ws, CARE)["type"] == "zorg_welzijn"


def test_scoped_editor_cannot_touch_another_area(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    c = login(app, data["scoped"])
    html = c.get(f"/partners/{CORP}").text
    assert "Partner wijzigen" not in html  # a partner record is shared by every area
    assert html.count("Plaats intrekken<") == 1  # only the seat in its own area
    token = _token(html)
    seats_before = ps.seats(ws)
    for path, fields in ((f"/partners/{CORP}/tafels", {"gebied": OTHER, "opgave": "zorg"}),
                         (f"/partners/{CORP}/tafels/intrekken", {"gebied": OTHER,
                                                                 "opgave": "wonen"}),
                         (f"/kernteams/{OTHER}", {"naam": "overgenomen", "versie": "0"}),
                         (f"/partners/{CORP}", {"notities": "x", "versie": "1"})):
        assert c.post(path, data={"csrf_token": token, **fields}).status_code == 403, path
    assert ps.seats(ws).equals(seats_before)
    assert "Kernteam wijzigen" not in c.get(f"/kernteams/{OTHER}").text
    page = c.get(f"/kernteams/{AREA}").text
    assert "Kernteam wijzigen" in page
    r = c.post(f"/partners/{CORP}/tafels", data={"csrf_token": token, "gebied": AREA,
                                                 "opgave": "groen", "rol": "betrokken"},
               follow_redirects=False)
    assert r.status_code == 303
    assert (AREA, "groen") in set(zip(ps.seats(ws)["area_code"], ps.seats(ws)["opgave"],
                                      strict=True))


def test_audit_page_filters_pages_and_exports(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    with ws.engine.begin() as conn:
        for i in range(105):
            record(conn, "paginatester", "test.step", ("paginatest", f"e{i}"), {"n": i},
                   {"n": i + 1})
        record(conn, "publisher", "ranking.publish", ("ranking", "rotterdam"), None,
               {"published": True}, framework_version="rotterdam@3",
               data_fingerprint="f00dcafe1234")
    c = login(app, data["editor"])
    html = c.get("/audit?soort=paginatest").text
    # 25 rows a page (issue 18: 91 rows on one page was too long); filters stay in the links.
    assert "Wijzigingen 1–25 van 105" in html and "Pagina 1 van 5" in html
    rows = re.findall(r"paginatest: (e\d+)", html)
    assert rows[0] == "e104" and len(rows) == 25  # newest first
    assert 'href="/audit?soort=paginatest&amp;pagina=2" rel="next"' in html
    assert '<span class="audit-value">104</span> → <span class="audit-value">105</span>' in html
    page2 = c.get("/audit?soort=paginatest&pagina=2").text
    assert re.findall(r"paginatest: (e\d+)", page2) == [f"e{i}" for i in range(79, 54, -1)]
    page5 = c.get("/audit?soort=paginatest&pagina=5").text
    assert re.findall(r"paginatest: (e\d+)", page5) == [f"e{i}" for i in range(4, -1, -1)]
    html = c.get("/audit?soort=ranking").text
    assert "rotterdam@3" in html and "f00dcafe1234" in html
    html = c.get(f"/audit?soort=partner&entiteit={CORP}").text
    # the action in words (issue 18), the code stays in the JSON twin
    assert "partner aan tafel" in html and "paginatest" not in html.split("<tbody>")[1]
    api = c.get("/api/v1/audit", params={"soort": "paginatest", "actor": "paginatester",
                                         "pagina": 5}).json()
    assert api["total"] == 105 and len(api["rows"]) == 5 and api["page"] == 5
    r = c.get("/audit/export.csv?soort=paginatest")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == 105 and table[0]["entity_id"] == "e0" and table[0]["after"] == '{"n": 1}'
    doc = c.get("/audit/export.json?soort=ranking").json()
    assert doc["format_version"] == 1
    assert doc["entries"][-1]["framework_version"] == "rotterdam@3"


def test_json_api_with_a_bearer_token(app, data) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    _info, token = create_token(ws, data["editor"], "test")
    bearer = {"Authorization": f"Bearer {token}"}
    c = TestClient(app)
    r = c.post("/api/v1/partners", json={"naam": "Ondernemers Test", "soort": "ondernemers"},
               headers=bearer)
    assert r.status_code == 201 and r.json()["lock_version"] == 1
    r = c.post("/api/v1/partners/Ondernemers Test", json={"notities": "BIZ"}, headers=bearer)
    assert r.status_code == 422 and "versie" in r.json()["error"]["message"]
    r = c.post("/api/v1/partners/Ondernemers Test", json={"notities": "BIZ", "versie": 1},
               headers=bearer)
    assert r.status_code == 200 and r.json()["notes"] == "BIZ" and r.json()["lock_version"] == 2
    r = c.post("/api/v1/partners/Ondernemers Test", json={"notities": "oud", "versie": 1},
               headers=bearer)
    assert r.status_code == 409
    details = r.json()["error"]["details"]
    assert details["changes"][0]["after"] == "BIZ" and details["current_version"] == 2
    r = c.post(f"/api/v1/kernteams/{AREA}/besluiten", json={"besluit": "via API",
                                                             "bedrag": 10}, headers=bearer)
    assert r.status_code == 201 and r.json()["decisions"][0]["cents"] == 10_00
    assert c.get("/api/v1/audit", headers=bearer).status_code == 200
    assert c.get("/api/v1/audit", headers={"Authorization": "Bearer wk_fout"}).status_code == 401
    _info, viewer_token = create_token(ws, data["viewer"], "test")
    viewer = {"Authorization": f"Bearer {viewer_token}"}
    assert c.get("/api/v1/audit", headers=viewer).status_code == 403
    r = c.post("/api/v1/partners", json={"naam": "Nep", "soort": "overig"}, headers=viewer)
    assert r.status_code == 403
