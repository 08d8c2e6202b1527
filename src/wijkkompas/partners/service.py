"""Partner and core-team use cases. One transaction each, with an audit entry inside it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from wijkkompas.audit import conflict, record
from wijkkompas.errors import ConfigError, Conflict, NotFound
from wijkkompas.partners.store import (
    PARTNER_TYPES,
    ROLES,
    Commitment,
    CoreTeam,
    CoreTeamDecision,
    CoreTeamMember,
    Involvement,
    Partner,
)


def _check(value: str, allowed: dict[str, str], what: str) -> str:
    key = value.strip().lower().replace(" en ", "_").replace("ï", "i").replace(" ", "_")
    for code, label in allowed.items():
        if key in (code, label.lower().replace(" ", "_")):
            return code
    raise ConfigError(f"{what} {value!r} bestaat niet; kies uit {', '.join(allowed)}")


def _partner_row(conn: Connection, name: str, *, lock: bool = False) -> Any:
    stmt = select(Partner.__table__).where(Partner.name == name)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"geen partner {name!r}")
    return row


def add_partner(ws, name: str, type: str, *, notes: str = "") -> int:  # noqa: ANN001, A002
    name = name.strip()
    if not name:
        raise ConfigError("partner: geef een naam")
    kind = _check(type, PARTNER_TYPES, "soort partner")
    try:
        with ws.engine.begin() as conn:
            pid = conn.execute(Partner.__table__.insert().values(
                name=name, type=kind, notes=notes, lock_version=1)).inserted_primary_key[0]
            record(conn, ws.settings.user, "partner.add", ("partner", name), None,
                   {"name": name, "type": kind, "notes": notes})
    except IntegrityError:
        raise ConfigError(f"partner {name!r} bestaat al") from None
    return int(pid)


def edit_partner(ws, name: str, *, type: str | None = None, notes: str | None = None,  # noqa: ANN001, A002
                 expected_version: int | None = None) -> int:
    """Change a partner; a stale ``expected_version`` raises :class:`Conflict`."""
    with ws.engine.begin() as conn:
        row = _partner_row(conn, name, lock=True)
        if expected_version is not None and expected_version != row.lock_version:
            raise conflict(conn, ("partner", name), row.lock_version, expected_version,
                           f"partner {name!r} is intussen gewijzigd (versie {row.lock_version}, "
                           f"u had versie {expected_version}); laad opnieuw")
        before = {"type": row.type, "notes": row.notes}
        after = {"type": _check(type, PARTNER_TYPES, "soort partner") if type else row.type,
                 "notes": row.notes if notes is None else notes}
        done = conn.execute(update(Partner).where(
            Partner.id == row.id, Partner.lock_version == row.lock_version).values(
            **after, lock_version=row.lock_version + 1))
        if done.rowcount != 1:  # pragma: no cover - guarded by the row lock
            raise Conflict(f"partner {name!r} is intussen gewijzigd; probeer opnieuw")
        record(conn, ws.settings.user, "partner.edit", ("partner", name), before, after)
    return row.lock_version + 1


def involve(ws, partner: str, area: str, opgave: str, role: str) -> None:  # noqa: ANN001
    """Give ``partner`` a seat at the table area × opgave (or change its role there)."""
    role = _check(role, ROLES, "rol")
    with ws.engine.begin() as conn:
        pid = _partner_row(conn, partner).id
        old = conn.execute(select(Involvement.id, Involvement.role).where(
            Involvement.partner_id == pid, Involvement.area_code == area,
            Involvement.opgave == opgave)).first()
        if old is None:
            conn.execute(Involvement.__table__.insert().values(
                partner_id=pid, area_code=area, opgave=opgave, role=role))
        else:
            conn.execute(update(Involvement).where(Involvement.id == old.id).values(role=role))
        record(conn, ws.settings.user, "partner.involve", ("partner", partner),
               None if old is None else {"area": area, "opgave": opgave, "role": old.role},
               {"area": area, "opgave": opgave, "role": role})


def withdraw(ws, partner: str, area: str, opgave: str) -> None:  # noqa: ANN001
    with ws.engine.begin() as conn:
        pid = _partner_row(conn, partner).id
        old = conn.execute(select(Involvement.id, Involvement.role).where(
            Involvement.partner_id == pid, Involvement.area_code == area,
            Involvement.opgave == opgave)).first()
        if old is None:
            raise NotFound(f"{partner} zit niet aan tafel {area} × {opgave}")
        conn.execute(delete(Involvement).where(Involvement.id == old.id))
        record(conn, ws.settings.user, "partner.withdraw", ("partner", partner),
               {"area": area, "opgave": opgave, "role": old.role}, None)


def add_commitment(ws, partner: str, what: str, *, starts: date,  # noqa: ANN001
                   ends: date | None = None, area: str | None = None,
                   opgave: str | None = None, measure: str | None = None,
                   funding_stream: str | None = None, cents: int | None = None,
                   succeeds: int | None = None) -> int:
    """Record a commitment; ``succeeds`` names the commitment (id) this one continues."""
    if ends is not None and ends < starts:
        raise ConfigError("toezegging: einddatum ligt voor de begindatum")
    values = {"what": what, "starts": starts, "ends": ends, "area_code": area,
              "opgave": opgave, "measure": measure, "funding_stream": funding_stream,
              "cents": None if cents is None else int(cents)}
    with ws.engine.begin() as conn:
        pid = _partner_row(conn, partner).id
        cid = int(conn.execute(Commitment.__table__.insert().values(
            partner_id=pid, **values)).inserted_primary_key[0])
        if succeeds is not None:
            done = conn.execute(update(Commitment).where(Commitment.id == succeeds)
                                .values(successor_id=cid))
            if done.rowcount != 1:
                raise NotFound(f"geen toezegging {succeeds}")
        record(conn, ws.settings.user, "commitment.add", ("commitment", cid), None,
               {"partner": partner, **values, "succeeds": succeeds})
    return cid


def seats(ws) -> pd.DataFrame:  # noqa: ANN001
    """Every seat: partner, type, area_code, opgave, role."""
    stmt = (select(Partner.name.label("partner"), Partner.type, Involvement.area_code,
                   Involvement.opgave, Involvement.role)
            .join(Partner, Partner.id == Involvement.partner_id)
            .order_by(Partner.name, Involvement.area_code, Involvement.opgave))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["partner", "type", "area_code", "opgave", "role"])


def commitments(ws) -> pd.DataFrame:  # noqa: ANN001
    stmt = (select(Commitment.id, Partner.name.label("partner"), Commitment.what,
                   Commitment.area_code, Commitment.opgave, Commitment.starts, Commitment.ends,
                   Commitment.measure, Commitment.funding_stream, Commitment.cents,
                   Commitment.successor_id)
            .join(Partner, Partner.id == Commitment.partner_id).order_by(Commitment.id))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "partner", "what", "area_code", "opgave", "starts",
                                       "ends", "measure", "funding_stream", "cents",
                                       "successor_id"])


def overview(ws, *, partner: str | None = None, area: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Seats of one partner or at one area (all seats without a filter)."""
    frame = seats(ws)
    if partner:
        frame = frame[frame["partner"] == partner]
    if area:
        frame = frame[frame["area_code"] == area]
    return frame.reset_index(drop=True)


