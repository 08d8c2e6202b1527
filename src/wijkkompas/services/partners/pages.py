"""View models of partners, their seats and commitments, balance warnings and core teams, and
the write use cases behind the forms and the JSON write endpoints.

Every read function calls :mod:`wijkkompas.partners.service` (the same functions the CLI
``wijkkompas partner ...`` / ``team ...`` prints) and returns a dataclass; the HTML page renders
it, the JSON twin serialises it with :func:`wijkkompas.services.framework.overview.to_dict`. The write
functions (``submit_*``) take the submitted fields (form strings or JSON values), parse them
into typed arguments and call the service with the acting workspace, whose account the service
checks (:meth:`wijkkompas.workspace.Workspace.require`). Money is integer cents; amounts are
typed in euros (``1234,56``) and parsed exactly.

Balance warnings use :class:`wijkkompas.partners.balance.Thresholds`, optionally overridden by
the query (``max_tafels``, ``max_partners``, ``horizon``). Priority areas for the "no lead"
check are the ``prioriteit`` query values, else every area with a core team (an area gets a
core team because it is a focus area).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pandas as pd

from wijkkompas.agenda.model import cents as parse_cents
from wijkkompas.agenda.model import format_euros
from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.i18n import _
from wijkkompas.partners import service as svc
from wijkkompas.partners.balance import BalanceWarning, Thresholds, balance_warnings
from wijkkompas.partners.store import PARTNER_TYPES, ROLES
from wijkkompas.services.framework.overview import Option
from wijkkompas.services.shared.context import ViewContext, link


def type_label(code: str) -> str:
    labels = {"woningcorporatie": _("woningcorporatie"), "zorg_welzijn": _("zorg en welzijn"),
              "politie": _("politie"), "onderwijs": _("onderwijs"),
              "ondernemers": _("ondernemers"), "bewoners": _("bewoners(organisatie)"),
              "gemeente": _("gemeente"), "rijk": _("Rijk"), "provincie": _("provincie"),
              "overig": _("overig")}
    return labels.get(code, code)


def role_label(code: str) -> str:
    labels = {"trekker": _("trekker"), "partner": _("partner"), "betrokken": _("betrokken"),
              "geinformeerd": _("geïnformeerd")}
    return labels.get(code, code)


def warning_label(kind: str) -> str:
    labels = {"partner_tables": _("partner aan te veel tafels"),
              "table_seats": _("te volle tafel"), "no_lead": _("opgave zonder trekker"),
              "commitment_ending": _("toezegging loopt af zonder opvolger")}
    return labels.get(kind, kind)


def money(amount_cents: int | None) -> str:
    return "" if amount_cents is None or pd.isna(amount_cents) else format_euros(int(amount_cents))


def partner_url(name: str) -> str:
    return link(f"/partners/{quote(name, safe='')}")


def team_url(area: str) -> str:
    return link(f"/kernteams/{quote(area, safe='')}")


def _area_names(ctx: ViewContext) -> dict[str, str]:
    areas = ctx.areas()
    return {str(k): str(v) for k, v in areas["name"].items()} if len(areas) else {}


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as attribute objects with loosely typed values (pandas' own row types are
    unions that no caller here can use). Missing values (NaN, NaT) are ``None``."""
    return list(frame.astype(object).where(frame.notna(), None).itertuples(index=False))


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# --- shared pieces ---------------------------------------------------------------------------


@dataclass
class Threshold:
    code: str  # the query parameter that overrides it
    label: str
    value: int


@dataclass
class WarningRow:
    kind: str
    kind_label: str
    subject: str
    message: str
    count: int | None


@dataclass
class SeatRow:
    partner: str
    partner_url: str
    partner_type: str
    area_code: str
    area_name: str
    area_url: str
    opgave: str
    role: str
    role_label: str


@dataclass
class CommitmentRow:
    id: int
    partner: str
    partner_url: str
    what: str
    starts: str  # ISO date
    ends: str | None
    starts_text: str  # 31-12-2026
    ends_text: str | None
    area_code: str | None
    opgave: str | None
    measure: str | None
    funding_stream: str | None
    cents: int | None
    amount: str
    successor_id: int | None
    ending_soon: bool  # ends within the horizon without a successor
    ended: bool


