"""The permission-matrix figures for the note: every route × every role on a fresh demo.

    /work/venv/bin/python benchmarks/route_matrix.py [--database-url URL]

Builds the demo database in a temporary directory (SQLite, or an empty PostgreSQL database or
schema given by ``--database-url``), adds the accounts of the matrix test and runs
:func:`tests.governance.test_route_matrix.run_matrix` — the same code the test runs — then
prints the number of routes, the role × route cells and the outcome per role, and any failure.
Exit status 1 when a cell failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a SQLite file)")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from tests.governance.test_route_matrix import build_demo_app, make_roles, run_matrix

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'matrix.sqlite'}"
        began = time.perf_counter()
        app = build_demo_app(folder, url)
        with TestClient(app):
            roles = make_roles(app)
            matrix = run_matrix(app, roles)
        print(matrix.report())
        print(f"{time.perf_counter() - began:.1f} s (demo build included)")
        for failure in matrix.failures:
            print("FAILED:", failure)
        return 1 if matrix.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
