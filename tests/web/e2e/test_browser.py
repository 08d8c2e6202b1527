"""Walk the web app in a real browser (Debian chromium via Playwright): map -> profile ->
afwegingskader what-if -> CSV download -> log in and save a version; axe-core on every page."""

from __future__ import annotations

import re

import pytest

from tests.web.e2e.conftest import E2E_PASSWORD, E2E_USER, axe_scan, screenshot

pytestmark = pytest.mark.e2e

PAGES = [
    ("overzicht", "/"),
    ("overzicht-buurt", "/?gemeente=GM0106&niveau=buurt"),
    ("gebiedsprofiel", "/gebied/WK059901"),
    ("afwegingskader", "/kader/rotterdam"),
    ("afwegingskader-wat-als", "/kader/rotterdam?w.fysiek_wonen=4&aggregate=topsis"),
    ("vergelijken", "/vergelijken?gebied=WK059901&gebied=WK001401"),
    ("data", "/data"),
    ("inloggen", "/inloggen"),
    ("ranginterval", "/gebied/WK059901/ranginterval"),
    ("api-docs", "/api/v1/docs"),
    ("monitor-doel", "/monitor/doel/zuid-2031"),
    ("agenda", "/agenda"),
    ("agenda-ontschotting", "/agenda/ontschotting"),
    ("agenda-optimalisatie", "/agenda/optimalisatie"),
    ("agenda-scenarios", "/agenda/scenarios"),
    ("monitor", "/monitor"),
    ("monitor-spreiding", "/monitor/spreiding?gemeente=GM0599&indicator=bev_dich"),
    ("monitor-pilot", "/monitor/pilot/zuid-pilot"),
    ("partners", "/partners"),
    ("partner", "/partners/Alifa"),
    ("kernteam", "/kernteams/WK015303"),
]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[n for n, _ in PAGES])
def test_page_has_no_serious_accessibility_violations(page, name: str, path: str) -> None:  # noqa: ANN001
    page.goto(path)
    page.wait_for_load_state("networkidle")
    screenshot(page, name)
    serious = axe_scan(page, name)
    assert not serious, "\n".join(f"{v['impact']} {v['id']}: {v['help']} "
                                  f"({[n['target'] for n in v['nodes']][:5]})" for v in serious)


@pytest.mark.parametrize("path", ["/", "/gebied/WK059901",
                                  "/monitor/spreiding?gemeente=GM0599&indicator=bev_dich",
                                  "/kader/rotterdam", "/agenda/optimalisatie"])
def test_maps_and_charts_render_under_the_csp(page, path: str) -> None:  # noqa: ANN001
    """The strict Content-Security-Policy is sent, and plotly maps/charts and htmx still
    work under it (the page fixture fails on any CSP violation)."""
    response = page.goto(path)
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    page.wait_for_load_state("networkidle")
    plots = page.locator(".js-plotly-plot")
    if plots.count():  # every plotly figure on the page has drawn its SVG
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert page.locator(".js-plotly-plot .main-svg").count() >= plots.count()
    assert page.evaluate("typeof Plotly") == "object"


