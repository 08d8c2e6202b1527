"""Register vs survey: the gap between objective (register) and subjective (survey) scores.

Where a survey-based index exists next to a register-based one on the same scale — the
Rotterdam Wijkprofiel has ``wp_<part>_obj`` and ``wp_<part>_subj`` for the physical (fi),
social (si) and safety (vi) index, 100 = Rotterdam 2014 — the difference per area

.. math:: g_a(t) = x^{subj}_a(t) - x^{obj}_a(t)

is a *signal to discuss*, not an error: residents may experience their area better or worse
than the registrations suggest. Two signals are raised:

* **gap**: :math:`|g_a(t)| \\ge` ``threshold`` (default 10 index points, one standard
  deviation on the Wijkprofiel scale);
* **drift**: :math:`|g_a(t) - g_a(t')| \\ge` ``drift_threshold`` (default 10) since the
  previous year :math:`t'` with both scores: the two lines are drifting apart or converging.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wijkkompas.monitor.trend import nl

PAIR = re.compile(r"^(?P<stem>.+)_(?P<side>obj|subj)$")
PART_NAMES = {"wp_fi": "fysieke index", "wp_si": "sociale index", "wp_vi": "veiligheidsindex"}


def find_pairs(indicators: list[str] | pd.Index) -> dict[str, tuple[str, str]]:
    """``{stem: (objective_code, subjective_code)}`` for every ``<stem>_obj``/``<stem>_subj``
    pair in ``indicators``."""
    sides: dict[str, dict[str, str]] = {}
    for code in indicators:
        m = PAIR.match(str(code))
        if m:
            sides.setdefault(m["stem"], {})[m["side"]] = str(code)
    return {stem: (s["obj"], s["subj"]) for stem, s in sorted(sides.items())
            if "obj" in s and "subj" in s}


def _signal(gap: float, change: float, threshold: float, drift: float) -> str:
    parts = []
    if np.isfinite(gap) and abs(gap) >= threshold:
        side = "positiever" if gap > 0 else "negatiever"
        points = nl(gap, 1, sign=True, significant=False)
        parts.append(f"bewoners oordelen {side} dan de registratie ({points} punten)")
    if np.isfinite(change) and abs(change) >= drift:
        way = "lopen uiteen" if abs(gap) > abs(gap - change) else "lopen naar elkaar toe"
        points = nl(change, 1, sign=True, significant=False)
        parts.append(f"beleving en registratie {way} ({points} punten sinds de vorige meting)")
    return "; ".join(parts)


def register_vs_survey(observations: pd.DataFrame, *, pairs: dict[str, tuple[str, str]] | None
                       = None, threshold: float = 10.0, drift_threshold: float = 10.0
                       ) -> pd.DataFrame:
    """Objective and subjective score, their gap and its change, per area, part and year.

    Parameters
    ----------
    observations
        Long frame with ``area_code``, ``indicator``, ``year``, ``value``.
    pairs
        ``{stem: (objective, subjective)}``; default: every ``*_obj``/``*_subj`` pair found.
    threshold, drift_threshold
        Index points for the gap and drift signals.

    Returns
    -------
    DataFrame with ``area_code``, ``part``, ``part_name``, ``year``, ``objective``,
    ``subjective``, ``gap`` (subjective − objective), ``gap_change`` (since the previous
    year with both), ``signal`` (bool) and ``signal_text`` (Dutch; "" when no signal).
    """
    obs = observations.dropna(subset=["value"])
    pairs = pairs if pairs is not None else find_pairs(obs["indicator"].unique())
    cols = ["area_code", "part", "part_name", "year", "objective", "subjective", "gap",
            "gap_change", "signal", "signal_text"]
    frames = []
    for stem, (obj, subj) in pairs.items():
        sel = obs[obs["indicator"].isin([obj, subj])]
        wide = sel.pivot_table(index=["area_code", "year"], columns="indicator",
                               values="value", aggfunc="first")
        if obj not in wide or subj not in wide:
            continue
        wide = wide.dropna(subset=[obj, subj]).reset_index().sort_values(["area_code", "year"])
        out = pd.DataFrame({
            "area_code": wide["area_code"], "part": stem,
            "part_name": PART_NAMES.get(stem, stem), "year": wide["year"].astype(int),
            "objective": wide[obj], "subjective": wide[subj],
        })
        out["gap"] = out["subjective"] - out["objective"]
        out["gap_change"] = out.groupby("area_code")["gap"].diff()
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=cols)
    table = pd.concat(frames, ignore_index=True)
    table["signal_text"] = [
        _signal(g, c, threshold, drift_threshold)
        for g, c in zip(table["gap"], table["gap_change"], strict=True)
    ]
    table["signal"] = table["signal_text"] != ""
    return table[cols].reset_index(drop=True)