def thresholds_from(max_tafels: int | None = None, max_partners: int | None = None,
                    horizon: int | None = None) -> Thresholds:
    default = Thresholds()
    values = {"max_tables_per_partner": max_tafels, "max_seats_per_table": max_partners,
              "commitment_horizon_days": horizon}
    for key, value in values.items():
        if value is not None and value < 1:
            raise ConfigError(_("Drempel {key}: verwacht een getal van 1 of meer.").format(
                key=key))
    return Thresholds(max_tafels or default.max_tables_per_partner,
                      max_partners or default.max_seats_per_table,
                      horizon or default.commitment_horizon_days)


def _threshold_rows(t: Thresholds) -> list[Threshold]:
    return [Threshold("max_tafels", _("tafels per partner (meer geeft een waarschuwing)"),
                      t.max_tables_per_partner),
            Threshold("max_partners", _("partners per tafel (meer geeft een waarschuwing)"),
                      t.max_seats_per_table),
            Threshold("horizon", _("dagen vooruit voor aflopende toezeggingen"),
                      t.commitment_horizon_days)]


def warning_partner(w: BalanceWarning) -> str | None:
    """The partner a warning is about (``None`` for a warning about a table)."""
    if w.kind == "partner_tables":
        return w.subject
    if w.kind == "commitment_ending":  # "partner/commitment id"
        return w.subject.rsplit("/", 1)[0]
    return None


def _warning_rows(found: Iterable[BalanceWarning]) -> list[WarningRow]:
    return [WarningRow(w.kind, warning_label(w.kind), w.subject, w.message, w.count)
            for w in found]


def _seat_rows(frame: pd.DataFrame, names: Mapping[str, str]) -> list[SeatRow]:
    return [SeatRow(r.partner, partner_url(r.partner), type_label(r.type), r.area_code,
                    names.get(r.area_code, r.area_code), link(f"/gebied/{r.area_code}"),
                    r.opgave, r.role, role_label(r.role))
            for r in _records(frame)]


def _commitment_rows(frame: pd.DataFrame, t: Thresholds, today: date) -> list[CommitmentRow]:
    horizon = today + timedelta(days=t.commitment_horizon_days)
    out = []
    for r in _records(frame):
        ends = _day(r.ends)
        successor = None if pd.isna(r.successor_id) else int(r.successor_id)
        amount = None if r.cents is None or pd.isna(r.cents) else int(r.cents)
        out.append(CommitmentRow(
            int(r.id), r.partner, partner_url(r.partner), r.what,
            _day(r.starts).isoformat(), None if ends is None else ends.isoformat(),  # type: ignore[union-attr]
            f"{_day(r.starts):%d-%m-%Y}", None if ends is None else f"{ends:%d-%m-%Y}",
            r.area_code, r.opgave, r.measure, r.funding_stream, amount, money(amount),
            successor, ends is not None and successor is None and today <= ends <= horizon,
            ends is not None and ends < today))
    return out


def _priority_areas(ws: Any, priority: list[str] | None) -> list[str]:
    if priority:
        return sorted({p.strip().upper() for p in priority if p.strip()})
    return sorted(svc.list_teams(ws)["area_code"])


# --- the list of partners --------------------------------------------------------------------


@dataclass
class PartnerRow:
    name: str
    url: str
    type: str
    type_label: str
    tables: int  # seats: one per table (area × opgave)
    leads: int  # tables where it is trekker
    commitments: int
    warnings: int


@dataclass
class TeamRow:
    area_code: str
    area_name: str
    name: str
    url: str
    budget: str
    members: int


@dataclass
class PartnersView:
    title: str
    soort: str | None
    gebied: str | None
    gebied_name: str | None
    types: list[Option]
    roles: list[Option]
    partners: list[PartnerRow]
    seats: list[SeatRow]  # the seats at the chosen area (all seats without one)
    commitments: list[CommitmentRow]  # of the partners shown
    teams: list[TeamRow]
    warnings: list[WarningRow]
    thresholds: list[Threshold]
    priority_areas: list[str]
    team_url: str | None = None
    notices: list[str] = field(default_factory=list)


