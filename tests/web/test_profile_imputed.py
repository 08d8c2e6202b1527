"""A value the framework imputed is shown on the profile as an estimate with its method, never
as "–" and never as if the source had it."""

from __future__ import annotations

from wijkkompas.framework.schema import load_preset, parse_framework
from wijkkompas.services.areas.profile import _opgave_scores
from wijkkompas.services.framework.scoring import score_workspace
from wijkkompas.services.shared.cache import ResultCache
from wijkkompas.services.shared.context import Scored, ViewContext
from wijkkompas.workspace import Workspace


def test_imputed_value_is_shown_as_estimate(demo_url: str) -> None:
    # The presets score per peiljaar (no imputation needed); a framework that scores 2021 alone
    # and fills gaps from earlier years imputes the 2020 health figures of Rotterdam's wijken.
    data = load_preset("rotterdam").model_dump()
    data.update(peiljaar=None, years=[2021])
    data["steps"]["impute"] = {"method": "previous_year", "params": {"max_gap": 5}}
    data["screen"]["min_data_share"] = 0.2  # screening comes before imputation
    fw = parse_framework(data)
    ws = Workspace.open(demo_url)
    try:
        result = score_workspace(ws, fw)
        imputed = (result.imputed.notna() & result.raw.isna()).any(axis=1)
        area = str(imputed[imputed].index.get_level_values("area_code")[0])
        ctx = ViewContext(ws, ResultCache(16)).for_request()
        scores = _opgave_scores(ctx, Scored("rotterdam", result), area, 2021)
    finally:
        ws.close()
    values = [c.value for op in scores for c in op.contributions]
    estimated = [v for v in values if v.status == "estimated"]
    assert estimated and all(v.value is not None for v in estimated)
    assert all("het kader vulde hem aan: vorige meting gebruikt" in v.note for v in estimated)
