"""Tables of the investeringsagenda (on the shared ``Base``) and the agenda <-> rows mapping.

An agenda version (name + year) owns its measures, streams, allocations and scenarios, so a
version is a complete snapshot: last year's agenda stays as it was decided. Money is BIGINT
cents; shares are stored as decimal text (exact on both databases, no float); lists and
earmarks as JSON. Migration: ``store/migrations/versions/0002_agenda.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from wijkkompas.agenda.model import (
    Agenda,
    AgendaError,
    Allocation,
    Cofinancing,
    Earmark,
    FundingStream,
    Measure,
    Scenario,
)
from wijkkompas.store.models import Base


def _now() -> datetime:
    return datetime.now(UTC)


class AgendaRow(Base):
    __tablename__ = "agendas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    price_year: Mapped[int] = mapped_column(Integer)
    horizon_start: Mapped[int] = mapped_column(Integer)
    horizon_end: Mapped[int] = mapped_column(Integer)
    term_start: Mapped[int] = mapped_column(Integer)
    max_area_share: Mapped[str | None] = mapped_column(String(16))
    framework: Mapped[str] = mapped_column(String(64), default="")
    framework_version: Mapped[str] = mapped_column(String(32), default="")
    data_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    start_discount: Mapped[str | None] = mapped_column(String(16))  # 0010: phasing

    __table_args__ = (UniqueConstraint("name", "year", name="uq_agendas_name_year"),)
    __mapper_args__ = {"version_id_col": lock_version}


class MeasureRow(Base):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    funding: Mapped[str] = mapped_column(String(8))
    must_do: Mapped[bool] = mapped_column(Boolean, default=False)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    lead: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    streams: Mapped[list[str]] = mapped_column(JSON, default=list)
    depends_on: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    # 0010: start window, order rules ({code: "einde" | "start"}), start within the term
    earliest_start: Mapped[int | None] = mapped_column(Integer)
    latest_start: Mapped[int | None] = mapped_column(Integer)
    start_after: Mapped[dict[str, str] | None] = mapped_column(JSON)
    start_in_term: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("agenda_id", "code", name="uq_measures_agenda_code"),)


class MeasureCostRow(Base):
    __tablename__ = "measure_costs"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"),
                                            primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    cents: Mapped[int] = mapped_column(BigInteger)


class MeasureAreaRow(Base):
    __tablename__ = "measure_areas"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"),
                                            primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MeasureOpgaveRow(Base):
    """Expected effect of a measure on one opgave, on the agenda's declared scale."""

    __tablename__ = "measure_opgaven"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"),
                                            primary_key=True)
    opgave: Mapped[str] = mapped_column(String(64), primary_key=True)
    effect: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FundingStreamRow(Base):
    __tablename__ = "funding_streams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    earmark: Mapped[dict] = mapped_column(JSON, default=dict)
    max_share: Mapped[str | None] = mapped_column(String(16))
    cofinancing_ratio: Mapped[str | None] = mapped_column(String(16))
    cofinancing_from: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("agenda_id", "code",
                                       name="uq_funding_streams_agenda_code"),)


class FundingAmountRow(Base):
    __tablename__ = "funding_amounts"

    stream_id: Mapped[int] = mapped_column(ForeignKey("funding_streams.id", ondelete="CASCADE"),
                                           primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    cents: Mapped[int] = mapped_column(BigInteger)


class AllocationRow(Base):
    """Stream x measure x year in cents; manual overrides carry a reason and who set them."""

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"),
                                           index=True)
    stream_id: Mapped[int] = mapped_column(ForeignKey("funding_streams.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"),
                                            index=True)
    year: Mapped[int] = mapped_column(Integer)
    cents: Mapped[int] = mapped_column(BigInteger)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    __table_args__ = (UniqueConstraint("stream_id", "measure_id", "year",
                                       name="uq_allocations_stream_measure_year"),)


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    __table_args__ = (UniqueConstraint("agenda_id", "name", name="uq_scenarios_agenda_name"),)


# --- mapping ---------------------------------------------------------------------------------

