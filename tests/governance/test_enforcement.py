"""Every write service checks role and scope itself (issue 6), so web, API and CLI share one
check: a viewer is refused before anything changes, an admin succeeds and is named in the
audit trail, a scoped editor cannot import or publish, token owners manage their own tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, table_counts
from wijkkompas.audit import entries
from wijkkompas.errors import Forbidden, Unauthenticated
from wijkkompas.services.accounts import tokens as tok
from wijkkompas.services.accounts import users as acc
from wijkkompas.workspace import Workspace

KWB = FIXTURES / "kwb" / "kwb2024_statline_excerpt.csv"
PASSWORD = "lang-genoeg-wachtwoord"


@pytest.fixture
def people(workspace: Workspace) -> dict[str, acc.Account]:
    """One account per role (made by the local operator)."""
    return {
        "admin": acc.add_user(workspace, "anna", PASSWORD, role="admin"),
        "editor": acc.add_user(workspace, "eddy", PASSWORD, role="editor"),
        "scoped": acc.add_user(workspace, "femke", PASSWORD, role="editor",
                               scopes=["area:WK059901"]),
        "viewer": acc.add_user(workspace, "victor", PASSWORD, role="viewer"),
    }


@pytest.fixture
def ws_as(workspace: Workspace, people: dict[str, acc.Account]):  # noqa: ANN201
    return lambda role: workspace.as_user(people[role])


def _refused(db: Workspace, call, /, *args, **kwargs) -> None:  # noqa: ANN001
    """``call`` raises Forbidden and leaves every table of ``db`` as it was."""
    before = table_counts(db)
    with pytest.raises(Forbidden, match="mag niet"):
        call(*args, **kwargs)
    assert table_counts(db) == before


def _table_csv(tmp_path: Path) -> Path:
    path = tmp_path / "eigen.csv"
    path.write_text("gebied;jaar;tevredenheid\nBU05990110;2024;7,5\nBU05990111;2024;6,9\n",
                    "utf-8")
    return path


def _geojson(tmp_path: Path) -> Path:
    square = [[[92000, 437000], [92100, 437000], [92100, 437100], [92000, 437100],
               [92000, 437000]]]
    data = {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
            "features": [{"type": "Feature",
                          "properties": {"statcode": "BU05990110", "statnaam": "Stadsdriehoek"},
                          "geometry": {"type": "Polygon", "coordinates": square}}]}
    path = tmp_path / "buurten_2024.geojson"
    path.write_text(json.dumps(data), "utf-8")
    return path


# --- imports ---------------------------------------------------------------------------------


def test_viewer_and_scoped_editor_cannot_import(ws_as, tmp_path: Path) -> None:  # noqa: ANN001
    for role in ("viewer", "scoped"):
        ws = ws_as(role)
        _refused(ws, ws.import_cbs, KWB)
        _refused(ws, ws.import_table, _table_csv(tmp_path), year=2024)
        _refused(ws, ws.import_boundaries, _geojson(tmp_path), year=2024)
        # Refused before any network access: no client is made or called.
        _refused(ws, ws.import_statline, "85984NED", ["GM0599"])


def test_import_service_checks_a_workspace_too(ws_as) -> None:  # noqa: ANN001
    from wijkkompas.services.data.imports import import_cbs

    ws = ws_as("viewer")
    _refused(ws, import_cbs, ws, KWB)


def test_admin_import_is_recorded_under_its_name(ws_as, tmp_path: Path) -> None:  # noqa: ANN001
    ws = ws_as("admin")
    report = ws.import_cbs(KWB)
    assert report.inserted == 248
    ws.import_table(_table_csv(tmp_path), year=2024)
    ws.import_boundaries(_geojson(tmp_path), year=2024)
    assert [e.actor for e in entries(ws, entity="import_run")] == ["anna"] * 3
    assert set(ws.import_runs()["user"]) == {"anna"}


def test_unscoped_editor_may_import(ws_as) -> None:  # noqa: ANN001
    ws = ws_as("editor")
    ws.import_cbs(KWB)
    assert entries(ws, entity="import_run")[0].actor == "eddy"


def test_engine_without_workspace_is_the_local_operator(workspace: Workspace) -> None:
    from wijkkompas.services.data.imports import import_cbs

    report = import_cbs(workspace.engine, KWB, user="script")
    assert report.inserted == 248
    assert entries(workspace, entity="import_run")[0].actor == "script"


# --- custom areas ----------------------------------------------------------------------------


def test_custom_area_needs_edit_on_every_member(workspace: Workspace, ws_as) -> None:  # noqa: ANN001
    workspace.import_cbs(KWB)
    _refused(ws_as("viewer"), ws_as("viewer").save_custom_area, "focus", "Focus",
             ["BU05990110"])
    scoped = ws_as("scoped")  # area:WK059901 (Rotterdam Centrum)
    # A buurt of Assen lies outside the scope; one outside member refuses the whole area.
    _refused(scoped, scoped.save_custom_area, "focus", "Focus", ["BU05990110", "BU01060000"])
    scoped.save_custom_area("focus", "Focus centrum", ["BU05990110", "BU05990111"])
    assert workspace.custom_areas().loc["focus", "members"] == ["BU05990110", "BU05990111"]
    log = entries(workspace, entity="area:focus")
    assert [(e.action, e.actor) for e in log] == [("custom_area.save", "femke")]
    assert log[0].before is None and log[0].after["members"] == ["BU05990110", "BU05990111"]
    # The admin widens it to Assen; the scoped editor may then no longer change it.
    ws_as("admin").save_custom_area("focus", "Focus", ["BU05990110", "BU01060000"])
    _refused(scoped, scoped.save_custom_area, "focus", "Focus", ["BU05990110"])
    assert entries(workspace, entity="area:focus")[-1].before["members"] == [
        "BU05990110", "BU05990111"]


# --- framework versions ----------------------------------------------------------------------


def _enschede():  # noqa: ANN202
    from wijkkompas.framework.presets import preset_path
    from wijkkompas.framework.schema import load_framework

    return load_framework(preset_path("enschede"))


def test_publishing_a_framework_version(ws_as) -> None:  # noqa: ANN001
    from wijkkompas.services.framework.versions import list_versions, save_version

    fw = _enschede()
    for role in ("viewer", "scoped"):
        ws = ws_as(role)
        _refused(ws, save_version, ws, "enschede", fw, note="mag niet")
    admin = ws_as("admin")
    # The acting account is recorded, whatever ``user`` a caller passes.
    saved = save_version(admin, "enschede", fw, user="iemand-anders", note="eerste")
    assert saved.created_by == "anna"
    assert [v.created_by for v in list_versions(admin)] == ["anna"]
    assert entries(admin, entity="framework_version")[0].actor == "anna"


def test_whatif_save_checks_before_scoring(ws_as) -> None:  # noqa: ANN001
    from wijkkompas.services.framework import whatif
    from wijkkompas.services.shared.cache import ResultCache
    from wijkkompas.services.shared.context import ViewContext

    viewer = ws_as("viewer")
    ctx = ViewContext(viewer, ResultCache(maxsize=4))
    # An empty database cannot be scored: without the check this would fail otherwise.
    _refused(viewer, whatif.save, ctx, "enschede", ws=viewer, weights={"x": 1.0})


# --- accounts --------------------------------------------------------------------------------


def test_only_admins_manage_accounts(ws_as) -> None:  # noqa: ANN001
    for role in ("viewer", "editor", "scoped"):
        ws = ws_as(role)
        _refused(ws, acc.add_user, ws, "nieuw", PASSWORD, role="admin")
        _refused(ws, acc.set_role, ws, "victor", "admin")
        _refused(ws, acc.set_role, ws, ws.account.name, "admin")  # not even oneself
        _refused(ws, acc.deactivate, ws, "anna")
        _refused(ws, acc.set_password, ws, "anna", "nieuw-wachtwoord-123")
    admin = ws_as("admin")
    acc.add_user(admin, "nieuw", PASSWORD, role="viewer")
    acc.set_role(admin, "nieuw", "editor", scopes=["area:WK059901"])
    acc.set_password(admin, "nieuw", "ander-wachtwoord-1")
    acc.deactivate(admin, "nieuw")
    log = entries(admin, entity="user:nieuw")
    assert [(e.action, e.actor) for e in log] == [
        ("user.add", "anna"), ("user.role", "anna"), ("user.password", "anna"),
        ("user.role", "anna")]
    assert log[-1].after["active"] is False and log[-1].after["role"] == "editor"
    assert PASSWORD not in json.dumps([e.to_dict() for e in log], default=str)
    assert acc.authenticate(admin, "nieuw", "ander-wachtwoord-1") is None  # inactive


def test_own_password_needs_the_current_one(workspace: Workspace, ws_as) -> None:  # noqa: ANN001
    viewer = ws_as("viewer")
    before = table_counts(workspace)
    with pytest.raises(Unauthenticated, match="huidig wachtwoord"):
        acc.set_password(viewer, "victor", "nieuw-wachtwoord-1", current="fout-wachtwoord")
    with pytest.raises(Unauthenticated):
        acc.set_password(viewer, "victor", "nieuw-wachtwoord-1")
    assert table_counts(workspace) == before
    acc.set_password(viewer, "victor", "nieuw-wachtwoord-1", current=PASSWORD)
    assert acc.authenticate(workspace, "victor", "nieuw-wachtwoord-1") is not None
    assert entries(workspace, entity="user:victor")[-1].actor == "victor"


# --- tokens ----------------------------------------------------------------------------------


def test_users_manage_their_own_tokens_only(workspace: Workspace, ws_as) -> None:  # noqa: ANN001
    viewer, editor, admin = ws_as("viewer"), ws_as("editor"), ws_as("admin")
    own, plain = tok.create_token(viewer, "victor", "eigen script")
    assert tok.verify_token(workspace, plain).name == "victor"
    other, _ = tok.create_token(editor, "eddy")
    _refused(viewer, tok.create_token, viewer, "eddy")
    _refused(viewer, tok.revoke_token, viewer, other.id)
    _refused(viewer, tok.revoke_token, viewer, 9999)  # no hint which ids exist
    with pytest.raises(Forbidden):
        tok.list_tokens(viewer)  # everybody's
    assert [t.id for t in tok.list_tokens(viewer, "victor")] == [own.id]
    tok.revoke_token(viewer, own.id)
    assert tok.verify_token(workspace, plain) is None
    tok.revoke_token(admin, other.id)
    log = entries(workspace, entity="api_token")
    assert [(e.action, e.actor) for e in log] == [
        ("token.create", "victor"), ("token.create", "eddy"), ("token.revoke", "victor"),
        ("token.revoke", "anna")]


# --- backup and restore ----------------------------------------------------------------------


def test_backup_and_restore_are_for_admins(workspace: Workspace, ws_as, tmp_path: Path  # noqa: ANN001
                                           ) -> None:
    from wijkkompas.backup import backup, restore

    workspace.import_cbs(KWB)
    backup(workspace.engine, tmp_path / "basis.zip")
    for role in ("viewer", "editor", "scoped"):
        ws = ws_as(role)
        _refused(ws, backup, ws, tmp_path / f"{role}.zip")
        assert not (tmp_path / f"{role}.zip").exists()
        _refused(ws, restore, ws, tmp_path / "basis.zip")
    admin = ws_as("admin")
    backup(admin, tmp_path / "admin.zip")
    assert [(e.action, e.actor) for e in entries(admin, entity="backup")] == [
        ("backup.create", "anna")]
    restore(admin, tmp_path / "basis.zip")
    # The restore replaced the trail with the backup's, then recorded itself.
    log = entries(admin, entity="backup")
    assert [(e.action, e.actor, e.entity_id) for e in log] == [
        ("backup.restore", "anna", "basis.zip")]


def test_last_active_admin_cannot_be_demoted_or_deactivated(workspace: Workspace) -> None:
    from wijkkompas.errors import ConfigError
    from wijkkompas.services.accounts.users import add_user, deactivate, list_users, set_role

    add_user(workspace, "enige-beheerder", "een-lang-wachtwoord", role="admin")
    with pytest.raises(ConfigError, match="laatste actieve beheerder"):
        set_role(workspace, "enige-beheerder", "editor")
    with pytest.raises(ConfigError, match="laatste actieve beheerder"):
        deactivate(workspace, "enige-beheerder")
    add_user(workspace, "tweede-beheerder", "een-lang-wachtwoord", role="admin")
    set_role(workspace, "enige-beheerder", "editor")
    roles = {u.name: (u.role, u.active) for u in list_users(workspace)}
    assert roles["enige-beheerder"] == ("editor", True)
    assert roles["tweede-beheerder"] == ("admin", True)
