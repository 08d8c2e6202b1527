"""Use cases of buurtbudget rounds: import a ``.pb`` file, load a round, export it, add a
proposal, import ballots. Every write checks the acting account, is one transaction and leaves
an audit entry."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from wijkkompas.audit import conflict, record
from wijkkompas.budgeting.model import STATUSES, Ballot, Project, Round, parse_cents
from wijkkompas.budgeting.pabulib import MAX_BALLOTS, read_pb, write_pb
from wijkkompas.budgeting.store import BudgetBallot, BudgetProposal, BudgetRound
from wijkkompas.errors import ConfigError, DataError, NotFound, TooLarge
from wijkkompas.limits import NAME, TEXT, check_length

MAX_BALLOT_BYTES = 50 * 1024 * 1024


def import_round(ws, data: bytes, *, file: str, area_code: str | None = None,  # noqa: ANN001
                 name: str | None = None, example: bool = False) -> dict[str, Any]:
    """Store the round in a ``.pb`` file (all or nothing); returns id, name and counts."""
    ws.require("import")
    rnd = read_pb(data, file=file)
    title = (name or rnd.meta.get("description") or file).strip()
    check_length(title, "naam", NAME)
    with ws.engine.begin() as conn:
        rid = conn.execute(BudgetRound.__table__.insert().values(
            name=title, area_code=area_code, budget_cents=rnd.budget, currency=rnd.currency,
            vote_type=rnd.vote_type, meta=rnd.meta, source=file[:200], example=example,
            created_at=datetime.now(UTC), lock_version=1)).inserted_primary_key[0]
        _insert_proposals(conn, rid, rnd.projects, area_code)
        _insert_ballots(conn, rid, rnd.ballots)
        record(conn, ws.settings.user, "budget.import", ("budget_round", rid), None,
               {"name": title, "file": file, "projects": len(rnd.projects),
                "ballots": len(rnd.ballots), "example": example})
    return {"id": int(rid), "name": title, "projects": len(rnd.projects),
            "ballots": len(rnd.ballots)}


def _insert_proposals(conn, rid: int, projects: list[Project], area_code: str | None) -> None:  # noqa: ANN001
    if projects:
        conn.execute(BudgetProposal.__table__.insert(), [
            {"round_id": rid, "code": p.id, "position": i, "name": p.name, "cost_cents": p.cost,
             "area_code": p.extra.get("area") or area_code,
             "theme": p.extra.get("theme") or p.extra.get("category"),
             "proposer": p.extra.get("proposer"), "status": "toegelaten", "reason": "",
             "extra": p.extra, "lock_version": 1} for i, p in enumerate(projects)])


def _insert_ballots(conn, rid: int, ballots: list[Ballot]) -> None:  # noqa: ANN001
    if ballots:
        conn.execute(BudgetBallot.__table__.insert(), [
            {"round_id": rid, "voter": b.voter[:64], "projects": b.projects, "points": b.points,
             "extra": b.extra or None} for b in ballots])


def _round_row(conn, round_id: int):  # noqa: ANN001, ANN202
    row = conn.execute(select(BudgetRound.__table__).where(
        BudgetRound.__table__.c.id == round_id)).first()
    if row is None:
        raise NotFound(f"buurtbudgetronde {round_id} bestaat niet")
    return row


def rounds(ws) -> list[dict[str, Any]]:  # noqa: ANN001
    """Every stored round, newest first."""
    t = BudgetRound.__table__
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.id.desc()))]


def load(ws, round_id: int, *, admitted_only: bool = True) -> tuple[dict[str, Any], Round,  # noqa: ANN001
                                                                     list[dict[str, Any]]]:
    """The round's row, the :class:`Round` the rules run on (only admitted proposals, unless
    ``admitted_only`` is off) and every proposal's row."""
    p, b = BudgetProposal.__table__, BudgetBallot.__table__
    with ws.engine.connect() as conn:
        row = dict(_round_row(conn, round_id)._mapping)
        props = [dict(r._mapping) for r in conn.execute(
            select(p).where(p.c.round_id == round_id).order_by(p.c.position, p.c.id))]
        ballots = conn.execute(select(b.c.voter, b.c.projects, b.c.points, b.c.extra).where(
            b.c.round_id == round_id).order_by(b.c.id)).all()
    keep = [r for r in props if r["status"] == "toegelaten" or not admitted_only]
    ids = {r["code"] for r in keep}
    projects = [Project(r["code"], r["cost_cents"], r["name"], dict(r["extra"] or {}))
                for r in keep]
    out = []
    for voter, chosen, points, extra in ballots:
        pairs = [(c, pts) for c, pts in zip(chosen, points or [None] * len(chosen), strict=True)
                 if c in ids]
        out.append(Ballot(voter, [c for c, _ in pairs],
                          [int(x) for _, x in pairs] if points is not None else None,
                          dict(extra or {})))
    rnd = Round(row["budget_cents"], projects, out, row["vote_type"], dict(row["meta"] or {}))
    return row, rnd, props


