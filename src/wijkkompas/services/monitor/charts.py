"""Plotly.js figure dicts of the monitor pages (no network; the tables carry the same data).

Colours are the Okabe–Ito palette (distinguishable with colour-vision deficiencies); lines also
differ by marker symbol, so no information depends on colour alone.
"""

from __future__ import annotations

import math

import pandas as pd

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
LAYOUT = {"paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "height": 420,
          "margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "hovermode": "closest",
          "legend": {"orientation": "h", "y": -0.15}}


def _finite(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def programme_figure(table: pd.DataFrame, values: dict[tuple[str, int], float],
                     years: list[int], title: str, target_word: str, band_word: str) -> dict:
    """Each area's series, its target (dashed, to the target year) and, where the trend is
    reliable, the forecast band from the newest value to the target year."""
    traces: list[dict] = []
    for i, r in enumerate(table.to_dict("records")):
        colour, code, name = PALETTE[i % len(PALETTE)], r["area_code"], str(r["name"])
        xs = [y for y in years if (code, y) in values]
        traces.append({"type": "scatter", "mode": "lines+markers", "name": name,
                       "legendgroup": code, "x": xs, "y": [values[(code, y)] for y in xs],
                       "line": {"color": colour, "width": 2},
                       "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8}})
        target = _finite(r["target_value"])
        if target is not None:
            traces.append({"type": "scatter", "mode": "lines+markers",
                           "name": f"{name}: {target_word}", "legendgroup": code,
                           "x": [int(r["baseline_year"]), int(r["target_year"])],
                           "y": [target, target], "showlegend": False,
                           "line": {"color": colour, "dash": "dash", "width": 1},
                           "marker": {"symbol": "star", "size": [0, 12]}})
        low, high = _finite(r["forecast_low"]), _finite(r["forecast_high"])
        current, forecast = _finite(r["current_value"]), _finite(r["forecast"])
        if None not in (low, high, current, forecast):
            cy, ty = int(r["current_year"]), int(r["target_year"])
            traces.append({"type": "scatter", "mode": "lines", "fill": "toself",
                           "name": f"{name}: {band_word}", "legendgroup": code,
                           "x": [cy, ty, ty, cy], "y": [current, high, low, current],
                           "fillcolor": colour + "33", "line": {"color": colour, "width": 0},
                           "showlegend": False, "hoverinfo": "name"})
            traces.append({"type": "scatter", "mode": "lines", "showlegend": False,
                           "name": f"{name}: {band_word}", "legendgroup": code,
                           "x": [cy, ty], "y": [current, forecast],
                           "line": {"color": colour, "dash": "dot", "width": 1.5}})
    return {"data": traces, "layout": {**LAYOUT, "title": {"text": title, "font": {"size": 14}},
                                       "xaxis": {"title": {"text": ""}, "dtick": 2},
                                       "yaxis": {"zeroline": True, "zerolinecolor": "#999"}}}


def gap_figure(series: dict[str, list[tuple[int, float]]], title: str) -> dict:
    """One line per municipality: its dispersion measure over the years."""
    traces = []
    for i, (name, points) in enumerate(series.items()):
        traces.append({"type": "scatter", "mode": "lines+markers", "name": name,
                       "x": [y for y, _v in points], "y": [_finite(v) for _y, v in points],
                       "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
                       "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8}})
    return {"data": traces, "layout": {**LAYOUT, "title": {"text": title, "font": {"size": 14}},
                                       "xaxis": {"dtick": 2}, "yaxis": {"rangemode": "tozero"}}}


def pilot_figure(means: pd.DataFrame, start_year: int, title: str, pilot_word: str,
                 comparison_word: str, start_word: str) -> dict:
    """Group means per year (pilot, comparison) with a vertical line at the start year."""
    traces = []
    for i, (column, word) in enumerate((("pilot", pilot_word),
                                        ("vergelijking", comparison_word))):
        if column not in means:
            continue
        traces.append({"type": "scatter", "mode": "lines+markers", "name": word,
                       "x": [int(y) for y in means.index],
                       "y": [_finite(v) for v in means[column]],
                       "line": {"color": PALETTE[i], "width": 2, "dash": "solid" if i == 0
                                else "dash"},
                       "marker": {"symbol": SYMBOLS[i], "size": 8}})
    shape = {"type": "line", "xref": "x", "yref": "paper", "x0": start_year - 0.5,
             "x1": start_year - 0.5, "y0": 0, "y1": 1, "line": {"color": "#555", "dash": "dot"}}
    note = {"x": start_year - 0.5, "y": 1, "xref": "x", "yref": "paper", "text": start_word,
            "showarrow": False, "yanchor": "bottom"}
    return {"data": traces, "layout": {**LAYOUT, "title": {"text": title, "font": {"size": 14}},
                                       "xaxis": {"dtick": 2}, "shapes": [shape],
                                       "annotations": [note]}}
