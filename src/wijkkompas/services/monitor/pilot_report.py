"""View model of the pilot report: a pilot against its comparison areas (chosen by similarity
at baseline), the group means per year and the difference-in-differences with its interval
and caveat; one call to :func:`wijkkompas.services.monitor.usecases.pilot_comparison`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.i18n import _
from wijkkompas.services.framework.overview import Chart
from wijkkompas.services.monitor import pilots as pilot_svc
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.services.monitor.charts import pilot_figure
from wijkkompas.services.monitor.wording import (
    decimals_of,
    shown_number,
    subject_label,
    translate_message,
)
from wijkkompas.services.shared.context import ViewContext, link
from wijkkompas.services.shared.formatting import Shown, format_number

PILOT_SUBJECT = "lbm_totaal"


# --- pilots -----------------------------------------------------------------------------------


@dataclass
class MatchRow:
    pilot_area: str
    pilot_name: str
    comparison_area: str
    comparison_name: str
    distance: Shown


@dataclass
class GroupRow:
    year: int
    pilot: Shown
    comparison: Shown
    period: str


@dataclass
class PilotView:
    """A pilot against its comparison areas: matches, group means and the DiD estimate."""

    code: str
    name: str
    areas: list[tuple[str, str]]
    start_year: int
    subject: str
    subject_label: str
    baseline_indicators: list[str]
    matches: list[MatchRow]
    means: list[GroupRow]
    effect: Shown
    low: Shown
    high: Shown
    level: int
    pilot_change: Shown
    comparison_change: Shown
    sentence: str
    caveat: str
    chart: Chart | None
    warnings: list[str]
    downloads: dict[str, str] = field(default_factory=dict)
    #: the indicators stored with the pilot (the first is the default) and their pages
    subjects: list[tuple[str, str, str]] = field(default_factory=list)
    version: int = 1


def _basis(basis: str | None) -> list[str] | None:
    return [b.strip().lower() for b in (basis or "").split(",") if b.strip()] or None


def _pilot_report(ctx: ViewContext, code: str, indicator: str | None, basis: str | None,
                  k: int) -> pilot_svc.PilotReport:
    stored = pilot_svc.get_pilot(ctx.ws, code)
    subject = indicator or (stored.subjects[0] if stored.subjects else PILOT_SUBJECT)
    return pilot_svc.pilot_comparison(ctx.ws, stored, subject, baseline_indicators=_basis(basis), k=k)


def pilot(ctx: ViewContext, code: str, *, indicator: str | None = None,
          basis: str | None = None, k: int = 2) -> PilotView:
    """The pilot report (comparison areas chosen by similarity at baseline)."""
    report = _pilot_report(ctx, code, indicator, basis, k)
    p, did = report.pilot, report.did
    names = ctx.areas()["name"]
    dec = decimals_of(ctx, report.subject)
    matches = [MatchRow(str(r["pilot_area"]), str(r["pilot_name"]), str(r["comparison_area"]),
                        str(r["comparison_name"]), shown_number(r.get("distance"), 2))
               for r in report.matches.to_dict("records")]
    means = [GroupRow(int(y), shown_number(r.get("pilot"), dec), shown_number(r.get("vergelijking"), dec),
                      _("na de start") if int(y) >= p.start_year else _("vóór de start"))
             for y, r in report.means.iterrows()]
    better = did.effect > 0 if report.direction == "higher_better" else did.effect < 0
    sure = did.low > 0 or did.high < 0
    if not np.isfinite(did.effect):
        sentence = _("Geen schatting mogelijk: te weinig gegevens voor of na de start.")
    else:
        sentence = (_("De pilotgebieden ontwikkelden zich {word} dan de vergelijkingsgebieden "
                      "(verschil-in-verschillen {effect}, {level}%-bandbreedte {low} tot {high})")
                    .format(word=_("beter") if better else _("slechter"),
                            effect=format_number(did.effect, dec), level=round(100 * did.level),
                            low=format_number(did.low, dec), high=format_number(did.high, dec))
                    + "; " + (_("de bandbreedte sluit 0 uit.") if sure else
                              _("maar de bandbreedte omvat 0: geen aantoonbaar verschil.")))
    label = subject_label(ctx, report.subject)
    chart = None
    if len(report.means):
        chart = Chart(f"pilot-{p.code}", pilot_figure(
            report.means, p.start_year, label, _("pilot"), _("vergelijking"), _("start")), _(
            "Lijndiagram van het gemiddelde van {subject} in de pilotgebieden en in de "
            "vergelijkingsgebieden per jaar, met de start van de pilot. De tabel hieronder "
            "bevat dezelfde getallen.").format(subject=label))
    query = {"indicator": indicator, "basis": basis, "k": k if k != 2 else None}
    return PilotView(
        code=p.code, name=p.name, areas=[(a, str(names.get(a, a))) for a in p.areas],
        start_year=p.start_year, subject=report.subject, subject_label=label,
        baseline_indicators=_basis(basis) or [report.subject], matches=matches, means=means,
        effect=shown_number(did.effect, dec), low=shown_number(did.low, dec),
        high=shown_number(did.high, dec),
        level=round(100 * did.level), pilot_change=shown_number(did.pilot_change, dec),
        comparison_change=shown_number(did.comparison_change, dec), sentence=sentence,
        caveat=_("Let op: verschil-in-verschillen veronderstelt dat pilot- en "
                 "vergelijkingsgebieden zich zonder pilot gelijk zouden hebben ontwikkeld "
                 "(parallelle trends). Het is een vergelijking, geen bewijs van oorzaak en "
                 "gevolg: andere veranderingen in dezelfde periode kunnen het verschil "
                 "verklaren, en met weinig gebieden is de bandbreedte breed."),
        chart=chart, warnings=[translate_message(w) for w in report.warnings],
        downloads={"csv": link(f"/api/v1/monitor/pilot/{p.code}.csv", **query),
                   "xlsx": link(f"/api/v1/monitor/pilot/{p.code}.xlsx", **query)},
        subjects=[(s, subject_label(ctx, s), link(f"/monitor/pilot/{p.code}", indicator=s))
                  for s in p.subjects], version=p.version)


def pilot_frame(ctx: ViewContext, code: str, *, indicator: str | None = None,
                basis: str | None = None, k: int = 2) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per area: group, before and after means and the change (the DiD's building blocks)."""
    report = _pilot_report(ctx, code, indicator, basis, k)
    did = report.did
    meta = svc.provenance(pilot=report.pilot.code, subject=report.subject,
                          effect=did.effect, low=did.low, high=did.high, level=did.level,
                          method=did.method, caveat=did.caveat)
    return did.per_area, meta
