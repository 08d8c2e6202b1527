"""Downloads of rankings and profiles: CSV, Excel and GeoJSON, with provenance.

Rankings contain scores (computed, never raw observations); profiles contain observations and
pass every value through :func:`wijkkompas.services.shared.formatting.show_observation`, so suppressed
values are empty with status ``suppressed``.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import shapely

from wijkkompas import __version__
from wijkkompas.exportsafe import excel_writer, write_csv
from wijkkompas.formatting import EXCEL_SCORE
from wijkkompas.services.areas.profile import CBS_ATTRIBUTION, profile_frame
from wijkkompas.services.framework.overview import overview
from wijkkompas.services.shared.context import LEVEL_PARAM, ViewContext

FORMAT_VERSION = 1


def ranking_frame(ctx: ViewContext, **query: object) -> tuple[pd.DataFrame, dict[str, str]]:
    view = overview(ctx, **query)
    # rank: priority rank (1 = most urgent, the lowest score); score_rank: 1 = highest score.
    frame = pd.DataFrame([{
        "rank": r.rank, "area_code": r.code, "name": r.name, "score": r.score.value,
        "tier": r.tier, "score_rank": r.score_rank, "not_assessed": r.not_assessed,
        "approach": r.approach} for r in view.ranking],
        columns=["rank", "area_code", "name", "score", "tier", "score_rank", "not_assessed",
                 "approach"])
    for col in ("rank", "score_rank"):  # whole numbers; an unassessed area has none
        frame[col] = frame[col].astype("Int64")
    meta = {"format_version": str(FORMAT_VERSION), "gemeente": view.gemeente,
            "kader": view.kader, "opgave": view.opgave, "opgave_name": view.opgave_naam,
            "year": str(view.jaar), "niveau": view.niveau, "tool_version": __version__,
            **view.provenance,
            "attribution": CBS_ATTRIBUTION}
    return frame, meta


def approach_frame(ctx: ViewContext, **query: object) -> tuple[pd.DataFrame, dict[str, str]]:
    """The approach matrix of the overview: one row per area, its tier per opgave, the
    approach and why; empty when the framework has no approach typology."""
    view = overview(ctx, **query)
    matrix = view.aanpak
    opgaven = [o.value for o in matrix.opgaven] if matrix else []
    frame = pd.DataFrame(
        [{"area_code": r.code, "name": r.name, **{f"tier_{c}": t for c, t in
                                                   zip(opgaven, r.tiers, strict=True)},
          "approach": r.approach, "explanation": r.explanation}
         for r in (matrix.rows if matrix else [])],
        columns=["area_code", "name", *[f"tier_{c}" for c in opgaven], "approach",
                 "explanation"])
    meta = {"format_version": str(FORMAT_VERSION), "gemeente": view.gemeente,
            "kader": view.kader, "typology": matrix.name if matrix else "",
            "year": str(view.jaar), "niveau": view.niveau, "tool_version": __version__,
            **view.provenance, "attribution": CBS_ATTRIBUTION}
    return frame, meta


def to_csv_bytes(frame: pd.DataFrame, meta: dict[str, str]) -> bytes:
    """CSV with the provenance as ``#`` lines; inert (:mod:`wijkkompas.exportsafe`)."""
    buf = io.StringIO()
    write_csv(buf, frame, meta)
    return buf.getvalue().encode("utf-8")


# Excel number formats per column (wijkkompas.formatting): scores with one decimal, ranks and
# years as whole numbers; Excel shows them with the reader's own separators.
XLSX_FORMATS = {"score": EXCEL_SCORE, "rank": "0", "year": "0"}


def to_xlsx_bytes(frame: pd.DataFrame, meta: dict[str, str], sheet: str) -> bytes:
    """A workbook with ``frame`` and a 'herkomst' sheet; text cells never formulas."""
    buf = io.BytesIO()
    with excel_writer(buf) as xl:
        frame.to_excel(xl, sheet_name=sheet, index=False)
        cells = xl.sheets[sheet]
        for i, col in enumerate(frame.columns, start=1):
            fmt = XLSX_FORMATS.get(str(col))
            if fmt is None:
                continue
            for (cell,) in cells.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        pd.Series(meta, name="waarde").rename_axis("sleutel").to_frame().to_excel(
            xl, sheet_name="herkomst")
    return buf.getvalue()


def approach_csv(ctx: ViewContext, **query: object) -> bytes:
    return to_csv_bytes(*approach_frame(ctx, **query))


def approach_xlsx(ctx: ViewContext, **query: object) -> bytes:
    return to_xlsx_bytes(*approach_frame(ctx, **query), sheet="aanpak")


def ranking_csv(ctx: ViewContext, **query: object) -> bytes:
    return to_csv_bytes(*ranking_frame(ctx, **query))


def ranking_xlsx(ctx: ViewContext, **query: object) -> bytes:
    return to_xlsx_bytes(*ranking_frame(ctx, **query), sheet="ranglijst")


def ranking_geojson(ctx: ViewContext, **query: object) -> dict:
    """The ranking as a GeoJSON FeatureCollection (WGS84, simplified map geometry)."""
    frame, meta = ranking_frame(ctx, **query)
    level = LEVEL_PARAM[str(query.get("niveau") or "wijk")]
    bounds = ctx.ws.boundaries(level=level, municipality=meta["gemeente"])
    features = []
    for rec in frame.to_dict("records"):
        code = rec["area_code"]
        geom = None
        if code in bounds.index:
            geom = json.loads(shapely.to_geojson(shapely.set_precision(
                bounds.geometry.loc[code], 1e-5)))
        props = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        features.append({"type": "Feature", "id": code, "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "metadata": meta, "features": features}


def profile_csv(ctx: ViewContext, code: str) -> bytes:
    return to_csv_bytes(*profile_frame(ctx, code))


def profile_xlsx(ctx: ViewContext, code: str) -> bytes:
    return to_xlsx_bytes(*profile_frame(ctx, code), sheet="gebiedsprofiel")
