"""The area report (PDF) on the shared web demo: every preset, wijk and buurt, Dutch and
English, privacy, tags, and the CLI. One render per case; the demo is the web package's."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.web.conftest import SENTINEL_TEXT
from wijkkompas.i18n import use_language

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
# (preset, area): a wijk of each municipality; Assen's framework scores buurten.
CASES = [("rotterdam", "WK059901"), ("groningen", "WK001401"), ("enschede", "WK015301"),
         ("assen", "BU01060100")]


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(outline: list) -> list:
    return [x for item in outline for x in (_flat(item) if isinstance(item, list) else [item])]


IN_CI = os.environ.get("CI", "").lower() == "true"


def _pdfinfo(pdf: bytes, folder: Path) -> dict[str, str]:
    """``pdfinfo``'s fields (poppler-utils, which .ci/run installs). Without it, outside CI, the
    same two facts from the file itself: tagged (/MarkInfo /Marked) and the title."""
    tool = shutil.which("pdfinfo")
    if tool is None:
        assert not IN_CI, "pdfinfo ontbreekt: installeer poppler-utils (.ci/run doet dat)"
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf))
        marked = reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")
        return {"Tagged": "yes" if marked else "no", "Title": reader.metadata.title or ""}
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _s, v in (line.partition(":") for line in
                                                  out.splitlines())}


def _page_one(pdf: Path, stem: str) -> bool:
    """Render page 1 as a PNG test artefact with poppler's pdftoppm (skipped outside CI when
    poppler-utils is not installed); True when rendered."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        assert not IN_CI, "pdftoppm ontbreekt: installeer poppler-utils (.ci/run doet dat)"
        return False
    subprocess.run([tool, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / stem)], check=True)
    return True


def _expected(app, preset: str, code: str, lang: str = "nl"):  # noqa: ANN001, ANN202
    from wijkkompas.services.areas.profile import area_profile

    with use_language(lang):
        return area_profile(app.state.ctx.for_request(), code, kader=preset)


def _check_pdf(pdf: bytes, app, preset: str, code: str, tmp_path: Path,  # noqa: ANN001
               lang: str = "nl") -> str:
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert len(_flat(reader.outline)) >= 6  # bookmarks: the title and every section
    info = _pdfinfo(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    profile = _expected(app, preset, code, lang)
    assert info["Title"].endswith(profile.name)
    text = " ".join(_text(pdf).split())
    assert profile.name in text
    assert " ".join(profile.kader_naam.split()) in text  # the framework's full name
    assert profile.opgaven, f"{code}: no scores to check"
    for op in profile.opgaven:
        if op.score.value is not None:
            assert "," in op.score.text or lang == "en"
            assert op.score.text in text, (op.name, op.score.text)
    for needed in ("Bron", "CBS", profile.provenance["data_fingerprint"],
                   profile.provenance["framework_fingerprint"]):
        assert needed in text
    assert SENTINEL_TEXT not in text.replace(".", "").replace(",", "")
    return text


@pytest.mark.parametrize(("preset", "code"), CASES)
def test_area_report_for_every_preset(client, app, preset: str, code: str,  # noqa: ANN001
                                      tmp_path: Path) -> None:
    response = client.get(f"/gebied/{code}/rapport.pdf", params={"kader": preset})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert f"gebiedsrapport-{code.lower()}" in response.headers["content-disposition"]
    text = _check_pdf(response.content, app, preset, code, tmp_path)
    assert "Het gebied en zijn buren" in text and "Ontwikkeling door de jaren" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"gebiedsrapport-{preset}-{code}.pdf").write_bytes(response.content)
    if preset == "rotterdam":
        # The wijk with values stored as suppressed: shown as "geheim", never as a number.
        assert "geheim" in text
        # Page 1 as an image for a person to look at (test artefact).
        if _page_one(ARTIFACTS / f"gebiedsrapport-{preset}-{code}.pdf",
                     "gebiedsrapport-pagina-1"):
            assert (ARTIFACTS / "gebiedsrapport-pagina-1.png").stat().st_size > 10_000


