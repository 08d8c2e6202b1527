"""The result of scoring a framework: every intermediate step, explained and reproducible."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from wijkkompas import __version__
from wijkkompas.exportsafe import excel_writer, write_csv
from wijkkompas.framework.schema import Framework

N_STRENGTHS = 3


class Deferred:
    """A frame that is made on first use: ``Deferred(make, *args)`` gives ``make(*args)``
    (a module-level function keeps the result picklable)."""

    def __init__(self, make: Callable[..., pd.DataFrame], *args: Any) -> None:
        self.func, self.args = make, args

    def make(self) -> pd.DataFrame:
        return self.func(*self.args)


class _LazyFrame:
    """A dataclass field holding a frame or a :class:`Deferred`; reading it makes the frame
    once and keeps it. (``__get__`` on the class raises AttributeError, so the field has no
    default.)"""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: Any, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError(self.slot)
        value = obj.__dict__[self.slot]
        if isinstance(value, Deferred):
            value = obj.__dict__[self.slot] = value.make()
        return value

    def __set__(self, obj: Any, value: pd.DataFrame | Deferred) -> None:
        obj.__dict__[self.slot] = value


def framework_provenance(fw: Framework, data_fingerprint: str, created: str) -> dict[str, str]:
    """What every framework result records: framework id, version and fingerprint, the data
    fingerprint, the tool version and when it was made."""
    return {
        "framework": fw.id,
        "framework_version": str(fw.version),
        "framework_fingerprint": fw.fingerprint(),
        "data_fingerprint": data_fingerprint,
        "tool_version": __version__,
        "created": created,
    }


@dataclass
class AreaExplanation:
    """Why an area scores as it does on one opgave in one year."""

    area_code: str
    name: str
    year: int
    opgave: str
    opgave_name: str
    score: float  # NaN when the area was not assessed on this opgave (see ``reason``)
    reference_score: float
    rank: int | None  # 1 = highest score; None without a score
    n_ranked: int
    tier: str | None
    contributions: pd.DataFrame  # indicator, theme, raw, used, normalised, reference, contribution
    # (``used`` is ``raw`` after imputation: it differs where the source had no value)
    strengths: list[str]
    weaknesses: list[str]
    # Why there is no score ("te weinig gegevens ...", "minder dan 500 inwoners"); None when
    # the area has a score.
    reason: str | None = None
    priority_rank: int | None = None  # 1 = the most urgent (lowest score); None without a score
    # Scored, but given no priority tier (too few inhabitants, a business area): why.
    not_assessed: str | None = None

    @property
    def assessed(self) -> bool:
        return self.reason is None

    def summary(self) -> str:
        from wijkkompas.formatting import score

        if not self.assessed:
            return (f"{self.name} ({self.area_code}), {self.opgave_name} {self.year}: "
                    f"niet beoordeeld: {self.reason}")
        diff = self.score - self.reference_score
        side = "boven" if diff >= 0 else "onder"
        lines = [
            f"{self.name} ({self.area_code}), {self.opgave_name} {self.year}: score "
            f"{score(self.score)}, {score(abs(diff))} {side} de referentie "
            f"({score(self.reference_score)}); "
            + (f"prioriteit {self.priority_rank} van {self.n_ranked} (1 = meest urgent); "
               f"klasse: {self.tier or '–'}" if self.not_assessed is None else
               f"geen prioriteit: niet beoordeeld — {self.not_assessed}"),
        ]
        if self.weaknesses:
            lines.append("trekt omlaag: " + ", ".join(self.weaknesses))
        if self.strengths:
            lines.append("trekt omhoog: " + ", ".join(self.strengths))
        return "\n".join(lines)


@dataclass
class ScoreResult:
    """Scores at every level with ranks, tiers, contributions and provenance.

    Frames are indexed by ``(year, area_code)``. ``scores``/``ranks`` have one column per
    opgave, theme and (optional) overall index; ``tiers`` one per opgave; ``contributions``
    is long (year, area_code, opgave, theme, indicator, contribution): how far each indicator
    pushes the opgave score above (+) or below (-) the reference; :func:`score` hands it over
    as a :class:`Deferred`, made when it is first read.
    """

    framework: Framework
    raw: pd.DataFrame
    normalised: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    tiers: pd.DataFrame
    contributions: pd.DataFrame = _LazyFrame()  # type: ignore[assignment]  # or a Deferred
    reference: pd.Series
    reference_normalised: pd.Series
    reference_scores: pd.Series
    weights: dict[str, pd.Series]
    screened: pd.DataFrame
    warnings: list[str]
    data_fingerprint: str
    areas: pd.DataFrame
    comparable_over_time: bool
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    # The values after imputation, before outlier treatment (same shape as ``raw``): what the
    # framework actually used where the source had no value.
    imputed: pd.DataFrame | None = None
    # Who may get a priority tier: inputs (population, households, establishments) and the
    # Dutch reason an area is not assessed (None when it is), per (year, area_code).
    assessment: pd.DataFrame | None = None
    # Peiljaar mode: the data year of every raw value (same shape as ``raw``), else None.
    source_years: pd.DataFrame | None = None
    # Intermediate values by step (denominated, imputed, screened, treated) when scored with
    # ``keep_steps``, for :func:`wijkkompas.framework.stepfiles.write_steps`; may hold more
    # rows than were scored (history years). Empty otherwise (they are as large as ``raw``).
    steps: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def priority_ranks(self) -> pd.DataFrame:
        """Ranks per year with 1 = the most urgent area: the lowest score, or the highest for
        an opgave with ``priority_when: high`` (``ranks`` always has 1 = the highest score).
        Same shape and tie rule as ``ranks``. An area that is not assessed (too few inhabitants,
        a business area: :attr:`assessment`) has no priority rank."""
        return self._derived("priority_ranks", self._priority_ranks)

    def _derived(self, name: str, make: Callable[[], Any], *args: Any) -> Any:
        """``make(*args)``, kept with the result while the frames it rests on are the same
        objects (a ranking per opgave reads the same priority ranks and approaches)."""
        basis = (self.framework, self.scores, self.tiers, self.assessment)
        cache = self.__dict__.setdefault("_derived_cache", {})
        kept = cache.get((name, args))
        if kept is None or any(a is not b for a, b in zip(kept[0], basis, strict=True)):
            kept = cache[(name, args)] = (basis, make(*args))
        return kept[1].copy(deep=False)  # copy-on-write: the caller may change its copy

    def _priority_ranks(self) -> pd.DataFrame:
        from wijkkompas.framework.rank import rank_scores

        high = {op.code for op in self.framework.opgaven if op.priority_when == "high"}
        scores = self.scores
        if self.assessment is not None and "reason" in self.assessment:
            assessed = self.assessment["reason"].reindex(scores.index).isna()
            scores = scores.where(assessed, axis=0)
        return scores.apply(
            lambda s: rank_scores(s, by_year=True, ascending=s.name not in high))

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores.index.get_level_values("year").unique())

    def provenance(self) -> dict[str, str]:
        fw = self.framework
        out = {
            **framework_provenance(fw, self.data_fingerprint, self.created),
            "comparable_over_time": "ja" if self.comparable_over_time else "nee",
            "level": fw.level,
            "years": ", ".join(str(y) for y in self.years),
        }
        if fw.peiljaar is not None:
            out["peiljaar_window"] = str(fw.peiljaar.window)
        return out

    def _node_names(self) -> dict[str, tuple[str, str]]:
        names: dict[str, tuple[str, str]] = {}
        for op in self.framework.opgaven:
            names[op.code] = (op.name, "opgave")
            for th in op.themes:
                names[th.code] = (th.name, "thema")
        if self.framework.overall is not None:
            names[self.framework.overall.code] = (self.framework.overall.name, "totaal")
        return names

    def to_frame(self) -> pd.DataFrame:
        """Tidy long frame: year, area_code, name, node, node_name, node_type, score, rank, tier."""
        long = self.scores.stack(future_stack=True).rename("score").to_frame()
        long.index = long.index.set_names(["year", "area_code", "node"])
        long["rank"] = self.ranks.stack(future_stack=True).reindex(long.index)
        tiers = self.tiers.stack(future_stack=True)
        tiers.index = tiers.index.set_names(["year", "area_code", "node"])
        long["tier"] = tiers.reindex(long.index)
        long = long.reset_index()
        names = self._node_names()
        long["node_name"] = long["node"].map(lambda n: names[n][0])
        long["node_type"] = long["node"].map(lambda n: names[n][1])
        long["name"] = long["area_code"].map(self.areas["name"])
        columns = ["year", "area_code", "name", "node", "node_name", "node_type", "score",
                   "rank", "tier"]
        key = pd.MultiIndex.from_frame(long[["year", "area_code"]])
        if self.assessment is not None and "reason" in self.assessment:
            long["not_assessed"] = self.assessment["reason"].reindex(key).to_numpy()
            columns.append("not_assessed")
        if self.framework.approach is not None:
            per_year = pd.concat({y: self.approaches(y)["approach"] for y in self.years},
                                 names=["year", "area_code"])
            long["approach"] = per_year.reindex(key).to_numpy()
            columns.append("approach")
        return long[columns]

    def ranking(self, opgave: str, year: int | None = None) -> pd.DataFrame:
        """One opgave in one year (default: the last), most urgent first (the lowest score,
        or the highest for an opgave with ``priority_when: high``).

        ``priority_rank`` is 1 for the most urgent area (the lowest score); ``rank`` is the score
        rank (1 = the highest score)."""
        year = year or self.years[-1]
        if opgave not in self.scores.columns:
            from wijkkompas.errors import NotFound

            raise NotFound(f"onbekende opgave {opgave!r}; kies uit {', '.join(self.scores.columns)}")
        rows = self.scores.xs(year, level="year")
        frame = pd.DataFrame({
            "name": rows.index.map(self.areas["name"]),
            "score": rows[opgave],
            "rank": self.ranks.xs(year, level="year")[opgave],
            "priority_rank": self.priority_ranks[opgave].xs(year, level="year"),
            "tier": self.tiers.xs(year, level="year")[opgave]
            if opgave in self.tiers.columns else None,
        })
        if self.assessment is not None and "reason" in self.assessment:
            frame["not_assessed"] = self.assessment["reason"].xs(year, level="year").reindex(
                rows.index)
        if self.framework.approach is not None:
            frame["approach"] = self.approaches(year)["approach"].reindex(rows.index)
        return frame.sort_values(["priority_rank", "name"], na_position="last")

    def approaches(self, year: int | None = None) -> pd.DataFrame:
        """The approach (aanpak) of every area in ``year`` (default: the last), from the
        framework's approach typology: index area_code; columns ``approach`` (None for an area
        that is not assessed), ``rule`` (1-based; None for the default) and ``explanation``
        (one Dutch sentence: the conditions that chose it). Empty without a typology."""
        return self._derived("approaches", self._approaches, year or self.years[-1])

    def _approaches(self, year: int) -> pd.DataFrame:
        spec = self.framework.approach
        columns = ["name", "approach", "rule", "explanation"]
        if spec is None:
            return pd.DataFrame(columns=columns)
        tiers = self.tiers.xs(year, level="year")
        scores = self.scores.xs(year, level="year")
        earlier = [y for y in self.years if y < year]
        previous = (self.scores.xs(earlier[-1], level="year").reindex(scores.index)
                    if earlier and self.comparable_over_time else None)
        used = sorted({c for r in spec.rules for c in (*r.tiers, *r.declining)})
        from wijkkompas.framework.tiers import NO_TIER

        # Not assessed: the area's own reason (too few inhabitants, a business area), or no tier
        # on any opgave the rules use. An opgave without data this year just matches no rule.
        missing = tiers[used].isna() | (tiers[used] == NO_TIER) if used else \
            pd.DataFrame(index=tiers.index)
        not_assessed = missing.all(axis=1) if used else pd.Series(False, index=tiers.index)
        if self.assessment is not None and "reason" in self.assessment:
            not_assessed |= self.assessment["reason"].xs(year, level="year").reindex(
                tiers.index).notna()
        approach = pd.Series(None, index=tiers.index, dtype=object)
        rule_no = pd.Series(None, index=tiers.index, dtype=object)
        why = pd.Series("", index=tiers.index, dtype=object)
        open_ = ~not_assessed
        names = {op.code: op.name for op in self.framework.opgaven}
        for number, rule in enumerate(spec.rules, start=1):
            match = open_.copy()
            parts = []
            for code, allowed in rule.tiers.items():
                match &= tiers[code].isin(allowed)
                parts.append(tiers[code].map(lambda t, c=code: f"{names[c]}: {t}"))
            for code in rule.declining:
                if previous is None:
                    match &= False
                    continue
                match &= scores[code] < previous[code]
                parts.append(pd.Series(f"{names[code]} gedaald sinds {earlier[-1]}",
                                       index=tiers.index))
            text = (pd.concat(parts, axis=1).agg("; ".join, axis=1) if parts
                    else pd.Series("", index=tiers.index))
            approach[match] = rule.approach
            rule_no[match] = number
            why[match] = text[match] + " → " + rule.approach
            open_ &= ~match
        approach[open_] = spec.default
        why[open_] = "geen regel van toepassing → " + spec.default
        if used:
            reasons = None
            if self.assessment is not None and "reason" in self.assessment:
                reasons = self.assessment["reason"].xs(year, level="year").reindex(tiers.index)
            why[not_assessed] = ("niet beoordeeld — " + reasons[not_assessed].fillna(
                "geen score")) if reasons is not None else "niet beoordeeld"
        return pd.DataFrame({"name": tiers.index.map(self.areas["name"]), "approach": approach,
                             "rule": rule_no, "explanation": why}, index=tiers.index)

    def explain(self, area_code: str, opgave: str | None = None, year: int | None = None
                ) -> AreaExplanation:
        """Per-indicator contributions, strengths and weaknesses of one area."""
        from wijkkompas.errors import NotFound

        year = year or self.years[-1]
        opgave = opgave or self.framework.opgaven[0].code
        op = next((o for o in self.framework.opgaven if o.code == opgave), None)
        if op is None:
            raise NotFound(f"onbekende opgave {opgave!r}")
        key = (year, area_code)
        if key not in self.scores.index:
            screened = self.screened["reason"].get(key) if len(self.screened) else None
            if screened is None:
                raise NotFound(f"geen score voor {area_code} in {year} (onbekend gebied)")
            return self._unassessed(area_code, op.code, op.name, year, str(screened),
                                    pd.DataFrame(columns=["theme", "raw", "used", "normalised",
                                                          "reference", "contribution"]))
        c = self.contributions
        mine = c[(c["year"] == year) & (c["area_code"] == area_code) & (c["opgave"] == opgave)]
        mine = mine.set_index("indicator")
        table = pd.DataFrame({
            "theme": mine["theme"],
            "raw": self.raw.loc[key].reindex(mine.index),
            "used": (self.imputed if self.imputed is not None else self.raw).loc[key]
            .reindex(mine.index),
            "normalised": self.normalised.loc[key].reindex(mine.index),
            "reference": self.reference.reindex(mine.index),
            "contribution": mine["contribution"],
        }).sort_values("contribution")
        from wijkkompas.data.catalogue import load_catalogue
        from wijkkompas.formatting import SCORE_DECIMALS, signed

        cat = load_catalogue()

        def label(code: str) -> str:
            return cat[code].label_nl if code in cat else code

        if pd.isna(self.scores.loc[key, opgave]):
            have, total = int(table["used"].notna().sum()), len(table)
            reason = ("te weinig gegevens: " + (
                f"{have} van de {total} indicatoren heeft een waarde" if have == 1 else
                f"{have} van de {total} indicatoren hebben een waarde" if have else
                "geen indicator heeft een waarde" if total == 1 else
                f"geen van de {total} indicatoren heeft een waarde"))
            return self._unassessed(area_code, op.code, op.name, year, reason, table)
        neg = table[table["contribution"] < 0]["contribution"].nsmallest(N_STRENGTHS)
        pos = table[table["contribution"] > 0]["contribution"].nlargest(N_STRENGTHS)
        year_priority = self.priority_ranks.xs(year, level="year")[opgave]
        priority = self.priority_ranks.loc[key, opgave]
        not_assessed = None
        if self.assessment is not None and "reason" in self.assessment:
            why = self.assessment["reason"].get(key)
            not_assessed = why if isinstance(why, str) else None
        return AreaExplanation(
            area_code=area_code,
            name=str(self.areas["name"].get(area_code, area_code)),
            year=year,
            opgave=opgave,
            opgave_name=op.name,
            score=float(self.scores.loc[key, opgave]),
            reference_score=float(self.reference_scores[opgave]),
            rank=int(self.ranks.loc[key, opgave]),
            priority_rank=None if pd.isna(priority) else int(priority),
            n_ranked=int(year_priority.notna().sum()),
            not_assessed=not_assessed,
            tier=self.tiers.loc[key, opgave],
            contributions=table,
            # Contributions are score points: one decimal, as in every table that shows them.
            strengths=[f"{label(i)} ({signed(v, SCORE_DECIMALS)})" for i, v in pos.items()],
            weaknesses=[f"{label(i)} ({signed(v, SCORE_DECIMALS)})" for i, v in neg.items()],
        )

    def _unassessed(self, area_code: str, opgave: str, opgave_name: str, year: int,
                    reason: str, table: pd.DataFrame) -> AreaExplanation:
        """An explanation without a score: screened out, or too little data for the opgave."""
        year_scores = self.scores.xs(year, level="year")[opgave]
        return AreaExplanation(
            area_code=area_code, name=str(self.areas["name"].get(area_code, area_code)),
            year=year, opgave=opgave, opgave_name=opgave_name, score=float("nan"),
            reference_score=float(self.reference_scores[opgave]), rank=None,
            n_ranked=int(year_scores.notna().sum()), tier=None, contributions=table,
            strengths=[], weaknesses=[], reason=reason)

    def koppelkansen(self, year: int | None = None) -> pd.DataFrame:
        """Per area: which opgaven are in a priority tier at the same time (every tier but the
        last counts as priority). Columns: one boolean per opgave, ``count`` and ``opgaven``."""
        year = year or self.years[-1]
        labels = self.framework.priority.tier_labels()
        priority = set(labels[:-1])
        tiers = self.tiers.xs(year, level="year")
        flags = tiers.isin(priority)
        out = flags.copy()
        out["count"] = flags.sum(axis=1)
        names = {op.code: op.name for op in self.framework.opgaven}
        out["opgaven"] = flags.apply(
            lambda row: ", ".join(names[c] for c in flags.columns if row[c]), axis=1)
        out.insert(0, "name", out.index.map(self.areas["name"]))
        return out.sort_values(["count", "name"], ascending=[False, True])

    def koppelkansen_summary(self, year: int | None = None, min_opgaven: int = 1
                             ) -> pd.DataFrame:
        """How many areas share each combination of priority opgaven (of at least
        ``min_opgaven`` opgaven; 2 for the koppelkansen proper: opgaven that coincide)."""
        table = self.koppelkansen(year)
        table = table[table["count"] >= max(min_opgaven, 1)]
        summary = table.groupby("opgaven").agg(gebieden=("name", "count"),
                                               namen=("name", lambda s: ", ".join(sorted(s))))
        return summary.sort_values("gebieden", ascending=False)

    # --- export ------------------------------------------------------------------------------

    def to_csv(self, path: str | Path) -> Path:
        path = Path(path)
        frame = self.to_frame()
        with open(path, "w", encoding="utf-8", newline="") as fh:
            write_csv(fh, frame, self.provenance())
        return path

    def to_excel(self, path: str | Path) -> Path:
        path = Path(path)
        with excel_writer(path) as xl:
            self.to_frame().to_excel(xl, sheet_name="scores", index=False)
            self.contributions.to_excel(xl, sheet_name="bijdragen", index=False)
            self.raw.reset_index().to_excel(xl, sheet_name="invoer", index=False)
            if self.source_years is not None:
                self.source_years.reset_index().to_excel(xl, sheet_name="jaar van de waarde",
                                                         index=False)
            self.normalised.reset_index().to_excel(xl, sheet_name="genormaliseerd", index=False)
            pd.DataFrame({"waarschuwing": self.warnings}).to_excel(
                xl, sheet_name="waarschuwingen", index=False)
            pd.Series(self.provenance()).rename("waarde").to_frame().to_excel(
                xl, sheet_name="herkomst")
        return path
