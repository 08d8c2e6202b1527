"""The CLI starts fast: importing it, ``--help`` and ``--version`` load none of the heavy
libraries (issue 19); each command imports what it needs itself. Run in a fresh interpreter,
since the test session has loaded them all long before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("pandas", "numpy", "geopandas", "shapely", "pyproj", "scipy", "highspy", "fastapi",
         "starlette", "uvicorn", "plotly", "sqlalchemy", "alembic", "pydantic", "openpyxl",
         "jinja2", "matplotlib", "babel", "yaml")
PROBE = """
import sys
from wijkkompas.cli import app
args = {args!r}
if args:
    try:
        app(args, standalone_mode=False)
    except SystemExit:
        pass
print()
print("LOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules))
print("HELP MODULE:" + str("typer.rich_utils" in sys.modules))
"""


def probe(args: list[str]) -> tuple[str, list[str], bool]:
    """Output, the heavy modules loaded and whether Typer's help module was loaded."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]), "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    out, loaded, helped = done.stdout.rsplit("\n", 3)[:3]
    assert loaded.startswith("LOADED:") and helped.startswith("HELP MODULE:"), done.stdout
    return out, [m for m in loaded[len("LOADED:"):].split(",") if m], helped.endswith("True")


# Running a command (even the --version callback) makes Typer 0.29 check the option values
# with pydantic; --help stops before that.
@pytest.mark.parametrize(("args", "allowed"), [([], []), (["--help"], []),
                                               (["--version"], ["pydantic"])])
def test_start_up_loads_no_heavy_library(args: list[str], allowed: list[str]) -> None:
    out, loaded, helped = probe(args)
    extra = [m for m in loaded if m not in allowed]
    assert extra == [], f"wijkkompas {' '.join(args)} loads {extra} at start-up"
    if args == ["--help"]:
        # Typer's help module is loaded for help only, and then its texts are still Dutch.
        assert helped and "Gebruik:" in out and "Opties" in out and "Opdrachten" in out
        assert "Usage" not in out and "Options" not in out
    else:
        assert not helped, "typer.rich_utils (rich.markdown, markdown-it) loaded without help"