def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def write_agenda(session: Session, agenda: Agenda, *, user: str = "",
                 replace_id: int | None = None) -> AgendaRow:
    """Insert ``agenda`` as a new version row with all its parts (caller commits).

    With ``replace_id`` the stored version with that id is rewritten in place: same id (links
    and scenarios stay valid), its measures, streams and allocations replaced, ``lock_version``
    raised by one (the ORM's version counter) and ``created_at``/``created_by`` set anew."""
    fields = dict(name=agenda.name, year=agenda.year, price_year=agenda.price_year,
                  horizon_start=agenda.horizon_start, horizon_end=agenda.horizon_end,
                  term_start=agenda.term_start, max_area_share=_dec(agenda.max_area_share),
                  framework=agenda.framework, framework_version=agenda.framework_version,
                  data_fingerprint=agenda.data_fingerprint, notes=agenda.notes,
                  start_discount=_dec(agenda.start_discount) if agenda.start_discount else None,
                  created_by=user)
    if replace_id is None:
        row = AgendaRow(**fields)
        session.add(row)
    else:
        from sqlalchemy import delete

        found = session.get(AgendaRow, replace_id)
        if found is None:
            from wijkkompas.errors import NotFound

            raise NotFound(f"geen agenda met id {replace_id}")
        row = found
        for table in (AllocationRow, MeasureRow, FundingStreamRow):
            session.execute(delete(table).where(table.agenda_id == replace_id))
        for key, value in fields.items():
            setattr(row, key, value)
        row.created_at = _now()
    session.flush()
    measure_ids: dict[str, int] = {}
    for m in agenda.measures:
        mr = MeasureRow(agenda_id=row.id, code=m.code, title=m.title,
                        description=m.description, type=m.type, status=m.status,
                        funding=m.funding, must_do=m.must_do, excluded=m.excluded, lead=m.lead,
                        partners=list(m.partners), streams=list(m.streams),
                        depends_on=list(m.depends_on), start_year=m.start_year,
                        end_year=m.end_year, earliest_start=m.earliest_start,
                        latest_start=m.latest_start, start_after=dict(m.after),
                        start_in_term=m.in_term)
        session.add(mr)
        session.flush()
        measure_ids[m.code] = mr.id
        session.add_all([MeasureCostRow(measure_id=mr.id, year=y, cents=c)
                         for y, c in m.costs.items()])
        session.add_all([MeasureAreaRow(measure_id=mr.id, area_code=a, position=i)
                         for i, a in enumerate(m.areas)])
        session.add_all([MeasureOpgaveRow(measure_id=mr.id, opgave=o, effect=e, position=i)
                         for i, (o, e) in enumerate(m.effects.items())])
    stream_ids: dict[str, int] = {}
    for s in agenda.streams:
        sr = FundingStreamRow(agenda_id=row.id, code=s.code, name=s.name, owner=s.owner,
                              description=s.description, earmark=s.earmark.to_dict(),
                              max_share=_dec(s.max_share),
                              cofinancing_ratio=_dec(s.cofinancing.ratio)
                              if s.cofinancing else None,
                              cofinancing_from=list(s.cofinancing.from_streams)
                              if s.cofinancing else [],
                              deadline=s.deadline)
        session.add(sr)
        session.flush()
        stream_ids[s.code] = sr.id
        session.add_all([FundingAmountRow(stream_id=sr.id, year=y, cents=c)
                         for y, c in s.amounts.items()])
    session.add_all([AllocationRow(agenda_id=row.id, stream_id=stream_ids[a.stream],
                                   measure_id=measure_ids[a.measure], year=a.year,
                                   cents=a.cents, manual=a.manual, reason=a.reason,
                                   set_by=a.by) for a in agenda.allocations])
    session.flush()
    return row


def read_agenda(session: Session, agenda_id: int, *, attempts: int = 20) -> Agenda:
    """The agenda stored under ``agenda_id``, exactly as written.

    The parts are read with several statements; a save in between (which rewrites the parts in
    place and always raises ``lock_version`` in the same transaction) would mix two versions.
    So the lock version is read before and after, and the read is repeated when it changed:
    equal versions mean no save committed in between (an optimistic, consistent read)."""
    version = select(AgendaRow.lock_version).where(AgendaRow.id == agenda_id)
    for _ in range(attempts):
        before = session.scalar(version)
        try:
            agenda = _read_agenda_once(session, agenda_id)
        except (KeyError, AgendaError):  # parts of two versions do not fit together
            if session.scalar(version) == before:
                raise
            continue
        if session.scalar(version) == before:
            return agenda
    from wijkkompas.errors import Conflict

    raise Conflict(f"agenda {agenda_id} wordt steeds opnieuw opgeslagen; probeer het zo weer")


