"""Pages that broke, confused or were hard to use (issue 18), on the demo workspace."""

from __future__ import annotations

import csv
import io
import re

import pytest

UNSCORED_WIJK = "WK059919"  # Nieuw Mathenesse: no veiligheid score (too little data)
UNSCORED_BUURT = "BU05991926"  # a buurt in it: the profile shows the wijk's scores


@pytest.mark.parametrize("code", [UNSCORED_WIJK, UNSCORED_BUURT])
def test_profile_of_an_area_without_a_score(client, code: str) -> None:  # noqa: ANN001
    page = client.get(f"/gebied/{code}")
    assert page.status_code == 200
    assert "niet beoordeeld: te weinig gegevens" in page.text
    api = client.get(f"/api/v1/gebied/{code}")
    assert api.status_code == 200
    by_code = {op["code"]: op for op in api.json()["opgaven"]}
    assert by_code["veiligheid"]["rank"] is None
    assert by_code["veiligheid"]["not_assessed"].startswith("niet beoordeeld")
    assert by_code["fysiek"]["not_assessed"] is None
    assert client.get(f"/api/v1/gebied/{code}.csv").status_code == 200


def test_priority_rank_one_is_the_most_urgent(client) -> None:  # noqa: ANN001
    api = client.get("/api/v1/overzicht?gemeente=GM0599").json()
    ranking = [r for r in api["ranking"] if r["rank"] is not None]
    scores = [r["score"]["value"] for r in ranking]
    assert scores == sorted(scores)  # lowest score first ...
    assert ranking[0]["rank"] == 1  # ... and that is priority 1
    # the score's own rank (1 = highest) is the largest of the assessed areas; an area that is
    # not assessed (Spaanse Polder: 95 inhabitants) keeps its score rank but has no priority
    top_score_rank = max(r["score_rank"] for r in ranking)
    assert ranking[0]["score_rank"] == top_score_rank
    page = client.get("/?gemeente=GM0599").text
    assert "prioriteit 1 is het meest urgente gebied" in page
    first_row = page.split('<tr data-code="', 2)[1]
    assert re.search(r'<td data-value="1">1</td>', first_row)
    profile = client.get(f"/gebied/{ranking[0]['code']}").text
    assert "Rang 1 is de hoogste score" not in profile
    assert "Prioriteit 1 is het meest urgente gebied" in profile
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in client.get("/api/v1/ranglijst.csv?gemeente=GM0599").text.splitlines()
        if not line.startswith("#")))))
    assert rows[0]["rank"] == "1" and rows[0]["score_rank"] == str(top_score_rank)


def test_compare_with_one_area_shows_a_picker(client) -> None:  # noqa: ANN001
    page = client.get(f"/vergelijken?gebied={UNSCORED_BUURT}")
    assert page.status_code == 200
    assert "Kies nog één tot drie gebieden om met" in page.text
    assert f'<option value="{UNSCORED_BUURT}" selected>' in page.text  # chosen, in the picker
    assert "Buurten in Nieuw Mathenesse" in page.text  # its sibling buurten to add
    api = client.get(f"/api/v1/vergelijken?gebied={UNSCORED_WIJK}")
    assert api.status_code == 200 and api.json()["codes"] == [UNSCORED_WIJK]
    assert client.get("/vergelijken?" + "&".join(
        f"gebied=WK05990{i}" for i in (1, 3, 4, 5, 6))).status_code == 422


def test_compare_uses_each_indicators_latest_year(client) -> None:  # noqa: ANN001
    api = client.get("/api/v1/vergelijken?gebied=WK059901&gebied=WK059903&gebied=WK059912")
    rows = api.json()["indicators"]
    assert len(rows) > 5
    for row in rows:
        for cell, year in zip(row["cells"], row["notes"], strict=True):
            assert cell["status"] != "missing", row["label"]
            assert re.fullmatch(r"20\d\d", year)
    years = {row["notes"][0] for row in rows}
    assert len(years) > 1  # indicators come from different years, each shown with its own


def test_core_teams_list(client) -> None:  # noqa: ANN001
    page = client.get("/kernteams")
    assert page.status_code == 200
    api = client.get("/api/v1/kernteams").json()
    assert api["teams"], "the demo has core teams"
    for team in api["teams"]:
        assert f'href="{team["url"]}"' in page.text
    assert 'href="/kernteams"' in client.get("/partners").text


def test_provenance_is_a_page_without_html_injection(client) -> None:  # noqa: ANN001
    page = client.get("/data/herkomst")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Herkomst van de demodata</h1>" in page.text
    assert '<table class="data-table">' in page.text and "| bestand |" not in page.text
    assert 'class="main-nav"' in page.text  # the normal layout
    assert client.get("/api/v1/data/herkomst").json()["markdown"].startswith("# Herkomst")


def test_markdown_renderer_escapes_everything() -> None:
    from wijkkompas.web.markdown import render_markdown

    html = str(render_markdown(
        "# Kop <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[klik](javascript:alert(1)) `<b>code</b>`\n\n| a | b |\n|---|---|\n| <i>x</i> | 2 |\n"))
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert 'href="javascript:' not in html
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in html
    assert '<table class="data-table">' in html