def test_area_report_map_is_real(app) -> None:  # noqa: ANN001
    from wijkkompas.services.reports.area import area_report

    report = area_report(app.state.ctx.for_request(), "rotterdam", "WK059910")
    assert report.map is not None
    assert report.map.svg.count("<path ") == report.map.n_shapes >= 6
    names = [name for _c, name in report.map.neighbours]
    assert {"Charlois", "IJsselmonde"} <= set(names)  # Feijenoord's neighbours over the river
    assert "Feijenoord" not in names


def test_buurt_report_in_english_shows_its_wijk_scores(client, app, tmp_path) -> None:  # noqa: ANN001
    response = client.get("/gebied/BU05991087/rapport.pdf", params={"lang": "en"})
    assert response.status_code == 200
    text = _check_pdf(response.content, app, "rotterdam", "BU05991087", tmp_path, lang="en")
    assert "Area report" in text and "The area and its neighbours" in text
    assert "Gebiedsrapport" not in text


def test_report_errors_are_clear(client) -> None:  # noqa: ANN001
    unknown = client.get("/gebied/XX9999/rapport.pdf")
    assert unknown.status_code == 404
    wrong = client.get("/gebied/WK059901/rapport.pdf", params={"kader": "groningen"})
    assert wrong.status_code == 422 and "geldt voor GM0014" in wrong.text
    bogus = client.get("/gebied/WK059901/rapport.pdf", params={"kader": "../../etc/passwd"})
    assert bogus.status_code in (404, 422) and "Onbekend afwegingskader" in bogus.text
    assert client.get("/gebied/WK059901/rapport.pdf",
                      params={"kader": "x" * 200}).status_code == 422


def test_cli_writes_the_report(demo_url: str, tmp_path: Path) -> None:
    from wijkkompas.cli import app as cli

    out = tmp_path / "assen.pdf"
    result = CliRunner().invoke(cli, ["report", "assen", "WK010601", "--output", str(out),
                                      "--db", demo_url])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "Lariks" in _text(out.read_bytes())
    bad = CliRunner().invoke(cli, ["report", "assen", "WK010601", "--output",
                                   str(tmp_path / "x.docx"), "--db", demo_url])
    assert bad.exit_code == 1 and ".pdf" in bad.output


def _docx_text(data: bytes) -> tuple[str, object]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return " ".join(" ".join(parts).split()), doc


def test_urgency_brief_pdf_and_docx(client, app, tmp_path: Path) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    from wijkkompas.services.partners.pages import core_team

    code, opgave = "WK015301", "urgentie"
    profile = _expected(app, "enschede", code)
    op = next(o for o in profile.opgaven if o.code == opgave)
    seats = [s.partner for s in core_team(app.state.ctx.for_request(), code).seats
             if s.opgave == opgave]
    assert seats, "the demo has partners at this table"
    pdf = client.get(f"/gebied/{code}/urgentiebrief.pdf", params={"opgave": opgave})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 1 <= len(PdfReader(io.BytesIO(pdf.content)).pages) <= 2
    assert _pdfinfo(pdf.content, tmp_path)["Tagged"] == "yes"
    docx = client.get(f"/gebied/{code}/urgentiebrief.docx", params={"opgave": opgave})
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    docx_text, doc = _docx_text(docx.content)
    assert doc.core_properties.title.startswith("Urgentiebrief") and \
        doc.core_properties.language == "nl-NL"
    for text in (" ".join(_text(pdf.content).split()), docx_text):
        assert profile.name in text and op.name in text and op.score.text in text
        assert all(name in text for name in seats)
        assert "Bron" in text and "CBS" in text and "Naam en handtekening" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "urgentiebrief.pdf").write_bytes(pdf.content)
    _page_one(ARTIFACTS / "urgentiebrief.pdf", "urgentiebrief-pagina-1")
    wrong = client.get(f"/gebied/{code}/urgentiebrief.pdf", params={"opgave": "bestaatniet"})
    assert wrong.status_code == 404 and "kies uit urgentie, potentie" in wrong.text


