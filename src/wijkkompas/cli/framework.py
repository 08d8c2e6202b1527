"""``wijkkompas frameworks``, ``score``, ``explain`` and ``sensitivity``: the afwegingskader."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wijkkompas.cli._common import (
    DbOption,
    _fmt,
    _progress_printer,
    _workspace,
    console,
    handle_errors,
)

commands = typer.Typer()
"""Registered on the main app without a group name."""


LevelOption = Annotated[str | None, typer.Option(
    "--level", "--niveau", help="Niveau: buurt of wijk (ook neighbourhood/district); standaard "
    "het niveau van het kader.")]
FrameworkArg = Annotated[str, typer.Argument(help="Afwegingskader: YAML-bestand of de naam van "
                                             "een preset (rotterdam, groningen, enschede, assen).")]


@commands.command()
@handle_errors
def frameworks() -> None:
    """Toon de meegeleverde afwegingskaders (presets)."""
    from wijkkompas.framework.presets import preset_names
    from wijkkompas.framework.schema import load_framework

    table = Table("preset", "naam", "niveau", "gemodelleerd naar")
    for name in preset_names():
        fw = load_framework(name)
        table.add_row(name, fw.name, fw.level, fw.modelled_on or "")
    console.print(table)


def _table_years(values: list[str]) -> tuple[int | None, str | None]:
    """``--year`` with ``--table``: a year (a whole number) and/or the name of the table's
    year column (e.g. COINr's ``Time``)."""
    year = column = None
    for value in values:
        if value.strip().lstrip("-").isdigit():
            if year is not None:
                raise typer.BadParameter("met --table één jaar", param_hint="--year")
            year = int(value)
        elif column is None:
            column = value
        else:
            raise typer.BadParameter("met --table één jaarkolom", param_hint="--year")
    return year, column


def _db_years(values: list[str]) -> list[int] | None:
    years = []
    for value in values:
        if not value.strip().lstrip("-").isdigit():
            raise typer.BadParameter(f"{value!r} is geen jaar (een jaarkolom kan alleen met "
                                     "--table)", param_hint="--year")
        years.append(int(value))
    return years or None


@commands.command()
@handle_errors
def score(
    framework: FrameworkArg,
    year: Annotated[list[str] | None, typer.Option("--year", help=(
        "Jaar (herhaalbaar). Met --table: het jaar, of de naam van de jaarkolom (bijv. "
        "Time)."))] = None,
    opgave: Annotated[str | None, typer.Option(help="Alleen deze opgave tonen.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Schrijf alle scores "
                                                "naar .csv of .xlsx.")] = None,
    table_file: Annotated[Path | None, typer.Option("--table", help="Scoor een brede CSV "
                                                    "(gebiedscode + indicatorkolommen) zonder "
                                                    "database.")] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help=(
        "Met --table: de kolom met de ids van de eenheden, zoals ze zijn (geen "
        "CBS-codes nodig); andere tekstkolommen zijn kenmerken, geen indicatoren."))] = None,
    name_column: Annotated[str | None, typer.Option("--name-column", help=(
        "Met --table: de kolom met de namen van de eenheden."))] = None,
    output_steps: Annotated[Path | None, typer.Option("--output-steps", help=(
        "Schrijf elke tussenstap (denominated, imputed, screened, treated, normalised, "
        "aggregated) als CSV in deze map."))] = None,
    level: LevelOption = None,
    db: DbOption = None,
) -> None:
    """Scoor een afwegingskader: ranglijst, prioriteitsklassen en koppelkansen."""
    from wijkkompas.framework.stepfiles import write_steps
    from wijkkompas.services.framework.scoring import (
        resolve_framework,
        score_table,
        score_workspace,
    )

    if table_file is None and (id_column or name_column):
        raise typer.BadParameter("alleen met --table", param_hint="--id-column/--name-column")
    if table_file is not None:
        table_year, year_column = _table_years(year or [])
        result = score_table(table_file, framework, year=table_year, id_column=id_column,
                             name_column=name_column, year_column=year_column,
                             progress=_progress_printer(), keep_steps=output_steps is not None)
        years = [table_year] if table_year is not None else []
    else:
        years = _db_years(year or []) or []
        fw = resolve_framework(framework, level)  # a bad framework says so before the database
        result = score_workspace(_workspace(db, create=False), fw, years=years or None,
                                 progress=_progress_printer(),
                                 keep_steps=output_steps is not None)
    fw = result.framework
    # The year asked for (an anchored framework also scores its base year), else the last.
    asked = [y for y in years if y in result.years]
    last = asked[-1] if asked else result.years[-1]
    codes = [opgave] if opgave else [op.code for op in fw.opgaven]
    for code in codes:
        ranking = result.ranking(code, last)
        name = next((op.name for op in fw.opgaven if op.code == code), code)
        table = Table("prioriteit", "gebied", "code", "score", "klasse",
                      title=f"{name} — {last} (prioriteit 1 = meest urgent, laagste score)",
                      title_justify="left")
        for area, row in ranking.iterrows():
            tier = row["tier"] if isinstance(row["tier"], str) else "niet beoordeeld"
            table.add_row(_fmt(row["priority_rank"], 0), str(row["name"]), area,
                          _fmt(row["score"]), tier)
        console.print(table)
    if len(fw.opgaven) > 1 and not opgave:
        summary = result.koppelkansen_summary(last, min_opgaven=2)
        if len(summary):
            tiers = " of ".join(f"'{t}'" for t in fw.priority.tier_labels()[:-1])
            table = Table("opgaven die samenvallen", "gebieden", "namen",
                          title=f"Koppelkansen (klasse {tiers} op twee of meer opgaven)",
                          title_justify="left")
            for combo, row in summary.iterrows():
                table.add_row(combo, str(row["gebieden"]), row["namen"])
            console.print(table)
    if fw.approach is not None and not opgave:
        approaches = result.approaches(last)
        table = Table("gebied", "code", "aanpak", "waarom", title=f"{fw.approach.name} — {last}",
                      title_justify="left")
        for area, row in approaches.sort_values(["approach", "name"],
                                                na_position="last").iterrows():
            approach = row["approach"] if isinstance(row["approach"], str) else "–"
            table.add_row(str(row["name"]), area, approach, row["explanation"])
        console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    prov = result.provenance()
    console.print(f"[dim]kader {prov['framework']} v{prov['framework_version']} "
                  f"({prov['framework_fingerprint']}), gegevens {prov['data_fingerprint']}, "
                  f"vergelijkbaar over jaren: {prov['comparable_over_time']}[/]")
    if output is not None:
        if output.suffix.lower() == ".xlsx":
            result.to_excel(output)
        else:
            result.to_csv(output)
        console.print(f"Geschreven: {output}")
    if output_steps is not None:
        paths = write_steps(result, output_steps)
        console.print(f"Geschreven: {len(paths)} stapbestanden in {output_steps}")


