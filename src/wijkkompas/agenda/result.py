"""The result of an allocation run: the allocations in cents and everything that explains them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from wijkkompas import __version__
from wijkkompas.agenda.model import Agenda, format_euros
from wijkkompas.formatting import number, percent


@dataclass
class Binding:
    """A rule that is exactly met and limits the plan (``group`` from ``optimise.GROUPS``)."""

    group: str
    key: tuple
    text: str


@dataclass
class Alternative:
    """Another set of funded measures with (nearly) the same objective value."""

    objective: float
    funded: list[str]
    added: list[str]
    dropped: list[str]

    def text(self) -> str:
        return (f"ook optimaal ({number(self.objective, 2)}): met {', '.join(self.added) or '-'} "
                f"in plaats van {', '.join(self.dropped) or '-'}")


@dataclass
class Conflict:
    """A rule group that, when left out, makes an infeasible plan feasible."""

    group: str
    label: str
    details: list[str]


@dataclass
class Infeasibility:
    """Why no plan meets every rule: the conflicting rule groups and concrete shortfalls."""

    conflicts: list[Conflict]
    checks: list[str]
    shortfalls: list[str]

    def text(self) -> str:
        lines = ["Het plan is niet uitvoerbaar: de regels zijn samen niet te halen."]
        lines += [f"- {c}" for c in self.checks]
        if self.conflicts:
            lines.append("Het plan wordt wel uitvoerbaar als één van deze regels wordt "
                         "losgelaten:")
            for c in self.conflicts:
                extra = f" ({'; '.join(c.details[:6])})" if c.details else ""
                lines.append(f"- {c.label}{extra}")
        if self.shortfalls:
            lines.append("Met zoveel extra budget gaat het wel:")
            lines += [f"- {s}" for s in self.shortfalls]
        return "\n".join(lines)


@dataclass
class AllocationResult:
    """An optimised (or infeasible) allocation with its explanation.

    ``agenda`` carries the new allocations (integer cents); ``funded`` the share of each planned
    measure carried out (0-1); ``value`` its priority-weighted effect. ``binding``,
    ``starts`` holds the chosen start of each funded measure with a start window and
    ``start_reasons`` why it is not the earliest one (:mod:`wijkkompas.agenda.starts`).
    ``unused``, ``shadow_prices``, ``alternatives`` and ``infeasibility`` are filled by
    :func:`wijkkompas.agenda.explain.explain` / :func:`~wijkkompas.agenda.explain.diagnose`.
    """

    agenda: Agenda
    status: str
    objective: float
    bound: float
    gap: float
    funded: dict[str, float]
    value: dict[str, float]
    priorities: pd.Series
    build_seconds: float
    solve_seconds: float
    warnings: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    binding: list[Binding] = field(default_factory=list)
    unused: pd.DataFrame | None = None
    shadow_prices: pd.DataFrame | None = None
    alternatives: list[Alternative] = field(default_factory=list)
    infeasibility: Infeasibility | None = None
    disturbance_cents: int | None = None
    starts: dict[str, int] = field(default_factory=dict)
    start_reasons: dict[str, str] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def feasible(self) -> bool:
        return self.status in ("optimaal", "tijdslimiet")

    def provenance(self) -> dict[str, str]:
        a = self.agenda
        return {"agenda": a.name, "versie": str(a.year), "prijspeil": str(a.price_year),
                "framework": a.framework, "framework_version": a.framework_version,
                "data_fingerprint": a.data_fingerprint, "tool_version": __version__,
                "created": self.created}

    def to_frame(self) -> pd.DataFrame:
        """Allocations with names: stream, stream_name, measure, title, year, cents, manual."""
        frame = self.agenda.allocation_frame()
        names = {s.code: s.name for s in self.agenda.streams}
        titles = {m.code: m.title for m in self.agenda.measures}
        frame.insert(1, "stream_name", frame["stream"].map(names))
        frame.insert(3, "title", frame["measure"].map(titles))
        return frame

    def measures_frame(self) -> pd.DataFrame:
        """Per measure: title, status, cost and funded cents in the horizon, share, value."""
        funded = self.agenda.funded()
        rows = []
        for m in self.agenda.measures:
            cost = sum(c for y, c in m.costs.items()
                       if self.agenda.horizon_start <= y <= self.agenda.horizon_end)
            rows.append({"measure": m.code, "title": m.title, "status": m.status,
                         "type": m.type, "areas": ", ".join(m.areas), "cost": cost,
                         "funded": funded.get(m.code, 0),
                         "share": self.funded.get(m.code, 0.0),
                         "value": self.value.get(m.code, 0.0)})
        return pd.DataFrame(rows).set_index("measure")

    def summary(self) -> str:
        """A few Dutch lines for the CLI and the council memo."""
        if not self.feasible:
            text = f"Status: {self.status}."
            if self.infeasibility is not None:
                text += "\n" + self.infeasibility.text()
            return text
        frame = self.measures_frame()
        chosen = frame[frame["share"] > 1e-6]
        lines = [f"Status: {self.status} (waarde {number(self.objective, 2)}, gap "
                 f"{percent(self.gap, 2, fraction=True)}); {len(chosen)} van {len(frame)} maatregelen "
                 f"gefinancierd, samen {format_euros(int(chosen['funded'].sum()), whole=True)}."]
        if self.binding:
            lines.append("Knellend: " + "; ".join(b.text for b in self.binding[:8])
                         + (f" (en {len(self.binding) - 8} meer)" if len(self.binding) > 8 else ""))
        if self.unused is not None and len(self.unused):
            per = self.unused.groupby("stream_name")["unused"].sum()
            lines.append("Niet besteed: " + "; ".join(
                f"{k} {format_euros(int(v), whole=True)}" for k, v in per.items() if v > 0))
        if self.shadow_prices is not None and len(self.shadow_prices):
            for _, row in self.shadow_prices.iterrows():
                if row.get("text"):
                    lines.append(row["text"])
        from wijkkompas.agenda.unfunded import unfunded_reasons

        titles = {m.code: m.title for m in self.agenda.measures}
        lines += [f"geen geld voor {titles[c]} ({c}): {why}"
                  for c, why in unfunded_reasons(self).items()]
        lines += [f"{titles[c]} ({c}): {why}" for c, why in self.start_reasons.items()]
        lines += [a.text() for a in self.alternatives]
        lines += [f"let op: {w}" for w in self.warnings]
        lines += [f"regel geschonden: {v}" for v in self.violations]
        return "\n".join(lines)
