"""Layout fixes of issue 18 in a real browser at 1,280 px: no horizontal scrolling, a profile
of readable length, one sort arrow per header after a what-if swap, a checkbox next to its
label; axe-core on the new and fixed pages."""

from __future__ import annotations

import pytest

from tests.web.e2e.conftest import E2E_PASSWORD, E2E_USER, axe_scan, screenshot

pytestmark = pytest.mark.e2e

NEW_PAGES = [
    ("kernteams", "/kernteams"),
    ("herkomst", "/data/herkomst"),
    ("vergelijken-een-gebied", "/vergelijken?gebied=BU05991926"),
    ("gebied-zonder-score", "/gebied/WK059919"),
]
WIDE_PAGES = ["/agenda", "/agenda/optimalisatie", "/gebied/WK059915", "/kernteams",
              "/data/herkomst", "/agenda/scenarios",
              "/vergelijken?gebied=WK059901&gebied=WK059903&gebied=WK059912"]

OVERFLOW = """() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth) out.push('page');
  document.querySelectorAll('.table-scroll').forEach((el, i) => {
    if (el.scrollWidth > el.clientWidth + 1) out.push('table-scroll ' + i + ': ' +
      el.scrollWidth + ' > ' + el.clientWidth);
  });
  return out;
}"""


@pytest.mark.parametrize(("name", "path"), NEW_PAGES, ids=[n for n, _ in NEW_PAGES])
def test_new_pages_have_no_serious_accessibility_violations(page, name: str, path: str) -> None:  # noqa: ANN001
    page.goto(path)
    page.wait_for_load_state("networkidle")
    screenshot(page, f"issue18-{name}")
    serious = axe_scan(page, f"issue18-{name}")
    assert not serious, "\n".join(f"{v['impact']} {v['id']}: {v['help']}" for v in serious)


@pytest.mark.parametrize("path", WIDE_PAGES)
def test_no_horizontal_scrolling_at_1280(page, path: str) -> None:  # noqa: ANN001
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(OVERFLOW) == []


def test_profile_is_of_readable_length(page) -> None:  # noqa: ANN001
    page.goto("/gebied/WK059915")
    page.wait_for_load_state("networkidle")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, f"profile is {height} px long"  # was 8,400 px
    page.locator("details.fold summary").last.click()  # the folded tables open on demand
    assert page.locator("details.fold").last.evaluate("d => d.open")


def test_one_sort_arrow_per_header_after_a_whatif_swap(page) -> None:  # noqa: ANN001
    page.goto("/kader/rotterdam")
    page.wait_for_selector("#ranglijst-wat-als .sort-button")
    field = page.get_by_label("Thema: Woningvoorraad")
    field.fill("6")
    field.press("Tab")
    page.wait_for_selector(".whatif-summary.is-changed", timeout=15_000)
    page.wait_for_timeout(300)  # htmx settles
    nested = page.locator(".sort-button .sort-button").count()
    per_header = page.locator("#ranglijst-wat-als thead th[aria-sort]").evaluate_all(
        "ths => ths.map(th => th.querySelectorAll('.sort-button').length)")
    assert nested == 0 and set(per_header) == {1}, per_header


def test_agenda_checkbox_sits_next_to_its_label(page) -> None:  # noqa: ANN001
    page.goto("/inloggen?next=/agenda")
    page.get_by_label("Gebruikersnaam").fill(E2E_USER)
    page.get_by_label("Wachtwoord").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/agenda")
    box = page.locator("#import-vervang").bounding_box()
    label = page.locator("label[for=import-vervang]").bounding_box()
    assert box is not None and label is not None
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 12
    assert 0 <= label["x"] - (box["x"] + box["width"]) < 24
    screenshot(page, "issue18-agenda-ingelogd")