def test_an_inline_script_would_be_blocked(browser, server_url: str) -> None:  # noqa: ANN001
    """The policy really bites: a script injected into the page does not run, and the
    browser reports the violation (what the page fixture watches for)."""
    from tests.web.e2e.conftest import CSP_LISTENER

    context = browser.new_context(base_url=server_url)
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text))
        page.add_init_script(CSP_LISTENER)
        page.goto("/")
        page.wait_for_load_state("networkidle")
        page.evaluate("""() => { const s = document.createElement('script');
                              s.textContent = 'window.__ran = true;';
                              document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran === true") is False
        blocked = page.evaluate("window.__cspViolations")
        assert any("script-src" in v for v in blocked), blocked
        assert any("Content Security Policy" in m for m in console), console
    finally:
        context.close()


def test_map_click_opens_profile(page) -> None:  # noqa: ANN001
    page.goto("/")
    page.wait_for_selector("#kaart .main-svg")
    # Click inside a wijk on the map: plotly fills are SVG paths; the first trace's fill.
    fill = page.locator("#kaart path.js-fill").first
    fill.wait_for()
    box = fill.bounding_box()
    assert box is not None
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert re.search(r"/gebied/WK0599\d\d", page.url), page.url
    assert page.locator("h1").inner_text()
    # The rank interval arrives lazily (htmx) on the profile.
    page.wait_for_selector("#ranginterval-inhoud table", timeout=30_000)
    assert "Mediaan" in page.locator("#ranginterval-inhoud").inner_text()
    screenshot(page, "profiel-na-kaartklik")


def test_whatif_weight_changes_ranking_live(page) -> None:  # noqa: ANN001
    page.goto("/kader/rotterdam")
    page.wait_for_selector("#ranglijst-wat-als")
    assert "Opgeslagen versie" in page.locator(".whatif-summary").text_content()
    before = page.locator("#ranglijst-wat-als tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)")
    # Keyboard: focus the theme weight, type a new value, leave the field (change event).
    field = page.get_by_label("Thema: Werk en inkomen")  # Rotterdam opens on its social index
    field.fill("6")
    field.press("Tab")
    page.wait_for_selector(".whatif-summary.is-changed", timeout=15_000)
    after = page.locator("#ranglijst-wat-als tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)")
    assert sorted(before) == sorted(after)
    assert before != after, "the ranking did not change"
    assert page.locator("#ranglijst-wat-als .up, #ranglijst-wat-als .down").count() > 0
    assert "w.sociaal_werk_inkomen=6" in page.url  # the URL keeps the what-if (reload, share)
    page.wait_for_selector("#kaart-wat-als .main-svg")
    screenshot(page, "afwegingskader-na-wijziging")
    # Another method via the select.
    page.get_by_label("Aggregatie").select_option("topsis")
    page.wait_for_function("() => location.search.includes('aggregate=topsis')")
    # the methods in words (issue 18), not their codes
    page.wait_for_selector("text=aggregatie: gewogen gemiddelde → TOPSIS")


def test_download_ranking_csv(page) -> None:  # noqa: ANN001
    page.goto("/")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").first.click()
    download = info.value
    assert download.suggested_filename == "ranglijst.csv"
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith("#") and "WK0599" in text


def test_login_and_save_a_version(page) -> None:  # noqa: ANN001
    page.goto("/kader/rotterdam?w.fysiek_wonen=2")
    page.get_by_role("link", name="Log in om deze weging als nieuwe versie op te slaan.").click()
    page.get_by_label("Gebruikersnaam").fill(E2E_USER)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    screenshot(page, "inloggen-ingevuld")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/kader/rotterdam\?.*w\.fysiek_wonen=2"))
    assert E2E_USER in page.locator(".account").inner_text()
    page.get_by_label("Toelichting (waarom deze weging?)").fill("e2e: woningvoorraad zwaarder")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(re.compile(r"/kader/rotterdam(@|%40)\d+\?opgeslagen=\d+"))
    assert "Opgeslagen als versie" in page.locator("main").inner_text()
    screenshot(page, "afwegingskader-opgeslagen")
    serious = axe_scan(page, "afwegingskader-opgeslagen")
    assert not serious, serious
    # The overview can use the saved version.
    key = re.search(r"/kader/([^?]+)", page.url).group(1).replace("%40", "@")
    page.goto(f"/?kader={key}")
    assert page.locator("#f-kader").input_value() == key
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Inloggen" in page.locator(".account").inner_text()


def _log_in(page, name: str, password: str, then: str) -> None:  # noqa: ANN001
    page.goto(f"/inloggen?next={then}")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def test_two_editors_cannot_overwrite_each_other(browser, server_url: str) -> None:  # noqa: ANN001
    """Issue 6's Done-means in a real browser: two editors open the same agenda; the first
    saves; the second's save is refused with a 409 page that shows what changed, and
    nothing of the first save is lost."""
    contexts = [browser.new_context(base_url=server_url, locale="nl-NL") for _ in range(2)]
    try:
        first, second = (c.new_page() for c in contexts)
        for page in (first, second):  # both open the page before either saves
            _log_in(page, E2E_USER, E2E_PASSWORD, "/agenda/optimalisatie")
            page.get_by_role("button", name="Toewijzing opslaan").wait_for()
        for page in (first, second):
            page.get_by_label(re.compile(r"Vervang versie \d+")).check()
        first.get_by_role("button", name="Toewijzing opslaan").click()
        first.wait_for_load_state()
        assert "opgeslagen" in first.locator("main").inner_text().lower()
        second.get_by_role("button", name="Toewijzing opslaan").click()
        second.wait_for_load_state()
        text = second.locator("main").inner_text()
        assert "Iemand anders heeft dit opgeslagen" in text
        assert "Wat er intussen veranderde" in text and E2E_USER in text
        screenshot(second, "agenda-conflict-409")
        serious = axe_scan(second, "agenda-conflict-409")
        assert not serious, serious
    finally:
        for c in contexts:
            c.close()
