"""``wijkkompas monitor ...``: targets, progress, the gap between areas, register vs survey,
pilots. A thin layer over :mod:`wijkkompas.services.monitor.usecases`; every table can be exported to
CSV or Excel with ``--output``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import DbOption, _fmt, _workspace, console, handle_errors

if TYPE_CHECKING:  # pandas loads only in the commands that print a frame (fast start-up)
    import pandas as pd

monitor_app = typer.Typer(help="Monitoring: doelen, voortgang, verschillen tussen gebieden, "
                               "pilots.", no_args_is_help=True)

AreasOpt = Annotated[list[str], typer.Option("--areas", "-a",
                                             help="Gebiedscodes (herhaal of scheid met komma's).")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Schrijf de tabel naar .csv of .xlsx.")]


def _codes(items: list[str] | None) -> list[str]:
    return [c.strip().upper() for item in items or [] for c in item.split(",") if c.strip()]


def _milestones(items: list[str] | None) -> dict[int, float]:
    out = {}
    for item in items or []:
        year, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"tussendoel {item!r}: schrijf JAAR=WAARDE, bijv. 2026=2")
        out[int(year)] = float(value.replace(",", "."))
    return out


def _print_frame(frame: pd.DataFrame, title: str, digits: dict[str, int] | None = None) -> None:
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if isinstance(value, float):
                cells.append(_fmt(value, (digits or {}).get(col, 2)))
            else:
                cells.append("" if value is None else str(value))
        table.add_row(*cells)
    console.print(table)


@monitor_app.command("target-add")
@handle_errors
def target_add(
    code: Annotated[str, typer.Argument(help="Code van het doel, bijv. zuid-lbm-2031.")],
    areas: AreasOpt = None,  # type: ignore[assignment]
    name: Annotated[str | None, typer.Option(help="Naam van het doel.")] = None,
    indicator: Annotated[str | None, typer.Option(help="Indicatorcode, bijv. lbm_totaal.")] = None,
    opgave: Annotated[str | None, typer.Option(help="Opgavecode van een afwegingskader.")] = None,
    framework: Annotated[str | None, typer.Option(help="Afwegingskader (bij --opgave).")] = None,
    kind: Annotated[str | None, typer.Option(
        help="absolute, change (+/- t.o.v. basisjaar), reference of tier.")] = None,
    value: Annotated[float | None, typer.Option(help="Doelwaarde, verandering of marge.")] = None,
    baseline: Annotated[int | None, typer.Option(help="Basisjaar.")] = None,
    year: Annotated[int | None, typer.Option(help="Doeljaar, bijv. 2031.")] = None,
    reference: Annotated[list[str] | None, typer.Option(
        help="Referentiegebieden (bij kind=reference), bijv. de G4-gemeenten.")] = None,
    reference_year: Annotated[int | None, typer.Option(
        help="Jaar van de referentie (anders het nieuwste jaar).")] = None,
    reference_label: Annotated[str | None, typer.Option(help="Naam van de referentie.")] = None,
    threshold: Annotated[float | None, typer.Option(help="Klassegrens (bij kind=tier).")] = None,
    direction: Annotated[str | None, typer.Option(
        help="higher_better of higher_worse (standaard uit de catalogus).")] = None,
    milestone: Annotated[list[str] | None, typer.Option(help="Tussendoel JAAR=WAARDE.")] = None,
    note: Annotated[str | None, typer.Option(help="Toelichting.")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Wijzig een bestaand doel (nieuwe "
                                       "versie; de oude blijft bewaard).")] = False,
    expect_version: Annotated[int | None, typer.Option(
        help="Alleen wijzigen als het doel nog op deze versie staat.")] = None,
    reason: Annotated[str, typer.Option(help="Reden van de wijziging.")] = "",
    db: DbOption = None,
) -> None:
    """Leg een doel vast (of wijzig het met --edit: dat maakt een nieuwe versie)."""
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    opts = dict(name=name, areas=_codes(areas) or None, framework=framework, kind=kind,
                value=value, baseline_year=baseline, target_year=year,
                reference_areas=_codes(reference) or None, reference_year=reference_year,
                reference_label=reference_label, threshold=threshold, direction=direction,
                milestones=_milestones(milestone) or None, note=note)
    if edit:
        changes = {k: v for k, v in opts.items() if v is not None}
        if indicator or opgave:
            changes.update(measure="indicator" if indicator else "score",
                           subject=indicator or opgave)
        version = svc.edit_target(ws, code, changes, reason=reason,
                                  expected_version=expect_version)
    else:
        target = svc.target_from_options(code=code, indicator=indicator, opgave=opgave,
                                         **{k: v for k, v in opts.items() if v is not None})
        version = svc.add_target(ws, target, reason=reason)
    target = svc.get_target(ws, code)
    console.print(f"Doel {code} versie {version}: {target.describe()}", highlight=False)


@monitor_app.command("targets")
@handle_errors
def targets(
    code: Annotated[str | None, typer.Argument(help="Toon de geschiedenis van dit doel.")] = None,
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Alle doelen (huidige versie), of de versiegeschiedenis van één doel."""
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    if code:
        frame = svc.target_history(ws, code)
        shown = frame.assign(created_at=frame["created_at"].dt.strftime("%Y-%m-%d %H:%M"))
        _print_frame(shown[["version", "created_at", "created_by", "term", "reason",
                            "changed"]], f"Geschiedenis van doel {code}")
    else:
        frame = svc.list_targets(ws)
        _print_frame(frame[["code", "name", "version", "description", "terms"]], "Doelen")
    if output:
        svc.write_table(frame, output, sheet="doelen")
        console.print(f"Geschreven: {output}")


