"""Read-only commands never create a database (issue 18: ``partner warnings`` without
``--db`` left an empty ``wijkkompas.sqlite`` behind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkkompas.cli import app

READ_ONLY = [
    ["partner", "warnings"], ["partner", "list"], ["areas"],
    ["score", "rotterdam"], ["explain", "rotterdam", "WK059919"],
    ["middelen", "analyse", "enschede", "--opgave", "urgentie", "--jaar", "2022"],

    ["report", "rotterdam", "WK059910", "--output", "rapport.pdf"],
    ["urgentiebrief", "enschede", "WK015301", "--output", "brief.docx"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_command_without_a_database(args: list[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WIJKKOMPAS_DATABASE_URL", raising=False)
    for name in ("WIJKKOMPAS_ALS", "WIJKKOMPAS_WACHTWOORD", "WIJKKOMPAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "geen wijkkompas-database" in result.output
    assert "Traceback" not in result.output
    assert not [p for p in tmp_path.rglob("*") if p.is_file()], "a file was created"