def test_council_report_pdf_and_docx(client, app, tmp_path: Path) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    from wijkkompas.services.agenda.pages import agenda_table

    table = agenda_table(app.state.ctx.for_request())
    assert table.measures and table.crossings
    pdf = client.get("/agenda/raadsrapportage.pdf")
    assert pdf.status_code == 200
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 2
    info = _pdfinfo(pdf.content, tmp_path)
    assert info["Tagged"] == "yes" and table.name in info["Title"]
    docx = client.get("/agenda/raadsrapportage.docx")
    assert docx.status_code == 200
    docx_text, _doc = _docx_text(docx.content)
    for text in (" ".join(_text(pdf.content).split()), docx_text):
        assert "Geld per geldstroom en bestuurstermijn" in text and "Klassewisselingen" in text
        assert all(m.title in text for m in table.measures)
        assert table.cost_total_text in text and table.terms[0] in text
        assert "Verplichtingen over de bestuurstermijn heen" in text
        assert "CBS" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "raadsrapportage.pdf").write_bytes(pdf.content)
    _page_one(ARTIFACTS / "raadsrapportage.pdf", "raadsrapportage-pagina-1")
    assert client.get("/agenda/raadsrapportage.pdf", params={"agenda": 999}).status_code == 404


def test_cli_writes_council_report_and_checks_names(demo_url: str, tmp_path: Path) -> None:
    from wijkkompas.cli import app as cli

    runner = CliRunner()
    council = tmp_path / "raad.docx"
    result = runner.invoke(cli, ["raadsrapportage", "--output", str(council), "--db", demo_url])
    assert result.exit_code == 0, result.output
    assert "Geld per opgave en bestuurstermijn" in _docx_text(council.read_bytes())[0]
    bad = runner.invoke(cli, ["raadsrapportage", "--output", str(tmp_path / "r.txt"), "--db",
                              demo_url])
    assert bad.exit_code == 1 and ".docx" in bad.output
    bad = runner.invoke(cli, ["urgentiebrief", "enschede", "WK015301", "--output",
                              str(tmp_path / "b.odt"), "--db", demo_url])
    assert bad.exit_code == 1 and ".docx" in bad.output
    bad = runner.invoke(cli, ["urgentiebrief", "enschede", "WK015301", "--taal", "fr",
                              "--output", str(tmp_path / "b.pdf"), "--db", demo_url])
    assert bad.exit_code == 1 and "Onbekende taal" in bad.output
    assert not list(tmp_path.glob("b.*"))


def test_area_workbook_numbers_as_numbers(client, app) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    from tests.web.conftest import SENTINEL

    response = client.get("/gebied/WK059901/rapport.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers[
        "content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert {"Scores", "Bijdragen", "Indicatoren", "Monitor", "Agenda", "Partners",
            "Bronnen"} <= set(book.sheetnames)
    profile = _expected(app, "rotterdam", "WK059901")
    scores = {row[0]: row[1] for row in book["Scores"].iter_rows(min_row=2, values_only=True)}
    for op in profile.opgaven:
        if op.score.value is not None:
            assert isinstance(scores[op.name], float)
            assert round(scores[op.name], 1) == round(op.score.value, 1)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "geheim" in cells and not any(isinstance(c, float) and abs(c - SENTINEL) < 1
                                         for c in cells)
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert any(isinstance(c, str) and c.startswith("Bron: CBS") for c in cells)
    header = [c.value for c in book["Agenda"][1]]
    assert "Kosten (€)" in header


def test_pdf_rendering_loads_no_file_or_url(tmp_path: Path) -> None:
    from wijkkompas.services.reports.render import html_to_pdf

    secret = tmp_path / "geheim.css"
    secret.write_text("p { color: #ff0000 } p::after { content: 'UITGELEKT' }")
    pdf = html_to_pdf(f'<html lang="nl"><head><title>t</title><link rel="stylesheet" '
                      f'href="file://{secret}"></head><body><p>tekst</p>'
                      f'<img src="http://127.0.0.1:9/x.png" alt="x"></body></html>')
    assert "tekst" in _text(pdf) and "UITGELEKT" not in _text(pdf)
