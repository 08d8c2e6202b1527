"""The ``wijkkompas`` command line, run in-process with Typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from wijkkompas.cli import app
from wijkkompas.workspace import Workspace

KWB = FIXTURES / "kwb"


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIJKKOMPAS_USER", "cli-tester")
    monkeypatch.delenv("WIJKKOMPAS_DATABASE_URL", raising=False)
    for name in ("WIJKKOMPAS_ALS", "WIJKKOMPAS_WACHTWOORD", "WIJKKOMPAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return runner.invoke(app, [*args, "--db", database_url])

    invoke.url = database_url  # type: ignore[attr-defined]
    return invoke


def _stderr(result) -> str:  # noqa: ANN001
    try:
        return result.stderr
    except ValueError:  # older click mixes the streams
        return result.output


def test_init(run) -> None:  # noqa: ANN001
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "Database klaar" in result.stdout
    ws = Workspace.open(run.url, create=False)
    try:
        assert "a_inw" in ws.indicators().index
    finally:
        ws.close()


def test_import_cbs_prints_the_report(run) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Import kwb2024_statline_excerpt.csv" in out
    assert "cbs / statline" in out
    assert "31 (" in out  # gebieden
    assert "248 nieuw, 0 gewijzigd, 0 ongewijzigd" in out
    assert "2024" in out
    ws = Workspace.open(run.url, create=False)
    try:
        assert ws.observations(areas=["GM0599"], indicators=["a_inw"])["value"].iloc[0] == 670610
        assert ws.import_runs()["user"].iloc[0] == "cli-tester"
    finally:
        ws.close()
    again = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert again.exit_code == 0
    assert "al eerder geïmporteerd" in again.stdout


def test_import_cbs_with_year(run) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(KWB / "ikgeo_rotterdam_excerpt.json"), "--year", "2017")
    assert result.exit_code == 0, result.output
    assert "2017" in result.stdout
    assert "let op:" in result.stdout  # the misspelt key in the source is reported


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("gwb_code_10;a_inw\nGM0106;veel\n", "rij 2, kolom 'a_inw', waarde 'veel'"),
        ("", "het bestand is leeg"),
    ],
)
def test_bad_file_prints_one_line_and_exits_1(run, tmp_path: Path, content: str,  # noqa: ANN001
                                              expected: str) -> None:
    path = tmp_path / "kwb_2024_fout.csv"
    path.write_text(content, encoding="utf-8")
    result = run("import", "cbs", str(path))
    assert result.exit_code == 1
    err = _stderr(result).strip()
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("…")]
    assert len(lines) == 1, err
    assert lines[0].startswith("fout:")
    assert "kwb_2024_fout.csv" in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output


def test_missing_file(run, tmp_path: Path) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(tmp_path / "nergens_2024.csv"))
    assert result.exit_code == 1
    assert _stderr(result).strip().startswith("fout:")


def test_areas_of_a_municipality(run) -> None:  # noqa: ANN001
    assert run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv")).exit_code == 0
    result = run("areas", "--gemeente", "GM0106")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Assen" in out and "Centrum" in out and "Brinkkwartier" in out
    assert "GM0599" not in out and "Rotterdam" not in out
    # The excerpt holds GM0106, WK010600 and WK010601 and their 19 buurten.
    assert out.strip().splitlines()[-1] == "22 gebieden"
    gm_line = next(line for line in out.splitlines() if "GM0106" in line)
    assert "gemeente" in gm_line and "2024" in gm_line
    bu_line = next(line for line in out.splitlines() if "BU01060000" in line)
    assert "buurt" in bu_line and "WK010600" in bu_line


def test_indicators(run) -> None:  # noqa: ANN001
    result = run("indicators")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "a_inw" in out and "Aantal inwoners" in out
    assert "hoger slechter" in out and "neutraal" in out
    thema = run("indicators", "--thema", "wonen")
    assert thema.exit_code == 0
    assert "g_woz" in thema.stdout and "a_inw" not in thema.stdout


# --- acting for an account: --als NAAM (issue 6) ---------------------------------------------

PASSWORD = "lang-genoeg-wachtwoord"


@pytest.fixture
def people(run) -> str:  # noqa: ANN001
    """An admin (anna) and a viewer (victor) in the CLI's database."""
    from wijkkompas.services.accounts.users import add_user

    ws = Workspace.open(run.url)
    try:
        add_user(ws, "anna", PASSWORD, role="admin")
        add_user(ws, "victor", PASSWORD, role="viewer")
    finally:
        ws.close()
    return run.url


def _counts(url: str) -> dict[str, int]:
    from tests.conftest import table_counts

    ws = Workspace.open(url, create=False)
    try:
        return table_counts(ws)
    finally:
        ws.close()


def _audit(url: str, entity: str) -> list:
    from wijkkompas.audit import entries

    ws = Workspace.open(url, create=False)
    try:
        return entries(ws, entity=entity)
    finally:
        ws.close()


