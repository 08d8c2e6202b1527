"""The table of resident results (migration 0007) and the all-or-nothing import.

Every import is an import run (kind ``bewoners``) with the file's checksum, the user and the
source, recorded in the audit trail like every other import; each stored result points to the
run that wrote it. The same file imported again changes nothing; a corrected file replaces the
results with the same area, theme, label, year and measure.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import (
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.data.load import ImportReport, finish_run, previous_run, select_in, start_run
from wijkkompas.errors import DataError
from wijkkompas.residents.read import ResidentData
from wijkkompas.store.models import Area, Base

KIND = "bewoners"


class ResidentResult(Base):
    """One survey result: area × theme (label as the survey wrote it) × year × measure."""

    __tablename__ = "resident_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    theme: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    respondents: Mapped[int | None] = mapped_column(Integer)
    margin: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)

    __table_args__ = (UniqueConstraint("area_code", "theme", "label", "year", "measure",
                                       name="uq_resident_results_key"),)


KEY = ("area_code", "theme", "label", "year", "measure")
FIELDS = ("value", "respondents", "margin")


def _same(a: object, b: object) -> bool:
    none_a = a is None or (isinstance(a, float) and math.isnan(a))
    none_b = b is None or (isinstance(b, float) and math.isnan(b))
    if none_a or none_b:
        return none_a and none_b
    return abs(float(a) - float(b)) <= 1e-9  # type: ignore[arg-type]


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def load_residents(engine: Engine, data: ResidentData, *, checksum: str, user: str
                   ) -> ImportReport:
    """Write ``data`` in one transaction: every area must exist (else nothing is written)."""
    frame = data.frame
    report = ImportReport(
        file=data.file.name, kind=KIND, form=data.form, checksum=checksum,
        regions=int(frame["area_code"].nunique()), indicators=int(frame["theme"].nunique()),
        years=data.years, values=len(frame), warnings=list(data.warnings))
    with engine.begin() as conn:
        prev = previous_run(conn, checksum, KIND)
        if prev is not None:
            report.skipped = True
            report.run_id = prev.id
            return report
        codes = sorted(frame["area_code"].unique())
        known = {r[0] for r in select_in(conn, select(Area.code), Area.code, codes)}
        unknown = [c for c in codes if c not in known]
        if unknown:
            line = int(frame.loc[frame["area_code"] == unknown[0], "line"].iloc[0])
            more = f" (en {len(unknown) - 1} andere)" if len(unknown) > 1 else ""
            raise DataError(f"gebied bestaat niet in deze database{more}; importeer eerst de "
                            "gebieden (CBS-gegevens of grenzen)", file=data.file.name, row=line,
                            column="gebied", value=unknown[0])
        run_id = start_run(conn, kind=KIND, file_name=data.file.name, checksum=checksum,
                           user=user, source=data.source)
        report.run_id = run_id
        old = {tuple(r[:5]): r for r in select_in(conn, select(
            ResidentResult.area_code, ResidentResult.theme, ResidentResult.label,
            ResidentResult.year, ResidentResult.measure, ResidentResult.id,
            ResidentResult.value, ResidentResult.respondents, ResidentResult.margin),
            ResidentResult.area_code, codes)}
        fresh, changed = [], []
        for rec in frame.itertuples(index=False):
            key = (rec.area_code, rec.theme, rec.label, int(rec.year), rec.measure)
            values = {"value": float(rec.value), "respondents": _plain(rec.respondents),
                      "margin": _plain(rec.margin)}
            if values["respondents"] is not None:
                values["respondents"] = int(values["respondents"])
            found = old.get(key)
            if found is None:
                fresh.append({**dict(zip(KEY, key, strict=True)), **values,
                              "source": data.source[:300], "import_run_id": run_id})
            elif not all(_same(values[f], getattr(found, f)) for f in FIELDS):
                changed.append((found.id, values))
        if fresh:
            conn.execute(insert(ResidentResult), fresh)
        for rid, values in changed:
            conn.execute(update(ResidentResult).where(ResidentResult.id == rid).values(
                **values, source=data.source[:300], import_run_id=run_id))
        report.inserted, report.changed = len(fresh), len(changed)
        report.unchanged = len(frame) - len(fresh) - len(changed)
        finish_run(conn, run_id, report)
    return report


def stored_residents(engine: Engine, areas: list[str] | None = None) -> pd.DataFrame:
    """Stored results (``area_code``, ``theme``, ``label``, ``year``, ``measure``, ``value``,
    ``respondents``, ``margin``, ``source``, ``import_run_id``), optionally for some areas."""
    cols = [ResidentResult.area_code, ResidentResult.theme, ResidentResult.label,
            ResidentResult.year, ResidentResult.measure, ResidentResult.value,
            ResidentResult.respondents, ResidentResult.margin, ResidentResult.source,
            ResidentResult.import_run_id]
    stmt = select(*cols).order_by(ResidentResult.area_code, ResidentResult.theme,
                                  ResidentResult.year)
    if areas is not None:
        stmt = stmt.where(ResidentResult.area_code.in_(areas))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])
