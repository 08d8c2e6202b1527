"""Targets stored and versioned; pilots stored; council terms."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect

from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.monitor.pilots import Pilot
from wijkkompas.monitor.targets import TargetError
from wijkkompas.services.monitor import pilots as pilot_svc
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace


def _areas(ws: Workspace) -> None:
    from sqlalchemy import text

    with ws.engine.begin() as conn:
        for code, name, level in [("GM0599", "Rotterdam", "municipality"),
                                  ("WK059910", "Feijenoord", "district"),
                                  ("WK059915", "Charlois", "district")]:
            conn.execute(text("INSERT INTO areas (code, name, level, municipality_code) "
                              "VALUES (:c, :n, :l, 'GM0599')"), {"c": code, "n": name, "l": level})


def test_monitor_tables_exist(workspace: Workspace) -> None:
    names = set(inspect(workspace.engine).get_table_names())
    assert {"monitor_targets", "monitor_target_versions", "monitor_pilots"} <= names


def test_target_versioning_keeps_history(workspace: Workspace) -> None:
    _areas(workspace)
    target = svc.make_target(code="zuid-2031", name="Zuid naar 100", areas=["WK059910"],
                             measure="indicator", subject="lbm_totaal", kind="absolute",
                             value=0.0, baseline_year=2012, target_year=2031)
    assert target.direction == "higher_better"  # from the catalogue
    assert svc.add_target(workspace, target, reason="raadsbesluit") == 1
    with pytest.raises(ConfigError, match="bestaat al"):
        svc.add_target(workspace, target)
    v2 = svc.edit_target(workspace, "zuid-2031", {"areas": ["WK059910", "WK059915"],
                                                 "value": 0.05}, reason="nieuwe coalitie",
                         expected_version=1)
    assert v2 == 2
    assert svc.edit_target(workspace, "zuid-2031", {"value": 0.05}) == 2  # no change, no version
    with pytest.raises(svc.Conflict, match="intussen gewijzigd"):
        svc.edit_target(workspace, "zuid-2031", {"value": 0.1}, expected_version=1)
    assert svc.get_target(workspace, "zuid-2031").areas == ("WK059910", "WK059915")
    assert svc.get_target(workspace, "zuid-2031", version=1).value == 0.0
    history = svc.target_history(workspace, "zuid-2031")
    assert history["version"].tolist() == [1, 2]
    assert history["reason"].tolist() == ["raadsbesluit", "nieuwe coalitie"]
    assert "value: 0.0 → 0.05" in history["changed"].iloc[1]
    assert history["created_by"].iloc[0] == "tester"
    assert history["term"].iloc[0] == svc.council_term(datetime.now())
    listing = svc.list_targets(workspace)
    assert listing.loc[0, "version"] == 2 and "2030-2033" in listing.loc[0, "terms"]
    with pytest.raises(TargetError):
        svc.edit_target(workspace, "zuid-2031", {"target_year": 2000})
    assert svc.get_target(workspace, "zuid-2031").target_year == 2031  # unchanged
    with pytest.raises(NotFound, match="onbekende gebieden"):
        svc.edit_target(workspace, "zuid-2031", {"areas": ["WK000000"]})
    with pytest.raises(NotFound):
        svc.get_target(workspace, "nope")


def test_neutral_indicator_needs_an_explicit_direction(workspace: Workspace) -> None:
    with pytest.raises(TargetError, match="direction"):
        svc.make_target(code="t", name="t", areas=["WK059910"], measure="indicator",
                        subject="a_inw", kind="absolute", value=1.0, baseline_year=2016,
                        target_year=2030)


def test_pilots_are_stored(workspace: Workspace) -> None:
    _areas(workspace)
    pilot = Pilot(code="wave1", name="Eerste golf", areas=("WK059910",), start_year=2014,
                  measure_ids=("M-12",))
    pilot_svc.save_pilot(workspace, pilot)
    pilot_svc.save_pilot(workspace, Pilot(code="wave1", name="Eerste golf (herzien)",
                                    areas=("WK059910", "WK059915"), start_year=2014))
    stored = pilot_svc.get_pilot(workspace, "wave1")
    assert stored.name == "Eerste golf (herzien)" and len(stored.areas) == 2
    assert len(pilot_svc.list_pilots(workspace)) == 1


@pytest.mark.parametrize(("when", "term"), [
    (datetime(2022, 3, 1), "2018-2021"), (datetime(2022, 5, 1), "2022-2025"),
    (2031, "2030-2033"), (2014, "2014-2017"),
])
def test_council_terms(when: datetime | int, term: str) -> None:
    assert svc.council_term(when) == term
