"""Partner and core-team use cases. One transaction each, with an audit entry inside it.

Permissions (checked here, so the CLI, the web pages and the API all get the same answer; the
local operator, a workspace without an account, may do everything):

* a partner record (:func:`add_partner`, :func:`edit_partner`) is shared by every area, so it
  is checked as ``ws.require("edit")`` without an entity: admins and editors without scopes
  may, an editor limited to some areas or programmes may not;
* a seat (:func:`involve`, :func:`withdraw`) and a core team (:func:`set_team`,
  :func:`add_member`, :func:`log_decision`) belong to one area: ``{"area": code}``, so a scoped
  editor may change them in its own areas only;
* a commitment is checked for its area when it names one, else like a partner record.

Validation (the same for every caller): an area must exist in the ``areas`` table; it is
matched case-insensitively and stored with its canonical code (``wk015303`` → ``WK015303``).
An opgave is a framework node code, lowercase ``[a-z][a-z0-9_]*`` (there is no global list of
opgaven: frameworks define them). A funding stream or measure code must be one of the codes in
the stored agendas; when no agenda holds any (no agenda imported yet) there is nothing to check
against and any code is accepted.

Versions: every audited change of a partner (its fields and its seats) or of a core team (its
fields, members and decisions) raises its ``lock_version`` by one, so the number of saves
since a stale version is exactly the number of audit entries to show in a
:class:`~wijkkompas.errors.Conflict` (see :func:`wijkkompas.audit.conflict`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError

from wijkkompas.agenda.model import format_euros
from wijkkompas.agenda.store import FundingStreamRow, MeasureRow
from wijkkompas.audit import conflict, record
from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.limits import LABEL, NAME, TEXT, check_length
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
from wijkkompas.store.models import Area

OPGAVE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _check(value: str, allowed: dict[str, str], what: str) -> str:
    key = value.strip().lower().replace(" en ", "_").replace("ï", "i").replace(" ", "_")
    for code, label in allowed.items():
        if key in (code, label.lower().replace(" ", "_")):
            return code
    raise ConfigError(f"{what} {value!r} bestaat niet; kies uit {', '.join(allowed)}")


def _find_area(conn: Connection, area: str) -> str | None:
    """The canonical code of ``area`` (case-insensitive), or None when there is no such area."""
    value = area.strip()
    if not value:
        return None
    codes = conn.execute(select(Area.code).where(func.upper(Area.code) == value.upper())
                         ).scalars().all()
    if not codes:
        return None
    return value if value in codes else sorted(codes)[0]


def _area(conn: Connection, area: str) -> str:
    """The canonical code of an existing area; :class:`NotFound` naming the value otherwise."""
    if not area or not area.strip():
        raise ConfigError("gebied: geef een gebiedscode")
    code = _find_area(conn, area)
    if code is None:
        raise NotFound(f"gebied {area.strip()!r} bestaat niet (importeer eerst de gebieden, "
                       "zie 'wijkkompas areas')")
    return code


def _canonical(ws, area: str) -> str:  # noqa: ANN001
    """``area`` as stored when it exists (case-insensitive match), else as given (for reading
    and removing rows that predate the area check)."""
    with ws.engine.connect() as conn:
        return _find_area(conn, area) or area.strip()


def _resolve_area(ws, area: str) -> str:  # noqa: ANN001
    with ws.engine.connect() as conn:
        return _area(conn, area)


def _opgave(opgave: str) -> str:
    value = opgave.strip()
    if not OPGAVE_PATTERN.match(value):
        raise ConfigError(f"opgave {opgave!r} is geen opgavecode: kleine letters, cijfers en _, "
                          "beginnend met een letter (bijv. 'wonen', 'veiligheid'; zie het kader)")
    return value


def _agenda_code(conn: Connection, value: str | None, table: Any, what: str) -> str | None:
    """``value`` when it is a code in the stored agendas (``table``: FundingStreamRow or
    MeasureRow); accepted as given when no agenda holds any such code (nothing to check)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not inspect(conn).has_table(table.__tablename__):
        return value
    known = sorted(set(conn.execute(select(table.code)).scalars()))
    if known and value not in known:
        raise ConfigError(f"{what} {value!r} staat in geen agenda; kies uit {', '.join(known)}")
    return value


