"""Buurtbudget in the web app: the demo round's page and JSON twin, the .pb download, and who
may add a proposal or import ballots (anonymous 401, viewer 403, editor of another area 403,
CSRF, stale version 409)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.forms import hidden_fields, log_in
from wijkkompas.budgeting.pabulib import read_pb
from wijkkompas.services.accounts.users import add_user
from wijkkompas.services.budgeting.rounds import rounds
from wijkkompas.services.data.demo import DEMO_BUDGET_AREA

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture(scope="module")
def rid(app) -> int:  # noqa: ANN001
    ws = app.state.ctx.ws
    for name, role, scopes in [("bb-red", "editor", [f"area:{DEMO_BUDGET_AREA}"]),
                               ("bb-ander", "editor", ["area:BU01060004"]),
                               ("bb-lezer", "viewer", [])]:
        add_user(ws, name, PASSWORD, role=role, scopes=scopes)
    (demo,) = [r for r in rounds(ws) if r["example"]]
    return demo["id"]


def _login(app, name: str, rid: int) -> tuple[TestClient, str]:  # noqa: ANN001
    c = TestClient(app)
    log_in(c, name, PASSWORD, next_url=f"/buurtbudget/{rid}")
    return c, c.get(f"/buurtbudget/{rid}").text


def test_the_demo_round_page_and_json(client: TestClient, rid: int) -> None:
    html = client.get("/buurtbudget").text
    assert "Buurtbudget Oranjebuurt 2026 (voorbeeld)" in html and "voorbeeld" in html
    html = client.get(f"/buurtbudget/{rid}").text
    assert "geen echte uitslag" in html and "Method of Equal Shares" in html
    assert "budget per kiezer" in html and "€ 416,67" in html  # € 25.000 ÷ 60
    assert "nan" not in html and 'method="post"' not in html.split("</header>")[1]
    data = client.get(f"/api/v1/buurtbudget/{rid}").json()
    chosen = {r["rule"]: r for r in data["rules"]}
    assert chosen["equal-shares"]["cost_cents"] <= data["budget_cents"] == 2_500_000
    assert chosen["greedy"]["selected"] >= chosen["equal-shares"]["selected"]
    add1 = client.get(f"/api/v1/buurtbudget/{rid}?aanvulling=add1").json()
    assert add1["completion"] == "add1"
    got = {r["rule"]: r["cost_cents"] for r in add1["rules"]}
    assert chosen["equal-shares"]["cost_cents"] <= got["equal-shares"] <= 2_500_000
    assert client.get(f"/api/v1/buurtbudget/{rid}?gelijk=zomaar").status_code == 422
    assert client.get("/buurtbudget/999999").status_code == 404
    pb = client.get(f"/buurtbudget/{rid}/export.pb")
    assert pb.status_code == 200 and "attachment" in pb.headers["content-disposition"]
    assert len(read_pb(pb.content).ballots) == data["ballots"] == 60


def test_who_may_add_a_proposal(app, client: TestClient, rid: int) -> None:  # noqa: ANN001
    url = f"/buurtbudget/{rid}/voorstellen"
    fields = {"code": "OB9", "naam": "Moestuin", "kosten": "1500", "status": "toegelaten"}
    assert client.post(url, data=fields, follow_redirects=False).status_code in (401, 403)
    viewer, _html = _login(app, "bb-lezer", rid)
    assert 'action="/buurtbudget' not in _html
    token = viewer.get("/inloggen").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert viewer.post(url, data={**fields, "csrf_token": token},
                       follow_redirects=False).status_code == 403
    other, html = _login(app, "bb-ander", rid)
    assert f'action="{url}"' not in html  # no form for an editor of another buurt
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    assert other.post(url, data={**fields, "csrf_token": token},
                      follow_redirects=False).status_code == 403
    editor, html = _login(app, "bb-red", rid)
    hidden = hidden_fields(html, url)
    assert editor.post(url, data=fields, follow_redirects=False).status_code == 403  # no CSRF
    r = editor.post(url, data={**fields, **hidden}, follow_redirects=False)
    assert r.status_code == 303
    page = editor.get(r.headers["location"]).text
    assert "Moestuin" in page and "Opgeslagen" in page
    stale = editor.post(url, data={**fields, **hidden, "code": "OB10"}, follow_redirects=False)
    assert stale.status_code == 409


def test_ballots_importer(app, rid: int) -> None:  # noqa: ANN001
    editor, html = _login(app, "bb-red", rid)
    url = f"/buurtbudget/{rid}/stemmen"
    hidden = hidden_fields(html, url)
    bad = editor.post(url, data=hidden, files={"bestand": ("s.csv", b"voter_id;vote\n1;ZZ\n")},
                      follow_redirects=False)
    assert bad.status_code == 422 and "onbekend project" in bad.text
    assert editor.get(f"/api/v1/buurtbudget/{rid}").json()["ballots"] == 60  # unchanged
    exported = editor.get(f"/buurtbudget/{rid}/export.pb").content
    ok = editor.post(url, data=hidden, files={"bestand": ("terug.pb", exported)},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert editor.get(f"/api/v1/buurtbudget/{rid}").json()["ballots"] == 60