def test_data_page_counts_values(client) -> None:  # noqa: ANN001
    page = client.get("/data").text
    assert "<built-in" not in page
    assert re.search(r"[\d.]+ waarden, [\d.]+ geheim", page)


def test_no_nan_on_a_partner_page(client) -> None:  # noqa: ANN001
    page = client.get("/partners/Alifa")
    assert page.status_code == 200
    assert not re.search(r">\s*nan\b|\bnan\s*<|: nan", page.text)


def test_class_swatches_keep_their_class_colour(client) -> None:  # noqa: ANN001
    by_class = client.get("/api/v1/overzicht?gemeente=GM0599").json()["ranking"]
    by_score = client.get("/api/v1/overzicht?gemeente=GM0599&kleur=score").json()["ranking"]
    for a, b in zip(by_class, by_score, strict=True):
        assert a["tier_colour"] == b["tier_colour"] == a["colour"]
    assert any(a["colour"] != b["colour"] for a, b in zip(by_class, by_score, strict=True))
    page = client.get("/?gemeente=GM0599&kleur=score").text
    for row in by_score:
        if row["not_assessed"]:  # no class: the reason instead of a swatch
            assert f'niet beoordeeld — {row["not_assessed"]}' in page
        elif row["tier"]:
            assert f'background:{row["tier_colour"]}" aria-hidden="true"></span>{row["tier"]}' \
                in page