def _bump_partner(conn: Connection, pid: int) -> None:
    conn.execute(update(Partner).where(Partner.id == pid)
                 .values(lock_version=Partner.lock_version + 1))


def _bump_team(conn: Connection, tid: int) -> None:
    conn.execute(update(CoreTeam).where(CoreTeam.id == tid)
                 .values(lock_version=CoreTeam.lock_version + 1))


def _partner_row(conn: Connection, name: str, *, lock: bool = False) -> Any:
    stmt = select(Partner.__table__).where(Partner.name == name)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"geen partner {name!r}")
    return row


def add_partner(ws, name: str, type: str, *, notes: str = "") -> int:  # noqa: ANN001, A002
    """Add a partner (admins and unscoped editors); returns its id."""
    ws.require("edit")
    check_length(name, "partner", NAME)
    check_length(notes, "notities", TEXT)
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
    """Change a partner (admins and unscoped editors); a stale ``expected_version`` raises
    :class:`Conflict` listing what the saves since then changed. Returns the new version."""
    ws.require("edit")
    check_length(notes, "notities", TEXT)
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
            raise conflict(conn, ("partner", name), row.lock_version + 1, row.lock_version,
                           f"partner {name!r} is intussen gewijzigd; probeer opnieuw")
        record(conn, ws.settings.user, "partner.edit", ("partner", name), before, after)
    return row.lock_version + 1


def involve(ws, partner: str, area: str, opgave: str, role: str) -> None:  # noqa: ANN001
    """Give ``partner`` a seat at the table area × opgave (or change its role there).
    Needs ``edit`` on the area. The area must exist (stored with its canonical code); the
    opgave must be a lowercase code (``wonen``, ``veiligheid``)."""
    area = _canonical(ws, area)
    ws.require("edit", {"area": area})
    role = _check(role, ROLES, "rol")
    opgave = _opgave(opgave)
    with ws.engine.begin() as conn:
        area = _area(conn, area)
        pid = _partner_row(conn, partner).id
        _bump_partner(conn, pid)
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


def withdraw(ws, partner: str, area: str, opgave: str) -> str:  # noqa: ANN001
    """Take ``partner``'s seat at the table area × opgave away. Needs ``edit`` on the area.
    Returns the area's canonical code (``area`` is matched case-insensitively)."""
    area, opgave = _canonical(ws, area), opgave.strip()
    ws.require("edit", {"area": area})
    with ws.engine.begin() as conn:
        pid = _partner_row(conn, partner).id
        old = conn.execute(select(Involvement.id, Involvement.role).where(
            Involvement.partner_id == pid, Involvement.area_code == area,
            Involvement.opgave == opgave)).first()
        if old is None:
            raise NotFound(f"{partner} zit niet aan tafel {area} × {opgave}")
        conn.execute(delete(Involvement).where(Involvement.id == old.id))
        _bump_partner(conn, pid)
        record(conn, ws.settings.user, "partner.withdraw", ("partner", partner),
               {"area": area, "opgave": opgave, "role": old.role}, None)
    return area


def add_commitment(ws, partner: str, what: str, *, starts: date,  # noqa: ANN001
                   ends: date | None = None, area: str | None = None,
                   opgave: str | None = None, measure: str | None = None,
                   funding_stream: str | None = None, cents: int | None = None,
                   succeeds: int | None = None) -> int:
    """Record a commitment; ``succeeds`` names the commitment (id) this one continues.
    Needs ``edit`` on ``area``, or partner-wide rights (unscoped) without an area.

    ``area`` must exist (stored with its canonical code), ``opgave`` is a lowercase code;
    ``measure`` and ``funding_stream`` must be codes in the stored agendas, unless no agenda
    holds any measure (funding stream) at all: then there is nothing to check against and the
    code is accepted as given."""
    area = _canonical(ws, area) if area and area.strip() else None
    ws.require("edit", {"area": area} if area else None)
    check_length(what, "toezegging", TEXT)
    if not what.strip():
        raise ConfigError("toezegging: geef een omschrijving")
    if ends is not None and ends < starts:
        raise ConfigError("toezegging: einddatum ligt voor de begindatum")
    if cents is not None and cents < 0:
        raise ConfigError("toezegging: bedrag niet negatief")
    opgave = _opgave(opgave) if opgave and opgave.strip() else None
    with ws.engine.begin() as conn:
        if area:
            area = _area(conn, area)
        values = {"what": what, "starts": starts, "ends": ends, "area_code": area,
                  "opgave": opgave,
                  "measure": _agenda_code(conn, measure, MeasureRow, "maatregel"),
                  "funding_stream": _agenda_code(conn, funding_stream, FundingStreamRow,
                                                 "geldstroom"),
                  "cents": None if cents is None else int(cents)}
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


