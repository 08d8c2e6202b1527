"""Build the demo workspace from the bundled files, and summarise the demo municipalities."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from wijkkompas.data.load import ImportReport
from wijkkompas.demo import MUNICIPALITIES, data_dir, manifest
from wijkkompas.errors import ConfigError


def build_demo(ws, *, progress: Callable[[str], None] | None = None) -> list[ImportReport]:  # noqa: ANN001
    """Import every file of the demo manifest into ``ws`` (idempotent: a second run skips)."""
    reports = []
    folder = data_dir()
    importers = {"cbs": ws.import_cbs, "table": getattr(ws, "import_table", None),
                 "boundaries": getattr(ws, "import_boundaries", None),
                 "bewoners": getattr(ws, "import_residents", None)}
    for entry in manifest():
        importer = importers.get(entry["kind"])
        if importer is None:
            raise ConfigError(f"demo: importsoort {entry['kind']!r} is (nog) niet beschikbaar")
        if progress:
            progress(f"{entry['file']} ({entry['kind']})")
        reports.append(importer(folder / entry["file"], **(entry.get("options") or {})))
    store_demo_agenda(ws, progress=progress)
    store_demo_monitor(ws, progress=progress)
    store_demo_governance(ws, progress=progress)
    from wijkkompas.services.means.demo import store_demo_means

    store_demo_means(ws, progress=progress)
    store_demo_budget(ws, progress=progress)
    return reports


DEMO_BUDGET = "buurtbudget-oranjebuurt-voorbeeld.pb"
DEMO_BUDGET_AREA = "BU01060003"  # Oranjebuurt, Assen


def store_demo_budget(ws, *, progress: Callable[[str], None] | None = None) -> bool:  # noqa: ANN001
    """Store one buurtbudget round for an Assen buurt from a constructed file, labelled as an
    example (idempotent: skipped when the table is missing or already holds a round)."""
    from sqlalchemy import func, inspect, select

    from wijkkompas.budgeting.store import BudgetRound
    from wijkkompas.services.budgeting.rounds import import_round

    if not inspect(ws.engine).has_table("budget_rounds"):
        return False
    with ws.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(BudgetRound.__table__)).scalar():
            return False
    if progress:
        progress("demo-buurtbudget Oranjebuurt (voorbeeld)")
    path = data_dir().parent / DEMO_BUDGET
    import_round(ws, path.read_bytes(), file=DEMO_BUDGET, area_code=DEMO_BUDGET_AREA,
                 name="Buurtbudget Oranjebuurt 2026 (voorbeeld)", example=True)
    return True


def store_demo_governance(ws, *, progress: Callable[[str], None] | None = None) -> bool:  # noqa: ANN001
    """Store the demo partners, seats, commitments and one core team for Enschede
    (idempotent: skipped when the partner tables are missing or already hold partners).

    Seats and commitments follow from the demo agenda (``demo/governance-enschede.yaml``
    explains how); the file adds partner types and the core team of Twekkelerveld."""
    from datetime import date

    import yaml
    from sqlalchemy import func, inspect, select

    from wijkkompas.partners import service as partners
    from wijkkompas.partners.store import Partner
    from wijkkompas.services.agenda import usecases as agenda_service

    if not inspect(ws.engine).has_table("partners"):
        return False
    with ws.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(Partner)).scalar_one():
            return False
    if progress:
        progress("demo-partners en kernteam Enschede")
    spec = yaml.safe_load((data_dir().parent / "governance-enschede.yaml").read_text("utf-8"))
    types: dict[str, str] = spec["partner_types"]
    agenda = agenda_service.demo_agenda()
    for name, kind in types.items():
        partners.add_partner(ws, name, kind, notes="demo (voorbeeld, geen echte afspraak)")
    seats: dict[tuple[str, str, str], str] = {}
    for m in agenda.measures:
        for area in m.areas:
            for opgave in m.effects:
                for who, role in [*((p, "partner") for p in m.partners), (m.lead, "trekker")]:
                    if who in types and seats.get((who, area, opgave)) != "trekker":
                        seats[(who, area, opgave)] = role
        for who in (m.lead, *m.partners):
            if who in types and who != "Gemeente Enschede":
                partners.add_commitment(
                    ws, who, f"inzet voor {m.title}", starts=date(m.start_year, 1, 1),
                    ends=date(m.end_year, 12, 31), area=m.areas[0] if len(m.areas) == 1 else None,
                    measure=m.code)
    for (who, area, opgave), role in sorted(seats.items()):
        partners.involve(ws, who, area, opgave, role)
    team = spec["core_team"]
    partners.set_team(ws, team["area"], name=team["name"], mandate=team["mandate"],
                      budget_cents=int(team["budget_euros"]) * 100,
                      funding_stream=team["funding_stream"])
    for member in team["members"]:
        partners.add_member(ws, team["area"], member["name"], partner=member["partner"],
                            role=member["role"])
    for decision in team["decisions"]:
        partners.log_decision(ws, team["area"], decision["summary"],
                              cents=int(decision["euros"]) * 100, decided_on=decision["date"])
    return True


def store_demo_agenda(ws, *, progress: Callable[[str], None] | None = None) -> int | None:  # noqa: ANN001
    """Store the Enschede demo agenda with two scenarios (idempotent; skipped when the agenda
    tables do not exist). Returns the agenda id, or None when skipped."""
    from decimal import Decimal

    from sqlalchemy import inspect

    from wijkkompas.agenda.model import Scenario
    from wijkkompas.services.agenda import usecases as agenda_service

    if not inspect(ws.engine).has_table("agendas"):
        return None
    agenda = agenda_service.demo_agenda()
    stored = agenda_service.list_agendas(ws)
    same = stored[(stored["name"] == agenda.name) & (stored["year"] == agenda.year)]
    if len(same):
        return int(same["id"].iloc[0])
    if progress:
        progress(f"demo-agenda: {agenda.name}")
    agenda_id = agenda_service.save_agenda(ws, agenda)
    for scenario in (
            Scenario("krap rijksgeld", "Volkshuisvestingsfonds de helft",
                     budget_factors={"vhf": Decimal("0.5")}),
            Scenario("ruimer fysiek", "Gemeentelijk fysiek budget 20% hoger",
                     budget_factors={"fysiek": Decimal("1.2")})):
        agenda_service.save_scenario(ws, agenda_id, scenario)
    return agenda_id


ZUID_2031 = ("WK059910", "WK059915", "WK059912")  # Feijenoord, Charlois, IJsselmonde


def store_demo_monitor(ws, *, progress: Callable[[str], None] | None = None) -> bool:  # noqa: ANN001
    """Store the demo monitor (idempotent; skipped when the monitor tables do not exist):

    * ``zuid-2031``: Leefbaarometer of three Rotterdam-Zuid wijken towards the mean of the
      four demo municipalities by 2031. The demo has Leefbaarometer scores for 2012, 2014 and
      2016 only: three points, so the page honestly says "te weinig punten voor een
      betrouwbare trend" and makes no forecast;
    * ``zuid-wonen-2031``: 8,000 more inhabitants per wijk in 2031 than in 2016 (housing
      growth, NPRZ pillar Wonen), measured in 2016, 2021, 2022 and 2024 — enough points for
      a trend and a forecast per wijk — with a milestone in 2020, a year without a
      measurement (judged on the trend, and said so);
    * the pilot ``zuid-pilot`` (start 2014), judged on the Leefbaarometer.

    Opgave scores are not used for a demo target: the demo has the full indicator set of an
    afwegingskader in too few years for a score trend."""
    from sqlalchemy import inspect

    from wijkkompas.errors import NotFound
    from wijkkompas.monitor.pilots import Pilot
    from wijkkompas.services.monitor import pilots as pilot_svc
    from wijkkompas.services.monitor import usecases as svc

    if not inspect(ws.engine).has_table("monitor_targets"):
        return False
    if not set(ZUID_2031) <= set(ws.areas().index):
        return False
    targets = {
        "zuid-2031": dict(
            name="Rotterdam-Zuid op het gemiddelde in 2031", measure="indicator",
            subject="lbm_totaal", kind="reference", baseline_year=2012, target_year=2031,
            reference_areas=list(MUNICIPALITIES),
            reference_label="gemiddelde van de vier demogemeenten",
            note="Voorbeeld naar het NPRZ: de focuswijken op het gemiddelde in 2031."),
        "zuid-wonen-2031": dict(
            name="Wonen op Zuid: 8.000 inwoners meer per wijk in 2031", measure="indicator",
            subject="a_inw", kind="change", value=8000.0, direction="higher_better",
            baseline_year=2016, target_year=2031, milestones={2020: 2000.0},
            note="Voorbeeld naar de NPRZ-pijler Wonen: groei door woningbouw. Tussendoel 2020 "
                 "valt in een jaar zonder meting."),
    }
    for code, fields in targets.items():
        try:
            svc.get_target(ws, code)
        except NotFound:
            if progress:
                progress(f"demo-monitor: doel {code}")
            svc.add_target(ws, svc.make_target(code=code, areas=list(ZUID_2031), **fields),
                           reason="demodoel")
    if "zuid-pilot" not in {p.code for p in pilot_svc.list_pilots(ws)}:
        pilot_svc.save_pilot(ws, Pilot(code="zuid-pilot", name="Pilot Rotterdam-Zuid",
                                 areas=ZUID_2031, start_year=2014, subjects=("lbm_totaal",),
                                 note="Voorbeeldpilot in de drie focuswijken van zuid-2031."))
    return True


def municipality_overview(ws, codes: list[str] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Per municipality: wijken, buurten, newest population, data years, boundary years."""
    codes = codes or list(MUNICIPALITIES)
    areas = ws.areas()
    obs = ws.observations(areas=None, indicators=None)
    obs = obs.reset_index()
    obs["municipality"] = obs["area_code"].map(areas["municipality_code"])
    pop = obs[(obs["indicator"] == "a_inw") & (obs["status"] == "ok")
              & obs["area_code"].isin(codes)].sort_values("year")
    newest_pop = pop.drop_duplicates("area_code", keep="last").set_index("area_code")
    rows = []
    for code in codes:
        if code not in areas.index:
            continue
        mine = areas[areas["municipality_code"] == code]
        data = obs[obs["municipality"] == code]
        rows.append(
            {
                "code": code,
                "gemeente": areas.loc[code, "name"],
                "wijken": int((mine["level"] == "district").sum()),
                "buurten": int((mine["level"] == "neighbourhood").sum()),
                "inwoners": (int(newest_pop.loc[code, "value"])
                             if code in newest_pop.index else None),
                "inwoners_jaar": (int(newest_pop.loc[code, "year"])
                                  if code in newest_pop.index else None),
                "jaren": sorted(int(y) for y in data["year"].unique()),
                "indicatoren": int(data["indicator"].nunique()),
                "waarden": int((data["status"] == "ok").sum()),
            }
        )
    return pd.DataFrame(rows).set_index("code") if rows else pd.DataFrame()
