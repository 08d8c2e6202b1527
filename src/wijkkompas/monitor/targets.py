"""Targets (doelen, streefwaarden): what an area or a set of areas should reach, by when.

A :class:`Target` names *what* is measured (an indicator, or an opgave score of a framework),
*where* (one or more areas; every area gets its own target value and its own progress), and
*how the target value is set*:

* ``absolute``: :math:`v` — e.g. "70% werkenden";
* ``change``: :math:`x_a(t_0) + v`, the area's own baseline plus ``value`` in the unit of the
  measure — e.g. "+5 indexpunten in 2028";
* ``reference``: :math:`\\bar x_R(t_R) + v`, the unweighted mean of the reference areas *R*
  in the reference year plus an optional offset ``value`` (default 0) — e.g. "op het
  G4-gemiddelde in 2031";
* ``tier``: the upper boundary of the lowest (priority) tier — a given ``threshold``, or else
  the quintile :math:`Q_{0.2}` (:math:`Q_{0.8}` when lower is better) of the comparison areas
  in the baseline year — "uit de laagste klasse".

``reference_year=None`` makes the reference *moving*: the newest year in which the reference
areas have data is used, so the target follows the reference as new data arrive (NPRZ style);
a fixed ``reference_year`` freezes it. The reference mean is unweighted (each area counts once).

Milestones (tussendoelen) are ``{year: value}`` in the same terms as ``value`` (for
``change`` a change from the baseline, for ``reference`` an offset from the reference).
``tier`` targets take no milestones.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.errors import ConfigError
from wijkkompas.limits import LABEL, NAME, TEXT

KINDS = {
    "absolute": "absolute waarde",
    "change": "verandering t.o.v. het eigen basisjaar",
    "reference": "relatief t.o.v. een referentie",
    "tier": "uit de laagste klasse",
}
MEASURES = {"indicator": "indicator", "score": "opgavescore"}
DIRECTIONS = ("higher_better", "higher_worse")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_YEAR, MAX_YEAR = 1990, 2100


class TargetError(ConfigError):
    """A target definition is invalid; the message names the field."""


@dataclass(frozen=True)
class Target:
    """A target for one or more areas.

    Parameters
    ----------
    code
        Stable identifier (letters, digits, ``_ . -``); versions share the code.
    name
        Dutch display name.
    areas
        Area codes (buurt/wijk/gemeente/custom). Each area gets its own target value.
    measure
        ``"indicator"`` or ``"score"`` (an opgave score of ``framework``).
    subject
        Indicator code, or opgave code when ``measure == "score"``.
    kind
        ``absolute``, ``change``, ``reference`` or ``tier`` (see the module docstring).
    baseline_year, target_year
        Start and end of the target period; ``target_year > baseline_year``.
    value
        Target value (absolute), change (change) or offset (reference; default 0).
    direction
        ``higher_better`` or ``higher_worse``. Opgave scores are always higher-is-better.
    framework
        Preset name or YAML path, required for ``measure == "score"``.
    reference_areas
        Areas whose unweighted mean is the reference (kind ``reference``), e.g. the G4.
    reference_year
        Year of the reference value; None: the newest year with data (moving reference).
    reference_label
        Display name of the reference, e.g. ``"G4-gemiddelde"``.
    threshold
        Upper boundary of the lowest tier (kind ``tier``); None: the baseline-year quintile.
    milestones
        ``{year: value}`` between baseline and target year, in the terms of ``value``.
    note
        Free text (motivation, council decision).
    """

    code: str
    name: str
    areas: tuple[str, ...]
    measure: str
    subject: str
    kind: str
    baseline_year: int
    target_year: int
    value: float | None = None
    direction: str = "higher_better"
    framework: str | None = None
    reference_areas: tuple[str, ...] = ()
    reference_year: int | None = None
    reference_label: str | None = None
    threshold: float | None = None
    milestones: dict[int, float] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "areas", tuple(str(a).upper() for a in self.areas))
        object.__setattr__(self, "reference_areas",
                           tuple(str(a).upper() for a in self.reference_areas))
        object.__setattr__(self, "milestones",
                           {int(k): float(v) for k, v in sorted(self.milestones.items())})
        validate_target(self)

    # --- (de)serialisation -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict; ``Target.from_dict(t.to_dict()) == t``."""
        out = asdict(self)
        out["areas"] = list(self.areas)
        out["reference_areas"] = list(self.reference_areas)
        out["milestones"] = {str(k): v for k, v in self.milestones.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise TargetError(f"onbekende velden in doel: {', '.join(unknown)}; geldig zijn "
                              f"{', '.join(sorted(known))}")
        data = dict(data)
        data["areas"] = tuple(data.get("areas") or ())
        data["reference_areas"] = tuple(data.get("reference_areas") or ())
        data["milestones"] = {int(k): float(v) for k, v in (data.get("milestones") or {}).items()}
        return cls(**data)

    def describe(self) -> str:
        """One Dutch sentence, e.g. ``'lbm_totaal: op het G4-gemiddelde in 2031 (basis 2012)'``."""
        if self.kind == "absolute":
            how = f"naar {self.value:g} in {self.target_year}"
        elif self.kind == "change":
            how = f"{self.value:+g} t.o.v. {self.baseline_year} in {self.target_year}"
        elif self.kind == "reference":
            label = self.reference_label or "gemiddelde van " + ", ".join(self.reference_areas)
            offset = f" {self.value:+g}" if self.value else ""
            when = "" if self.reference_year is None else f" ({self.reference_year})"
            how = f"op het {label}{when}{offset} in {self.target_year}"
        else:
            how = f"uit de laagste klasse in {self.target_year}"
        what = self.subject if self.measure == "indicator" else f"opgave {self.subject}"
        return f"{what}: {how} (basis {self.baseline_year}; {len(self.areas)} gebied(en))"


def validate_target(t: Target) -> None:
    """Raise :class:`TargetError` naming the first invalid field."""
    if not CODE_PATTERN.match(t.code or ""):
        raise TargetError(f"code {t.code!r}: gebruik letters, cijfers, '_', '.' of '-' "
                          "(max. 64 tekens)")
    if not (t.name or "").strip():
        raise TargetError("name: een doel heeft een naam nodig")
    for name, limit in (("name", NAME), ("note", TEXT), ("reference_label", LABEL)):
        value = getattr(t, name, None)
        if isinstance(value, str) and len(value) > limit:
            raise TargetError(f"{name}: te lang ({len(value)} tekens; maximaal {limit})")
    if not t.areas:
        raise TargetError("areas: kies minstens één gebied")
    if len(set(t.areas)) != len(t.areas):
        raise TargetError("areas: een gebied staat er meer dan eens in")
    if t.measure not in MEASURES:
        raise TargetError(f"measure {t.measure!r}: kies uit {', '.join(MEASURES)}")
    if not (t.subject or "").strip():
        raise TargetError("subject: geef een indicator- of opgavecode op")
    if t.kind not in KINDS:
        raise TargetError(f"kind {t.kind!r}: kies uit {', '.join(KINDS)}")
    if t.direction not in DIRECTIONS:
        raise TargetError(f"direction {t.direction!r}: kies uit {', '.join(DIRECTIONS)}; "
                          "geef bij een neutrale indicator zelf de richting op (--direction)")
    if t.measure == "score":
        if not t.framework:
            raise TargetError("framework: een doel op een opgavescore heeft een afwegingskader "
                              "nodig (bijv. 'rotterdam')")
        if t.direction != "higher_better":
            raise TargetError("direction: opgavescores zijn altijd 'hoger is beter'")
    for name in ("baseline_year", "target_year"):
        year = getattr(t, name)
        if not isinstance(year, int | np.integer) or not MIN_YEAR <= year <= MAX_YEAR:
            raise TargetError(f"{name} {year!r}: geef een jaartal tussen {MIN_YEAR} en {MAX_YEAR}")
    if t.target_year <= t.baseline_year:
        raise TargetError(f"target_year {t.target_year}: moet na het basisjaar "
                          f"{t.baseline_year} liggen")
    if t.value is not None and not math.isfinite(t.value):
        raise TargetError(f"value {t.value!r}: geen eindig getal")
    if t.kind in ("absolute", "change") and t.value is None:
        raise TargetError(f"value: een doel van soort '{t.kind}' heeft een waarde nodig")
    if t.kind == "change" and t.value == 0:
        raise TargetError("value: een verandering van 0 is geen doel")
    if t.kind == "reference":
        if not t.reference_areas:
            raise TargetError("reference_areas: geef de referentiegebieden op (bijv. de G4: "
                              "GM0363 GM0599 GM0518 GM0344)")
        if t.reference_year is not None and not MIN_YEAR <= t.reference_year <= MAX_YEAR:
            raise TargetError(f"reference_year {t.reference_year!r}: geen geldig jaartal")
    elif t.reference_areas or t.reference_year is not None:
        raise TargetError("reference_areas/reference_year horen alleen bij soort 'reference'")
    if t.kind == "tier":
        if t.value is not None:
            raise TargetError("value: een doel 'uit de laagste klasse' heeft geen waarde; "
                              "gebruik 'threshold' voor een vaste klassegrens")
        if t.milestones:
            raise TargetError("milestones: een doel 'uit de laagste klasse' heeft geen "
                              "tussendoelen")
    elif t.threshold is not None:
        raise TargetError("threshold hoort alleen bij soort 'tier'")
    for year, value in t.milestones.items():
        if not t.baseline_year < year < t.target_year:
            raise TargetError(f"milestones {year}: een tussendoel ligt tussen het basisjaar "
                              f"{t.baseline_year} en het doeljaar {t.target_year}")
        if not math.isfinite(value):
            raise TargetError(f"milestones {year}: geen eindig getal")


# --- resolving target values --------------------------------------------------------------


def reference_value(series: pd.DataFrame, areas: tuple[str, ...] | list[str],
                    year: int | None) -> tuple[float, int]:
    """Unweighted mean of ``areas`` in ``year`` (None: the newest year in which all reference
    areas with any data have a value).

    .. math:: \\bar x_R(t) = \\frac{1}{|R|} \\sum_{r \\in R} x_r(t)

    Parameters
    ----------
    series
        Long frame with columns ``area_code``, ``year``, ``value``.

    Returns
    -------
    (value, year)
    """
    rows = series[series["area_code"].isin(list(areas)) & series["value"].notna()]
    if rows.empty:
        raise TargetError("reference_areas: geen gegevens voor " + ", ".join(areas))
    if year is None:
        counts = rows.groupby("year")["area_code"].nunique()
        full = counts[counts == counts.max()]
        year = int(full.index.max())
    sel = rows[rows["year"] == year]
    if sel.empty:
        raise TargetError(f"reference_year {year}: geen gegevens voor de referentiegebieden")
    missing = sorted(set(areas) - set(sel["area_code"]))
    if missing and len(missing) == len(set(areas)):
        raise TargetError(f"reference_year {year}: geen gegevens voor de referentiegebieden")
    return float(sel["value"].mean()), int(year)


def tier_threshold(series: pd.DataFrame, year: int, direction: str,
                   comparison: list[str] | None = None) -> float:
    """Boundary of the lowest quintile among ``comparison`` areas (default: all in ``series``)
    in ``year``: :math:`Q_{0.2}` when higher is better, :math:`Q_{0.8}` when higher is worse
    (linear interpolation between order statistics, ``numpy.quantile`` default)."""
    rows = series[(series["year"] == year) & series["value"].notna()]
    if comparison is not None:
        rows = rows[rows["area_code"].isin(comparison)]
    if len(rows) < 5:
        raise TargetError(f"tier: te weinig vergelijkingsgebieden in {year} ({len(rows)}) om "
                          "een laagste klasse (kwintiel) te bepalen; geef 'threshold' op")
    q = 0.2 if direction == "higher_better" else 0.8
    return float(np.quantile(rows["value"].to_numpy(dtype=float), q))


def resolve_targets(target: Target, series: pd.DataFrame, *,
                    comparison: list[str] | None = None) -> pd.DataFrame:
    """Target value per area, and the milestone values.

    Parameters
    ----------
    target
        The target.
    series
        Long frame ``area_code, year, value`` holding at least the target areas and (kind
        ``reference``) the reference areas, (kind ``tier``) the comparison areas.
    comparison
        Areas among which the lowest tier is determined (kind ``tier`` without threshold).

    Returns
    -------
    DataFrame indexed by ``area_code`` (in the order of ``target.areas``) with
    ``baseline_value``, ``target_value``, ``reference_value``, ``reference_year`` and one
    column ``milestone_<year>`` per milestone. A missing baseline gives NaN (and NaN target
    for kind ``change``), never an error: the area stays visible.
    """
    own = series[series["area_code"].isin(target.areas)]
    base = own[own["year"] == target.baseline_year].set_index("area_code")["value"]
    base = base.groupby(level=0).first().reindex(list(target.areas))
    out = pd.DataFrame({"baseline_value": base.astype(float)})
    out.index.name = "area_code"
    ref_value, ref_year = float("nan"), None
    if target.kind == "absolute":
        out["target_value"] = float(target.value)
        terms = dict.fromkeys(out.index, 0.0)
    elif target.kind == "change":
        out["target_value"] = out["baseline_value"] + float(target.value)
        terms = out["baseline_value"].to_dict()
    elif target.kind == "reference":
        ref_value, ref_year = reference_value(series, target.reference_areas,
                                              target.reference_year)
        out["target_value"] = ref_value + float(target.value or 0.0)
        terms = dict.fromkeys(out.index, ref_value)
    else:
        cut = target.threshold
        if cut is None:
            cut = tier_threshold(series, target.baseline_year, target.direction, comparison)
        out["target_value"] = float(cut)
        terms = {}
    out["reference_value"] = ref_value
    out["reference_year"] = ref_year
    for year, value in target.milestones.items():
        if target.kind == "absolute":
            out[f"milestone_{year}"] = float(value)
        else:
            out[f"milestone_{year}"] = pd.Series(terms).reindex(out.index).astype(float) + value
    return out
