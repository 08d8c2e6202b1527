"""Wat de cijfers zeggen – wat bewoners zeggen: the framework's signal beside residents' voice.

For every resident result (the latest year of each area, theme, label and measure) this module
puts two judgements side by side:

* **the numbers** (cijfers): the framework's indicators that belong to the result's catalogue
  theme, in the opgaven where a *low* score is the problem (``priority_when: low``). On the
  framework's own normalised scale (higher is better for every indicator) the numbers point to
  a need when the area's mean difference with the framework's reference is below zero: on this
  theme the area does worse than the reference. The opgaven these indicators feed are shown
  with their score and tier. Without such indicators the framework says nothing about the theme.
* **residents** (bewoners): see :func:`wijkkompas.residents.measures.residents_see_need`.

Agreement and disagreement are marked; a disagreement is a reason to talk (as the register vs
survey signal of the monitor is), never a verdict on who is right. A small sample is marked with
it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.framework.result import ScoreResult
from wijkkompas.residents.measures import residents_see_need, small_sample

# Verdicts, in the order tables show them.
DIFFERS_RESIDENTS = "bewoners_wel"  # residents see a need the numbers do not show
DIFFERS_NUMBERS = "cijfers_wel"  # the numbers show a need residents do not name
AGREE_NEED = "eens_opgave"
AGREE_NONE = "eens_geen_opgave"
NOT_MEASURED = "niet_gemeten"  # the framework has no indicator for the theme here
VERDICTS = (DIFFERS_RESIDENTS, DIFFERS_NUMBERS, AGREE_NEED, AGREE_NONE, NOT_MEASURED)
DISAGREE = (DIFFERS_RESIDENTS, DIFFERS_NUMBERS)

COLUMNS = ["area_code", "scored_area", "theme", "label", "year", "measure", "value",
           "respondents", "margin", "source", "small_sample", "residents_need",
           "numbers_year", "numbers_need", "n_indicators", "n_below", "indicators",
           "theme_score", "reference_score", "opgaven", "verdict"]


def latest(results: pd.DataFrame) -> pd.DataFrame:
    """The latest year of every area × theme × label × measure."""
    if results.empty:
        return results
    key = ["area_code", "theme", "label", "measure"]
    order = results.sort_values([*key, "year"])
    return order.groupby(key, sort=False).tail(1).reset_index(drop=True)


def need_indicators(result: ScoreResult, themes: dict[str, str]) -> dict[str, list[str]]:
    """Catalogue theme -> the framework's indicators in it, in opgaven where a low score is the
    problem (each indicator once)."""
    out: dict[str, list[str]] = {}
    for op in result.framework.opgaven:
        if op.priority_when != "low":
            continue
        for th in op.themes:
            for spec in th.indicators:
                theme = themes.get(spec.code)
                if theme is not None and spec.code in result.normalised.columns:
                    codes = out.setdefault(theme, [])
                    if spec.code not in codes:
                        codes.append(spec.code)
    return out


def _opgaven_of(result: ScoreResult, indicators: list[str]) -> list[str]:
    return [op.code for op in result.framework.opgaven if op.priority_when == "low"
            and any(s.code in indicators for th in op.themes for s in th.indicators)]


def _numbers_year(years: list[int], survey_year: int) -> int | None:
    """The framework year to compare with: the latest at or before the survey, else the
    first after it."""
    before = [y for y in years if y <= survey_year]
    return before[-1] if before else (years[0] if years else None)


def compare(results: pd.DataFrame, result: ScoreResult | None, themes: dict[str, str],
            scored_area: dict[str, str | None] | None = None) -> pd.DataFrame:
    """One row per latest resident result with both judgements and the verdict.

    Parameters
    ----------
    results
        Stored resident results (see :func:`wijkkompas.residents.store.stored_residents`).
    result
        The framework's scores for the areas' level (None: nothing to compare with).
    themes
        Indicator code -> catalogue theme.
    scored_area
        Resident area -> the area the framework scored for it (a buurt may be judged by its
        wijk's scores); default: the area itself.

    ``opgaven`` is a list of ``{"code", "name", "score", "tier"}`` per row; ``indicators`` the
    framework indicators of the theme; ``theme_score``/``reference_score`` their mean
    normalised value for the area and the reference.
    """
    rows = latest(results)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = rows.copy()
    rows["small_sample"] = small_sample(rows["respondents"], rows["margin"], rows["measure"])
    # The priority rule compares themes within one survey: rank over the latest results.
    rows["residents_need"] = residents_see_need(rows).to_numpy(dtype=bool)
    mapping = scored_area or {}
    rows["scored_area"] = [mapping.get(a, a) for a in rows["area_code"]]
    by_theme = need_indicators(result, themes) if result is not None else {}
    years = result.years if result is not None else []
    names = {op.code: op.name for op in result.framework.opgaven} if result is not None else {}
    ref = result.reference_normalised if result is not None else pd.Series(dtype=float)
    out = []
    for rec in rows.itertuples(index=False):
        inds = by_theme.get(rec.theme, [])
        year = _numbers_year(years, int(rec.year))
        key = (year, rec.scored_area)
        numbers_need, n_below, n_used = None, 0, 0
        theme_score = reference_score = np.nan
        opgaven: list[dict] = []
        if result is not None and inds and isinstance(rec.scored_area, str) \
                and key in result.normalised.index:
            own = result.normalised.loc[key, inds].astype(float)
            base = ref.reindex(inds).astype(float)
            diff = (own - base).dropna()
            n_used = len(diff)
            if n_used:
                n_below = int((diff < 0).sum())
                numbers_need = bool(diff.mean() < 0)
                theme_score = float(own[diff.index].mean())
                reference_score = float(base[diff.index].mean())
            for op in _opgaven_of(result, inds):
                score = result.scores.loc[key, op] if key in result.scores.index else np.nan
                tier = result.tiers.loc[key, op] if (key in result.tiers.index
                                                     and op in result.tiers.columns) else None
                opgaven.append({"code": op, "name": names[op],
                                "score": None if pd.isna(score) else float(score),
                                "tier": tier if isinstance(tier, str) else None})
        if numbers_need is None:
            verdict = NOT_MEASURED
        elif numbers_need and rec.residents_need:
            verdict = AGREE_NEED
        elif not numbers_need and not rec.residents_need:
            verdict = AGREE_NONE
        else:
            verdict = DIFFERS_RESIDENTS if rec.residents_need else DIFFERS_NUMBERS
        out.append({
            "area_code": rec.area_code, "scored_area": rec.scored_area, "theme": rec.theme,
            "label": rec.label, "year": int(rec.year), "measure": rec.measure,
            "value": float(rec.value),
            "respondents": None if pd.isna(rec.respondents) else int(rec.respondents),
            "margin": None if pd.isna(rec.margin) else float(rec.margin),
            "source": rec.source, "small_sample": bool(rec.small_sample),
            "residents_need": bool(rec.residents_need),
            "numbers_year": year if numbers_need is not None else None,
            "numbers_need": numbers_need, "n_indicators": n_used, "n_below": n_below,
            "indicators": list(inds), "theme_score": theme_score,
            "reference_score": reference_score, "opgaven": opgaven, "verdict": verdict})
    frame = pd.DataFrame(out, columns=COLUMNS)
    order = {v: i for i, v in enumerate(VERDICTS)}
    return frame.sort_values(["area_code", "verdict", "theme"], key=lambda s: s.map(order)
                             if s.name == "verdict" else s).reset_index(drop=True)


def area_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per area: the number of themes per verdict and whether residents and numbers differ
    anywhere (``differs``)."""
    if table.empty:
        return pd.DataFrame(columns=["area_code", *VERDICTS, "differs", "small_samples"])
    counts = pd.crosstab(table["area_code"], table["verdict"]).reindex(
        columns=list(VERDICTS), fill_value=0)
    counts["differs"] = counts[list(DISAGREE)].sum(axis=1) > 0
    counts["small_samples"] = table.groupby("area_code")["small_sample"].sum().reindex(
        counts.index).astype(int)
    return counts.reset_index()
