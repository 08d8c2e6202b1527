"""Agendas as plain dicts and YAML files (the demo agenda, exchange, the store's JSON).

Amounts in files are euros: whole numbers (``1_250_000``) or text with at most two decimals
(``"1250000.50"``); floats are refused so that no cent is lost. A measure gives either
``costs`` (year -> euros) or ``years: [first, last]`` with ``cost_per_year``.

>>> ag = agenda_from_dict({"name": "x", "year": 2025, "horizon": [2025, 2026], "measures": [
...     {"code": "a", "title": "A", "type": "fysiek", "areas": ["w"], "years": [2025, 2026],
...      "cost_per_year": 1000, "effects": {"o": 2}}], "streams": []})
>>> ag.measures[0].costs
{2025: 100000, 2026: 100000}
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from wijkkompas.agenda.model import (
    Agenda,
    AgendaError,
    Allocation,
    Cofinancing,
    Earmark,
    FundingStream,
    Measure,
    cents,
    euros,
)

FORMAT_VERSION = 1


def _money(value: Any, where: str) -> int:
    if isinstance(value, float):
        raise AgendaError(f"{where}: bedrag {value!r} als kommagetal; schrijf het als tekst "
                          "(\"1234.50\") of in hele euro's")
    try:
        return cents(value)
    except (AgendaError, TypeError) as exc:
        raise AgendaError(f"{where}: {exc}") from None


def _euro_out(amount: int) -> int | str:
    value = euros(amount)
    return int(value) if value == value.to_integral_value() else str(value)


def _share_out(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def measure_from_dict(d: dict[str, Any]) -> Measure:
    code = str(d.get("code", "?"))
    where = f"maatregel {code}"
    if "costs" in d:
        costs = {int(y): _money(v, f"{where}, kosten {y}") for y, v in d["costs"].items()}
        years = sorted(costs)
        start, end = d.get("years", [years[0], years[-1]]) if years else (0, 0)
    else:
        start, end = d["years"]
        per = _money(d.get("cost_per_year", 0), f"{where}, cost_per_year")
        costs = {y: per for y in range(int(start), int(end) + 1)}
    return Measure(
        code=code, title=str(d.get("title", code)), type=str(d.get("type", "")),
        start_year=int(start), end_year=int(end), costs=costs,
        effects={str(k): float(v) for k, v in (d.get("effects") or {}).items()},
        areas=tuple(d.get("areas") or ()), status=str(d.get("status", "idee")),
        description=str(d.get("description", "")), lead=str(d.get("lead", "")),
        partners=tuple(d.get("partners") or ()), funding=str(d.get("funding", "geheel")),
        must_do=bool(d.get("must_do", False)), excluded=bool(d.get("excluded", False)),
        streams=tuple(d.get("streams") or ()), depends_on=tuple(d.get("depends_on") or ()),
        earliest_start=None if d.get("start_window") is None else int(d["start_window"][0]),
        latest_start=None if d.get("start_window") is None else int(d["start_window"][1]),
        after={str(k): str(v) for k, v in (d.get("start_after") or {}).items()},
        in_term=bool(d.get("start_in_term", False)))


def measure_to_dict(m: Measure) -> dict[str, Any]:
    return {"code": m.code, "title": m.title, "description": m.description, "type": m.type,
            "status": m.status, "areas": list(m.areas), "effects": dict(m.effects),
            "years": [m.start_year, m.end_year],
            "costs": {y: _euro_out(c) for y, c in m.costs.items()}, "lead": m.lead,
            "partners": list(m.partners), "funding": m.funding, "must_do": m.must_do,
            "excluded": m.excluded, "streams": list(m.streams),
            "depends_on": list(m.depends_on),
            **({"start_window": list(m.window)} if m.earliest_start is not None else {}),
            **({"start_after": dict(m.after)} if m.after else {}),
            **({"start_in_term": True} if m.in_term else {})}


def stream_from_dict(d: dict[str, Any]) -> FundingStream:
    code = str(d.get("code", "?"))
    where = f"geldstroom {code}"
    if "amounts" in d:
        amounts = {int(y): _money(v, f"{where}, {y}") for y, v in d["amounts"].items()}
    else:
        first, last = d["years"]
        per = _money(d.get("amount_per_year", 0), f"{where}, amount_per_year")
        amounts = {y: per for y in range(int(first), int(last) + 1)}
    co = d.get("cofinancing")
    return FundingStream(
        code=code, name=str(d.get("name", code)), owner=str(d.get("owner", "gemeente")),
        amounts=amounts, earmark=Earmark.from_dict(d.get("earmark")),
        max_share=None if d.get("max_share") is None else Decimal(str(d["max_share"])),
        cofinancing=None if not co else Cofinancing(Decimal(str(co["ratio"])),
                                                    tuple(co.get("from") or ())),
        deadline=None if d.get("deadline") is None else int(d["deadline"]),
        description=str(d.get("description", "")))


def stream_to_dict(s: FundingStream) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "owner": s.owner, "description": s.description,
            "amounts": {y: _euro_out(c) for y, c in s.amounts.items()},
            "earmark": s.earmark.to_dict(), "max_share": _share_out(s.max_share),
            "cofinancing": None if s.cofinancing is None else
            {"ratio": str(s.cofinancing.ratio), "from": list(s.cofinancing.from_streams)},
            "deadline": s.deadline}


def agenda_from_dict(d: dict[str, Any]) -> Agenda:
    """Build (and validate) an agenda from a dict as in the demo YAML."""
    first, last = d.get("horizon") or (d["horizon_start"], d["horizon_end"])
    allocations = [Allocation(str(a["stream"]), str(a["measure"]), int(a["year"]),
                              _money(a["amount"], f"toewijzing {a['stream']}->{a['measure']}"),
                              bool(a.get("manual", False)), str(a.get("reason", "")),
                              str(a.get("by", "")))
                   for a in d.get("allocations") or ()]
    agenda = Agenda(
        name=str(d["name"]), year=int(d["year"]), price_year=int(d.get("price_year", d["year"])),
        horizon_start=int(first), horizon_end=int(last),
        measures=[measure_from_dict(m) for m in d.get("measures") or ()],
        streams=[stream_from_dict(s) for s in d.get("streams") or ()],
        allocations=allocations, term_start=int(d.get("term_start", 2022)),
        max_area_share=None if d.get("max_area_share") is None
        else Decimal(str(d["max_area_share"])),
        framework=str(d.get("framework", "")),
        framework_version=str(d.get("framework_version", "")),
        data_fingerprint=str(d.get("data_fingerprint", "")), notes=str(d.get("notes", "")),
        start_discount=Decimal(str(d.get("start_discount", 0))))
    agenda.validate()
    return agenda


def agenda_to_dict(agenda: Agenda) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION, "name": agenda.name, "year": agenda.year,
        "price_year": agenda.price_year, "horizon": [agenda.horizon_start, agenda.horizon_end],
        "term_start": agenda.term_start, "max_area_share": _share_out(agenda.max_area_share),
        "framework": agenda.framework, "framework_version": agenda.framework_version,
        "data_fingerprint": agenda.data_fingerprint, "notes": agenda.notes,
        **({"start_discount": str(agenda.start_discount)} if agenda.start_discount else {}),
        "streams": [stream_to_dict(s) for s in agenda.streams],
        "measures": [measure_to_dict(m) for m in agenda.measures],
        "allocations": [{"stream": a.stream, "measure": a.measure, "year": a.year,
                         "amount": _euro_out(a.cents), "manual": a.manual, "reason": a.reason,
                         "by": a.by} for a in agenda.allocations],
    }


def load_agenda_file(path: str | Path) -> Agenda:
    """An agenda from YAML (``.yaml``/``.yml``) or an exported workbook (``.xlsx``)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from wijkkompas.agenda.excel import read_workbook

        return read_workbook(path)
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise AgendaError(f"{path.name}: geen agenda (verwacht een YAML-mapping)")
    return agenda_from_dict(data)


def save_agenda_yaml(agenda: Agenda, path: str | Path) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(agenda_to_dict(agenda), fh, allow_unicode=True, sort_keys=False)
    return path


def demo_agenda_path() -> Path:
    """The bundled Enschede demo agenda."""
    return Path(__file__).resolve().parents[1] / "demo" / "agenda-enschede.yaml"
