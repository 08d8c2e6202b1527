"""Partner and core-team services check role and scope themselves, and conflicts list what the
other save changed (from the audit trail)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.governance.conftest import add_areas
from wijkkompas.audit import entries
from wijkkompas.errors import ConfigError, Conflict, Forbidden
from wijkkompas.partners import service as ps
from wijkkompas.services.accounts.users import add_user
from wijkkompas.workspace import Workspace

PASSWORD = "een-lang-wachtwoord"
OWN, OTHER = "WK059910", "WK059915"


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    add_areas(workspace)
    ps.add_partner(workspace, "Woonbron", "woningcorporatie")
    ps.involve(workspace, "Woonbron", OWN, "wonen", "trekker")
    ps.involve(workspace, "Woonbron", OTHER, "wonen", "partner")
    ps.set_team(workspace, OWN, name="Kernteam Feijenoord", budget_cents=100_000)
    ps.set_team(workspace, OTHER, name="Kernteam Charlois", budget_cents=100_000)
    return workspace


def _as(ws: Workspace, name: str, role: str, scopes: list[str] | None = None) -> Workspace:
    return ws.as_user(add_user(ws, name, PASSWORD, role=role, scopes=scopes or []))


def _writes(area: str) -> dict[str, object]:
    """Every write use case, acting on ``area`` where it has one."""
    return {
        "add_partner": lambda w: ps.add_partner(w, "Nieuw", "politie"),
        "edit_partner": lambda w: ps.edit_partner(w, "Woonbron", notes="x", expected_version=4),
        "involve": lambda w: ps.involve(w, "Woonbron", area, "zorg", "partner"),
        "withdraw": lambda w: ps.withdraw(w, "Woonbron", area, "wonen"),
        "commitment": lambda w: ps.add_commitment(w, "Woonbron", "renovatie",
                                                  starts=date(2026, 1, 1), area=area),
        "set_team": lambda w: ps.set_team(w, area, mandate="m"),
        "add_member": lambda w: ps.add_member(w, area, "Femke"),
        "log_decision": lambda w: ps.log_decision(w, area, "speeltuin", cents=100),
    }


def test_viewer_may_change_nothing(ws: Workspace) -> None:
    viewer = _as(ws, "lezer", "viewer")
    before = len(entries(ws))
    for name, write in _writes(OWN).items():
        with pytest.raises(Forbidden, match="lezer mag niet: wijzigen"):
            write(viewer)  # type: ignore[operator]
        assert len(entries(ws)) == before, name
    assert ps.partner(ws, "Woonbron")["lock_version"] == 3
    assert len(ps.seats(ws)) == 2 and ps.team(ws, OWN)["members"] == []


def test_scoped_editor_stays_in_its_area(ws: Workspace) -> None:
    scoped = _as(ws, "gebiedsredacteur", "editor", ["area:" + OWN])
    for write in _writes(OTHER).values():
        with pytest.raises(Forbidden):
            write(scoped)  # type: ignore[operator]
    assert set(ps.overview(ws, area=OTHER)["opgave"]) == {"wonen"}
    # Within its own area every area-bound change works ...
    writes = _writes(OWN)
    for name in ("involve", "withdraw", "commitment", "set_team", "add_member", "log_decision"):
        writes[name](scoped)  # type: ignore[operator]
    assert set(ps.overview(ws, area=OWN)["opgave"]) == {"zorg"}
    assert ps.team(ws, OWN)["budget_left_cents"] == 100_000 - 100
    # ... but a partner record, or a commitment without an area, is shared by every area.
    for write in (writes["add_partner"], writes["edit_partner"],
                  lambda w: ps.add_commitment(w, "Woonbron", "overal", starts=date(2026, 1, 1))):
        with pytest.raises(Forbidden):
            write(scoped)  # type: ignore[operator]
    actors = {e.actor for e in entries(ws, entity=f"core_team:{OWN}")}
    assert "gebiedsredacteur" in actors


def test_unscoped_editor_and_admin_may_do_all(ws: Workspace) -> None:
    for account, role in (("redacteur", "editor"), ("beheerder", "admin")):
        acting = _as(ws, account, role)
        version = ps.partner(ws, "Woonbron")["lock_version"]
        ps.edit_partner(acting, "Woonbron", notes=account, expected_version=version)
        ps.add_commitment(acting, "Woonbron", "overal", starts=date(2026, 1, 1))
        ps.set_team(acting, OTHER, mandate=account)
        assert entries(ws, entity="partner:Woonbron")[-1].actor == account
    ps.add_partner(_as(ws, "beheerder2", "admin"), "Nieuw", "politie")
    assert "Nieuw" in set(ps.partners(ws)["name"])


def test_partner_conflict_lists_the_other_change(ws: Workspace) -> None:
    first = _as(ws, "eerste", "editor")
    second = _as(ws, "tweede", "editor")
    loaded = ps.partner(ws, "Woonbron")["lock_version"]
    ps.edit_partner(first, "Woonbron", notes="van de eerste", expected_version=loaded)
    with pytest.raises(Conflict) as caught:
        ps.edit_partner(second, "Woonbron", notes="van de tweede", expected_version=loaded)
    changes = caught.value.changes
    assert [(c["field"], c["before"], c["after"], c["actor"]) for c in changes] == [
        ("notes", "", "van de eerste", "eerste")]
    assert caught.value.entity == "partner:Woonbron" and caught.value.current == loaded + 1
    assert ps.partner(ws, "Woonbron")["notes"] == "van de eerste"


def test_a_seat_change_counts_as_a_save_of_the_partner(ws: Workspace) -> None:
    loaded = ps.partner(ws, "Woonbron")["lock_version"]
    ps.involve(ws, "Woonbron", OWN, "wonen", "betrokken")
    with pytest.raises(Conflict) as caught:
        ps.edit_partner(ws, "Woonbron", notes="x", expected_version=loaded)
    assert [(c["field"], c["before"], c["after"]) for c in caught.value.changes] == [
        ("role", "trekker", "betrokken")]


def test_team_conflicts_use_the_audit_trail(ws: Workspace) -> None:
    team = ps.team(ws, OWN)
    ps.set_team(ws, OWN, mandate="tot € 5.000 per initiatief",
                expected_version=team["lock_version"])
    with pytest.raises(Conflict) as caught:
        ps.set_team(ws, OWN, mandate="anders", expected_version=team["lock_version"])
    assert [(c["field"], c["after"]) for c in caught.value.changes] == [
        ("mandate", "tot € 5.000 per initiatief")]
    # A member or a decision is a save of the team too; version 0 = "I saw no team yet".
    version = ps.team(ws, OWN)["lock_version"]
    ps.add_member(ws, OWN, "Femke", role="gebiedsmanager")
    assert ps.team(ws, OWN)["lock_version"] == version + 1
    with pytest.raises(Conflict) as caught:
        ps.set_team(ws, OWN, name="x", expected_version=0)
    assert caught.value.entity == f"core_team:{OWN}" and caught.value.changes
    add_areas(ws, [("WK059999", "nieuw", "district")])
    assert ps.set_team(ws, "WK059999", name="nieuw", expected_version=0) == 1


def test_scopes_only_for_an_editor(ws: Workspace) -> None:
    from wijkkompas.services.accounts.users import list_users, set_role

    for role in ("admin", "viewer"):
        with pytest.raises(ConfigError, match=f"alleen voor de rol editor, niet voor {role}"):
            add_user(ws, f"x-{role}", PASSWORD, role=role, scopes=[f"area:{OWN}"])
    assert list_users(ws) == []
    add_user(ws, "beheerder", PASSWORD, role="admin")
    add_user(ws, "redacteur", PASSWORD, role="editor", scopes=[f"area:{OWN}"])
    with pytest.raises(ConfigError, match="niet voor admin"):
        set_role(ws, "redacteur", "admin", scopes=[f"area:{OTHER}"])
    assert set_role(ws, "redacteur", "admin", scopes=[]).scopes == ()
    assert set_role(ws, "redacteur", "editor", scopes=[f"area:{OTHER}"]).scopes == (
        f"area:{OTHER}",)