# --- core teams --------------------------------------------------------------------------------


def _team_row(conn: Connection, area: str, *, lock: bool = False) -> Any:
    stmt = select(CoreTeam.__table__).where(CoreTeam.area_code == area)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"geen kernteam voor gebied {area!r}")
    return row


def set_team(ws, area: str, *, name: str | None = None, mandate: str | None = None,  # noqa: ANN001
             budget_cents: int | None = None, funding_stream: str | None = None,
             expected_version: int | None = None) -> int:
    """Create or change the core team of ``area``; returns its new lock version."""
    if budget_cents is not None and budget_cents < 0:
        raise ConfigError("budget: niet negatief")
    with ws.engine.begin() as conn:
        stmt = select(CoreTeam.__table__).where(CoreTeam.area_code == area).with_for_update()
        row = conn.execute(stmt).first()
        if row is None:
            if expected_version is not None:
                raise Conflict(f"kernteam {area} bestaat niet meer; laad opnieuw")
            after = {"name": name or f"kernteam {area}", "mandate": mandate or "",
                     "budget_cents": int(budget_cents or 0), "funding_stream": funding_stream}
            conn.execute(CoreTeam.__table__.insert().values(area_code=area, lock_version=1,
                                                            **after))
            record(conn, ws.settings.user, "team.add", ("core_team", area), None, after)
            return 1
        if expected_version is not None and expected_version != row.lock_version:
            raise Conflict(f"kernteam {area} is intussen gewijzigd (versie {row.lock_version}, "
                           f"u had versie {expected_version}); laad opnieuw")
        before = {k: row._mapping[k] for k in ("name", "mandate", "budget_cents",
                                               "funding_stream")}
        after = dict(before)
        for key, value in (("name", name), ("mandate", mandate), ("budget_cents", budget_cents),
                           ("funding_stream", funding_stream)):
            if value is not None:
                after[key] = value
        conn.execute(update(CoreTeam).where(CoreTeam.id == row.id).values(
            **after, lock_version=row.lock_version + 1))
        record(conn, ws.settings.user, "team.edit", ("core_team", area), before, after)
        return row.lock_version + 1


