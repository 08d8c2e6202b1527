"""The profile shows a value the framework filled in (imputed) as an estimate, not as "–"."""

from __future__ import annotations

import re


def test_imputed_value_is_shown_as_estimate(client) -> None:  # noqa: ANN001
    # Rotterdam's preset imputes from the previous year; the demo's Leefbaarometer scores for
    # 2021 are missing in the source for WK059901, so the framework uses the 2020 values.
    page = client.get("/gebied/WK059901").text
    assert "value-estimated" in page
    assert "het kader vulde hem aan: vorige meting gebruikt" in page
    data = client.get("/api/v1/gebied/WK059901").json()
    values = [c["value"] for op in data["opgaven"] for c in op["contributions"]]
    estimated = [v for v in values if v["status"] == "estimated"]
    assert estimated and all(v["value"] is not None for v in estimated)
    # every estimate is marked, with its explanation for screen readers
    marks = re.findall(r'class="value-estimated" title="[^"]+">[^<]+<span aria-hidden="true">\*',
                       page)
    assert len(marks) >= len({(v["text"]) for v in estimated}) > 0