def partners_index(ctx: ViewContext, *, soort: str | None = None, gebied: str | None = None,
                   max_tafels: int | None = None, max_partners: int | None = None,
                   horizon: int | None = None, prioriteit: list[str] | None = None,
                   today: date | None = None) -> PartnersView:
    """Every partner (or those of one type, or those at the tables of one area) with their
    counts, the balance warnings with the thresholds used, and the core teams."""
    ws = ctx.ws
    today = today or date.today()
    t = thresholds_from(max_tafels, max_partners, horizon)
    if soort and soort not in PARTNER_TYPES:
        raise ConfigError(_("Soort partner {code} bestaat niet; kies uit {choices}.").format(
            code=soort, choices=", ".join(PARTNER_TYPES)))
    names = _area_names(ctx)
    gebied = gebied.strip().upper() if gebied else None
    all_partners = svc.partners(ws)
    seats = svc.seats(ws)
    commitments = svc.commitments(ws)
    priority = _priority_areas(ws, prioriteit)
    found = balance_warnings(seats, commitments, priority_areas=priority, thresholds=t,
                             today=today)
    shown = all_partners
    if soort:
        shown = shown[shown["type"] == soort]
    area_seats = seats
    if gebied:
        if gebied not in names and gebied not in set(seats["area_code"]):
            raise NotFound(_("Gebied {code} bestaat niet in deze database.").format(code=gebied))
        area_seats = seats[seats["area_code"] == gebied]
        shown = shown[shown["name"].isin(set(area_seats["partner"]))]
    if soort:
        area_seats = area_seats[area_seats["type"] == soort]
    keep = set(shown["name"])

    def relevant(w: BalanceWarning) -> bool:
        if w.kind in ("table_seats", "no_lead"):  # about a table: "area/opgave"
            return gebied is None or w.subject.split("/", 1)[0] == gebied
        return not (soort or gebied) or warning_partner(w) in keep

    found = [w for w in found if relevant(w)]
    tables = seats.groupby("partner").size()
    leads = seats[seats["role"] == "trekker"].groupby("partner").size()
    n_commit = commitments.groupby("partner").size()
    per_partner: dict[str, int] = {}
    for w in found:
        key = warning_partner(w)
        if key is not None:
            per_partner[key] = per_partner.get(key, 0) + 1
    rows = [PartnerRow(r.name, partner_url(r.name), r.type, type_label(r.type),
                       int(tables.get(r.name, 0)), int(leads.get(r.name, 0)),
                       int(n_commit.get(r.name, 0)), per_partner.get(r.name, 0))
            for r in _records(shown)]
    teams = svc.list_teams(ws)
    if gebied:
        teams = teams[teams["area_code"] == gebied]
    team_rows = [TeamRow(r.area_code, names.get(r.area_code, r.area_code), r.name,
                         team_url(r.area_code), money(r.budget_cents), int(r.members))
                 for r in _records(teams)]
    gebied_name = names.get(gebied, gebied) if gebied else None
    title = _("Partners in {name}").format(name=gebied_name) if gebied else _("Partners")
    notices = [] if len(all_partners) else [_(
        "Er zijn nog geen partners vastgelegd. Een redacteur kan ze hieronder toevoegen, of "
        "gebruik 'wijkkompas partner add'.")]
    return PartnersView(
        title, soort, gebied, gebied_name,
        [Option(code, type_label(code), code == soort) for code in PARTNER_TYPES],
        [Option(code, role_label(code)) for code in ROLES], rows,
        _seat_rows(area_seats, names),
        _commitment_rows(commitments[commitments["partner"].isin(keep)], t, today),
        team_rows, _warning_rows(found), _threshold_rows(t), priority,
        team_url(gebied) if gebied else None, notices)


# --- one partner ------------------------------------------------------------------------------


@dataclass
class PartnerView:
    name: str
    type: str
    type_label: str
    notes: str
    lock_version: int
    types: list[Option]
    roles: list[Option]
    seats: list[SeatRow]
    commitments: list[CommitmentRow]
    warnings: list[WarningRow]
    thresholds: list[Threshold]
    audit_url: str
    path: str  # where the forms post to


def partner_detail(ctx: ViewContext, name: str, *, max_tafels: int | None = None,
                   max_partners: int | None = None, horizon: int | None = None,
                   today: date | None = None) -> PartnerView:
    """One partner: its seats (area × opgave × role), commitments (with the ending-soon flag)
    and the balance warnings about it."""
    ws = ctx.ws
    today = today or date.today()
    t = thresholds_from(max_tafels, max_partners, horizon)
    try:
        row = svc.partner(ws, name)
    except NotFound:
        raise NotFound(_("Partner {name} bestaat niet.").format(name=name)) from None
    seats = svc.seats(ws)
    commitments = svc.commitments(ws)
    found = [w for w in balance_warnings(seats, commitments, thresholds=t, today=today)
             if warning_partner(w) == name]
    return PartnerView(
        row["name"], row["type"], type_label(row["type"]), row["notes"], row["lock_version"],
        [Option(code, type_label(code), code == row["type"]) for code in PARTNER_TYPES],
        [Option(code, role_label(code)) for code in ROLES],
        _seat_rows(seats[seats["partner"] == name], _area_names(ctx)),
        _commitment_rows(commitments[commitments["partner"] == name], t, today),
        _warning_rows(found), _threshold_rows(t),
        link("/audit", soort="partner", entiteit=name), f"/partners/{quote(name, safe='')}")