def commitments(ws, *, partner: str | None = None,  # noqa: ANN001
                area: str | None = None) -> pd.DataFrame:
    """Every commitment (of one partner, or naming one area; ``area`` is matched
    case-insensitively): id, partner, what, area_code, opgave, starts, ends, measure,
    funding_stream, cents, successor_id."""
    stmt = (select(Commitment.id, Partner.name.label("partner"), Commitment.what,
                   Commitment.area_code, Commitment.opgave, Commitment.starts, Commitment.ends,
                   Commitment.measure, Commitment.funding_stream, Commitment.cents,
                   Commitment.successor_id)
            .join(Partner, Partner.id == Commitment.partner_id).order_by(Commitment.id))
    if partner:
        stmt = stmt.where(Partner.name == partner)
    if area:
        stmt = stmt.where(Commitment.area_code == _canonical(ws, area))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "partner", "what", "area_code", "opgave", "starts",
                                       "ends", "measure", "funding_stream", "cents",
                                       "successor_id"])


def overview(ws, *, partner: str | None = None, area: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Seats of one partner or at one area (all seats without a filter); ``area`` is matched
    case-insensitively against the known areas."""
    frame = seats(ws)
    if partner:
        frame = frame[frame["partner"] == partner]
    if area:
        frame = frame[frame["area_code"] == _canonical(ws, area)]
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
    """Create or change the core team of ``area``; returns its new lock version.
    Needs ``edit`` on the area; a stale ``expected_version`` raises :class:`Conflict`
    (``expected_version=0`` means "there was no team yet", so two people creating the same
    team do not overwrite each other; ``None`` skips the check).

    The area must exist (stored with its canonical code). ``funding_stream`` must be a code
    in the stored agendas, unless no agenda holds any funding stream: then there is nothing
    to check against and it is accepted as given."""
    area = _canonical(ws, area)
    ws.require("edit", {"area": area})
    check_length(name, "naam", NAME)
    check_length(mandate, "mandaat", TEXT)
    if budget_cents is not None and budget_cents < 0:
        raise ConfigError("budget: niet negatief")
    with ws.engine.begin() as conn:
        area = _area(conn, area)
        funding_stream = _agenda_code(conn, funding_stream, FundingStreamRow, "geldstroom")
        stmt = select(CoreTeam.__table__).where(CoreTeam.area_code == area).with_for_update()
        row = conn.execute(stmt).first()
        if row is None:
            if expected_version:  # 0: "I saw no team yet"
                raise conflict(conn, ("core_team", area), 0, expected_version,
                               f"kernteam {area} bestaat niet meer; laad opnieuw")
            after = {"name": name or f"kernteam {area}", "mandate": mandate or "",
                     "budget_cents": int(budget_cents or 0), "funding_stream": funding_stream}
            conn.execute(CoreTeam.__table__.insert().values(area_code=area, lock_version=1,
                                                            **after))
            record(conn, ws.settings.user, "team.add", ("core_team", area), None, after)
            return 1
        if expected_version is not None and expected_version != row.lock_version:
            raise conflict(conn, ("core_team", area), row.lock_version, expected_version,
                           f"kernteam {area} is intussen gewijzigd (versie {row.lock_version}, "
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
    """Add a member to the core team of ``area``. Needs ``edit`` on the area."""
    area = _canonical(ws, area)
    ws.require("edit", {"area": area})
    check_length(name, "kernteamlid", NAME)
    check_length(role, "rol", LABEL)
    if not name.strip():
        raise ConfigError("kernteamlid: geef een naam")
    with ws.engine.begin() as conn:
        area = _area(conn, area)
        tid = _team_row(conn, area).id
        _bump_team(conn, tid)
        pid = _partner_row(conn, partner).id if partner else None
        conn.execute(CoreTeamMember.__table__.insert().values(team_id=tid, name=name,
                                                              partner_id=pid, role=role))
        record(conn, ws.settings.user, "team.member", ("core_team", area), None,
               {"member": name, "partner": partner, "role": role})


def log_decision(ws, area: str, summary: str, *, cents: int | None = None,  # noqa: ANN001
                 decided_on: date | None = None) -> int:
    """Log a core-team decision; money decided must stay within the team's own budget.
    Needs ``edit`` on the area."""
    area = _canonical(ws, area)
    ws.require("edit", {"area": area})
    check_length(summary, "besluit", TEXT)
    if cents is not None and cents < 0:
        raise ConfigError("besluit: bedrag niet negatief")
    if not summary.strip():
        raise ConfigError("besluit: geef een omschrijving")
    with ws.engine.begin() as conn:
        area = _area(conn, area)
        team = _team_row(conn, area, lock=True)
        if cents:
            spent = conn.execute(select(func.coalesce(func.sum(CoreTeamDecision.cents), 0))
                                 .where(CoreTeamDecision.team_id == team.id)).scalar_one()
            if int(spent) + int(cents) > team.budget_cents:
                raise ConfigError(f"besluit past niet in het budget van kernteam {area}: "
                                  f"al besloten {format_euros(int(spent))}, dit besluit "
                                  f"{format_euros(int(cents))}, budget "
                                  f"{format_euros(int(team.budget_cents))}")
        values = {"decided_on": decided_on or date.today(), "summary": summary.strip(),
                  "cents": cents}
        _bump_team(conn, team.id)
        did = int(conn.execute(CoreTeamDecision.__table__.insert().values(
            team_id=team.id, created_at=datetime.now(UTC), created_by=ws.settings.user,
            **values)).inserted_primary_key[0])
        record(conn, ws.settings.user, "team.decision", ("core_team", area), None,
               {"decision": did, **values})
    return did


def team(ws, area: str) -> dict[str, Any]:  # noqa: ANN001
    """The core team of ``area``: fields, members, decisions and the budget left (cents)."""
    area = _canonical(ws, area)
    with ws.engine.connect() as conn:
        row = _team_row(conn, area)
        members = conn.execute(select(CoreTeamMember.name, CoreTeamMember.role,
                                      Partner.name.label("partner"))
                               .outerjoin(Partner, Partner.id == CoreTeamMember.partner_id)
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


def list_teams(ws) -> pd.DataFrame:  # noqa: ANN001
    """Every core team: area_code, name, budget_cents, funding_stream, members (count)."""
    stmt = (select(CoreTeam.area_code, CoreTeam.name, CoreTeam.budget_cents,
                   CoreTeam.funding_stream, func.count(CoreTeamMember.id).label("members"))
            .outerjoin(CoreTeamMember, CoreTeamMember.team_id == CoreTeam.id)
            .group_by(CoreTeam.id, CoreTeam.area_code, CoreTeam.name, CoreTeam.budget_cents,
                      CoreTeam.funding_stream)
            .order_by(CoreTeam.area_code))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["area_code", "name", "budget_cents", "funding_stream",
                                       "members"])


def partner(ws, name: str) -> dict[str, Any]:  # noqa: ANN001
    """One partner's fields: name, type, notes, lock_version (raises NotFound)."""
    with ws.engine.connect() as conn:
        row = _partner_row(conn, name)
    return {"name": row.name, "type": row.type, "notes": row.notes or "",
            "lock_version": int(row.lock_version)}


def partners(ws) -> pd.DataFrame:  # noqa: ANN001
    """Every partner: name, type, notes, lock_version (also those without a seat)."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(Partner.name, Partner.type, Partner.notes,
                                   Partner.lock_version).order_by(Partner.name)).all()
    return pd.DataFrame(rows, columns=["name", "type", "notes", "lock_version"])
