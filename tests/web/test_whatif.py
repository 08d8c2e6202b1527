"""What-if on the afwegingskader page, its fragment and JSON twin; saving needs a login."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.forms import csrf_token as _token


def test_whatif_default_is_the_saved_version(client) -> None:  # noqa: ANN001
    html = client.get("/kader/rotterdam?lang=nl").text
    assert "Opgeslagen versie" in html and 'id="ranglijst-wat-als"' in html
    assert 'hx-get="/kader/rotterdam/wat-als"' in html and "htmx.min.js" in html
    data = client.get("/api/v1/kader/rotterdam/whatif").json()
    assert data["changed"] is False and data["moved"] == 0
    assert all(r["rank_change"] in (0, None) for r in data["rows"])


def test_whatif_weight_changes_ranking_and_marks_difference(client) -> None:  # noqa: ANN001
    # Rotterdam opens on its social index: weigh its theme "Werk en inkomen" six times as much.
    data = client.get("/api/v1/kader/rotterdam/whatif?w.sociaal_werk_inkomen=6").json()
    assert data["changed"] and data["moved"] > 0
    assert any("Werk en inkomen" in c for c in data["changes"])
    assert data["fingerprint"] != data["saved_fingerprint"]
    moved = [r for r in data["rows"] if r["rank_change"]]
    assert sum(r["rank_change"] for r in moved) == 0  # ranks are a permutation
    # No-JS: the same query renders the full page with the same diff.
    html = client.get("/kader/rotterdam?w.sociaal_werk_inkomen=6&lang=nl").text
    assert "gewicht Werk en inkomen: 1,00 → 6,00" in html and "plaatsen" in html


def test_whatif_fragment_for_htmx_and_redirect_without(client) -> None:  # noqa: ANN001
    r = client.get("/kader/rotterdam/wat-als?w.fysiek_wonen=2", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert r.headers["HX-Push-Url"].startswith("/kader/rotterdam?")
    assert 'hx-swap-oob="true"' in r.text
    r = client.get("/kader/rotterdam/wat-als?w.fysiek_wonen=2", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/kader/rotterdam?")


@pytest.mark.parametrize("query", ["aggregate=topsis", "normalise=rank", "aggregate=geomean",
                                   "normalise=minmax&aggregate=geomean", "opgave=sociaal"])
def test_whatif_methods(client, query: str) -> None:  # noqa: ANN001
    r = client.get(f"/api/v1/kader/rotterdam/whatif?{query}")
    assert r.status_code == 200, r.text
    assert r.json()["rows"]


def test_whatif_equal_weights_switch_to_manual(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/kader/assen/whatif?w.gz_eenzaam_18p=0.1").json()
    assert any("gelijk" in n for n in data["notices"])


@pytest.mark.parametrize(("query", "status"), [("w.fysiek_wonen=abc", 422),
                                               ("w.fysiek_wonen=11", 422),
                                               ("w.bestaat_niet=1", 404),
                                               ("aggregate=median", 422),
                                               ("opgave=xyz", 404)])
def test_whatif_bad_input_has_the_error_shape(client, query: str, status: int) -> None:  # noqa: ANN001
    r = client.get(f"/api/v1/kader/rotterdam/whatif?{query}")
    assert r.status_code == status
    assert set(r.json()["error"]) == {"type", "message", "details"}


def test_whatif_matches_full_scoring(app) -> None:  # noqa: ANN001
    """The fast path (reweigh on the cached matrix) equals a full scoring run."""
    from wijkkompas.framework.schema import StepSpec
    from wijkkompas.services.framework import whatif
    from wijkkompas.services.framework.scoring import score_workspace

    ctx = app.state.ctx.for_request()
    saved = ctx.scored("groningen")
    variant, _ = whatif.variant_framework(saved.framework, {"fysiek_woningvoorraad": 3.0}, None,
                                          "topsis")
    fast = whatif.score_variant(ctx, saved, variant).result
    full = score_workspace(ctx.ws, variant)
    assert (fast.scores - full.scores).abs().max().max() < 1e-9
    assert (fast.ranks.fillna(-1).to_numpy() == full.ranks.fillna(-1).to_numpy()).all()
    assert (fast.tiers.fillna("-").to_numpy() == full.tiers.fillna("-").to_numpy()).all()
    assert variant.steps.aggregate == StepSpec(method="topsis")




@pytest.fixture(scope="module")
def account(app) -> tuple[str, str]:  # noqa: ANN001
    from wijkkompas.services.accounts.users import add_user

    add_user(app.state.ctx.ws, "tester-whatif", "een-lang-wachtwoord")
    return "tester-whatif", "een-lang-wachtwoord"


def test_save_requires_login_and_csrf(app, account) -> None:  # noqa: ANN001
    with TestClient(app) as c:
        html = c.get("/kader/rotterdam?w.fysiek_wonen=3").text
        assert "Log in om deze weging" in html and 'action="/kader/rotterdam/opslaan"' not in html
        r = c.post("/kader/rotterdam/opslaan", data={"w.fysiek_wonen": "3"})
        assert r.status_code == 403  # no CSRF token
        token = _token(c.get("/inloggen").text)
        r = c.post("/kader/rotterdam/opslaan", data={"w.fysiek_wonen": "3",
                                                      "csrf_token": token})
        assert r.status_code == 401  # valid token, not logged in


def test_login_save_version_and_use_it(app, account) -> None:  # noqa: ANN001
    name, password = account
    with TestClient(app) as c:
        token = _token(c.get("/inloggen").text)
        r = c.post("/inloggen", data={"name": name, "password": password, "csrf_token": token,
                                      "next": "/kader/rotterdam?w.fysiek_wonen=3"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/kader/rotterdam?w.fysiek_wonen=3"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
        html = c.get(r.headers["location"]).text
        assert f"<strong>{name}</strong>" in html
        r = c.post("/kader/rotterdam/opslaan", data={"w.fysiek_wonen": "3", "note": "test",
                                                      "csrf_token": "wrong"})
        assert r.status_code == 403
        form = re.search(r'action="/kader/rotterdam/opslaan".*?</form>', html, re.S).group(0)
        r = c.post("/kader/rotterdam/opslaan", data={"w.fysiek_wonen": "3", "note": "test",
                                                      "csrf_token": _token(form)},
                   follow_redirects=False)
        assert r.status_code == 303
        key = re.search(r"/kader/([^?]+)", r.headers["location"]).group(1).replace("%40", "@")
        assert key.startswith("rotterdam@")
        saved = c.get(f"/api/v1/kader/{key}/whatif").json()
        assert saved["changed"] is False and saved["version"] == int(key.split("@")[1])
        assert saved["weights"]["fysiek_wonen"] == 3.0
        assert f'value="{key}" selected' in c.get(f"/?kader={key}").text
        r = c.post("/uitloggen", data={"csrf_token": _token(html)}, follow_redirects=False)
        assert r.status_code == 303 and 'wk_session=""' in r.headers["set-cookie"]


def test_viewer_may_not_save_a_version(app) -> None:  # noqa: ANN001
    """Roles are enforced: a logged-in viewer gets 403 and no version is written."""
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.services.framework.versions import list_versions

    add_user(app.state.ctx.ws, "lezer-whatif", "een-lang-wachtwoord", role="viewer")
    before = len(list_versions(app.state.ctx.ws, "rotterdam"))
    with TestClient(app) as c:
        token = _token(c.get("/inloggen").text)
        r = c.post("/inloggen", data={"name": "lezer-whatif", "password": "een-lang-wachtwoord",
                                      "csrf_token": token, "next": "/kader/rotterdam"},
                   follow_redirects=False)
        assert r.status_code == 303
        html = c.get("/kader/rotterdam?w.fysiek_wonen=3").text
        form = re.search(r'action="/kader/rotterdam/opslaan".*?</form>', html, re.S).group(0)
        r = c.post("/kader/rotterdam/opslaan", data={"w.fysiek_wonen": "3",
                                                      "csrf_token": _token(form)},
                   follow_redirects=False)
        assert r.status_code == 403
        assert "lezer-whatif heeft de rol lezer en mag niets wijzigen" in r.text
    assert len(list_versions(app.state.ctx.ws, "rotterdam")) == before


def test_login_rate_limited(app, account) -> None:  # noqa: ANN001
    name, _password = account
    with TestClient(app) as c:
        token = _token(c.get("/inloggen").text)
        codes = [c.post("/inloggen", data={"name": name, "password": "fout-fout-fout",
                                           "csrf_token": token}).status_code for _ in range(6)]
        assert codes[:5] == [401] * 5 and codes[5] == 429
    app.state.auth.limiter.succeeded("testclient", name)  # the pair (source, account)


def test_open_redirect_is_refused() -> None:
    from wijkkompas.web.routes_auth import safe_next

    assert safe_next("//evil.example/") == "/kader"
    assert safe_next("https://evil.example/") == "/kader"
    assert safe_next("/kader/rotterdam?x=1") == "/kader/rotterdam?x=1"


def test_rank_interval_lazy_then_inline(client) -> None:  # noqa: ANN001
    r = client.get("/api/v1/gebied/WK059901/ranginterval")
    assert r.status_code == 200
    data = r.json()
    assert data["draws"] == 300 and data["rows"]
    row = data["rows"][0]
    assert row["rank_p05"] <= row["median_rank"] <= row["rank_p95"]
    assert 0 <= row["p_first_tier"] <= 1
    html = client.get("/gebied/WK059901?lang=nl").text
    assert "Mediaan" in html  # cached now: inline, no htmx round trip
    frag = client.get("/gebied/WK059901/ranginterval?lang=nl", headers={"HX-Request": "true"}).text
    assert "<html" not in frag and "Mediaan" in frag
    buurt = client.get("/api/v1/gebied/BU05990452/ranginterval").json()
    assert buurt["scored_area"] and buurt["scored_area"].startswith("WK")


def test_user_cli(tmp_path) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from wijkkompas.cli import app as cli

    db = str(tmp_path / "u.sqlite")
    runner = CliRunner()
    r = runner.invoke(cli, ["user", "add", "anna", "--password-stdin", "--db", db],
                      input="een-heel-goed-wachtwoord\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["user", "add", "anna", "--password-stdin", "--db", db],
                      input="een-heel-goed-wachtwoord\n")
    assert r.exit_code != 0 and "bestaat al" in r.output
    r = runner.invoke(cli, ["user", "add", "bob", "--password-stdin", "--db", db], input="kort\n")
    assert r.exit_code != 0 and "10 tekens" in r.output
    r = runner.invoke(cli, ["user", "list", "--db", db])
    assert "anna" in r.output and "bob" not in r.output


def test_password_hash_is_argon2id(app, account) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from wijkkompas.store.accounts import User

    with app.state.ctx.ws.engine.connect() as conn:
        h = conn.execute(select(User.password_hash).where(User.name == account[0])).scalar_one()
    assert h.startswith("$argon2id$")