def test_whatif_legend_counts_the_grey_areas(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/kader/rotterdam/whatif").json()
    grey = next(item for item in data["legend"] if item["label"] == "geen score")
    overview = client.get("/api/v1/overzicht?gemeente=GM0599").json()
    expected = next(item for item in overview["legend"] if item["label"] == "geen score")
    assert grey["count"] == expected["count"] > 0


def test_koppelkansen_only_coinciding_opgaven_with_named_tiers(client) -> None:  # noqa: ANN001
    kk = client.get("/api/v1/overzicht?gemeente=GM0599").json()["koppelkansen"]
    assert kk["tiers"] == ["hoge prioriteit", "aandacht"]
    assert all(", " in s["opgaven"] for s in kk["summary"])  # two or more opgaven
    for row in kk["rows"]:
        assert [t is not None for t in row["tiers"]] == row["flags"]
        assert all(t in kk["tiers"] for t in row["tiers"] if t)
    page = client.get("/?gemeente=GM0599").text
    assert '<span class="flag">prioriteit</span>' not in page
    assert '<span class="flag">aandacht</span>' in page


def test_reference_year_is_named(client) -> None:  # noqa: ANN001
    page = client.get("/kader/enschede").text
    assert "gescoorde gebieden in -" not in page
    assert re.search(r"gemiddelde van de gescoorde gebieden in 20\d\d", page)


def test_demo_summary_is_not_cut_at_80_columns(demo_url: str, tmp_path,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Output to a pipe (no terminal width) sizes the table to its content."""
    import sqlite3

    from typer.testing import CliRunner

    from wijkkompas.cli import app

    if not demo_url.startswith("sqlite"):
        pytest.skip("copies the SQLite demo file (the command rebuilds nothing there)")
    copy = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_url.split("///", 1)[1]) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COLUMNS", raising=False)
    result = CliRunner().invoke(app, ["demo", "--db", str(copy), "--no-serve"])
    assert result.exit_code == 0, result.output
    table = "\n".join(line for line in result.output.splitlines() if line[:1] in "┃│┏┡└")
    assert "indicatoren" in table and "…" not in table, table
    assert "jaren met gegevens" in table, table  # the header on one line


def test_profile_folds_long_tables_and_lists_each_source_once(client) -> None:  # noqa: ANN001
    page = client.get("/gebied/WK059915").text
    assert page.count('<details class="fold">') >= 4  # 3 contribution tables + survey table
    assert "Toon de tabel:" in page and "om te bespreken" in page
    api = client.get("/api/v1/gebied/WK059915").json()
    sources = api["sources"]
    assert len(sources) == len(set(sources))
    assert sum("CBS" in s and "Kerncijfers" in s for s in sources) == 1
    assert any(s.startswith("Wijkprofiel Rotterdam") for s in sources)


def test_imputed_indicator_is_not_called_empty(demo_url: str) -> None:
    # A framework that scores 2021 alone and fills gaps from earlier years (the presets score
    # per peiljaar instead): an indicator imputed from history is not also "without a value".
    from wijkkompas.framework.schema import load_preset, parse_framework
    from wijkkompas.services.framework.scoring import score_workspace
    from wijkkompas.workspace import Workspace

    data = load_preset("rotterdam").model_dump()
    data.update(peiljaar=None, years=[2021])
    data["steps"]["impute"] = {"method": "previous_year", "params": {"max_gap": 5}}
    data["screen"]["min_data_share"] = 0.2
    ws = Workspace.open(demo_url)
    try:
        warnings = score_workspace(ws, parse_framework(data)).warnings
    finally:
        ws.close()
    imputed = {w.split(":", 1)[0] for w in warnings if "geïmputeerd" in w}
    assert imputed, "the health figures of 2020 are imputed into 2021"
    for code in imputed:
        assert f"{code}: geen enkele waarde in de gekozen gebieden en jaren" not in warnings


def test_audit_in_the_menu_for_who_may_see_it_and_checksums_short(app, client) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from tests.web.forms import log_in
    from wijkkompas.audit import record
    from wijkkompas.services.accounts.users import add_user

    ws = app.state.ctx.ws
    add_user(ws, "beheer-menu", "een-lang-wachtwoord", role="admin")
    add_user(ws, "lezer-menu", "een-lang-wachtwoord", role="viewer")
    checksum = "9f" * 32
    with ws.engine.begin() as conn:
        record(conn, "menutester", "import.run", ("import", "menu"), {"sha256": "0" * 64},
               {"sha256": checksum})
    admin = TestClient(app)
    log_in(admin, "beheer-menu", "een-lang-wachtwoord")
    assert '<a href="/audit"' in admin.get("/data").text
    page = admin.get("/audit?soort=import&entiteit=menu").text
    assert f'title="{checksum}"' in page and f">{checksum[:12]}…<" in page
    viewer = TestClient(app)
    log_in(viewer, "lezer-menu", "een-lang-wachtwoord")
    assert '<a href="/audit"' not in viewer.get("/data").text
    assert '<a href="/audit"' not in client.get("/data").text  # anonymous


def test_every_unfunded_measure_says_why(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda/optimalisatie").json()
    unfunded = [m for m in data["measures"] if m["funded_cents"] == 0]
    assert unfunded, "the demo agenda leaves measures unfunded"
    for m in unfunded:
        assert m["reason"], m["code"]
    m03 = next(m for m in data["measures"] if m["code"] == "M03")
    assert m03["funded_cents"] == 0 and m03["reason"].startswith("lagere waarde per euro")
    assert all(m["reason"] is None for m in data["measures"] if m["funded_cents"] > 0)
    page = client.get("/agenda/optimalisatie/resultaat").text
    assert "Geen geld:</strong> lagere waarde per euro" in page


def test_agenda_table_marks_term_crossings_calmly(client) -> None:  # noqa: ANN001
    page = client.get("/agenda").text
    assert "over termijngrens" not in page.lower().replace("over de termijngrens", "")
    assert 'class="term-mark"' in page and "per jaar</summary>" in page
    table = page.split('class="data-table sortable agenda-table"', 1)[1].split("</thead>")[0]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    # Type, status, areas and opgaven moved under the title: no columns of their own.
    assert headers[0] == "Maatregel" and headers[1] == "Looptijd"
    assert headers[-2:] == ["Kosten", "Toegewezen"]
    assert all(re.fullmatch(r"\d{4}-\d{4}", h) for h in headers[2:-2])


def test_sankey_links_coloured_by_stream_and_earmarks_named(client) -> None:  # noqa: ANN001
    data = client.get("/api/v1/agenda/ontschotting").json()
    link = data["sankey"]["figure"]["data"][0]["link"]
    assert len(set(link["color"])) > 1 and all(c.startswith("rgba(") for c in link["color"])
    may_fund = [s["may_fund"] for a in data["areas"] for s in a["streams"]]
    assert not any(re.search(r"WK\d{6}.*WK\d{6}", text) for text in may_fund)
    assert any(re.search(r"alleen \d+ gebieden: Wijk", text) for text in may_fund)
    profile = client.get("/api/v1/gebied/WK015303").json()
    assert profile["agenda"]["streams"]
    assert not any(re.search(r"WK\d{6}.*WK\d{6}", s) for s in profile["agenda"]["streams"])


def test_scenarios_mark_cells_that_differ_from_the_basis(client) -> None:  # noqa: ANN001
    page = client.get("/agenda/scenarios").text
    assert '<td class="num changed">' in page and "anders dan de basis" in page
    first_column = re.findall(r"<tr><th scope=\"row\">[^<]+</th>(<td[^>]*>)", page)
    assert first_column and not any("changed" in td for td in first_column)


def test_cli_score_and_explain_an_area_without_a_score(demo_url: str,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from wijkkompas.cli import app

    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    score = runner.invoke(app, ["score", "rotterdam", "--db", demo_url])
    assert score.exit_code == 0, score.output
    assert not re.search(r"\bnan\b", score.output)
    assert "niet beoordeeld" in score.output and "prioriteit 1 = meest urgent" in score.output
    explain = runner.invoke(app, ["explain", "rotterdam", UNSCORED_WIJK, "--opgave",
                                  "veiligheid", "--db", demo_url])
    assert explain.exit_code == 0, explain.output
    assert "Traceback" not in explain.output
    assert "Veiligheidsindex 2024: niet beoordeeld: te weinig gegevens" in explain.output
