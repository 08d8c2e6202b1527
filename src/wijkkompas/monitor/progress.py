"""Progress towards a target, per area: baseline → now → target, share of the way, trend and
forecast, on or off track.

For area *a* with baseline value :math:`x_0` (baseline year :math:`t_0`), current value
:math:`x_c` (newest year :math:`t_c` with data) and target value :math:`x^*` in year :math:`T`:

* share of the way :math:`s = (x_c - x_0) / (x^* - x_0)` (1 = target reached, negative =
  moved away from it; undefined when the area already met the target at baseline);
* observed pace :math:`(x_c - x_0)/(t_c - t_0)` and needed pace :math:`(x^* - x_c)/(T - t_c)`
  per year;
* Theil–Sen trend (:mod:`wijkkompas.monitor.trend`) over the years from ``trend_start``
  (default :math:`t_0`) to :math:`t_c`, forecast :math:`\\hat x(T) = \\hat\\alpha + \\hat\\beta T`
  with the band from the slope interval.

Status (with sign :math:`\\sigma = +1` when higher is better, :math:`-1` when worse; an
area meets the target when :math:`\\sigma (x - x^*) \\ge 0`):

=================  ===========================================================================
``achieved``       the current value already meets the target ("doel bereikt")
``too_few_points`` fewer than 4 data points: "te weinig punten voor een betrouwbare trend";
                   no forecast is made, only the observed and needed pace are shown
``on_track``       even the unfavourable end of the forecast band meets the target
``uncertain``      the target lies inside the forecast band
``off_track``      even the favourable end of the band misses the target
``no_data``        no current value
=================  ===========================================================================

Values flagged in the input (column ``flag``, e.g. "geharmoniseerd") are carried to the
output column ``flags`` so they are visible wherever progress is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.monitor.boundaries import flagged_years
from wijkkompas.monitor.targets import Target, resolve_targets
from wijkkompas.monitor.trend import MIN_POINTS, TOO_FEW, nl, theil_sen

STATUS_LABELS = {
    "achieved": "doel bereikt",
    "on_track": "op koers",
    "uncertain": "onzeker: het doel valt binnen de bandbreedte van de prognose",
    "off_track": "niet op koers",
    "too_few_points": TOO_FEW,
    "no_data": "geen gegevens",
}
COLUMNS = [
    "area_code", "name", "baseline_year", "baseline_value", "current_year", "current_value",
    "target_year", "target_value", "share_of_way", "pace_observed", "pace_needed", "n_points",
    "slope", "slope_low", "slope_high", "forecast", "forecast_low", "forecast_high", "status",
    "status_label", "milestones", "flags", "note",
]
# Notes per area as (code, parameters); the Dutch text is NOTE_TEXTS[code].format(**params).
# Codes let a presentation layer translate them.
NOTE_TEXTS = {
    "no_baseline": "geen waarde in het basisjaar {year}",
    "met_at_baseline": "voldeed in het basisjaar al aan het doel",
    "no_target_value": "geen doelwaarde (basiswaarde ontbreekt)",
    "few_points": "{n} meetpunt(en) sinds {start}",
    "pace": "tempo tot nu toe {observed} per jaar, nodig {needed} per jaar",
}
# Milestone checks: how the value of a milestone year was obtained.
MILESTONE_BASIS = {
    "measured": "gemeten",
    "trend": "geen meting in {year}; volgens de trend",
    "interpolated": "geen meting in {year}; lineair tussen {before} en {after}",
    "none": "geen meting in {year}",
}


def milestone_text(check: dict) -> str:
    """Dutch text of one milestone check (see :func:`check_milestone`)."""
    year = check["year"]
    if check["basis"] == "none":
        return f"{year}: " + MILESTONE_BASIS["none"].format(year=year)
    verdict = "gehaald" if check["met"] else "niet gehaald"
    if check["basis"] == "measured":
        return f"{year}: {verdict}"
    how = MILESTONE_BASIS[check["basis"]].format(**check)
    value = check["value"]
    shown = nl(value, 0, significant=False) if abs(value) >= 1000 else nl(value)
    return f"{year}: {how} {shown}, {verdict}"


def check_milestone(year: int, goal: float, years: np.ndarray, values: np.ndarray,
                    trend: object, sign: float) -> dict:
    """Judge a milestone year that has passed.

    The value of that year is the measurement when there is one; otherwise, between two
    measurements, the reliable Theil–Sen trend line at that year, or else linear interpolation
    between the measurements just before and after; before the first measurement nothing is
    judged ("geen meting"). Returns ``year, goal, value, basis, met, before, after``.
    """
    out: dict = {"year": int(year), "goal": float(goal), "value": float("nan"),
                 "basis": "none", "met": None, "before": None, "after": None}
    hit = values[years == year]
    if len(hit):
        out.update(value=float(hit[0]), basis="measured")
    else:
        before, after = years[years < year], years[years > year]
        if len(before) and len(after):
            y0, y1 = int(before.max()), int(after.min())
            out.update(before=y0, after=y1)
            if getattr(trend, "reliable", False):
                out.update(value=float(trend.at(year)), basis="trend")
            else:
                v0 = float(values[years == y0][0])
                v1 = float(values[years == y1][0])
                out.update(value=v0 + (v1 - v0) * (year - y0) / (y1 - y0), basis="interpolated")
    if out["basis"] != "none":
        out["met"] = _meets(out["value"], goal, sign)
    return out


@dataclass
class ProgressResult:
    """Progress of every target area (``table``: one row per area, never only an average)."""

    target: Target
    table: pd.DataFrame
    level: float
    min_points: int
    warnings: list[str] = field(default_factory=list)
    #: per area code: ``milestone_checks`` (see :func:`check_milestone`) and ``note_items``
    #: (``(code, parameters)`` of :data:`NOTE_TEXTS`), for presentation layers that translate
    details: dict[str, dict] = field(default_factory=dict)
    #: kind ``reference``: ``(value, year, moving)`` of the reference mean
    reference: tuple[float, int, bool] | None = None

    def counts(self) -> pd.Series:
        """Number of areas per status label."""
        return self.table["status_label"].value_counts()

    def summary(self) -> str:
        """A Dutch summary for a programme: counts per status, naming the areas."""
        t = self.target
        parts = []
        for status, label in STATUS_LABELS.items():
            names = self.table.loc[self.table["status"] == status, "name"].tolist()
            if names:
                parts.append(f"{label}: {len(names)} ({', '.join(map(str, names))})")
        head = f"{t.name} — {t.describe()}"
        return head + "\n" + "\n".join(parts)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _meets(value: float, target: float, sign: float) -> bool:
    return bool(np.isfinite(value) and np.isfinite(target) and sign * (value - target) >= 0)


def assess_progress(target: Target, series: pd.DataFrame, *, names: pd.Series | None = None,
                    as_of: int | None = None, trend_start: int | None = None,
                    comparison: list[str] | None = None, level: float = 0.90,
                    min_points: int = MIN_POINTS) -> ProgressResult:
    """Progress of each of ``target.areas``.

    Parameters
    ----------
    target
        The target.
    series
        Long frame with ``area_code``, ``year``, ``value`` and optionally ``flag`` (text,
        e.g. "geharmoniseerd"), holding the target areas and any reference/comparison areas.
    names
        Area names by code (default: the codes).
    as_of
        Ignore data after this year (to replay an earlier monitor).
    trend_start
        First year of the trend window (default: the baseline year).
    comparison
        Comparison areas for a ``tier`` target without threshold.
    level, min_points
        Confidence level of the trend interval; minimum points for a trend.

    Returns
    -------
    ProgressResult
        ``table`` has one row per target area with the columns in :data:`COLUMNS`.
    """
    data = series.dropna(subset=["value"])
    if as_of is not None:
        data = data[data["year"] <= as_of]
    resolved = resolve_targets(target, data, comparison=comparison)
    sign = 1.0 if target.direction == "higher_better" else -1.0
    start = target.baseline_year if trend_start is None else trend_start
    warnings: list[str] = []
    reference = None
    if target.kind == "reference":
        reference = (float(resolved["reference_value"].iloc[0]),
                     int(resolved["reference_year"].iloc[0]), target.reference_year is None)
        ry = resolved["reference_year"].iloc[0]
        label = target.reference_label or "referentie"
        warnings.append(f"{label}: {nl(resolved['reference_value'].iloc[0], 4)} in {ry}"
                        + (" (bewegende referentie: nieuwste jaar)"
                           if target.reference_year is None else ""))
    rows = []
    for code in target.areas:
        mine = data[(data["area_code"] == code) & (data["year"] >= start)].sort_values("year")
        mine = mine.drop_duplicates("year", keep="last")
        r = resolved.loc[code]
        x0, xt = float(r["baseline_value"]), float(r["target_value"])
        row: dict[str, object] = {
            "area_code": code,
            "name": str(names.get(code, code)) if names is not None else code,
            "baseline_year": target.baseline_year, "baseline_value": x0,
            "target_year": target.target_year, "target_value": xt,
            "n_points": int(len(mine)),
        }
        row["flags"] = flagged_years(mine)
        notes: list[tuple[str, dict]] = []
        if mine.empty:
            row.update(status="no_data", current_year=np.nan, current_value=np.nan,
                       milestone_checks=[], note_items=[])
            rows.append(row)
            continue
        tc, xc = int(mine["year"].iloc[-1]), float(mine["value"].iloc[-1])
        row.update(current_year=tc, current_value=xc)
        if not np.isfinite(x0):
            notes.append(("no_baseline", {"year": target.baseline_year}))
        already = _meets(x0, xt, sign)
        if np.isfinite(x0) and np.isfinite(xt) and not already and xt != x0:
            row["share_of_way"] = (xc - x0) / (xt - x0)
        elif already:
            notes.append(("met_at_baseline", {}))
        if np.isfinite(x0) and tc > target.baseline_year:
            row["pace_observed"] = (xc - x0) / (tc - target.baseline_year)
        if tc < target.target_year and np.isfinite(xt):
            row["pace_needed"] = (xt - xc) / (target.target_year - tc)
        trend = theil_sen(mine["year"].to_numpy(), mine["value"].to_numpy(), level=level,
                          min_points=min_points)
        if trend.reliable:
            lo, hi = trend.interval_at(target.target_year)
            row.update(slope=trend.slope, slope_low=trend.low_slope,
                       slope_high=trend.high_slope, forecast=trend.at(target.target_year),
                       forecast_low=lo, forecast_high=hi)
        # Milestones that have passed: the measurement of that year, else the trend or an
        # interpolation between measurements, else "geen meting".
        checks = [check_milestone(year, float(r[f"milestone_{year}"]),
                                  mine["year"].to_numpy(), mine["value"].to_numpy(dtype=float),
                                  trend, sign)
                  for year in target.milestones if year <= tc]
        row["milestone_checks"] = checks
        ms = [milestone_text(c) for c in checks]
        row["milestones"] = "; ".join(ms)
        if _meets(xc, xt, sign):
            status = "achieved"
        elif not np.isfinite(xt):
            status = "no_data"
            notes.append(("no_target_value", {}))
        elif not trend.reliable:
            status = "too_few_points"
            notes.append(("few_points", {"n": len(mine), "start": start}))
            if "pace_observed" in row and "pace_needed" in row:
                notes.append(("pace", {"observed": row["pace_observed"],
                                       "needed": row["pace_needed"]}))
        else:
            worst = lo if sign > 0 else hi
            best = hi if sign > 0 else lo
            if _meets(worst, xt, sign):
                status = "on_track"
            elif _meets(best, xt, sign):
                status = "uncertain"
            else:
                status = "off_track"
        row["status"] = status
        row["note_items"] = notes
        row["note"] = "; ".join(NOTE_TEXTS[c].format(**{k: nl(v) if isinstance(v, float)
                                                        else v for k, v in p.items()})
                                for c, p in notes)
        rows.append(row)
    details = {str(r["area_code"]): {"milestone_checks": r.pop("milestone_checks", []),
                                     "note_items": r.pop("note_items", [])} for r in rows}
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    table["status_label"] = table["status"].map(STATUS_LABELS)
    for col in ("milestones", "flags", "note"):
        table[col] = table[col].fillna("")
    if table["flags"].str.len().gt(0).any():
        warnings.append("sommige waarden zijn geharmoniseerd of gekoppeld over een "
                        "grenswijziging; zie de kolom 'flags'")
    return ProgressResult(target=target, table=table, level=level, min_points=min_points,
                          warnings=warnings, details=details, reference=reference)
