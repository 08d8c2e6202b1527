"""Custom areas (eigen gebiedsindeling): named sets of buurten such as a focus or programme area."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select

from wijkkompas.data.codes import is_cbs_code
from wijkkompas.errors import DataError, NotFound
from wijkkompas.store.models import Area, AreaMember

CUSTOM_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,31}$")


def validate_custom_code(code: str) -> str:
    code = code.strip()
    if is_cbs_code(code.upper()):
        raise DataError("een eigen gebied mag geen CBS-code hebben", column="code", value=code)
    if not CUSTOM_CODE.match(code):
        raise DataError(
            "code van een eigen gebied: 2-32 tekens, letters, cijfers, - en _, begint met een letter",
            column="code", value=code,
        )
    return code


def resolve_members(conn: Connection, members: Iterable[str]) -> list[int]:
    """Ids of the buurten named; a wijk or gemeente code stands for all its buurten."""
    codes = sorted({m.strip().upper() for m in members if m.strip()})
    if not codes:
        raise DataError("een eigen gebied heeft minstens één buurt nodig", column="members")
    rows = conn.execute(select(Area.id, Area.code, Area.level).where(Area.code.in_(codes))).all()
    found = {r.code: r for r in rows}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise NotFound(f"onbekende gebieden: {', '.join(unknown[:10])}")
    ids: set[int] = set()
    parents = [r.id for r in rows if r.level in ("district", "municipality")]
    ids.update(r.id for r in rows if r.level == "neighbourhood")
    while parents:
        children = conn.execute(select(Area.id, Area.level).where(Area.parent_id.in_(parents))).all()
        ids.update(c.id for c in children if c.level == "neighbourhood")
        parents = [c.id for c in children if c.level == "district"]
    bad = [r.code for r in rows if r.level in ("custom", "country")]
    if bad:
        raise DataError("alleen buurten, wijken of gemeenten kunnen lid zijn", column="members",
                        value=", ".join(bad))
    if not ids:
        raise DataError("de opgegeven gebieden hebben (nog) geen buurten", column="members")
    return sorted(ids)


def save_custom_area(conn: Connection, code: str, name: str, members: Iterable[str],
                     description: str | None = None) -> int:
    """Create or replace a custom area; returns its id."""
    code = validate_custom_code(code)
    if not name.strip():
        raise DataError("een eigen gebied heeft een naam nodig", column="name")
    member_ids = resolve_members(conn, members)
    municipalities = {
        m for (m,) in conn.execute(
            select(Area.municipality_code).where(Area.id.in_(member_ids))
        ).all()
    }
    municipality = municipalities.pop() if len(municipalities) == 1 else None
    existing = conn.execute(select(Area.id, Area.level).where(Area.code == code)).first()
    if existing is not None and existing.level != "custom":
        raise DataError("deze code is al in gebruik", column="code", value=code)
    if existing is None:
        area_id = conn.execute(
            insert(Area).values(code=code, name=name.strip(), level="custom",
                                municipality_code=municipality, description=description)
        ).inserted_primary_key[0]
    else:
        area_id = existing.id
        conn.execute(Area.__table__.update().where(Area.id == area_id).values(
            name=name.strip(), municipality_code=municipality, description=description))
        conn.execute(delete(AreaMember).where(AreaMember.area_id == area_id))
    conn.execute(insert(AreaMember), [{"area_id": area_id, "member_id": m} for m in member_ids])
    return int(area_id)