# --- core team --------------------------------------------------------------------------------


@dataclass
class MemberRow:
    name: str
    role: str
    partner: str | None
    partner_url: str | None


@dataclass
class DecisionRow:
    id: int
    decided_on: str  # ISO date
    decided_on_text: str
    summary: str
    cents: int | None
    amount: str
    by: str


@dataclass
class TeamView:
    area_code: str
    area_name: str
    area_url: str
    exists: bool
    name: str
    mandate: str
    budget_cents: int
    budget: str
    funding_stream: str | None
    budget_left_cents: int
    budget_left: str
    lock_version: int  # 0 when there is no team yet
    members: list[MemberRow]
    decisions: list[DecisionRow]
    seats: list[SeatRow]  # who sits at the tables of this area
    partners: list[Option]  # for the member form
    audit_url: str
    path: str  # where the forms post to


def core_team(ctx: ViewContext, area: str) -> TeamView:
    """The core team of ``area`` (``exists`` is false when it has none yet): mandate, budget
    and what is left of it, members, decisions, and the partners at the area's tables."""
    ws = ctx.ws
    area = area.strip().upper()
    names = _area_names(ctx)
    try:
        team = svc.team(ws, area)
    except NotFound:
        if area not in names:
            raise NotFound(_("Gebied {code} bestaat niet in deze database.").format(
                code=area)) from None
        team = None
    seats = svc.seats(ws)
    partner_options = [Option(n, n) for n in svc.partners(ws)["name"]]
    common: dict[str, Any] = dict(area_code=area, area_name=names.get(area, area),
                  area_url=link(f"/gebied/{area}"),
                  seats=_seat_rows(seats[seats["area_code"] == area], names),
                  partners=partner_options,
                  audit_url=link("/audit", soort="core_team", entiteit=area),
                  path=f"/kernteams/{quote(area, safe='')}")
    if team is None:
        return TeamView(exists=False, name="", mandate="", budget_cents=0, budget=money(0),
                        funding_stream=None, budget_left_cents=0, budget_left=money(0),
                        lock_version=0, members=[], decisions=[], **common)
    members = [MemberRow(m["name"], m["role"] or "", m["partner"],
                         partner_url(m["partner"]) if m["partner"] else None)
               for m in team["members"]]
    decisions = [DecisionRow(int(d["id"]), _day(d["decided_on"]).isoformat(),  # type: ignore[union-attr]
                             f"{_day(d['decided_on']):%d-%m-%Y}", d["summary"],
                             d["cents"], money(d["cents"]), d["created_by"])
                 for d in reversed(team["decisions"])]
    return TeamView(exists=True, name=team["name"], mandate=team["mandate"] or "",
                    budget_cents=int(team["budget_cents"]), budget=money(team["budget_cents"]),
                    funding_stream=team["funding_stream"],
                    budget_left_cents=int(team["budget_left_cents"]),
                    budget_left=money(team["budget_left_cents"]),
                    lock_version=int(team["lock_version"]), members=members,
                    decisions=decisions, **common)


# --- writes: parse the submitted fields, call the service ------------------------------------
# Each checks the acting account first (the service checks again), so a request from somebody
# who may not write is refused as such (403), never for its input (422).


