"""Every CSV and Excel download (web and CLI) is inert: names that a spreadsheet would run as a
formula — stored as area names, partner names and notes, measure titles, target names, audit
actors and entities — leave as text; numbers stay numbers.

The demo is built in its own database with the hostile names written over real ones; then
every download route of the app (every ``.csv``/``.xlsx`` path of the OpenAPI schema plus the
pages' own downloads) and every CLI export is fetched and checked cell by cell: no CSV cell
(also when split on ``;``, tabs or line breaks, as a Dutch Excel may) starts a formula, no
workbook cell is a formula or error (openpyxl, not ``data_only``), and numeric cells —
negative ones included — are numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import fresh_database_url
from tests.test_exportsafe import HOSTILE, cells_are_inert
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

NAMES = list(HOSTILE)
ACTOR = "=cmd|' /C calc'!A0"
PASSWORD = "een-lang-wachtwoord"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Path parameters of the download routes (a new download route with another parameter makes
# the test fail until it is added here).
PATH_VALUES = {"/api/v1/gebied/{code}": "WK059910", "/api/v1/monitor/doel/{code}": "zuid-2031",
               "/api/v1/monitor/pilot/{code}": "zuid-pilot"}
PAGE_DOWNLOADS = ["/agenda/export.csv", "/agenda/export.xlsx", "/agenda/sjabloon.xlsx",
                  "/audit/export.csv"]


def _hostile_names(ws: Workspace, url: str, data_dir: str) -> None:
    """Area names, partners, the agenda's measures and a target name made hostile; audit
    entries written by an actor with a hostile name."""
    from wijkkompas.partners import service as ps
    from wijkkompas.services.agenda import usecases as agenda_svc
    from wijkkompas.services.monitor import usecases as monitor_svc

    with ws.engine.begin() as conn:
        codes = conn.execute(text(
            "SELECT code FROM areas WHERE municipality_code = 'GM0599' AND level = 'district' "
            "ORDER BY code")).scalars().all()
        for i, code in enumerate(["WK059910", "WK059915", "WK059912",
                                  *[c for c in codes if c not in ("WK059910", "WK059915",
                                                                   "WK059912")]]):
            conn.execute(text("UPDATE areas SET name = :n WHERE code = :c"),
                         {"n": NAMES[i % len(NAMES)], "c": code})
    hostile = Workspace.open(url, settings=load_settings({}, data_dir=data_dir, user=ACTOR))
    try:
        for name in dict.fromkeys(n.strip() for n in NAMES):  # names are stored stripped
            ps.add_partner(hostile, name, "overig", notes=name)
            ps.involve(hostile, name, "WK059910", "wonen", "partner")
        agenda = agenda_svc.load_agenda(hostile)
        measures = [replace(m, title=NAMES[i % len(NAMES)], description=NAMES[-1 - i % 5],
                            lead=NAMES[(i + 1) % len(NAMES)])
                    for i, m in enumerate(agenda.measures)]
        agenda_svc.save_agenda(hostile, replace(agenda, measures=measures, notes=NAMES[0]),
                               replace=True)
        monitor_svc.edit_target(hostile, "zuid-2031", {
            "name": NAMES[6], "note": NAMES[1], "reference_label": "gemiddelde,=1+1"})
    finally:
        hostile.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str, str]]:
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.services.data.demo import build_demo
    from wijkkompas.web import create_app

    with fresh_database_url(tmp_path_factory.mktemp("inert"), "ie") as url:
        data_dir = str(tmp_path_factory.mktemp("iedata"))
        settings = load_settings({}, data_dir=data_dir, user="tester")
        ws = Workspace.open(url, settings=settings)
        try:
            build_demo(ws)
            _hostile_names(ws, url, data_dir)
            add_user(ws, "beheerder-export", PASSWORD, role="admin")
            _info, token = create_token(ws, "beheerder-export", "export")
        finally:
            ws.close()
        application = create_app(settings, database_url=url)
        yield application, url, token
        application.state.ctx.ws.close()


def _download_paths(app) -> list[str]:  # noqa: ANN001
    paths = []
    for path, ops in app.openapi()["paths"].items():
        if "get" not in ops or not path.endswith((".csv", ".xlsx")):
            continue
        stem = path.rsplit(".", 1)[0]
        if "{" in stem:
            assert stem in PATH_VALUES, f"onbekende downloadparameter in {path}"
            path = path.replace("{code}", PATH_VALUES[stem])
        paths.append(path)
    return [*paths, *PAGE_DOWNLOADS]


@pytest.fixture(scope="module")
def downloads(hostile) -> dict[str, bytes]:  # noqa: ANN001
    app, _url, token = hostile
    out = {}
    with TestClient(app) as client:
        for path in _download_paths(app):
            r = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, (path, r.text[:300])
            kind = "xlsx" if path.endswith(".xlsx") else "csv"
            assert r.headers["content-type"].startswith(
                XLSX_TYPE if kind == "xlsx" else "text/csv"), path
            out[path] = r.content
    return out


def _workbook_cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))  # formulas stay formulas here
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def _xlsx_text(value: str) -> str:
    return value.replace("\r", "\n")  # XML turns a carriage return into a line feed


def test_every_download_was_fetched(downloads: dict[str, bytes]) -> None:
    assert len(downloads) >= 16, sorted(downloads)
    for name in ("/api/v1/ranglijst.csv", "/api/v1/ranglijst.xlsx", "/audit/export.csv",
                 "/api/v1/agenda/export.csv", "/api/v1/monitor/doel/zuid-2031.xlsx"):
        assert name in downloads


def test_no_csv_cell_starts_a_formula(downloads: dict[str, bytes]) -> None:
    for path, content in downloads.items():
        if path.endswith(".csv"):
            assert cells_are_inert(content.decode("utf-8")) == [], path


def test_the_hostile_names_are_there_as_text(downloads: dict[str, bytes]) -> None:
    """The checks above see the names: each download that shows them has them quoted."""
    csv_text = {p: c.decode("utf-8") for p, c in downloads.items() if p.endswith(".csv")}
    expect = {"/api/v1/ranglijst.csv": 5, "/api/v1/gebied/WK059910.csv": 1,
              "/api/v1/agenda/export.csv": 5, "/agenda/export.csv": 5,
              "/api/v1/monitor/doel/zuid-2031.csv": 3, "/audit/export.csv": 7}
    for path, at_least in expect.items():
        found = [v for v in HOSTILE.values() if v.split("\r")[0] in csv_text[path]]
        assert len(found) >= at_least, (path, found)
    assert f"'{ACTOR}" in csv_text["/audit/export.csv"]  # the actor column
    assert "# description: " in csv_text["/api/v1/monitor/doel/zuid-2031.csv"]
    assert "gemiddelde,'=1+1" in csv_text["/api/v1/monitor/doel/zuid-2031.csv"]


def test_no_workbook_cell_is_a_formula(downloads: dict[str, bytes]) -> None:
    for path, content in downloads.items():
        if path.endswith(".xlsx"):
            cells = _workbook_cells(content)
            assert cells, path
            formulas = [(c.parent.title, c.coordinate, c.value) for c in cells
                        if c.data_type in ("f", "e")]
            assert formulas == [], path


def test_workbooks_keep_the_names_exactly(downloads: dict[str, bytes]) -> None:
    for path in ("/api/v1/ranglijst.xlsx", "/api/v1/agenda/export.xlsx",
                 "/api/v1/monitor/doel/zuid-2031.xlsx"):
        texts = {c.value for c in _workbook_cells(downloads[path]) if c.data_type == "s"}
        assert len({_xlsx_text(n) for n in NAMES} & texts) >= 3, path


def test_agenda_workbook_round_trips_the_hostile_titles(
        hostile, downloads: dict[str, bytes], tmp_path: Path) -> None:  # noqa: ANN001
    from wijkkompas.agenda.excel import read_workbook
    from wijkkompas.services.agenda.usecases import load_agenda

    path = tmp_path / "agenda.xlsx"
    path.write_bytes(downloads["/agenda/export.xlsx"])
    back = read_workbook(path)
    app = hostile[0]
    stored = load_agenda(app.state.ctx.ws)
    assert [m.title for m in back.measures] == [_xlsx_text(m.title).strip()
                                                for m in stored.measures]


def test_numbers_stay_numbers(downloads: dict[str, bytes]) -> None:
    text_ = downloads["/api/v1/monitor/doel/zuid-2031.csv"].decode("utf-8")
    frame = pd.read_csv(io.StringIO(text_), comment="#")
    assert frame["baseline_value"].dtype == float and (frame["baseline_value"] < 0).any()
    assert any(line.split(",")[3].startswith("-") for line in text_.splitlines()
               if line.startswith("WK"))  # a negative number, written bare
    ranking = pd.read_csv(io.StringIO(downloads["/api/v1/ranglijst.csv"].decode()), comment="#")
    # rank is numeric; an area that is not assessed has none (an empty cell, never text)
    assert ranking["score"].dtype == float and ranking["rank"].dtype.kind in "if"
    assert (ranking["rank"].dropna() % 1 == 0).all()
    assert ",1," in downloads["/api/v1/ranglijst.csv"].decode() or \
        "\n1," in downloads["/api/v1/ranglijst.csv"].decode()  # written as 1, not 1.0
    cells = _workbook_cells(downloads["/api/v1/monitor/doel/zuid-2031.xlsx"])
    negative = [c for c in cells if isinstance(c.value, float) and c.value < 0]
    assert negative and all(c.data_type == "n" for c in negative)


# --- the CLI exports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_files(hostile, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: ANN001
    from wijkkompas.cli import app as cli

    _app, url, _token = hostile
    out = tmp_path_factory.mktemp("cli-exports")
    runner = CliRunner()
    env = {"WIJKKOMPAS_DATA_DIR": str(out / "data"), "WIJKKOMPAS_USER": "cli-tester",
           "COLUMNS": "200"}
    commands = {
        "score.csv": ["score", "rotterdam", "-o", str(out / "score.csv")],
        "score.xlsx": ["score", "rotterdam", "-o", str(out / "score.xlsx")],
        "sens.csv": ["sensitivity", "rotterdam", "--draws", "20", "-o", str(out / "sens.csv")],
        "progress.csv": ["monitor", "progress", "zuid-2031", "-o", str(out / "progress.csv")],
        "progress.xlsx": ["monitor", "progress", "zuid-2031", "-o", str(out / "progress.xlsx")],
        "targets.csv": ["monitor", "targets", "-o", str(out / "targets.csv")],
        "pilot.xlsx": ["monitor", "pilot", "--code", "zuid-pilot", "-o", str(out / "pilot.xlsx")],
        "audit.csv": ["audit", "-o", str(out / "audit.csv")],
        "agenda.xlsx": ["agenda", "export", str(out / "agenda.xlsx")],
    }
    files = {}
    for name, args in commands.items():
        result = runner.invoke(cli, [*args, "--db", url], env=env)
        assert result.exit_code == 0, (name, result.output)
        files[name] = out / name
    files["sens-drivers.csv"] = out / "sens-drivers.csv"
    return files


def test_cli_exports_are_inert(cli_files: dict[str, Path]) -> None:
    seen: set[str] = set()
    for name, path in cli_files.items():
        assert path.exists(), name
        if name.endswith(".csv"):
            content = path.read_text(encoding="utf-8")
            assert cells_are_inert(content) == [], name
            seen |= {n for n, v in HOSTILE.items() if v.split("\r")[0] in content}
        else:
            cells = _workbook_cells(path.read_bytes())
            assert not [c.coordinate for c in cells if c.data_type in ("f", "e")], name
            seen |= {n for n in NAMES if _xlsx_text(n) in {c.value for c in cells}}
    assert len(seen) >= len(NAMES), seen  # every hostile name went through some export
    scores = pd.read_csv(cli_files["score.csv"], comment="#")
    assert any(pd.api.types.is_float_dtype(scores[c]) for c in scores.columns)
