"""End-to-end fixtures: a real uvicorn server on a free loopback port with the demo database,
and Debian's chromium driven by Playwright (never a downloaded browser).

In CI (``CI=true``) a missing browser FAILS the run; elsewhere the tests skip with a message
saying how to enable them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WIJKKOMPAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
E2E_USER, E2E_PASSWORD = "e2e-tester", "e2e-wachtwoord-123"
AXE_RESULTS: dict[str, dict] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(f"{reason}; enable the browser tests with 'apt-get install chromium' "
                "(Debian's chromium at /usr/bin/chromium; no 'playwright install' needed)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e .[test])")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
    if AXE_RESULTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-results.json").write_text(json.dumps(AXE_RESULTS, indent=2), "utf-8")


@pytest.fixture(scope="package")
def server_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn serving the demo database on 127.0.0.1:<free port>, in a thread."""
    import uvicorn

    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.settings import load_settings
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("e2edata")), user="e2e")
    app = create_app(settings, database_url=demo_url)
    with contextlib.suppress(Exception):  # exists already (same demo database)
        add_user(app.state.ctx.ws, E2E_USER, E2E_PASSWORD)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, server_url: str) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(base_url=server_url, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Content-Security-Policy: every blocked script, style, image or connection is reported
    # on the console (and as a securitypolicyviolation event); none may happen.
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.add_init_script(CSP_LISTENER)
    yield page
    with contextlib.suppress(Exception):  # the page may be gone (closed, navigated away)
        violations += page.evaluate("window.__cspViolations || []")
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not violations, f"CSP violations: {violations}"


#: Records securitypolicyviolation events (an init script is not subject to the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' '
                              + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


def screenshot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_scan(page, name: str) -> list[dict]:  # noqa: ANN001
    """Serious and critical axe-core violations of the current page (all are recorded)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    AXE_RESULTS[name] = {
        "url": page.url,
        "violations": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                        "help": v["help"]} for v in violations],
    }
    return [v for v in violations if v.get("impact") in ("serious", "critical")]
