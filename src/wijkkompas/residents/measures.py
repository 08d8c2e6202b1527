"""The three measures of resident input, when residents see a need, and small samples.

=============== ===================================== ====================== ================
measure         value                                 residents see a need   small sample
=============== ===================================== ====================== ================
``aandeel``     % of respondents naming the theme as  among the area's three n < 30, or a
                a priority (0–100)                    most named themes in   margin of 10
                                                      that year and survey   points or more
``rapportcijfer`` mean satisfaction score (1–10)      below 6 (onvoldoende)  n < 30, or a
                                                                             margin ≥ 1
``index``       survey index, 100 = the city in the   at least 10 points     n < 30, or a
                base year (Wijkprofiel subjectief)    below 100              margin ≥ 10
=============== ===================================== ====================== ================

A small sample is shown with its result and never hidden; it makes a disagreement a question
rather than a conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Rule of thumb: fewer respondents than this is a small sample.
MIN_RESPONDENTS = 30
#: Residents name a theme as a priority when it is one of this many most named themes.
TOP_THEMES = 3
#: A satisfaction score below this is "onvoldoende".
PASS_MARK = 6.0
#: An index this many points below 100 (one standard deviation on the Wijkprofiel scale).
INDEX_GAP = 10.0


@dataclass(frozen=True)
class Measure:
    code: str
    name: str  # Dutch, for tables
    low: float  # plausible range (refused outside)
    high: float
    wide_margin: float  # a margin at least this wide marks a small sample
    decimals: int
    unit: str


MEASURES = {
    "aandeel": Measure("aandeel", "aandeel dat het thema als prioriteit noemt", 0.0, 100.0,
                       10.0, 0, "%"),
    "rapportcijfer": Measure("rapportcijfer", "rapportcijfer (1–10)", 1.0, 10.0, 1.0, 1, ""),
    "index": Measure("index", "index (100 = stad in het basisjaar)", 0.0, 1000.0, 10.0, 0, ""),
}


def small_sample(respondents: pd.Series, margin: pd.Series, measure: pd.Series) -> np.ndarray:
    """True where the sample is small: fewer than :data:`MIN_RESPONDENTS` respondents, or a
    margin at least as wide as the measure's ``wide_margin``."""
    n = pd.to_numeric(respondents, errors="coerce").to_numpy(dtype=float)
    m = pd.to_numeric(margin, errors="coerce").to_numpy(dtype=float)
    wide = measure.map({k: v.wide_margin for k, v in MEASURES.items()}).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return (n < MIN_RESPONDENTS) | (m >= wide)


def residents_see_need(frame: pd.DataFrame) -> pd.Series:
    """Per row of ``frame`` (``area_code``, ``year``, ``measure``, ``value``, ``source``):
    whether residents see a need on the theme (see the table above)."""
    out = pd.Series(False, index=frame.index)
    score = frame["measure"] == "rapportcijfer"
    out[score] = frame.loc[score, "value"] < PASS_MARK
    index = frame["measure"] == "index"
    out[index] = frame.loc[index, "value"] <= 100.0 - INDEX_GAP
    share = frame["measure"] == "aandeel"
    if share.any():
        part = frame.loc[share]
        # Dense rank within one survey: ties share a place, so a tie for third counts for both.
        rank = part.groupby(["area_code", "year", "source"])["value"].rank(
            method="dense", ascending=False)
        out[share] = (rank <= TOP_THEMES) & (part["value"] > 0)
    return out
