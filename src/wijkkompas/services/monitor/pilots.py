"""Pilot use cases: store a pilot (versioned, audited) and compare it with similar areas chosen at
baseline (difference in differences), with :mod:`wijkkompas.monitor.pilots` doing the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select

from wijkkompas.audit import conflict as audit_conflict
from wijkkompas.audit import record
from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.limits import NAME, TEXT, check_length
from wijkkompas.monitor.pilots import DidResult, Pilot, choose_comparisons, diff_in_diff
from wijkkompas.monitor.store import MonitorPilot
from wijkkompas.services.monitor.usecases import (
    check_area_codes,
    direction_of,
)


def save_pilot(ws, pilot: Pilot, *, expected_version: int | None = None) -> int:  # noqa: ANN001
    """Store (or replace) a pilot; returns its new lock version.

    The acting account must be allowed to edit every pilot area (and, on replace, every area
    of the stored pilot). ``expected_version`` guards against lost updates (409 with what
    changed). The subjects are checked against the catalogue."""
    ws.require("edit", {"areas": [*pilot.areas]})
    check_length(pilot.name, "naam", NAME)
    check_length(pilot.note, "toelichting", TEXT)
    for subject in pilot.subjects:
        direction_of(subject)
    values = dict(name=pilot.name, areas=list(pilot.areas), start_year=pilot.start_year,
                  measure_ids=list(pilot.measure_ids), note=pilot.note,
                  subjects=list(pilot.subjects))
    with ws.engine.begin() as conn:
        check_area_codes(conn, list(pilot.areas))
        table = MonitorPilot.__table__
        found = conn.execute(select(table).where(table.c.code == pilot.code)).first()
        if found:
            ws.require("edit", {"areas": list(found.areas or [])})
            current = int(found.lock_version or 1)
            if expected_version is not None and expected_version != current:
                raise audit_conflict(conn, ("pilot", pilot.code), current, expected_version,
                                     f"pilot {pilot.code!r} is intussen gewijzigd (versie "
                                     f"{current}, u had versie {expected_version}); laad "
                                     "haar opnieuw")
            before = {k: (list(found._mapping[k] or []) if k in ("areas", "measure_ids",
                                                               "subjects")
                          else found._mapping[k]) for k in values}
            conn.execute(table.update().where(table.c.id == found.id).values(
                lock_version=current + 1, **values))
            record(conn, ws.settings.user, "pilot.edit", ("pilot", pilot.code),
                   {"lock_version": current, **before}, {"lock_version": current + 1, **values})
            return current + 1
        conn.execute(table.insert().values(code=pilot.code, created_at=datetime.now(UTC),
                                           created_by=ws.settings.user, lock_version=1,
                                           **values))
        record(conn, ws.settings.user, "pilot.add", ("pilot", pilot.code), None,
               {"lock_version": 1, **values})
    return 1


def _pilot_from_row(r) -> Pilot:  # noqa: ANN001
    return Pilot(code=r.code, name=r.name, areas=tuple(r.areas), start_year=r.start_year,
                 measure_ids=tuple(r.measure_ids or ()), note=r.note,
                 subjects=tuple(r.subjects or ()), version=int(r.lock_version or 1))


def list_pilots(ws) -> list[Pilot]:  # noqa: ANN001
    with ws.engine.connect() as conn:
        rows = conn.execute(select(MonitorPilot.__table__).order_by(MonitorPilot.code)).all()
    return [_pilot_from_row(r) for r in rows]


def get_pilot(ws, code: str) -> Pilot:  # noqa: ANN001
    for p in list_pilots(ws):
        if p.code == code:
            return p
    raise NotFound(f"geen pilot met code {code!r}")


@dataclass
class PilotReport:
    """Comparison areas, group means per year and the difference-in-differences."""

    pilot: Pilot
    subject: str
    direction: str
    matches: pd.DataFrame
    means: pd.DataFrame
    did: DidResult
    warnings: list[str] = field(default_factory=list)

    @property
    def comparison_areas(self) -> list[str]:
        return sorted(set(self.matches["comparison_area"]))


def pilot_comparison(ws, pilot: Pilot | str, subject: str | None = None, *,  # noqa: ANN001
                     baseline_indicators: list[str] | None = None,
                     baseline_year: int | None = None, k: int = 2,
                     method: str = "mahalanobis", pool_municipalities: list[str] | None = None,
                     interval: str = "welch", level: float = 0.90) -> PilotReport:
    """Pick comparison areas for a pilot and estimate its effect on ``subject``.

    The pool is every area at the level of the pilot areas (in ``pool_municipalities`` when
    given) except the pilot's and other stored pilots' areas. ``baseline_indicators``
    default to ``[subject]``; ``baseline_year`` to the last year before the start with data.
    ``subject`` defaults to the first indicator stored with the pilot.
    """
    p = get_pilot(ws, pilot) if isinstance(pilot, str) else pilot
    subject = subject or (p.subjects[0] if p.subjects else None)
    if not subject:
        raise ConfigError(f"pilot {p.code!r}: geef de indicator waarop de pilot beoordeeld "
                          "wordt (bij de pilot vastgelegd of als argument)")
    areas = ws.areas()
    missing = [a for a in p.areas if a not in areas.index]
    if missing:
        raise NotFound("onbekende gebieden: " + ", ".join(missing))
    levels = set(areas.loc[list(p.areas), "level"])
    pool = areas[areas["level"].isin(levels)]
    if pool_municipalities:
        pool = pool[pool["municipality_code"].isin(pool_municipalities)]
    others = [a for q in list_pilots(ws) if q.code != p.code for a in q.areas]
    indicators = baseline_indicators or [subject]
    obs = ws.observations(indicators=sorted({*indicators, subject}),
                          areas=list(pool.index)).reset_index()
    base_obs = obs[obs["indicator"].isin(indicators) & (obs["year"] < p.start_year)]
    if baseline_year is None:
        years = base_obs.dropna(subset=["value"])["year"]
        if years.empty:
            raise ConfigError(f"geen basiswaarden vóór {p.start_year} voor "
                              + ", ".join(indicators))
        baseline_year = int(years.max())
    wide = base_obs[base_obs["year"] == baseline_year].pivot_table(
        index="area_code", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=indicators)
    matches, warnings = choose_comparisons(wide, p.areas, exclude=others, k=k, method=method)
    matches.insert(1, "pilot_name", matches["pilot_area"].map(areas["name"]))
    matches["comparison_name"] = matches["comparison_area"].map(areas["name"])
    comp = sorted(set(matches["comparison_area"]))
    series = obs[obs["indicator"] == subject][["area_code", "year", "value"]]
    did = diff_in_diff(series, p.areas, comp, p.start_year, interval=interval, level=level)
    groups = series[series["area_code"].isin([*p.areas, *comp])].copy()
    groups["group"] = groups["area_code"].isin(p.areas).map({True: "pilot",
                                                             False: "vergelijking"})
    means = groups.pivot_table(index="year", columns="group", values="value", aggfunc="mean")
    direction = direction_of(subject)
    warnings.insert(0, f"basisjaar voor de selectie: {baseline_year}; indicatoren: "
                    + ", ".join(indicators) + f"; methode: {method}, k={k}")
    return PilotReport(pilot=p, subject=subject, direction=direction, matches=matches,
                       means=means, did=did, warnings=warnings + did.warnings)