@monitor_app.command("progress")
@handle_errors
def progress(
    code: Annotated[str, typer.Argument(help="Code van het doel.")],
    as_of: Annotated[int | None, typer.Option(help="Alleen gegevens t/m dit jaar.")] = None,
    version: Annotated[int | None, typer.Option(help="Een eerdere versie van het doel.")] = None,
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Voortgang per gebied: basis → nu → doel, deel van de weg, prognose, op koers."""
    import pandas as pd

    from wijkkompas.formatting import percent
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    target = svc.get_target(ws, code, version)
    result = svc.target_progress(ws, target, as_of=as_of)
    t = result.table
    shown = pd.DataFrame({
        "gebied": t["name"], "basis": t["baseline_value"],
        "nu (jaar)": [("-" if pd.isna(v) else f"{_fmt(v, 2)} ({int(y)})")
                      for v, y in zip(t["current_value"], t["current_year"], strict=True)],
        "doel": t["target_value"],
        "deel v.d. weg": [percent(v, fraction=True) for v in t["share_of_way"]],
        "prognose (band)": [("-" if pd.isna(f) else f"{_fmt(f, 2)} ({_fmt(lo, 2)} – {_fmt(hi, 2)})")
                            for f, lo, hi in zip(t["forecast"], t["forecast_low"],
                                                 t["forecast_high"], strict=True)],
        "status": t["status_label"],
    })
    _print_frame(shown, f"{target.name} — {target.describe()}")
    console.print(result.summary().split("\n", 1)[1], highlight=False, soft_wrap=True)
    for row in t.itertuples():
        extra = "; ".join(x for x in (row.note, row.flags, row.milestones) if x)
        if extra:
            console.print(f"{row.name}: {extra}", highlight=False, soft_wrap=True)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    if output:
        svc.write_table(t, output, sheet="voortgang",
                        meta=svc.provenance(target=code, version=version or "huidig",
                                            definition=target.describe()))
        console.print(f"Geschreven: {output}")


@monitor_app.command("gap")
@handle_errors
def gap(
    subject: Annotated[str, typer.Argument(help="Indicator (of opgave met --framework).")],
    framework: Annotated[str | None, typer.Option(help="Afwegingskader voor een opgave.")] = None,
    level: Annotated[str, typer.Option(help="district (wijk) of neighbourhood (buurt).")
                     ] = "district",
    municipality: Annotated[list[str] | None, typer.Option(help="Gemeentecode(s).")] = None,
    measure: Annotated[str, typer.Option(help="auto, gap, theil of cv.")] = "auto",
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Verschillen tussen gebieden per gemeente en jaar, en of ze groeien."""
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    report = svc.gap_report(ws, subject, framework=framework, level=level,
                            municipalities=_codes(municipality) or None, measure=measure)
    table = report.table.reset_index()
    _print_frame(table[["municipality", "year", "n", "mean", "best_quintile", "worst_quintile",
                        "gap", "theil", "cv", "harmonised", "flags"]],
                 f"Spreiding van {subject} tussen gebieden",
                 {"theil": 4, "cv": 3})
    for verdict in report.verdicts:
        console.print(verdict.sentence, highlight=False, soft_wrap=True)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    if output:
        svc.write_table(table, output, sheet="spreiding", extra={"oordeel": report.verdict_frame()},
                        meta=svc.provenance(subject=subject, level=level,
                                            framework=framework or "-"))
        console.print(f"Geschreven: {output}")


@monitor_app.command("subjective")
@handle_errors
def subjective(
    municipality: Annotated[str | None, typer.Option(help="Gemeentecode.")] = None,
    threshold: Annotated[float, typer.Option(help="Signaal vanaf dit verschil (punten).")] = 10.0,
    only_signals: Annotated[bool, typer.Option("--signals", help="Alleen signalen.")] = False,
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Registratie tegenover beleving (Wijkprofiel objectief/subjectief): signalen om te bespreken."""
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    table = svc.subjective_report(ws, municipality=municipality, threshold=threshold,
                                  drift_threshold=threshold)
    shown = table[table["signal"]] if only_signals else table
    _print_frame(shown[["area_code", "name", "part_name", "year", "objective", "subjective",
                        "gap", "signal_text"]], "Registratie en beleving", {"gap": 1})
    console.print("Een verschil is een signaal om te bespreken, geen fout in de gegevens.")
    if output:
        svc.write_table(table, output, sheet="beleving")
        console.print(f"Geschreven: {output}")


@monitor_app.command("pilot")
@handle_errors
def pilot(
    subject: Annotated[str | None, typer.Argument(
        help="Indicator waarop de pilot beoordeeld wordt (standaard de eerste die bij de "
             "opgeslagen pilot hoort).")] = None,
    code: Annotated[str | None, typer.Option(help="Opgeslagen pilot (of opslaan met --save).")
                    ] = None,
    areas: AreasOpt = None,  # type: ignore[assignment]
    start: Annotated[int | None, typer.Option(help="Startjaar van de pilot.")] = None,
    name: Annotated[str | None, typer.Option(help="Naam van de pilot.")] = None,
    measures: Annotated[list[str] | None, typer.Option(help="Gekoppelde maatregelen.")] = None,
    baseline: Annotated[list[str] | None, typer.Option(
        help="Basisindicatoren voor de gelijkenis (standaard de indicator zelf).")] = None,
    k: Annotated[int, typer.Option(help="Vergelijkingsgebieden per pilotgebied.")] = 2,
    method: Annotated[str, typer.Option(help="mahalanobis of euclidean.")] = "mahalanobis",
    pool: Annotated[list[str] | None, typer.Option(
        help="Gemeenten waaruit vergelijkingsgebieden komen (standaard alle).")] = None,
    interval: Annotated[str, typer.Option(help="welch of bootstrap.")] = "welch",
    save: Annotated[bool, typer.Option("--save", help="Sla de pilot op onder --code.")] = False,
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Vergelijk een pilot met gelijkende gebieden (verschil-in-verschillen)."""
    import pandas as pd

    from wijkkompas.monitor.pilots import Pilot
    from wijkkompas.services.monitor import pilots as pilot_svc
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    if _codes(areas):
        if start is None:
            raise typer.BadParameter("geef --start (startjaar) bij --areas")
        the_pilot = Pilot(code=code or "pilot", name=name or code or "pilot",
                          areas=tuple(_codes(areas)), start_year=start,
                          measure_ids=tuple(_codes(measures)),
                          subjects=(subject,) if subject else ())
        if save:
            pilot_svc.save_pilot(ws, the_pilot)
    elif code:
        the_pilot = pilot_svc.get_pilot(ws, code)
    else:
        raise typer.BadParameter("geef --areas en --start, of --code van een opgeslagen pilot")
    subject = subject or (the_pilot.subjects[0] if the_pilot.subjects else None)
    report = pilot_svc.pilot_comparison(ws, the_pilot, subject,
                                  baseline_indicators=[b.lower() for b in _codes(baseline)] or None,
                                  k=k, method=method, pool_municipalities=_codes(pool) or None,
                                  interval=interval)
    _print_frame(report.matches[["pilot_name", "comparison_name", "comparison_area", "rank",
                                 "distance"]], f"Vergelijkingsgebieden — {the_pilot.name}")
    means = report.means.reset_index()
    _print_frame(means, f"Gemiddelde {report.subject} per groep", dict.fromkeys(means.columns, 3))
    did = report.did
    console.print(f"Verschil-in-verschillen: {_fmt(did.effect, 3)} "
                  f"({int(did.level * 100)}%-interval {_fmt(did.low, 3)} tot {_fmt(did.high, 3)}; "
                  f"{did.method}; vóór {did.pre_years}, na {did.post_years})", highlight=False)
    console.print(did.sentence(report.direction), highlight=False, soft_wrap=True)
    console.print(f"[dim]{did.caveat}[/]", highlight=False, soft_wrap=True)
    for warning in report.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    if output:
        summary = pd.DataFrame([{"effect": did.effect, "low": did.low, "high": did.high,
                                 "level": did.level, "method": did.method,
                                 "pilot_change": did.pilot_change,
                                 "comparison_change": did.comparison_change,
                                 "pre_trend_gap": did.pre_trend_gap, "caveat": did.caveat}])
        svc.write_table(report.matches, output, sheet="vergelijkingsgebieden",
                        extra={"per_gebied": did.per_area, "gemiddelden": means,
                               "effect": summary},
                        meta=svc.provenance(pilot=the_pilot.code, subject=report.subject,
                                            effect=did.effect, low=did.low, high=did.high))
        console.print(f"Geschreven: {output}")


@monitor_app.command("harmonise")
@handle_errors
def harmonise(
    indicator: Annotated[str, typer.Argument(help="Een aantal (count), bijv. a_inw.")],
    source_year: Annotated[int, typer.Option("--from", help="Grensjaar van de gegevens.")],
    target_year: Annotated[int, typer.Option("--to", help="Grensjaar om naar om te rekenen.")],
    level: Annotated[str, typer.Option(help="Niveau van de brongrenzen.")] = "neighbourhood",
    target_level: Annotated[str | None, typer.Option(help="Niveau van de doelgrenzen.")] = None,
    municipality: Annotated[str | None, typer.Option(help="Gemeentecode.")] = None,
    output: OutputOpt = None,
    db: DbOption = None,
) -> None:
    """Reken aantallen oppervlaktegewogen om naar de grenzen van een ander jaar."""
    from wijkkompas.services.monitor import usecases as svc

    ws = _workspace(db)
    table = svc.harmonised_counts(ws, indicator, source_year=source_year,
                                  target_year=target_year, level=level,
                                  target_level=target_level, municipality=municipality)
    _print_frame(table[["area_code", "name", "year", "value", "coverage", "flag"]],
                 f"{indicator} op de grenzen van {target_year}", {"value": 0, "coverage": 2})
    if output:
        svc.write_table(table, output, sheet="geharmoniseerd")
        console.print(f"Geschreven: {output}")
