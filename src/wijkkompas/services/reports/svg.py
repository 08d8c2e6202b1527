"""Static SVG for reports: the area on a map with its neighbours, bar and line charts.

Drawn by hand from the view models' numbers (no plotly/kaleido, no browser): WeasyPrint embeds
the SVG as vector shapes. Every text is escaped; labels come formatted from the view models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import shapely
from shapely.geometry import Polygon

from wijkkompas.services.shared.maps import CLASS_COLOURS, NO_DATA, Shape

AREA_FILL = "#0072B2"
NEIGHBOUR_FILL = "#a6cee3"
OTHER_FILL = "#f0f0f0"
TOUCH = 0.0005  # degrees (~50 m): simplified outlines of neighbours need not touch exactly
CHAR_WIDTH = 5.0  # px per character of a 9 px label (DejaVu Sans, about)


@dataclass
class MapSvg:
    svg: str
    neighbours: list[tuple[str, str]]  # (code, name), sorted by name
    n_shapes: int  # areas drawn (the test checks the map is real)


def _polygon(shape: Shape):  # noqa: ANN202 (shapely geometry)
    rings, ring = [], []
    for x, y in zip(shape.x, shape.y, strict=True):
        if x is None or y is None:
            if len(ring) >= 3:
                rings.append(Polygon(ring))
            ring = []
        else:
            ring.append((x, y))
    if len(ring) >= 3:
        rings.append(Polygon(ring))
    if not rings:
        return None
    return shapely.make_valid(shapely.union_all(rings))


def _path(shape: Shape, project) -> str:  # noqa: ANN001
    parts, ring = [], []
    for x, y in zip(shape.x, shape.y, strict=True):
        if x is None or y is None:
            if ring:
                parts.append("M" + "L".join(ring) + "Z")
            ring = []
        else:
            px, py = project(x, y)
            ring.append(f"{px:.1f} {py:.1f}")
    if ring:
        parts.append("M" + "L".join(ring) + "Z")
    return "".join(parts)


def area_map(shapes: list[Shape], code: str, title: str, *, width: int = 480,
             height: int = 360) -> MapSvg | None:
    """The area (dark blue) with its neighbours (light blue, named) and the other areas of its
    level around it (grey), zoomed to the area and its neighbours; None without geometry."""
    geoms = {s.code: _polygon(s) for s in shapes}
    own = geoms.get(code)
    if own is None or own.is_empty:
        return None
    near = own.buffer(TOUCH)
    neighbours = [s for s in shapes if s.code != code and geoms.get(s.code) is not None
                  and geoms[s.code].intersects(near)]
    focus = shapely.union_all([own, *(geoms[s.code] for s in neighbours)])
    minx, miny, maxx, maxy = focus.bounds
    lat0 = (miny + maxy) / 2
    kx = math.cos(math.radians(lat0))  # equirectangular, true to shape at this latitude
    w, h = max((maxx - minx) * kx, 1e-6), max(maxy - miny, 1e-6)
    pad = 8
    scale = min((width - 2 * pad) / w, (height - 2 * pad) / h)
    ox = (width - w * scale) / 2
    oy = (height - h * scale) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return ox + (x - minx) * kx * scale, oy + (maxy - y) * scale

    box = shapely.box(minx - (maxx - minx), miny - (maxy - miny), maxx + (maxx - minx),
                      maxy + (maxy - miny))
    neighbour_codes = {s.code for s in neighbours}
    paths = []
    for shape in shapes:
        geom = geoms.get(shape.code)
        if geom is None or not geom.intersects(box):
            continue
        fill = AREA_FILL if shape.code == code else (
            NEIGHBOUR_FILL if shape.code in neighbour_codes else OTHER_FILL)
        paths.append(f'<path d="{_path(shape, project)}" fill="{fill}" stroke="#ffffff" '
                     f'stroke-width="0.8" fill-rule="evenodd"/>')
    # Names: the area first, then each neighbour that is wide enough and does not overlap a
    # name already placed (the caption lists every neighbour anyway).
    labels: list[str] = []
    placed: list[tuple[float, float, float, float]] = []
    by_code = {s.code: s for s in shapes}
    for name_code in [code, *(s.code for s in neighbours)]:
        shape, geom = by_code[name_code], geoms[name_code]
        gx0, _gy0, gx1, _gy1 = geom.bounds
        fits = (gx1 - gx0) * kx * scale >= CHAR_WIDTH * len(shape.name)
        pt = geom.representative_point()
        px, py = project(pt.x, pt.y)
        half = CHAR_WIDTH * len(shape.name) / 2
        box_px = (px - half, py - 9, px + half, py + 2)
        clash = any(box_px[0] < b[2] and b[0] < box_px[2] and box_px[1] < b[3] and b[1] < box_px[3]
                    for b in placed)
        if name_code != code and (not fits or clash):
            continue
        placed.append(box_px)
        colour = ("#ffffff" if fits else "#001a33") if name_code == code else "#1a1a1a"
        weight = "bold" if name_code == code else "normal"
        labels.append(f'<text x="{px:.1f}" y="{py:.1f}" font-size="9" text-anchor="middle" '
                      f'fill="{colour}" font-weight="{weight}">{escape(shape.name)}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
           f'<title>{escape(title)}</title>'
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
           f'<g clip-path="none">{"".join(paths)}</g>{"".join(labels)}</svg>')
    named = sorted(((s.code, s.name) for s in neighbours), key=lambda t: t[1])
    return MapSvg(svg, named, len(paths))


def bar_chart(labels: list[str], values: list[float | None], texts: list[str], title: str,
              *, width: int = 480) -> str:
    """Horizontal bars around zero (negative red, positive blue) with the formatted value."""
    row, label_w, top = 18, 200, 6
    height = top + row * len(labels) + 6
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    span = max(finite) if finite and max(finite) > 0 else 1.0
    plot_w = width - label_w - 60
    zero = label_w + plot_w / 2
    items = [f'<line x1="{zero:.1f}" y1="{top - 2}" x2="{zero:.1f}" y2="{height - 4}" '
             f'stroke="#333333" stroke-width="0.8"/>']
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + i * row
        short = label if len(label) <= 38 else label[:36] + "…"
        items.append(f'<text x="{label_w - 6}" y="{y + 12}" font-size="9" text-anchor="end">'
                     f'{escape(short)}</text>')
        if value is None or not math.isfinite(value):
            items.append(f'<text x="{zero + 4:.1f}" y="{y + 12}" font-size="9">'
                         f'{escape(text)}</text>')
            continue
        length = abs(value) / span * (plot_w / 2)
        x = zero if value >= 0 else zero - length
        colour = CLASS_COLOURS[4] if value >= 0 else CLASS_COLOURS[0]
        items.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(length, 0.5):.1f}" '
                     f'height="{row - 6}" fill="{colour}"/>')
        tx = zero + length + 4 if value >= 0 else zero - length - 4
        anchor = "start" if value >= 0 else "end"
        if value < 0 and tx < label_w + 24:
            tx, anchor = zero + 4, "start"
        items.append(f'<text x="{tx:.1f}" y="{y + 12}" font-size="9" text-anchor="{anchor}">'
                     f'{escape(text)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{"".join(items)}</svg>')


def line_chart(years: list[int], series: list[tuple[str, list[float | None]]], title: str,
               value_text, *, width: int = 480, height: int = 160) -> str:  # noqa: ANN001
    """Lines over the years (one per series; gaps where a year has no value), with the first
    series' values written at its points (``value_text`` formats them)."""
    left, right, top, bottom = 36, 90, 10, 22
    values = [v for _n, vs in series for v in vs if v is not None and math.isfinite(v)]
    if not years or not values:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    lo, hi = lo - pad, hi + pad
    x0, x1 = years[0], years[-1] if years[-1] != years[0] else years[0] + 1

    def px(year: int) -> float:
        return left + (year - x0) / (x1 - x0) * (width - left - right)

    def py(value: float) -> float:
        return top + (hi - value) / (hi - lo) * (height - top - bottom)

    items = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
             f'y2="{height - bottom}" stroke="#999999" stroke-width="0.6"/>']
    for year in years:
        items.append(f'<text x="{px(year):.1f}" y="{height - 8}" font-size="8" '
                     f'text-anchor="middle">{year}</text>')
    colours = ["#0072B2", "#D55E00", "#009E73", "#666666"]
    for k, (name, vs) in enumerate(series):
        colour = colours[k % len(colours)]
        dash = "" if k == 0 else ' stroke-dasharray="4 2"'
        segment: list[str] = []
        last = None
        for year, v in zip(years, vs, strict=True):
            if v is None or not math.isfinite(v):
                if len(segment) > 1:
                    items.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                                 f'stroke="{colour}" stroke-width="1.6"{dash}/>')
                segment = []
                continue
            segment.append(f"{px(year):.1f},{py(v):.1f}")
            last = (year, v)
            if k == 0:
                items.append(f'<circle cx="{px(year):.1f}" cy="{py(v):.1f}" r="2.2" '
                             f'fill="{colour}"/>')
                items.append(f'<text x="{px(year):.1f}" y="{py(v) - 5:.1f}" font-size="8" '
                             f'text-anchor="middle">{escape(value_text(v))}</text>')
        if len(segment) > 1:
            items.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                         f'stroke="{colour}" stroke-width="1.6"{dash}/>')
        if last is not None:
            items.append(f'<text x="{px(last[0]) + 6:.1f}" y="{py(last[1]) + 3:.1f}" '
                         f'font-size="8" fill="{colour}">{escape(name[:18])}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{"".join(items)}</svg>')


__all__ = ["MapSvg", "NO_DATA", "area_map", "bar_chart", "line_chart"]
