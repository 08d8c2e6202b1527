"""Target definitions: validation and target values, incl. a reference (G4) mean by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from wijkkompas.monitor.targets import Target, TargetError, resolve_targets

G4 = ("GM0363", "GM0599", "GM0518", "GM0344")


def _t(**kw: object) -> Target:
    base = dict(code="zuid-2031", name="Zuid", areas=("WK059910", "WK059915"),
                measure="indicator", subject="p_arb_pp", kind="reference", baseline_year=2018,
                target_year=2031, reference_areas=G4, reference_label="G4-gemiddelde")
    base.update(kw)
    return Target(**base)  # type: ignore[arg-type]


@pytest.fixture
def series() -> pd.DataFrame:
    rows = [
        ("WK059910", 2018, 55.0), ("WK059915", 2018, 58.0),
        ("WK059910", 2022, 57.0), ("WK059915", 2022, 58.5),
        ("GM0363", 2018, 66.0), ("GM0599", 2018, 62.0), ("GM0518", 2018, 63.0),
        ("GM0344", 2018, 69.0),
        ("GM0363", 2022, 68.0), ("GM0599", 2022, 64.0), ("GM0518", 2022, 65.0),
        ("GM0344", 2022, 71.0),
    ]
    return pd.DataFrame(rows, columns=["area_code", "year", "value"])


def test_reference_target_is_the_g4_mean_computed_by_hand(series: pd.DataFrame) -> None:
    moving = resolve_targets(_t(), series)
    assert moving["target_value"].tolist() == [(68 + 64 + 65 + 71) / 4] * 2  # 67.0, newest year
    assert moving["reference_year"].iloc[0] == 2022
    frozen = resolve_targets(_t(reference_year=2018, value=-1.0), series)
    assert frozen["target_value"].iloc[0] == pytest.approx((66 + 62 + 63 + 69) / 4 - 1)  # 64.0
    assert frozen.loc["WK059915", "baseline_value"] == 58.0


def test_change_absolute_tier_and_milestones(series: pd.DataFrame) -> None:
    change = resolve_targets(_t(kind="change", value=5.0, reference_areas=(),
                                reference_label=None, milestones={2026: 2.0}), series)
    assert change["target_value"].tolist() == [60.0, 63.0]
    assert change["milestone_2026"].tolist() == [57.0, 60.0]
    absolute = resolve_targets(_t(kind="absolute", value=65.0, reference_areas=()), series)
    assert absolute["target_value"].tolist() == [65.0, 65.0]
    tier = resolve_targets(_t(kind="tier", reference_areas=(), reference_label=None), series)
    values = series[series["year"] == 2018]["value"]
    assert tier["target_value"].iloc[0] == pytest.approx(values.quantile(0.2))
    worse = resolve_targets(_t(kind="tier", reference_areas=(), direction="higher_worse",
                               threshold=12.5), series)
    assert worse["target_value"].iloc[0] == 12.5


def test_missing_baseline_keeps_the_area_visible(series: pd.DataFrame) -> None:
    out = resolve_targets(_t(areas=("WK059910", "WK059999"), kind="change", value=1.0,
                             reference_areas=()), series)
    assert list(out.index) == ["WK059910", "WK059999"]
    assert pd.isna(out.loc["WK059999", "target_value"])


@pytest.mark.parametrize(("changes", "field"), [
    ({"code": "met spatie"}, "code"),
    ({"areas": ()}, "areas"),
    ({"target_year": 2018}, "target_year"),
    ({"kind": "doel"}, "kind"),
    ({"reference_areas": ()}, "reference_areas"),
    ({"kind": "change", "reference_areas": (), "value": None}, "value"),
    ({"milestones": {2035: 1.0}}, "milestones"),
    ({"measure": "score"}, "framework"),
    ({"direction": "neutral"}, "direction"),
    ({"kind": "tier", "reference_areas": (), "value": 3.0}, "value"),
])
def test_invalid_targets_name_the_field(changes: dict, field: str) -> None:
    with pytest.raises(TargetError, match=field):
        _t(**changes)


def test_round_trip_and_description() -> None:
    t = _t(milestones={2026: 1.0}, note="raadsbesluit 2024")
    assert Target.from_dict(t.to_dict()) == t
    assert "G4-gemiddelde" in t.describe() and "2031" in t.describe()
    with pytest.raises(TargetError, match="onbekende velden"):
        Target.from_dict({**t.to_dict(), "colour": "red"})
