"""Scoring use cases: load what a framework needs from the workspace and score it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wijkkompas.framework.inputs import ScoringData, from_wide_table
from wijkkompas.framework.result import ScoreResult
from wijkkompas.framework.schema import Framework, load_framework

if TYPE_CHECKING:
    from wijkkompas.framework.sensitivity import SensitivityResult

Progress = Callable[[str], None]


def resolve_framework(framework: Framework | str | Path, level: str | None = None
                      ) -> Framework:
    """A Framework object, a YAML path or a preset name; at ``level`` (``buurt``/``wijk`` or
    the stored names) when given, see :meth:`Framework.at_level`."""
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    return fw.at_level(level) if level else fw


def scoring_data(ws, fw: Framework) -> ScoringData:  # noqa: ANN001
    """Observations of the framework's indicators, denominators, population and reference
    areas, plus the area table."""
    specs = fw.indicator_specs()
    rule = fw.priority
    indicators = sorted({*specs, *(s.denominator for s in specs.values() if s.denominator),
                         fw.screen.population_indicator, rule.households_indicator,
                         rule.establishments_indicator})
    obs = ws.observations(indicators=indicators).reset_index()
    areas = ws.areas()[["name", "level", "municipality_code", "parent_code"]]
    return ScoringData(obs, areas)


def score_workspace(ws, framework: Framework | str | Path, *, years: list[int] | None = None,  # noqa: ANN001
                    areas: list[str] | None = None, progress: Progress | None = None,
                    level: str | None = None, keep_steps: bool = False) -> ScoreResult:
    from wijkkompas.framework.score import score

    fw = resolve_framework(framework, level)
    if progress:
        progress(f"gegevens laden voor {fw.name}")
    return score(fw, scoring_data(ws, fw), years=years, areas=areas, progress=progress,
                 keep_steps=keep_steps)


def score_table(path: str | Path, framework: Framework | str | Path, *,
                year: int | None = None, progress: Progress | None = None,
                id_column: str | None = None, name_column: str | None = None,
                year_column: str | None = None, keep_steps: bool = False) -> ScoreResult:
    """Score a plain wide CSV (unit id + indicator columns) without any database.

    Without ``id_column`` the ids are CBS area codes (found in the table); with it any ids,
    taken as they are (see :func:`~wijkkompas.framework.inputs.from_wide_table`)."""
    from wijkkompas.framework.score import score

    fw = resolve_framework(framework)
    specs = fw.indicator_specs()
    numeric = {*specs, *(s.denominator for s in specs.values() if s.denominator)}
    data = from_wide_table(path, year=year, id_column=id_column, name_column=name_column,
                           year_column=year_column, level=fw.level, numeric=numeric)
    notes = []
    # A table has no area hierarchy beyond the codes: score whatever level it holds.
    levels = data.areas["level"].value_counts()
    if fw.level not in levels.index and len(levels):
        notes.append(f"de tabel heeft geen gebieden op niveau {fw.level}; gescoord op "
                     f"niveau {levels.index[0]}")
        fw = fw.model_copy(update={"level": levels.index[0]})
    if fw.municipalities and not data.areas["municipality_code"].isin(fw.municipalities).any():
        notes.append("de tabel heeft geen gebieden in de gemeenten van het kader; alle "
                     "gebieden van de tabel zijn gescoord")
        fw = fw.model_copy(update={"municipalities": []})
    if fw.reference.type in ("municipality", "national", "municipalities"):
        present = set(data.areas.index)
        wanted = ({"NL00"} if fw.reference.type == "national" else set(fw.reference.codes)
                  | ({fw.reference.municipality} if fw.reference.municipality else set()))
        if not wanted & present:
            notes.append("de referentiegebieden staan niet in de tabel; referentie is het "
                         "gemiddelde van de gescoorde gebieden")
            fw = fw.model_copy(update={"reference": fw.reference.model_copy(
                update={"type": "areas_mean"})})
    result = score(fw, data, years=[year] if year else None, progress=progress,
                   keep_steps=keep_steps)
    result.warnings[:0] = notes
    return result


def sensitivity_workspace(ws, framework: Framework | str | Path, *, draws: int = 1000,  # noqa: ANN001
                          concentration: float = 50.0,
                          methods: dict[str, list[str]] | None = None,
                          year: int | None = None, seed: int = 0,
                          progress: Progress | None = None,
                          level: str | None = None) -> SensitivityResult:
    """Uncertainty and sensitivity analysis of a framework on the workspace's data."""
    from wijkkompas.framework.sensitivity import sensitivity

    fw = resolve_framework(framework, level)
    if progress:
        progress(f"gegevens laden voor {fw.name}")
    return sensitivity(fw, scoring_data(ws, fw), draws=draws, concentration=concentration,
                       methods=methods, year=year, seed=seed, progress=progress)
