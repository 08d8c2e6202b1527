"""Map and chart figures as plain plotly.js figure dicts (no tiles, no network).

The map draws every area as a filled polygon on hidden cartesian axes (longitude, latitude with
the aspect fixed for the map's latitude): plotly.js' geo and mapbox maps would fetch a base map or
topojson from the internet, which is not allowed. Geometry comes from the store's simplified WGS84
copy, is simplified once more for the screen and rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely

from wijkkompas.i18n import current_language

# Tier colours by position (0 = highest priority), fixed for every year and municipality.
TIER_COLOURS = {
    2: ["#b2182b", "#d1e5f0"],
    3: ["#b2182b", "#f4a582", "#d1e5f0"],
    4: ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0"],
}
# Score classes, low (urgent) to high, for class breaks fixed across years.
CLASS_COLOURS = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#4393c3"]
NO_DATA = "#d9d9d9"
# Approaches (aanpak) in the order of the framework's rules (Okabe–Ito, distinguishable with
# colour-blindness); the default approach gets a light blue.
APPROACH_COLOURS = ["#D55E00", "#E69F00", "#CC79A7", "#0072B2", "#009E73", "#F0E442"]
APPROACH_DEFAULT = "#a6cee3"


def approach_colours(names: list[str], default: str) -> dict[str, str]:
    """A colour per approach name: rules in order, then the default approach."""
    out: dict[str, str] = {}
    for name in names:
        if name not in out and name != default:
            out[name] = APPROACH_COLOURS[len(out) % len(APPROACH_COLOURS)]
    out[default] = APPROACH_DEFAULT
    return out
SCREEN_TOLERANCE = 0.0001  # degrees, about 7–11 m in the Netherlands
DIGITS = 5


@dataclass(frozen=True)
class Shape:
    """One area's outline for the screen: rings of (lon, lat) with None separators."""

    code: str
    name: str
    x: list[float | None]
    y: list[float | None]


def tier_colours(n_labels: int) -> list[str]:
    if n_labels in TIER_COLOURS:
        return TIER_COLOURS[n_labels]
    return [CLASS_COLOURS[min(i, len(CLASS_COLOURS) - 1)] for i in range(n_labels)]


def shapes_from_boundaries(frame) -> list[Shape]:  # noqa: ANN001 (GeoDataFrame)
    """Screen shapes from a boundaries GeoDataFrame indexed by area_code (WGS84)."""
    out: list[Shape] = []
    geoms = shapely.simplify(frame.geometry.to_numpy(), SCREEN_TOLERANCE, preserve_topology=True)
    for code, name, geom in zip(frame.index, frame["name"], geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom])
        xs: list[float | None] = []
        ys: list[float | None] = []
        for part in parts:
            if part.geom_type != "Polygon":
                continue
            coords = shapely.get_coordinates(part.exterior)
            if xs:
                xs.append(None)
                ys.append(None)
            xs.extend(round(float(v), DIGITS) for v in coords[:, 0])
            ys.extend(round(float(v), DIGITS) for v in coords[:, 1])
        if xs:
            out.append(Shape(str(code), str(name), xs, ys))
    return out


def map_figure(shapes: list[Shape], fills: dict[str, str], labels: dict[str, str],
               urls: dict[str, str]) -> dict:
    """A plotly.js figure: one filled trace per area; ``meta`` holds the profile URL."""
    traces = []
    lats = [v for s in shapes for v in s.y if v is not None]
    for shape in shapes:
        traces.append({
            "type": "scatter", "mode": "lines", "x": shape.x, "y": shape.y,
            "fill": "toself", "fillcolor": fills.get(shape.code, NO_DATA),
            "line": {"color": "#ffffff", "width": 0.8}, "hoveron": "fills",
            "hoverinfo": "name", "name": labels.get(shape.code, shape.name),
            "meta": urls.get(shape.code, ""),
        })
    lat0 = (min(lats) + max(lats)) / 2 if lats else 52.0
    return {
        "data": traces,
        "layout": {
            "xaxis": {"visible": False}, "showlegend": False, "hovermode": "closest",
            "yaxis": {"visible": False, "scaleanchor": "x",
                      "scaleratio": round(1 / math.cos(math.radians(lat0)), 4)},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "height": 520, "dragmode": "pan",
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
            "hoverlabel": {"namelength": -1},
        },
    }


def bar_figure(labels: list[str], values: list[float | None], title: str) -> dict:
    """Horizontal bar chart of contributions (negative red, positive blue)."""
    colours = [CLASS_COLOURS[0] if (v or 0) < 0 else CLASS_COLOURS[4] for v in values]
    return {
        "data": [{"type": "bar", "orientation": "h", "x": values, "y": labels,
                  "marker": {"color": colours}, "hovertemplate": "%{y}: %{x:+.1f}<extra></extra>"}],
        "layout": {
            # Plotly's decimal and thousands separators in the page's language (1,5 / 1.5)
            "separators": ",." if current_language() == "nl" else ".,",
            "title": {"text": title, "font": {"size": 14}}, "height": 60 + 28 * len(labels),
            "margin": {"l": 260, "r": 20, "t": 40, "b": 30}, "showlegend": False,
            "xaxis": {"zeroline": True, "zerolinecolor": "#333"},
            "yaxis": {"automargin": True, "autorange": "reversed"},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        },
    }
