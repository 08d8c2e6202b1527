"""CBS special values and number parsing (wijkkompas.data.values)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.data.values import MISSING_SYMBOLS, SUPPRESSED_SYMBOLS, parse_values


def parse_one(raw: object) -> tuple[float | None, str, bool]:
    values, statuses, bad = parse_values(pd.Series([raw], dtype=object))
    v = float(values[0])
    return (None if math.isnan(v) else v), statuses[0], bad is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (".", (None, "suppressed")),
        ("       .", (None, "suppressed")),
        ("x", (None, "suppressed")),
        ("X", (None, "suppressed")),
        ("-99999997", (None, "suppressed")),
        ("-", (None, "missing")),
        ("", (None, "missing")),
        ("   ", (None, "missing")),
        ("?", (None, "missing")),
        ("#N/B", (None, "missing")),
        ("-99999999", (None, "missing")),
        ("-99999999.0", (None, "missing")),
        ("-99999999,0", (None, "missing")),
        ("-99999997,0", (None, "suppressed")),
        ("670610", (670610.0, "ok")),
        ("  103435", (103435.0, "ok")),
        ("0", (0.0, "ok")),
        ("-3", (-3.0, "ok")),
        ("1,6", (1.6, "ok")),
        ("1.6", (1.6, "ok")),
        ("-0,25", (-0.25, "ok")),
        (",5", (0.5, "ok")),
        ("1.234,5", (1234.5, "ok")),
        ("12.345.678,9", (12345678.9, "ok")),
        ("1,5E+20", (1.5e20, "ok")),
        ("179441.0", (179441.0, "ok")),
    ],
)
def test_published_strings(raw: str, expected: tuple[float | None, str]) -> None:
    value, status, bad = parse_one(raw)
    assert not bad
    assert (value, status) == expected


@pytest.mark.parametrize("raw", ["veel", "12%", "1 000", "3,", "1,7 personen", "0x10", "inf",
                                 "-Infinity", "1_000", "n.v.t.", "--"])
def test_anything_else_is_a_bad_value(raw: str) -> None:
    values, statuses, bad = parse_values(pd.Series(["1", raw, "2"]))
    assert bad is not None and bad.position == 1 and bad.value == raw
    assert math.isnan(values[1])


def test_numeric_columns_with_sentinels() -> None:
    values, statuses, bad = parse_values(pd.Series([5.0, -99999999.0, -99999997.0, np.nan, 2.5]))
    assert bad is None
    assert statuses.tolist() == ["ok", "missing", "suppressed", "missing", "ok"]
    assert values[0] == 5.0 and values[4] == 2.5
    assert np.isnan(values[1:4]).all()


def test_numeric_column_with_infinity_is_bad() -> None:
    values, statuses, bad = parse_values(pd.Series([1.0, np.inf]))
    assert bad is not None and bad.position == 1


def test_counts_rounded_by_cbs_are_kept() -> None:
    values, statuses, _ = parse_values(pd.Series(["5", "10", "405", "3455"]))
    assert values.tolist() == [5.0, 10.0, 405.0, 3455.0]


def test_first_bad_value_is_reported() -> None:
    _, _, bad = parse_values(pd.Series(["1", ".", "aap", "noot"]))
    assert bad is not None and (bad.position, bad.value) == (2, "aap")


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(x=finite, comma=st.booleans(), pad=st.booleans())
def test_any_finite_float_round_trips(x: float, comma: bool, pad: bool) -> None:
    text = repr(x)
    if comma:
        text = text.replace(".", ",")
    if pad:
        text = f"   {text} "
    value, status, bad = parse_one(text)
    if x in (-99999999.0, -99999997.0, -99999998.0, -99999995.0):
        assert value is None  # CBS sentinels: never a number
        return
    assert not bad, text
    assert status == "ok"
    assert value == x


SYMBOLS = sorted(SUPPRESSED_SYMBOLS | MISSING_SYMBOLS)


@settings(max_examples=200, deadline=None)
@given(symbols=st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=20),
       left=st.sampled_from(["", " ", "   "]), right=st.sampled_from(["", " ", "\t"]))
def test_cbs_symbols_never_yield_a_number(symbols: list[str], left: str, right: str) -> None:
    values, statuses, bad = parse_values(pd.Series([f"{left}{s}{right}" for s in symbols]))
    assert bad is None
    assert np.isnan(values).all()
    assert set(statuses) <= {"suppressed", "missing"}
    for s, status in zip(symbols, statuses, strict=True):
        assert status == ("suppressed" if s in SUPPRESSED_SYMBOLS else "missing")