@commands.command()
@handle_errors
def explain(
    framework: FrameworkArg,
    area: Annotated[str, typer.Argument(help="Gebiedscode, bijv. WK059915.")],
    opgave: Annotated[str | None, typer.Option(help="Opgave (standaard de eerste).")] = None,
    year: Annotated[int | None, typer.Option(help="Jaar (standaard het laatste).")] = None,
    level: LevelOption = None,
    db: DbOption = None,
) -> None:
    """Leg uit waarom een gebied zo scoort: bijdrage per indicator."""
    from wijkkompas.data.catalogue import load_catalogue
    from wijkkompas.formatting import signed
    from wijkkompas.services.framework.scoring import resolve_framework, score_workspace

    if level is None and area.strip().upper().startswith(("WK", "BU")):
        from wijkkompas.data.codes import level_of

        level = level_of(area.strip().upper())  # a buurt code explains the buurt ranking
    fw = resolve_framework(framework, level)
    result = score_workspace(_workspace(db, create=False), fw,
                             years=[year] if year else None)
    codes = [opgave] if opgave else [op.code for op in result.framework.opgaven]
    cat = load_catalogue()
    for code in codes:
        ex = result.explain(area.upper(), code, year)
        console.print(ex.summary(), highlight=False)
        if ex.contributions.empty:
            continue
        table = Table("indicator", "thema", "waarde", "referentie", "bijdrage")
        themes = {th.code: th.name for op in result.framework.opgaven for th in op.themes}
        for ind, row in ex.contributions.iterrows():
            label = cat[ind].label_nl if ind in cat else ind
            # contributions are score points: one decimal, as in the summary above
            table.add_row(label, themes.get(row["theme"], row["theme"]), _fmt(row["raw"], 2),
                          _fmt(row["reference"], 2), signed(row["contribution"], 1))
        console.print(table)


def _parse_vary(items: list[str] | None) -> dict[str, list[str]]:
    """``["normalise=minmax,zscore", "aggregate=mean,geomean"]`` -> a dict of alternatives."""
    out: dict[str, list[str]] = {}
    for item in items or []:
        step, sep, alts = item.partition("=")
        if not sep or not alts.strip():
            raise typer.BadParameter(f"{item!r}: verwacht stap=methode1,methode2",
                                     param_hint="--vary")
        out.setdefault(step.strip(), []).extend(a.strip() for a in alts.split(",") if a.strip())
    return out


