"""The table of regular means, and writing an import of it in one transaction.

An import is an import run like any other (kind ``middelen``, :mod:`wijkkompas.data.load`):
the same file imported again is skipped, every stored amount names the run that wrote it
(provenance), and the run is recorded in the audit trail. A newer file for the same area,
domain, year and unit replaces the amount; rows the file does not name stay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.data.load import ImportReport, finish_run, previous_run, select_in, start_run
from wijkkompas.means.table import MeansTable
from wijkkompas.store.models import Area, Base, ImportRun

KIND = "middelen"


class MeansAmount(Base):
    """One amount: an area, a domain, a year and a unit (euro, fte, uren)."""

    __tablename__ = "means_amounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8))
    amount: Mapped[float] = mapped_column(Float)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)

    __table_args__ = (
        UniqueConstraint("area_id", "domain", "year", "unit",
                         name="uq_means_amounts_area_domain_year_unit"),
    )


def load_means(engine: Engine, table: MeansTable, *, checksum: str, user: str,
               source: str | None = None) -> ImportReport:
    """Write ``table`` in one transaction (all or nothing) and return the report."""
    rows = table.rows
    report = ImportReport(
        file=table.file.name, kind=KIND, form=table.form, checksum=checksum,
        regions=int(rows["area_code"].nunique()), indicators=int(rows["domain"].nunique()),
        years=table.years, values=len(rows), warnings=list(table.warnings),
    )
    with engine.begin() as conn:
        prev = previous_run(conn, checksum, KIND)
        if prev is not None:
            report.skipped = True
            report.run_id = prev.id
            return report
        run_id = start_run(conn, kind=KIND, file_name=table.file.name, checksum=checksum,
                           user=user, source=source)
        report.run_id = run_id
        ids = dict(select_in(conn, select(Area.code, Area.id), Area.code, rows["area_code"]))
        frame = rows.assign(area_id=rows["area_code"].map(ids))
        current = pd.DataFrame(
            select_in(conn, select(MeansAmount.area_id, MeansAmount.domain, MeansAmount.year,
                                   MeansAmount.unit, MeansAmount.amount.label("old")),
                      MeansAmount.area_id, frame["area_id"]),
            columns=["area_id", "domain", "year", "unit", "old"])
        merged = frame.merge(current, on=["area_id", "domain", "year", "unit"], how="left")
        new = merged["old"].isna().to_numpy()
        differs = ~new & ~np.isclose(merged["amount"].to_numpy(float),
                                     merged["old"].to_numpy(float), rtol=1e-12, atol=0.0)
        if new.any():
            conn.execute(insert(MeansAmount), [
                {"area_id": int(r.area_id), "domain": r.domain, "year": int(r.year),
                 "unit": r.unit, "amount": float(r.amount), "import_run_id": run_id}
                for r in merged.loc[new].itertuples(index=False)])
        if differs.any():
            conn.execute(
                update(MeansAmount).where(
                    MeansAmount.area_id == bindparam("b_area"),
                    MeansAmount.domain == bindparam("b_domain"),
                    MeansAmount.year == bindparam("b_year"),
                    MeansAmount.unit == bindparam("b_unit"),
                ).values(amount=bindparam("b_amount"), import_run_id=run_id),
                [{"b_area": int(r.area_id), "b_domain": r.domain, "b_year": int(r.year),
                  "b_unit": r.unit, "b_amount": float(r.amount)}
                 for r in merged.loc[differs].itertuples(index=False)])
        report.inserted = int(new.sum())
        report.changed = int(differs.sum())
        report.unchanged = len(merged) - report.inserted - report.changed
        finish_run(conn, run_id, report)
    return report


def read_amounts(engine: Engine, *, unit: str | None = None,
                 municipality: str | None = None) -> pd.DataFrame:
    """Stored amounts: ``area_code``, ``name``, ``municipality_code``, ``domain``, ``year``,
    ``unit``, ``amount``, ``import_run_id``, ``file_name`` and ``source`` of the run
    (provenance)."""
    stmt = (select(Area.code.label("area_code"), Area.name, Area.municipality_code,
                   MeansAmount.domain, MeansAmount.year,
                   MeansAmount.unit, MeansAmount.amount, MeansAmount.import_run_id,
                   ImportRun.file_name, ImportRun.source)
            .join(Area, Area.id == MeansAmount.area_id)
            .join(ImportRun, ImportRun.id == MeansAmount.import_run_id)
            .order_by(Area.code, MeansAmount.year, MeansAmount.domain))
    if unit is not None:
        stmt = stmt.where(MeansAmount.unit == unit)
    if municipality is not None:
        stmt = stmt.where(Area.municipality_code == municipality)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["area_code", "name", "municipality_code", "domain",
                                       "year", "unit", "amount", "import_run_id", "file_name",
                                       "source"])