def _read_agenda_once(session: Session, agenda_id: int) -> Agenda:
    row = session.get(AgendaRow, agenda_id, populate_existing=True)
    if row is None:
        from wijkkompas.errors import NotFound

        raise NotFound(f"geen agenda met id {agenda_id}")
    mrows = session.scalars(select(MeasureRow).where(MeasureRow.agenda_id == row.id)
                            .order_by(MeasureRow.id)
                            .execution_options(populate_existing=True)).all()
    ids = [m.id for m in mrows]
    costs: dict[int, dict[int, int]] = {}
    for c in session.scalars(select(MeasureCostRow).where(MeasureCostRow.measure_id.in_(ids))):
        costs.setdefault(c.measure_id, {})[c.year] = int(c.cents)
    areas: dict[int, list[tuple[int, str]]] = {}
    for a in session.scalars(select(MeasureAreaRow).where(MeasureAreaRow.measure_id.in_(ids))):
        areas.setdefault(a.measure_id, []).append((a.position, a.area_code))
    effects: dict[int, list[tuple[int, str, float]]] = {}
    for e in session.scalars(select(MeasureOpgaveRow)
                             .where(MeasureOpgaveRow.measure_id.in_(ids))):
        effects.setdefault(e.measure_id, []).append((e.position, e.opgave, e.effect))
    measures = [Measure(
        code=m.code, title=m.title, description=m.description, type=m.type, status=m.status,
        funding=m.funding, must_do=m.must_do, excluded=m.excluded, lead=m.lead,
        partners=tuple(m.partners), streams=tuple(m.streams), depends_on=tuple(m.depends_on),
        start_year=m.start_year, end_year=m.end_year, costs=costs.get(m.id, {}),
        earliest_start=m.earliest_start, latest_start=m.latest_start,
        after=dict(m.start_after or {}), in_term=bool(m.start_in_term),
        areas=tuple(a for _, a in sorted(areas.get(m.id, []))),
        effects={o: e for _, o, e in sorted(effects.get(m.id, []))}) for m in mrows]
    srows = session.scalars(select(FundingStreamRow).where(FundingStreamRow.agenda_id == row.id)
                            .order_by(FundingStreamRow.id)
                            .execution_options(populate_existing=True)).all()
    amounts: dict[int, dict[int, int]] = {}
    for a in session.scalars(select(FundingAmountRow)
                             .where(FundingAmountRow.stream_id.in_([s.id for s in srows]))):
        amounts.setdefault(a.stream_id, {})[a.year] = int(a.cents)
    streams = [FundingStream(
        code=s.code, name=s.name, owner=s.owner, description=s.description,
        amounts=amounts.get(s.id, {}), earmark=Earmark.from_dict(s.earmark),
        max_share=None if s.max_share is None else Decimal(s.max_share),
        cofinancing=None if s.cofinancing_ratio is None else Cofinancing(
            Decimal(s.cofinancing_ratio), tuple(s.cofinancing_from)),
        deadline=s.deadline) for s in srows]
    mcode = {m.id: m.code for m in mrows}
    scode = {s.id: s.code for s in srows}
    allocations = [Allocation(scode[a.stream_id], mcode[a.measure_id], a.year, int(a.cents),
                              a.manual, a.reason, a.set_by)
                   for a in session.scalars(select(AllocationRow)
                                            .where(AllocationRow.agenda_id == row.id)
                                            .order_by(AllocationRow.id))]
    return Agenda(name=row.name, year=row.year, price_year=row.price_year,
                  horizon_start=row.horizon_start, horizon_end=row.horizon_end,
                  term_start=row.term_start,
                  max_area_share=None if row.max_area_share is None
                  else Decimal(row.max_area_share),
                  start_discount=Decimal(row.start_discount or 0),
                  framework=row.framework, framework_version=row.framework_version,
                  data_fingerprint=row.data_fingerprint, notes=row.notes,
                  measures=measures, streams=streams, allocations=allocations)


def scenario_to_row(agenda_id: int, scenario: Scenario) -> ScenarioRow:
    return ScenarioRow(agenda_id=agenda_id, name=scenario.name, description=scenario.description,
                       settings={"budget_factors": {k: str(v) for k, v in
                                                    scenario.budget_factors.items()},
                                 "must_do": list(scenario.must_do),
                                 "excluded": list(scenario.excluded),
                                 "max_area_share": _dec(scenario.max_area_share)})


def scenario_from_row(row: ScenarioRow) -> Scenario:
    s = row.settings or {}
    return Scenario(name=row.name, description=row.description,
                    budget_factors={k: Decimal(v) for k, v in
                                    (s.get("budget_factors") or {}).items()},
                    must_do=tuple(s.get("must_do") or ()), excluded=tuple(s.get("excluded") or ()),
                    max_area_share=None if s.get("max_area_share") is None
                    else Decimal(s["max_area_share"]))