def export_round(ws, round_id: int) -> str:  # noqa: ANN001
    """The round as ``.pb`` text, every proposal included (the status as a column)."""
    _row, rnd, props = load(ws, round_id, admitted_only=False)
    by_code = {r["code"]: r for r in props}
    for p in rnd.projects:
        r = by_code[p.id]
        p.extra = {**p.extra, "status": r["status"]}
        for key in ("area_code", "theme", "proposer"):
            name = key.removesuffix("_code")
            if r[key] and not (key == "theme" and r[key] == p.extra.get("category")):
                p.extra[name] = r[key]
    return write_pb(rnd)


def add_proposal(ws, round_id: int, *, code: str, name: str, cost: str,  # noqa: ANN001
                 area_code: str | None = None, theme: str | None = None,
                 proposer: str | None = None, status: str = "ingediend", reason: str = "",
                 expected_version: int | None = None) -> int:
    """Add a proposal to a round (an editor of the round's area); the round's version goes up,
    a stale ``expected_version`` is a conflict. Returns the round's new version."""
    code = (code or "").strip()
    if not code or "," in code or ";" in code or len(code) > 64:
        raise ConfigError("project-id: geef een code zonder komma of puntkomma "
                          "(hoogstens 64 tekens)")
    check_length(name, "naam", TEXT)
    check_length(proposer, "indiener", NAME)
    check_length(reason, "reden", TEXT)
    if status not in STATUSES:
        raise ConfigError(f"status {status!r}: kies uit {', '.join(STATUSES)}")
    if status == "afgewezen" and not reason.strip():
        raise ConfigError("een afgewezen voorstel heeft een reden nodig")
    cents = parse_cents(cost, column="kosten")
    if cents <= 0:
        raise ConfigError("kosten: geef een bedrag groter dan 0")
    t, p = BudgetRound.__table__, BudgetProposal.__table__
    with ws.engine.begin() as conn:
        row = _round_row(conn, round_id)
        ws.require("edit", {"area": row.area_code} if row.area_code else None)
        if expected_version is not None and expected_version != row.lock_version:
            raise conflict(conn, ("budget_round", round_id), row.lock_version, expected_version,
                           f"ronde {round_id} is intussen gewijzigd (versie {row.lock_version})")
        if conn.execute(select(p.c.id).where(p.c.round_id == round_id,
                                             p.c.code == code)).first():
            raise ConfigError(f"project-id {code!r} bestaat al in deze ronde")
        last = conn.execute(select(p.c.position).where(p.c.round_id == round_id)
                            .order_by(p.c.position.desc())).first()
        values = {"round_id": round_id, "code": code, "position": (last[0] + 1) if last else 0,
                  "name": name.strip(), "cost_cents": cents,
                  "area_code": area_code or row.area_code, "theme": theme or None,
                  "proposer": proposer or None, "status": status, "reason": reason.strip(),
                  "extra": {}, "lock_version": 1}
        conn.execute(p.insert().values(**values))
        conn.execute(t.update().where(t.c.id == round_id).values(
            lock_version=row.lock_version + 1))
        record(conn, ws.settings.user, "budget.proposal", ("budget_round", round_id), None,
               {k: v for k, v in values.items() if k not in ("extra", "lock_version")})
    return row.lock_version + 1


