"""One way to write numbers (wijkkompas.formatting), and the words for codes (labels, methods)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from wijkkompas import formatting as f
from wijkkompas.i18n import use_language


@pytest.mark.parametrize(("call", "dutch", "english"), [
    (lambda: f.count(73490.0), "73.490", "73,490"),
    (lambda: f.count(8000), "8.000", "8,000"),
    (lambda: f.score(100.94), "100,9", "100.9"),
    (lambda: f.signed(1.92, 1), "+1,9", "+1.9"),
    (lambda: f.signed(-8000, 0), "-8.000", "-8,000"),
    (lambda: f.signed(-0.04, 1), "0,0", "0.0"),  # no "-0,0"
    (lambda: f.percent(0.74, fraction=True), "74%", "74%"),
    (lambda: f.percent(80.0), "80%", "80%"),
    (lambda: f.percent(Decimal("0.7"), fraction=True), "70%", "70%"),
    (lambda: f.money(12_000_000), "€ 120.000", "€120,000"),
    (lambda: f.money(123_456), "€ 1.234,56", "€1,234.56"),
    (lambda: f.money(-150), "-€ 1,50", "-€1.50"),
    (lambda: f.money(123_456, cents=False), "€ 1.235", "€1,235"),
    (lambda: f.euros(120000.0), "€ 120.000", "€120,000"),
    (lambda: f.day(date(2026, 12, 6)), "6 december 2026", "6 December 2026"),
    (lambda: f.moment(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)), "2 januari 2026 03:04 UTC",
     "2 January 2026 03:04 UTC"),
])
def test_rules_in_both_languages(call, dutch: str, english: str) -> None:  # noqa: ANN001
    assert call() == dutch
    with use_language("en"):
        assert call() == english


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), "abc"])
def test_missing_is_a_dash(missing: object) -> None:
    for fn in (f.number, f.count, f.score, f.signed, f.percent):
        assert fn(missing) == "–"


def test_no_ad_hoc_decimal_points_left_in_text() -> None:
    # The module never writes a point as decimal separator in Dutch, nor "nan".
    assert "." not in f.score(0.5) and f.number(float("nan")) != "nan"


def test_labels_and_methods_in_words() -> None:
    from wijkkompas.services.shared.labels import action_label, field_label, field_value
    from wijkkompas.services.shared.methods import method_line, method_name

    assert field_label("framework_fingerprint") == "Vingerafdruk van het kader"
    assert field_value("cents", 2_100_000) == "€ 21.000"
    assert field_value("active", True) == "ja" and field_value("years", [2021, 2022]) == \
        "2021, 2022"
    assert action_label("user.add") == "account toegevoegd"
    assert method_line("impute", "previous_year") == \
        "ontbrekende waarden: vorige meting gebruikt (tot 2 jaar terug)"
    assert method_name("normalise", "zindex") == "z-score, 100 = referentie"
    with use_language("en"):
        assert method_line("weight", "manual") == "weighting: weights as set in the framework"
        assert field_value("comparable_over_time", "ja") == "yes"
