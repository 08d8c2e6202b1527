"""Helpers for the governance tests: a few areas, a stored target."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace

ROTTERDAM = [("GM0599", "Rotterdam", "municipality"), ("WK059910", "Feijenoord", "district"),
             ("WK059915", "Charlois", "district")]


def add_areas(ws: Workspace, areas: list[tuple[str, str, str]] | None = None) -> None:
    """Store ``areas`` (code, name, level; default a few in Rotterdam) when missing."""
    with ws.engine.begin() as conn:
        for code, name, level in areas or ROTTERDAM:
            if conn.execute(text("SELECT 1 FROM areas WHERE code = :c"), {"c": code}).first():
                continue
            conn.execute(text("INSERT INTO areas (code, name, level, municipality_code) "
                              "VALUES (:c, :n, :l, 'GM0599')"), {"c": code, "n": name, "l": level})


@pytest.fixture
def target_ws(workspace: Workspace) -> Workspace:
    add_areas(workspace)
    target = svc.make_target(code="zuid-2031", name="Zuid naar 100", areas=["WK059910"],
                             measure="indicator", subject="lbm_totaal", kind="absolute",
                             value=0.0, baseline_year=2012, target_year=2031)
    svc.add_target(workspace, target, reason="raadsbesluit")
    return workspace
