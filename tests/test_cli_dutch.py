"""The CLI's help and error boxes are Dutch, Typer's own texts included."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from wijkkompas.cli import app
from wijkkompas.cli._dutch import translate_error

ENGLISH = ("Show this message", "Show the version", "<bool>", "<str>", "<int>", "Usage:",
           "Options", "Commands", "Arguments", "[required]", "[env var", "[default",
           "Install completion", "Show completion", "No such option", "Try '", "Error",
           "[OPTIONS]", "COMMAND [ARGS]")


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["explain", "--help"],
                                  ["agenda", "--help"], ["agenda", "optimise", "--help"],
                                  ["monitor", "--help"], ["user", "add", "--help"],
                                  ["middelen", "--help"], ["middelen", "analyse", "--help"]])
def test_help_is_dutch(args: list[str]) -> None:
    result = CliRunner().invoke(app, args, terminal_width=100)
    out = _plain(result.output)
    assert result.exit_code == 0, out
    assert "Gebruik:" in out and "Opties" in out and "Toon deze hulp en stop." in out
    found = [word for word in ENGLISH if word in out]
    assert not found, f"English Typer text in {' '.join(args)}: {found}\n{out}"


def test_error_box_is_dutch() -> None:
    result = CliRunner().invoke(app, ["explain", "--bogus"], terminal_width=100)
    out = _plain(result.output)
    assert result.exit_code == 2
    assert "Onbekende optie: --bogus" in out and "Fout" in out and "voor hulp" in out
    assert not [w for w in ("No such option", "Error", "Try '", "Usage:") if w in out], out


def test_missing_argument_is_dutch() -> None:
    out = _plain(CliRunner().invoke(app, ["explain"], terminal_width=100).output)
    assert "ontbreekt" in out and "Missing" not in out, out


def test_error_translations() -> None:
    assert translate_error("Invalid value for '--year': 'x' is not a valid integer.") == \
        "Ongeldige waarde voor '--year': 'x' is geen geheel getal."
    assert translate_error("Got unexpected extra argument (b)") == \
        "Onverwacht extra argument(en): b"
