"""The result of scoring a framework: every intermediate step, explained and reproducible."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from wijkkompas import __version__
from wijkkompas.framework.schema import Framework

N_STRENGTHS = 3


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
    score: float
    reference_score: float
    rank: float
    n_ranked: int
    tier: str | None
    contributions: pd.DataFrame  # indicator, theme, raw, used, normalised, reference, contribution
    # (``used`` is ``raw`` after imputation: it differs where the source had no value)
    strengths: list[str]
    weaknesses: list[str]

    def summary(self) -> str:
        from wijkkompas.formatting import score

        diff = self.score - self.reference_score
        side = "boven" if diff >= 0 else "onder"
        lines = [
            f"{self.name} ({self.area_code}), {self.opgave_name} {self.year}: score "
            f"{score(self.score)}, {score(abs(diff))} {side} de referentie "
            f"({score(self.reference_score)}); "
            f"rang {int(self.rank)} van {self.n_ranked}; klasse: {self.tier or '-'}",
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
    pushes the opgave score above (+) or below (-) the reference.
    """

    framework: Framework
    raw: pd.DataFrame
    normalised: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    tiers: pd.DataFrame
    contributions: pd.DataFrame
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

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores.index.get_level_values("year").unique())

    def provenance(self) -> dict[str, str]:
        return {
            **framework_provenance(self.framework, self.data_fingerprint, self.created),
            "comparable_over_time": "ja" if self.comparable_over_time else "nee",
        }

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
        return long[["year", "area_code", "name", "node", "node_name", "node_type", "score",
                     "rank", "tier"]]

    def ranking(self, opgave: str, year: int | None = None) -> pd.DataFrame:
        """One opgave in one year (default: the last), lowest (most urgent) score first."""
        year = year or self.years[-1]
        if opgave not in self.scores.columns:
            from wijkkompas.errors import NotFound

            raise NotFound(f"onbekende opgave {opgave!r}; kies uit {', '.join(self.scores.columns)}")
        rows = self.scores.xs(year, level="year")
        frame = pd.DataFrame({
            "name": rows.index.map(self.areas["name"]),
            "score": rows[opgave],
            "rank": self.ranks.xs(year, level="year")[opgave],
            "tier": self.tiers.xs(year, level="year")[opgave]
            if opgave in self.tiers.columns else None,
        })
        return frame.sort_values(["score", "name"], na_position="last")

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
            raise NotFound(f"geen score voor {area_code} in {year} (uitgesloten of onbekend)")
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

        neg = table[table["contribution"] < 0]["contribution"].nsmallest(N_STRENGTHS)
        pos = table[table["contribution"] > 0]["contribution"].nlargest(N_STRENGTHS)
        year_scores = self.scores.xs(year, level="year")[opgave]
        return AreaExplanation(
            area_code=area_code,
            name=str(self.areas["name"].get(area_code, area_code)),
            year=year,
            opgave=opgave,
            opgave_name=op.name,
            score=float(self.scores.loc[key, opgave]),
            reference_score=float(self.reference_scores[opgave]),
            rank=float(self.ranks.loc[key, opgave]),
            n_ranked=int(year_scores.notna().sum()),
            tier=self.tiers.loc[key, opgave],
            contributions=table,
            # Contributions are score points: one decimal, as in every table that shows them.
            strengths=[f"{label(i)} ({signed(v, SCORE_DECIMALS)})" for i, v in pos.items()],
            weaknesses=[f"{label(i)} ({signed(v, SCORE_DECIMALS)})" for i, v in neg.items()],
        )

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

    def koppelkansen_summary(self, year: int | None = None) -> pd.DataFrame:
        """How many areas share each combination of priority opgaven."""
        table = self.koppelkansen(year)
        table = table[table["count"] > 0]
        summary = table.groupby("opgaven").agg(gebieden=("name", "count"),
                                               namen=("name", lambda s: ", ".join(sorted(s))))
        return summary.sort_values("gebieden", ascending=False)

    # --- export ------------------------------------------------------------------------------

    def to_csv(self, path: str | Path) -> Path:
        path = Path(path)
        frame = self.to_frame()
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for key, value in self.provenance().items():
                fh.write(f"# {key}: {value}\n")
            frame.to_csv(fh, index=False)
        return path

    def to_excel(self, path: str | Path) -> Path:
        path = Path(path)
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            self.to_frame().to_excel(xl, sheet_name="scores", index=False)
            self.contributions.to_excel(xl, sheet_name="bijdragen", index=False)
            self.raw.reset_index().to_excel(xl, sheet_name="invoer", index=False)
            self.normalised.reset_index().to_excel(xl, sheet_name="genormaliseerd", index=False)
            pd.DataFrame({"waarschuwing": self.warnings}).to_excel(
                xl, sheet_name="waarschuwingen", index=False)
            pd.Series(self.provenance()).rename("waarde").to_frame().to_excel(
                xl, sheet_name="herkomst")
        return path
