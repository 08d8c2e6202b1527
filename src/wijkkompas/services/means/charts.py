"""Plotly.js figure dicts of the Middelen page (the tables carry the same data).

Colours from the Okabe–Ito palette; the quadrant also differs by marker symbol, so nothing
depends on colour alone."""

from __future__ import annotations

import pandas as pd

from wijkkompas.services.monitor.charts import LAYOUT, PALETTE, SYMBOLS


def curve_figure(curve: pd.DataFrame, names: dict[str, str], title: str, x_title: str,
                 y_title: str, equal_word: str) -> dict:
    """The concentration curve (most need first) against the diagonal of equal shares."""
    labels = [", ".join(names.get(c, c) for c in areas) for areas in curve["areas"]]
    return {"data": [
        {"type": "scatter", "mode": "lines", "name": equal_word, "x": [0, 1], "y": [0, 1],
         "line": {"color": "#999999", "dash": "dash", "width": 1}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "name": title,
         "x": [float(v) for v in curve["population_share"]],
         "y": [float(v) for v in curve["money_share"]], "text": labels,
         "line": {"color": PALETTE[0], "width": 2}, "marker": {"size": 7}},
    ], "layout": {**LAYOUT, "title": {"text": title, "font": {"size": 14}},
                  "xaxis": {"title": {"text": x_title}, "range": [0, 1], "tickformat": ".0%"},
                  "yaxis": {"title": {"text": y_title}, "range": [0, 1], "tickformat": ".0%"}}}


def quadrant_figure(areas: pd.DataFrame, names: dict[str, str], high_tier: str,
                    reverse_x: bool, mean: float, title: str, x_title: str, y_title: str,
                    mean_word: str) -> dict:
    """Score against money per inhabitant, one trace per tier; a line at the weighted mean."""
    traces = []
    for i, (tier, part) in enumerate(sorted(areas.groupby("tier", sort=False),
                                            key=lambda kv: kv[0] != high_tier)):
        traces.append({"type": "scatter", "mode": "markers+text", "name": str(tier),
                       "x": [float(v) for v in part["score"]],
                       "y": [float(v) for v in part["per_inhabitant"]],
                       "text": [names.get(c, c) for c in part.index], "textposition": "top center",
                       "marker": {"color": PALETTE[i % len(PALETTE)], "size": 11,
                                  "symbol": SYMBOLS[i % len(SYMBOLS)]}})
    xs = [float(v) for v in areas["score"]]
    traces.append({"type": "scatter", "mode": "lines", "name": mean_word,
                   "x": [min(xs), max(xs)], "y": [mean, mean],
                   "line": {"color": "#999999", "dash": "dot", "width": 1}, "hoverinfo": "skip"})
    xaxis = {"title": {"text": x_title}}
    if reverse_x:  # a high score is the need: reversed, so the most need is on the left
        xaxis["autorange"] = "reversed"
    return {"data": traces, "layout": {**LAYOUT, "title": {"text": title, "font": {"size": 14}},
                                       "xaxis": xaxis, "yaxis": {"title": {"text": y_title},
                                                                 "rangemode": "tozero"}}}
