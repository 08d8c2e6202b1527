"""Custom areas: named sets of buurten."""

from __future__ import annotations

import pytest

from tests.conftest import table_counts
from wijkkompas.errors import DataError, NotFound


@pytest.fixture
def assen(workspace, tmp_path):  # noqa: ANN001, ANN201
    """Three Assen buurten in two wijken, written as a small kwb table."""
    path = tmp_path / "kwb-2024.csv"
    path.write_text(
        "gwb_code_10,regio,a_inw\n"
        "GM0106,Assen,69701\n"
        "WK010601,Centrum,6000\n"
        "BU01060101,Binnenstad,3000\n"
        "BU01060102,Stationsgebied,3000\n"
        "WK010602,Noord,5000\n"
        "BU01060201,Pittelo,5000\n",
        encoding="utf-8",
    )
    workspace.import_cbs(path)
    return workspace


def test_custom_area_expands_wijk_codes_to_buurten(assen) -> None:  # noqa: ANN001
    assen.save_custom_area("focus-centrum", "Focus Centrum", ["WK010601", "BU01060201"],
                           description="eerste golf")
    areas = assen.custom_areas()
    row = areas.loc["focus-centrum"]
    assert row["name"] == "Focus Centrum"
    assert row["members"] == ["BU01060101", "BU01060102", "BU01060201"]
    assert row["description"] == "eerste golf"
    listed = assen.areas(level="custom")
    assert listed.loc["focus-centrum", "municipality_code"] == "GM0106"


def test_saving_again_replaces_members(assen) -> None:  # noqa: ANN001
    assen.save_custom_area("golf-1", "Golf 1", ["BU01060101", "BU01060102"])
    assen.save_custom_area("golf-1", "Eerste golf", ["BU01060201"])
    row = assen.custom_areas().loc["golf-1"]
    assert row["name"] == "Eerste golf"
    assert row["members"] == ["BU01060201"]


@pytest.mark.parametrize(
    ("code", "members", "error"),
    [
        ("BU01060101", ["BU01060101"], DataError),  # CBS code as custom code
        ("x", ["BU01060101"], DataError),  # too short
        ("focus", ["BU09999999"], NotFound),  # unknown member
        ("focus", [], DataError),  # no members
        ("GM0106", ["BU01060101"], DataError),
    ],
)
def test_invalid_custom_areas_change_nothing(assen, code, members, error) -> None:  # noqa: ANN001
    before = table_counts(assen)
    with pytest.raises(error):
        assen.save_custom_area(code, "Naam", members)
    assert table_counts(assen) == before