@commands.command()
@handle_errors
def sensitivity(
    framework: FrameworkArg,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Aantal trekkingen.")] = 1000,
    concentration: Annotated[float, typer.Option("--concentration", min=0.001, help=(
        "Dirichlet-concentratie: hoger = gewichten dichter bij de eigen gewichten (50: ca. "
        "±20% bij drie gelijke gewichten)."))] = 50.0,
    vary: Annotated[list[str] | None, typer.Option("--vary", help=(
        "Varieer een methode, bijv. normalise=minmax,zscore,rank of aggregate=mean,geomean "
        "(herhaalbaar)."))] = None,
    year: Annotated[int | None, typer.Option("--year", help="Jaar (standaard het "
                                             "laatste).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Startwaarde van de "
                                      "toevalsgenerator.")] = 0,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=(
        "Schrijf de tabel naar .csv (de drijvers naar <naam>-drivers.csv)."))] = None,
    level: LevelOption = None,
    db: DbOption = None,
) -> None:
    """Gevoeligheidsanalyse: hoe stabiel zijn rangen en klassen bij andere gewichten en methoden?"""
    from wijkkompas.formatting import number, percent
    from wijkkompas.services.framework.scoring import resolve_framework, sensitivity_workspace
    from wijkkompas.services.shared.methods import step_label

    fw = resolve_framework(framework, level)
    result = sensitivity_workspace(_workspace(db, create=False), fw, draws=draws,
                                   concentration=concentration, methods=_parse_vary(vary),
                                   year=year, seed=seed, progress=_progress_printer())
    first = result.tier_labels[0]
    fw = result.framework
    names = {op.code: op.name for op in fw.opgaven}
    names.update({th.code: th.name for op in fw.opgaven for th in op.themes})
    names.update({i.code: i.label for op in fw.opgaven for th in op.themes
                  for i in th.indicators if i.label})
    for node in result.table["node"].unique():
        rows = result.ranking(node)
        table = Table("gebied", "code", "prioriteit", "mediaan", "5–95%", f"P({first})",
                      "robuust", title=f"{rows['node_name'].iloc[0]} — {result.year} "
                      f"({result.draws} trekkingen; prioriteit 1 = meest urgent)",
                      title_justify="left")
        # The analysis ranks scores (1 = highest); shown as priority like every list.
        n = int(rows["nominal_rank"].notna().sum())
        high = any(op.code == node and op.priority_when == "high"
                   for op in result.framework.opgaven)

        def flip(rank: float, n: int = n, high: bool = high) -> float:
            return rank if high else n + 1 - rank

        for _, row in rows.iterrows():
            lo, hi = sorted((flip(row["rank_p05"]), flip(row["rank_p95"])))
            table.add_row(str(row["name"]), row["area_code"], _fmt(row["priority_rank"], 0),
                          _fmt(flip(row["median_rank"]), 0), f"{_fmt(lo, 0)}–{_fmt(hi, 0)}",
                          percent(row[f"p[{first}]"], fraction=True), "ja" if row["robust"] else "")
        console.print(table)
    if len(result.drivers):
        table = Table("opgave", "onzekerheid", "soort", "S", "ruis",
                      title="Wat drijft de variatie in rangen? (S: eerste-orde-index)",
                      title_justify="left")
        for _, row in result.drivers.groupby("node", sort=False).head(8).iterrows():
            kind = f"gewicht {row['level']}" if row["kind"] == "gewicht" else "methode"
            # names, not codes (fysiek_wonen -> Woningvoorraad); a method step in words
            what = names.get(row["input"]) or (step_label(row["input"])
                                               if row["kind"] != "gewicht" else row["input"])
            table.add_row(names.get(row["node"], row["node"]), what, kind,
                          _fmt(row["s_first"], 2), _fmt(row["noise"], 3))
        console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]let op:[/] {warning}", highlight=False)
    prov = result.provenance()
    console.print(f"[dim]kader {prov['framework']} v{prov['framework_version']}, gegevens "
                  f"{prov['data_fingerprint']}, concentratie {prov['concentration']}, seed "
                  f"{prov['seed']}, methoden {prov['methods']}, {number(result.seconds, 1)} s[/]")
    if output is not None:
        result.to_csv(output)
        drivers = output.with_name(f"{output.stem}-drivers{output.suffix or '.csv'}")
        result.drivers_to_csv(drivers)
        console.print(f"Geschreven: {output} en {drivers}")