def test_als_viewer_is_refused_and_changes_nothing(run, people: str,  # noqa: ANN001
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_WACHTWOORD", PASSWORD)
    before = _counts(people)
    result = run("--als", "victor", "import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 1
    message = _stderr(result).strip()
    assert message.startswith("fout: victor mag niet: gegevens importeren (daarvoor is ")
    after = _counts(people)
    assert after.pop("users") == before.pop("users")  # the login touched a row, added none
    assert after == before
    refused = run("--als", "victor", "user", "add", "nieuw", "--password-stdin")
    assert refused.exit_code == 1 and "mag niet: gebruikers en tokens beheren" in \
        _stderr(refused)


def test_als_admin_acts_under_its_name(run, people: str,  # noqa: ANN001
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_ALS", "anna")
    monkeypatch.setenv("WIJKKOMPAS_WACHTWOORD", PASSWORD)
    result = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 0, result.output
    assert [e.actor for e in _audit(people, "import_run")] == ["anna"]
    made = run("custom-area", "focus", "Focus", "BU05990110")
    assert made.exit_code == 0, made.output
    assert [e.actor for e in _audit(people, "area:focus")] == ["anna"]


def test_als_without_it_is_the_local_operator(run, people: str) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 0, result.output
    assert [e.actor for e in _audit(people, "import_run")] == ["cli-tester"]


def test_als_with_a_wrong_password(run, people: str,  # noqa: ANN001
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_WACHTWOORD", "fout-wachtwoord")
    before = _counts(people)
    result = run("--als", "anna", "import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 1
    assert _stderr(result).strip() == \
        "fout: --als anna: onbekende gebruiker of onjuist wachtwoord"
    assert _counts(people) == before
    unknown = run("--als", "niemand", "areas")
    assert unknown.exit_code == 1 and "onjuist wachtwoord" in _stderr(unknown)


def test_als_asks_for_the_password(run, people: str) -> None:  # noqa: ANN001
    runner = CliRunner()
    args = ["--als", "anna", "import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"),
            "--db", people]
    result = runner.invoke(app, args, input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert [e.actor for e in _audit(people, "import_run")] == ["anna"]


def test_token_instead_of_password(run, people: str,  # noqa: ANN001
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from wijkkompas.services.accounts.tokens import create_token

    ws = Workspace.open(people, create=False)
    try:
        _info, victor_token = create_token(ws, "victor")
        _info, anna_token = create_token(ws, "anna")
    finally:
        ws.close()
    refused = run("--token", victor_token, "backup", str(Path(people.split("///")[-1]).parent
                                                          / "b.zip"))
    assert refused.exit_code == 1 and "victor mag niet: back-up" in _stderr(refused)
    mismatch = run("--als", "anna", "--token", victor_token, "areas")
    assert mismatch.exit_code == 1 and "hoort niet bij anna" in _stderr(mismatch)
    monkeypatch.setenv("WIJKKOMPAS_TOKEN", anna_token)
    ok = run("--als", "anna", "user", "token", "--revoke", "1")
    assert ok.exit_code == 0, ok.output
    assert [(e.action, e.actor) for e in _audit(people, "api_token")][-1] == (
        "token.revoke", "anna")


def test_own_password_with_als(run, people: str,  # noqa: ANN001
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from wijkkompas.services.accounts.users import authenticate

    monkeypatch.setenv("WIJKKOMPAS_WACHTWOORD", PASSWORD)
    result = CliRunner().invoke(app, ["--als", "victor", "user", "password", "victor",
                                      "--password-stdin", "--db", people],
                                input="nieuw-wachtwoord-1\n")
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("WIJKKOMPAS_WACHTWOORD", "nieuw-wachtwoord-1")
    other = CliRunner().invoke(app, ["--als", "victor", "user", "password", "anna",
                                     "--password-stdin", "--db", people],
                               input="nieuw-wachtwoord-1\n")
    assert other.exit_code == 1 and "mag niet" in _stderr(other)
    ws = Workspace.open(people, create=False)
    try:
        assert authenticate(ws, "victor", "nieuw-wachtwoord-1") is not None
        assert authenticate(ws, "anna", PASSWORD) is not None
    finally:
        ws.close()


def test_scopes_are_refused_for_an_admin_or_viewer(run, people: str) -> None:  # noqa: ANN001
    refused = CliRunner().invoke(app, ["user", "add", "bea", "--password-stdin", "--role",
                                       "viewer", "--scope", "area:WK059901", "--db", people],
                                 input=f"{PASSWORD}\n")
    assert refused.exit_code == 1
    assert "geldt alleen voor de rol editor, niet voor viewer" in _stderr(refused)
    refused = run("user", "role", "victor", "admin", "--scope", "area:WK059901")
    assert refused.exit_code == 1 and "niet voor admin" in _stderr(refused)
    assert [e.action for e in _audit(people, "user")] == ["user.add", "user.add"]
