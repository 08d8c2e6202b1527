"""Write parsed data to the store: one transaction per import, with a report.

Everything is checked before the first write; the write itself runs inside
``engine.begin()``, so a failure anywhere leaves the database exactly as it was.
Re-importing the same file changes nothing; a newer release of the same year replaces the
values that differ and records each change in ``observation_changes``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    any_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from wijkkompas.data.catalogue import Catalogue, load_catalogue
from wijkkompas.data.codes import LEVEL_ORDER, municipality_of, parent_of
from wijkkompas.data.parsed import ParsedData
from wijkkompas.data.validate import check_against_stored, check_parsed
from wijkkompas.formatting import count
from wijkkompas.store.models import (
    Area,
    AreaYear,
    ImportRun,
    Indicator,
    Observation,
    ObservationChange,
)

Progress = Callable[[str], None]


@dataclass
class ImportReport:
    """What an import did. ``skipped`` means the very same file was imported before."""

    file: str
    kind: str
    form: str
    checksum: str
    run_id: int | None = None
    regions: int = 0
    indicators: int = 0
    years: list[int] = field(default_factory=list)
    values: int = 0
    suppressed: int = 0
    missing: int = 0
    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    new_areas: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False
    boundaries: int = 0
    flagged: int = 0  # values outside their plausible range, stored as ``estimated``

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def summary(self) -> str:
        if self.skipped:
            return f"{self.file}: al eerder geïmporteerd (zelfde inhoud), niets veranderd"
        years = ", ".join(map(str, self.years)) or "-"
        if self.kind == "boundaries":
            return (
                f"{self.file}: {self.boundaries} grenzen van {self.regions} gebieden, jaren "
                f"{years}; {self.inserted} nieuw, {self.changed} gewijzigd, "
                f"{self.unchanged} ongewijzigd"
            )
        flagged = f", {self.flagged} als geschat gemarkeerd" if self.flagged else ""
        return (
            f"{self.file}: {self.regions} gebieden, {self.indicators} indicatoren, jaren {years}, "
            f"{self.values} waarden ({self.suppressed} geheim, {self.missing} ontbrekend"
            f"{flagged}); "
            f"{self.inserted} nieuw, {self.changed} gewijzigd, {self.unchanged} ongewijzigd"
        )


def _now() -> datetime:
    return datetime.now(UTC)


def previous_run(conn: Connection, checksum: str, kind: str,
                 years: list[int] | None = None) -> ImportRun | None:
    """The first finished run of the same file (and kind). With ``years``, only a run that
    imported the file for the same years counts: the same file imported with another
    ``--year`` is a different import, not a repeat."""
    rows = conn.execute(
        select(ImportRun.id, ImportRun.started_at, ImportRun.years)
        .where(ImportRun.checksum == checksum, ImportRun.kind == kind)
        .order_by(ImportRun.id)
    ).all()
    for row in rows:
        if years is None or sorted(int(y) for y in (row.years or [])) == sorted(years):
            return row
    return None


def start_run(conn: Connection, *, kind: str, file_name: str, checksum: str, user: str,
              source: str | None) -> int:
    result = conn.execute(
        insert(ImportRun).values(
            kind=kind, file_name=file_name, checksum=checksum, started_at=_now(), user=user,
            source=source, years=[], warnings=[], regions=0, indicators=0, values=0,
            suppressed=0, missing=0, inserted=0, changed=0,
        )
    )
    return int(result.inserted_primary_key[0])


def finish_run(conn: Connection, run_id: int, report: ImportReport) -> None:
    conn.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id)
        .values(
            finished_at=_now(), years=report.years, regions=report.regions,
            indicators=report.indicators, values=report.values, suppressed=report.suppressed,
            missing=report.missing, inserted=report.inserted, changed=report.changed,
            warnings=report.warnings,
        )
    )
    from wijkkompas.audit import record

    run = conn.execute(select(ImportRun.kind, ImportRun.file_name, ImportRun.checksum,
                              ImportRun.user).where(ImportRun.id == run_id)).one()
    record(conn, run.user, "import", ("import_run", run_id), None,
           {"kind": run.kind, "file": run.file_name, "checksum": run.checksum,
            "years": report.years, "regions": report.regions, "values": report.values,
            "inserted": report.inserted, "changed": report.changed})


# --- large code sets -------------------------------------------------------------------------

#: Values per IN-list on SQLite, which allows at most 32,766 bound variables per statement
#: (999 before 3.32); a national buurt table names far more areas than that.
IN_CHUNK = 10_000 if sqlite3.sqlite_version_info >= (3, 32) else 900


def select_in(conn: Connection, stmt: Select, column: Any, values: Iterable[Any]) -> list[Row]:
    """The rows of ``stmt`` where ``column`` is one of ``values``, for any number of values.

    SQLite gets one ``IN`` list per :data:`IN_CHUNK` values. PostgreSQL gets all values as
    one array parameter (``column = ANY(:values)``): an ``IN`` list of thousands of bound
    parameters is planned very slowly there (minutes for 10,000) and psycopg allows at most
    65,535 parameters per statement.
    """
    ordered = sorted(set(values))
    if not ordered:
        return []
    if conn.dialect.name == "postgresql":
        param = bindparam("in_values", value=ordered, type_=ARRAY(column.type))
        return list(conn.execute(stmt.where(column == any_(param))).all())
    rows: list[Row] = []
    for start in range(0, len(ordered), IN_CHUNK):
        rows.extend(conn.execute(stmt.where(column.in_(ordered[start:start + IN_CHUNK]))).all())
    return rows


# --- areas ---------------------------------------------------------------------------------


def ensure_areas(conn: Connection, areas: pd.DataFrame,
                 parent_names: dict[str, str] | None = None
                 ) -> tuple[dict[str, int], int, list[str]]:
    """Create missing areas (and their CBS parents), record the years they exist in, and
    update names from the newest year. ``areas`` has ``area_code``, ``name``, ``level``,
    ``year``. ``parent_names`` (code -> name, e.g. from a ``gm_naam`` column) names parents
    that are only implied by codes, and parents stored earlier with their code as name; it
    never replaces a real name. Returns ``(code -> id, number created, warnings)``."""
    parent_names = parent_names or {}
    warnings: list[str] = []
    areas = areas.copy()
    wanted = set(areas["area_code"])
    # Parents implied by codes (buurt -> wijk -> gemeente) must exist for the hierarchy.
    frontier = set(wanted)
    while frontier:
        parents = {p for p in (parent_of(c) for c in frontier) if p} - wanted
        wanted |= parents
        frontier = parents
    existing = dict(select_in(conn, select(Area.code, Area.id), Area.code, wanted))
    latest = (
        areas.dropna(subset=["name"]).sort_values("year").drop_duplicates("area_code", keep="last")
        .set_index("area_code")["name"]
    )
    missing_codes = sorted(wanted - set(existing), key=lambda c: (LEVEL_ORDER.get(
        _level(c), 9), c))
    named = set(areas["area_code"])
    implied = [c for c in missing_codes if c not in named and c not in parent_names]
    if implied:
        warnings.append(
            f"{len(implied)} bovenliggende gebieden alleen uit de code afgeleid (naam volgt bij "
            f"een latere import): {', '.join(implied[:6])}{' ...' if len(implied) > 6 else ''}"
        )
    latest_names = latest.to_dict()  # a dict: Series.get per code is slow
    for level in sorted({_level(c) for c in missing_codes}, key=lambda lv: LEVEL_ORDER[lv]):
        rows = [
            {
                "code": c,
                "name": latest_names.get(c) or parent_names.get(c) or c,
                "level": level,
                "parent_id": existing.get(parent_of(c)) if parent_of(c) else None,
                "municipality_code": municipality_of(c),
            }
            for c in missing_codes
            if _level(c) == level
        ]
        if rows:
            conn.execute(insert(Area), rows)
            existing.update(dict(select_in(conn, select(Area.code, Area.id), Area.code,
                                           (r["code"] for r in rows))))
    # Names: the newest year's name wins, unless an area already has a name from a newer
    # year. Years imported without names (OData, some geodata) do not count.
    if len(latest):
        latest_ids = [existing[c] for c in latest.index]
        known_years = pd.DataFrame(
            select_in(conn, select(AreaYear.area_id, AreaYear.year).where(
                AreaYear.name.is_not(None)), AreaYear.area_id, latest_ids),
            columns=["area_id", "year"],
        )
        newest = known_years.groupby("area_id")["year"].max().to_dict() if len(known_years) else {}
        file_year = areas.groupby("area_code")["year"].max()
        current = dict(select_in(conn, select(Area.id, Area.name), Area.id, latest_ids))
        renames = [
            {"b_id": existing[c], "b_name": name}
            for c, name in latest.items()
            if file_year[c] >= newest.get(existing[c], -1) and current.get(existing[c]) != name
        ]
        if renames:
            conn.execute(
                update(Area).where(Area.id == bindparam("b_id")).values(name=bindparam("b_name")),
                renames,
            )
    # Parents stored earlier with only their code as name get the name now.
    placeholders = [
        {"b_id": existing[c], "b_name": parent_names[c]}
        for c, n in conn.execute(
            select(Area.code, Area.name).where(
                Area.code.in_(sorted(set(parent_names) & set(existing) - named)))
        ).all()
        if n == c
    ] if parent_names else []
    if placeholders:
        conn.execute(
            update(Area).where(Area.id == bindparam("b_id")).values(name=bindparam("b_name")),
            placeholders,
        )
    # Years in which the areas exist.
    ay = areas.assign(area_id=areas["area_code"].map(existing))[["area_id", "year", "name"]]
    ay_years = [int(y) for y in ay["year"].unique()]
    have = {
        (int(a), int(y)) for a, y in select_in(
            conn, select(AreaYear.area_id, AreaYear.year).where(AreaYear.year.in_(ay_years)),
            AreaYear.area_id, (int(i) for i in ay["area_id"].unique()))
    }
    new_rows = [
        {"area_id": int(a), "year": int(y), "name": n}
        for a, y, n in ay.itertuples(index=False)
        if (int(a), int(y)) not in have
    ]
    if new_rows:
        conn.execute(insert(AreaYear), new_rows)
    return existing, len(missing_codes), warnings


def _level(code: str) -> str:
    return {"NL": "country", "GM": "municipality", "WK": "district", "BU": "neighbourhood"}.get(
        code[:2], "custom"
    )


# --- indicators ----------------------------------------------------------------------------


def ensure_indicators(conn: Connection, codes: list[str], catalogue: Catalogue | None = None,
                      extra: list[dict] | None = None) -> dict[str, int]:
    """Make sure the indicators exist; catalogue entries are copied in on first use.
    ``extra`` holds definitions of user indicators (generic tables)."""
    cat = catalogue or load_catalogue()
    existing = dict(conn.execute(select(Indicator.code, Indicator.id)).all())
    extra_by_code = {e["code"]: e for e in (extra or [])}
    rows = []
    for code in codes:
        if code in existing:
            continue
        if code in cat:
            rows.append(cat[code].as_record() | {"custom": False})
        elif code in extra_by_code:
            rows.append(extra_by_code[code] | {"custom": True})
        else:  # pragma: no cover - readers only emit known or declared indicators
            raise KeyError(code)
    if rows:
        conn.execute(insert(Indicator), rows)
        existing = dict(conn.execute(select(Indicator.code, Indicator.id)).all())
    return existing


def sync_catalogue(conn: Connection, catalogue: Catalogue | None = None) -> int:
    """Copy every catalogue indicator into the store (new ones inserted, labels refreshed)."""
    cat = catalogue or load_catalogue()
    existing = dict(conn.execute(select(Indicator.code, Indicator.id)).all())
    new = [c for c in cat.indicators if c not in existing]
    ensure_indicators(conn, new, cat)
    updates = [
        {"b_id": existing[c]} | {f"b_{k}": v for k, v in cat[c].as_record().items() if k != "code"}
        for c in cat.indicators if c in existing
    ]
    if updates:
        fields = [k for k in cat[next(iter(cat.indicators))].as_record() if k != "code"]
        conn.execute(
            update(Indicator).where(Indicator.id == bindparam("b_id")).values(
                **{k: bindparam(f"b_{k}") for k in fields}
            ),
            updates,
        )
    return len(new)


# --- observations --------------------------------------------------------------------------

_CHUNK = 50_000


def write_observations(conn: Connection, obs: pd.DataFrame, run_id: int,
                       progress: Progress | None = None) -> tuple[int, int, int]:
    """Insert new values, replace differing ones (recording each change), leave equal ones.

    ``obs`` has ``area_id``, ``indicator_id``, ``year``, ``value``, ``status``.
    Returns ``(inserted, changed, unchanged)``.
    """
    if obs.empty:
        return 0, 0, 0
    years = sorted(int(y) for y in obs["year"].unique())
    ind_ids = sorted(int(i) for i in obs["indicator_id"].unique())
    current = pd.read_sql(
        select(
            Observation.area_id, Observation.indicator_id, Observation.year,
            Observation.value.label("old_value"), Observation.status.label("old_status"),
        ).where(Observation.year.in_(years), Observation.indicator_id.in_(ind_ids)),
        conn,
    )
    if current.empty:
        fresh = obs
        changed = pd.DataFrame()
        unchanged = 0
    else:
        merged = obs.merge(current, on=["area_id", "indicator_id", "year"], how="left",
                           indicator=True)
        is_new = (merged["_merge"] == "left_only").to_numpy()
        fresh = merged.loc[is_new, obs.columns]
        old = merged.loc[~is_new]
        same_status = old["status"].to_numpy() == old["old_status"].to_numpy()
        a = old["value"].to_numpy(dtype=float)
        b = old["old_value"].to_numpy(dtype=float)
        same_value = np.isclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True)
        differs = ~(same_status & same_value)
        changed = old.loc[differs]
        unchanged = int((~differs).sum())
    _bulk_insert(conn, fresh, run_id, progress)
    if len(changed):
        conn.execute(
            update(Observation)
            .where(
                Observation.area_id == bindparam("b_area"),
                Observation.indicator_id == bindparam("b_ind"),
                Observation.year == bindparam("b_year"),
            )
            .values(value=bindparam("b_value"), status=bindparam("b_status"),
                    import_run_id=run_id),
            [
                {"b_area": int(r.area_id), "b_ind": int(r.indicator_id), "b_year": int(r.year),
                 "b_value": _num(r.value), "b_status": r.status}
                for r in changed.itertuples(index=False)
            ],
        )
        conn.execute(
            insert(ObservationChange),
            [
                {"import_run_id": run_id, "area_id": int(r.area_id),
                 "indicator_id": int(r.indicator_id), "year": int(r.year),
                 "old_value": _num(r.old_value), "old_status": r.old_status,
                 "new_value": _num(r.value), "new_status": r.status}
                for r in changed.itertuples(index=False)
            ],
        )
    return len(fresh), len(changed), unchanged


def _num(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


def _map_ids(keys: pd.Series, ids: dict[str, int]) -> np.ndarray:
    """``keys.map(ids)`` as int64, via the distinct keys (a per-value dict lookup over a
    million string values is slow)."""
    codes, uniques = pd.factorize(keys)
    return np.array([ids[k] for k in uniques], dtype=np.int64)[codes]


def _bulk_insert(conn: Connection, frame: pd.DataFrame, run_id: int,
                 progress: Progress | None) -> None:
    if frame.empty:
        return
    n = len(frame)
    # Write in primary-key order: appending to the key's B-tree is much cheaper than
    # inserting all over it (readers emit one indicator column after another).
    order = np.lexsort((frame["year"].to_numpy(), frame["indicator_id"].to_numpy(),
                        frame["area_id"].to_numpy()))
    frame = frame.iloc[order]
    area = frame["area_id"].to_numpy(dtype=np.int64).tolist()
    ind = frame["indicator_id"].to_numpy(dtype=np.int64).tolist()
    year = frame["year"].to_numpy(dtype=np.int64).tolist()
    vals = frame["value"].to_numpy(dtype=float)
    value = np.where(np.isnan(vals), None, vals).tolist()
    status = frame["status"].tolist()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(
            "COPY observations (area_id, indicator_id, year, value, status, import_run_id) "
            "FROM STDIN"
        ) as copy:
            for i in range(n):
                copy.write_row((area[i], ind[i], year[i], value[i], status[i], run_id))
                if progress and i and i % 200_000 == 0:
                    progress(f"{count(i)} van {count(n)} waarden geschreven")
        return
    sql = ("INSERT INTO observations (area_id, indicator_id, year, value, status, import_run_id) "
           "VALUES (?, ?, ?, ?, ?, ?)")
    rows = list(zip(area, ind, year, value, status, [run_id] * n, strict=True))
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, n, _CHUNK * 4):
            cursor.executemany(sql, rows[start : start + _CHUNK * 4])
            if progress:
                progress(f"{count(min(start + _CHUNK * 4, n))} van {count(n)} waarden geschreven")
    finally:
        cursor.close()


def load_parsed(engine: Engine, parsed: ParsedData, *, checksum: str, user: str,
                progress: Progress | None = None, catalogue: Catalogue | None = None
                ) -> ImportReport:
    """Write ``parsed`` in one transaction and return the report.

    Every importer comes through here, so the data checks of :mod:`wijkkompas.data.validate`
    run here: those that need no database before the transaction, the comparison with
    stored values inside it (a refusal anywhere rolls everything back).
    """
    cat = catalogue or load_catalogue()
    checked = check_parsed(parsed, cat)
    obs = parsed.observations
    report = ImportReport(
        file=parsed.file.name, kind=parsed.kind, form=parsed.form, checksum=checksum,
        regions=int(obs["area_code"].nunique()), indicators=int(obs["indicator"].nunique()),
        years=parsed.years, warnings=list(parsed.warnings) + checked,
    )
    _count_statuses(report, obs["status"])
    with engine.begin() as conn:
        prev = previous_run(conn, checksum, parsed.kind, parsed.years)
        if prev is not None:
            report.skipped = True
            report.run_id = prev.id
            return report
        run_id = start_run(conn, kind=parsed.kind, file_name=parsed.file.name,
                           checksum=checksum, user=user, source=parsed.source)
        report.run_id = run_id
        if progress:
            progress("gebieden bijwerken")
        area_ids, created, warns = ensure_areas(conn, parsed.areas, parsed.municipality_names)
        report.new_areas = created
        report.warnings.extend(warns)
        ind_ids = ensure_indicators(conn, sorted(obs["indicator"].unique()), cat,
                                    parsed.new_indicators)
        frame = pd.DataFrame(
            {
                "area_id": _map_ids(obs["area_code"], area_ids),
                "indicator_id": _map_ids(obs["indicator"], ind_ids),
                "year": obs["year"].to_numpy(dtype=np.int64),
                "value": obs["value"].to_numpy(dtype=float),
                "status": obs["status"].to_numpy(dtype=object),
            }
        )
        keep, shifts = check_against_stored(
            conn, frame, area_codes=obs["area_code"].to_numpy(dtype=object),
            indicators=obs["indicator"].to_numpy(dtype=object),
            columns=obs["column"].to_numpy(dtype=object) if "column" in obs else None,
        )
        report.warnings.extend(shifts)
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
            _count_statuses(report, frame["status"])
        if progress:
            progress(f"{count(len(frame))} waarden vergelijken en schrijven")
        report.inserted, report.changed, report.unchanged = write_observations(
            conn, frame, run_id, progress
        )
        finish_run(conn, run_id, report)
    return report


def _count_statuses(report: ImportReport, status: pd.Series) -> None:
    """Values (published and flagged), suppressed and missing, in one pass."""
    counts = status.value_counts()
    report.flagged = int(counts.get("estimated", 0))
    report.values = int(counts.get("ok", 0)) + report.flagged
    report.suppressed = int(counts.get("suppressed", 0))
    report.missing = int(counts.get("missing", 0))
