"""The national map in a real browser: MapLibre draws the areas under the strict CSP (worker
from this site), colours them from the class lists, and a click opens the profile."""

from __future__ import annotations

import pytest

from tests.web.e2e.conftest import CHROMIUM, axe_scan, screenshot

pytestmark = pytest.mark.e2e
GL_ARGS = ["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader",
           "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"]


@pytest.fixture(scope="module")
def gl_browser(browser):  # noqa: ANN001, ANN201
    """A second chromium with WebGL in software (SwiftShader), from the same Playwright."""
    gl = browser.browser_type.launch(executable_path=CHROMIUM, args=GL_ARGS)
    yield gl
    gl.close()


def test_national_map_draws_and_links(gl_browser, server_url: str) -> None:  # noqa: ANN001
    page = gl_browser.new_page(base_url=server_url, viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text
            else None)
    page.goto("/nederland?niveau=wijk")
    page.wait_for_selector("#landkaart[data-painted][data-ready='1']", timeout=60_000)
    screenshot(page, "nederland-wijk")
    assert not problems, problems
    # the areas were drawn and coloured per class; their codes are the profile links
    drawn = page.evaluate("""() => {
        const m = document.getElementById('landkaart').maplibre;
        const f = m.queryRenderedFeatures({layers: ['vlak']});
        return {n: new Set(f.map(x => x.properties.code)).size,
                colour: JSON.stringify(m.getPaintProperty('vlak', 'fill-color'))};
    }""")
    assert drawn["n"] > 50, drawn
    assert drawn["colour"].startswith('["match",["get","code"]') and "#08519c" in drawn["colour"]
    page.close()


def test_national_page_is_accessible_without_webgl(page) -> None:  # noqa: ANN001
    """The default test browser runs with --disable-gpu: the page says so and keeps the lists."""
    page.goto("/nederland?niveau=wijk")
    page.wait_for_load_state("networkidle")
    assert page.locator("h2", has_text="Hoogste waarden").count() == 1
    serious = axe_scan(page, "nederland")
    assert not serious, serious