def add_member(ws, area: str, name: str, *, partner: str | None = None,  # noqa: ANN001
               role: str = "") -> None:
    with ws.engine.begin() as conn:
        tid = _team_row(conn, area).id
        pid = _partner_row(conn, partner).id if partner else None
        conn.execute(CoreTeamMember.__table__.insert().values(team_id=tid, name=name,
                                                              partner_id=pid, role=role))
        record(conn, ws.settings.user, "team.member", ("core_team", area), None,
               {"member": name, "partner": partner, "role": role})


def log_decision(ws, area: str, summary: str, *, cents: int | None = None,  # noqa: ANN001
                 decided_on: date | None = None) -> int:
    """Log a core-team decision; money decided must stay within the team's own budget."""
    if not summary.strip():
        raise ConfigError("besluit: geef een omschrijving")
    with ws.engine.begin() as conn:
        team = _team_row(conn, area, lock=True)
        if cents:
            spent = conn.execute(select(func.coalesce(func.sum(CoreTeamDecision.cents), 0))
                                 .where(CoreTeamDecision.team_id == team.id)).scalar_one()
            if int(spent) + int(cents) > team.budget_cents:
                raise ConfigError(f"besluit past niet in het budget van kernteam {area}: "
                                  f"al besloten {int(spent)} ct, budget {team.budget_cents} ct")
        values = {"decided_on": decided_on or date.today(), "summary": summary.strip(),
                  "cents": cents}
        did = int(conn.execute(CoreTeamDecision.__table__.insert().values(
            team_id=team.id, created_at=datetime.now(UTC), created_by=ws.settings.user,
            **values)).inserted_primary_key[0])
        record(conn, ws.settings.user, "team.decision", ("core_team", area), None,
               {"decision": did, **values})
    return did


def team(ws, area: str) -> dict[str, Any]:  # noqa: ANN001
    """The core team of ``area``: fields, members, decisions and the budget left (cents)."""
    with ws.engine.connect() as conn:
        row = _team_row(conn, area)
        members = conn.execute(select(CoreTeamMember.name, CoreTeamMember.role)
                               .where(CoreTeamMember.team_id == row.id)
                               .order_by(CoreTeamMember.id)).all()
        decisions = conn.execute(select(CoreTeamDecision.id, CoreTeamDecision.decided_on,
                                        CoreTeamDecision.summary, CoreTeamDecision.cents,
                                        CoreTeamDecision.created_by)
                                 .where(CoreTeamDecision.team_id == row.id)
                                 .order_by(CoreTeamDecision.id)).all()
    out = {k: row._mapping[k] for k in ("area_code", "name", "mandate", "budget_cents",
                                        "funding_stream", "lock_version")}
    out["members"] = [dict(m._mapping) for m in members]
    out["decisions"] = [dict(d._mapping) for d in decisions]
    out["budget_left_cents"] = out["budget_cents"] - sum(d.cents or 0 for d in decisions)
    return out