def import_ballots(ws, round_id: int, data: bytes, *, file: str) -> int:  # noqa: ANN001
    """Replace a round's ballots with those in a CSV (``voter_id;vote``, ``,`` between project
    ids, as pabulib's VOTES), an Excel sheet with the same columns, or a ``.pb`` file. All or
    nothing; returns the number of ballots."""
    if len(data) > MAX_BALLOT_BYTES:
        raise TooLarge(f"{file}: groter dan {MAX_BALLOT_BYTES // (1024 * 1024)} MB",
                       limit=MAX_BALLOT_BYTES)
    lower = file.lower()
    if lower.endswith(".pb"):
        rows = [(i, {"voter_id": b.voter, "vote": ",".join(b.projects),
                     "points": ",".join(map(str, b.points)) if b.points is not None else ""})
                for i, b in enumerate(read_pb(data, file=file).ballots, start=2)]
    elif lower.endswith((".xlsx", ".xlsm")):
        rows = _excel_rows(data, file)
    elif lower.endswith((".csv", ".txt")):
        rows = _csv_rows(data, file)
    else:
        raise ConfigError(f"{file}: kies een .csv-, .xlsx- of .pb-bestand")
    if len(rows) > MAX_BALLOTS:
        raise TooLarge(f"{file}: meer dan {MAX_BALLOTS} stemmen", limit=MAX_BALLOTS)
    p, b, t = BudgetProposal.__table__, BudgetBallot.__table__, BudgetRound.__table__
    with ws.engine.begin() as conn:
        row = _round_row(conn, round_id)
        ws.require("edit", {"area": row.area_code} if row.area_code else None)
        codes = {c for (c,) in conn.execute(select(p.c.code).where(p.c.round_id == round_id))}
        ballots = _parse_ballots(rows, file, codes, row.vote_type)
        conn.execute(b.delete().where(b.c.round_id == round_id))
        _insert_ballots(conn, round_id, ballots)
        conn.execute(t.update().where(t.c.id == round_id).values(
            lock_version=row.lock_version + 1))
        record(conn, ws.settings.user, "budget.ballots", ("budget_round", round_id), None,
               {"file": file, "ballots": len(ballots)})
    return len(ballots)


def _csv_rows(data: bytes, file: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"geen UTF-8 (byte {exc.start})", file=file) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [h.strip().lower() for h in next(reader, [])]
    return [(reader.line_num, dict(zip(header, [f.strip() for f in r], strict=False)))
            for r in reader if any(f.strip() for f in r)]


def _excel_rows(data: bytes, file: str) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise DataError(f"geen leesbaar Excel-bestand ({type(exc).__name__})", file=file) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(values, ())]
    out = []
    for i, r in enumerate(values, start=2):
        cells = ["" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer()
                 else str(v) for v in r]
        if any(c.strip() for c in cells):
            out.append((i, dict(zip(header, [c.strip() for c in cells], strict=False))))
    return out


def _parse_ballots(rows: list[tuple[int, dict[str, str]]], file: str, codes: set[str],
                   vote_type: str) -> list[Ballot]:
    out, seen = [], set()
    for num, rec in rows:
        if "voter_id" not in rec or "vote" not in rec:
            raise DataError("kolommen voter_id en vote zijn nodig", file=file, row=1)
        voter = rec["voter_id"]
        if not voter or voter in seen:
            raise DataError("kiezer ontbreekt of komt twee keer voor", file=file, row=num,
                            column="voter_id", value=voter)
        seen.add(voter)
        chosen = [c.strip() for c in rec["vote"].split(",") if c.strip()]
        for c in chosen:
            if c not in codes:
                raise DataError("stem op een onbekend project", file=file, row=num,
                                column="vote", value=c)
        if len(set(chosen)) != len(chosen):
            raise DataError("een project staat twee keer op het stembiljet", file=file, row=num,
                            column="vote", value=rec["vote"])
        points = None
        if vote_type == "cumulative":
            try:
                points = [int(x) for x in rec.get("points", "").split(",") if x.strip()]
            except ValueError:
                raise DataError("punten moeten hele getallen zijn", file=file, row=num,
                                column="points", value=rec.get("points")) from None
            if len(points) != len(chosen) or any(x < 0 for x in points):
                raise DataError("punten passen niet bij de gekozen projecten", file=file,
                                row=num, column="points", value=rec.get("points"))
        out.append(Ballot(voter, chosen, points))
    return out
