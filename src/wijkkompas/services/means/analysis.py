"""Does the regular money follow the need? The analysis of one opgave in one year.

The scored afwegingskader gives each area its opgave score and priority rank (1 = the most
need, following the opgave's own direction); the stored amounts give money per area; the
inhabitants of that year (the framework's population indicator) give the weights and the
denominator. See :mod:`wijkkompas.means.concentration` for the index and its convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.framework.result import ScoreResult
from wijkkompas.i18n import _
from wijkkompas.means.allocation import Reallocation, reallocate
from wijkkompas.means.concentration import concentration_curve, concentration_index
from wijkkompas.means.table import DOMAINS, UNITS, domain_of, unit_of

#: What a positive index means, said once for the CLI, the page and the docs.
CONVENTION = ("Concentratie-index (O'Donnell e.a. 2008): CI = 2·cov_w(y, R)/gemiddelde_w(y), "
              "y = bedrag per inwoner, R = naar inwoners gewogen fractionele rang van minste "
              "naar meeste nood, gewichten = inwoners. Positief: het geld concentreert zich "
              "waar de nood het grootst is; negatief: waar die het kleinst is; tussen −1 en 1.")


@dataclass
class DomainFigures:
    domain: str  # a domain, or "totaal"
    index: float | None
    total: float
    mean_per_inhabitant: float | None
    per_inhabitant: pd.Series  # area_code -> amount per inhabitant


@dataclass
class MeansAnalysis:
    """Everything the CLI and the page show for one framework, opgave and year."""

    result: ScoreResult
    opgave: str
    year: int
    unit: str
    domain: str | None
    areas: pd.DataFrame  # per area: name, amount, inhabitants, per_inhabitant, score, rank, tier
    index: float | None
    curve: pd.DataFrame
    quadrants: dict[str, list[str]]
    trend: pd.Series  # year -> index
    domains: list[DomainFigures]
    amounts: pd.DataFrame  # per area and domain (euros or the unit), this year
    high_priority: bool
    reference: float
    warnings: list[str] = field(default_factory=list)

    @property
    def high_need_tier(self) -> str:
        return self.result.framework.priority.tier_labels()[0]

    def as_json(self) -> dict:
        """The CLI's ``--json``: exactly ``kader``, ``opgave``, ``jaar``, ``gebieden``,
        ``concentratie_index``."""
        return {
            "kader": self.result.framework.id,
            "opgave": self.opgave,
            "jaar": self.year,
            "gebieden": [
                {"gebied": code, "bedrag_per_inwoner": float(row["per_inhabitant"]),
                 "score": float(row["score"]), "rang": int(row["rank"])}
                for code, row in self.areas.iterrows()
            ],
            "concentratie_index": self.index,
        }

    def whatif(self, domain: str, percent: float) -> tuple[Reallocation, float | None,
                                                            float | None]:
        """Shift ``percent`` of ``domain`` toward need: the re-allocation, the domain's new
        index and the new index of all domains together."""
        found = domain_of(domain)
        if found is None or found not in self.amounts.columns:
            present = ", ".join(self.amounts.columns) or "geen"
            raise NotFound(f"domein {domain!r} heeft geen bedragen in {self.year}; "
                           f"beschikbaar: {present}")
        frame = self.areas
        budget = self.amounts[found].reindex(frame.index)
        moved = reallocate(budget, frame["inhabitants"], frame["score"],
                           reference=self.reference, high_priority=self.high_priority,
                           percent=percent, domain=found)
        need = self._need(frame["score"])
        after = moved.areas["after"]
        domain_index = concentration_index(after / frame["inhabitants"], frame["inhabitants"],
                                           need)
        total = self.amounts.reindex(frame.index).fillna(0.0)
        total[found] = after
        total_index = concentration_index(total.sum(axis=1) / frame["inhabitants"],
                                          frame["inhabitants"], need)
        return moved, domain_index, total_index

    def _need(self, score: pd.Series) -> pd.Series:
        return score if self.high_priority else -score


def analyse(result: ScoreResult, amounts: pd.DataFrame, population: pd.DataFrame, *,
            opgave: str, year: int, domain: str | None = None,
            unit: str = "euro") -> MeansAnalysis:
    """The analysis of ``opgave`` in ``year``.

    ``amounts``: stored rows (``area_code``, ``domain``, ``year``, ``unit``, ``amount``);
    ``population``: inhabitants, index ``area_code``, one column per year."""
    fw = result.framework
    op = next((o for o in fw.opgaven if o.code == opgave), None)
    if op is None:
        raise NotFound(f"onbekende opgave {opgave!r}; kies uit "
                       f"{', '.join(o.code for o in fw.opgaven)}")
    chosen_unit = unit_of(unit)
    if chosen_unit is None:
        raise ConfigError(f"onbekende eenheid {unit!r}; kies uit {', '.join(UNITS)}")
    chosen_domain = None
    if domain is not None:
        chosen_domain = domain_of(domain)
        if chosen_domain is None:
            raise ConfigError(f"onbekend domein {domain!r}; kies uit {', '.join(DOMAINS)}")
    if year not in result.years:
        raise NotFound(f"het kader {fw.id} heeft geen scores voor {year}; wel voor "
                       f"{', '.join(map(str, result.years))}")
    rows = amounts[amounts["unit"] == chosen_unit]
    if not len(rows[rows["year"] == year]):
        years = sorted(int(y) for y in rows["year"].unique())
        raise NotFound(f"geen reguliere middelen ({chosen_unit}) voor {year}; wel voor "
                       f"{', '.join(map(str, years)) or 'geen enkel jaar'}")
    high = op.priority_when == "high"
    reference = float(result.reference_scores.get(opgave, np.nan))
    warnings: list[str] = []
    frame, wide = _year_frame(result, rows, population, opgave, year, chosen_domain, warnings)
    if np.isnan(reference):
        reference = float(np.average(frame["score"], weights=frame["inhabitants"]))
    need = frame["score"] if high else -frame["score"]
    index = concentration_index(frame["per_inhabitant"], frame["inhabitants"], need)
    curve = concentration_curve(frame["per_inhabitant"], frame["inhabitants"], need)
    mean = float(np.average(frame["per_inhabitant"], weights=frame["inhabitants"]))
    top = fw.priority.tier_labels()[0]
    needy = frame["tier"] == top
    rich = frame["per_inhabitant"] > mean
    quadrants = {key: frame.index[mask].tolist() for key, mask in (
        ("veel_nood_weinig_geld", needy & ~rich), ("veel_nood_veel_geld", needy & rich),
        ("weinig_nood_veel_geld", ~needy & rich), ("weinig_nood_weinig_geld", ~needy & ~rich))}
    trend = {}
    for other in sorted(int(y) for y in rows["year"].unique()):
        if other not in result.years:
            continue
        try:
            f, _ = _year_frame(result, rows, population, opgave, other, chosen_domain, [])
        except NotFound:
            continue
        trend[other] = concentration_index(f["per_inhabitant"], f["inhabitants"],
                                           f["score"] if high else -f["score"])
    domains = [DomainFigures("totaal" if chosen_domain is None else chosen_domain, index,
                             float(frame["amount"].sum()), mean, frame["per_inhabitant"])]
    if chosen_domain is None:
        for name in [d for d in DOMAINS if d in wide.columns]:
            per = (wide[name] / frame["inhabitants"]).dropna()
            sub = frame.loc[per.index]
            domains.append(DomainFigures(
                name, concentration_index(per, sub["inhabitants"],
                                          sub["score"] if high else -sub["score"]),
                float(wide[name].sum()),
                float(np.average(per, weights=sub["inhabitants"])) if len(per) else None, per))
    return MeansAnalysis(result=result, opgave=opgave, year=year, unit=chosen_unit,
                         domain=chosen_domain, areas=frame, index=index, curve=curve,
                         quadrants=quadrants, trend=pd.Series(trend, dtype=float),
                         domains=domains, amounts=wide, high_priority=high,
                         reference=reference, warnings=warnings)


def _year_frame(result: ScoreResult, rows: pd.DataFrame, population: pd.DataFrame,
                opgave: str, year: int, domain: str | None, warnings: list[str]
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The areas that count in ``year``: assessed (a priority rank), with inhabitants and
    with an amount; the others are named in ``warnings``."""
    ranking = result.ranking(opgave, year)
    this = rows[rows["year"] == year]
    wide = this.pivot_table(index="area_code", columns="domain", values="amount",
                            aggfunc="sum")
    chosen = wide[[domain]] if domain is not None and domain in wide.columns else (
        wide.iloc[:, :0] if domain is not None else wide)
    money = chosen.sum(axis=1, min_count=1).dropna()
    inhabitants = population[year] if year in population.columns else pd.Series(dtype=float)
    frame = pd.DataFrame({
        "name": ranking["name"], "score": ranking["score"], "rank": ranking["priority_rank"],
        "tier": ranking["tier"], "amount": money.reindex(ranking.index),
        "inhabitants": inhabitants.reindex(ranking.index)})
    names = result.areas["name"]
    elsewhere = sorted(set(money.index) - set(ranking.index))
    if elsewhere:
        warnings.append(_("{n} gebieden met middelen horen niet bij dit kader of niveau en "
                          "tellen niet mee: {areas}").format(n=len(elsewhere),
                                                             areas=_listed(elsewhere, names)))
    no_money = (_("Tellen niet mee, zonder middelen voor {domain} in {year}: {areas}")
                if domain else _("Tellen niet mee, zonder middelen in {year}: {areas}"))
    for mask, message in (
            (frame["rank"].isna(), _("Tellen niet mee, zonder prioriteit (niet beoordeeld): "
                                     "{areas}")),
            (frame["rank"].notna() & frame["amount"].isna(), no_money),
            (frame["rank"].notna() & frame["amount"].notna() & ~(frame["inhabitants"] > 0),
             _("Tellen niet mee, zonder inwoners in {year}: {areas}"))):
        if mask.any():
            warnings.append(message.format(year=year, domain=domain,
                                           areas=_listed(frame.index[mask].tolist(), names)))
    frame = frame[frame["rank"].notna() & frame["amount"].notna() & (frame["inhabitants"] > 0)]
    if len(frame) < 2:
        raise NotFound(f"te weinig gebieden met score, inwoners en middelen in {year} "
                       "(minstens twee nodig)")
    frame = frame.assign(per_inhabitant=frame["amount"] / frame["inhabitants"])
    frame["rank"] = frame["rank"].astype(int)
    return frame.sort_values(["rank", "name"]), wide.reindex(frame.index)


def _listed(codes: list[str], names: pd.Series, n: int = 8) -> str:
    shown = [f"{names.get(c, c)} ({c})" for c in codes[:n]]
    more = _(" en {n} meer").format(n=len(codes) - n) if len(codes) > n else ""
    return ", ".join(shown) + more
