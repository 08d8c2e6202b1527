"""Monitor use cases: targets (stored, versioned), progress per area and programme, the gap
between areas, register vs survey, pilots with comparison areas, boundary harmonisation.

Each function loads what it needs from the workspace, calls the pure functions of
:mod:`wijkkompas.monitor` and returns their typed result; the CLI (and later the web pages)
only present it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from wijkkompas import __version__
from wijkkompas.audit import conflict as audit_conflict
from wijkkompas.audit import record
from wijkkompas.errors import ConfigError, Conflict, NotFound
from wijkkompas.exportsafe import excel_writer, write_csv
from wijkkompas.framework.schema import Framework
from wijkkompas.limits import REASON, check_length
from wijkkompas.monitor.boundaries import HarmonisedSeries, harmonise_series
from wijkkompas.monitor.inequality import GrowthVerdict, dispersion, is_growing
from wijkkompas.monitor.progress import ProgressResult, assess_progress
from wijkkompas.monitor.store import MonitorTarget, MonitorTargetVersion
from wijkkompas.monitor.subjective import register_vs_survey
from wijkkompas.monitor.targets import Target, TargetError
from wijkkompas.services.framework.versions import named_framework

FIRST_TERM = 2018  # municipal elections in March 2018, 2022, 2026, ...
FORMAT_VERSION = 1


# --- council terms -------------------------------------------------------------------------


def council_term(when: datetime | int) -> str:
    """The four-year municipal council term (bestuurstermijn) of a date or year as budget
    years, e.g. ``'2022-2025'`` — the same terms the investment agenda uses
    (:func:`wijkkompas.agenda.terms.term_of`). A date before April belongs to the previous
    term (councils are elected in March)."""
    from wijkkompas.agenda.terms import term_of

    year = when.year - (when.month < 4) if isinstance(when, datetime) else int(when)
    return term_of(year, start=FIRST_TERM).label


def terms_spanned(first: int, last: int) -> list[str]:
    """Council terms from year ``first`` through ``last``."""
    return list(dict.fromkeys(council_term(y) for y in range(first, last + 1)))


# --- targets: storage ----------------------------------------------------------------------


def direction_of(indicator: str) -> str:
    from wijkkompas.data.catalogue import load_catalogue

    cat = load_catalogue()
    if indicator not in cat:
        raise NotFound(f"onbekende indicator {indicator!r}")
    return cat[indicator].direction


# Fields a target cannot do without, with what to say when one is missing.
REQUIRED = {"code": "code: geef het doel een code, bijv. zuid-lbm-2031",
            "areas": "areas: kies minstens één gebied",
            "subject": "subject: geef een indicator- of opgavecode op",
            "kind": "kind: kies de soort doel (absolute, change, reference of tier)",
            "baseline_year": "baseline_year: geef het basisjaar op",
            "target_year": "target_year: geef het doeljaar op"}


def default_target_name(measure: str, subject: str, areas: Any, target_year: Any) -> str:
    """A Dutch name for a target given without one, e.g.
    ``'Doel 2031: Leefbaarometer totaalscore in WK059910 en WK059915'``."""
    from wijkkompas.data.catalogue import load_catalogue

    if measure == "score":
        what = f"opgave {subject}"
    else:
        cat = load_catalogue()
        what = cat[subject].label_nl if subject in cat else subject
    codes = [str(a).upper() for a in areas]
    if len(codes) > 3:
        where = f"{codes[0]}, {codes[1]} en {len(codes) - 2} andere gebieden"
    elif len(codes) > 1:
        where = ", ".join(codes[:-1]) + " en " + codes[-1]
    else:
        where = "".join(codes)
    return f"Doel {target_year}: {what} in {where}"


def make_target(**fields: Any) -> Target:
    """Build a :class:`Target`, taking an indicator's direction from the catalogue when not
    given (a neutral indicator cannot have a target) and deriving a name when none is given
    (:func:`default_target_name`). A missing required field raises :class:`TargetError`
    naming it."""
    fields = {k: v for k, v in fields.items() if v is not None}
    fields.setdefault("measure", "indicator")
    for key, message in REQUIRED.items():
        value = fields.get(key)
        if value is None or (isinstance(value, str | list | tuple) and not value):
            raise TargetError(message)
    if fields["measure"] == "indicator" and "direction" not in fields:
        fields["direction"] = direction_of(fields["subject"])
    for key in ("areas", "reference_areas"):
        if key in fields:
            fields[key] = tuple(fields[key])
    if not str(fields.get("name") or "").strip():
        fields["name"] = default_target_name(fields["measure"],
                                             str(fields["subject"]), fields["areas"],
                                             fields["target_year"])
    return Target(**fields)


def _check_areas(ws, target: Target) -> None:  # noqa: ANN001
    known = set(ws.areas().index)
    unknown = [a for a in (*target.areas, *target.reference_areas) if a not in known]
    if unknown:
        raise NotFound("onbekende gebieden: " + ", ".join(unknown))


def add_target(ws, target: Target, *, reason: str = "") -> int:  # noqa: ANN001
    """Store a new target (version 1). Returns the version number.

    The acting account must be allowed to edit every area of the target."""
    ws.require("edit", {"areas": [*target.areas]})
    check_length(reason, "reden", REASON)
    _check_areas(ws, target)
    if target.measure == "score":  # a framework is named (preset or preset@n), never a path
        named_framework(ws, str(target.framework))
    now = datetime.now(UTC)
    with ws.engine.begin() as conn:
        exists = conn.execute(select(MonitorTarget.id).where(
            MonitorTarget.code == target.code)).first()
        if exists:
            raise ConfigError(f"doel {target.code!r} bestaat al; wijzig het met --edit "
                              "(dat maakt een nieuwe versie)")
        tid = conn.execute(MonitorTarget.__table__.insert().values(
            code=target.code, current_version=1, retired=False, created_at=now,
            created_by=ws.settings.user)).inserted_primary_key[0]
        conn.execute(MonitorTargetVersion.__table__.insert().values(
            target_id=tid, version=1, definition=target.to_dict(), created_at=now,
            created_by=ws.settings.user, reason=reason or "nieuw doel"))
        record(conn, ws.settings.user, "target.add", ("target", target.code), None,
               {"version": 1, "reason": reason, **target.to_dict()})
    return 1


def edit_target(ws, code: str, changes: dict[str, Any], *, reason: str = "",  # noqa: ANN001
                expected_version: int | None = None, replace: bool = False) -> int:
    """Store a new version of target ``code`` with ``changes`` applied; the old versions stay.

    ``replace=True``: ``changes`` is the full new definition (None clears a field; a missing
    direction is taken from the catalogue), else only its non-None values change.

    ``expected_version`` (the version the editor saw) guards against lost updates: if the
    target moved on meanwhile, :class:`Conflict` is raised and nothing changes.
    """
    if "code" in changes and changes["code"] != code:
        raise TargetError("code: de code van een doel verandert niet; maak een nieuw doel")
    check_length(reason, "reden", REASON)
    if changes.get("framework") and changes.get("measure", "score") == "score":
        named_framework(ws, str(changes["framework"]))  # a name, never a path
    with ws.engine.begin() as conn:
        row = conn.execute(select(MonitorTarget.id, MonitorTarget.current_version)
                           .where(MonitorTarget.code == code).with_for_update()).first()
        if row is None:
            raise NotFound(f"geen doel met code {code!r}")
        tid, current = row.id, row.current_version
        old = conn.execute(select(MonitorTargetVersion.definition).where(
            MonitorTargetVersion.target_id == tid,
            MonitorTargetVersion.version == current)).scalar_one()
        ws.require("edit", {"areas": list(old.get("areas") or [])})
        if expected_version is not None and expected_version != current:
            raise audit_conflict(conn, ("target", code), current, expected_version,
                                 f"doel {code!r} is intussen gewijzigd (versie {current}, u "
                                 f"had versie {expected_version}); laad het opnieuw")
        if replace:
            new = make_target(**{k: v for k, v in changes.items()
                                 if k != "code" and v is not None}, code=code)
        else:
            new = Target.from_dict({**old, **{k: v for k, v in changes.items()
                                              if v is not None}})
        ws.require("edit", {"areas": [*new.areas]})
        if new.to_dict() == Target.from_dict(old).to_dict():
            return current
        # on the same connection: a second one would wait for this transaction's lock
        # (SQLite) or not see its writes (PostgreSQL)
        check_area_codes(conn, [*new.areas, *new.reference_areas])
        updated = conn.execute(MonitorTarget.__table__.update().where(
            MonitorTarget.id == tid, MonitorTarget.current_version == current).values(
            current_version=current + 1))
        if updated.rowcount != 1:  # pragma: no cover - concurrent edit between read and write
            raise Conflict(f"doel {code!r} is intussen gewijzigd; probeer opnieuw")
        conn.execute(MonitorTargetVersion.__table__.insert().values(
            target_id=tid, version=current + 1, definition=new.to_dict(),
            created_at=datetime.now(UTC), created_by=ws.settings.user, reason=reason))
        record(conn, ws.settings.user, "target.edit", ("target", code),
               {"version": current, **old}, {"version": current + 1, "reason": reason,
                                             **new.to_dict()})
    return current + 1


def check_area_codes(conn, codes: list[str]) -> None:  # noqa: ANN001
    from wijkkompas.store.models import Area

    found = set(conn.execute(select(Area.code).where(Area.code.in_(set(codes)))).scalars())
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise NotFound("onbekende gebieden: " + ", ".join(unknown))


def get_target(ws, code: str, version: int | None = None) -> Target:  # noqa: ANN001
    """The current (or a given) version of a stored target."""
    stmt = (select(MonitorTargetVersion.definition, MonitorTargetVersion.version,
                   MonitorTarget.current_version)
            .join(MonitorTarget, MonitorTarget.id == MonitorTargetVersion.target_id)
            .where(MonitorTarget.code == code))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        raise NotFound(f"geen doel met code {code!r}")
    want = version or rows[0].current_version
    match = [r for r in rows if r.version == want]
    if not match:
        raise NotFound(f"doel {code!r} heeft geen versie {want}")
    return Target.from_dict(match[0].definition)


def list_targets(ws) -> pd.DataFrame:  # noqa: ANN001
    """Current version of every target, with the council terms it spans."""
    stmt = (select(MonitorTarget.code, MonitorTarget.current_version,
                   MonitorTargetVersion.definition, MonitorTargetVersion.created_at,
                   MonitorTargetVersion.created_by)
            .join(MonitorTargetVersion, (MonitorTargetVersion.target_id == MonitorTarget.id)
                  & (MonitorTargetVersion.version == MonitorTarget.current_version))
            .order_by(MonitorTarget.code))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out = []
    for r in rows:
        t = Target.from_dict(r.definition)
        out.append({"code": t.code, "name": t.name, "version": r.current_version,
                    "description": t.describe(), "areas": len(t.areas),
                    "baseline_year": t.baseline_year, "target_year": t.target_year,
                    "terms": ", ".join(terms_spanned(t.baseline_year, t.target_year)),
                    "changed_at": r.created_at, "changed_by": r.created_by})
    cols = ["code", "name", "version", "description", "areas", "baseline_year", "target_year",
            "terms", "changed_at", "changed_by"]
    return pd.DataFrame(out, columns=cols)


def target_history(ws, code: str) -> pd.DataFrame:  # noqa: ANN001
    """Every version of a target: when, by whom, in which council term, why, what changed."""
    stmt = (select(MonitorTargetVersion.version, MonitorTargetVersion.definition,
                   MonitorTargetVersion.created_at, MonitorTargetVersion.created_by,
                   MonitorTargetVersion.reason)
            .join(MonitorTarget, MonitorTarget.id == MonitorTargetVersion.target_id)
            .where(MonitorTarget.code == code).order_by(MonitorTargetVersion.version))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        raise NotFound(f"geen doel met code {code!r}")
    out, previous = [], None
    for r in rows:
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
        changed = "" if previous is None else ", ".join(
            f"{k}: {previous.get(k)!r} → {v!r}" for k, v in r.definition.items()
            if previous.get(k) != v)
        out.append({"version": r.version, "created_at": created, "created_by": r.created_by,
                    "term": council_term(created), "reason": r.reason,
                    "description": Target.from_dict(r.definition).describe(),
                    "changed": changed})
        previous = r.definition
    return pd.DataFrame(out)


# --- series ---------------------------------------------------------------------------------


def _score_series(ws, framework: Framework | str, opgave: str) -> pd.DataFrame:  # noqa: ANN001
    """Long scores of ``opgave``; ``framework`` a Framework, or (the local operator's CLI) a
    preset name or YAML path."""
    from wijkkompas.services.framework.scoring import score_workspace

    years = sorted({int(y) for y in ws.observations().index.get_level_values("year")})
    result = score_workspace(ws, framework, years=years)
    if opgave not in result.scores.columns:
        raise NotFound(f"onbekende opgave {opgave!r}; kies uit {', '.join(result.scores.columns)}")
    long = result.scores[opgave].rename("value").reset_index()
    return long[["area_code", "year", "value"]]


def indicator_series(ws, indicator: str, **filters: Any) -> pd.DataFrame:  # noqa: ANN001
    """Long ``area_code, year, value`` of one indicator (suppressed values are NaN)."""
    obs = ws.observations(indicators=[indicator], **filters).reset_index()
    return obs[["area_code", "year", "value"]]


def harmonisation_method(indicator: str | None) -> tuple[str, str | None]:
    """How a series of ``indicator`` crosses a boundary change: ``("count", None)`` for a
    count, ``("rate", denominator)`` for a rate or share whose denominator count is known,
    else ``("none", None)`` (opgave scores: ``indicator=None``).

    The catalogue names a denominator on counts (``a_65_oo`` → ``a_inw``); a share ``p_x``
    takes the denominator of its count ``a_x`` (``p_65_oo`` → ``a_inw``), or its own
    ``denominator`` when the catalogue gives one."""
    from wijkkompas.data.catalogue import load_catalogue

    if indicator is None:
        return "none", None
    cat = load_catalogue()
    if indicator not in cat:
        return "none", None
    ind = cat[indicator]
    if ind.kind == "count":
        return "count", None
    if ind.kind in ("percentage", "rate"):
        if ind.denominator:
            return "rate", ind.denominator
        sibling = "a_" + indicator[2:] if indicator.startswith("p_") else None
        if sibling in cat and cat[sibling].kind == "count" and cat[sibling].denominator:
            return "rate", cat[sibling].denominator
    return "none", None


_BOUNDARY_CACHE: dict[tuple, tuple[dict, dict]] = {}


def _boundary_sets(ws, level: str, municipality: str) -> tuple[dict, dict]:  # noqa: ANN001
    """``({year: boundaries}, weights cache)`` of one level in one municipality, for the
    years in which that municipality has stored boundaries; cached per data version (the
    boundaries change only with an import)."""
    from wijkkompas.monitor.harmonise import RD_NEW
    from wijkkompas.services.shared.cache import data_version

    key = (ws.engine.url.render_as_string(hide_password=True), data_version(ws.engine), level,
           municipality)
    if key not in _BOUNDARY_CACHE:
        bounds = {}
        for year in ws.boundary_years():
            frame = ws.boundaries(year=year, level=level, municipality=municipality,
                                  simplified=False, crs=RD_NEW)
            if len(frame):
                bounds[year] = frame
        if len(_BOUNDARY_CACHE) >= 32:
            _BOUNDARY_CACHE.pop(next(iter(_BOUNDARY_CACHE)))
        _BOUNDARY_CACHE[key] = (bounds, {})
    return _BOUNDARY_CACHE[key]


def on_newest_boundaries(ws, series: pd.DataFrame, indicator: str | None, *,  # noqa: ANN001
                         levels: list[str] | None = None,
                         municipalities: list[str] | None = None,
                         areas: pd.DataFrame | None = None) -> HarmonisedSeries:
    """``series`` with every year on the newest stored boundaries of its areas' municipality
    and level (:func:`wijkkompas.monitor.boundaries.harmonise_series`), flags per value.
    ``levels``/``municipalities`` limit where is looked (default: those of the series);
    ``areas`` is ``ws.areas()`` when the caller has it."""
    areas = ws.areas() if areas is None else areas
    out = series.copy()
    out["flag"] = ""
    empty = pd.DataFrame(columns=["year", "area_code", "sources", "boundary_year", "action"])
    codes = out["area_code"].astype(str)
    levels = levels or sorted(set(codes.map(areas["level"]).dropna()) - {"municipality",
                                                                          "custom"})
    if len(ws.boundary_years()) < 2 or not levels:
        return HarmonisedSeries(out, empty)
    method, den_code = harmonisation_method(indicator)
    denominator = None
    municipalities = municipalities or sorted(set(codes.map(areas["municipality_code"])
                                                  .dropna()))
    kept, changes, notes = [], [], []
    touched = pd.Series(False, index=out.index)
    for level in levels:
        for muni in municipalities:
            bounds, weights = _boundary_sets(ws, level, muni)
            if len(bounds) < 2:
                continue
            known = set().union(*(set(b.index) for b in bounds.values()))
            part = codes.isin(known) & ~touched
            if not part.any():
                continue
            if den_code and denominator is None:
                denominator = indicator_series(ws, den_code)
            done = harmonise_series(out[part], bounds, method=method, denominator=denominator,
                                    weights=weights)
            kept.append(done.series)
            changes.append(done.changes)
            notes += done.notes
            touched |= part
    if not kept:
        return HarmonisedSeries(out, empty)
    merged = pd.concat([out[~touched], *kept], ignore_index=True)
    merged["flag"] = merged["flag"].fillna("")
    return HarmonisedSeries(merged.sort_values(["area_code", "year"]).reset_index(drop=True),
                            pd.concat(changes, ignore_index=True), notes)


def target_series(ws, target: Target, *, areas: pd.DataFrame | None = None  # noqa: ANN001
                  ) -> pd.DataFrame:
    """The series a target is measured on: the indicator or the opgave score, on the newest
    boundaries (column ``flag`` names every linked or harmonised value and its method)."""
    areas = ws.areas() if areas is None else areas
    mine = [a for a in target.areas if a in areas.index]
    levels = sorted(set(areas.loc[mine, "level"]) - {"municipality", "custom"})
    munis = sorted(set(areas.loc[mine, "municipality_code"].dropna()))
    if target.measure == "score":
        # a stored name, resolved by name only: a target never makes the server open a file
        series = _score_series(ws, named_framework(ws, str(target.framework)), target.subject)
        indicator = None
    else:
        series, indicator = indicator_series(ws, target.subject), target.subject
    if not levels:
        return series.assign(flag="")
    return on_newest_boundaries(ws, series, indicator, levels=levels,
                                municipalities=munis, areas=areas).series


def target_progress(ws, target: Target | str, *, as_of: int | None = None,  # noqa: ANN001
                    trend_start: int | None = None) -> ProgressResult:
    """Progress of every area of a target (stored code or a :class:`Target`)."""
    t = get_target(ws, target) if isinstance(target, str) else target
    areas = ws.areas()
    series = target_series(ws, t, areas=areas)
    comparison = None
    if t.kind == "tier" and t.threshold is None:
        munis = set(areas.loc[list(t.areas), "municipality_code"].dropna())
        levels = set(areas.loc[list(t.areas), "level"])
        comparison = list(areas[areas["municipality_code"].isin(munis)
                                & areas["level"].isin(levels)].index)
    result = assess_progress(t, series, names=areas["name"], as_of=as_of,
                             trend_start=trend_start, comparison=comparison)
    result.warnings.append("bestuurstermijnen: " + ", ".join(
        terms_spanned(t.baseline_year, t.target_year)))
    return result


# --- the gap between areas ------------------------------------------------------------------


@dataclass
class GapReport:
    """Dispersion per municipality and year plus the verdict per municipality."""

    subject: str
    level: str
    table: pd.DataFrame
    verdicts: list[GrowthVerdict]
    warnings: list[str] = field(default_factory=list)

    def verdict_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"municipality": v.group, "measure": v.measure,
                              "years": ", ".join(map(str, v.years)), "first": v.first,
                              "last": v.last, "slope": v.slope, "verdict": v.verdict,
                              "sentence": v.sentence} for v in self.verdicts])


def gap_report(ws, subject: str, *, framework: Framework | str | None = None,  # noqa: ANN001
               level: str = "district", municipalities: list[str] | None = None,
               measure: str = "auto") -> GapReport:
    """Quintile gap, Theil and CV between the areas of each municipality, per year, and
    whether the differences grow — for an indicator, or an opgave score with ``framework``."""
    areas = ws.areas()
    if framework:
        series = _score_series(ws, framework, subject)
        series = series[series["area_code"].map(areas["level"]) == level]
        direction = "higher_better"
        done = on_newest_boundaries(ws, series, None, levels=[level],
                                    municipalities=municipalities, areas=areas)
    else:
        series = indicator_series(ws, subject, level=level)
        direction = direction_of(subject)
        if direction == "neutral":
            direction = "higher_better"
        done = on_newest_boundaries(ws, series, subject, levels=[level],
                                    municipalities=municipalities, areas=areas)
    series = done.series
    series = series[series["area_code"].map(areas["level"]) == level].copy()
    series["municipality"] = series["area_code"].map(areas["municipality_code"])
    if municipalities:
        series = series[series["municipality"].isin(municipalities)]
    if series["value"].notna().sum() == 0:
        raise NotFound(f"geen waarden voor {subject} op niveau {level}")
    table, warnings = dispersion(series, group="municipality", direction=direction)
    flagged = series[series["flag"].astype(bool) & series["value"].notna()]
    counts = flagged.groupby(["municipality", "year"]).size()
    table["harmonised"] = counts.reindex(table.index).fillna(0).astype(int)
    methods = flagged.assign(method=flagged["flag"].str.split(":").str[0]).groupby(
        ["municipality", "year"])["method"].agg(lambda m: ", ".join(sorted(set(m))))
    table["flags"] = methods.reindex(table.index).fillna("")
    if len(flagged):
        warnings.append("grenswijziging: waarden van " + ", ".join(
            f"{g} {y} ({n} gebied(en))" for (g, y), n in counts.items())
            + " zijn gekoppeld of geharmoniseerd naar de nieuwste grenzen; zie de kolom 'flags'")
    warnings += done.notes
    verdicts = [is_growing(table, g, measure=measure, name=str(areas["name"].get(g, g)))
                for g in table.index.get_level_values(0).unique()]
    return GapReport(subject=subject, level=level, table=table, verdicts=verdicts,
                     warnings=warnings)


def subjective_report(ws, *, municipality: str | None = None, threshold: float = 10.0,  # noqa: ANN001
                      drift_threshold: float = 10.0) -> pd.DataFrame:
    """Register vs survey per area (Wijkprofiel *_obj/*_subj pairs), with names."""
    cat = ws.indicators()
    codes = [c for c in cat.index if c.endswith(("_obj", "_subj"))]
    obs = ws.observations(indicators=codes, municipality=municipality).reset_index()
    table = register_vs_survey(obs, threshold=threshold, drift_threshold=drift_threshold)
    table.insert(1, "name", table["area_code"].map(ws.areas()["name"]))
    return table


# --- boundary harmonisation -----------------------------------------------------------------


def harmonised_counts(ws, indicator: str, *, source_year: int, target_year: int,  # noqa: ANN001
                      level: str, target_level: str | None = None,
                      municipality: str | None = None, years: list[int] | None = None
                      ) -> pd.DataFrame:
    """Counts of ``indicator`` on areas of ``level`` as drawn in ``source_year``, re-estimated
    on the areas of ``target_level`` (default the same) as drawn in ``target_year``; see
    :mod:`wijkkompas.monitor.harmonise`. Only counts (catalogue kind ``count``)."""
    from wijkkompas.data.catalogue import load_catalogue
    from wijkkompas.monitor.harmonise import harmonise_counts, overlay_weights

    cat = load_catalogue()
    if indicator not in cat:
        raise NotFound(f"onbekende indicator {indicator!r}")
    if cat[indicator].kind != "count":
        raise ConfigError(f"{indicator} is geen aantal ({cat[indicator].kind}); alleen aantallen "
                          "mogen oppervlaktegewogen worden. Harmoniseer teller en noemer apart.")
    source = ws.boundaries(year=source_year, level=level, municipality=municipality,
                           simplified=False, crs="EPSG:28992")
    target = ws.boundaries(year=target_year, level=target_level or level,
                           municipality=municipality, simplified=False, crs="EPSG:28992")
    if source.empty or target.empty:
        raise NotFound(f"geen opgeslagen grenzen voor {source_year} en/of {target_year}")
    weights = overlay_weights(source, target)
    values = ws.observations(indicators=[indicator], areas=list(source.index),
                             years=years).reset_index()
    out = harmonise_counts(values[["area_code", "indicator", "year", "value"]], weights)
    out.insert(1, "name", out["area_code"].map(ws.areas()["name"]))
    out["source_boundaries"] = source_year
    out["target_boundaries"] = target_year
    return out


# --- export ---------------------------------------------------------------------------------


def provenance(**extra: Any) -> dict[str, str]:
    return {"format_version": str(FORMAT_VERSION), "tool_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **{k: str(v) for k, v in extra.items()}}


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "tabel",
                meta: dict[str, str] | None = None,
                extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """CSV (provenance as ``# key: value`` lines) or Excel (``.xlsx``: the table, extra
    sheets and a 'herkomst' sheet)."""
    path = Path(path)
    meta = meta or provenance()
    if path.suffix.lower() == ".xlsx":
        with excel_writer(path) as xl:
            _excel_safe(frame).to_excel(xl, sheet_name=sheet[:31], index=False)
            for name, table in (extra or {}).items():
                _excel_safe(table).to_excel(xl, sheet_name=name[:31], index=False)
            pd.Series(meta).rename("waarde").to_frame().to_excel(xl, sheet_name="herkomst")
        return path
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(fh, frame, meta)
    return path


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out


def target_from_options(**opts: Any) -> Target:
    """Build a target from CLI-style options (``indicator`` or ``opgave`` + ``framework``)."""
    indicator, opgave = opts.pop("indicator", None), opts.pop("opgave", None)
    if bool(indicator) == bool(opgave):
        raise TargetError("geef precies één van --indicator of --opgave")
    measure = "indicator" if indicator else "score"
    return make_target(measure=measure, subject=indicator or opgave, **opts)