def _text(fields: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ConfigError(_("Veld {field} ontbreekt.").format(field=key))
        return None
    return str(value).strip()


def _date(fields: Mapping[str, Any], key: str, *, required: bool = False) -> date | None:
    value = _text(fields, key, required=required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(_("Veld {field}: {value!r} is geen datum; verwacht 2026-01-31.")
                          .format(field=key, value=value)) from None


def _euros(fields: Mapping[str, Any], key: str) -> int | None:
    """Euros as typed (``1234,56``, ``1.234,56``, ``1234.56``) or a JSON number → cents."""
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ConfigError(_("Veld {field}: geef een bedrag in euro als tekst of geheel getal, "
                            "bijv. \"1234,56\".").format(field=key))
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return parse_cents(text)
    except Exception:  # noqa: BLE001 - AgendaError/decimal errors become one message
        raise ConfigError(_("Veld {field}: {value!r} is geen bedrag in euro.").format(
            field=key, value=value)) from None


def _version(fields: Mapping[str, Any], *, allow_new: bool = False) -> int:
    value = fields.get("versie")
    if value is None or value == "":
        if allow_new:
            return 0
        raise ConfigError(_("Veld versie ontbreekt: stuur de versie mee die u hebt geladen."))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigError(_("Veld versie: verwacht een geheel getal.")) from None


def submit_partner(ws: Any, fields: Mapping[str, Any]) -> str:
    """Add a partner (``naam``, ``soort``, ``notities``); returns its name."""
    ws.require("edit")
    name = _text(fields, "naam", required=True)
    assert name is not None
    svc.add_partner(ws, name, _text(fields, "soort", required=True) or "",
                    notes=_text(fields, "notities") or "")
    return name


def submit_partner_edit(ws: Any, name: str, fields: Mapping[str, Any]) -> int:
    """Change a partner (``soort``, ``notities``, ``versie``); returns the new version."""
    ws.require("edit")
    notes = fields.get("notities")
    return svc.edit_partner(ws, name, type=_text(fields, "soort"),
                            notes=None if notes is None else str(notes).strip(),
                            expected_version=_version(fields))


def submit_seat(ws: Any, name: str, fields: Mapping[str, Any]) -> None:
    """Give a seat (``gebied``, ``opgave``, ``rol``), or change the role at it."""
    area = (_text(fields, "gebied") or "").upper()
    ws.require("edit", {"area": area} if area else None)
    area = (_text(fields, "gebied", required=True) or "").upper()
    svc.involve(ws, name, area, _text(fields, "opgave", required=True) or "",
                _text(fields, "rol") or "partner")


def submit_withdraw(ws: Any, name: str, fields: Mapping[str, Any]) -> None:
    """Take a seat away (``gebied``, ``opgave``)."""
    area = (_text(fields, "gebied") or "").upper()
    ws.require("edit", {"area": area} if area else None)
    area = (_text(fields, "gebied", required=True) or "").upper()
    svc.withdraw(ws, name, area, _text(fields, "opgave", required=True) or "")


def submit_commitment(ws: Any, name: str, fields: Mapping[str, Any]) -> int:
    """Record a commitment (``wat``, ``van``, ``tot``, ``gebied``, ``opgave``, ``maatregel``,
    ``geldstroom``, ``bedrag`` in euros, ``opvolger_van``); returns its id."""
    area = _text(fields, "gebied")
    ws.require("edit", {"area": area.upper()} if area else None)
    succeeds = _text(fields, "opvolger_van")
    try:
        succeeds_id = None if succeeds is None else int(succeeds)
    except ValueError:
        raise ConfigError(_("Veld opvolger_van: verwacht het nummer van een toezegging."))\
            from None
    starts = _date(fields, "van", required=True)
    assert starts is not None
    return svc.add_commitment(ws, name, _text(fields, "wat", required=True) or "",
                              starts=starts, ends=_date(fields, "tot"),
                              area=area.upper() if area else None,
                              opgave=_text(fields, "opgave"), measure=_text(fields, "maatregel"),
                              funding_stream=_text(fields, "geldstroom"),
                              cents=_euros(fields, "bedrag"), succeeds=succeeds_id)


def submit_team(ws: Any, area: str, fields: Mapping[str, Any]) -> int:
    """Create or change a core team (``naam``, ``mandaat``, ``budget`` in euros,
    ``geldstroom``, ``versie`` — 0 or empty for a new team); returns the new version."""
    ws.require("edit", {"area": area.strip().upper()})
    mandate = fields.get("mandaat")
    return svc.set_team(ws, area.strip().upper(), name=_text(fields, "naam"),
                        mandate=None if mandate is None else str(mandate).strip(),
                        budget_cents=_euros(fields, "budget"),
                        funding_stream=_text(fields, "geldstroom"),
                        expected_version=_version(fields, allow_new=True))


def submit_member(ws: Any, area: str, fields: Mapping[str, Any]) -> None:
    """Add a core-team member (``naam``, ``rol``, ``partner``)."""
    ws.require("edit", {"area": area.strip().upper()})
    svc.add_member(ws, area.strip().upper(), _text(fields, "naam", required=True) or "",
                   partner=_text(fields, "partner"), role=_text(fields, "rol") or "")


def submit_decision(ws: Any, area: str, fields: Mapping[str, Any]) -> int:
    """Log a core-team decision (``besluit``, ``bedrag`` in euros, ``datum``); returns its id."""
    ws.require("edit", {"area": area.strip().upper()})
    return svc.log_decision(ws, area.strip().upper(),
                            _text(fields, "besluit", required=True) or "",
                            cents=_euros(fields, "bedrag"), decided_on=_date(fields, "datum"))
